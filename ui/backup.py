"""The settings page's pieces: role summary, bundle downloads, the restore form."""

from __future__ import annotations

import streamlit as st

from strategy_core.access import configured_passcode
from strategy_core.errors import StrategyError
from strategy_core.markdown import escape
from strategy_core.store import Store
from strategy_core.store.projects import Project
from strategy_core.usecases import backup as backup_cases
from ui.session import PROJECT_KEY, auth_configured, flash, secrets

MAX_BUNDLE_MB = 50


def roles_summary(store: Store) -> None:
    passcode = configured_passcode(secrets=secrets()) is not None
    if not passcode and not auth_configured():
        st.info("Everyone who opens this app can edit (no editor passcode is configured). "
                "To share a read-only link, set `STRATEGY_EDITOR_PASSCODE` — see "
                "docs/deploy.md.", icon=":material/lock_open:")
    else:
        role = "an editor" if store.can_write else "a viewer"
        st.info(f"Editing needs the editor passcode{' or an allowlisted sign-in' if auth_configured() else ''}. "  # noqa: E501
                f"This session is {role}.", icon=":material/lock:")


def download_bundle(store: Store, project: Project | None, key: str) -> None:
    """Build the bundle on request, then offer it for download."""
    if st.button("Prepare backup", key=f"{key}_prepare", icon=":material/inventory_2:"):
        with st.spinner("Writing the bundle…"):
            try:
                st.session_state[f"{key}_data"] = backup_cases.export_bundle_bytes(
                    store, project.id if project else None)
            except StrategyError as exc:
                st.error(escape(exc))
    data = st.session_state.get(f"{key}_data")
    if data:
        st.download_button(
            f"Download backup ({len(data) / 1024:,.0f} KB)", data,
            file_name=backup_cases.bundle_file_name(project),
            mime="application/zip", key=f"{key}_download", icon=":material/download:",
            on_click="ignore")


def restore_form(store: Store) -> None:
    uploaded = st.file_uploader("Backup bundle (.zip)", type=["zip"], key="settings_restore",
                                max_upload_size=MAX_BUNDLE_MB)
    if uploaded is None:
        st.caption("A project bundle adds that project back (for example after it was "
                   "deleted). A whole-database bundle restores into an empty database, or "
                   "replaces everything when you tick the box.")
        return
    data = uploaded.getvalue()
    try:
        manifest = backup_cases.check_bundle(store, data)
    except StrategyError as exc:
        st.error(f"This bundle cannot be restored; nothing was changed.\n\n{escape(exc)}")
        return
    rows = sum(meta["rows"] for meta in manifest.tables.values())
    what = (f"project **{escape(manifest.project['name'])}**" if manifest.project
            else "the **whole database**")
    st.success(f"Bundle checked: {what}, {rows:,} rows in {len(manifest.tables)} tables, "
               f"schema {manifest.schema_version}, written {escape(manifest.created_at)}.")
    replace_all = False
    if manifest.scope == "all":
        replace_all = st.checkbox("Replace everything in this database with the bundle",
                                  key="settings_restore_replace")
    if st.button("Restore", type="primary", key="settings_restore_go"):
        try:
            result = backup_cases.restore_bundle(store, data, replace_all=replace_all)
        except StrategyError as exc:
            st.error(f"Nothing was restored: {escape(exc)}")
            return
        if result.projects:
            st.session_state.pop(PROJECT_KEY, None)
        flash(f"Restored {', '.join(escape(p) for p in result.projects) or 'the bundle'}.")
        st.rerun()
