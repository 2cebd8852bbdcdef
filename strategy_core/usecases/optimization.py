"""The Optimization Verification test (docs/rules.md §22; MLY ch. 44–46): a run's reviewed
mistakes with S(y*) and S(y_out), read, checked and saved, and the verdict (the search or
the objective is at fault). The Error analysis page and `verify-optimization` call it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from strategy_core.error_analysis.optimization import (
    OptimizationCheck,
    column_roles,
    pairs_from_rows,
    read_pairs_csv,
    verify_optimization,
)
from strategy_core.runs import Run
from strategy_core.store import Store
from strategy_core.usecases.diagnosis import choose_run
from strategy_core.usecases.project_metric import project_metric
from strategy_core.usecases.projects import get_project
from strategy_core.values.optimization import ScoreChecks, ScorePair


@dataclass(frozen=True)
class VerificationAnswer:
    """A run's recorded pairs (with their version) and the test's result."""

    run: Run
    checks: ScoreChecks
    result: OptimizationCheck

    def as_dict(self) -> dict:
        return {"run": self.run.name, **self.result.as_dict(),
                "examples": [{"example_id": p.example_id, "score_correct": p.score_correct,
                              "score_output": p.score_output, "note": p.note,
                              "fault": self.result.fault(p)} for p in self.checks.pairs]}


def recorded_runs(store: Store, project_id: int) -> dict[int, int]:
    """Records per run that has any (run key → examples)."""
    return store.optimization.counts(project_id)


def verification(store: Store, project_id: int,
                 run_name: str | None = None) -> VerificationAnswer:
    """The run's (default the newest's) recorded pairs and the verdict; with an error-rate
    project the reasons bound how much of the run's dev error each side could remove."""
    run = choose_run(store, get_project(store, project_id), run_name)
    checks = store.optimization.checks(project_id, run.key)  # type: ignore[arg-type]
    result = verify_optimization(checks.pairs, run.dev_error, project_metric(store, project_id))
    return VerificationAnswer(run, checks, result)


def pairs_from_table(rows: Iterable[Mapping[str, object]]) -> tuple[ScorePair, ...]:
    """An edited table (columns example_id, score_correct, score_output, note) into pairs;
    InputError names the table row (from 1) and the column."""
    rows = list(rows)
    headers: Sequence[str] = list(rows[0]) if rows else list(
        ("example_id", "score_correct", "score_output", "note"))
    return pairs_from_rows(rows, column_roles(headers), first_row=1)


def save_pairs(store: Store, project_id: int, run_name: str | None,
               pairs: Iterable[ScorePair], *, expected: int | None = None) -> ScoreChecks:
    """Replace the run's (default the newest's) records; refused (nothing written) on bad
    values or when someone else saved since version `expected`."""
    run = choose_run(store, get_project(store, project_id), run_name)
    return store.optimization.save_checks(project_id, run.key,  # type: ignore[arg-type]
                                          pairs, expected=expected)


def import_pairs_csv(store: Store, project_id: int, run_name: str | None, data: bytes, *,
                     expected: int | None = None) -> ScoreChecks:
    """Read a CSV of reviewed examples and replace the run's records with it; a bad file is
    refused whole with the row and column, nothing written."""
    pairs = read_pairs_csv(data)
    return save_pairs(store, project_id, run_name, pairs, expected=expected)
