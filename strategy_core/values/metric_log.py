"""An entry of the metric change log as a value: what changed (the metric or the dev set),
why, who and on which day (docs/rules.md §3), its checks, and the (date, label) marks the trend
charts draw. Shared by the rules (`strategy_core.metric_log`) and the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from strategy_core.errors import InputError

# What can change, with the label a reader sees.
CHANGE_KINDS: dict[str, str] = {"metric": "Metric", "dev_set": "Dev set"}
MAX_WHAT = 300
MAX_REASON = 5000
MAX_AUTHOR = 80
# The settings key holding the team's optimizing + satisficing definition.
DEFINITION_SETTING = "metrics.selection"


@dataclass(frozen=True)
class MetricChange:
    """One entry: what changed (metric or dev set), why, who, on which day."""

    id: int
    kind: str
    what: str
    reason: str
    author: str
    changed_on: date
    recorded_at: datetime

    @property
    def kind_label(self) -> str:
        return CHANGE_KINDS.get(self.kind, self.kind)

    @property
    def label(self) -> str:
        """The short text of a chart mark: 'Dev set: added 5,000 mobile photos'."""
        return f"{self.kind_label}: {self.what}"

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "what": self.what, "reason": self.reason,
                "author": self.author, "changed_on": self.changed_on.isoformat(),
                "recorded_at": self.recorded_at.isoformat()}


def validate_change(kind: str, what: str, reason: str, author: str,
                    changed_on: date | datetime | str | None) -> tuple[str, str, str, str, date]:
    """Clean and check an entry: a known kind, what changed and why (both required)."""
    if kind not in CHANGE_KINDS:
        raise InputError(f"unknown change '{kind}': use {' or '.join(CHANGE_KINDS)}")
    what = " ".join((what or "").split())
    if not what:
        raise InputError("say what changed (e.g. 'dev set: added 5,000 mobile photos')")
    if len(what) > MAX_WHAT:
        raise InputError(f"'what changed' has at most {MAX_WHAT} characters")
    reason = (reason or "").strip()
    if not reason:
        raise InputError("say why it changed: the reason is what the team needs later")
    if len(reason) > MAX_REASON:
        raise InputError(f"a reason has at most {MAX_REASON} characters")
    author = " ".join((author or "").split())
    if len(author) > MAX_AUTHOR:
        raise InputError(f"an author name has at most {MAX_AUTHOR} characters")
    return kind, what, reason, author, _day(changed_on)


def change_marks(changes: Sequence[MetricChange]) -> list[tuple[date, str]]:
    """(date, label) of every change, oldest first: the marks drawn on trend charts."""
    ordered = sorted(changes, key=lambda c: (c.changed_on, c.id))
    return [(c.changed_on, c.label) for c in ordered]


def _day(value: date | datetime | str | None) -> date:
    if value is None:
        return date.today()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(f"date '{value}' must look like 2026-11-03") from None
