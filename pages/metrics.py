"""Metrics: one number to rank runs by (optimizing + satisficing, F1, average over slices,
weighted error) and the log of metric and dev-set changes (docs/rules.md §3)."""

import streamlit as st

from strategy_core.markdown import escape
from strategy_core.metric_log import change_marks
from strategy_core.metrics import suggest_definition
from strategy_core.usecases import metrics as usecase
from ui import (
    cache,
    metrics_log,
    metrics_select,
    metrics_single,
    metrics_weighted,
    session,
    widgets,
)
from ui import metrics as metric_data

store = session.store()
project = session.require_project()

st.title("Metrics")
st.caption(f"Project **{escape(project.name)}**: agree on one number to rank runs by, pick "
           "the best run under the team's constraints, and keep a log of every change to the "
           "metric or the dev set.")

# The runs' metric values and every ranking below are computed once per data version.
project_runs = metric_data.metric_runs(store, project.id)
runs, values, metrics = project_runs.runs, project_runs.values, list(project_runs.metrics)
saved = cache.read(usecase.definition, store, project.id)
changes = cache.read(usecase.changes, store, project.id)

tab_select, tab_single, tab_weighted, tab_log = st.tabs(
    ["Optimizing + satisficing", "Single number", "Weighted error", "Change log"])

with tab_select:
    if not runs:
        st.info("No runs yet. Import a run CSV on the **Runs** page (one row per run with "
                "dev_error and any other metric such as latency_ms); then choose here what to "
                "optimize and which thresholds the other metrics must meet.",
                icon=":material/table_chart:")
        sample = metric_data.sample_frame("runs_generic.csv")
        if sample is not None:
            widgets.safe_download(sample, "runs_generic.csv", "Sample runs (CSV)",
                                  key="metrics_sel_sample")
    else:
        start = saved.definition if saved else suggest_definition(metrics)
        with st.container(border=True):
            definition, problems = metrics_select.definition_inputs(metrics, start, saved)
            for problem in problems:
                st.caption(f":material/warning: {escape(problem)}")
        if definition is not None:
            metrics_select.definition_status(store, project, definition, saved)
            st.markdown(f"### {escape(definition.statement())}")
            chosen = cache.shared(usecase.select, store, project.id, definition)
            if chosen.problem is not None:  # e.g. a saved definition names a removed metric
                st.warning(escape(chosen.problem), icon=":material/help:")
            selection = chosen.selection
            metrics_select.show_selection(store, project, definition, selection)
            metrics_select.show_chart(store, project, definition, selection, values, metrics)
            metrics_select.show_trend(store, project, runs, definition.objective.metric,
                                      change_marks(changes), selection.winner)
            metrics_select.save_form(store, project, definition, saved)
            widgets.record_decision(store, project, "metrics",
                                    metrics_select.decision_verdict(definition, selection),
                                    metrics_select.decision_numbers(definition, selection),
                                    key="metrics_sel")

with tab_single:
    f1_result = metrics_single.f1_section(store, project, metrics)
    if f1_result is not None:
        widgets.record_decision(store, project, "metrics", f1_result.verdict[:300],
                                f1_result.as_dict(), key="metrics_f1")
    st.divider()
    slices = metrics_single.slices_section(store, project, list(project_runs.extra))
    if slices is not None:
        widgets.record_decision(store, project, "metrics", slices.reasons[0][:300],
                                slices.as_dict(), key="metrics_slices")

with tab_weighted:
    weighted = metrics_weighted.weighted_section(store, project)
    if weighted is not None and weighted.best_weighted is not None:
        widgets.record_decision(store, project, "metrics", weighted.reasons[0][:300],
                                weighted.as_dict(), key="metrics_weighted")

with tab_log:
    metrics_log.show_log(store, project, changes)
    metrics_log.add_form(store, project)
