"""Optimization Verification records as values (docs/rules.md §22; MLY ch. 44–46): for a
reviewed example, the score S(y*) the model's objective gives the correct output and the
score S(y_out) it gives the output the search found. Shared by the rules
(`strategy_core.error_analysis.optimization`) and the store.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from strategy_core.errors import InputError

MAX_EXAMPLE_ID = 200
MAX_NOTE = 1000
MAX_RECORDS = 100_000


@dataclass(frozen=True)
class ScorePair:
    """One reviewed example: its id, S(y*) and S(y_out) (higher is a better score), and a
    note."""

    example_id: str
    score_correct: float
    score_output: float
    note: str = ""


@dataclass(frozen=True)
class ScoreChecks:
    """A run's recorded pairs and their edit version (0 while nothing is saved)."""

    run_key: int
    pairs: tuple[ScorePair, ...] = ()
    version: int = 0


def _score(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or \
            not math.isfinite(value):
        raise InputError(f"{what} must be a finite number, not {value!r}")
    return float(value)


def validate_pairs(pairs: Iterable[ScorePair]) -> tuple[ScorePair, ...]:
    """Ids present, short and unique; scores finite numbers; notes short. InputError names
    the record (its position, from 1) otherwise."""
    seen: set[str] = set()
    out: list[ScorePair] = []
    for position, pair in enumerate(pairs, start=1):
        example_id = " ".join(str(pair.example_id or "").split())
        if not example_id:
            raise InputError(f"record {position} has no example id")
        if len(example_id) > MAX_EXAMPLE_ID:
            raise InputError(f"record {position}: the example id is longer than "
                             f"{MAX_EXAMPLE_ID} characters")
        if example_id in seen:
            raise InputError(f"example '{example_id}' is recorded twice")
        seen.add(example_id)
        note = str(pair.note or "").strip()
        if len(note) > MAX_NOTE:
            raise InputError(f"record {position}: the note is longer than {MAX_NOTE} "
                             "characters")
        out.append(ScorePair(example_id, _score(pair.score_correct, f"record {position}: S(y*)"),
                             _score(pair.score_output, f"record {position}: S(y_out)"), note))
    if len(out) > MAX_RECORDS:
        raise InputError(f"at most {MAX_RECORDS:,} records, not {len(out):,}")
    return tuple(out)
