"""Error categories as values (docs/rules.md §4, §5): the reserved "Incorrectly labeled" category
and how a category name is stored. Shared by the rules (`strategy_core.error_analysis`) and
the store."""

from __future__ import annotations

from strategy_core.errors import InputError

INCORRECTLY_LABELED = "Incorrectly labeled"
"""The reserved category for reviewed examples whose label is wrong (docs/rules.md §5)."""


def _category_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"a category name must be non-empty text, got {name!r}")
    return name.strip()


def _is_reserved(name: str) -> bool:
    return " ".join(name.split()).casefold() == INCORRECTLY_LABELED.casefold()


def category_name(name: object) -> str:
    """A category name as stored: trimmed, inner spaces collapsed, and any spelling of the
    reserved "Incorrectly labeled" category (docs/rules.md §5) written the one way."""
    clean = " ".join(_category_name(name).split())
    return INCORRECTLY_LABELED if _is_reserved(clean) else clean
