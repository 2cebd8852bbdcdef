"""The worked examples of docs/rules.md §17,
checked against the pure rule functions: one test per "Example 17.M", named
`test_example_17_M_…`, each reproducing the numbers as the text writes them."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from strategy_core.diagnosis.bootstrap import mean_difference_interval, mean_interval
from strategy_core.errors import InputError
from strategy_core.project_metric import PRESETS, with_changes
from strategy_core.sizing import (
    detectable_difference,
    mean_detect_size,
    mean_half_width,
    mean_metric_plan,
    mean_size_for_half_width,
    per_example_sd,
)

REPO = Path(__file__).resolve().parents[2]
MAE_YEARS = with_changes(PRESETS["mae"], unit="years")
AGES = [1.2, 0.4, 3.1, 2.2, 0.8, 5.0, 1.7, 0.3, 2.6, 4.1]
A = [2.0, 3.5, 1.0, 4.0, 2.5, 3.0, 5.0, 1.5]
B = [1.0, 2.0, 0.5, 2.5, 1.5, 2.0, 3.0, 1.0]


def test_example_17_1_half_width_of_an_mae() -> None:
    result = mean_half_width(2.0, 400)
    assert round(result.half_width, 3) == 0.196
    assert MAE_YEARS.format_gap(result.half_width) == "0.196 years"
    assert round(1.960 * 2.0 / math.sqrt(400), 3) == 0.196  # as the text computes it
    assert mean_size_for_half_width(2.0, 0.1) == 1537
    assert math.ceil((1.959964 * 2.0 / 0.1) ** 2) == 1537


def test_example_17_2_examples_to_detect_half_a_year() -> None:
    z_sum = 1.959964 + 0.841621
    assert round(z_sum, 3) == 2.802
    assert round(2 * z_sum**2 * 2.0**2 / 0.5**2, 1) == 251.2
    assert mean_detect_size(2.0, 0.5) == 252
    assert round(z_sum**2 * 1.0**2 / 0.5**2, 1) == 31.4
    assert mean_detect_size(1.0, 0.5, paired=True) == 32
    plan = mean_metric_plan(2.0, 400, delta=0.5, paired_sd=1.0)
    assert (plan.detection.n_needed, plan.detection.paired_n_needed) == (252, 32)
    assert plan.detection.method == "paired"


def test_example_17_3_smallest_detectable_difference() -> None:
    assert round(detectable_difference(2.0, 400), 3) == 0.396
    assert round(detectable_difference(1.0, 400, paired=True), 3) == 0.140
    text = " ".join(mean_metric_plan(2.0, 400, paired_sd=1.0).sentences(MAE_YEARS))
    assert "0.396 years (unpaired" in text and "0.140 years (paired)" in text


def test_example_17_4_wer_per_utterance_in_points() -> None:
    wer = PRESETS["wer"]
    plan = mean_metric_plan(0.15, 400, target_half_width=0.01, delta=0.02)
    assert wer.format_gap(plan.precision.half_width) == "1.5 pts"
    assert round(plan.precision.half_width, 4) == 0.0147
    assert plan.precision.n_for_target == 865
    assert plan.detection.n_needed == 883
    assert plan.detection.method == "unpaired"


def test_example_17_5_skewed_absolute_errors() -> None:
    assert round(float(np.mean(AGES)), 2) == 2.14
    assert round(per_example_sd(AGES), 2) == 1.58
    interval = mean_interval(AGES)
    assert (round(interval.low, 2), round(interval.high, 2)) == (1.34, 3.19)
    assert round(interval.high - 2.14, 2) == 1.05 and round(2.14 - interval.low, 2) == 0.80
    assert mean_interval(AGES) == interval  # same values, same interval


def test_example_17_6_difference_of_two_models() -> None:
    assert (round(float(np.mean(A)), 2), round(float(np.mean(B)), 2)) == (2.81, 1.69)
    assert float(np.mean(A) - np.mean(B)) == 1.125
    interval = mean_difference_interval(A, B)
    assert (round(interval.low, 2), round(interval.high, 2)) == (0.06, 2.19)
    assert not interval.contains_zero()


def test_example_17_7_refusals_and_constant_values() -> None:
    with pytest.raises(InputError, match="at least 2 values"):
        mean_interval([2.5])
    with pytest.raises(InputError, match="not finite"):
        mean_interval([1.0, float("nan"), 2.0])
    with pytest.raises(InputError, match="larger than 0"):
        mean_half_width(0.0, 400)
    with pytest.raises(InputError, match="at least 2"):
        mean_half_width(2.0, 1)
    interval = mean_interval([3, 3, 3])
    assert (interval.low, interval.high) == (3.0, 3.0)


def test_every_example_of_section_17_has_a_test() -> None:
    text = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    keys = {n for n in re.findall(r"\bExample 17\.(\d+)\b", text)}
    assert keys, "no Example 17.M in docs/rules.md"
    tested = {m.group(1) for name in globals()
              if (m := re.match(r"test_example_17_(\d+)_", name))}
    assert keys == tested
