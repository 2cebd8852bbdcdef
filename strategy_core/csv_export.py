"""CSV downloads that spreadsheets cannot run as formulas (docs/rules.md §13).

A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with
`'` so Excel, LibreOffice and Google Sheets show it as text instead of evaluating it.
Numbers stay numbers (a negative number is not text). Text passes the text rule first
(`strategy_core.text`): a carriage return becomes a line feed, which the CSV writer quotes,
so no cell can start a new row.
"""

from __future__ import annotations

import pandas as pd

from strategy_core.text import clean_text

FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralize_cell(value: object) -> object:
    """Clean text cells with the text rule and prefix formula-looking ones with `'`;
    leave everything else alone."""
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def neutralize_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell (and text column header) neutralized."""
    safe = frame.copy()
    for column in safe.columns:
        if not (pd.api.types.is_numeric_dtype(safe[column]) or
                pd.api.types.is_bool_dtype(safe[column]) or
                pd.api.types.is_datetime64_any_dtype(safe[column])):
            safe[column] = safe[column].map(neutralize_cell)
    safe.columns = [neutralize_cell(str(c)) for c in safe.columns]
    return safe


def safe_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV of the frame with formula cells neutralized."""
    return neutralize_frame(frame).to_csv(index=False).encode("utf-8")
