"""Cached reads of the metrics page (keyed on the database path and its data version, so
any write from any session invalidates them) and the column formats its tables share."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from strategy_core.metric_log import MetricChange
from strategy_core.metrics import is_rate_metric
from strategy_core.settings import REPO_ROOT
from strategy_core.store import Store, open_store
from strategy_core.store.metric_log import SavedDefinition
from ui.widgets import percent, percent_column


@st.cache_data(show_spinner=False, max_entries=64)
def _definition(path: str, version: int, project_id: int) -> SavedDefinition | None:
    return open_store(path).metric_log.definition(project_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _changes(path: str, version: int, project_id: int) -> list[MetricChange]:
    return open_store(path).metric_log.list(project_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _prediction_runs(path: str, version: int, project_id: int) -> list[int]:
    return open_store(path).predictions.runs_with_predictions(project_id)


@st.cache_data(show_spinner="Computing weighted errors…", max_entries=64)
def _weighted(path: str, version: int, project_id: int, split: str, weight_by: str | None,
              weights: tuple[tuple[str, float], ...], default: float) -> list:
    return open_store(path).predictions.weighted_errors(
        project_id, split, weight_by=weight_by, weight_map=dict(weights),
        default_weight=default)


@st.cache_data(show_spinner=False, max_entries=64)
def _source_values(path: str, version: int, project_id: int, run_key: int,
                   split: str) -> dict[str, int]:
    return open_store(path).predictions.source_counts(project_id, run_key, (split,))[split]


def definition(store: Store, project_id: int) -> SavedDefinition | None:
    """The team's saved definition (None until someone saves one)."""
    return _definition(store.path, store.version, project_id)


def changes(store: Store, project_id: int) -> list[MetricChange]:
    """The metric / dev-set change log, newest first."""
    return _changes(store.path, store.version, project_id)


def has_predictions_store(store: Store) -> bool:
    return hasattr(store, "predictions")


def prediction_runs(store: Store, project_id: int) -> list[int]:
    """Keys of the runs with uploaded per-example predictions."""
    if not has_predictions_store(store):
        return []
    return _prediction_runs(store.path, store.version, project_id)


def weighted_errors(store: Store, project_id: int, split: str, weight_by: str | None,
                    weights: dict[str, float], default: float) -> list:
    return _weighted(store.path, store.version, project_id, split, weight_by,
                     tuple(weights.items()), float(default))


def source_values(store: Store, project_id: int, run_key: int, split: str) -> dict[str, int]:
    """Examples per `source` value of one run's predictions on `split`."""
    return _source_values(store.path, store.version, project_id, run_key, split)


def metric_column(metric: str, label: str | None = None) -> object:
    """A column for a metric shown by `metric_frame`: rates as 8.0%, others as plain numbers."""
    if is_rate_metric(metric):
        return percent_column(label or metric)
    return st.column_config.NumberColumn(label or metric, format="%g")


def metric_frame(frame: pd.DataFrame, metrics: Sequence[str]) -> tuple[pd.DataFrame, dict]:
    """A frame with metric columns ready to show, and their column config."""
    rates = [m for m in metrics if is_rate_metric(m)]
    return percent(frame, rates), {m: metric_column(m) for m in metrics}


@st.cache_data(show_spinner=False, max_entries=8)
def sample_frame(name: str) -> pd.DataFrame | None:
    """A sample file from data/samples as a table (None when it is not there)."""
    path = REPO_ROOT / "data" / "samples" / name
    return pd.read_csv(path, dtype=str) if path.is_file() else None
