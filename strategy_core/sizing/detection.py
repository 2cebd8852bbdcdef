"""How many examples it takes to tell two models apart (docs/rules.md §6): the paired (McNemar)
and unpaired sizes, whether a dev set can separate two errors, and the smallest difference
a set size detects."""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.optimize import brentq

from strategy_core.errors import InputError
from strategy_core.rates import format_pct, format_points, parse_rate
from strategy_core.sizing.common import _clean, _count
from strategy_core.stats import z_quantile

PAIRED_VS_UNPAIRED = (
    "On the same dev set only the examples where the two models disagree carry evidence, "
    "so a paired (McNemar) comparison of models that rarely disagree needs far fewer "
    "examples than two independent sets: the well-known \"10,000 examples detect 0.1%\" "
    "holds only for paired comparisons of models that disagree rarely."
)


@dataclass(frozen=True)
class DetectSize:
    """Examples needed to detect an error difference ``delta`` (paired or per set unpaired)."""

    n: int
    method: str  # "mcnemar" (paired, same dev set) or "two_proportion" (per set, unpaired)
    error: float
    delta: float
    disagreement: float | None
    alpha: float
    power: float
    unpaired_n: int
    explanation: str
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"n": self.n, "method": self.method}


def detect_size(
    error: float | str,
    delta: float | str,
    disagreement: float | str | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
) -> DetectSize:
    """Examples needed to detect error vs error − delta, two-sided alpha, given power (4.6).

    With the disagreement rate ψ (paired, McNemar):
    n = (z₁₋α/₂·√ψ + z_power·√(ψ − Δ²))² / Δ²   (Δ 0.1%, ψ 0.1% → about 7,850).
    Without ψ, the unpaired two-proportion size per set for p1 = error, p2 = error − Δ:
    n = (z₁₋α/₂·√(2·p̄q̄) + z_power·√(p1q1 + p2q2))² / Δ²   (10% vs 9.9% → about 1.4 million).
    Both are rounded up.
    """
    p1 = parse_rate(error, what="error")
    d = parse_rate(delta, what="difference to detect")
    _check_detect_inputs(p1, d, alpha, power)
    z_alpha = z_quantile(1 - alpha / 2)
    z_power = z_quantile(power)
    unpaired = _two_proportion_size(p1, p1 - d, z_alpha, z_power)

    if disagreement is None:
        reasons = (
            f"Two independent sets need {unpaired:,} examples each to detect "
            f"{format_pct(p1, 2)} vs {format_pct(p1 - d, 2)} (α {alpha:g} two-sided, "
            f"power {power:.0%}).",
            "If both models are scored on the same dev set, give the share of examples "
            "where they answer differently for the much smaller paired size.",
        )
        return DetectSize(
            unpaired, "two_proportion", p1, d, None, alpha, power, unpaired,
            PAIRED_VS_UNPAIRED, reasons,
        )

    psi = parse_rate(disagreement, what="disagreement rate")
    _check_disagreement(psi, p1, d)
    spread = z_alpha * math.sqrt(psi) + z_power * math.sqrt(max(0.0, psi - d * d))
    paired = math.ceil(_clean(spread**2 / (d * d)))
    reasons = (
        f"On the same dev set, with the models disagreeing on {format_pct(psi, 2)} of "
        f"examples, {paired:,} examples detect a difference of {format_points(d, 2)} "
        f"(McNemar, α {alpha:g} two-sided, power {power:.0%}).",
        f"Two independent sets would need {unpaired:,} examples each.",
    )
    return DetectSize(
        paired, "mcnemar", p1, d, psi, alpha, power, unpaired, PAIRED_VS_UNPAIRED, reasons
    )


def _check_detect_inputs(p1: float, d: float, alpha: float, power: float) -> None:
    """Alpha and power are probabilities; the difference is positive and at most the error."""
    if not 0 < alpha < 1:
        raise InputError(f"alpha {alpha} must be between 0 and 1 (e.g. 0.05)")
    if not 0 < power < 1:
        raise InputError(f"power {power} must be between 0 and 1 (e.g. 0.8)")
    if d <= 0:
        raise InputError("the difference to detect must be larger than 0")
    if p1 - d < 0:
        raise InputError(
            f"the difference {format_pct(d, 2)} is larger than the error {format_pct(p1, 2)}: "
            "the better model's error would be below 0"
        )


def _check_disagreement(psi: float, p1: float, d: float) -> None:
    """A disagreement rate fits the two errors: at least their difference, at most their sum."""
    if psi < d - 1e-12:  # 0.05 − 0.049 is a hair above 0.001 in floats
        raise InputError(
            f"the disagreement rate {format_pct(psi, 2)} is smaller than the difference "
            f"{format_pct(d, 2)}: two models can only differ in error on examples where "
            "they answer differently, so the disagreement rate is at least the difference"
        )
    if psi > 2 * p1 - d + 1e-12:
        raise InputError(
            f"the disagreement rate {format_pct(psi, 2)} is larger than the two error rates "
            f"together ({format_pct(2 * p1 - d, 2)}): on every disagreement one of the "
            "models is wrong"
        )


@dataclass(frozen=True)
class SeparationCheck:
    """Whether a dev set of n_dev examples can tell two runs' errors apart."""

    error_a: float
    error_b: float
    n_dev: int
    delta: float
    n_needed: int | None
    method: str | None
    can_separate: bool
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "n_dev": self.n_dev,
            "delta": self.delta,
            "n_needed": self.n_needed,
            "method": self.method,
            "can_separate": self.can_separate,
        }


def dev_set_can_separate(
    error_a: float | str,
    error_b: float | str,
    n_dev: int,
    disagreement: float | str | None = None,
) -> SeparationCheck:
    """Is the dev set big enough to tell the two best runs apart? n_dev ≥ detect_size (4.6).

    Uses Δ = |error_a − error_b| against the higher error, McNemar when the disagreement
    rate is known, else the unpaired size. Equal errors can never be separated.
    """
    a = parse_rate(error_a, what="first error")
    b = parse_rate(error_b, what="second error")
    size = _count(n_dev, what="dev set size")
    delta = round(abs(a - b), 12)  # 0.1 − 0.099 is 0.0010000000000000009 in floats
    if delta == 0:
        return SeparationCheck(
            a, b, size, 0.0, None, None, False,
            (f"Both runs have a dev error of {format_pct(a, 2)}: no dev set size can tell "
             "them apart on this metric.",),
        )
    need = detect_size(max(a, b), delta, disagreement)
    ok = size >= need.n
    kind = "paired, McNemar" if need.method == "mcnemar" else "unpaired"
    verdict = (
        f"The dev set of {size:,} examples is big enough to tell the two runs apart"
        if ok
        else f"The dev set of {size:,} examples is too small to tell the two runs apart"
    )
    reasons = (
        f"{verdict}: a difference of {format_points(delta, 2)} needs {need.n:,} examples "
        f"({kind}, α 0.05, power 80%).",
    )
    if not ok:
        reasons += (
            "Treat the two runs as equally good on dev, or grow the dev set before "
            "choosing between them.",
        )
    return SeparationCheck(a, b, size, delta, need.n, need.method, ok, reasons)


def smallest_detectable_difference(
    error: float | str,
    n: int,
    disagreement: float | str | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
) -> float | None:
    """The smallest Δ that n examples detect: detect_size solved for Δ (4.6).

    Unpaired: error vs error − Δ. Paired: with the disagreement rate ψ, Δ ≤ ψ. None when
    even the largest possible difference needs more than n examples.
    """
    p1 = parse_rate(error, what="error")
    size = _count(n, what="set size")
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise InputError("alpha and power must be between 0 and 1")
    z_alpha = z_quantile(1 - alpha / 2)
    z_power = z_quantile(power)
    if disagreement is None:
        upper = p1

        def needed(d: float) -> float:
            p2 = p1 - d
            p_bar = (p1 + p2) / 2
            spread = z_alpha * math.sqrt(2 * p_bar * (1 - p_bar)) + z_power * math.sqrt(
                p1 * (1 - p1) + p2 * (1 - p2))
            return spread**2 / (d * d)
    else:
        psi = parse_rate(disagreement, what="disagreement rate")
        upper = min(psi, 2 * p1 - psi) if psi <= 2 * p1 else 0.0

        def needed(d: float) -> float:
            spread = z_alpha * math.sqrt(psi) + z_power * math.sqrt(max(0.0, psi - d * d))
            return spread**2 / (d * d)

    if size == 0 or upper <= 0 or needed(upper) > size:
        return None
    lower = upper * 1e-9
    if needed(lower) <= size:
        return lower
    return float(brentq(lambda d: needed(d) - size, lower, upper, xtol=1e-15, rtol=1e-12))


def _two_proportion_size(p1: float, p2: float, z_alpha: float, z_power: float) -> int:
    p_bar = (p1 + p2) / 2
    spread = z_alpha * math.sqrt(2 * p_bar * (1 - p_bar)) + z_power * math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2)
    )
    return math.ceil(_clean(spread**2 / (p1 - p2) ** 2))
