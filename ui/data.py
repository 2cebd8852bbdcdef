"""Cached reads. Every cache key holds the database path and its data version, so any write
(from any session in this process) invalidates what was read before."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from strategy_core.human_level import HumanLevels
from strategy_core.runs import Run, runs_table
from strategy_core.store import Store, open_store
from strategy_core.store.runs import ImportRecord


def _store(path: str) -> Store:
    return open_store(path)


@st.cache_data(show_spinner=False, max_entries=64)
def _runs(path: str, version: int, project_id: int) -> list[Run]:
    return _store(path).runs.list(project_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _runs_frame(path: str, version: int, project_id: int) -> pd.DataFrame:
    return runs_table(_runs(path, version, project_id))


@st.cache_data(show_spinner=False, max_entries=64)
def _history(path: str, version: int, project_id: int) -> list[ImportRecord]:
    return _store(path).runs.history(project_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _human_levels(path: str, version: int, project_id: int) -> HumanLevels:
    return _store(path).projects.human_levels(project_id)


def runs(store: Store, project_id: int) -> list[Run]:
    """The project's current runs, oldest first."""
    return _runs(store.path, store.version, project_id)


def runs_frame(store: Store, project_id: int) -> pd.DataFrame:
    return _runs_frame(store.path, store.version, project_id).copy()


def history(store: Store, project_id: int) -> list[ImportRecord]:
    return _history(store.path, store.version, project_id)


def human_levels(store: Store, project_id: int) -> HumanLevels:
    return _human_levels(store.path, store.version, project_id)
