"""The weighted-error part of the metrics page: weights from the predictions file's
`weight` column or per value of an attribute, plain and weighted error per run."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from strategy_core.charts.metrics import weighted_chart
from strategy_core.errors import StrategyError
from strategy_core.markdown import escape
from strategy_core.metrics import WEIGHT_ATTRIBUTES, WeightedComparison, parse_weight_map
from strategy_core.store import Store
from strategy_core.store.projects import Project
from strategy_core.usecases import metrics as usecase
from ui import cache, charts, widgets
from ui import metrics as data

SPLITS = {"dev": "Dev", "test": "Test", "train_dev": "Training-dev"}
WEIGHTING = {"column": "The file's weight column", "attribute": "By value of an attribute"}


def weighted_section(store: Store, project: Project) -> WeightedComparison | None:
    """Plain and weighted error side by side per run with predictions."""
    st.subheader("Weighted error")
    st.caption("Error = Σ w·[wrong] / Σ w: a mistake on an example that must never pass "
               "(weight 10) counts ten times as much as an ordinary one (weight 1).")
    run_keys = cache.read(usecase.prediction_runs, store, project.id)
    if not run_keys:
        st.info("No per-example predictions yet. Upload one CSV per run on the **Error "
                "analysis** page (columns example_id, split, label, prediction, and "
                "optionally source and weight); the weighted error of every run then "
                "appears here.", icon=":material/upload_file:")
        sample = data.sample_frame("predictions_dev.csv")
        if sample is not None:
            widgets.safe_download(sample, "predictions_dev.csv", "Sample predictions (CSV)",
                                  key="metrics_weighted_sample")
        return None
    left, middle = st.columns(2)
    split = left.selectbox("Split", list(SPLITS), format_func=SPLITS.get,
                           key="metrics_weighted_split")
    how = middle.radio("Weights", list(WEIGHTING), format_func=WEIGHTING.get,
                       key="metrics_weighted_how", horizontal=True)
    weight_by, weights, default = None, {}, 1.0
    if how == "attribute":
        a, b, c = st.columns([1, 2, 1])
        weight_by = a.selectbox("Attribute", WEIGHT_ATTRIBUTES, key="metrics_weighted_by")
        text = b.text_input("Weight per value", key="metrics_weighted_map", max_chars=2000,
                            placeholder="e.g. web=10, mobile=1",
                            help="value=weight pairs separated by commas")
        default = c.number_input("Other values", min_value=0.0, value=1.0, step=1.0,
                                 key="metrics_weighted_default")
        if weight_by == "source":
            seen = cache.read(usecase.source_values, store, project.id, run_keys[-1], split)
            if seen:
                st.caption("Sources in the newest run's predictions: " + escape(
                    ", ".join(f"{value} ({n:,})" for value, n in seen.items())))
        try:
            weights = parse_weight_map(text)
        except StrategyError as exc:
            st.error(escape(exc))
            return None
    try:
        with st.spinner("Computing weighted errors…"):
            comparison = cache.read(usecase.weighted_comparison, store, project.id, split,
                                    weight_by, tuple(weights.items()), float(default))
    except StrategyError as exc:
        st.error(escape(exc))
        return None
    if comparison is None:
        st.info(f"No predictions on the {SPLITS[split].lower()} split.")
        return None
    if comparison.best_weighted is not None:
        st.success(escape(comparison.reasons[0]), icon=":material/balance:")
    for reason in comparison.reasons[1:]:
        st.markdown(f"- {escape(reason)}")
    left, right = st.columns([3, 2])
    frame = pd.DataFrame([{"run": r.run_name, "n": r.n, "plain": r.unweighted_error,
                           "weighted": r.weighted_error} for r in comparison.rows],
                         columns=["run", "n", "plain", "weighted"])
    left.dataframe(data.percent(frame, ["plain", "weighted"]), hide_index=True,
                   key="metrics_weighted_table", column_config={
                       "run": st.column_config.TextColumn("Run"),
                       "n": st.column_config.NumberColumn("Examples", format="localized"),
                       "plain": data.percent_column("Plain error"),
                       "weighted": data.percent_column("Weighted error")})
    with right:
        charts.show(weighted_chart, comparison)
    return comparison
