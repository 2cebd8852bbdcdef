"""The store of docs/rules.md §21–22 (migration 8): the six-box boxes and the Optimization
Verification records are per project, versioned, refused whole on bad input or a stale
save, removed with their project and carried by a project's backup bundle."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from strategy_core.errors import ConflictError, InputError, NotFoundError, ReadOnlyError
from strategy_core.runs import Run
from strategy_core.store import Store, open_store
from strategy_core.store.bundles import export_bundle, restore_bundle
from strategy_core.store.migrations import MIGRATIONS
from strategy_core.values.optimization import ScorePair
from strategy_core.values.project_metric import PRESETS

TABLES = ("distribution_human_levels", "trained_target_levels", "optimization_checks")


def project_with_boxes(store: Store, name: str = "Boxes") -> tuple[int, int]:
    project = store.projects.create(name)
    store.runs.save_run(project.id, Run(name="r", train_error=0.02, dev_error=0.09))
    run = store.runs.by_name(project.id, "r")
    store.six_box.set_distribution_level(project.id, "target", 0.03)
    store.six_box.set_trained_target(project.id, run.key, 0.05, 400)
    store.optimization.save_checks(project.id, run.key, [ScorePair("u1", -1.0, -2.0, "beam"),
                                                         ScorePair("u2", -3.0, -1.0)])
    return project.id, run.key  # type: ignore[return-value]


def counts(store: Store) -> dict[str, int]:
    with store.read() as cur:
        return {t: int(cur.scalar(f"SELECT count(*) FROM {t}")) for t in TABLES}


def test_migration_8_adds_the_three_tables(store: Store) -> None:
    assert max(m.version for m in MIGRATIONS) >= 8
    (migration,) = [m for m in MIGRATIONS if m.version == 8]
    assert all(any(table in s for s in migration.statements) for table in TABLES)
    assert counts(store) == dict.fromkeys(TABLES, 0)


def test_rows_read_back_with_versions(store: Store) -> None:
    project_id, run_key = project_with_boxes(store)
    level = store.six_box.distribution_level(project_id, "target")
    trained = store.six_box.trained_target(project_id, run_key)
    checks = store.optimization.checks(project_id, run_key)
    assert (level.level, trained.level, trained.n) == (0.03, 0.05, 400)
    assert [p.example_id for p in checks.pairs] == ["u1", "u2"] and checks.pairs[0].note == "beam"
    assert level.version > 0 and trained.version > 0 and checks.version > 0
    assert store.optimization.counts(project_id) == {run_key: 2}
    with pytest.raises(ConflictError) as stale:
        store.six_box.set_distribution_level(project_id, "target", 0.04, expected=0)
    assert stale.value.current == level
    with pytest.raises(ConflictError):
        store.six_box.set_trained_target(project_id, run_key, 0.06, expected=0)
    with pytest.raises(ConflictError):
        store.optimization.save_checks(project_id, run_key, [], expected=0)
    assert store.optimization.save_checks(project_id, run_key, [],
                                          expected=checks.version).version == 0


def test_bad_values_write_nothing(store: Store) -> None:
    project_id, run_key = project_with_boxes(store)
    before = counts(store)
    with pytest.raises(InputError, match="outside the range of F1"):
        store.six_box.set_distribution_level(project_id, "target", 1.4, metric=PRESETS["f1"])
    with pytest.raises(InputError, match="distribution 'training'"):
        store.six_box.set_distribution_level(project_id, "training", 0.01)
    with pytest.raises(InputError, match="recorded twice"):
        store.optimization.save_checks(project_id, run_key, [ScorePair("a", 1.0, 2.0),
                                                             ScorePair("a", 1.0, 3.0)])
    with pytest.raises(InputError, match="finite number"):
        store.optimization.save_checks(project_id, run_key, [ScorePair("a", float("inf"),
                                                                       2.0)])
    with pytest.raises(NotFoundError):
        store.optimization.save_checks(project_id, 9_999, [ScorePair("a", 1.0, 2.0)])
    with pytest.raises(NotFoundError):
        store.six_box.set_distribution_level(9_999, "target", 0.01)
    with pytest.raises(ReadOnlyError):
        store.as_viewer().six_box.set_distribution_level(project_id, "target", 0.01)
    assert counts(store) == before


def test_a_project_delete_removes_its_rows_only(store: Store) -> None:
    doomed, _ = project_with_boxes(store, "Doomed")
    project_with_boxes(store, "Kept")
    store.projects.delete(doomed)
    assert counts(store) == {"distribution_human_levels": 1, "trained_target_levels": 1,
                             "optimization_checks": 2}


def test_a_project_bundle_carries_the_rows(store: Store, tmp_path: Path) -> None:
    project_id, _ = project_with_boxes(store)
    export_bundle(store, tmp_path / "p.zip", project_id)
    other = open_store(str(tmp_path / "other.duckdb"))
    try:
        restore_bundle(other, (tmp_path / "p.zip").read_bytes())
        assert counts(other) == counts(store)
        project = other.projects.by_slug("boxes")
        run = other.runs.by_name(project.id, "r")
        assert other.optimization.checks(project.id, run.key).pairs[1] == ScorePair(
            "u2", -3.0, -1.0)
    finally:
        other.database.close()


def test_a_schema_7_database_gains_the_tables(isolated_db: Path) -> None:
    con = duckdb.connect(str(isolated_db))
    try:
        con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                    "name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT "
                    "current_timestamp)")
        for migration in [m for m in MIGRATIONS if m.version < 8]:
            for statement in migration.statements:
                con.execute(statement)
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                        [migration.version, migration.name])
        con.execute("INSERT INTO projects (name, slug) VALUES ('Old', 'old')")
    finally:
        con.close()
    store = open_store(str(isolated_db))
    try:
        project = store.projects.by_slug("old")
        assert store.database.schema_version() >= 8
        assert store.six_box.set_distribution_level(project.id, "target", 0.02).level == 0.02
    finally:
        store.database.close()
