"""Error rates: parsing what people type and formatting what they read.

Rates are fractions internally (0.08) and shown as percentages (8.0%). A typed rate is
``8%`` or ``0.08``; a bare number above 1 is ambiguous and rejected (README "Command line").
"""

from __future__ import annotations

import math

from strategy_core.errors import InputError


def parse_rate(text: str | float, *, what: str = "rate") -> float:
    """Parse ``8%``, ``8 %``, ``0.08`` or a float into a fraction in [0, 1].

    A bare number above 1 is rejected as ambiguous (is 8 meant as 8% or 800%?).
    """
    if isinstance(text, int | float):
        value = float(text)
        percent = False
    else:
        raw = str(text).strip()
        percent = raw.endswith("%")
        number = raw[:-1].strip() if percent else raw
        try:
            value = float(number)
        except ValueError:
            raise InputError(f"{what} '{text}' is not a number (write 8% or 0.08)") from None
    if not math.isfinite(value):
        raise InputError(f"{what} '{text}' is not a finite number")
    if percent:
        value /= 100.0
    elif value > 1:
        raise InputError(
            f"{what} '{text}' is ambiguous: write {value:g}% for a percentage or a fraction "
            "between 0 and 1"
        )
    if value < 0 or value > 1:
        raise InputError(f"{what} '{text}' must be between 0% and 100%")
    return value


def format_pct(value: float | None, digits: int = 1) -> str:
    """0.08 -> '8.0%'; None -> '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value * 100:.{digits}f}%"


def format_points(value: float | None, digits: int = 1) -> str:
    """A difference of rates in percentage points: 0.02 -> '2.0 pts'; None -> '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value * 100:.{digits}f} pts"
