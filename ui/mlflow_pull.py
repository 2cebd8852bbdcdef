"""The Runs page's "Pull from MLflow" tab: a tracking server's address, an experiment and
an optional token; the pulled runs go through the same mapping step as a file. The token
lives in the form only for the pull: it is never kept in the session, the database,
bundles or reports (docs/rules.md §9, MLflow server)."""

from __future__ import annotations

import streamlit as st

from strategy_core.errors import InputError, StrategyError
from strategy_core.markdown import escape
from strategy_core.store import Store
from strategy_core.store.projects import Project
from strategy_core.usecases import mlflow_pull
from ui import run_forms, widgets
from ui.session import flash

PULLED_KEY = "runs_mlflow_pulled"


def pull_tab(store: Store, project: Project) -> None:
    """Fetch an experiment's runs, confirm the mapping, import them."""
    counter = st.session_state.setdefault("runs_mlflow_counter", 0)
    with st.form(f"runs_mlflow_form_{counter}", border=True):
        url = st.text_input("Tracking server", placeholder="https://mlflow.example.com",
                            key="runs_mlflow_url",
                            help="The address you open MLflow at (http or https).")
        experiment = st.text_input("Experiment", placeholder="name or id",
                                   key="runs_mlflow_experiment")
        token = st.text_input("Token (optional)", type="password",
                              key=f"runs_mlflow_token_{counter}",
                              help="Sent as a Bearer token for this pull only; never "
                                   "stored.")
        fetched = st.form_submit_button("Fetch runs", icon=":material/cloud_download:")
    if fetched:
        _fetch(url, experiment, token)
    pulled = st.session_state.get(PULLED_KEY)
    if pulled is None:
        st.caption("Runs are matched by run id, so pulling again updates them like a "
                   "re-import. Every metric's per-step history is kept as the run's curve.")
        return
    _review(store, project, pulled, counter)


def _fetch(url: str, experiment: str, token: str) -> None:
    if not url.strip() or not experiment.strip():
        st.error("Give the tracking server's address and an experiment name or id.")
        return
    bar = st.progress(0.0, text="Connecting…")

    def progress(done: int, total: int, message: str) -> None:
        bar.progress(min(done / total, 1.0) if total else 0.0, text=message)

    try:
        pulled = mlflow_pull.pull(url.strip(), experiment.strip(), token.strip() or None,
                                  progress=progress)
    except InputError as exc:
        bar.empty()
        st.session_state.pop(PULLED_KEY, None)
        st.error(f"Nothing was pulled: {escape(exc)}")
        return
    bar.empty()
    st.session_state[PULLED_KEY] = pulled


def _review(store: Store, project: Project, pulled: object, counter: int) -> None:
    current = widgets.metric_of(store, project)
    planned = mlflow_pull.plan_pull(pulled, current)  # type: ignore[arg-type]
    st.info(escape(planned.plan.history.note if planned.plan.history else ""),
            icon=":material/timeline:")
    plan = run_forms.mapping_step(planned.plan, current, f"runs_mlflow_mapping_{counter}",
                                  planned.source)
    if plan is None:
        return
    target = run_forms.target_metric(plan, current, f"mlflow_{counter}")
    if target is None or not run_forms.preview(plan, target, planned.source,
                                               f"runs_mlflow_preview_{counter}"):
        return
    if st.button(f"Import {len(plan.built.runs)} runs", type="primary",
                 key="runs_mlflow_import"):
        try:
            result = mlflow_pull.import_pull(
                store, project.id, mlflow_pull.PulledPlan(plan, planned.experiment,
                                                          planned.runs),
                metric=target, author=st.session_state.get("decision_author", ""))
        except StrategyError as exc:
            st.error(f"Nothing was imported: {escape(exc)}")
            return
        flash(f"Pulled {escape(planned.source)}: {result.added} added, {result.updated} "
              f"updated, {result.unchanged} unchanged.")
        st.session_state.pop(PULLED_KEY, None)
        st.session_state["runs_mlflow_counter"] = counter + 1
        st.rerun()
