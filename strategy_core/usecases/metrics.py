"""Metrics: the runs as metric values, optimizing + satisficing selection with the team's
saved definition, F1 and slice averages from run metrics, weighted error from per-example
predictions, and the log of metric and dev-set changes (docs/rules.md §3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from strategy_core.errors import InputError
from strategy_core.metric_log import MetricChange
from strategy_core.metrics import (
    ClassifierComparison,
    RunMetrics,
    Selection,
    SelectionDefinition,
    SliceComparison,
    SliceFamily,
    WeightedComparison,
    compare_run_f1,
    compare_slice_averages,
    compare_weighted,
    describe_weighting,
    extra_metrics,
    is_rate_metric,
    run_metrics,
    select_from_runs,
    select_run,
    selectable_metrics,
    slice_rows_from_runs,
)
from strategy_core.runs import Run
from strategy_core.store import Store
from strategy_core.store.metric_log import SavedDefinition
from strategy_core.usecases.run_scope import decision_runs


@dataclass(frozen=True)
class MetricRuns:
    """A project's runs (oldest first) and what the metrics page ranks them by: each run's
    metric values, the metrics a selection can use and the extra metrics."""

    runs: tuple[Run, ...]
    values: tuple[RunMetrics, ...]
    metrics: tuple[str, ...]
    extra: tuple[str, ...]


def metric_runs(store: Store, project_id: int) -> MetricRuns:
    """The project's runs as metric values (computed once per data version by the page)."""
    runs = decision_runs(store, project_id)
    return MetricRuns(tuple(runs), tuple(run_metrics(runs)), tuple(selectable_metrics(runs)),
                      tuple(extra_metrics(runs)))


# --- optimizing + satisficing ---------------------------------------------------------------


def definition(store: Store, project_id: int) -> SavedDefinition | None:
    """The team's saved definition (None until someone saves one)."""
    return store.metric_log.definition(project_id)


def save_definition(store: Store, project_id: int, chosen: SelectionDefinition, *,
                    expected: SelectionDefinition | None, reason: str = "",
                    author: str = "") -> SavedDefinition:
    """Save the team's definition and log the change; refused (ConflictError) when someone
    else saved another one since `expected` was read."""
    return store.metric_log.save_definition(project_id, chosen, expected=expected,
                                            reason=reason, author=author)


@dataclass(frozen=True)
class RunSelection:
    """The best run under a definition; `problem` says why the definition could not be
    checked against the project's metrics (e.g. it names a metric since removed)."""

    selection: Selection
    problem: str | None


def select(store: Store, project_id: int, chosen: SelectionDefinition) -> RunSelection:
    """Optimizing + satisficing selection over the project's runs (docs/rules.md §3)."""
    runs = decision_runs(store, project_id)
    try:
        return RunSelection(select_from_runs(runs, chosen), None)
    except InputError as exc:
        return RunSelection(select_run(run_metrics(runs), chosen.objective,
                                       chosen.constraints), str(exc))


def select_strict(store: Store, project_id: int, chosen: SelectionDefinition) -> Selection:
    """The same selection for the command line, where a definition that names a metric the
    runs do not have is refused (InputError) instead of shown with a note."""
    return select_from_runs(decision_runs(store, project_id), chosen)


# --- single number from the runs' metrics -----------------------------------------------------


def run_f1(store: Store, project_id: int, precision: str, recall: str
           ) -> ClassifierComparison:
    """F1 of every run that records both metrics, best first (docs/rules.md §3)."""
    return compare_run_f1(run_metrics(decision_runs(store, project_id)), precision, recall)


def slices_are_rates(family: SliceFamily) -> bool:
    """Whether every metric of `family` is a rate, so its averages read as percentages."""
    return all(is_rate_metric(metric) for _, metric in family.slices)


def run_slices(store: Store, project_id: int, family: SliceFamily, *,
               rates: bool | None = None) -> SliceComparison:
    """Every run's average over the slices of `family` (docs/rules.md §3); `rates` (default:
    `slices_are_rates`) shows the averages as percentages in the reasons."""
    if rates is None:
        rates = slices_are_rates(family)
    rows = slice_rows_from_runs(run_metrics(decision_runs(store, project_id)), family)
    return compare_slice_averages(rows, higher_is_better=family.higher_is_better, rates=rates)


# --- weighted error from per-example predictions ------------------------------------------------


def prediction_runs(store: Store, project_id: int) -> list[int]:
    """Keys of the runs with uploaded per-example predictions."""
    return store.predictions.runs_with_predictions(project_id)


def source_values(store: Store, project_id: int, run_key: int, split: str) -> dict[str, int]:
    """Examples per `source` value of one run's predictions on `split`."""
    return store.predictions.source_counts(project_id, run_key, (split,))[split]


def weighted_comparison(store: Store, project_id: int, split: str, weight_by: str | None,
                        weights: Sequence[tuple[str, float]], default: float
                        ) -> WeightedComparison | None:
    """Plain and weighted error of every run with predictions on `split` (None when no run
    has any there). Weights come from the file's weight column (`weight_by` None) or per
    value of an attribute, `default` for the other values."""
    mapping = dict(weights)
    rows = store.predictions.weighted_errors(project_id, split, weight_by=weight_by,
                                             weight_map=mapping, default_weight=default)
    if not rows:
        return None
    return compare_weighted(rows, describe_weighting(weight_by, mapping, default))


# --- the change log -------------------------------------------------------------------------


def changes(store: Store, project_id: int) -> list[MetricChange]:
    """The metric / dev-set change log, newest first."""
    return store.metric_log.list(project_id)


def add_change(store: Store, project_id: int, kind: str, what: str, reason: str,
               author: str = "", changed_on: date | datetime | str | None = None
               ) -> MetricChange:
    """Record that the metric or the dev set changed, why, who and on which day."""
    return store.metric_log.add(project_id, kind, what, reason, author, changed_on)


def delete_change(store: Store, project_id: int, change_id: int) -> None:
    """Remove an entry recorded by mistake."""
    store.metric_log.delete(project_id, change_id)
