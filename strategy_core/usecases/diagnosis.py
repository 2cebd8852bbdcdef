"""Diagnosis: each run's error split into avoidable bias, variance, data mismatch and dev
overfitting against the project's Bayes proxy (docs/rules.md section 1), the focus chosen
above the project's checklist tolerance (section 2) so every surface names one place."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from strategy_core.diagnosis import (
    Decomposition,
    RunDiagnosis,
    decompose,
    decomposition_table,
    diagnose_runs,
    levels_of_run,
)
from strategy_core.diagnosis.bootstrap import value_gap_intervals
from strategy_core.errors import InputError
from strategy_core.human_level import HumanLevels
from strategy_core.metric_log import change_marks as marks_of
from strategy_core.runs import Run
from strategy_core.store import Store
from strategy_core.store.projects import Project
from strategy_core.usecases.checklist import checklist_settings
from strategy_core.usecases.project_metric import ProjectMetric, project_metric
from strategy_core.usecases.run_scope import decision_runs
from strategy_core.usecases.runs import human_levels


def focus_tolerance(store: Store, project_id: int) -> float:
    """The project's checklist tolerance: a gap at most this size is no focus, so the
    diagnosis and the checklist name the same place to work (docs/rules.md §1, §2)."""
    return checklist_settings(store, project_id).tolerance


def diagnoses(store: Store, project_id: int) -> tuple[RunDiagnosis, ...]:
    """Every run's decomposition against the project's Bayes proxy, oldest first, each
    focus chosen above the project's tolerance."""
    human = human_levels(store, project_id).proxy_error
    metric = project_metric(store, project_id)
    found = diagnose_runs(decision_runs(store, project_id), human, metric=metric,
                          tolerance=focus_tolerance(store, project_id))
    keys = _runs_with_values(store, project_id, metric)
    return tuple(RunDiagnosis(item.run, _with_value_intervals(store, project_id,
                                                              item.decomposition, item.run))
                 if item.run.key in keys else item for item in found)


def _runs_with_values(store: Store, project_id: int, metric: ProjectMetric) -> set[int]:
    """Runs whose uploaded predictions carry per-example values of a metric that is no rate
    (their gaps get bootstrap intervals, docs/rules.md §17)."""
    if metric.has_binomial_intervals or metric.key == "rmse":  # RMSE is no mean
        return set()
    return {s.run_key for s in store.predictions.sets(project_id)
            if s.kind != "classification"}


def _with_value_intervals(store: Store, project_id: int, result: Decomposition,
                          run: Run) -> Decomposition:
    values = store.predictions.values_by_split(project_id, run.key)  # type: ignore[arg-type]
    intervals = value_gap_intervals(result.levels, values)
    return decompose(result.levels, intervals=intervals, tolerance=result.tolerance) \
        if intervals else result


def decompositions_frame(store: Store, project_id: int) -> pd.DataFrame:
    """Every run's decomposition as a table, oldest first."""
    return decomposition_table(diagnoses(store, project_id))


def change_marks(store: Store, project_id: int) -> list[tuple]:
    """Dates to mark on the trend chart: metric and dev-set changes from the change log."""
    return marks_of(store.metric_log.list(project_id))


@dataclass(frozen=True)
class RunResult:
    """One run of a project diagnosed: the run, the human levels used, the decomposition."""

    run: Run
    levels: HumanLevels
    decomposition: Decomposition


def choose_run(store: Store, project: Project, name: str | None = None) -> Run:
    """The run named (name or run id), or the newest run when no name is given."""
    if name is not None:
        return store.runs.by_name(project.id, name)
    runs = decision_runs(store, project.id)
    if not runs:
        raise InputError(f"project '{project.name}' has no runs: import a run CSV first")
    return runs[-1]  # oldest first: the last is the newest


def diagnose_run(store: Store, project: Project, name: str | None = None) -> RunResult:
    """One run's decomposition (the newest run's when no name is given)."""
    run = choose_run(store, project, name)
    levels = human_levels(store, project.id)
    metric = project_metric(store, project.id)
    result = decompose(levels_of_run(run, levels.proxy_error, metric),
                       tolerance=focus_tolerance(store, project.id))
    if run.key in _runs_with_values(store, project.id, metric):
        result = _with_value_intervals(store, project.id, result, run)
    return RunResult(run, levels, result)
