"""The session's store and chosen project.

The database is opened once per process (`Database.open` caches it); each session gets a
light `Store` handle that knows whether this session may write.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from strategy_core.access import configured_passcode, editor_emails, is_allowed_editor
from strategy_core.demo import seed_demo
from strategy_core.settings import resolve_db_path, seed_demo_enabled
from strategy_core.store import Store, open_store
from strategy_core.store.backup_schedule import schedule_from_settings, start_scheduled_backups
from strategy_core.store.projects import Project

PROJECT_KEY = "project_slug"
UNLOCKED_KEY = "editor_unlocked"
FLASH_KEY = "flash_messages"


def secrets() -> dict:
    """Streamlit secrets as a dict; empty when no secrets file exists."""
    try:
        return dict(st.secrets)
    except Exception:  # noqa: BLE001 - a missing or unreadable secrets file means none
        return {}


def leave_legacy_pages_mode() -> None:
    """Make sure app.py (the frame) runs, even on a server's very first request.

    Until the first `st.navigation` call in a process, Streamlit treats a `pages/` folder
    next to the entry file as legacy folder-based pages: a first request for `/runs` would
    run `pages/runs.py` alone, without the sidebar and project checks of app.py. Switch that
    mode off and rerun, so the request is served through app.py's navigation.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def auth_configured() -> bool:
    """Sign-in (st.login) is available when the secrets hold an [auth] section."""
    return "auth" in secrets()


def signed_in_email() -> str | None:
    try:
        return st.user.get("email") if st.user.get("is_logged_in") else None
    except Exception:  # noqa: BLE001 - no user information outside a browser session
        return None


def can_edit() -> bool:
    """Everyone edits unless a passcode or sign-in is configured; then only sessions that
    unlocked editing or signed in with an allowlisted e-mail do."""
    configured = secrets()
    passcode = configured_passcode(secrets=configured)
    if passcode is None and "auth" not in configured:
        return True
    if st.session_state.get(UNLOCKED_KEY):
        return True
    return is_allowed_editor(signed_in_email(), editor_emails(configured))


def store() -> Store:
    """This session's store (read-only for viewers); seeds the demo into a new database."""
    leave_legacy_pages_mode()
    base = open_store(resolve_db_path(secrets=secrets()))
    if not getattr(base.database, "demo_checked", False):
        if seed_demo_enabled():
            seed_demo(base)
        schedule = schedule_from_settings()
        if schedule is not None:
            start_scheduled_backups(base, schedule)
        base.database.demo_checked = True  # type: ignore[attr-defined]
    return base if can_edit() else base.as_viewer()


def current_project() -> Project | None:
    """The project app.py resolved for this run (None when there is none)."""
    return st.session_state.get("current_project")


def require_project() -> Project:
    """The current project; pages only run when app.py found one, so this always holds."""
    project = current_project()
    if project is None:  # pragma: no cover - app.py stops before pages run
        st.info("Choose or create a project in the sidebar.")
        st.stop()
    return project


def flash(message: str, kind: str = "success") -> None:
    """A message shown once on the next run (after a button's rerun)."""
    st.session_state.setdefault(FLASH_KEY, []).append((kind, message))


def show_flashes() -> None:
    for kind, message in st.session_state.pop(FLASH_KEY, []):
        getattr(st, kind)(message)
