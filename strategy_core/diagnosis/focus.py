"""Where to work (docs/rules.md §1 "Focus", §2 "Where to work"): the one rule the diagnosis,
the checklist, the overview, the status paragraph, the report and the command line all call,
so they name the same place, the same runner-up and the same gaps to do next.

The focus is the largest gap above the project's tolerance, ties going to the earlier gap in
chain order. A second gap above the tolerance that is at least half the focus gap (or tied
with it) is the runner-up. Without a human level, avoidable bias is unmeasured: when it could
still be the largest gap (it can be as large as the training level's distance from the best
possible level), there is not enough information to choose.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from strategy_core.diagnosis.gaps import (
    FOCUS_NONE,
    FOCUS_UNKNOWN,
    GAP_LABELS,
    GAP_NAMES,
    RUNNER_UP_SHARE,
    TIE_TOLERANCE,
    ErrorLevels,
)
from strategy_core.errors import InputError
from strategy_core.values.project_metric import ERROR_RATE, ProjectMetric


@dataclass(frozen=True)
class Focus:
    """The place to work and what comes after it (docs/rules.md §1).

    ``gap`` is a gap name, ``none`` (no gap above the tolerance) or
    ``not_enough_information``; ``next`` holds every other gap above the tolerance, largest
    first; ``largest`` is the largest positive gap even when it is within the tolerance;
    ``bias_bound`` is how large an unmeasured avoidable bias could be (inf: no bound).
    """

    gap: str
    runner_up: str | None = None
    next: tuple[str, ...] = ()
    largest: str | None = None
    tolerance: float = 0.0
    bias_bound: float | None = None

    @property
    def decided(self) -> bool:
        """True when a gap was chosen (not none, not "not enough information")."""
        return self.gap in GAP_LABELS


def best_possible(metric: ProjectMetric) -> float | None:
    """The best level the metric allows (0% for an error rate), None when unbounded."""
    return metric.minimum if metric.direction == "lower" else metric.maximum


def unmeasured_bias_bound(levels: ErrorLevels) -> float | None:
    """How large avoidable bias could be when no human level is recorded: the training
    level's distance from the best possible level (inf when the metric has none). None when
    bias is measured or the training level is unknown (docs/rules.md §1)."""
    if levels.human is not None or levels.train is None:
        return None
    best = best_possible(levels.metric)
    return math.inf if best is None else levels.metric.gap(levels.train, best)


def _ranked(gaps: Mapping[str, float | None]) -> list[str]:
    """Positive gaps, largest first; within TIE_TOLERANCE the earlier gap in chain order."""
    ranked: list[str] = []
    for name in GAP_NAMES:
        value = gaps.get(name)
        if value is None or value <= TIE_TOLERANCE:
            continue
        position = next((index for index, other in enumerate(ranked)
                         if value > gaps[other] + TIE_TOLERANCE), len(ranked))  # type: ignore[operator]
        ranked.insert(position, name)
    return ranked


def choose_focus(gaps: Mapping[str, float | None], tolerance: float = 0.0,
                 bias_bound: float | None = None) -> Focus:
    """The focus, the runner-up and the gaps next in line (docs/rules.md §1, §2).

    Only gaps above ``tolerance`` (in the gaps' units) can be worked on. The largest of
    them is the focus (ties within 1e-9 to the earlier gap in chain order); the next one is
    the runner-up when it is at least RUNNER_UP_SHARE (half) of the focus gap. With avoidable
    bias unmeasured and ``bias_bound`` (see `unmeasured_bias_bound`) above the tolerance and
    at least the largest measured gap, the focus is ``not_enough_information``.
    """
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) \
            or not math.isfinite(tolerance) or tolerance < 0:
        raise InputError("tolerance must be a non-negative number", column="tolerance")
    ranked = _ranked(gaps)
    above = [name for name in ranked if gaps[name] > tolerance + TIE_TOLERANCE]  # type: ignore[operator]
    largest = ranked[0] if ranked else None
    common = {"largest": largest, "tolerance": float(tolerance), "bias_bound": bias_bound}
    if (gaps.get("avoidable_bias") is None and bias_bound is not None
            and bias_bound > tolerance + TIE_TOLERANCE
            and (not above or bias_bound >= gaps[above[0]] - TIE_TOLERANCE)):  # type: ignore[operator]
        return Focus(FOCUS_UNKNOWN, None, tuple(above), **common)
    if not above:
        return Focus(FOCUS_NONE, **common)
    focus, rest = above[0], tuple(above[1:])
    runner_up = None
    if rest and gaps[rest[0]] >= RUNNER_UP_SHARE * gaps[focus] - TIE_TOLERANCE:  # type: ignore[operator]
        runner_up = rest[0]
    return Focus(focus, runner_up, rest, **common)


def runner_up_sentence(choice: Focus, gaps: Mapping[str, float | None],
                       metric: ProjectMetric = ERROR_RATE) -> str | None:
    """The runner-up in one sentence, the same on every surface; None without one."""
    if not choice.decided or choice.runner_up is None:
        return None
    focus, runner_up = gaps[choice.gap], gaps[choice.runner_up]
    label = GAP_LABELS[choice.gap].lower()
    if abs(runner_up - focus) <= TIE_TOLERANCE:  # type: ignore[operator]
        return (f"{GAP_LABELS[choice.runner_up]} is tied with {label}; {label} comes first in "
                "the chain, and fixing it moves the later gaps anyway.")
    return (f"{GAP_LABELS[choice.runner_up]} ({metric.format_gap(runner_up)}) is close behind: "
            "plan to work on it next.")


def focus_label(choice: Focus) -> str:
    """How pages title the focus: a gap's label, or what stands in its place."""
    if choice.decided:
        return GAP_LABELS[choice.gap]
    if choice.gap == FOCUS_UNKNOWN:
        return "Not enough information"
    if choice.largest is not None and choice.tolerance > 0:
        return "No gap above the tolerance"
    return "No positive gap"


def record_human_action(metric: ProjectMetric = ERROR_RATE) -> str:
    """What to record when bias and variance cannot be told apart."""
    what = "human-level error (the lowest error" if metric.is_error_rate else \
        f"human level in {metric.name} (the best level"
    return (f"Record {what} of a typical person, an expert or a team of experts), so "
            "avoidable bias can be measured and set against the other gaps.")


def unknown_sentence(choice: Focus, levels: ErrorLevels,
                     gaps: Mapping[str, float | None], on: str = "") -> str:
    """Why there is not enough information to choose (docs/rules.md §1), in one sentence."""
    metric = levels.metric
    measured = choice.next[0] if choice.next else choice.largest
    against = "the other gaps" if measured is None else GAP_LABELS[measured].lower()
    bound = choice.bias_bound
    if bound is None or math.isinf(bound):
        could = "could be of any size (the metric has no best possible level)"
    else:
        best = best_possible(metric)
        could = (f"could be anywhere from 0 to {metric.format_gap(bound)} (training "
                 f"{metric.format(levels.train)} against the best possible "
                 f"{metric.format(best)})")
    size = "" if measured is None else (
        f", as much as or more than {against} at {metric.format_gap(gaps[measured])}")
    return (f"Not enough information{on} to choose between avoidable bias and {against}: no "
            f"human level is recorded, so avoidable bias {could}{size}.")
