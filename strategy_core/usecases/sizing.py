"""Dev/test sizing from what the project keeps (docs/rules.md §6): the calculators' starting values,
the runs ranked by dev error, two runs' disagreement and the sources of a run's uploaded
predictions, the team's saved split plan, the overview's line when the dev set is too
small to separate the project's two best runs, and the sizing of a metric that is a mean
of per-example values, read in the project's metric (docs/rules.md §17)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from strategy_core.errors import InputError
from strategy_core.project_metric import ProjectMetric
from strategy_core.rates import format_pct, format_points
from strategy_core.runs import Run
from strategy_core.sizing import (
    EXAMPLE_PLAN,
    PLAN_SETTING,
    CalculatorDefaults,
    DisagreementCounts,
    MeanMetricPlan,
    PlanInputs,
    calculator_defaults,
    compare_runs,
    plan_inputs,
    runs_by_dev_error,
)
from strategy_core.sizing.common import _short
from strategy_core.sizing.mean_metric import mean_metric_plan as plan_mean_metric
from strategy_core.usecases.project_metric import project_metric
from strategy_core.usecases.run_scope import decision_runs

if TYPE_CHECKING:
    from strategy_core.store import Store


def defaults(store: Store, project_id: int) -> CalculatorDefaults:
    """The calculators' starting values: the newest run's dev error and dev size, else an
    example."""
    return calculator_defaults(decision_runs(store, project_id))


def ranked_runs(store: Store, project_id: int) -> list[Run]:
    """Runs with a dev error, best (lowest) first; on a tie the newer run first."""
    higher = sizing_metric(store, project_id).direction == "higher"
    return runs_by_dev_error(decision_runs(store, project_id), higher_is_better=higher)


def runs_with_predictions(store: Store, project_id: int) -> list[int]:
    """Keys of the runs that have per-example predictions uploaded."""
    return store.predictions.runs_with_predictions(project_id)


def prediction_disagreement(
    store: Store, project_id: int, run_a: Run, run_b: Run
) -> DisagreementCounts | None:
    """The two runs' disagreement on common dev examples, when both have predictions and
    the project metric is a rate (per-example values of another metric have no
    disagreement to count; docs/rules.md §17)."""
    if run_a.key is None or run_b.key is None:
        return None
    if not sizing_metric(store, project_id).has_binomial_intervals:
        return None
    uploaded = set(store.predictions.runs_with_predictions(project_id))
    if run_a.key not in uploaded or run_b.key not in uploaded:
        return None
    counts = store.predictions.disagreement(project_id, run_a.key, run_b.key, "dev")
    return counts if counts.n_common > 0 else None


def source_counts(store: Store, project_id: int, run_key: int) -> dict[str, dict[str, int]]:
    """Per split, per source: how many examples a run's predictions hold."""
    return store.predictions.source_counts(project_id, run_key)


# --- the split planner's saved inputs -----------------------------------------------------


@dataclass(frozen=True)
class SavedPlan:
    """The planner's inputs as the team saved them, else the docs/rules.md example (`state` says
    which: "saved", "none", or "unreadable" for a stored plan this version cannot read),
    and the setting's edit version (0 while nothing is saved)."""

    inputs: PlanInputs
    state: str
    version: int


def saved_plan(store: Store, project_id: int) -> SavedPlan:
    """The team's split plan (docs/rules.md §6), read with its edit version."""
    raw, version = store.projects.setting_entry(project_id, PLAN_SETTING)
    if raw is None:
        return SavedPlan(EXAMPLE_PLAN, "none", version)
    try:
        return SavedPlan(plan_inputs(raw), "saved", version)
    except InputError:
        return SavedPlan(EXAMPLE_PLAN, "unreadable", version)


def save_plan(store: Store, project_id: int, inputs: PlanInputs, *,
              expected: int | None = None) -> int:
    """Save the planner's inputs for the whole team; with `expected` (the version read) a
    save someone else's overtook raises ConflictError with their (value, version)."""
    return store.projects.set_setting(project_id, PLAN_SETTING, inputs.as_setting(),
                                      expected=expected)


# --- the overview -------------------------------------------------------------------------


def overview_line(store: Store, project_id: int) -> str | None:
    """A line for the overview when the dev set is too small to separate the project's two
    best runs (lowest dev error; paired when both have predictions), else None (4.6).

    Plain text holding run names: escape it before putting it into Markdown.
    """
    metric = sizing_metric(store, project_id)
    if not metric.has_binomial_intervals:
        return None  # separating two means needs their spread: the Sizing page's mean tab
    ranked = runs_by_dev_error(decision_runs(store, project_id),
                               higher_is_better=metric.direction == "higher")
    if len(ranked) < 2:
        return None
    best, second = ranked[0], ranked[1]
    try:
        comparison = compare_runs(
            best, second, predictions=prediction_disagreement(store, project_id, best, second))
    except InputError:
        return None  # no dev size recorded: nothing to say
    check = comparison.check
    if check.can_separate:
        return None
    pair = (f"{_short(best.name)} ({format_pct(comparison.error_a)}) and "
            f"{_short(second.name)} ({format_pct(comparison.error_b)})")
    if check.n_needed is None:
        return (f"The two best runs, {pair}, have the same dev error: the dev set cannot "
                "tell them apart.")
    kind = "paired" if check.method == "mcnemar" else "unpaired"
    return (
        f"The dev set ({comparison.n_dev:,} examples) is too small to tell the two best runs "
        f"apart: {pair} differ by {format_points(check.delta)}, which needs about "
        f"{check.n_needed:,} examples ({kind}). Treat them as equally good or grow the dev set."
    )


# --- a metric that is a mean of per-example values (docs/rules.md §17) ---------------------


def sizing_metric(store: Store, project_id: int) -> ProjectMetric:
    """The project's metric: the rate calculators apply to a rate, the mean-metric ones to
    anything else (`not metric.has_binomial_intervals`)."""
    return project_metric(store, project_id)


@dataclass(frozen=True)
class MeanMetricAnswers:
    """The mean-metric answers in the project's metric: where σ came from ("entered" or
    "measured" from per-example predictions) and the plan computed from it."""

    metric: ProjectMetric
    sd_source: str
    plan: MeanMetricPlan

    def as_dict(self) -> dict[str, Any]:
        return {**self.metric.as_json(), "sd_source": self.sd_source, **self.plan.as_dict()}

    def sentences(self) -> tuple[str, ...]:
        return self.plan.sentences(self.metric)


def mean_metric_plan(store: Store, project_id: int, sd: float | None, n: int, *,
                     target_half_width: float | None = None, delta: float | None = None,
                     paired_sd: float | None = None, measured_sd: float | None = None,
                     confidence: float = 0.95, alpha: float = 0.05,
                     power: float = 0.8) -> MeanMetricAnswers:
    """Precision and sizes for the project's metric read as a mean of per-example values
    (docs/rules.md §17): σ as entered, else `measured_sd` (from uploaded per-example
    predictions, measured by the caller); InputError when there is neither."""
    metric = project_metric(store, project_id)
    if sd is None and measured_sd is None:
        raise InputError("enter the per-example standard deviation σ (or upload per-example "
                         "predictions to measure it)")
    source, sigma = ("entered", sd) if sd is not None else ("measured", measured_sd)
    plan = plan_mean_metric(sigma, n, confidence=confidence,  # type: ignore[arg-type]
                            target_half_width=target_half_width, delta=delta,
                            paired_sd=paired_sd, alpha=alpha, power=power)
    return MeanMetricAnswers(metric, source, plan)
