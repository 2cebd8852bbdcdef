"""Sizing from what the project keeps in the store (SPEC 4.6): the two runs' disagreement
from their uploaded predictions, and the overview's line when the dev set is too small to
separate the project's two best runs. Every function here takes the `Store`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from strategy_core.errors import InputError
from strategy_core.rates import format_pct, format_points
from strategy_core.runs import Run
from strategy_core.sizing.common import _short
from strategy_core.sizing.project_runs import DisagreementCounts, compare_runs, runs_by_dev_error

if TYPE_CHECKING:
    from strategy_core.store import Store

def prediction_disagreement(
    store: Store, project_id: int, run_a: Run, run_b: Run
) -> DisagreementCounts | None:
    """The two runs' disagreement on common dev examples, when both have predictions."""
    repo = getattr(store, "predictions", None)
    if repo is None or run_a.key is None or run_b.key is None:
        return None
    uploaded = set(repo.runs_with_predictions(project_id))
    if run_a.key not in uploaded or run_b.key not in uploaded:
        return None
    counts = repo.disagreement(project_id, run_a.key, run_b.key, "dev")
    return counts if counts.n_common > 0 else None


def overview_line(store: Store, project_id: int) -> str | None:
    """A line for the overview when the dev set is too small to separate the project's two
    best runs (lowest dev error; paired when both have predictions), else None (4.6).

    Plain text holding run names: escape it before putting it into Markdown.
    """
    ranked = runs_by_dev_error(store.runs.list(project_id))
    if len(ranked) < 2:
        return None
    best, second = ranked[0], ranked[1]
    try:
        comparison = compare_runs(
            best, second, predictions=prediction_disagreement(store, project_id, best, second))
    except InputError:
        return None  # no dev size recorded: nothing to say
    check = comparison.check
    if check.can_separate:
        return None
    pair = (f"{_short(best.name)} ({format_pct(comparison.error_a)}) and "
            f"{_short(second.name)} ({format_pct(comparison.error_b)})")
    if check.n_needed is None:
        return (f"The two best runs, {pair}, have the same dev error: the dev set cannot "
                "tell them apart.")
    kind = "paired" if check.method == "mcnemar" else "unpaired"
    return (
        f"The dev set ({comparison.n_dev:,} examples) is too small to tell the two best runs "
        f"apart: {pair} differ by {format_points(check.delta)}, which needs about "
        f"{check.n_needed:,} examples ({kind}). Treat them as equally good or grow the dev set."
    )
