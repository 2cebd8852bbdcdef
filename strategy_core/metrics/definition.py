"""The team's metric definition (docs/rules.md §3): what it optimizes and which thresholds every
other metric must meet, as kept in the project's settings; the usual starting point;
selection over the project's runs; and the Pareto front of two metrics."""

from __future__ import annotations

import re
from collections.abc import Sequence

from strategy_core.metrics.common import default_direction
from strategy_core.metrics.project_runs import check_known_metrics, run_metrics
from strategy_core.metrics.selection import Selection, select_run
from strategy_core.runs import Run
from strategy_core.values.metrics import Constraint, Objective, SelectionDefinition

# The definition itself (a value the store keeps in a project's settings) lives in
# `strategy_core.values.metrics`; re-exported here.
__all__ = ["SelectionDefinition", "pareto_front", "select_from_runs", "suggest_definition"]


def suggest_definition(metrics: Sequence[str]) -> SelectionDefinition:
    """The usual starting point: minimize dev_error; when a latency metric is recorded, keep
    it ≤ 100 ms (docs/rules.md §3's example threshold; 0.1 when the metric is in seconds)."""
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
