"""Dev/test set sizing and splits (SPEC 4.6).

How precise an error rate is on n examples, how many examples it takes to tell two
models apart, how big the eyeball set should be, how to split a data set, and how to
split when the training data comes from other sources than the data the product sees.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral

from scipy.stats import chi2_contingency

from strategy_core.errors import InputError
from strategy_core.rates import format_pct, parse_rate
from strategy_core.stats import wilson_interval, z_quantile

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
        f"examples, {paired:,} examples detect a difference of {format_pct(d, 2)} "
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
    kind = "paired (McNemar)" if need.method == "mcnemar" else "unpaired"
    verdict = (
        f"The dev set of {size:,} examples is big enough to tell the two runs apart"
        if ok
        else f"The dev set of {size:,} examples is too small to tell the two runs apart"
    )
    reasons = (
        f"{verdict}: a difference of {format_pct(delta, 2)} needs {need.n:,} examples "
        f"({kind}, α 0.05, power 80%).",
    )
    if not ok:
        reasons += (
            "Treat the two runs as equally good on dev, or grow the dev set before "
            "choosing between them.",
        )
    return SeparationCheck(a, b, size, delta, need.n, need.method, ok, reasons)


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
            "training_pool": dict(self.training_pool),
            "shuffle_target_share": self.shuffle_target_share,
            "shuffle_dev": dict(self.shuffle_dev),
            "beta": self.beta,
        }


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
            f"sources' loss by β = {pool[target]:,} / {others:,} = {beta:.4g}."
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
    if isinstance(value, bool):
        raise InputError(f"{what} must be a whole number, not {value}")
    if isinstance(value, Integral) or (isinstance(value, float) and value.is_integer()):
        number = int(value)
    else:
        raise InputError(f"{what} '{value}' must be a whole number of examples")
    if number < 0:
        raise InputError(f"{what} is {number:,}: it cannot be negative")
    return number


def _clean(value: float) -> float:
    """Drop float noise before rounding up (100 / 0.05 must give 2,000, not 2,001)."""
    return round(value, 9)


def _pct_of(part: int, whole: int) -> str:
    return format_pct(part / whole) if whole else "0%"
