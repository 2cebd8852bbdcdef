"""The project's runs as metric values (docs/rules.md §3): each run's error fields and extra
metrics by name, which metrics a selection can use, and the check that a named metric is
one the project records."""

from __future__ import annotations

from collections.abc import Sequence

from strategy_core.errors import InputError
from strategy_core.metrics.selection import RunMetrics, known_metrics
from strategy_core.runs import ERROR_FIELDS, Run


def run_metrics(runs: Sequence[Run]) -> list[RunMetrics]:
    """Each run's error fields and extra metrics by name, ready for selection (4.3)."""
    out = []
    for run in runs:
        values: dict[str, float | None] = dict(run.errors())
        values.update(run.metrics)
        out.append(RunMetrics(run.name, values))
    return out


def selectable_metrics(runs: Sequence[Run]) -> list[str]:
    """Metrics a selection can use: the error fields some run has, then the extra metrics."""
    recorded = known_metrics(run_metrics(runs))
    fields = [f for f in ERROR_FIELDS if f in recorded]
    return fields + sorted(m for m in recorded if m not in ERROR_FIELDS)


def extra_metrics(runs: Sequence[Run]) -> list[str]:
    """The extra metrics (beyond the error fields) some run records, sorted by name."""
    return sorted(known_metrics([RunMetrics(r.name, r.metrics) for r in runs]))


def check_known_metrics(metrics: Sequence[str], runs: Sequence[Run]) -> None:
    """A metric is known when it is a run error field or an extra metric of some run.

    An unknown name is a typo, not a missing value: raise InputError listing the known ones.
    """
    extras = {name for run in runs for name in run.metrics}
    for metric in metrics:
        if metric in ERROR_FIELDS or metric in extras:
            continue
        known = ", ".join([*ERROR_FIELDS, *sorted(extras)])
        raise InputError(f"unknown metric '{metric}': use a run error field or an extra "
                         f"metric of this project ({known})")
