"""What the metrics page's parts share: the project's runs as metric values (one object per
data version for every session, through `ui.cache`), charts over every run drawn from a
spec built once per data version, the sample files and the column formats of its tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from strategy_core.metrics import is_rate_metric
from strategy_core.settings import REPO_ROOT
from strategy_core.store import Store
from strategy_core.usecases import metrics as usecase
from strategy_core.usecases.metrics import MetricRuns
from ui import cache
from ui.charts import vega_lite_spec
from ui.widgets import percent, percent_column

__all__ = ["metric_column", "metric_frame", "metric_runs", "percent", "percent_column",
           "sample_frame", "shared_chart", "spec_or_chart"]


def metric_runs(store: Store, project_id: int) -> MetricRuns:
    """The project's runs, their metric values and metric names: computed once per data
    version and shared by every session (never mutate them)."""
    return cache.shared(usecase.metric_runs, store, project_id)


def spec_or_chart(chart: alt.TopLevelMixin) -> dict | alt.TopLevelMixin:
    """The chart's Vega-Lite spec, or the chart itself when its data is too big to inline."""
    spec = vega_lite_spec(chart)
    return chart if spec is None else spec


def shared_chart(spec_of: Callable[..., Any], store: Store, *args: Any,
                 key: str | None = None) -> None:
    """Draw a chart over the project's data, full width. `spec_of(store, *args)` reads
    through the use cases and returns `spec_or_chart(...)`; it runs once per data version
    and arguments (a chart of thousands of runs takes 100 ms and more to build)."""
    spec = cache.shared(spec_of, store, *args)
    if isinstance(spec, dict):
        st.vega_lite_chart(spec, width="stretch", key=key)
    else:
        st.altair_chart(spec, width="stretch", key=key)


def metric_column(metric: str, label: str | None = None) -> object:
    """A column for a metric shown by `metric_frame`: rates as 8.0%, others as plain numbers."""
    if is_rate_metric(metric):
        return percent_column(label or metric)
    return st.column_config.NumberColumn(label or metric, format="%g")


def metric_frame(frame: pd.DataFrame, metrics: Sequence[str]) -> tuple[pd.DataFrame, dict]:
    """A frame with metric columns ready to show, and their column config."""
    rates = [m for m in metrics if is_rate_metric(m)]
    return percent(frame, rates), {m: metric_column(m) for m in metrics}


def _read_sample(name: str) -> pd.DataFrame | None:
    path = REPO_ROOT / "data" / "samples" / name
    return pd.read_csv(path, dtype=str) if path.is_file() else None


def sample_frame(name: str) -> pd.DataFrame | None:
    """A sample file from data/samples as a table (None when it is not there); shared, so
    never mutate it."""
    return cache.computed(_read_sample, name)
