"""Sizing for a metric that is a mean of per-example values (docs/rules.md §17): a loss, an
absolute error in years, a WER per utterance. Everything follows from σ, the standard
deviation of the per-example values (measured, or entered by the team), through the normal
approximation of a mean:

- the half-width of the mean's interval on n examples, z·σ/√n, and the n for a target
  half-width;
- the smallest difference between two models that n examples each detect, and the n that
  detects a difference δ: unpaired (two independent sets) 2·(z₁₋α/₂ + z_power)²·σ²/δ²
  per model; paired (both models scored on the same examples, σ_d the standard deviation
  of the per-example differences) (z₁₋α/₂ + z_power)²·σ_d²/δ².

Numbers are in the metric's own units; sentences read them through the `ProjectMetric`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from strategy_core.errors import InputError
from strategy_core.sizing.common import _clean
from strategy_core.stats import z_quantile
from strategy_core.values.counts import whole_count
from strategy_core.values.project_metric import ProjectMetric

# Each calculator's rule in one line (KaTeX), shown next to its inputs.
MEAN_FORMULAS: dict[str, str] = {
    "half_width": r"h = z_{(1+c)/2}\,\frac{\sigma}{\sqrt{n}},\qquad "
                  r"n = \left\lceil \left(\frac{z_{(1+c)/2}\,\sigma}{h}\right)^2 \right\rceil",
    "unpaired": r"n = \left\lceil \frac{2\,(z_{1-\alpha/2} + z_{\text{power}})^2\,\sigma^2}"
                r"{\delta^2} \right\rceil\ \text{per model (two independent sets)}",
    "paired": r"n = \left\lceil \frac{(z_{1-\alpha/2} + z_{\text{power}})^2\,\sigma_d^2}"
              r"{\delta^2} \right\rceil\ \text{(same examples, } \sigma_d \text{ of the "
              r"differences)}",
}
UNPAIRED_VS_PAIRED = (
    "Scored on the same examples, two models share each example's difficulty, so only the "
    "spread of their per-example differences (σ_d) matters: when the models err on the same "
    "examples σ_d is far below σ and the paired size is far smaller than the unpaired one."
)
MIN_EXAMPLES = 2
SIGNIFICANT = 10  # as_dict keeps this many significant digits: no float noise


def _tidy(value: float | None) -> float | None:
    """A float without its noise: 0.08800000000000001 → 0.088."""
    return None if value is None else float(f"{value:.{SIGNIFICANT}g}")


def _positive(value: Any, what: str) -> float:
    """A finite number above 0, or InputError naming `what`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"{what} must be a number, not {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise InputError(f"{what} must be a finite number, not {number}")
    if number <= 0:
        raise InputError(f"{what} must be larger than 0 (got {number:g})")
    return number


def _examples(n: Any, what: str = "the number of examples") -> int:
    return whole_count(n, what, at_least=MIN_EXAMPLES)


def _probability(value: Any, what: str, example: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < 1:
        raise InputError(f"{what} {value!r} must be between 0 and 1 (e.g. {example})")
    return float(value)


def _z_sum(alpha: float, power: float) -> float:
    """z₁₋α/₂ + z_power (2.8016 at α 0.05, power 0.8)."""
    return (z_quantile(1 - _probability(alpha, "alpha", "0.05") / 2)
            + z_quantile(_probability(power, "power", "0.8")))


def _z_confidence(confidence: float) -> float:
    return z_quantile((1 + _probability(confidence, "confidence", "0.95")) / 2)


def per_example_sd(values: Iterable[float]) -> float:
    """Sample standard deviation (ddof 1) of per-example values: σ of §17."""
    try:
        array = np.asarray(list(values), dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError("per-example values must be numbers") from exc
    if array.ndim != 1 or array.size < MIN_EXAMPLES:
        raise InputError(f"a standard deviation needs at least {MIN_EXAMPLES} per-example "
                         f"values, got {array.size}")
    if not np.isfinite(array).all():
        raise InputError("per-example values hold a value that is not a finite number "
                         "(NaN or infinite)")
    return float(np.std(array, ddof=1))


def amount_from_input(metric: ProjectMetric, value: float) -> float:
    """A spread typed in the unit the metric is read in (points for a percentage) back in
    the metric's stored units: 15 pts of WER is 0.15."""
    return value / 100 if metric.percent else value


def input_unit(metric: ProjectMetric) -> str:
    """The unit a spread of the metric is typed in: 'pts', the metric's unit, or ''."""
    return "pts" if metric.percent else metric.unit


def _digits(metric: ProjectMetric, *values: float | None) -> int:
    return metric.digits_for([v for v in values if v is not None])


# --- (a) and (b): how precise a mean is ---------------------------------------------------


@dataclass(frozen=True)
class MeanPrecision:
    """Half-width of a mean's interval on n examples, and (optionally) the n that a target
    half-width needs."""

    sd: float
    n: int
    confidence: float
    half_width: float
    target_half_width: float | None = None
    n_for_target: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"sd": _tidy(self.sd), "n": self.n, "confidence": _tidy(self.confidence),
                "half_width": _tidy(self.half_width),
                "target_half_width": _tidy(self.target_half_width),
                "n_for_target": self.n_for_target}

    def sentence(self, metric: ProjectMetric) -> str:
        d = _digits(metric, self.sd, self.half_width, self.target_half_width)
        text = (f"With a per-example standard deviation of {metric.format_gap(self.sd, d)}, "
                f"{metric.name} measured on {self.n:,} examples is known to within "
                f"±{metric.format_gap(self.half_width, d)} ({self.confidence:.0%} "
                "confidence).")
        if self.n_for_target is not None:
            text += (f" A half-width of ±{metric.format_gap(self.target_half_width, d)} "
                     f"needs {self.n_for_target:,} examples.")
        return text


def mean_half_width(sd: float, n: int, confidence: float = 0.95) -> MeanPrecision:
    """Half-width z·σ/√n of the interval of a mean of n per-example values (§17)."""
    sigma = _positive(sd, "the per-example standard deviation σ")
    size = _examples(n)
    return MeanPrecision(sigma, size, float(confidence),
                         _z_confidence(confidence) * sigma / math.sqrt(size))


def mean_size_for_half_width(sd: float, half_width: float, confidence: float = 0.95) -> int:
    """Examples for a target half-width h: ⌈(z·σ/h)²⌉, at least 2 (§17)."""
    sigma = _positive(sd, "the per-example standard deviation σ")
    target = _positive(half_width, "the target half-width")
    n = (_z_confidence(confidence) * sigma / target) ** 2
    return max(MIN_EXAMPLES, math.ceil(_clean(n)))


def mean_precision(sd: float, n: int, confidence: float = 0.95,
                   target_half_width: float | None = None) -> MeanPrecision:
    """`mean_half_width`, with the n for `target_half_width` when one is given."""
    result = mean_half_width(sd, n, confidence)
    if target_half_width is None:
        return result
    need = mean_size_for_half_width(sd, target_half_width, confidence)
    return MeanPrecision(result.sd, result.n, result.confidence, result.half_width,
                         float(target_half_width), need)


# --- (c) and (d): telling two models apart -------------------------------------------------


@dataclass(frozen=True)
class MeanDetection:
    """Telling two models apart on a mean metric: the smallest difference n examples (per
    model) detect, and, for a difference δ, the examples needed; unpaired always, paired
    when σ_d of the per-example differences is known. `method` says which one applies."""

    sd: float
    n: int
    alpha: float
    power: float
    detectable: float
    paired_sd: float | None = None
    paired_detectable: float | None = None
    delta: float | None = None
    n_needed: int | None = None
    paired_n_needed: int | None = None

    @property
    def method(self) -> str:
        """'paired' (same examples, σ_d known) or 'unpaired' (two independent sets)."""
        return "paired" if self.paired_sd is not None else "unpaired"

    @property
    def answer_n(self) -> int | None:
        """The size for δ by `method` (None without δ)."""
        return self.paired_n_needed if self.method == "paired" else self.n_needed

    def as_dict(self) -> dict[str, Any]:
        return {"method": self.method, "alpha": _tidy(self.alpha), "power": _tidy(self.power),
                "detectable": _tidy(self.detectable), "paired_sd": _tidy(self.paired_sd),
                "paired_detectable": _tidy(self.paired_detectable),
                "delta": _tidy(self.delta), "n_needed": self.n_needed,
                "paired_n_needed": self.paired_n_needed}

    def sentences(self, metric: ProjectMetric) -> tuple[str, ...]:
        d = _digits(metric, self.detectable, self.paired_detectable, self.delta)
        test = f"α {self.alpha:g} two-sided, power {self.power:.0%}"
        out = [f"On two independent sets of {self.n:,} examples each, the smallest "
               f"difference in {metric.name} that can be detected is "
               f"{metric.format_gap(self.detectable, d)} (unpaired, {test})."]
        if self.paired_detectable is not None:
            out.append(f"Scored on the same {self.n:,} examples, with the per-example "
                       f"differences spread by σ_d {metric.format_gap(self.paired_sd, d)}, "
                       f"it is {metric.format_gap(self.paired_detectable, d)} (paired).")
        if self.n_needed is not None:
            out.append(f"Detecting a difference of {metric.format_gap(self.delta, d)} needs "
                       f"{self.n_needed:,} examples per model on two independent sets "
                       "(unpaired).")
        if self.paired_n_needed is not None:
            out.append(f"On the same examples it needs {self.paired_n_needed:,} examples "
                       "(paired).")
        return tuple(out)


def detectable_difference(sd: float, n: int, alpha: float = 0.05, power: float = 0.8,
                          *, paired: bool = False) -> float:
    """The smallest δ n examples detect (§17): (z₁₋α/₂ + z_power)·σ·√(2/n) unpaired, with
    n examples per model; (z₁₋α/₂ + z_power)·σ_d/√n paired, `sd` being σ_d."""
    sigma = _positive(sd, "σ_d of the per-example differences" if paired else
                      "the per-example standard deviation σ")
    size = _examples(n)
    return _z_sum(alpha, power) * sigma * math.sqrt((1 if paired else 2) / size)


def mean_detect_size(sd: float, delta: float, alpha: float = 0.05, power: float = 0.8,
                     *, paired: bool = False) -> int:
    """Examples to detect a difference δ (§17): ⌈2·(z₁₋α/₂ + z_power)²·σ²/δ²⌉ per model
    unpaired; ⌈(z₁₋α/₂ + z_power)²·σ_d²/δ²⌉ paired, `sd` being σ_d. At least 2."""
    sigma = _positive(sd, "σ_d of the per-example differences" if paired else
                      "the per-example standard deviation σ")
    gap = _positive(delta, "the difference to detect δ")
    n = (1 if paired else 2) * _z_sum(alpha, power) ** 2 * sigma**2 / gap**2
    return max(MIN_EXAMPLES, math.ceil(_clean(n)))


def mean_detection(sd: float, n: int, *, delta: float | None = None,
                   paired_sd: float | None = None, alpha: float = 0.05,
                   power: float = 0.8) -> MeanDetection:
    """Smallest detectable difference at n and, given δ, the n needed: unpaired, and
    paired too when `paired_sd` (σ_d) is given."""
    unpaired = detectable_difference(sd, n, alpha, power)
    paired = None if paired_sd is None else detectable_difference(
        paired_sd, n, alpha, power, paired=True)
    need = None if delta is None else mean_detect_size(sd, delta, alpha, power)
    paired_need = None if delta is None or paired_sd is None else mean_detect_size(
        paired_sd, delta, alpha, power, paired=True)
    return MeanDetection(float(sd), _examples(n), float(alpha), float(power), unpaired,
                         None if paired_sd is None else float(paired_sd), paired,
                         None if delta is None else float(delta), need, paired_need)


# --- everything the page and the command line show ----------------------------------------


@dataclass(frozen=True)
class MeanMetricPlan:
    """The answers for a mean metric from one σ and n: precision and detection."""

    precision: MeanPrecision
    detection: MeanDetection

    def as_dict(self) -> dict[str, Any]:
        out = self.precision.as_dict()
        out.update(self.detection.as_dict())
        return out

    def sentences(self, metric: ProjectMetric) -> tuple[str, ...]:
        return (self.precision.sentence(metric), *self.detection.sentences(metric))


def mean_metric_plan(sd: float, n: int, *, confidence: float = 0.95,
                     target_half_width: float | None = None, delta: float | None = None,
                     paired_sd: float | None = None, alpha: float = 0.05,
                     power: float = 0.8) -> MeanMetricPlan:
    """Every mean-metric answer (§17) from σ and n: the half-width at n (and the n for a
    target half-width), the smallest detectable difference at n (and the n for δ),
    unpaired and, with σ_d, paired. The one function the page and `size mean` use."""
    return MeanMetricPlan(
        mean_precision(sd, n, confidence, target_half_width),
        mean_detection(sd, n, delta=delta, paired_sd=paired_sd, alpha=alpha, power=power))
