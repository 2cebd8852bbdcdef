"""Learning curves (docs/rules.md §20; MLY ch. 28–32): a project's runs that differ in
training-set size, read against the desired performance (the team's target when given,
else the project's human level), for the Diagnosis page and `learning-curve`."""

from __future__ import annotations

from collections.abc import Sequence

from strategy_core.diagnosis.learning_curve import LearningCurve
from strategy_core.diagnosis.learning_curve import learning_curve as read_curve
from strategy_core.errors import NotFoundError
from strategy_core.runs import Run
from strategy_core.store import Store
from strategy_core.usecases.project_metric import project_metric
from strategy_core.usecases.run_scope import decision_runs
from strategy_core.usecases.runs import human_levels

TARGET_LABEL = "the team's target"


def curve_runs(store: Store, project_id: int) -> list[Run]:
    """The runs a learning curve can use: a training-set size and a training or dev level,
    oldest first."""
    return [run for run in decision_runs(store, project_id)
            if run.n_train and (run.train_error is not None or run.dev_error is not None)]


def learning_curve(store: Store, project_id: int, runs: Sequence[str] | None = None,
                   desired: float | None = None) -> LearningCurve:
    """The learning curve of `runs` (names or run ids; default every run with a
    training-set size) against `desired` (in the metric's units; default the project's
    human level, its Bayes proxy). NotFoundError names a run that is not in the project."""
    every = decision_runs(store, project_id)
    chosen = every if runs is None else _pick(store.runs.list(project_id), runs)
    label = TARGET_LABEL
    if desired is None:
        proxy = human_levels(store, project_id).proxy
        desired, label = (None, None) if proxy is None else (
            proxy.error, f"human level, {proxy.label}")
    return read_curve(chosen, desired, label, project_metric(store, project_id))


def _pick(every: Sequence[Run], names: Sequence[str]) -> list[Run]:
    by_name = {run.name: run for run in every} | {run.run_id: run for run in every
                                                  if run.run_id}
    missing = [name for name in names if name not in by_name]
    if missing:
        raise NotFoundError(f"no run named '{missing[0]}' in this project")
    keys = {by_name[name].key for name in names}
    return [run for run in every if run.key in keys]
