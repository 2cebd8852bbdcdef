"""Pull runs straight from an MLflow tracking server (docs/rules.md §9, "MLflow server"):
the experiment's runs go through the same mapping step as an exported file, with each
metric's per-step history kept as the run's curve; re-pulling updates runs like a
re-import. The server address and token are used for the pull and never stored: the
import history names the experiment only, so bundles and reports cannot carry them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from strategy_core.run_csv import ColumnMapping, History
from strategy_core.sources.mlflow_server import MlflowPull, pull_runs
from strategy_core.store import Store
from strategy_core.store.runs import ImportResult
from strategy_core.usecases.runs import ImportPlan, import_plan, plan_import
from strategy_core.values.project_metric import ERROR_RATE, ProjectMetric

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class PulledPlan:
    """An experiment pulled and mapped: the import plan (its history holds the curves)
    and what to call the source; no address, no token."""

    plan: ImportPlan
    experiment: str
    runs: int

    @property
    def source(self) -> str:
        return f"MLflow experiment '{self.experiment}'"


def pull(url: str, experiment: str, token: str | None = None, *,
         progress: Progress | None = None) -> MlflowPull:
    """The experiment's runs and metric histories from the server (InputError, without
    secrets, when the server or experiment cannot be read)."""
    return pull_runs(url, experiment, token, progress=progress)


def plan_pull(pulled: MlflowPull, metric: ProjectMetric = ERROR_RATE,
              mapping: Sequence[ColumnMapping] | None = None,
              overrides: Mapping[str, str] | None = None) -> PulledPlan:
    """The pulled runs through the mapping step of an MLflow `search_runs()` file, with
    each run's metric histories as its curves (nothing is stored)."""
    plan = plan_import(pulled.table, "mlflow", mapping, overrides=overrides, metric=metric)
    curves = {run_id: {f"metrics.{key}": _by_step(points)
                       for key, points in per_metric.items()}
              for run_id, per_metric in pulled.histories.items()}
    note = (f"{len(pulled.table.rows)} runs pulled from MLflow experiment "
            f"'{pulled.experiment_name}'; each run's levels are the latest values MLflow "
            "holds, and every metric's per-step history is kept as its curve")
    history = History("mlflow", "step", "last", curves, note)
    return PulledPlan(replace(plan, history=history), pulled.experiment_name,
                      len(pulled.table.rows))


def import_pull(store: Store, project_id: int, pulled: PulledPlan, *,
                metric: ProjectMetric | None = None, author: str = "") -> ImportResult:
    """Store the pulled runs in one transaction, like a file import (re-pulling updates
    runs matched by run id); the source recorded is the experiment's name."""
    return import_plan(store, project_id, pulled.plan, source=pulled.source, metric=metric,
                       author=author)


def _by_step(points: Sequence[tuple[int, float, int]]) -> tuple[tuple[int, float], ...]:
    """One value per step: MLflow keeps every value logged at a step (a final value logged
    without a step lands on step 0 again); the latest logged one counts."""
    latest: dict[int, tuple[int, float]] = {}
    for step, value, timestamp in points:
        if step not in latest or timestamp >= latest[step][0]:
            latest[step] = (timestamp, value)
    return tuple((step, latest[step][1]) for step in sorted(latest))
