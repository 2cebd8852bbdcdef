"""Shares, ceilings and priorities of a review of per-example values, in the project
metric's units (docs/rules.md §18)."""

from __future__ import annotations

import math
from collections.abc import Mapping

from strategy_core.error_analysis.common import _reviewed
from strategy_core.error_analysis.review import (
    ADEQUACY_LABELS,
    ADEQUACY_MEANINGS,
    _efforts,
    adequacy,
    tentative_words,
)
from strategy_core.error_analysis.values import (
    ValueCategory,
    ValueReviewSummary,
    _interval,
    _non_negative,
    _tagged,
    _whole_n,
    dev_metric,
    is_root_mean,
    measure_label,
)
from strategy_core.values.project_metric import ProjectMetric


def summarize_value_review(metric: ProjectMetric, *, measure: str, dev_n: int,
                           dev_total: float, population_gain: float, reviewed: int,
                           reviewed_gain: float, counts: Mapping[str, int],
                           gains: Mapping[str, float],
                           efforts: Mapping[str, float] | None = None,
                           value_name: str | None = None) -> ValueReviewSummary:
    """Each category's share, ceiling and priority in the metric's units (docs/rules.md §18).

    ``dev_total`` is the sum of the measure over the ``dev_n`` dev examples (the dev metric
    is its mean, or for RMSE the root of it); ``population_gain`` the sum of the gains of
    the examples the sample stands for, ``reviewed_gain`` that of the reviewed ones and
    ``gains[c]`` that of the reviewed ones tagged c. Fixing c removes about
    population_gain · gains[c] / reviewed_gain from the measure's sum, so the mean improves
    by that / dev_n (the ceiling); for RMSE the ceiling is RMSE − √(MSE − that / dev_n).
    Categories are listed by ceiling, largest first; priority = ceiling / effort.
    """
    dev_n = _whole_n(dev_n)
    reviewed = _reviewed(reviewed)
    population = _non_negative(population_gain, "the gain of the population")
    reviewed_total = _non_negative(reviewed_gain, "the gain of the reviewed examples")
    dev_value = dev_metric(metric, measure, dev_total, dev_n)
    tagged = _tagged(counts, gains, reviewed)
    effort_of = _efforts(efforts, set(tagged))
    categories = []
    for name, (count, category_gain) in tagged.items():
        value_share = min(category_gain / reviewed_total, 1.0) if reviewed_total > 0 else 0.0
        removed = population * value_share / dev_n  # from the mean of the measure
        if is_root_mean(metric, measure):
            fixed = math.sqrt(max(float(dev_total) / dev_n - removed, 0.0))
            ceiling = dev_value - fixed
        else:
            ceiling = removed
            fixed = dev_value - metric.sign * ceiling
        low, high = _interval(count, reviewed)
        effort = effort_of.get(name)
        categories.append(ValueCategory(
            name, count, count / reviewed, low, high, category_gain, value_share,
            round(ceiling, 12) + 0.0, round(fixed, 12) + 0.0, effort,
            None if effort is None else ceiling / effort))
    categories.sort(key=lambda c: (-c.ceiling, -c.count, c.name.casefold(), c.name))
    ranked = sorted((c for c in categories if c.priority is not None),
                    key=lambda c: (-c.priority, c.name.casefold(), c.name))
    top = categories[0] if categories[0].count > 0 else None
    level = adequacy(reviewed)
    reasons = [f"{reviewed} examples reviewed: a {ADEQUACY_LABELS[level]} review. "
               f"{ADEQUACY_MEANINGS[level]}"]
    if top is None:
        headline = f"No category was tagged on the {reviewed} reviewed examples yet."
    else:
        verb = "cut" if metric.direction == "lower" else "raise"
        headline = (f"Fixing {top.name} could {verb} dev {metric.name} from "
                    f"{metric.format(dev_value)} to at best "
                    f"{metric.format(top.metric_if_fixed)}{tentative_words(reviewed)}")
        reasons.append(_top_reason(metric, measure, top, reviewed, dev_value, value_name))
    if sum(count for count, _ in tagged.values()) > reviewed:
        reasons.append("Shares add to more than 100% because an example can carry several "
                       "categories.")
    if ranked:
        reasons.append(f"Ranked by ceiling per unit of effort, {ranked[0].name} comes first "
                       f"({metric.format_gap(ranked[0].ceiling)} for an effort of "
                       f"{ranked[0].effort:g}).")
    return ValueReviewSummary(metric, measure, dev_n, dev_value, reviewed, level,
                              tuple(categories), None if top is None else top.name,
                              tuple(c.name for c in ranked), headline, tuple(reasons))


def _top_reason(metric: ProjectMetric, measure: str, top: ValueCategory, reviewed: int,
                dev_value: float, value_name: str | None) -> str:
    label = measure_label(measure, value_name)
    return (f"{top.name} was tagged on {top.count} of {reviewed} reviewed examples "
            f"({top.share * 100:.1f}% of them, {top.value_share * 100:.1f}% of their "
            f"{label} beyond a perfect example): fixing it entirely improves dev "
            f"{metric.name} by at most {metric.format_gap(top.ceiling)} "
            f"(from {metric.format(dev_value)}).")
