"""The vectorized intervals (used to diagnose thousands of runs at once) agree with the
one-at-a-time statsmodels methods of strategy_core.stats."""

from __future__ import annotations

import pytest

from strategy_core.errors import InputError
from strategy_core.stats import (
    newcombe_difference,
    newcombe_differences,
    wilson_interval,
    wilson_intervals,
)

PAIRS = [
    (0.08, 10_000, 0.07, 2_500),
    (0.0, 50, 0.02, 100),
    (1.0, 20, 0.5, 2),
    (0.029, 2_500, 0.015, 2_500),
    (0.3, 7, 0.3, 7),
]
IDS = ["spec_sizes", "zero_errors", "all_wrong_tiny_sets", "demo_newest_data_mismatch",
       "equal_rates"]


@pytest.mark.parametrize(("p1", "n1", "p2", "n2"), PAIRS, ids=IDS)
@pytest.mark.parametrize("confidence", [0.95, 0.9], ids=["95pct", "90pct"])
def test_batch_equals_one_at_a_time(p1, n1, p2, n2, confidence):
    (wilson,) = wilson_intervals([p1], [n1], confidence)
    single = wilson_interval(p1, n1, confidence)
    assert (wilson.low, wilson.high) == pytest.approx((single.low, single.high), abs=1e-12)
    (difference,) = newcombe_differences([p1], [n1], [p2], [n2], confidence)
    single = newcombe_difference(p1, n1, p2, n2, confidence)
    assert (difference.low, difference.high) == pytest.approx((single.low, single.high),
                                                              abs=1e-12)


def test_batch_keeps_the_order_and_handles_empty_input():
    rates, ns = [p[0] for p in PAIRS], [p[1] for p in PAIRS]
    assert wilson_intervals(rates, ns) == [wilson_interval(r, n) for r, n in zip(rates, ns,
                                                                                   strict=True)]
    assert wilson_intervals([], []) == [] and newcombe_differences([], [], [], []) == []


@pytest.mark.parametrize(
    ("rates", "ns"),
    [([0.1], [0]), ([1.2], [10]), ([0.1, 0.2], [10])],
    ids=["zero_size", "rate_above_1", "length_mismatch"],
)
def test_batch_rejects_bad_input(rates, ns):
    with pytest.raises(InputError):
        wilson_intervals(rates, ns)
