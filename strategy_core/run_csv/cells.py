"""Reading one cell of a run CSV: numbers (with a leading `'`, a trailing % or a decimal
comma), error and accuracy values, split sizes, and creation times."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

from strategy_core.errors import InputError
from strategy_core.run_csv.common import ColumnMapping


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Cells that say "no value" in words (Python's None written by a script, SQL's null).
NO_VALUE: frozenset[str] = frozenset({"none", "null"})


def _number(cell: str, decimal_comma: bool = False) -> float | None:
    """A number from a cell: strips MLflow's leading `'` and a trailing %; None if not one."""
    text = cell.strip()
    if text.startswith("'"):
        text = text[1:].strip()
    if text.endswith("%"):
        text = text[:-1].strip()
    if decimal_comma:
        text = text.replace(",", ".")
    if not text or not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?(nan|inf|"
                                    r"infinity)", text, flags=re.IGNORECASE):
        return None
    return float(text)


def _error_value(raw: str, m: ColumnMapping, decimal_comma: bool,
                 keep_accuracy: bool = False) -> float | None:
    """A split's level from a cell: an error or accuracy as an error fraction (as an
    accuracy when the project metric is one, `keep_accuracy`), or a value of another
    metric as written (docs/rules.md §9, §16)."""
    if not raw or raw.strip().lower() in NO_VALUE:
        return None
    number = _number(raw, decimal_comma)
    if number is None:
        raise InputError(f"'{_clip(raw)}' is not a number")
    if not math.isfinite(number):
        raise InputError(f"'{raw}' is not a finite number")
    percent = raw.strip().endswith("%") or m.scale == "percent"
    value = number / 100 if percent else number
    if m.kind == "value":
        return value
    if value < 0:
        raise InputError(f"{raw} is negative; an error or accuracy lies between 0% and 100%")
    if value > 1 + 1e-12:
        raise InputError(
            f"{raw} is above 100%" if percent else
            f"{raw} is above 1 but the column is read as fractions; choose percent")
    value = min(value, 1.0)
    flip = (m.kind == "accuracy") != keep_accuracy
    return round(1.0 - value, 12) if flip else value


def _size_value(raw: str, decimal_comma: bool) -> int | None:
    if not raw:
        return None
    number = _number(raw.replace("_", ""), decimal_comma=False)
    if number is None or not math.isfinite(number) or number != int(number):
        raise InputError(f"'{_clip(raw)}' is not a whole number of examples")
    if number <= 0:
        raise InputError(f"{raw} examples: a split size must be a positive whole number")
    return int(number)


# Day and month in either order: 04-08-2024, 2/5/2025 13:42, 17.06.2026.
_NUMERIC_DATE = re.compile(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})\b")
# Every field joined by dashes, as some loggers name runs: 2026-06-17-13-17-49.
_DASHED = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})[-_T ](\d{2})[-:](\d{2})[-:](\d{2})\s*$")


def date_order(cells: list[str]) -> str | None:
    """Whether a column's dates such as 04-08-2024 are day first ('dmy') or month first
    ('mdy'), read from the whole column (docs/rules.md §9): a first field above 12 means
    day first, a second above 12 month first; None when every date fits both (the user
    is asked; month first is assumed until then)."""
    day_first = month_first = False
    for cell in cells:
        match = _NUMERIC_DATE.match(cell)
        if match:
            first, second = int(match.group(1)), int(match.group(2))
            day_first |= first > 12
            month_first |= second > 12
    if day_first and not month_first:
        return "dmy"
    if month_first and not day_first:
        return "mdy"
    return None


def looks_like_date(cell: str) -> bool:
    """Whether a cell reads as a date or time (an epoch number counts; a small bare
    number such as a step does not)."""
    try:
        return parse_created(cell) is not None
    except InputError:
        return False


def parse_created(raw: str, order: str = "") -> datetime | None:
    """A creation time from a cell (docs/rules.md §9): ISO 8601 (with `Z` or an offset,
    stored as UTC), epoch seconds or milliseconds (also as Excel writes them,
    2.57826E+12), dashed stamps (2026-06-17-13-17-49) and numeric dates with day and month
    in `order` ('dmy' or 'mdy'; month first when not given) or with a month name."""
    text = raw.strip()
    if not text:
        return None
    number = _number(text)
    if number is not None:
        if math.isfinite(number) and number > 1e8:
            seconds = number / 1000 if number > 1e11 else number
            return datetime.fromtimestamp(seconds, tz=UTC).replace(tzinfo=None)
        raise InputError(f"'{_clip(text)}' is a number, not a date or time")
    dashed = _DASHED.match(text)
    if dashed:
        return datetime(*(int(g) for g in dashed.groups()))
    candidate = text.replace("Z", "+00:00") if text.endswith("Z") else text
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        moment = _free_form(text, order)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _free_form(text: str, order: str) -> datetime:
    """Dates as people and spreadsheets write them, read with dateutil; refused when the
    text is no date (dateutil would read a lone word like 'may' as a date)."""
    from dateutil import parser

    if not re.search(r"\d", text) or len(text) > 40:
        raise InputError(f"'{_clip(text)}' is not a date or time (use ISO 8601)")
    try:
        return parser.parse(text, dayfirst=order == "dmy")
    except (ValueError, OverflowError):
        raise InputError(f"'{_clip(text)}' is not a date or time (use ISO 8601)") from None
