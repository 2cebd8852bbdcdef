"""Optimization Verification records (docs/rules.md §22): per run, the reviewed examples
with S(y*) and S(y_out). A run's records are replaced together in one transaction and
share one edit version; a save names the version it read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from strategy_core.errors import ConflictError, NotFoundError
from strategy_core.values.optimization import ScoreChecks, ScorePair, validate_pairs

if TYPE_CHECKING:
    from strategy_core.store import Store
    from strategy_core.store.database import Cursor


class OptimizationRepo:
    def __init__(self, store: Store):
        self._store = store

    def checks(self, project_id: int, run_key: int) -> ScoreChecks:
        """The run's records in the order they were saved (none: version 0)."""
        with self._store.read() as cur:
            return _checks(cur, project_id, run_key)

    def counts(self, project_id: int) -> dict[int, int]:
        """Records per run that has any."""
        with self._store.read() as cur:
            rows = cur.execute("SELECT run_id, count(*) FROM optimization_checks WHERE "
                               "project_id = ? GROUP BY run_id", [project_id]).fetchall()
        return {int(run): int(n) for run, n in rows}

    def save_checks(self, project_id: int, run_key: int, pairs: Iterable[ScorePair], *,
                    expected: int | None = None) -> ScoreChecks:
        """Replace the run's records with `pairs` (none clears them). With `expected` (the
        version read, 0 for none) a save someone else's overtook raises ConflictError whose
        `current` holds theirs; nothing is written."""
        clean = validate_pairs(pairs)
        with self._store.write() as cur:
            if not cur.scalar("SELECT count(*) FROM runs WHERE id = ? AND project_id = ?",
                              [run_key, project_id]):
                raise NotFoundError(f"no run {run_key} in this project")
            current = _checks(cur, project_id, run_key)
            if expected is not None and current.version != expected:
                raise ConflictError(
                    f"someone else saved this run's scores since you opened them "
                    f"({len(current.pairs)} examples now)", current=current)
            cur.execute("DELETE FROM optimization_checks WHERE run_id = ?", [run_key])
            if clean:
                version = int(cur.scalar("SELECT nextval('edit_version_seq')"))
                cur.executemany(
                    "INSERT INTO optimization_checks (project_id, run_id, position, example_id, "
                    "score_correct, score_output, note, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [(project_id, run_key, position, p.example_id, p.score_correct,
                      p.score_output, p.note, version)
                     for position, p in enumerate(clean, start=1)])
        return self.checks(project_id, run_key)


def _checks(cur: Cursor, project_id: int, run_key: int) -> ScoreChecks:
    rows = cur.execute(
        "SELECT example_id, score_correct, score_output, note, version FROM "
        "optimization_checks WHERE project_id = ? AND run_id = ? ORDER BY position",
        [project_id, run_key]).fetchall()
    if not rows:
        return ScoreChecks(run_key)
    return ScoreChecks(run_key, tuple(ScorePair(r[0], float(r[1]), float(r[2]), r[3])
                                      for r in rows), int(rows[0][4]))
