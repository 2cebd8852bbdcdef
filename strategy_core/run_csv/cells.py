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
    if not raw:
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


def parse_created(raw: str) -> datetime | None:
    """ISO dates and times (with `Z` or an offset, stored as UTC) or epoch seconds / ms."""
    text = raw.strip()
    if not text:
        return None
    number = _number(text)
    if number is not None and math.isfinite(number) and number > 1e8:
        seconds = number / 1000 if number > 1e11 else number
        return datetime.fromtimestamp(seconds, tz=UTC).replace(tzinfo=None)
    candidate = text.replace("Z", "+00:00") if text.endswith("Z") else text
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        raise InputError(f"'{_clip(text)}' is not a date or time (use ISO 8601)") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
