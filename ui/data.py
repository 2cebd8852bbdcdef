"""Cached reads. Every cache key holds the database path and its data version, so any write
(from any session in this process) invalidates what was read before.

Big results that nobody changes (runs are frozen dataclasses) are kept with
`st.cache_resource`: every session gets the same object instead of an unpickled copy per
call (a copy of 5,000 runs costs ~50 ms; benchmarks/results.md). Never mutate what these
readers return; frames are copied before they are handed out. Few entries are kept (each
write makes a new version; 5,000 runs and their diagnoses take ~25 MB a version)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from strategy_core.human_level import HumanLevels
from strategy_core.runs import Run, runs_table
from strategy_core.store import Store, open_store
from strategy_core.store.runs import ImportRecord

T = TypeVar("T")


def _store(path: str) -> Store:
    return open_store(path)


@st.cache_resource(show_spinner=False, max_entries=8)
def _runs(path: str, version: int, project_id: int) -> list[Run]:
    return _store(path).runs.list(project_id)


@st.cache_resource(show_spinner=False, max_entries=8)
def _runs_frame(path: str, version: int, project_id: int) -> pd.DataFrame:
    return runs_table(_runs(path, version, project_id))


@st.cache_data(show_spinner=False, max_entries=64)
def _history(path: str, version: int, project_id: int) -> list[ImportRecord]:
    return _store(path).runs.history(project_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _human_levels(path: str, version: int, project_id: int) -> HumanLevels:
    return _store(path).projects.human_levels(project_id)


@st.cache_resource(show_spinner=False, max_entries=64)
def _memo(ident: tuple, _compute: Callable[[], Any]) -> Any:
    return _compute()


def memo(ident: tuple, compute: Callable[[], T]) -> T:
    """`compute()` once per `ident`, shared by every rerun and session (never mutate it).

    `ident` must determine the result: the store path and data version, the project, and
    every input the computation reads (for pure functions of the project's data, such as
    ranking 5,000 runs, which would otherwise run on every rerun)."""
    return _memo(ident, compute)


def runs(store: Store, project_id: int) -> list[Run]:
    """The project's current runs, oldest first."""
    return _runs(store.path, store.version, project_id)


def runs_frame(store: Store, project_id: int) -> pd.DataFrame:
    return _runs_frame(store.path, store.version, project_id).copy()


def history(store: Store, project_id: int) -> list[ImportRecord]:
    return _history(store.path, store.version, project_id)


def human_levels(store: Store, project_id: int) -> HumanLevels:
    return _human_levels(store.path, store.version, project_id)
