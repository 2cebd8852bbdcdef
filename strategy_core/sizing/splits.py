"""How big the eyeball set should be and how to split a data set (docs/rules.md §4, §6): the rule
of thumb for train/dev/test, and the split when the training data comes from other
sources than the data the product sees."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from strategy_core.errors import InputError
from strategy_core.rates import format_pct, parse_rate
from strategy_core.sizing.common import _clean, _count, _short

# Rule of thumb (4.6): dev and test each get 20% of the data, never more than 10,000.
SPLIT_SHARE = 0.2
SPLIT_CAP = 10_000
# Mismatched sources (4.6): a quarter of the target data each to dev and to test.
TARGET_SHARE_DENOMINATOR = 4


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
    counts, dev_n, test_n = _plan_sizes(sources, target, dev, test)
    pool = {name: (n - dev_n - test_n if name == target else n) for name, n in counts.items()}
    pool_total = sum(pool.values())
    train_dev_n = min(dev_n, pool_total)
    train_dev = _apportion(train_dev_n, pool)
    train = {name: pool[name] - train_dev[name] for name in counts}
    dev_split = {name: (dev_n if name == target else 0) for name in counts}
    test_split = {name: (test_n if name == target else 0) for name in counts}

    total = sum(counts.values())
    share = counts[target] / total
    shuffle_dev = _apportion(dev_n, counts)
    others = pool_total - pool[target]
    beta = pool[target] / others if others > 0 else None
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
        reasons=_plan_reasons(target, dev_n, test_n, pool, train_dev, shuffle_dev, share, beta),
    )


def _plan_sizes(
    sources: Mapping[str, int], target: str, dev: int | None, test: int | None
) -> tuple[dict[str, int], int, int]:
    """Each source's count, and the dev and test sizes: given, or the 4.6 default."""
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
    return counts, dev_n, test_n


def _plan_reasons(
    target: str,
    dev_n: int,
    test_n: int,
    pool: Mapping[str, int],
    train_dev: Mapping[str, int],
    shuffle_dev: Mapping[str, int],
    share: float,
    beta: float | None,
) -> tuple[str, ...]:
    """Why the plan looks as it does: where dev/test come from, the training-dev set, what a
    plain shuffle would do, and how to weight the sources in training."""
    pool_total = sum(pool.values())
    train_dev_n = sum(train_dev.values())
    others = pool_total - pool[target]
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
    if len(pool) > 1:
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
    return tuple(reasons)


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


def _simple_fraction(numerator: int, denominator: int) -> str:
    """' (1/40)' when the ratio is a fraction a person would write, else ''."""
    ratio = Fraction(numerator, denominator)
    if ratio.denominator == 1 or ratio.denominator > 1000 or ratio.numerator > 100:
        return ""
    return f" ({ratio.numerator}/{ratio.denominator})"


def _pct_of(part: int, whole: int) -> str:
    return format_pct(part / whole) if whole else "0%"
