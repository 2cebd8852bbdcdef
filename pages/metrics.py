"""Metrics: one number to rank runs by (optimizing + satisficing, F1, average over slices,
weighted error) and the log of metric and dev-set changes (SPEC 4.3)."""

import streamlit as st

from strategy_core.errors import InputError
from strategy_core.markdown import escape
from strategy_core.metric_log import change_marks
from strategy_core.metrics import (
    extra_metrics,
    run_metrics,
    select_from_runs,
    select_run,
    selectable_metrics,
    suggest_definition,
)
from ui import data, metrics_log, metrics_select, metrics_single, metrics_weighted, session, widgets
from ui import metrics as metric_data

store = session.store()
project = session.require_project()

st.title("Metrics")
st.caption(f"Project **{escape(project.name)}**: agree on one number to rank runs by, pick "
           "the best run under the team's constraints, and keep a log of every change to the "
           "metric or the dev set.")

runs = data.runs(store, project.id)
saved = metric_data.definition(store, project.id)
changes = metric_data.changes(store, project.id)
# Every ranking below is a pure function of the runs: computed once per data version.
version = (store.path, store.version, project.id)
values = data.memo((*version, "run_metrics"), lambda: run_metrics(runs))
metrics = data.memo((*version, "selectable_metrics"), lambda: selectable_metrics(runs))

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
            try:
                selection = data.memo((*version, "selection", repr(definition)),
                                      lambda: select_from_runs(runs, definition))
            except InputError as exc:  # e.g. a saved definition names a metric since removed
                st.warning(escape(exc), icon=":material/help:")
                selection = select_run(values, definition.objective, definition.constraints)
            metrics_select.show_selection(selection, values,
                                          cache_key=(*version, repr(definition)))
            metrics_select.show_chart(selection, values, metrics,
                                      cache_key=(*version, repr(definition)))
            metrics_select.show_trend(runs, definition.objective.metric, change_marks(changes),
                                      selection.winner, cache_key=version)
            metrics_select.save_form(store, project, definition, saved)
            widgets.record_decision(store, project, "metrics",
                                    metrics_select.decision_verdict(definition, selection),
                                    metrics_select.decision_numbers(definition, selection),
                                    key="metrics_sel")

with tab_single:
    f1_result = metrics_single.f1_section(values, metrics, cache_key=version)
    if f1_result is not None:
        widgets.record_decision(store, project, "metrics", f1_result.verdict[:300],
                                f1_result.as_dict(), key="metrics_f1")
    st.divider()
    slices = metrics_single.slices_section(
        values, data.memo((*version, "extra_metrics"), lambda: extra_metrics(runs)),
        cache_key=version)
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
