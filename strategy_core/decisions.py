"""The decision log: what a team decided on a page, why, by whom and when.

Every page that ends in a verdict can record it as a decision, with the numbers behind it.
A later decision can supersede an earlier one; nothing is deleted.
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
    payload = json.dumps(_finite(numbers or {}), default=str, sort_keys=True)
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
