"""Dev/test sizing and splits (docs/rules.md §6)."""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass

import pytest
from scipy.stats import chi2, norm
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_confint, proportion_effectsize

from strategy_core.errors import InputError
from strategy_core.rates import format_pct
from strategy_core.runs import Run
from strategy_core.sizing import (
    EXAMPLE_DEV_SIZE,
    EXAMPLE_ERROR,
    EXAMPLE_PLAN,
    FORMULAS,
    PlanInputs,
    calculator_defaults,
    compare_distributions,
    compare_runs,
    detect_size,
    dev_set_can_separate,
    error_interval,
    eyeball_advice,
    eyeball_size,
    half_width_curve,
    half_width_profile,
    plan_inputs,
    plan_split,
    runs_by_dev_error,
    smallest_detectable_difference,
    source_counts_from_rows,
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
        "shuffle_target_share": pytest.approx(10_000 / 210_000, abs=1e-15),
        "beta": pytest.approx(1 / 40, abs=1e-15),
    }
    # docs/rules.md: "train 200,000 web + 5,000 mobile" is the training pool the train-dev set is
    # carved from; a plain shuffle puts about 2,381 of the 2,500 dev examples from web.
    assert plan.training_pool == {"web": 200_000, "mobile": 5_000}
    assert plan.shuffle_dev == {"web": 2_381, "mobile": 119}
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


# --- smallest detectable difference (detect_size solved for Δ) -------------------------------


@pytest.mark.parametrize(
    ("error", "delta", "psi"),
    [(0.05, 0.001, 0.001), (0.10, 0.001, None), (0.032, 0.003, None), (0.032, 0.0028, 0.0148),
     (0.20, 0.05, 0.30)],
    ids=["spec-paired-7850", "spec-unpaired-1.4M", "demo-unpaired", "demo-paired",
         "large-difference"],
)
def test_smallest_detectable_difference_inverts_detect_size(error, delta, psi):
    n = detect_size(error, delta, psi).n
    smallest = smallest_detectable_difference(error, n, psi)
    assert smallest is not None
    # n is rounded up, so n examples detect Δ or a hair less; one example fewer does not
    # (with Δ = ψ, the largest difference ψ allows, nothing is detectable any more).
    assert smallest <= delta + 1e-12
    assert smallest == pytest.approx(delta, rel=2e-3)
    fewer = smallest_detectable_difference(error, n - 1, psi)
    assert fewer is None if delta == psi else fewer > smallest


@pytest.mark.parametrize(
    ("error", "n", "psi"),
    [(0.05, 10, None), (0.05, 100, 0.001), (0.0, 1000, None)],
    ids=["tiny-set", "rare-disagreement-small-set", "zero-error"],
)
def test_smallest_detectable_difference_none_when_nothing_is_detectable(error, n, psi):
    assert smallest_detectable_difference(error, n, psi) is None


# --- half-width profile ----------------------------------------------------------------------


def test_half_width_profile_marks_the_dev_set():
    profile = half_width_profile(0.029, 2_500)
    sizes = [n for n, _ in profile.points]
    assert sizes == sorted(sizes) and sizes[0] == 100 and sizes[-1] == 1_000_000
    assert 2_500 in sizes
    assert profile.marked_n == 2_500
    assert profile.marked_half_width == pytest.approx(error_interval(0.029, 2_500).half_width)


@pytest.mark.parametrize(
    ("marked", "low", "high"), [(None, 100, 1_000_000), (40, 40, 1_000_000),
                                (500_000, 100, 5_000_000), (0, 100, 1_000_000)],
    ids=["no-dev-set", "tiny-dev-set-extends-left", "huge-dev-set-extends-right",
         "zero-is-unmarked"],
)
def test_half_width_profile_range(marked, low, high):
    profile = half_width_profile("5%", marked)
    assert (profile.points[0][0], profile.points[-1][0]) == (low, high)
    assert (profile.marked_n is None) is (not marked)


# --- calculator defaults and the best runs ---------------------------------------------------


def demo_like_runs() -> list[Run]:
    """The demo's last runs (data/demo/runs.csv), oldest first as the store lists them."""
    return [
        Run("resnet50-mobile-synth", dev_error=0.043, n_train=207_500, n_train_dev=2_500,
            n_dev=2_500, n_test=2_500, key=8),
        Run("resnet50-mobile-5k", dev_error=0.032, n_train=207_500, n_train_dev=2_500,
            n_dev=2_500, n_test=2_500, key=9),
        Run("efficientnet-b3-mobile", dev_error=0.029, n_train=207_500, n_train_dev=2_500,
            n_dev=2_500, n_test=2_500, key=10),
    ]


def test_calculator_defaults_from_the_newest_run():
    defaults = calculator_defaults(demo_like_runs())
    assert (defaults.error, defaults.n_dev, defaults.run_name) == (0.029, 2_500,
                                                                   "efficientnet-b3-mobile")
    assert defaults.n_dev_known and defaults.n_total == 215_000


@pytest.mark.parametrize(
    ("runs", "error", "n_dev", "name", "known"),
    [
        ([], EXAMPLE_ERROR, EXAMPLE_DEV_SIZE, None, False),
        ([Run("a", n_dev=800)], EXAMPLE_ERROR, 800, None, True),
        ([Run("a", dev_error=0.1, n_dev=800), Run("b", dev_error=0.08)], 0.08, 800, "b", True),
        ([Run("a", dev_error=0.1)], 0.1, EXAMPLE_DEV_SIZE, "a", False),
    ],
    ids=["empty-project", "sizes-but-no-errors", "newest-lacks-size", "no-size-anywhere"],
)
def test_calculator_defaults_fall_back(runs, error, n_dev, name, known):
    defaults = calculator_defaults(runs)
    assert (defaults.error, defaults.n_dev, defaults.run_name, defaults.n_dev_known) == (
        error, n_dev, name, known)


def test_runs_by_dev_error_best_first_newer_wins_ties():
    runs = [Run("old", dev_error=0.05), Run("none"), Run("best", dev_error=0.03),
            Run("new", dev_error=0.05)]
    assert [r.name for r in runs_by_dev_error(runs)] == ["best", "new", "old"]


# --- can the dev set tell two runs apart? -----------------------------------------------------


@dataclass(frozen=True)
class Counts:
    n_common: int
    disagree: int
    rate: float | None
    errors_a: int
    errors_b: int


def test_compare_runs_opening_question_unpaired():
    """The demo's two best runs, 2.9% vs 3.2% on 2,500 dev examples, without predictions."""
    _, second, best = demo_like_runs()
    result = compare_runs(best, second)
    assert result.basis == "runs"
    assert result.check.method == "two_proportion"
    assert result.check.n_needed == detect_size(0.032, 0.003).n
    assert result.check.can_separate is False
    assert result.unpaired_needed == result.check.n_needed
    assert "too small" in result.verdict and "2,500" in result.verdict
    assert len(result.verdict) <= 300


def test_compare_runs_paired_from_predictions():
    _, second, best = demo_like_runs()
    counts = Counts(n_common=2_500, disagree=37, rate=37 / 2_500, errors_a=73, errors_b=80)
    result = compare_runs(best, second, predictions=counts)
    assert result.basis == "predictions"
    assert (result.error_a, result.error_b, result.n_dev) == (73 / 2_500, 80 / 2_500, 2_500)
    assert result.disagreement == pytest.approx(0.0148)
    assert result.check.method == "mcnemar"
    assert result.check.n_needed == detect_size(80 / 2_500, 7 / 2_500, 37 / 2_500).n
    assert result.unpaired_needed == detect_size(80 / 2_500, 7 / 2_500).n
    assert result.check.n_needed < result.unpaired_needed
    assert result.check.can_separate is False
    assert "exactly one of them is wrong on 37" in result.reasons[0]


@pytest.mark.parametrize(
    ("kwargs", "can", "method"),
    [({"disagreement": "0.3%", "n_dev": 50_000}, True, "mcnemar"),
     ({"n_dev": 60_000}, True, "two_proportion"),
     ({"disagreement": 0.01}, False, "mcnemar")],
    ids=["paired-big-set", "unpaired-big-set", "typed-disagreement-small-set"],
)
def test_compare_runs_typed_inputs(kwargs, can, method):
    _, second, best = demo_like_runs()
    result = compare_runs(best, second, **kwargs)
    assert result.check.can_separate is can and result.check.method == method
    assert set(result.as_dict()) >= {"run_a", "run_b", "n_needed", "can_separate", "basis"}


@pytest.mark.parametrize(
    ("run_a", "run_b", "kwargs", "message"),
    [
        (Run("a", dev_error=0.1), Run("b", dev_error=0.2), {}, "not known"),
        (Run("a"), Run("b", dev_error=0.2, n_dev=10), {}, "no dev error"),
        (Run("a", dev_error=0.1, n_dev=5), Run("b", dev_error=0.2), {"disagreement": "0.01"},
         "at least the difference"),
        (Run("a", dev_error=0.1), Run("b", dev_error=0.2), {"n_dev": 0}, "at least 1"),
    ],
    ids=["no-dev-size", "no-dev-error", "disagreement-below-gap", "empty-dev-set"],
)
def test_compare_runs_rejects(run_a, run_b, kwargs, message):
    with pytest.raises(InputError, match=message):
        compare_runs(run_a, run_b, **kwargs)


# --- eyeball advice ----------------------------------------------------------------------------


def test_eyeball_advice_when_dev_is_smaller_than_the_eyeball_set():
    advice = eyeball_advice(0.029, 100, 2_500)
    assert advice is not None and "2,500" in advice and "72 mistakes" in advice
    assert eyeball_advice(0.05, 100, 2_000) is None


# --- the planner's inputs ------------------------------------------------------------------------


def test_plan_inputs_round_trip_and_spec_prefill():
    assert EXAMPLE_PLAN.source_counts() == {"web": 200_000, "mobile": 10_000}
    assert EXAMPLE_PLAN.target == "mobile"
    saved = PlanInputs((("web", 60_000), ("crawl", 30_000), ("mobile", 40_000)), "mobile",
                       dev=5_000, test=None)
    assert plan_inputs(json.loads(json.dumps(saved.as_setting()))) == saved


@pytest.mark.parametrize(
    "value",
    [None, [], {"sources": "web"}, {"sources": [{"source": "web", "count": 5}], "target": "x"},
     {"sources": [{"source": "web", "count": -5}], "target": "web"},
     {"sources": [{"source": "web", "count": 5}], "target": "web", "dev": "ten"}],
    ids=["nothing", "list", "sources-not-a-list", "target-not-a-source", "negative-count",
         "bad-dev"],
)
def test_plan_inputs_rejects_malformed_settings(value):
    with pytest.raises(InputError):
        plan_inputs(value)


def test_source_counts_from_rows_reads_an_edited_table():
    rows = [
        {"source": " web ", "dev": 900.0, "test": 850},
        {"source": None, "dev": None, "test": float("nan")},  # the editor's empty new row
        {"source": "mobile", "dev": 100, "test": None},
    ]
    assert source_counts_from_rows(rows, ("dev", "test")) == {
        "dev": {"web": 900, "mobile": 100}, "test": {"web": 850, "mobile": 0}}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"source": "", "count": 5}], "row 1, column 'source'"),
        ([{"source": "web", "count": 5}, {"source": "web", "count": 6}], "listed twice"),
        ([{"source": "web", "count": 2.5}], "row 1, column 'count'"),
        ([{"source": "web", "count": -1}], "negative"),
        ([{"source": "x" * 81, "count": 1}], "at most 80"),
    ],
    ids=["count-without-name", "repeated-source", "fractional-count", "negative-count",
         "long-name"],
)
def test_source_counts_from_rows_rejects(rows, message):
    with pytest.raises(InputError, match=message):
        source_counts_from_rows(rows, ("count",))


def test_split_plan_verdict_fits_the_decision_log():
    plan = plan_split({"web": 200_000, "mobile": 10_000}, "mobile")
    assert plan.verdict.startswith("Dev 2,500 and test 2,500 only from 'mobile'")
    assert "β = 0.025" in plan.verdict
    long = plan_split({"w" * 200: 10_000, "m" * 200: 1_000}, "m" * 200)
    assert len(long.verdict) <= 300


def test_formulas_cover_every_calculator():
    assert set(FORMULAS) == {"interval", "mcnemar", "two_proportion", "eyeball", "split", "plan",
                             "chi_square"}
