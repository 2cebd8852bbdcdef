"""The tagging grid: one row per example of the sample, a checkbox per category, notes.

The grid is built from a snapshot of the tags taken when it was opened (kept in the session
with each example's version), so a save names the versions the person started from and the
store can refuse, with the current values, a save over someone else's (docs/rules.md §13).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from strategy_core.error_analysis import INCORRECTLY_LABELED
from strategy_core.errors import ConflictError, StrategyError
from strategy_core.markdown import escape
from strategy_core.store import Store
from strategy_core.store.projects import Project
from strategy_core.store.reviews import Category, ReviewSample
from strategy_core.tag_grid import category_column, current_values, grid_frame
from strategy_core.usecases import error_analysis as usecase
from ui import error_analysis as data
from ui.session import flash

REVIEWER_KEY = "ea_reviewer"


def _snapshot_key(sample_id: int) -> str:
    return f"ea_snapshot_{sample_id}"


def _conflict_key(sample_id: int) -> str:
    return f"ea_conflict_{sample_id}"


def reload_grid(sample_id: int) -> None:
    """Forget the snapshot (and any unsaved edits): the grid reloads from the database."""
    st.session_state.pop(_snapshot_key(sample_id), None)
    st.session_state.pop(_conflict_key(sample_id), None)


def tagging_section(store: Store, project: Project, sample: ReviewSample) -> None:
    """The grid, its save / reload buttons, conflicts, and category management."""
    cats = data.categories(store, project.id)
    snapshot = st.session_state.get(_snapshot_key(sample.id))
    if snapshot is None:
        snapshot = {"token": secrets.token_hex(4), "tags": data.tags(store, sample.id),
                    "cats": [(c.id, c.name) for c in cats]}
        st.session_state[_snapshot_key(sample.id)] = snapshot
    manager = st.container()
    shown = snapshot["cats"]
    names = {cid: name for cid, name in shown}
    names.update({c.id: c.name for c in cats})
    ids = [cid for cid, _ in shown]
    # Built once per snapshot and set of categories (thousands of rows), not per rerun.
    if snapshot.get("frame_ids") != ids:
        snapshot["frame"], snapshot["frame_ids"] = grid_frame(snapshot["tags"], ids), ids
        if sample.of_values:  # the measure of each example, in the metric's units (§18)
            shown = data.metric(store, project.id)
            snapshot["frame"].insert(3, "value", [shown.format(v) for v in
                                                  snapshot["tags"]["value"]])
    frame = snapshot["frame"]
    st.caption("Tick every category that explains a mistake (several may apply); notes are "
               "free text. An example with a tick or a note counts as reviewed; tick "
               "**Reviewed** for one that fits no category. Save writes all your changes at "
               "once.")
    grid_key = f"ea_grid_{sample.id}_{snapshot['token']}"
    edited = st.data_editor(
        frame, key=grid_key, hide_index=True,
        num_rows="fixed", column_order=_column_order(frame, ids),
        disabled=True if not store.can_write else
        ["example_id", "label", "prediction", "value", "image", "link", "text", "updated_by"],
        column_config=_column_config(ids, names), height=min(38 + 35 * len(frame), 640),
        row_height=48 if frame["image"].notna().any() else None)
    # Compare only the rows the editor reports as changed (a sample may hold thousands).
    changed = sorted(int(row) for row in
                     (st.session_state.get(grid_key) or {}).get("edited_rows", {}))
    edits = usecase.grid_edits(snapshot["tags"].iloc[changed], edited.iloc[changed], ids) \
        if changed else []
    _stale_notice(store, sample, snapshot["tags"])
    if store.can_write:
        _save_bar(store, sample, edits, names)
    with manager:
        if [c.id for c in cats] != ids and not edits:
            reload_grid(sample.id)
            st.rerun()
        if store.can_write:
            category_manager(store, project, cats, pending=len(edits))


def _column_order(frame: pd.DataFrame, ids: Sequence[int]) -> list[str]:
    columns = ["example_id", "label", "prediction"]
    if "value" in frame.columns:
        columns.append("value")
    if frame["image"].notna().any():
        columns.append("image")
    if frame["link"].notna().any():
        columns.append("link")
    if frame["text"].notna().any():
        columns.append("text")
    columns += [category_column(cid) for cid in ids]
    return columns + ["notes", "reviewed", "updated_by"]


def _column_config(ids: Sequence[int], names: dict[int, str]) -> dict[str, object]:
    config: dict[str, object] = {
        "example_id": st.column_config.TextColumn("Example", pinned=True),
        "label": st.column_config.TextColumn("Label"),
        "prediction": st.column_config.TextColumn("Prediction"),
        "value": st.column_config.TextColumn("Error / value",
                                             help="The example's measure: worst first"),
        "image": st.column_config.ImageColumn("Image", help="Thumbnail from the example's URL"),
        "link": st.column_config.LinkColumn("Link", display_text="open"),
        "text": st.column_config.TextColumn("Text", width="large"),
        "notes": st.column_config.TextColumn("Notes", max_chars=2000, width="medium"),
        "reviewed": st.column_config.CheckboxColumn("Reviewed"),
        "updated_by": st.column_config.TextColumn("Saved by"),
    }
    for cid in ids:
        name = names.get(cid, "?")
        config[category_column(cid)] = st.column_config.CheckboxColumn(
            name, help="The example's label is wrong" if name == INCORRECTLY_LABELED
            else None)
    return config


def _stale_notice(store: Store, sample: ReviewSample, snapshot_tags: pd.DataFrame) -> None:
    """Tell the person when others saved examples of this sample since the grid opened."""
    now = data.tags(store, sample.id)
    before = dict(zip(snapshot_tags["example_id"], snapshot_tags["version"], strict=True))
    changed = [eid for eid, version in zip(now["example_id"], now["version"], strict=True)
               if before.get(eid, version) != version]
    if changed and not st.session_state.get(_conflict_key(sample.id)):
        st.info(f"{len(changed)} examples of this sample were saved by someone else since you "
                "opened the grid. **Reload** to see their tags; saving one of them now would "
                "report a conflict.", icon=":material/group:")


def _save_bar(store: Store, sample: ReviewSample, edits: list, names: dict[int, str]) -> None:
    left, middle, right = st.columns([2, 1, 1], vertical_alignment="bottom")
    reviewer = left.text_input("Your name (shown to other reviewers)", key=REVIEWER_KEY,
                               max_chars=80)
    label = f"Save {len(edits)} change{'s' if len(edits) != 1 else ''}" if edits else "Save"
    save = middle.button(label, type="primary", key="ea_grid_save", disabled=not edits)
    if right.button("Reload", key="ea_grid_reload",
                    help="Load the latest tags; unsaved changes are dropped"):
        reload_grid(sample.id)
        st.rerun()
    if save:
        try:
            saved = usecase.save_tags(store, sample.id, edits, reviewer.strip())
        except ConflictError as exc:
            st.session_state[_conflict_key(sample.id)] = (
                str(exc), current_values(exc.current, names))  # type: ignore[arg-type]
        except StrategyError as exc:
            st.error(escape(exc))
            return
        else:
            reload_grid(sample.id)
            flash(f"Saved tags of {saved} example{'s' if saved != 1 else ''}.")
            st.rerun()
    conflict = st.session_state.get(_conflict_key(sample.id))
    if conflict:
        message, current = conflict
        st.error(escape(message), icon=":material/sync_problem:")
        st.markdown("**Current values of those examples:**")
        st.dataframe(current, hide_index=True, key="ea_conflict_table", column_config={
            "example_id": st.column_config.TextColumn("Example"),
            "saved_at": st.column_config.DatetimeColumn("Saved at",
                                                        format="YYYY-MM-DD HH:mm:ss")})


def category_manager(store: Store, project: Project, cats: Sequence[Category],
                     pending: int) -> None:
    """Add, rename and remove categories during the review."""
    with st.expander("Categories: add, rename, remove"):
        if pending:
            st.caption(f"Save or reload your {pending} unsaved change(s) before changing "
                       "categories.")
        left, middle, right = st.columns(3)
        with left, st.form("ea_cat_add", clear_on_submit=True, border=False):
            name = st.text_input("New category", key="ea_cat_add_name", max_chars=60,
                                 placeholder="e.g. Blurry")
            if st.form_submit_button("Add", disabled=bool(pending)):
                _change(lambda: usecase.add_category(store, project.id, name),
                        f"Added category {escape(name.strip())}.")
        editable = {c.id: c.name for c in cats if not c.reserved}
        with middle, st.form("ea_cat_rename", border=False):
            chosen = st.selectbox("Rename", list(editable), key="ea_cat_rename_id",
                                  format_func=lambda cid: editable[cid])
            new_name = st.text_input("to", key="ea_cat_rename_name", max_chars=60)
            if st.form_submit_button("Rename", disabled=bool(pending) or not editable):
                _change(lambda: usecase.rename_category(store, project.id, chosen, new_name),
                        "Category renamed.")
        with right, st.form("ea_cat_remove", border=False):
            doomed = st.selectbox("Remove", list(editable), key="ea_cat_remove_id",
                                  format_func=lambda cid: editable[cid])
            sure = st.checkbox("Also untag every example", key="ea_cat_remove_ok")
            if st.form_submit_button("Remove", disabled=bool(pending) or not editable) and sure:
                _change(lambda: usecase.remove_category(store, project.id, doomed),
                        "Category removed.")
        st.caption(f"**{INCORRECTLY_LABELED}** is always there (it drives the mislabeled-data "
                   "verdict). Categories are shared by every sample of the project.")


def _change(action, message: str) -> None:  # noqa: ANN001 - a zero-argument use-case call
    try:
        action()
    except StrategyError as exc:
        st.error(escape(exc))
        return
    flash(message)
    st.rerun()
