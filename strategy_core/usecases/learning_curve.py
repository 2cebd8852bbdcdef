"""Learning curves (docs/rules.md §20; MLY ch. 28–32): a project's runs that differ in
training-set size, or one run's history by training examples seen, read against the
desired performance (the team's target when given, else the project's human level), for
the Diagnosis page and `learning-curve`."""

from __future__ import annotations

from collections.abc import Sequence

from strategy_core.diagnosis.history_curve import has_history_curve, history_curve
from strategy_core.diagnosis.learning_curve import MIN_SIZES, LearningCurve
from strategy_core.diagnosis.learning_curve import learning_curve as read_curve
from strategy_core.errors import InputError, NotFoundError
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


# Where a curve's points come from: runs that differ in n_train, or one run's history.
SOURCES: dict[str, str] = {"sizes": "Runs by training-set size",
                           "history": "One run's history"}


def history_runs(store: Store, project_id: int) -> list[Run]:
    """The runs whose history counts training examples seen beside a training or dev level
    of the project's metric (docs/rules.md §20), oldest first."""
    keys = store.runs.with_curves(project_id)
    metric = project_metric(store, project_id)
    return [run for run in decision_runs(store, project_id) if run.key in keys
            and has_history_curve(store.runs.curves(project_id, run.key), metric)]


def default_source(store: Store, project_id: int, runs: Sequence[str] | None = None) -> str:
    """Runs by n_train when they give at least 3 sizes with a dev level, else a run's history
    when one has it (among `runs` when given), else runs by n_train."""
    every = decision_runs(store, project_id)
    chosen = every if runs is None else _pick(store.runs.list(project_id), runs)
    sizes = {run.n_train for run in chosen if run.n_train and run.dev_error is not None}
    if len(sizes) >= MIN_SIZES:
        return "sizes"
    keys = {run.key for run in chosen}
    return "history" if any(run.key in keys for run in history_runs(store, project_id)) \
        else "sizes"


def learning_curve(store: Store, project_id: int, runs: Sequence[str] | None = None,
                   desired: float | None = None, source: str | None = None) -> LearningCurve:
    """The learning curve of `runs` (names or run ids; default every run with a
    training-set size) against `desired` (in the metric's units; default the project's
    human level, its Bayes proxy). `source` "history" reads one run's history instead (the
    one run named, default the newest with one); None: `default_source`. NotFoundError
    names a run that is not in the project."""
    if source is None:
        source = default_source(store, project_id, runs)
    if source not in SOURCES:
        raise InputError(f"source must be one of {', '.join(SOURCES)}")
    label = TARGET_LABEL
    if desired is None:
        proxy = human_levels(store, project_id).proxy
        desired, label = (None, None) if proxy is None else (
            proxy.error, f"human level, {proxy.label}")
    metric = project_metric(store, project_id)
    if source == "history":
        run = _history_run(store, project_id, runs)
        return history_curve(run, store.runs.curves(project_id, run.key), desired, label,
                             metric)
    every = decision_runs(store, project_id)
    chosen = every if runs is None else _pick(store.runs.list(project_id), runs)
    return read_curve(chosen, desired, label, metric)


def _history_run(store: Store, project_id: int, runs: Sequence[str] | None) -> Run:
    if runs is not None and len(runs) != 1:
        raise InputError("a curve from a history is of one run: name exactly one")
    if runs is not None:
        return _pick(store.runs.list(project_id), runs)[0]
    found = history_runs(store, project_id)
    if not found:
        raise InputError("no run has a history counting training examples seen (e.g. an "
                         "examples_seen column) beside its training or dev level")
    return found[-1]


def _pick(every: Sequence[Run], names: Sequence[str]) -> list[Run]:
    by_name = {run.name: run for run in every} | {run.run_id: run for run in every
                                                  if run.run_id}
    missing = [name for name in names if name not in by_name]
    if missing:
        raise NotFoundError(f"no run named '{missing[0]}' in this project")
    keys = {by_name[name].key for name in names}
    return [run for run in every if run.key in keys]
