"""CSV downloads that spreadsheets cannot run as formulas (SPEC section 7).

A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with
`'` so Excel, LibreOffice and Google Sheets show it as text instead of evaluating it.
Numbers stay numbers (a negative number is not text).
"""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralize_cell(value: object) -> object:
    """Prefix a formula-looking text cell with `'`; leave everything else alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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
