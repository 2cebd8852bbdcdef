"""The team's metric definition (SPEC 4.3): what it optimizes and which thresholds every
other metric must meet, as kept in the project's settings; the usual starting point;
selection over the project's runs; and the Pareto front of two metrics."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from strategy_core.errors import InputError
from strategy_core.metrics.common import default_direction
from strategy_core.metrics.project_runs import check_known_metrics, run_metrics
from strategy_core.metrics.selection import (
    Constraint,
    Objective,
    Selection,
    parse_constraint,
    parse_objective,
    select_run,
)
from strategy_core.runs import Run


@dataclass(frozen=True)
class SelectionDefinition:
    """What the team optimizes and which thresholds every other metric must meet (4.3)."""

    objective: Objective
    constraints: tuple[Constraint, ...] = ()

    def metrics(self) -> list[str]:
        """Every metric the definition names, objective first."""
        return list(dict.fromkeys([self.objective.metric, *(c.metric for c in self.constraints)]))

    def statement(self) -> str:
        """'Optimize dev_error (lower is better) subject to latency_ms ≤ 100.'"""
        better = "lower" if self.objective.direction == "min" else "higher"
        text = f"Optimize {self.objective.metric} ({better} is better)"
        if self.constraints:
            text += " subject to " + " and ".join(c.describe() for c in self.constraints)
        return text + "."

    def as_setting(self) -> dict[str, Any]:
        """The JSON kept in the project's settings (and given to the command line)."""
        return {"optimize": str(self.objective), "satisfy": [str(c) for c in self.constraints]}

    @classmethod
    def from_setting(cls, value: Mapping[str, Any]) -> SelectionDefinition:
        """Read back what `as_setting` wrote."""
        if not isinstance(value, Mapping) or "optimize" not in value:
            raise InputError("a saved metric definition needs an 'optimize' entry")
        return cls(parse_objective(value["optimize"]),
                   tuple(parse_constraint(text) for text in value.get("satisfy", ())))


def suggest_definition(metrics: Sequence[str]) -> SelectionDefinition:
    """The usual starting point: minimize dev_error; when a latency metric is recorded, keep
    it ≤ 100 ms (SPEC 4.3's example threshold; 0.1 when the metric is in seconds)."""
    objective = Objective("dev_error", "min")
    if "dev_error" not in metrics:
        for metric in metrics:
            objective = Objective(metric, default_direction(metric))
            break
    for metric in metrics:
        words = re.split(r"[^a-z0-9]+", metric.lower())
        if "latency" in words and metric != objective.metric:
            seconds = bool({"s", "sec", "secs", "seconds"} & set(words))
            return SelectionDefinition(objective, (Constraint(metric, "<=", 0.1 if seconds
                                                              else 100.0),))
    return SelectionDefinition(objective)


def select_from_runs(runs: Sequence[Run], definition: SelectionDefinition) -> Selection:
    """Optimizing + satisficing over a project's runs; an unknown metric is an InputError."""
    check_known_metrics(definition.metrics(), runs)
    return select_run(run_metrics(runs), definition.objective, definition.constraints)


def pareto_front(points: Sequence[tuple[str, float, float]], x_direction: str,
                 y_direction: str) -> list[str]:
    """Names of the points no other point beats on both axes (ties on both keep both).

    Directions are 'min' or 'max' per axis; the front is returned sorted along x. One sort
    and one sweep, so thousands of runs stay fast.
    """
    sx = 1.0 if x_direction == "min" else -1.0
    sy = 1.0 if y_direction == "min" else -1.0
    ordered = sorted(points, key=lambda p: (sx * p[1], sy * p[2]))
    front: list[tuple[float, float, str]] = []
    best: tuple[float, float] | None = None
    for name, x, y in ordered:
        key = (sx * x, sy * y)
        if best is None or key[1] < best[1] or key == best:
            front.append((x, y, name))
            best = key
    return [name for _, _, name in sorted(front)]
