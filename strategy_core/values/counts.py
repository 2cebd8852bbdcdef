"""Counts of examples, tasks, mistakes: whole, non-negative numbers.

One check for every rule, the store and the command line: whole-valued floats (as pandas
reads a CSV) and digit strings are accepted; booleans, fractions, NaN, infinity and words
are not.
"""

from __future__ import annotations

import math
import numbers
import re

from strategy_core.errors import InputError


def whole_count(value: object, what: str, *, at_least: int = 0, text: bool = False) -> int:
    """`value` as an int ≥ `at_least`; InputError naming `what` otherwise. Digit strings
    (`1_000`, `1,000`) count only with `text=True` (typed input, the command line)."""
    number: int
    if text and isinstance(value, str) and re.fullmatch(r"[+-]?\d[\d_,]*", value.strip()):
        number = int(value.strip().replace("_", "").replace(",", ""))
    elif isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"{what} is not a whole number ({value!r})")
    elif isinstance(value, numbers.Integral):
        number = int(value)
    elif math.isfinite(float(value)) and float(value).is_integer():
        number = int(float(value))
    else:
        raise InputError(f"{what} is not a whole number ({value!r})")
    if number < 0 <= at_least:
        raise InputError(f"{what} cannot be negative ({number:,})")
    if number < at_least:
        raise InputError(f"{what} must be at least {at_least:,}")
    return number
