"""Dev/test set sizing and splits (SPEC 4.6).

How precise an error rate is on n examples, how many examples it takes to tell two
models apart, how big the eyeball set should be, how to split a data set, and how to
split when the training data comes from other sources than the data the product sees.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from scipy.optimize import brentq
from scipy.stats import chi2_contingency

from strategy_core.counts import whole_count
from strategy_core.errors import InputError
from strategy_core.rates import format_pct, format_points, parse_rate
from strategy_core.runs import Run
from strategy_core.stats import wilson_interval, z_quantile

if TYPE_CHECKING:
    from strategy_core.store import Store

# Rule of thumb (4.6): dev and test each get 20% of the data, never more than 10,000.
SPLIT_SHARE = 0.2
SPLIT_CAP = 10_000
# Mismatched sources (4.6): a quarter of the target data each to dev and to test.
TARGET_SHARE_DENOMINATOR = 4

PAIRED_VS_UNPAIRED = (
    "On the same dev set only the examples where the two models disagree carry evidence, "
    "so a paired (McNemar) comparison of models that rarely disagree needs far fewer "
    "examples than two independent sets: the well-known \"10,000 examples detect 0.1%\" "
    "holds only for paired comparisons of models that disagree rarely."
)

# Each calculator's rule in one line (KaTeX), shown next to its inputs.
FORMULAS: dict[str, str] = {
    "interval": (
        r"\text{Wilson: }\ \frac{\hat p + \frac{z^2}{2n} \pm z\sqrt{\frac{\hat p(1-\hat p)}{n}"
        r" + \frac{z^2}{4n^2}}}{1 + \frac{z^2}{n}},\quad z = z_{(1+c)/2}"
    ),
    "mcnemar": (
        r"n = \frac{\left(z_{1-\alpha/2}\sqrt{\psi} + z_{\text{power}}\sqrt{\psi - \Delta^2}"
        r"\right)^2}{\Delta^2}\quad\text{(paired, McNemar)}"
    ),
    "two_proportion": (
        r"n = \frac{\left(z_{1-\alpha/2}\sqrt{2\bar p(1-\bar p)} + z_{\text{power}}"
        r"\sqrt{p_1(1-p_1) + p_2(1-p_2)}\right)^2}{\Delta^2}\ \text{per set},"
        r"\quad p_2 = p_1 - \Delta"
    ),
    "eyeball": r"n = \left\lceil m \,/\, E \right\rceil",
    "split": (
        r"\text{dev} = \text{test} = \min(\lfloor 0.2\,N \rfloor,\ 10{,}000),\quad"
        r" \text{train} = N - \text{dev} - \text{test}"
    ),
    "plan": (
        r"\text{dev} = \text{test} = \min(\lfloor T/4 \rfloor,\ 10{,}000)\ \text{from target }T,"
        r"\quad \beta = \frac{\text{target examples in training}}"
        r"{\text{other examples in training}}"
    ),
    "chi_square": (
        r"\chi^2 = \sum \frac{(O - E)^2}{E}\ \text{over the } 2 \times k"
        r" \text{ table of dev and test counts by source},\ \text{df} = k - 1"
    ),
}

# Calculator defaults when the project has no run with a dev error and size yet.
EXAMPLE_ERROR = 0.05
EXAMPLE_DEV_SIZE = 10_000


# --- intervals -----------------------------------------------------------------------------


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


# --- size to detect a difference -------------------------------------------------------------


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


# --- eyeball set and split ratios ----------------------------------------------------------


def eyeball_size(error: float | str, mistakes: int = 100) -> int:
    """Eyeball dev set size to see ``mistakes`` errors at error rate E: ceil(m / E) (4.4, 4.6).

    100 mistakes at 5% error → 2,000 examples.
    """
    rate = parse_rate(error, what="error")
    m = _count(mistakes, what="number of mistakes to look at")
    if rate == 0:
        raise InputError("with 0% error there are no mistakes to look at")
    if m == 0:
        raise InputError("the number of mistakes to look at must be at least 1")
    return math.ceil(_clean(m / rate))


def eyeball_advice(error: float | str, mistakes: int, n_dev: int) -> str | None:
    """When the whole dev set is smaller than the eyeball size (4.4, 4.6): say so."""
    needed = eyeball_size(error, mistakes)
    size = _count(n_dev, what="dev set size")
    if size >= needed:
        return None
    rate = parse_rate(error, what="error")
    return (f"The dev set has only {size:,} examples, about {math.floor(size * rate + 1e-9):,} "
            f"mistakes at {format_pct(rate)} error: review all of them and grow the dev set "
            "before splitting off an eyeball set.")


@dataclass(frozen=True)
class SplitSizes:
    """Train/dev/test counts for N examples; they always add up to N."""

    examples: int
    train: int
    dev: int
    test: int
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"train": self.train, "dev": self.dev, "test": self.test}


def split_sizes(examples: int) -> SplitSizes:
    """Rule of thumb: dev = test = min(floor(0.2·N), 10,000), the rest train (4.6).

    10,000 → 6,000/2,000/2,000; 1,000,000 → 980,000/10,000/10,000.
    """
    n = _count(examples, what="number of examples")
    share = math.floor(n * SPLIT_SHARE)
    held_out = min(share, SPLIT_CAP)
    train = n - 2 * held_out
    if share > SPLIT_CAP:
        why = (
            f"With {n:,} examples, 10,000 each for dev and test is enough to compare models "
            f"({_pct_of(held_out, n)} each), so the rest goes to training."
        )
    else:
        why = f"With {n:,} examples, dev and test each get 20% and training gets the rest."
    reasons = (why, f"Train {train:,} / dev {held_out:,} / test {held_out:,}.")
    return SplitSizes(n, train, held_out, held_out, reasons)


# --- mismatched sources ----------------------------------------------------------------------


@dataclass(frozen=True)
class SplitPlan:
    """Split of several sources when the product sees only the target source (4.6).

    Every per-source mapping lists every source (0 where a source contributes nothing),
    so train + train_dev + dev + test equals each source's count.
    """

    target: str
    train: dict[str, int]
    train_dev: dict[str, int]
    dev: dict[str, int]
    test: dict[str, int]
    training_pool: dict[str, int]
    shuffle_target_share: float
    shuffle_dev: dict[str, int]
    beta: float | None
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "train": dict(self.train),
            "train_dev": dict(self.train_dev),
            "dev": dict(self.dev),
            "test": dict(self.test),
            "shuffle_target_share": self.shuffle_target_share,
            "beta": self.beta,
        }

    @property
    def verdict(self) -> str:
        """The plan in one sentence, for the decision log."""
        target = _short(self.target)
        pool = sum(self.training_pool.values())
        train_dev = sum(self.train_dev.values())
        beta = "" if self.beta is None else f"; weight the other sources' loss by β = " \
            f"{self.beta:.4g}"
        return (f"Dev {self.dev[self.target]:,} and test {self.test[self.target]:,} only from "
                f"'{target}'; the other {pool:,} examples of all sources train, {train_dev:,} "
                f"of them held out as train-dev{beta}.")


def plan_split(
    sources: Mapping[str, int], target: str, dev: int | None = None, test: int | None = None
) -> SplitPlan:
    """Dev and test only from the target; the rest of the target trains with the others (4.6).

    Default dev = test = min(floor(target / 4), 10,000). A training-dev set of dev's size
    is carved from the training pool in proportion to each source (largest remainder, so
    integers add up). Example: 200,000 web + 10,000 mobile → pool 200,000 web + 5,000
    mobile, dev 2,500 mobile, test 2,500 mobile, train-dev 2,439 web + 61 mobile;
    a plain shuffle puts 4.8% mobile in dev; β = 5,000 / 200,000 = 1/40.
    """
    if not sources:
        raise InputError("give at least one source and its number of examples")
    counts = {str(name): _count(n, what=f"count for source '{name}'") for name, n in
              sources.items()}
    if target not in counts:
        raise InputError(
            f"target '{target}' is not one of the sources ({', '.join(counts)}): dev and test "
            "must come from the data the product will see"
        )
    target_count = counts[target]
    if target_count == 0:
        raise InputError(f"the target source '{target}' has no examples to build dev/test from")
    default = min(target_count // TARGET_SHARE_DENOMINATOR, SPLIT_CAP)
    dev_n = default if dev is None else _count(dev, what="dev set size")
    test_n = default if test is None else _count(test, what="test set size")
    if dev_n + test_n > target_count:
        raise InputError(
            f"dev ({dev_n:,}) + test ({test_n:,}) is more than the {target_count:,} "
            f"'{target}' examples they must come from"
        )

    pool = {name: (n - dev_n - test_n if name == target else n) for name, n in counts.items()}
    pool_total = sum(pool.values())
    train_dev_n = min(dev_n, pool_total)
    train_dev = _apportion(train_dev_n, pool)
    train = {name: pool[name] - train_dev[name] for name in counts}
    dev_split = {name: (dev_n if name == target else 0) for name in counts}
    test_split = {name: (test_n if name == target else 0) for name in counts}

    total = sum(counts.values())
    share = target_count / total
    shuffle_dev = _apportion(dev_n, counts)
    others = pool_total - pool[target]
    beta = pool[target] / others if others > 0 else None

    reasons = [
        f"Dev ({dev_n:,}) and test ({test_n:,}) come only from '{target}', the data the "
        "product will see, so the team aims at the right target.",
        f"The other {pool[target]:,} '{target}' examples join the training pool with every "
        f"other source ({pool_total:,} examples).",
    ]
    if train_dev_n:
        carved = ", ".join(f"{n:,} {name}" for name, n in train_dev.items() if n)
        reasons.append(
            f"A training-dev set of {train_dev_n:,} ({carved}) is held out of the training "
            "pool to tell variance from data mismatch."
        )
    if train_dev_n < dev_n:
        reasons.append(
            f"The training pool has only {pool_total:,} examples, so the training-dev set is "
            f"smaller than dev and nothing is left to train on."
        )
    if dev_n == 0 or test_n == 0:
        reasons.append(
            f"'{target}' has too few examples for a useful dev and test set: collect more "
            "data from the target distribution."
        )
    if len(counts) > 1:
        from_others = dev_n - shuffle_dev[target]
        reasons.append(
            f"A plain shuffle would put only {format_pct(share)} '{target}' in dev/test: "
            f"about {from_others:,} of {dev_n:,} dev examples would come from other sources."
        )
    if beta == 0:
        reasons.append(
            f"No '{target}' examples are left for training: the model learns the target "
            "distribution only from dev/test feedback, so collect more target data."
        )
    elif beta is not None:
        reasons.append(
            f"To balance '{target}' against the other sources in training, weight the other "
            f"sources' loss by β = {pool[target]:,} / {others:,} = {beta:.4g}"
            f"{_simple_fraction(pool[target], others)}."
        )
    return SplitPlan(
        target=target,
        train=train,
        train_dev=train_dev,
        dev=dev_split,
        test=test_split,
        training_pool=pool,
        shuffle_target_share=share,
        shuffle_dev=shuffle_dev,
        beta=beta,
        reasons=tuple(reasons),
    )


# --- dev and test from the same distribution ------------------------------------------------


@dataclass(frozen=True)
class DistributionCheck:
    """Chi-square test that dev and test have the same mix of sources."""

    p_value: float
    same_distribution: bool
    alpha: float
    statistic: float
    dev_share: dict[str, float]
    test_share: dict[str, float]
    warning: str | None
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"p_value": self.p_value, "same_distribution": self.same_distribution}


def compare_distributions(
    dev_counts: Mapping[str, int], test_counts: Mapping[str, int], alpha: float = 0.05
) -> DistributionCheck:
    """Do dev and test come from the same distribution? Chi-square on the 2×k table (4.6).

    Sources missing on one side count 0; sources with 0 on both sides are dropped; with a
    single source left p = 1.0. Uses scipy's default (Yates' correction when k = 2).
    """
    if not 0 < alpha < 1:
        raise InputError(f"alpha {alpha} must be between 0 and 1 (e.g. 0.05)")
    dev = {str(k): _count(v, what=f"dev count for '{k}'") for k, v in dev_counts.items()}
    test = {str(k): _count(v, what=f"test count for '{k}'") for k, v in test_counts.items()}
    names = [n for n in dict.fromkeys([*dev, *test]) if dev.get(n, 0) + test.get(n, 0) > 0]
    dev_total = sum(dev.get(n, 0) for n in names)
    test_total = sum(test.get(n, 0) for n in names)
    if dev_total == 0 or test_total == 0:
        raise InputError("both dev and test need at least one example to compare their sources")
    dev_share = {n: dev.get(n, 0) / dev_total for n in names}
    test_share = {n: test.get(n, 0) / test_total for n in names}

    if len(names) < 2:
        statistic, p_value = 0.0, 1.0
    else:
        table = [[dev.get(n, 0) for n in names], [test.get(n, 0) for n in names]]
        result = chi2_contingency(table)
        statistic, p_value = float(result.statistic), float(result.pvalue)
    same = p_value >= alpha
    mix = "; ".join(
        f"{n}: dev {format_pct(dev_share[n])}, test {format_pct(test_share[n])}" for n in names
    )
    reasons = [f"Source mix: {mix}."]
    warning = None
    if same:
        reasons.append(
            f"No evidence that dev and test differ (chi-square p = {p_value:.3g} ≥ {alpha:g})."
        )
    else:
        warning = (
            "Dev and test come from different distributions: a model tuned on dev may "
            "disappoint on test, so draw both from the same data, e.g. shuffle them "
            "together and split again."
        )
        reasons.append(
            f"Dev and test differ in their source mix (chi-square p = {p_value:.3g} < "
            f"{alpha:g})."
        )
        reasons.append(warning)
    return DistributionCheck(
        p_value, same, alpha, statistic, dev_share, test_share, warning, tuple(reasons)
    )


# --- the planner's inputs, kept per project ---------------------------------------------------

PLAN_SETTING = "sizing.split_plan"
MAX_SOURCE_NAME = 80


@dataclass(frozen=True)
class PlanInputs:
    """What the team typed into the split planner: sources with counts, the target, and
    optional dev/test sizes (None: the 4.6 default)."""

    sources: tuple[tuple[str, int], ...]
    target: str
    dev: int | None = None
    test: int | None = None

    def source_counts(self) -> dict[str, int]:
        return dict(self.sources)

    def as_setting(self) -> dict[str, Any]:
        return {
            "sources": [{"source": name, "count": count} for name, count in self.sources],
            "target": self.target,
            "dev": self.dev,
            "test": self.test,
        }


# The SPEC 4.6 example: 200,000 web images and 10,000 phone images, the product sees phones.
EXAMPLE_PLAN = PlanInputs((("web", 200_000), ("mobile", 10_000)), "mobile")


def plan_inputs(value: object) -> PlanInputs:
    """A saved planner setting back into PlanInputs; InputError when it is malformed."""
    if not isinstance(value, Mapping) or not isinstance(value.get("sources"), list):
        raise InputError("the saved split plan is not in the expected form")
    rows = [row for row in value["sources"] if isinstance(row, Mapping)]
    counts = source_counts_from_rows(rows, ("count",))["count"]
    target = value.get("target")
    if not isinstance(target, str) or target not in counts:
        raise InputError("the saved split plan's target is not one of its sources")
    sizes = [None if value.get(k) is None else _count(value.get(k), what=f"saved {k} size")
             for k in ("dev", "test")]
    return PlanInputs(tuple(counts.items()), target, sizes[0], sizes[1])


def source_counts_from_rows(
    rows: Iterable[Mapping[str, object]], columns: Sequence[str]
) -> dict[str, dict[str, int]]:
    """Rows of a table (``source`` plus one count per column) into {column: {source: n}}.

    Blank rows are skipped and a blank count is 0; a count without a source name, a
    repeated source, or a count that is not a whole number is an InputError naming the row.
    """
    out: dict[str, dict[str, int]] = {column: {} for column in columns}
    for number, row in enumerate(rows, start=1):
        raw_name = row.get("source")
        name = "" if _blank(raw_name) else " ".join(str(raw_name).split())
        values = {column: row.get(column) for column in columns}
        if not name:
            if all(_blank(v) for v in values.values()):
                continue
            raise InputError("a count needs a source name", row=number, column="source")
        if len(name) > MAX_SOURCE_NAME:
            raise InputError(f"a source name has at most {MAX_SOURCE_NAME} characters",
                             row=number, column="source")
        if name in out[columns[0]]:
            raise InputError(f"source '{name}' is listed twice", row=number, column="source")
        for column, raw in values.items():
            if _blank(raw):
                out[column][name] = 0
                continue
            try:
                out[column][name] = _count(raw, what=f"{column} for '{name}'")
            except InputError as exc:
                raise InputError(exc.problem, row=number, column=column) from None
    return out


# --- the project's runs: defaults and the two best runs ---------------------------------------


@dataclass(frozen=True)
class CalculatorDefaults:
    """What the calculators start from: the newest run's dev error and dev size."""

    error: float
    n_dev: int
    run_name: str | None  # None: no run had a dev error, the example values are used
    n_dev_known: bool
    n_total: int | None  # the newest run's train + train-dev + dev + test, when known


def calculator_defaults(runs: Sequence[Run]) -> CalculatorDefaults:
    """The newest run with a dev error (runs are oldest first); its dev size when known,
    else the newest dev size any run recorded; the 5% / 10,000 example otherwise."""
    with_error = [run for run in runs if run.dev_error is not None]
    sizes = [run.n_dev for run in runs if run.n_dev]
    newest = with_error[-1] if with_error else (runs[-1] if runs else None)
    totals = [n for n in (newest.n_train, newest.n_train_dev, newest.n_dev, newest.n_test)
              if n] if newest is not None else []
    n_dev = (newest.n_dev if newest is not None else None) or (sizes[-1] if sizes else None)
    return CalculatorDefaults(
        EXAMPLE_ERROR if not with_error else float(newest.dev_error),  # type: ignore[union-attr]
        n_dev or EXAMPLE_DEV_SIZE,
        newest.name if with_error else None,  # type: ignore[union-attr]
        n_dev is not None,
        sum(totals) or None,
    )


def runs_by_dev_error(runs: Sequence[Run]) -> list[Run]:
    """Runs with a dev error, best (lowest) first; on a tie the newer run comes first."""
    indexed = [(i, run) for i, run in enumerate(runs) if run.dev_error is not None]
    return [run for _, run in sorted(indexed, key=lambda item: (item[1].dev_error, -item[0]))]


class DisagreementCounts(Protocol):
    """Two runs' per-example predictions on the same dev examples (store.predictions)."""

    n_common: int
    disagree: int
    rate: float | None
    errors_a: int
    errors_b: int


@dataclass(frozen=True)
class RunComparison:
    """Can the dev set tell two runs apart? The separation check with the runs named."""

    run_a: str
    run_b: str
    error_a: float
    error_b: float
    n_dev: int
    disagreement: float | None
    basis: str  # "predictions" (paired counts from uploads) or "runs" (the runs' dev errors)
    check: SeparationCheck
    unpaired_needed: int | None  # what two independent sets would need, for comparison
    verdict: str
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "run_a": self.run_a,
            "run_b": self.run_b,
            "error_a": self.error_a,
            "error_b": self.error_b,
            "disagreement": self.disagreement,
            "basis": self.basis,
            **self.check.as_dict(),
        }


def compare_runs(
    run_a: Run,
    run_b: Run,
    *,
    predictions: DisagreementCounts | None = None,
    disagreement: float | str | None = None,
    n_dev: int | None = None,
) -> RunComparison:
    """Is the dev set big enough to tell run_a from run_b? (4.6, via dev_set_can_separate)

    With per-example predictions on common dev examples, the errors, the set size and the
    disagreement rate ψ (examples exactly one run gets wrong: McNemar's discordant pairs)
    all come from them. Otherwise the runs' dev errors are used with the given dev size
    (default: the smaller recorded one) and ψ when given, else the unpaired size.
    """
    if predictions is not None and predictions.n_common > 0:
        n = int(predictions.n_common)
        a, b = predictions.errors_a / n, predictions.errors_b / n
        psi: float | None = predictions.disagree / n
        basis = "predictions"
        first = (
            f"From the uploaded predictions: on the {n:,} dev examples both runs answered, "
            f"{_short(run_a.name)} is wrong on {predictions.errors_a:,} ({format_pct(a, 2)}), "
            f"{_short(run_b.name)} on {predictions.errors_b:,} ({format_pct(b, 2)}), and exactly "
            f"one of them is wrong on {predictions.disagree:,} (ψ = {format_pct(psi, 2)})."
        )
    else:
        for run in (run_a, run_b):
            if run.dev_error is None:
                raise InputError(f"run '{run.name}' has no dev error")
        a, b = float(run_a.dev_error), float(run_b.dev_error)  # type: ignore[arg-type]
        if n_dev is None:
            known = [run.n_dev for run in (run_a, run_b) if run.n_dev]
            if not known:
                raise InputError("the dev set size of these runs is not known: enter it")
            n_dev = min(known)
        n = _count(n_dev, what="dev set size")
        psi = None if disagreement is None else parse_rate(disagreement,
                                                           what="disagreement rate")
        basis = "runs"
        first = (
            f"{_short(run_a.name)} has a dev error of {format_pct(a, 2)} and "
            f"{_short(run_b.name)} {format_pct(b, 2)}, on {n:,} dev examples"
            + (f"; they answer differently on {format_pct(psi, 2)} of them." if psi is not None
               else "; how often they disagree is not known, so the unpaired size is used.")
        )
    if n == 0:
        raise InputError("the dev set size must be at least 1")
    check = dev_set_can_separate(a, b, n, psi)
    unpaired = None if check.n_needed is None else (
        check.n_needed if check.method == "two_proportion"
        else detect_size(max(a, b), check.delta).n)
    names = f"{_short(run_a.name)} ({format_pct(a)}) vs {_short(run_b.name)} ({format_pct(b)})"
    if check.n_needed is None:
        verdict = f"{names}: same dev error, no dev set size can tell them apart."
    elif check.can_separate:
        verdict = (f"{names}: the {n:,}-example dev set is big enough to tell them apart "
                   f"(needs {check.n_needed:,}).")
    else:
        verdict = (f"{names}: the {n:,}-example dev set is too small to tell them apart "
                   f"(needs {check.n_needed:,}).")
    return RunComparison(
        run_a.name, run_b.name, a, b, n, psi, basis, check, unpaired, verdict,
        (first, *check.reasons),
    )


def prediction_disagreement(
    store: Store, project_id: int, run_a: Run, run_b: Run
) -> DisagreementCounts | None:
    """The two runs' disagreement on common dev examples, when both have predictions."""
    repo = getattr(store, "predictions", None)
    if repo is None or run_a.key is None or run_b.key is None:
        return None
    uploaded = set(repo.runs_with_predictions(project_id))
    if run_a.key not in uploaded or run_b.key not in uploaded:
        return None
    counts = repo.disagreement(project_id, run_a.key, run_b.key, "dev")
    return counts if counts.n_common > 0 else None


def overview_line(store: Store, project_id: int) -> str | None:
    """A line for the overview when the dev set is too small to separate the project's two
    best runs (lowest dev error; paired when both have predictions), else None (4.6).

    Plain text holding run names: escape it before putting it into Markdown.
    """
    ranked = runs_by_dev_error(store.runs.list(project_id))
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


# --- private ---------------------------------------------------------------------------


def _two_proportion_size(p1: float, p2: float, z_alpha: float, z_power: float) -> int:
    p_bar = (p1 + p2) / 2
    spread = z_alpha * math.sqrt(2 * p_bar * (1 - p_bar)) + z_power * math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2)
    )
    return math.ceil(_clean(spread**2 / (p1 - p2) ** 2))


def _apportion(total: int, weights: Mapping[str, int]) -> dict[str, int]:
    """Split ``total`` in proportion to integer weights; largest remainders get the rest.

    Exact integer arithmetic; equal remainders go to the source listed first.
    """
    weight_sum = sum(weights.values())
    if weight_sum == 0:
        return {name: 0 for name in weights}
    shares = {name: divmod(total * w, weight_sum) for name, w in weights.items()}
    result = {name: whole for name, (whole, _) in shares.items()}
    left = total - sum(result.values())
    by_remainder = sorted(shares, key=lambda name: -shares[name][1])
    for name in by_remainder[:left]:
        result[name] += 1
    return result


def _count(value: object, *, what: str) -> int:
    """A non-negative whole number (whole-valued floats from CSVs are accepted)."""
    return whole_count(value, what)


def _clean(value: float) -> float:
    """Drop float noise before rounding up (100 / 0.05 must give 2,000, not 2,001)."""
    return round(value, 9)


def _blank(value: object) -> bool:
    """None, NaN, pandas' NA or blank text: an empty cell of an edited table."""
    if isinstance(value, str):
        return not value.strip()
    if value is None:
        return True
    import pandas as pd

    return bool(pd.api.types.is_scalar(value) and pd.isna(value))


def _simple_fraction(numerator: int, denominator: int) -> str:
    """' (1/40)' when the ratio is a fraction a person would write, else ''."""
    ratio = Fraction(numerator, denominator)
    if ratio.denominator == 1 or ratio.denominator > 1000 or ratio.numerator > 100:
        return ""
    return f" ({ratio.numerator}/{ratio.denominator})"


def _short(name: str, limit: int = 40) -> str:
    """A run name short enough for a one-line verdict."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _pct_of(part: int, whole: int) -> str:
    return format_pct(part / whole) if whole else "0%"
