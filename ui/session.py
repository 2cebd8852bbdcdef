"""The session's store and chosen project.

The database is opened once per process (`Database.open` caches it); each session gets a
light `Store` handle that knows whether this session may write.
"""

from __future__ import annotations

import streamlit as st

from strategy_core.access import configured_passcode, editor_emails, is_allowed_editor
from strategy_core.settings import resolve_db_path, seed_demo_enabled
from strategy_core.store import Store, open_store
from strategy_core.store.projects import Project
from strategy_core.usecases.backup import start_scheduled_backups
from strategy_core.usecases.demo import seed_demo
from ui.navigation import PAGES

PROJECT_KEY = "project_slug"
UNLOCKED_KEY = "editor_unlocked"
FLASH_KEY = "flash_messages"
NAVIGATION_KEY = "navigation_declared"


def secrets() -> dict:
    """Streamlit secrets as a dict; empty when no secrets file exists."""
    try:
        return dict(st.secrets)
    except Exception:  # noqa: BLE001 - a missing or unreadable secrets file means none
        return {}


def leave_legacy_pages_mode() -> None:
    """Make sure app.py (the frame) runs, even on a server's very first request.

    Until the first `st.navigation` call, Streamlit treats a `pages/` folder next to the
    entry file as legacy folder-based pages: a first request for `/runs` would run
    `pages/runs.py` alone, without the sidebar and project checks of app.py (Streamlit 1.67:
    tests/e2e/test_diagnosis.py). A call to `st.navigation` makes Streamlit ignore the
    folder, so a session's first run declares the app's pages (hidden) and reruns: the
    rerun goes through app.py, whose navigation serves `/runs` (the url paths agree,
    ui/navigation.py). Public API only, and once per session (a rerun before anything is
    drawn), whether Streamlit keeps that switch per process, as 1.67 does, or not.
    """
    if st.session_state.get(NAVIGATION_KEY):
        return
    st.navigation([st.Page(spec.path, title=spec.title, url_path=spec.url_path,
                           default=spec.default) for spec in PAGES], position="hidden")
    st.session_state[NAVIGATION_KEY] = True
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
        start_scheduled_backups(base)
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
