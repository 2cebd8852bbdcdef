"""Dev/test sizing and splits (SPEC 4.6)."""

from __future__ import annotations

import math
import random

import pytest
from scipy.stats import chi2, norm
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_confint, proportion_effectsize

from strategy_core.errors import InputError
from strategy_core.rates import format_pct
from strategy_core.sizing import (
    compare_distributions,
    detect_size,
    dev_set_can_separate,
    error_interval,
    eyeball_size,
    half_width_curve,
    plan_split,
    split_sizes,
)

# --- intervals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "n"),
    [(0.05, 2000), (0.08, 10_000), (0.0, 500), (1.0, 50), (0.1, 1)],
    ids=["eyeball-set-5pct", "dev-10k-8pct", "zero-errors", "all-wrong", "one-example"],
)
def test_error_interval_is_wilson(error, n):
    low, high = proportion_confint(error * n, n, alpha=0.05, method="wilson")
    result = error_interval(error, n)
    assert result.low == pytest.approx(max(0.0, low), abs=1e-12)
    assert result.high == pytest.approx(min(1.0, high), abs=1e-12)
    assert result.half_width == pytest.approx((result.high - result.low) / 2, abs=1e-15)
    assert result.low - 1e-15 <= error <= result.high + 1e-15
    assert set(result.as_dict()) == {"low", "high", "half_width"}
    assert result.reasons


def test_error_interval_accepts_typed_rate_and_other_confidence():
    wide = error_interval("5%", 2000, confidence=0.99)
    narrow = error_interval(0.05, 2000, confidence=0.90)
    assert wide.high - wide.low > narrow.high - narrow.low


@pytest.mark.parametrize(
    ("error", "n"), [(0.05, 0), (0.05, -10), (0.05, 2.5), (5, 100), (0.05, True)],
    ids=["empty-set", "negative-size", "fractional-size", "bare-5-is-ambiguous", "bool-size"],
)
def test_error_interval_rejects(error, n):
    with pytest.raises(InputError):
        error_interval(error, n)


def test_half_width_curve_shrinks_like_one_over_root_n():
    curve = half_width_curve(0.05, [100, 1000, 10_000, 100_000])
    assert [n for n, _ in curve] == [100, 1000, 10_000, 100_000]
    widths = [w for _, w in curve]
    assert widths == sorted(widths, reverse=True)
    # Large n: Wilson ≈ Wald, so ten times the data gives about 1/√10 of the width.
    assert widths[3] / widths[2] == pytest.approx(1 / math.sqrt(10), rel=0.01)


# --- size to detect a difference ---------------------------------------------------------------


def paired_reference(delta, psi, alpha=0.05, power=0.8):
    """Connor's McNemar sample size, written independently of the module."""
    za, zb = norm.ppf(1 - alpha / 2), norm.ppf(power)
    return math.ceil(round((za * psi**0.5 + zb * (psi - delta**2) ** 0.5) ** 2 / delta**2, 9))


def unpaired_reference(p1, p2, alpha=0.05, power=0.8):
    za, zb = norm.ppf(1 - alpha / 2), norm.ppf(power)
    pbar = (p1 + p2) / 2
    num = za * (2 * pbar * (1 - pbar)) ** 0.5 + zb * (p1 * (1 - p1) + p2 * (1 - p2)) ** 0.5
    return math.ceil(round(num**2 / (p1 - p2) ** 2, 9))


def test_detect_size_spec_paired_example():
    result = detect_size(0.05, 0.001, disagreement=0.001)
    assert result.method == "mcnemar"
    assert result.n == 7847
    assert result.n == paired_reference(0.001, 0.001)
    assert result.n == pytest.approx(7850, rel=0.005)
    assert result.as_dict() == {"n": 7847, "method": "mcnemar"}


def test_detect_size_spec_unpaired_example():
    result = detect_size(0.10, 0.001)
    assert result.method == "two_proportion"
    assert result.n == unpaired_reference(0.10, 0.099)
    assert result.n == pytest.approx(1_400_000, rel=0.01)
    # statsmodels' arcsine (Cohen's h) approximation agrees closely.
    h = proportion_effectsize(0.10, 0.099)
    assert result.n == pytest.approx(NormalIndPower().solve_power(h, alpha=0.05, power=0.8),
                                     rel=0.001)


@pytest.mark.parametrize(
    ("error", "delta", "psi", "alpha", "power"),
    [
        (0.05, 0.001, 0.001, 0.05, 0.8),
        (0.05, 0.001, 0.01, 0.05, 0.8),
        (0.10, 0.01, 0.05, 0.05, 0.8),
        (0.10, 0.01, 0.05, 0.01, 0.9),
        (0.20, 0.05, 0.30, 0.05, 0.8),
    ],
    ids=[
        "spec-rare-disagreement",
        "more-disagreement-needs-more",
        "one-point-at-5pct-disagreement",
        "stricter-alpha-and-power",
        "large-difference",
    ],
)
def test_detect_size_paired_matches_reference(error, delta, psi, alpha, power):
    result = detect_size(error, delta, psi, alpha=alpha, power=power)
    assert result.n == paired_reference(delta, psi, alpha, power)
    assert result.unpaired_n == unpaired_reference(error, error - delta, alpha, power)


@pytest.mark.parametrize(
    ("error", "delta"),
    [(0.10, 0.001), (0.10, 0.01), (0.05, 0.02), (0.5, 0.1), (0.01, 0.01)],
    ids=["spec-10-vs-9.9", "10-vs-9", "5-vs-3", "coin-flip-vs-40", "down-to-zero-error"],
)
def test_detect_size_unpaired_matches_reference(error, delta):
    result = detect_size(error, delta)
    assert result.n == unpaired_reference(error, error - delta)
    assert result.unpaired_n == result.n


def test_detect_size_explains_paired_vs_unpaired():
    paired = detect_size(0.10, 0.001, "0.1%")
    assert "10,000 examples detect 0.1%" in paired.explanation
    assert "paired" in paired.explanation
    assert paired.explanation.count(".") <= 2  # one sentence ("0.1%" has a dot)
    assert paired.unpaired_n > 100 * paired.n


@pytest.mark.parametrize(
    ("error", "delta", "psi", "message"),
    [
        (0.05, 0.002, 0.001, "at least the difference"),
        (0.05, 0.0, None, "larger than 0"),
        (0.001, 0.002, None, "below 0"),
        (0.05, 0.001, 0.2, "larger than the two error rates"),
        ("5%", "0.1", None, "below 0"),
    ],
    ids=[
        "disagreement-below-difference",
        "zero-difference",
        "difference-above-error",
        "disagreement-above-both-errors",
        "typed-difference-above-typed-error",
    ],
)
def test_detect_size_rejects(error, delta, psi, message):
    with pytest.raises(InputError, match=message):
        detect_size(error, delta, psi)


@pytest.mark.parametrize(
    ("error_a", "error_b", "n_dev", "psi", "can_separate", "n_needed"),
    [
        (0.050, 0.049, 10_000, 0.001, True, 7847),
        (0.049, 0.050, 5_000, 0.001, False, 7847),
        (0.100, 0.099, 10_000, None, False, 1_406_515),
        (0.08, 0.08, 10_000, None, False, None),
        (0.10, 0.05, 2_000, None, True, None),
    ],
    ids=[
        "spec-10k-paired-rare-disagreement-separates",
        "5k-too-small-order-does-not-matter",
        "unpaired-needs-1.4-million",
        "equal-errors-never-separate",
        "big-gap-small-set",
    ],
)
def test_dev_set_can_separate(error_a, error_b, n_dev, psi, can_separate, n_needed):
    result = dev_set_can_separate(error_a, error_b, n_dev, psi)
    assert result.can_separate is can_separate
    if n_needed is not None:
        assert result.n_needed == n_needed
    if error_a != error_b:
        assert result.n_needed == detect_size(max(error_a, error_b), abs(error_a - error_b),
                                              psi).n
        assert result.can_separate is (n_dev >= result.n_needed)
    else:
        assert result.n_needed is None
    assert result.reasons
    assert set(result.as_dict()) == {"n_dev", "delta", "n_needed", "method", "can_separate"}


# --- eyeball set and split ratios ------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "mistakes", "size"),
    [(0.05, 100, 2000), ("5%", 100, 2000), (0.03, 100, 3334), (0.10, 50, 500), (1.0, 100, 100)],
    ids=["spec-100-mistakes-at-5pct", "typed-percent", "rounds-up", "fewer-mistakes", "all-wrong"],
)
def test_eyeball_size(error, mistakes, size):
    assert eyeball_size(error, mistakes) == size


@pytest.mark.parametrize(
    ("error", "mistakes"), [(0.0, 100), (0.05, 0), (0.05, -5), (2, 100)],
    ids=["zero-error", "zero-mistakes", "negative-mistakes", "ambiguous-rate"],
)
def test_eyeball_size_rejects(error, mistakes):
    with pytest.raises(InputError):
        eyeball_size(error, mistakes)


@pytest.mark.parametrize(
    ("examples", "train", "dev", "test"),
    [
        (10_000, 6_000, 2_000, 2_000),
        (1_000_000, 980_000, 10_000, 10_000),
        (50_000, 30_000, 10_000, 10_000),
        (49_999, 30_001, 9_999, 9_999),
        (7, 5, 1, 1),
        (0, 0, 0, 0),
    ],
    ids=[
        "spec-10k-is-60-20-20",
        "spec-1M-is-98-1-1",
        "cap-reached-exactly",
        "just-under-cap-floors",
        "tiny",
        "empty",
    ],
)
def test_split_sizes(examples, train, dev, test):
    result = split_sizes(examples)
    assert (result.train, result.dev, result.test) == (train, dev, test)
    assert result.train + result.dev + result.test == examples
    assert result.as_dict() == {"train": train, "dev": dev, "test": test}


@pytest.mark.parametrize("examples", [-1, 10.5, "many"], ids=["negative", "fraction", "text"])
def test_split_sizes_rejects(examples):
    with pytest.raises(InputError):
        split_sizes(examples)


# --- mismatched sources ----------------------------------------------------------------------


def test_plan_split_spec_web_and_mobile():
    plan = plan_split({"web": 200_000, "mobile": 10_000}, "mobile")
    assert plan.as_dict() == {
        "train": {"web": 197_561, "mobile": 4_939},
        "train_dev": {"web": 2_439, "mobile": 61},
        "dev": {"web": 0, "mobile": 2_500},
        "test": {"web": 0, "mobile": 2_500},
        "training_pool": {"web": 200_000, "mobile": 5_000},
        "shuffle_target_share": pytest.approx(10_000 / 210_000, abs=1e-15),
        "shuffle_dev": {"web": 2_381, "mobile": 119},
        "beta": pytest.approx(1 / 40, abs=1e-15),
    }
    assert format_pct(plan.shuffle_target_share) == "4.8%"
    assert any("4.8%" in r and "2,381 of 2,500" in r for r in plan.reasons)


@pytest.mark.parametrize(
    ("sources", "target", "dev", "test", "expected_dev", "expected_test", "beta"),
    [
        ({"web": 200_000, "mobile": 100_000}, "mobile", None, None, 10_000, 10_000, 0.4),
        ({"web": 200_000, "mobile": 10_000}, "mobile", 4_000, 1_000, 4_000, 1_000, 0.025),
        ({"web": 200_000, "mobile": 10_000}, "mobile", 4_000, None, 4_000, 2_500, 3_500 / 200_000),
        ({"mobile": 10_000}, "mobile", None, None, 2_500, 2_500, None),
        ({"web": 1_000, "mobile": 3}, "mobile", None, None, 0, 0, 3 / 1_000),
        ({"web": 50, "mobile": 10}, "mobile", 5, 5, 5, 5, 0.0),
    ],
    ids=[
        "large-target-capped-at-10k",
        "dev-and-test-overridden",
        "only-dev-overridden",
        "target-only-has-no-beta",
        "tiny-target-gets-empty-dev",
        "all-target-in-dev-test",
    ],
)
def test_plan_split_variants(sources, target, dev, test, expected_dev, expected_test, beta):
    plan = plan_split(sources, target, dev=dev, test=test)
    assert plan.dev[target] == expected_dev
    assert plan.test[target] == expected_test
    assert all(plan.dev[s] == plan.test[s] == 0 for s in sources if s != target)
    assert plan.beta == (None if beta is None else pytest.approx(beta, abs=1e-15))
    assert sum(plan.train_dev.values()) == min(expected_dev, sum(plan.training_pool.values()))
    for source, count in sources.items():
        parts = plan.train[source] + plan.train_dev[source] + plan.dev[source] + plan.test[source]
        assert parts == count


def test_plan_split_carves_train_dev_from_three_sources():
    plan = plan_split({"web": 60_000, "crawl": 30_000, "mobile": 40_000}, "mobile")
    # pool: web 60,000, crawl 30,000, mobile 20,000 → 110,000; train-dev 10,000.
    assert plan.training_pool == {"web": 60_000, "crawl": 30_000, "mobile": 20_000}
    assert plan.train_dev == {"web": 5_455, "crawl": 2_727, "mobile": 1_818}
    assert sum(plan.train_dev.values()) == 10_000


@pytest.mark.parametrize(
    ("sources", "target", "dev", "test", "message"),
    [
        ({"web": 100, "mobile": 10}, "tablet", None, None, "not one of the sources"),
        ({"web": 100, "mobile": 10}, "mobile", 6, 5, "more than the 10"),
        ({"web": 100, "mobile": 0}, "mobile", None, None, "no examples"),
        ({"web": -1, "mobile": 10}, "mobile", None, None, "negative"),
        ({"web": 1.5, "mobile": 10}, "mobile", None, None, "whole number"),
        ({"web": 100, "mobile": 10}, "mobile", -1, None, "negative"),
        ({}, "mobile", None, None, "at least one source"),
    ],
    ids=[
        "unknown-target",
        "dev-plus-test-exceed-target",
        "empty-target",
        "negative-count",
        "fractional-count",
        "negative-override",
        "no-sources",
    ],
)
def test_plan_split_rejects(sources, target, dev, test, message):
    with pytest.raises(InputError, match=message):
        plan_split(sources, target, dev=dev, test=test)


def test_plan_split_counts_always_add_up():
    rng = random.Random(20240406)
    for _ in range(2_000):
        names = [f"s{i}" for i in range(rng.randint(1, 5))]
        sources = {name: rng.choice([0, rng.randint(0, 50), rng.randint(0, 300_000)])
                   for name in names}
        target = rng.choice(names)
        sources[target] = max(1, sources[target])
        dev = test = None
        if rng.random() < 0.3:
            dev = rng.randint(0, sources[target])
            test = rng.randint(0, sources[target] - dev)
        plan = plan_split(sources, target, dev=dev, test=test)
        for name, count in sources.items():
            parts = plan.train[name] + plan.train_dev[name] + plan.dev[name] + plan.test[name]
            assert parts == count, (sources, target, dev, test)
            assert min(plan.train[name], plan.train_dev[name]) >= 0
            assert plan.train_dev[name] <= plan.training_pool[name]
        assert sum(plan.train_dev.values()) == min(plan.dev[target],
                                                   sum(plan.training_pool.values()))
        assert sum(plan.shuffle_dev.values()) == plan.dev[target]


# --- dev and test from the same distribution -------------------------------------------------


def chi_square_reference(dev, test):
    """Pearson chi-square without continuity correction, by hand (for k ≥ 3 sources)."""
    total_dev, total_test = sum(dev), sum(test)
    total = total_dev + total_test
    stat = 0.0
    for d, t in zip(dev, test, strict=True):
        col = d + t
        for observed, row_total in ((d, total_dev), (t, total_test)):
            expected = row_total * col / total
            stat += (observed - expected) ** 2 / expected
    return chi2.sf(stat, len(dev) - 1)


@pytest.mark.parametrize(
    ("dev", "test", "same"),
    [
        ({"web": 900, "mobile": 100}, {"web": 900, "mobile": 100}, True),
        ({"a": 500, "b": 300, "c": 200}, {"a": 480, "b": 320, "c": 200}, True),
        ({"a": 500, "b": 300, "c": 200}, {"a": 300, "b": 300, "c": 400}, False),
    ],
    ids=["identical-mix", "small-difference", "different-mix-warns"],
)
def test_compare_distributions_three_sources_matches_hand_chi_square(dev, test, same):
    result = compare_distributions(dev, test)
    if len(dev) > 2:
        names = list(dev)
        reference = chi_square_reference([dev[n] for n in names], [test[n] for n in names])
        assert result.p_value == pytest.approx(reference, rel=1e-9, abs=1e-300)
    assert result.same_distribution is same
    assert (result.warning is None) is same
    assert set(result.as_dict()) == {"p_value", "same_distribution"}
    if not same:
        assert result.warning in result.reasons


@pytest.mark.parametrize(
    ("dev", "test", "p_value"),
    [
        ({"mobile": 2_500}, {"mobile": 2_500}, 1.0),
        ({"mobile": 2_500, "web": 0}, {"mobile": 2_000}, 1.0),
        ({"web": 900, "mobile": 100}, {"web": 900, "mobile": 100}, 1.0),
    ],
    ids=["single-source", "source-zero-on-both-sides-dropped", "identical-two-sources"],
)
def test_compare_distributions_same_source_mix(dev, test, p_value):
    result = compare_distributions(dev, test)
    assert result.p_value == pytest.approx(p_value)
    assert result.same_distribution is True


def test_compare_distributions_source_missing_on_one_side_counts_zero():
    result = compare_distributions({"mobile": 2_400, "web": 100}, {"mobile": 2_500})
    assert result.same_distribution is False
    assert result.test_share == {"mobile": 1.0, "web": 0.0}


@pytest.mark.parametrize(
    ("dev", "test"),
    [({}, {"a": 5}), ({"a": 0}, {"a": 5}), ({"a": -1}, {"a": 5}), ({"a": 1.5}, {"a": 5})],
    ids=["empty-dev", "zero-dev", "negative-count", "fractional-count"],
)
def test_compare_distributions_rejects(dev, test):
    with pytest.raises(InputError):
        compare_distributions(dev, test)
