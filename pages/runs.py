"""Runs: upload run CSVs, confirm the mapping, keep an import history with undo, edit runs."""

import streamlit as st

from strategy_core.markdown import escape
from strategy_core.runs import ERROR_FIELDS
from strategy_core.usecases import runs as run_cases
from ui import cache, mlflow_pull, run_details, run_forms, session, widgets
from ui.project_metric import metric_editor

store = session.store()
project = session.require_project()

metric = widgets.metric_of(store, project)
st.title("Runs")
st.caption(f"Project **{escape(project.name)}**: training runs with their train, train-dev, "
           f"dev and test {escape(metric.name)}. Every change is recorded in the import "
           "history and can be undone.")

runs = cache.shared(run_cases.runs, store, project.id)
tab_names = ["Runs", "Import CSV", "Pull from MLflow", "Add or edit a run", "History",
             "Human level", "Metric"]
if not store.can_write:
    tab_names = ["Runs", "History", "Human level", "Metric"]
tabs = dict(zip(tab_names, st.tabs(tab_names), strict=True))

with tabs["Runs"]:
    if not runs:
        st.info("No runs yet. Upload a CSV exported from MLflow, W&B or a notebook under "
                "**Import CSV**, or add a run by hand. Not sure what a run CSV looks like? "
                "Download a sample and upload it.")
        run_forms.sample_downloads()
    else:
        frame = cache.shared(run_cases.runs_frame, store, project.id).copy()
        shown = frame.drop(columns=[c for c in frame.columns if c != "name"
                                    and frame[c].isna().all()])  # no column of blanks
        st.dataframe(widgets.scaled(shown, ERROR_FIELDS, metric), hide_index=True,
                     column_config=widgets.run_columns(metric), key="runs_table")
        st.caption(f"{len(runs)} runs, oldest first. Click a column header to sort.")
        widgets.safe_download(frame, f"{project.slug}-runs.csv", "Download runs (CSV)",
                              key="runs_download",
                              cache_key=cache.key(store, project.id))
        run_details.unfinished_runs(store, project, runs)
        run_details.curves(store, project, runs)
        if store.can_write:
            run_forms.delete_runs(store, project, runs)

if "Import CSV" in tabs:
    with tabs["Import CSV"]:
        run_forms.import_csv(store, project)

if "Pull from MLflow" in tabs:
    with tabs["Pull from MLflow"]:
        mlflow_pull.pull_tab(store, project)

if "Add or edit a run" in tabs:
    with tabs["Add or edit a run"]:
        run_forms.edit_run(store, project, runs)

with tabs["History"]:
    run_forms.history(store, project)

with tabs["Human level"]:
    widgets.human_levels_editor(store, project, key="runs_human")

with tabs["Metric"]:
    metric_editor(store, project)
