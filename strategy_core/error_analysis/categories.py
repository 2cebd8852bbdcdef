"""Error categories (SPEC 4.4, 4.5): the reserved "Incorrectly labeled" category, how a
category name is stored, and which cells of the wide error-analysis spreadsheet mark a
category."""

from __future__ import annotations

import math
import numbers

from strategy_core.errors import InputError

INCORRECTLY_LABELED = "Incorrectly labeled"
"""The reserved category for reviewed examples whose label is wrong (SPEC 4.5)."""

_MARKED = frozenset({"x", "1", "yes", "true", "y", "✓", "✔"})
_UNMARKED = frozenset({"", "0", "no", "false", "n"})


def _category_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"a category name must be non-empty text, got {name!r}")
    return name.strip()


def _is_reserved(name: str) -> bool:
    return " ".join(name.split()).casefold() == INCORRECTLY_LABELED.casefold()


def category_name(name: object) -> str:
    """A category name as stored: trimmed, inner spaces collapsed, and any spelling of the
    reserved "Incorrectly labeled" category (SPEC 4.5) written the one way."""
    clean = " ".join(_category_name(name).split())
    return INCORRECTLY_LABELED if _is_reserved(clean) else clean


def parse_tag_mark(cell: object) -> bool:
    """Whether a cell of the wide error-analysis spreadsheet marks the category (SPEC 4.4).

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
