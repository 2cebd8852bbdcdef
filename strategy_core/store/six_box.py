"""The six-box table's recorded boxes (docs/rules.md §21): the human level on the dev/test
distribution, per project, and a run's level on dev/test-distribution examples it trained
on. Each row carries an edit version; a save names the version it read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from strategy_core.errors import ConflictError, NotFoundError
from strategy_core.values.project_metric import ERROR_RATE, ProjectMetric
from strategy_core.values.six_box import (
    DISTRIBUTIONS,
    DistributionLevel,
    TrainedTargetLevel,
    check_distribution,
    check_level,
    check_size,
)

if TYPE_CHECKING:
    from strategy_core.store import Store
    from strategy_core.store.database import Cursor


class SixBoxRepo:
    def __init__(self, store: Store):
        self._store = store

    # -- human level per distribution -------------------------------------------------
    def distribution_level(self, project_id: int, distribution: str) -> DistributionLevel | None:
        with self._store.read() as cur:
            return _distribution_level(cur, project_id, check_distribution(distribution))

    def set_distribution_level(self, project_id: int, distribution: str, level: float | None,
                               *, expected: int | None = None,
                               metric: ProjectMetric = ERROR_RATE) -> DistributionLevel | None:
        """Record (or, with None, clear) the human level on `distribution`. With `expected`
        (the version read, 0 for none) a save someone else's overtook raises ConflictError
        whose `current` is theirs."""
        check_distribution(distribution)
        value = None if level is None else check_level(
            level, f"human level on the {DISTRIBUTIONS[distribution]}", metric)
        with self._store.write() as cur:
            _require_project(cur, project_id)
            current = _distribution_level(cur, project_id, distribution)
            if expected is not None and (0 if current is None else current.version) != expected:
                raise ConflictError("someone else saved this human level since you opened it",
                                    current=current)
            cur.execute("DELETE FROM distribution_human_levels WHERE project_id = ? AND "
                        "distribution = ?", [project_id, distribution])
            if value is not None:
                cur.execute("INSERT INTO distribution_human_levels (project_id, distribution, "
                            "level, version) VALUES (?, ?, ?, nextval('edit_version_seq'))",
                            [project_id, distribution, value])
        return self.distribution_level(project_id, distribution)

    # -- a run's level on trained-on dev/test-distribution examples ------------------
    def trained_target(self, project_id: int, run_key: int) -> TrainedTargetLevel | None:
        with self._store.read() as cur:
            return _trained_target(cur, project_id, run_key)

    def set_trained_target(self, project_id: int, run_key: int, level: float | None,
                           n: int | None = None, *, expected: int | None = None,
                           metric: ProjectMetric = ERROR_RATE) -> TrainedTargetLevel | None:
        """Record (or, with None, clear) a run's level on dev/test-distribution examples it
        trained on, measured on `n` examples when known; `expected` as above."""
        value = None if level is None else check_level(
            level, "the level on trained-on dev/test examples", metric)
        size = check_size(n, "the number of trained-on dev/test examples")
        with self._store.write() as cur:
            if not cur.scalar("SELECT count(*) FROM runs WHERE id = ? AND project_id = ?",
                              [run_key, project_id]):
                raise NotFoundError(f"no run {run_key} in this project")
            current = _trained_target(cur, project_id, run_key)
            if expected is not None and (0 if current is None else current.version) != expected:
                raise ConflictError("someone else saved this run's box since you opened it",
                                    current=current)
            cur.execute("DELETE FROM trained_target_levels WHERE run_id = ?", [run_key])
            if value is not None:
                cur.execute("INSERT INTO trained_target_levels (project_id, run_id, level, n, "
                            "version) VALUES (?, ?, ?, ?, nextval('edit_version_seq'))",
                            [project_id, run_key, value, size])
        return self.trained_target(project_id, run_key)


def _require_project(cur: Cursor, project_id: int) -> None:
    if not cur.scalar("SELECT count(*) FROM projects WHERE id = ?", [project_id]):
        raise NotFoundError(f"no project with id {project_id}")


def _distribution_level(cur: Cursor, project_id: int,
                        distribution: str) -> DistributionLevel | None:
    row = cur.execute("SELECT level, version FROM distribution_human_levels WHERE "
                      "project_id = ? AND distribution = ?", [project_id, distribution]
                      ).fetchone()
    return None if row is None else DistributionLevel(distribution, float(row[0]), int(row[1]))


def _trained_target(cur: Cursor, project_id: int, run_key: int) -> TrainedTargetLevel | None:
    row = cur.execute("SELECT level, n, version FROM trained_target_levels WHERE "
                      "project_id = ? AND run_id = ?", [project_id, run_key]).fetchone()
    return None if row is None else TrainedTargetLevel(
        run_key, float(row[0]), None if row[1] is None else int(row[1]), int(row[2]))
