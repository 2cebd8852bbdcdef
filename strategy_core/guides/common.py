"""What the decision guides share: the yes/no/unsure answers, the verdict type with its
labels, and the checks that turn the team's answers into clean inputs."""

from __future__ import annotations

from dataclasses import dataclass

from strategy_core.counts import whole_count
from strategy_core.errors import InputError

ANSWERS = ("yes", "no", "unsure")


@dataclass(frozen=True)
class GuideVerdict:
    """A decision guide's verdict and the reasons behind it."""

    verdict: str
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"verdict": self.verdict, "reasons": list(self.reasons)}


VERDICT_LABELS: dict[str, str] = {
    "end_to_end": "End-to-end",
    "pipeline": "Pipeline",
    "uncertain": "Uncertain",
    "recommended": "Recommended",
    "not_recommended": "Not recommended",
}
"""How each guide verdict reads on a page and in the decision log."""

_VERDICT_PHRASES: dict[str, str] = {
    "recommended": "{what} is recommended",
    "not_recommended": "{what} is not recommended",
    "uncertain": "{what} may or may not help",
}


def _count(value: object, what: str) -> int:
    """A whole, non-negative count; ``what`` names it in the error message."""
    return whole_count(value, what)


def _flag(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise InputError(f"{what} must be true or false, got {value!r}")
    return value


def _answer(value: object, what: str) -> str:
    answer = str(value).strip().casefold()
    if answer not in ANSWERS:
        raise InputError(f"{what} must be one of yes, no, unsure; got {value!r}")
    return answer


def _name(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{what} must be non-empty text, got {value!r}")
    return value.strip()
