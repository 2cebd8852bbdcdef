"""Saves that name the version they started from, and what a refused one shows.

Every editable record carries an edit version in the store. An editor remembers the version
it was opened with (`opened_version`) until it is saved or reloaded; a save passes that
version, and when someone else saved in between the store refuses with ConflictError.
`show_conflict` then shows the other person's values and offers to save this user's over
theirs (naming their version, so a third save in between is caught again) or to load
theirs (docs/rules.md, "Edits by two people").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from strategy_core.errors import ConflictError, StrategyError
from strategy_core.markdown import escape
from ui.session import flash


def opened_version(key: str, current: Any, widget_key: str | None = None) -> Any:
    """The version this session's editor `key` was opened with (or any value remembered
    with it, such as the record as it was read): remembered from the time it is shown until
    it is saved or reloaded, or until its widget `widget_key` is created afresh (the user
    left the page: the new widget shows what is stored now)."""
    name = f"{key}_opened_version"
    if widget_key is not None and widget_key not in st.session_state and \
            f"{key}_conflict" not in st.session_state:
        st.session_state[name] = current
    return st.session_state.setdefault(name, current)


def forget(key: str, widget_keys: Sequence[str] = ()) -> None:
    """Drop the remembered version, any conflict and the editor's typed values."""
    for name in (f"{key}_opened_version", f"{key}_conflict", *widget_keys):
        st.session_state.pop(name, None)


def save(key: str, write: Callable[[Any], object], expected: Any) -> bool:
    """Run `write(expected)`; on a conflict remember it for `show_conflict` and return False.
    Other StrategyErrors are left to the caller."""
    try:
        write(expected)
    except ConflictError as exc:
        st.session_state[f"{key}_conflict"] = {"message": str(exc), "current": exc.current}
        return False
    forget(key)
    return True


def show_conflict(key: str, write: Callable[[Any], object], *,
                  theirs: Callable[[Any], str], version_of: Callable[[Any], Any],
                  widget_keys: Sequence[str] = (), saved: str = "Saved.") -> bool:
    """The refused save of editor `key`: their values (`theirs(current)`), and buttons to
    save mine over theirs (`write(version_of(current))`) or to load theirs. True while a
    conflict is shown (the caller then hides its own save button)."""
    conflict = st.session_state.get(f"{key}_conflict")
    if conflict is None:
        return False
    st.error(f"Not saved: {escape(conflict['message'])}.\n\nTheirs: "
             f"{escape(theirs(conflict['current']))}.", icon=":material/sync_problem:")
    mine_column, theirs_column = st.columns(2)
    if mine_column.button("Save mine over theirs", key=f"{key}_save_mine", type="primary"):
        try:
            done = save(key, write, version_of(conflict["current"]))
        except StrategyError as exc:
            st.error(escape(exc))
            return True
        if done:
            forget(key, widget_keys)
            flash(saved)
        st.rerun()
    if theirs_column.button("Load theirs", key=f"{key}_load_theirs"):
        forget(key, widget_keys)
        st.rerun()
    return True


def setting_version(current: Any) -> int | None:
    """`version_of` for settings: ConflictError.current is (their value, their version)."""
    return current[1]
