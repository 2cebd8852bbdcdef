"""Error categories (docs/rules.md §4, §5): the reserved "Incorrectly labeled" category, how a
category name is stored, and which cells of the wide error-analysis spreadsheet mark a
category. The reserved category and category names live in
`strategy_core.values.categories`, shared with the store, and are re-exported here."""

from __future__ import annotations

import math
import numbers

from strategy_core.errors import InputError
from strategy_core.values.categories import (
    INCORRECTLY_LABELED,
    _category_name,
    _is_reserved,
    category_name,
)

__all__ = [
    "INCORRECTLY_LABELED",
    "_category_name",
    "_is_reserved",
    "category_name",
    "parse_tag_mark",
]

_MARKED = frozenset({"x", "1", "yes", "true", "y", "✓", "✔"})
_UNMARKED = frozenset({"", "0", "no", "false", "n"})


def parse_tag_mark(cell: object) -> bool:
    """Whether a cell of the wide error-analysis spreadsheet marks the category (docs/rules.md §4).

    Marked: x, 1, yes, true, y, ✓ (any case). Not marked: empty, 0, no, false, n, and a
    missing cell (None or NaN, as pandas reads an empty cell). Anything else is an
    InputError; the caller adds the row and column.
    """
    if cell is None:
        return False
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, numbers.Real):
        number = float(cell)
        if math.isnan(number):
            return False
        if number in (0.0, 1.0):
            return number == 1.0
        raise InputError(f"{cell!r} is not a tag mark: use x or 1 for tagged, 0 or empty for not")
    text = str(cell).strip().casefold()
    if text in _MARKED:
        return True
    if text in _UNMARKED:
        return False
    shown = str(cell).strip()
    if len(shown) > 40:
        shown = shown[:40] + "…"
    raise InputError(
        f"'{shown}' is not a tag mark: use x (or 1, yes, ✓) for tagged and leave the cell "
        "empty (or 0, no) for not tagged"
    )
