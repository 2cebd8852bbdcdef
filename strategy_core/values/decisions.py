"""A decision of the decision log as a value: what a team decided on a page, why, by whom
and when, with the checks one decision (and a search of the log) must pass. Shared by the
rules (`strategy_core.decisions`) and the store.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from strategy_core.errors import InputError

# Page keys used in the log, with their titles (a decision names the page it came from).
DECISION_PAGES: dict[str, str] = {
    "diagnosis": "Human-level & bias/variance",
    "checklist": "Orthogonalization checklist",
    "metrics": "Metrics",
    "error_analysis": "Error analysis",
    "sizing": "Dev/test sizing & splits",
    "end_to_end": "End-to-end or pipeline",
    "transfer": "Transfer or multi-task",
    "other": "Other",
}
MAX_VERDICT = 300
MAX_RATIONALE = 5000
MAX_AUTHOR = 80
MAX_SEARCH = 200

# Which decisions a list shows: every one, only those still in force, or only replaced ones.
DECISION_STATUSES: dict[str, str] = {
    "all": "All",
    "active": "Active",
    "superseded": "Superseded",
}


@dataclass(frozen=True)
class Decision:
    id: int
    page: str
    verdict: str
    numbers: Mapping[str, Any]
    rationale: str
    author: str
    decided_at: datetime
    superseded_by: int | None = None

    @property
    def page_title(self) -> str:
        return DECISION_PAGES.get(self.page, self.page)

    @property
    def active(self) -> bool:
        return self.superseded_by is None

    @property
    def status(self) -> str:
        return "active" if self.active else "superseded"

    def line(self) -> str:
        """One plain-text line: date, page, verdict, author (escape it before Markdown)."""
        text = f"{self.decided_at:%Y-%m-%d} · {self.page_title}: {self.verdict}"
        if self.author:
            text += f" ({self.author})"
        if not self.active:
            text += f" [superseded by #{self.superseded_by}]"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "page": self.page, "verdict": self.verdict,
                "numbers": dict(self.numbers), "rationale": self.rationale,
                "author": self.author, "decided_at": self.decided_at.isoformat(),
                "superseded_by": self.superseded_by}


def validate_decision(page: str, verdict: str, numbers: Mapping[str, Any] | None,
                      rationale: str, author: str) -> tuple[str, str, str, str, str]:
    """Clean and check a decision before it is stored; returns the JSON of the numbers."""
    if page not in DECISION_PAGES:
        raise InputError(f"unknown page '{page}' for a decision")
    verdict = " ".join((verdict or "").split())
    if not verdict:
        raise InputError("a decision needs a verdict")
    if len(verdict) > MAX_VERDICT:
        raise InputError(f"a verdict has at most {MAX_VERDICT} characters")
    rationale = (rationale or "").strip()
    if len(rationale) > MAX_RATIONALE:
        raise InputError(f"a rationale has at most {MAX_RATIONALE} characters")
    author = " ".join((author or "").split())
    if len(author) > MAX_AUTHOR:
        raise InputError(f"an author name has at most {MAX_AUTHOR} characters")
    # Key order is kept: the numbers read in the order the page gave them.
    payload = json.dumps(_finite(numbers or {}), default=str)
    return page, verdict, payload, rationale, author


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: store them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def check_status(status: str) -> str:
    """One of DECISION_STATUSES (all, active, superseded)."""
    if status not in DECISION_STATUSES:
        raise InputError(f"unknown decision status '{status}' (use all, active or superseded)")
    return status


def clean_search(text: str | None) -> str:
    """Search text for the decision log: whitespace collapsed, length capped."""
    clean = " ".join((text or "").split())
    if len(clean) > MAX_SEARCH:
        raise InputError(f"search text has at most {MAX_SEARCH} characters")
    return clean
