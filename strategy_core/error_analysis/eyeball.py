"""Whether the eyeball dev set is overfit (docs/rules.md §4): each run's eyeball and blackbox error,
and whether eyeball error falls clearly faster than blackbox error."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from strategy_core.error_analysis.common import _clean, _count
from strategy_core.errors import InputError
from strategy_core.rates import format_pct, format_points
from strategy_core.stats import Interval, newcombe_difference


@dataclass(frozen=True)
class RunSplitErrors:
    """Errors of one run on the eyeball and the blackbox part of the dev set.

    ``order`` is the run's position in creation order (smaller is older).
    """

    run: str
    order: int
    eyeball_errors: int
    eyeball_n: int
    blackbox_errors: int
    blackbox_n: int


@dataclass(frozen=True)
class EyeballRun:
    """Eyeball and blackbox error of one run and the gap blackbox − eyeball."""

    run: str
    order: int
    eyeball_error: float
    eyeball_n: int
    blackbox_error: float
    blackbox_n: int
    gap: float
    gap_low: float
    gap_high: float

    def as_dict(self) -> dict:
        return {
            "run": self.run,
            "order": self.order,
            "eyeball_error": self.eyeball_error,
            "eyeball_n": self.eyeball_n,
            "blackbox_error": self.blackbox_error,
            "blackbox_n": self.blackbox_n,
            "gap": self.gap,
            "gap_low": self.gap_low,
            "gap_high": self.gap_high,
        }


@dataclass(frozen=True)
class EyeballCheck:
    """Whether the eyeball dev set is overfit (docs/rules.md §4); see ``eyeball_blackbox``."""

    runs: tuple[EyeballRun, ...]
    growth: float | None
    growth_low: float | None
    growth_high: float | None
    overfit: bool
    reasons: tuple[str, ...]

    @property
    def settled(self) -> bool:
        """At least two runs were compared: "not overfit" is a finding, not a wait for data
        (docs/rules.md §4; with one run the page shows it as information, not success)."""
        return len(self.runs) >= 2

    def as_dict(self) -> dict:
        return {
            "runs": [run.as_dict() for run in self.runs],
            "growth": self.growth,
            "growth_low": self.growth_low,
            "growth_high": self.growth_high,
            "overfit": self.overfit,
            "reasons": list(self.reasons),
        }


def _eyeball_run(point: RunSplitErrors) -> EyeballRun:
    label = f"run '{point.run}'"
    eyeball_n = _count(point.eyeball_n, f"the eyeball set size of {label}")
    blackbox_n = _count(point.blackbox_n, f"the blackbox set size of {label}")
    if eyeball_n == 0 or blackbox_n == 0:
        raise InputError(f"{label} needs at least one example in both the eyeball and blackbox set")
    eyeball_errors = _count(point.eyeball_errors, f"the eyeball errors of {label}")
    blackbox_errors = _count(point.blackbox_errors, f"the blackbox errors of {label}")
    if eyeball_errors > eyeball_n:
        raise InputError(f"{label} has more eyeball errors than eyeball examples")
    if blackbox_errors > blackbox_n:
        raise InputError(f"{label} has more blackbox errors than blackbox examples")
    eyeball = eyeball_errors / eyeball_n
    blackbox = blackbox_errors / blackbox_n
    interval = newcombe_difference(blackbox, blackbox_n, eyeball, eyeball_n)
    return EyeballRun(
        run=str(point.run),
        order=_count(point.order, f"the position in creation order of {label}"),
        eyeball_error=eyeball,
        eyeball_n=eyeball_n,
        blackbox_error=blackbox,
        blackbox_n=blackbox_n,
        gap=_clean(blackbox - eyeball),
        gap_low=interval.low,
        gap_high=interval.high,
    )


def _growth_interval(first: EyeballRun, newest: EyeballRun) -> Interval:
    # MOVER (Zou & Donner 2008) on the two Newcombe intervals, as if the runs were
    # independent. The same examples are scored in both runs, and a team's successive
    # models err on much the same examples, so the true interval is narrower: this one
    # errs on the side of not raising the alarm.
    growth = newest.gap - first.gap
    low = growth - math.hypot(newest.gap - newest.gap_low, first.gap_high - first.gap)
    high = growth + math.hypot(newest.gap_high - newest.gap, first.gap - first.gap_low)
    return Interval(low, high)


def eyeball_blackbox(points: Sequence[RunSplitErrors]) -> EyeballCheck:
    """Is the eyeball dev set overfit? (docs/rules.md §4: eyeball error falls clearly faster.)

    The eyeball and blackbox sets are random parts of the same dev set, so without
    overfitting a model errs equally often on both. Per run, gap = blackbox − eyeball
    error with a Newcombe 95% interval. Comparing the oldest and the newest run (by
    ``order``), the eyeball set is overfit when both hold:

    1. on the newest run the gap's 95% interval lies above 0 (eyeball error clearly
       lower than blackbox error now), and
    2. the growth of the gap since the oldest run (= how much faster eyeball error fell
       than blackbox error) has a 95% interval above 0 (MOVER combination of the two
       Newcombe intervals, treating the runs as independent, which is conservative).

    Condition 2 keeps a gap that was there from the first run (an unlucky draw) from
    raising the alarm; condition 1 keeps a gap that grew from below zero to about zero
    from doing so. Fewer than 2 runs: not overfit, with a reason.
    """
    runs = sorted((_eyeball_run(point) for point in points), key=lambda r: r.order)
    orders = [run.order for run in runs]
    if len(set(orders)) != len(orders):
        raise InputError("two runs have the same position in creation order")
    if len(runs) < 2:
        return _too_few_runs(runs)

    first, newest = runs[0], runs[-1]
    growth = _growth_interval(first, newest)
    growth_value = _clean(newest.gap - first.gap)
    clearly_lower = newest.gap_low > 0
    clearly_faster = growth.low > 0
    overfit = clearly_lower and clearly_faster
    reasons = [
        f"From run '{first.run}' to run '{newest.run}', eyeball error went from "
        f"{format_pct(first.eyeball_error)} to {format_pct(newest.eyeball_error)} and "
        f"blackbox error from {format_pct(first.blackbox_error)} to "
        f"{format_pct(newest.blackbox_error)}.",
        f"The gap (blackbox − eyeball) grew by {format_points(growth_value)} "
        f"(95% interval {format_points(growth.low)} to {format_points(growth.high)}); on "
        f"run '{newest.run}' it is {format_points(newest.gap)} (95% interval "
        f"{format_points(newest.gap_low)} to {format_points(newest.gap_high)}).",
        _eyeball_verdict(first, clearly_lower, clearly_faster, growth_value),
    ]
    return EyeballCheck(
        runs=tuple(runs),
        growth=growth_value,
        growth_low=growth.low,
        growth_high=growth.high,
        overfit=overfit,
        reasons=tuple(reasons),
    )


def _too_few_runs(runs: list[EyeballRun]) -> EyeballCheck:
    """Not overfit, for want of a second run to compare with."""
    return EyeballCheck(
        runs=tuple(runs),
        growth=None,
        growth_low=None,
        growth_high=None,
        overfit=False,
        reasons=(
            "At least 2 runs scored on the same eyeball and blackbox sets are needed "
            "to see whether eyeball error falls faster than blackbox error.",
        ),
    )


def _eyeball_verdict(
    first: EyeballRun, clearly_lower: bool, clearly_faster: bool, growth_value: float
) -> str:
    """What the newest gap and its growth since the oldest run say about overfitting."""
    if clearly_lower and clearly_faster:
        return (
            "Eyeball error is falling clearly faster than blackbox error: the eyeball set is "
            "overfit. Refresh it with new dev examples (move them from the blackbox set or "
            "collect more), and keep tuning on the blackbox set."
        )
    if clearly_lower and growth_value > 0:
        return (
            "Eyeball error is clearly below blackbox error on the newest run and the gap has "
            "grown, but not clearly beyond chance: not overfit so far. Keep watching; "
            "larger eyeball and blackbox sets would settle it sooner."
        )
    if clearly_lower:
        return (
            "Eyeball error is clearly below blackbox error on the newest run, but the gap has "
            f"not grown since run '{first.run}': it was there from the start, so it is not "
            "overfitting. Check that the eyeball set was drawn at random."
        )
    if clearly_faster:
        return (
            "Eyeball error fell faster than blackbox error, but it is not clearly below it yet: "
            "not overfit so far; keep watching."
        )
    return "Eyeball and blackbox error move together: no sign that the eyeball set is overfit."
