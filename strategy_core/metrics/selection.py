"""Optimizing + satisficing selection (docs/rules.md §3): the objective and the thresholds, parsed
from text, and the best run on the objective among the runs that meet every threshold."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from strategy_core.metrics.common import TIE_TOLERANCE, _known_value, _show
from strategy_core.values.metrics import (
    Constraint,
    Objective,
    parse_constraint,
    parse_objective,
)

# The objective and the thresholds (values shared with the store) live in
# `strategy_core.values.metrics`; re-exported here.
__all__ = [
    "Constraint",
    "Objective",
    "RunMetrics",
    "Selection",
    "known_metrics",
    "parse_constraint",
    "parse_objective",
    "select_run",
]


@dataclass(frozen=True)
class RunMetrics:
    """A run's name and its metric values (None or absent when the run did not record it)."""

    name: str
    values: Mapping[str, float | None]


@dataclass(frozen=True)
class Selection:
    """Outcome of optimizing + satisficing selection (4.3).

    ``feasible`` is best first; ``infeasible`` lists the thresholds each run misses;
    ``missing`` lists runs that lack the optimizing metric or a constrained one.
    """

    objective: Objective
    constraints: tuple[Constraint, ...]
    winner: str | None
    tied: bool
    tied_with: tuple[str, ...]
    feasible: tuple[tuple[str, float], ...]
    infeasible: tuple[tuple[str, tuple[str, ...]], ...]
    missing: tuple[tuple[str, tuple[str, ...]], ...]
    reasons: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict:
        return {
            "winner": self.winner,
            "feasible": [{"name": name, "value": value} for name, value in self.feasible],
            "infeasible": [
                {"name": name, "violations": list(violations)}
                for name, violations in self.infeasible
            ],
            "missing": [{"name": name, "metrics": list(metrics)} for name, metrics in self.missing],
        }


def select_run(
    runs: Sequence[RunMetrics], objective: Objective, constraints: Sequence[Constraint] = ()
) -> Selection:
    """Best run on the optimizing metric among runs meeting every threshold (4.3).

    Example: accuracy 90%/80 ms, 92%/95 ms, 95%/1,500 ms with latency_ms<=100 → the 92% run
    wins; the 95% run is infeasible. A run lacking a needed metric is listed as missing.
    Ties: values within 1e-12 of each other keep the caller's order, so the first such run
    listed wins, and ``tied``/``tied_with`` say so.
    """
    constraints = tuple(constraints)
    feasible, infeasible, missing, reasons = _sort_runs(runs, objective, constraints)
    ranked = _rank(feasible, objective.direction)
    winner = ranked[0][1] if ranked else None
    leaders = [name for _, name, value in ranked if abs(value - ranked[0][2]) <= TIE_TOLERANCE]
    tied = len(leaders) > 1
    if winner is None:
        if not runs:
            reasons.insert(0, "There are no runs to choose from.")
        else:
            reasons.insert(
                0,
                "No run meets every threshold with the metrics recorded: relax a threshold "
                "or record the missing metrics.",
            )
    else:
        reasons.insert(0, _winner_sentence(ranked, leaders, objective, constraints))
    return Selection(
        objective=objective,
        constraints=constraints,
        winner=winner,
        tied=tied,
        tied_with=tuple(leaders[1:]) if tied else (),
        feasible=tuple((name, value) for _, name, value in ranked),
        infeasible=tuple(infeasible),
        missing=tuple(missing),
        reasons=tuple(reasons),
    )


# A feasible run: (position in the caller's list, name, objective value); a run left out:
# (name, the thresholds it misses or the metrics it lacks).
_Feasible = tuple[int, str, float]
_LeftOut = tuple[str, tuple[str, ...]]


def _sort_runs(
    runs: Sequence[RunMetrics], objective: Objective, constraints: tuple[Constraint, ...]
) -> tuple[list[_Feasible], list[_LeftOut], list[_LeftOut], list[str]]:
    """Feasible runs (position, name, objective value), infeasible ones with the thresholds
    they miss, runs missing a needed metric, and a reason for each run left out."""
    needed = list(dict.fromkeys([objective.metric, *(c.metric for c in constraints)]))
    feasible: list[_Feasible] = []
    infeasible: list[_LeftOut] = []
    missing: list[_LeftOut] = []
    reasons: list[str] = []
    for index, run in enumerate(runs):
        values = {m: _known_value(run.values.get(m)) for m in needed}
        absent = tuple(m for m in needed if values[m] is None)
        if absent:
            missing.append((run.name, absent))
            reasons.append(
                f"{run.name} has no {', '.join(absent)}, so it cannot be judged; record "
                f"{'it' if len(absent) == 1 else 'them'} to include the run."
            )
            continue
        violations = tuple(str(c) for c in constraints if not c.satisfied_by(values[c.metric]))
        if violations:
            infeasible.append((run.name, violations))
            misses = "; ".join(
                f"{c.metric} is {_show(c.metric, values[c.metric])}, needs "
                f"{c.describe().removeprefix(c.metric).strip()}"
                for c in constraints
                if str(c) in violations
            )
            reasons.append(f"{run.name} is infeasible: {misses}.")
            continue
        feasible.append((index, run.name, values[objective.metric]))
    return feasible, infeasible, missing, reasons


def _winner_sentence(
    ranked: list[_Feasible],
    leaders: list[str],
    objective: Objective,
    constraints: tuple[Constraint, ...],
) -> str:
    """The winner, its value, among which runs and thresholds, and any tie."""
    winner = ranked[0][1]
    best = "lowest" if objective.direction == "min" else "highest"
    runs_text = f"{len(ranked)} run{'s' if len(ranked) != 1 else ''}"
    if constraints:
        scope = (f"among {runs_text} that meet every threshold (thresholds: "
                 f"{', '.join(c.describe() for c in constraints)})")
    else:
        scope = f"among {runs_text} (no thresholds set)"
    sentence = (
        f"{winner} wins with the {best} {objective.metric} "
        f"({_show(objective.metric, ranked[0][2])}) {scope}."
    )
    if len(leaders) > 1:
        sentence += (
            f" It ties with {', '.join(leaders[1:])}; ties go to the run listed first."
        )
    return sentence


def known_metrics(runs: Sequence[RunMetrics]) -> list[str]:
    """Every metric name some run has a value for, in first-seen order."""
    seen: dict[str, None] = {}
    for run in runs:
        for metric, value in run.values.items():
            if _known_value(value) is not None:
                seen.setdefault(metric, None)
    return list(seen)


def _rank(
    feasible: list[tuple[int, str, float]], direction: str
) -> list[tuple[int, str, float]]:
    """Sort best first; runs within TIE_TOLERANCE of a group's best keep the caller's order."""
    sign = 1.0 if direction == "min" else -1.0
    ordered = sorted(feasible, key=lambda row: (sign * row[2], row[0]))
    ranked: list[tuple[int, str, float]] = []
    group: list[tuple[int, str, float]] = []
    for row in ordered:
        if group and abs(row[2] - group[0][2]) > TIE_TOLERANCE:
            ranked.extend(sorted(group))
            group = []
        group.append(row)
    ranked.extend(sorted(group))
    return ranked
