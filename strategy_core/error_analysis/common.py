"""What the error-analysis rules share: checked counts of reviewed examples, the Wilson
interval of a share, and rounding float noise away."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from strategy_core.counts import whole_count
from strategy_core.errors import InputError
from strategy_core.stats import Interval, wilson_interval


def _count(value: object, what: str) -> int:
    """A whole, non-negative count; ``what`` names it in the error message."""
    return whole_count(value, what)


def _reviewed(value: object) -> int:
    reviewed = _count(value, "the number of reviewed examples")
    if reviewed <= 0:
        raise InputError("the number of reviewed examples must be at least 1")
    return reviewed


def _tag_count(name: str, value: object, reviewed: int) -> int:
    count = _count(value, f"the count of category '{name}'")
    if count > reviewed:
        raise InputError(
            f"category '{name}' is tagged on {count} examples but only {reviewed} were reviewed"
        )
    return count


def _share_interval(count: int, reviewed: int) -> Interval:
    """Wilson 95% interval of count / reviewed, holding the share itself.

    statsmodels leaves float noise at the ends (a low of 3e-18 for 0 of n).
    """
    share = count / reviewed
    interval = wilson_interval(share, reviewed)
    return Interval(min(interval.low, share), max(interval.high, share))


def _clean(value: float) -> float:
    """Drop float noise (and -0.0) from a difference of rates, so it prints as people expect."""
    return round(value, 12) + 0.0


Named = TypeVar("Named")


def by_name(categories: Iterable[Named], name: str) -> Named:
    """The category called `name` of a review summary (KeyError when there is none)."""
    for category in categories:
        if category.name == name:  # type: ignore[attr-defined]
            return category
    raise KeyError(name)
