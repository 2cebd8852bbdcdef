"""The Runs page's run details: which runs did not finish (and whether decisions use
them), and the per-step curves of runs imported from a history (docs/rules.md §9)."""

from __future__ import annotations

from collections import Counter

import streamlit as st

from strategy_core.charts.runs import curve_chart
from strategy_core.errors import ConflictError
from strategy_core.markdown import escape
from strategy_core.runs import Run
from strategy_core.store import Store
from strategy_core.store.projects import Project
from strategy_core.usecases import run_scope
from strategy_core.usecases import runs as run_cases
from ui import cache, charts
from ui.session import flash


def unfinished_runs(store: Store, project: Project, runs: list[Run]) -> None:
    """Say which runs did not finish and let a writer include them in decisions."""
    unfinished = [run for run in runs if not run.finished]
    if not unfinished:
        return
    counts = Counter(run.status for run in unfinished)
    states = ", ".join(f"{n} {state}" for state, n in counts.most_common())
    included, version = run_scope.include_unfinished(store, project.id)
    verb = "count in" if included else "are left out of"
    st.info(f"{len(unfinished)} run{'s' if len(unfinished) != 1 else ''} did not finish "
            f"({escape(states)}): they {verb} the diagnosis, selections, sizing and the "
            "report. Their Status column says which.", icon=":material/pending:")
    if not store.can_write:
        return
    wanted = st.toggle("Use unfinished runs in decisions", value=included,
                       key=f"runs_include_unfinished_{version}",
                       help="Off (the default): a failed, crashed, killed or running run "
                            "is shown here but never picked as a project's newest or best "
                            "run.")
    if wanted != included:
        try:
            run_scope.save_include_unfinished(store, project.id, wanted, expected=version)
        except ConflictError:
            st.warning("Someone else changed this setting since; it shows their choice now.")
            return
        flash("Unfinished runs now count in decisions." if wanted else
              "Unfinished runs are left out of decisions again.")
        st.rerun()


def curves(store: Store, project: Project, runs: list[Run]) -> None:
    """A chosen run's per-step curves, for runs imported from a history."""
    keys = cache.shared(run_cases.runs_with_curves, store, project.id)
    with_curves = [run for run in runs if run.key in keys]
    if not with_curves:
        return
    st.markdown("**Curves** (runs imported from a history or pulled from MLflow)")
    names = {run.key: run.name for run in with_curves}
    chosen = st.selectbox("Run", list(names), format_func=lambda k: names[k],
                          index=len(names) - 1, key="runs_curve_run")
    per_column = cache.derived(cache.key(store, project.id, "curves", chosen),
                               run_cases.curves, store, project.id, chosen)
    columns = st.multiselect("Columns", list(per_column), default=list(per_column)[:3],
                             key=f"runs_curve_columns_{chosen}")
    if columns:
        charts.show(curve_chart, per_column, columns,
                    cache_key=cache.key(store, project.id, "curve", chosen, tuple(columns)),
                    key="runs_curve_chart")
