"""Error analysis on per-example values (docs/rules.md §18): regression errors, per-example
losses and scores reviewed in the project metric's units.

A predictions file of a project whose metric is not a rate holds, per example, either a
numeric label and prediction (regression: the absolute and squared errors are derived) or
a value column (a per-example loss, WER, dice…). The review sample is the worst examples,
or the examples past a threshold; a category's ceiling is how much the dev metric would
improve if its examples were perfect. Every function here is pure.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass

from strategy_core.error_analysis.categories import (
    INCORRECTLY_LABELED,
    _category_name,
    _is_reserved,
)
from strategy_core.error_analysis.common import _share_interval, _tag_count, by_name
from strategy_core.error_analysis.review import tentative_review
from strategy_core.errors import InputError
from strategy_core.values.project_metric import ProjectMetric

FILE_KINDS: tuple[str, ...] = ("classification", "regression", "value")
MEASURES: dict[str, str] = {"absolute_error": "absolute error",
                            "squared_error": "squared error", "value": "value"}
SELECTIONS: tuple[str, ...] = ("worst", "threshold")
# Metrics whose per-example measure of a regression file is the squared error.
_SQUARED_KEYS = ("mse", "rmse")


def file_kind(metric: ProjectMetric, has_value_column: bool) -> str:
    """What a predictions file holds (docs/rules.md §18): classification rows for a rate
    metric (any value column is ignored, as before); else a per-example value when the
    header has a value column, else a numeric label and prediction (regression)."""
    if metric.kind == "rate":
        return "classification"
    return "value" if has_value_column else "regression"


def measure_for(metric: ProjectMetric, kind: str) -> str:
    """The per-example measure a review ranks and sums: the squared error of a regression
    under MSE or RMSE, its absolute error otherwise, the file's value for a value file."""
    if kind == "regression":
        return "squared_error" if metric.key in _SQUARED_KEYS else "absolute_error"
    if kind == "value":
        return "value"
    raise InputError("a classification file is reviewed by its mistakes, not by values")


def is_root_mean(metric: ProjectMetric, measure: str) -> bool:
    """RMSE: the dev metric is the square root of the mean squared error."""
    return measure == "squared_error" and metric.key == "rmse"


def measure_label(measure: str, value_name: str | None = None) -> str:
    """'absolute error', 'squared error', or the value column's name ('wer')."""
    if measure == "value":
        return (value_name or "value").strip() or "value"
    return MEASURES[measure]


def best_value(metric: ProjectMetric, measure: str) -> float:
    """The measure of a perfect example: 0 error, or the metric's best bound for a value
    (its minimum when lower is better, its maximum when higher is better)."""
    if measure != "value":
        return 0.0
    best = metric.minimum if metric.direction == "lower" else metric.maximum
    if best is None:
        side = "minimum" if metric.direction == "lower" else "maximum"
        raise InputError(f"{metric.name} has no {side}, so a perfect example has no value "
                         f"and a ceiling cannot be computed: set the metric's {side} first")
    return float(best)


def gain(metric: ProjectMetric, measure: str, value: float) -> float:
    """How much better one example would be if it were perfect (≥ 0 in the metric's range):
    value − best when lower is better, best − value when higher is better."""
    return metric.sign * (float(value) - best_value(metric, measure))


def dev_metric(metric: ProjectMetric, measure: str, total: float, n: int) -> float:
    """The dev metric from the sum of the per-example measure over n dev examples: the mean,
    or for RMSE the square root of the mean squared error."""
    if n <= 0:
        raise InputError("the dev set holds no example")
    mean = float(total) / n
    return math.sqrt(max(mean, 0.0)) if is_root_mean(metric, measure) else mean


def sample_rule(metric: ProjectMetric, *, measure: str, selection: str, size: int,
                population: int, threshold: float | None = None,
                cutoff: float | None = None, seed: int | None = None,
                value_name: str | None = None) -> str:
    """The sample's rule in plain English (docs/rules.md §18), e.g. 'the 100 dev examples
    with the largest absolute error (≥ 3.1 years)'."""
    label = measure_label(measure, value_name)
    worse = "≥" if metric.direction == "lower" else "≤"
    if selection == "worst":
        extreme = "largest" if metric.direction == "lower" else "smallest"
        bound = f" ({worse} {metric.format(cutoff)})" if cutoff is not None else ""
        noun = "example" if size == 1 else "examples"
        return f"the {size:,} dev {noun} with the {extreme} {label}{bound}"
    if selection != "threshold" or threshold is None:
        raise InputError(f"a sample is drawn from the worst examples or past a threshold, "
                         f"not '{selection}'")
    past = f"{label} {worse} {metric.format(threshold)}"
    if size >= population:
        return f"all {population:,} dev examples with {past}"
    return (f"{size:,} of the {population:,} dev examples with {past}, drawn at random "
            f"(seed {seed})")


@dataclass(frozen=True)
class ValueCategory:
    """One category of a per-example review: its share of the reviewed examples, its share
    of their gain, and its ceiling in the metric's units."""

    name: str
    count: int
    share: float
    share_low: float
    share_high: float
    gain: float
    value_share: float
    ceiling: float
    metric_if_fixed: float
    effort: float | None
    priority: float | None

    def as_dict(self) -> dict:
        return {"name": self.name, "count": self.count, "share": self.share,
                "share_low": self.share_low, "share_high": self.share_high,
                "gain": self.gain, "value_share": self.value_share, "ceiling": self.ceiling,
                "metric_if_fixed": self.metric_if_fixed, "effort": self.effort,
                "priority": self.priority}


@dataclass(frozen=True)
class ValueReviewSummary:
    """Shares, ceilings and priorities of a per-example review (docs/rules.md §18)."""

    metric: ProjectMetric
    measure: str
    dev_n: int
    dev_value: float
    reviewed: int
    adequacy: str
    categories: tuple[ValueCategory, ...]
    top_category: str | None
    priority_order: tuple[str, ...]
    headline: str
    reasons: tuple[str, ...]

    @property
    def tentative(self) -> bool:
        """A very small review (docs/rules.md §4 adequacy): its headline is tentative."""
        return tentative_review(self.reviewed)

    def category(self, name: str) -> ValueCategory:
        return by_name(self.categories, name)

    def as_dict(self) -> dict:
        return {"metric": self.metric.name, "unit": self.metric.unit,
                "direction": self.metric.direction, "measure": self.measure,
                "dev_n": self.dev_n, "dev_value": self.dev_value, "reviewed": self.reviewed,
                "adequacy": self.adequacy,
                "categories": [c.as_dict() for c in self.categories],
                "top_category": self.top_category,
                "priority_order": list(self.priority_order), "headline": self.headline,
                "reasons": list(self.reasons)}


def _non_negative(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or \
            not math.isfinite(float(value)) or float(value) < -1e-9:
        raise InputError(f"{what} must be a finite number of at least 0, not {value!r}")
    return max(float(value), 0.0)


def _whole_n(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 1:
        raise InputError(f"the number of dev examples must be a whole number of at least 1, "
                         f"not {value!r}")
    return int(value)


def _tagged(counts: Mapping[str, int], gains: Mapping[str, float], reviewed: int
            ) -> dict[str, tuple[int, float]]:
    """Count and gain per category, checked, with the reserved category always present."""
    tagged: dict[str, tuple[int, float]] = {}
    for raw_name, raw_count in counts.items():
        name = _category_name(raw_name)
        if _is_reserved(name):
            name = INCORRECTLY_LABELED
        if name in tagged:
            raise InputError(f"category '{name}' is listed twice")
        count = _tag_count(name, raw_count, reviewed)
        tagged[name] = (count, _non_negative(gains.get(raw_name, 0.0) if count else 0.0,
                                             f"the gain of category '{name}'"))
    tagged.setdefault(INCORRECTLY_LABELED, (0, 0.0))
    return tagged


def _interval(count: int, reviewed: int) -> tuple[float, float]:
    interval = _share_interval(count, reviewed)
    return interval.low, interval.high
