"""How precise an error rate is on n examples (docs/rules.md §6): the Wilson interval, and its
half-width against the set size for the interval-width chart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from strategy_core.rates import format_pct, parse_rate
from strategy_core.sizing.common import _count
from strategy_core.stats import wilson_interval


@dataclass(frozen=True)
class IntervalResult:
    """Wilson interval of an error rate measured on n examples."""

    error: float
    n: int
    confidence: float
    low: float
    high: float
    half_width: float
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"low": self.low, "high": self.high, "half_width": self.half_width}


def error_interval(error: float | str, n: int, confidence: float = 0.95) -> IntervalResult:
    """Wilson interval of an error rate p on n examples (4.6); half_width = (high − low) / 2."""
    rate = parse_rate(error, what="error")
    size = _count(n, what="set size")
    interval = wilson_interval(rate, size, confidence)
    reason = (
        f"An error of {format_pct(rate)} measured on {size:,} examples is between "
        f"{format_pct(interval.low, 2)} and {format_pct(interval.high, 2)} "
        f"({confidence:.0%} Wilson interval, ±{format_pct(interval.half_width, 2)})."
    )
    return IntervalResult(
        rate, size, confidence, interval.low, interval.high, interval.half_width, (reason,)
    )


def half_width_curve(
    error: float | str, sizes: Sequence[int], confidence: float = 0.95
) -> list[tuple[int, float]]:
    """(n, Wilson half-width) for each set size, for the interval-width chart (4.6)."""
    rate = parse_rate(error, what="error")
    return [
        (size, wilson_interval(rate, size, confidence).half_width)
        for size in (_count(n, what="set size") for n in sizes)
    ]


@dataclass(frozen=True)
class HalfWidthProfile:
    """Wilson half-width against set size, with one size (the project's dev set) marked."""

    error: float
    confidence: float
    points: tuple[tuple[int, float], ...]
    marked_n: int | None
    marked_half_width: float | None


def half_width_profile(
    error: float | str, marked_n: int | None = None, confidence: float = 0.95, steps: int = 49
) -> HalfWidthProfile:
    """Half-width of the Wilson interval (4.6) for log-spaced sizes from 100 (or fewer, to
    reach the marked size) to 1,000,000 (or ten times the marked size)."""
    rate = parse_rate(error, what="error")
    marked = None if marked_n is None else _count(marked_n, what="set size")
    if marked == 0:
        marked = None
    low = min(100, marked or 100)
    high = max(1_000_000, 10 * (marked or 0))
    sizes = {int(round(v)) for v in np.geomspace(low, high, steps)}
    if marked is not None:
        sizes.add(marked)
    points = tuple(half_width_curve(rate, sorted(sizes), confidence))
    marked_width = None if marked is None else dict(points)[marked]
    return HalfWidthProfile(rate, confidence, points, marked, marked_width)
