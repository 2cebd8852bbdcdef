"""Statistics shared by the rules: binomial intervals and normal quantiles.

Thin wrappers over statsmodels and scipy so every page uses the same methods. Both are
imported on first use, not with this module: the store imports it, and scipy with statsmodels
cost a second and 60 MB of every process start (benchmarks/results.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from strategy_core.errors import InputError


@dataclass(frozen=True)
class Interval:
    """A confidence interval [low, high]."""

    low: float
    high: float

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2

    def contains_zero(self) -> bool:
        return self.low <= 0 <= self.high


def z_quantile(q: float) -> float:
    """Standard normal quantile, e.g. z(0.975) = 1.95996."""
    from scipy.stats import norm

    return float(norm.ppf(q))


def wilson_interval(rate: float, n: int, confidence: float = 0.95) -> Interval:
    """Wilson score interval of a binomial proportion ``rate`` observed on ``n`` examples."""
    if n <= 0:
        raise InputError("the number of examples must be a positive integer")
    if not 0 <= rate <= 1:
        raise InputError("a proportion must be between 0 and 1")
    if not 0 < confidence < 1:
        raise InputError("confidence must be between 0 and 1 (e.g. 0.95)")
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(rate * n, n, alpha=1 - confidence, method="wilson")
    # The score interval's ends are exactly 0 and 1 at the extremes; statsmodels leaves
    # rounding noise (3e-18) there.
    low = 0.0 if rate == 0 else max(0.0, float(low))
    high = 1.0 if rate == 1 else min(1.0, float(high))
    return Interval(low, high)


def newcombe_difference(
    rate_a: float, n_a: int, rate_b: float, n_b: int, confidence: float = 0.95
) -> Interval:
    """Newcombe's hybrid score interval for rate_a − rate_b on independent samples."""
    if n_a <= 0 or n_b <= 0:
        raise InputError("set sizes must be positive integers")
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(
        rate_a * n_a, n_a, rate_b * n_b, n_b,
        method="newcomb", compare="diff", alpha=1 - confidence,
    )
    return Interval(float(low), float(high))


def wilson_intervals(
    rates: Sequence[float], ns: Sequence[int], confidence: float = 0.95
) -> list[Interval]:
    """`wilson_interval` for many (rate, n) pairs at once (one vectorized statsmodels call):
    thousands of runs in milliseconds."""
    if len(rates) != len(ns):
        raise InputError("rates and set sizes must have the same length")
    if not rates:
        return []
    rate = np.asarray(rates, dtype=float)
    n = np.asarray(ns, dtype=float)
    if (n <= 0).any():
        raise InputError("the number of examples must be a positive integer")
    if ((rate < 0) | (rate > 1)).any():
        raise InputError("a proportion must be between 0 and 1")
    if not 0 < confidence < 1:
        raise InputError("confidence must be between 0 and 1 (e.g. 0.95)")
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(rate * n, n, alpha=1 - confidence, method="wilson")
    low = np.where(rate == 0, 0.0, np.maximum(0.0, low))
    high = np.where(rate == 1, 1.0, np.minimum(1.0, high))
    return [Interval(float(lo), float(hi)) for lo, hi in zip(low, high, strict=True)]


def newcombe_differences(
    rates_a: Sequence[float], ns_a: Sequence[int], rates_b: Sequence[float],
    ns_b: Sequence[int], confidence: float = 0.95,
) -> list[Interval]:
    """`newcombe_difference` for many pairs at once: Newcombe's hybrid score interval
    (method 10) built from the two vectorized Wilson intervals."""
    a = wilson_intervals(rates_a, ns_a, confidence)
    b = wilson_intervals(rates_b, ns_b, confidence)
    out = []
    for p1, p2, w1, w2 in zip(rates_a, rates_b, a, b, strict=True):
        d = p1 - p2
        out.append(Interval(d - math.sqrt((p1 - w1.low) ** 2 + (w2.high - p2) ** 2),
                            d + math.sqrt((w1.high - p1) ** 2 + (p2 - w2.low) ** 2)))
    return out
