"""Sizing and bootstrap intervals for a metric that is a mean of per-example values
(docs/rules.md §17): bad inputs are refused with the problem named, the bootstrap is
deterministic and covers the mean, the normal-approximation sizes match statsmodels, the
results serialise without float noise and read in the project's metric."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm
from statsmodels.stats.power import NormalIndPower

from strategy_core.diagnosis.bootstrap import mean_difference_interval, mean_interval
from strategy_core.errors import InputError
from strategy_core.project_metric import PRESETS, ProjectMetric, with_changes
from strategy_core.sizing import (
    amount_from_input,
    detectable_difference,
    input_unit,
    mean_detect_size,
    mean_half_width,
    mean_metric_plan,
    mean_size_for_half_width,
    per_example_sd,
)
from strategy_core.usecases.project_metric import save_project_metric
from strategy_core.usecases.sizing import mean_metric_plan as mean_metric_use_case

MAE_YEARS = with_changes(PRESETS["mae"], unit="years")


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("sd", [0, 0.0, -1.5, float("nan"), float("inf"), True, "2"],
                         ids=["zero", "zero-float", "negative", "nan", "inf", "bool", "text"])
def test_sigma_must_be_a_positive_finite_number(sd):
    with pytest.raises(InputError, match="standard deviation σ"):
        mean_half_width(sd, 100)
    with pytest.raises(InputError, match="standard deviation σ"):
        mean_detect_size(sd, 0.5)
    with pytest.raises(InputError):
        mean_metric_plan(sd, 100)


@pytest.mark.parametrize("n", [1, 0, -5, 2.5, float("nan"), True],
                         ids=["one", "zero", "negative", "fraction", "nan", "bool"])
def test_n_must_be_a_whole_number_of_at_least_two(n):
    with pytest.raises(InputError, match="number of examples"):
        mean_half_width(2.0, n)
    with pytest.raises(InputError, match="number of examples"):
        detectable_difference(2.0, n)


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"target_half_width": 0.0}, "target half-width"),
    ({"target_half_width": float("nan")}, "target half-width"),
    ({"delta": -0.1}, "difference to detect"),
    ({"paired_sd": 0.0}, "σ_d"),
    ({"confidence": 1.0}, "confidence"),
    ({"alpha": 0.0}, "alpha"),
    ({"power": 1.2}, "power"),
])
def test_other_inputs_are_checked(kwargs, words):
    with pytest.raises(InputError, match=words):
        mean_metric_plan(2.0, 100, **kwargs)


@pytest.mark.parametrize("values", [[], [1.0], [1.0, float("nan")], [float("-inf"), 1.0],
                                    ["a", "b"]],
                         ids=["empty", "one", "nan", "inf", "words"])
def test_bootstrap_and_sd_refuse_too_few_or_non_finite_values(values):
    with pytest.raises(InputError):
        mean_interval(values)
    with pytest.raises(InputError):
        mean_difference_interval([1.0, 2.0, 3.0], values)
    with pytest.raises(InputError):
        per_example_sd(values)


def test_bootstrap_names_the_first_non_finite_value():
    with pytest.raises(InputError, match="position 3"):
        mean_interval([1.0, 2.0, float("nan"), 4.0])


# --- the bootstrap -----------------------------------------------------------------------


def test_bootstrap_is_deterministic_for_a_seed():
    values = np.random.default_rng(7).exponential(2.0, 300)
    assert mean_interval(values) == mean_interval(values.tolist())
    assert mean_interval(values, seed=3) == mean_interval(values, seed=3)
    assert mean_interval(values, seed=3) != mean_interval(values, seed=4)
    other = np.random.default_rng(8).exponential(2.5, 250)
    assert mean_difference_interval(values, other) == mean_difference_interval(values, other)


@pytest.mark.parametrize("n", [500, 5000], ids=["bca", "percentile"])
def test_bootstrap_covers_the_known_mean_of_a_large_normal_sample(n):
    values = np.random.default_rng(11).normal(10.0, 2.0, n)
    interval = mean_interval(values)
    assert interval.low < 10.0 < interval.high
    normal_half = norm.ppf(0.975) * values.std(ddof=1) / math.sqrt(n)
    assert interval.half_width == pytest.approx(normal_half, rel=0.15)
    assert interval.low < values.mean() < interval.high


def test_bootstrap_difference_covers_the_known_difference():
    rng = np.random.default_rng(12)
    a, b = rng.normal(3.0, 1.0, 800), rng.normal(2.5, 1.5, 600)
    interval = mean_difference_interval(a, b)
    assert interval.low < 0.5 < interval.high
    assert not interval.contains_zero()
    expected = norm.ppf(0.975) * math.sqrt(a.var(ddof=1) / 800 + b.var(ddof=1) / 600)
    assert interval.half_width == pytest.approx(expected, rel=0.15)


def test_higher_confidence_gives_a_wider_interval():
    values = np.random.default_rng(5).normal(0, 1, 200)
    assert mean_interval(values, 0.99).half_width > mean_interval(values, 0.9).half_width


def test_constant_values_give_a_point_interval():
    assert mean_interval([4.0, 4.0]).half_width == 0
    interval = mean_difference_interval([2.0, 2.0], [0.5, 0.5, 0.5])
    assert (interval.low, interval.high) == (1.5, 1.5)


# --- the sizes ---------------------------------------------------------------------------


@pytest.mark.parametrize(("sd", "delta", "alpha", "power"), [
    (2.0, 0.5, 0.05, 0.8), (1.0, 0.1, 0.05, 0.9), (3.3, 1.0, 0.01, 0.8),
    (0.15, 0.02, 0.05, 0.8)])
def test_unpaired_size_matches_statsmodels_normal_ind_power(sd, delta, alpha, power):
    reference = NormalIndPower().solve_power(effect_size=delta / sd, alpha=alpha, power=power,
                                             ratio=1.0, alternative="two-sided")
    assert mean_detect_size(sd, delta, alpha, power) == math.ceil(reference)


def test_paired_size_uses_the_differences_sd():
    z = norm.ppf(0.975) + norm.ppf(0.8)
    assert mean_detect_size(1.0, 0.5, paired=True) == math.ceil(z**2 * 1.0 / 0.25)
    # Paired with σ_d = σ·√2 (uncorrelated models) is the unpaired size.
    assert mean_detect_size(math.sqrt(2) * 2.0, 0.5, paired=True) == mean_detect_size(2.0, 0.5)


def test_sizes_and_half_widths_invert_each_other():
    n = mean_size_for_half_width(2.0, 0.2)
    assert mean_half_width(2.0, n).half_width <= 0.2 < mean_half_width(2.0, n - 1).half_width
    need = mean_detect_size(2.0, 0.5)
    assert detectable_difference(2.0, need) <= 0.5 < detectable_difference(2.0, need - 1)


def test_sizes_are_at_least_two():
    assert mean_size_for_half_width(0.01, 10.0) == 2
    assert mean_detect_size(0.01, 10.0) == 2


def test_per_example_sd_is_the_sample_sd():
    assert per_example_sd([1, 2, 3, 4]) == pytest.approx(np.std([1, 2, 3, 4], ddof=1))
    assert per_example_sd([5, 5]) == 0.0


# --- what the page and the command line show ---------------------------------------------


def test_as_dict_has_no_float_noise():
    plan = mean_metric_plan(0.088 * 3, 400, target_half_width=0.1 + 0.2, delta=0.3)
    payload = plan.as_dict()
    assert payload["target_half_width"] == 0.3
    assert payload["sd"] == 0.264
    assert all(len(repr(v)) <= 14 for v in payload.values() if isinstance(v, float))
    assert list(payload)[:3] == ["sd", "n", "confidence"]


def test_sentences_read_in_the_metric():
    plan = mean_metric_plan(2.0, 400, target_half_width=0.2, delta=0.5)
    text = " ".join(plan.sentences(MAE_YEARS))
    assert "2.000 years" in text and "±0.196 years" in text and "385 examples" in text
    assert "252 examples per model" in text and "paired" not in text.replace("unpaired", "")
    score = ProjectMetric(key="custom", name="Loss", kind="quantity", unit="", precision=1,
                          minimum=None)
    # A precision too coarse for the half-width still reads it as non-zero.
    assert "±0.002" in mean_metric_plan(0.05, 2000).precision.sentence(score)


def test_a_percentage_is_typed_in_points():
    wer = PRESETS["wer"]
    assert input_unit(wer) == "pts" and amount_from_input(wer, 15.0) == 0.15
    assert input_unit(MAE_YEARS) == "years" and amount_from_input(MAE_YEARS, 2.0) == 2.0


def test_use_case_reads_the_project_metric(store):
    project = store.projects.create("Ages")
    save_project_metric(store, project.id, PRESETS["mae"], expected=0)
    answers = mean_metric_use_case(store, project.id, 2.0, 400, delta=0.5)
    assert answers.metric.key == "mae" and answers.sd_source == "entered"
    assert answers.as_dict()["n_needed"] == 252 and answers.as_dict()["metric"] == "MAE"
    measured = mean_metric_use_case(store, project.id, None, 400, measured_sd=2.0)
    assert measured.sd_source == "measured"
    assert measured.plan.precision == answers.plan.precision
    with pytest.raises(InputError, match="standard deviation"):
        mean_metric_use_case(store, project.id, None, 400)
