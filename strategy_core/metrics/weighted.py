"""Weighted error per run (docs/rules.md §3): weights per attribute value, and each run's plain and
weighted error side by side, saying whether the weights change the pick."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from strategy_core.errors import InputError
from strategy_core.metrics.common import TIE_TOLERANCE, _plain_number, _weight
from strategy_core.rates import format_pct

WEIGHT_ATTRIBUTES: tuple[str, ...] = ("source", "label", "prediction")


def parse_weight_map(text: str) -> dict[str, float]:
    """'web=10, mobile=1' → {'web': 10.0, 'mobile': 1.0} (commas or new lines between pairs)."""
    weights: dict[str, float] = {}
    for item in re.split(r"[,\n;]", text or ""):
        if not item.strip():
            continue
        value_name, sep, number = item.rpartition("=")
        if not sep or not value_name.strip():
            raise InputError(f"weight '{item.strip()}' must look like value=weight "
                             "(e.g. web=10)")
        value_name = value_name.strip()
        if value_name in weights:
            raise InputError(f"the weight for '{value_name}' is given twice")
        weights[value_name] = _weight(number.strip(), what=f"weight for '{value_name}'")
    return weights


def describe_weighting(weight_by: str | None, weight_map: Mapping[str, float] | None = None,
                       default_weight: float = 1.0) -> str:
    """'the weight column' or 'source: web ×10, other values ×1'."""
    if weight_by is None:
        return "the file's weight column (blank counts as 1)"
    listed = ", ".join(f"{value} ×{_plain_number(float(w))}"
                       for value, w in (weight_map or {}).items())
    rest = f"other values ×{_plain_number(float(default_weight))}"
    return f"{weight_by}: {listed + ', ' if listed else ''}{rest}"


@dataclass(frozen=True)
class WeightedRow:
    """One run's plain and weighted error on the predictions of one split."""

    run_name: str
    n: int
    unweighted_error: float | None
    weighted_error: float | None


@dataclass(frozen=True)
class WeightedComparison:
    """Plain and weighted error side by side per run, and whether the weights change the pick."""

    weighting: str
    rows: tuple[WeightedRow, ...]
    best_weighted: str | None
    best_unweighted: str | None
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "weighting": self.weighting,
            "best_weighted": self.best_weighted,
            "best_unweighted": self.best_unweighted,
            "runs": [{"name": r.run_name, "n": r.n, "unweighted_error": r.unweighted_error,
                      "weighted_error": r.weighted_error} for r in self.rows],
        }


def compare_weighted(rows: Sequence[Any], weighting: str) -> WeightedComparison:
    """Weighted error = Σ w·[wrong] / Σ w per run next to the plain error (4.3).

    `rows` carry run_name, n, unweighted_error, weighted_error (the store's WeightedError).
    The run with the lowest weighted error is the pick; ties go to the first listed.
    """
    table = tuple(WeightedRow(str(r.run_name), int(r.n), r.unweighted_error, r.weighted_error)
                  for r in rows)
    best_w = _lowest(table, "weighted_error")
    best_u = _lowest(table, "unweighted_error")
    reasons = [f"Weights: {weighting}."]
    if best_w is None:
        reasons.append("No run has predictions with a positive total weight on this split.")
    else:
        row = next(r for r in table if r.run_name == best_w)
        reasons.insert(0, f"{best_w} has the lowest weighted error, "
                          f"{format_pct(row.weighted_error)} (plain error "
                          f"{format_pct(row.unweighted_error)}).")
        if best_u is not None and best_u != best_w:
            plain = next(r for r in table if r.run_name == best_u)
            reasons.append(
                f"The weights change the pick: on the plain error {best_u} is best "
                f"({format_pct(plain.unweighted_error)}), but its mistakes fall on examples "
                f"that weigh more ({format_pct(plain.weighted_error)} weighted).")
        heavier = [r.run_name for r in table if r.weighted_error is not None
                   and r.unweighted_error is not None
                   and r.weighted_error > r.unweighted_error + 0.005]
        if heavier:
            reasons.append(f"Weighted error above plain error (by more than half a point) for "
                           f"{', '.join(heavier[:5])}{'…' if len(heavier) > 5 else ''}: "
                           "these runs miss the examples that matter most.")
    missing = [r.run_name for r in table if r.weighted_error is None]
    if missing:
        reasons.append(f"No weighted error for {', '.join(missing[:5])}"
                       f"{'…' if len(missing) > 5 else ''}: no predictions with weight on "
                       "this split.")
    return WeightedComparison(weighting, table, best_w, best_u, tuple(reasons))


def _lowest(rows: Sequence[WeightedRow], attribute: str) -> str | None:
    best: tuple[float, str] | None = None
    for row in rows:
        value = getattr(row, attribute)
        if value is None:
            continue
        if best is None or value < best[0] - TIE_TOLERANCE:
            best = (value, row.run_name)
    return None if best is None else best[1]
