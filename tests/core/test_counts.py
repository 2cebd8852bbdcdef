"""The one check for counts of examples, tasks and mistakes."""

from __future__ import annotations

import math

import pytest

from strategy_core.counts import whole_count
from strategy_core.errors import InputError


@pytest.mark.parametrize("value, expected", [(0, 0), (7, 7), (7.0, 7), (10**9, 10**9)])
def test_whole_numbers_pass(value, expected) -> None:
    assert whole_count(value, "examples") == expected


@pytest.mark.parametrize("value, message", [
    (-1, "cannot be negative"), (2.5, "not a whole number"), (math.nan, "not a whole number"),
    (math.inf, "not a whole number"), (True, "not a whole number"), ("12", "not a whole number"),
    (None, "not a whole number"),
])
def test_everything_else_is_refused_naming_what(value, message) -> None:
    with pytest.raises(InputError, match=message) as caught:
        whole_count(value, "the dev set size")
    assert "the dev set size" in str(caught.value)


def test_typed_text_is_read_when_allowed() -> None:
    assert whole_count("1_000", "n", text=True) == 1000
    assert whole_count(" 2,500 ", "n", text=True) == 2500
    with pytest.raises(InputError, match="cannot be negative"):
        whole_count("-3", "n", text=True)
    with pytest.raises(InputError, match="not a whole number"):
        whole_count("1e6", "n", text=True)


def test_lower_bound() -> None:
    with pytest.raises(InputError, match="must be at least 1"):
        whole_count(0, "the sample size", at_least=1)
