"""The decision log: what a team decided on a page, why, by whom and when.

Every page that ends in a verdict can record it as a decision, with the numbers behind it.
A later decision can supersede an earlier one; nothing is deleted. The `Decision` value and
its checks live in `strategy_core.values.decisions`, shared with the store, and are
re-exported here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from strategy_core.values.decisions import (
    DECISION_PAGES,
    DECISION_STATUSES,
    MAX_AUTHOR,
    MAX_RATIONALE,
    MAX_SEARCH,
    MAX_VERDICT,
    Decision,
    check_status,
    clean_search,
    validate_decision,
)

__all__ = [
    "DECISION_PAGES",
    "DECISION_STATUSES",
    "MAX_AUTHOR",
    "MAX_RATIONALE",
    "MAX_SEARCH",
    "MAX_VERDICT",
    "Decision",
    "check_status",
    "clean_search",
    "numbers_rows",
    "validate_decision",
]


def numbers_rows(numbers: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """The numbers behind a decision as (name, value) rows; nested names joined by dots."""
    rows: list[tuple[str, str]] = []
    for key, value in numbers.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            rows.extend(numbers_rows(value, prefix=f"{name}."))
        elif isinstance(value, list | tuple):
            rows.append((name, ", ".join(_number_text(item) for item in value)))
        else:
            rows.append((name, _number_text(value)))
    return rows


def _number_text(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.6g}"
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)
