"""The DuckDB store: migrations, connection cache, data version, viewers, the write lock,
projects, human levels and the demo seeding."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from strategy_core.errors import InputError, NotFoundError, ReadOnlyError, StoreError
from strategy_core.human_level import HumanLevel, HumanLevels, validate_levels
from strategy_core.runs import Run
from strategy_core.settings import DEFAULT_DB_PATH, REPO_ROOT, resolve_db_path
from strategy_core.store import Store, open_store
from strategy_core.store.database import Database
from strategy_core.store.migrations import MIGRATIONS, PROJECT_TABLES
from strategy_core.usecases.demo import DEMO_DIR, DEMO_NAME, DEMO_NAMES, seed_demo

LATEST = max(m.version for m in MIGRATIONS)


def dump(store: Store) -> dict[str, list[str]]:
    """Every row of every table (sorted), to compare a database before and after."""
    with store.read() as cur:
        tables = [row[0] for row in cur.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' ORDER BY table_name").fetchall()]
        # Table names come from the catalog, not from input.
        return {t: sorted(repr(r) for r in cur.execute(f"SELECT * FROM {t}").fetchall())
                for t in tables}


def applied_versions(store: Store) -> list[int]:
    with store.read() as cur:
        return [r[0] for r in cur.execute(
            "SELECT version FROM schema_migrations ORDER BY version").fetchall()]


def a_run(name: str, dev: float = 0.1, **extra) -> Run:
    return Run(name=name, dev_error=dev, **extra)


# --- migrations ----------------------------------------------------------------------------


def test_migrations_numbered_and_append_only():
    versions = [m.version for m in MIGRATIONS]
    assert versions == list(range(1, len(MIGRATIONS) + 1))
    assert len({m.name for m in MIGRATIONS}) == len(MIGRATIONS)


def test_new_file_gets_every_migration_recorded(isolated_db: Path):
    assert not isolated_db.exists()
    store = open_store(str(isolated_db))
    try:
        assert isolated_db.exists()
        assert applied_versions(store) == [m.version for m in MIGRATIONS]
        assert store.database.schema_version() == LATEST
        with store.read() as cur:
            names = dict(cur.execute("SELECT version, name FROM schema_migrations").fetchall())
        assert names == {m.version: m.name for m in MIGRATIONS}
    finally:
        store.database.close()


def test_reopen_applies_nothing_again_and_keeps_data(isolated_db: Path):
    store = open_store(str(isolated_db))
    project = store.projects.create("Kept")
    store.runs.import_runs(project.id, [a_run("r1")], source="t.csv", fmt="generic")
    with store.read() as cur:
        first = cur.execute("SELECT version, applied_at FROM schema_migrations "
                            "ORDER BY version").fetchall()
    before = dump(store)
    store.database.close()
    for _ in range(2):
        reopened = open_store(str(isolated_db))
        with reopened.read() as cur:
            again = cur.execute("SELECT version, applied_at FROM schema_migrations "
                                "ORDER BY version").fetchall()
        assert again == first
        assert dump(reopened) == before
        reopened.database.close()


def _database_at(path: Path, upto: int) -> None:
    """A database file as an older app left it: only MIGRATIONS[:upto] applied, with data."""
    con = duckdb.connect(str(path))
    try:
        con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                    "name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT "
                    "current_timestamp)")
        for migration in MIGRATIONS[:upto]:
            for statement in migration.statements:
                con.execute(statement)
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                        [migration.version, migration.name])
        con.execute("INSERT INTO projects (name, slug) VALUES ('Old project', 'old-project')")
        con.execute("INSERT INTO imports (project_id, kind, source, format, added) "
                    "VALUES (1, 'file', 'old.csv', 'generic', 1)")
        con.execute("INSERT INTO runs (project_id) VALUES (1)")
        con.execute("INSERT INTO run_versions (run_id, import_id, name, dev_error, n_dev) "
                    "VALUES (1, 1, 'old-run', 0.07, 2500)")
        con.execute("INSERT INTO run_values (version_id, kind, name, num, text) VALUES "
                    "(1, 'metric', 'latency_ms', 12.5, NULL), (1, 'param', 'arch', NULL, 'cnn')")
        con.execute("INSERT INTO human_levels (project_id, label, error) VALUES "
                    "(1, 'expert', 0.01)")
    finally:
        con.close()


@pytest.mark.parametrize("upto", range(1, len(MIGRATIONS)),
                         ids=[f"schema-{n}" for n in range(1, len(MIGRATIONS))])
def test_older_schema_with_data_migrates_and_keeps_the_data(isolated_db: Path, upto: int):
    _database_at(isolated_db, upto)
    store = open_store(str(isolated_db))
    try:
        assert applied_versions(store) == [m.version for m in MIGRATIONS]
        project = store.projects.by_slug("old-project")
        assert project is not None and project.name == "Old project" and project.runs == 1
        (run,) = store.runs.list(project.id)
        assert (run.name, run.dev_error, run.n_dev) == ("old-run", 0.07, 2500)
        assert run.metrics == {"latency_ms": 12.5} and run.params == {"arch": "cnn"}
        assert store.projects.human_levels(project.id).proxy == HumanLevel("expert", 0.01)
        # The migrated database works: new rows get fresh ids after the old ones.
        store.runs.import_runs(project.id, [a_run("new-run")], source="n.csv", fmt="generic")
        assert [r.name for r in store.runs.list(project.id)] == ["old-run", "new-run"]
    finally:
        store.database.close()


def test_newer_schema_is_refused_and_left_alone(isolated_db: Path):
    store = open_store(str(isolated_db))
    store.projects.create("Future")
    store.database.close()
    con = duckdb.connect(str(isolated_db))
    con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, 'from the future')",
                [LATEST + 1])
    con.close()
    with pytest.raises(StoreError, match=rf"newer version of the app \(schema {LATEST + 1}"
                       ) as refused:
        open_store(str(isolated_db))
    # Refused means closed again, even while the error (and its traceback) is still held:
    # the file can be opened (by a newer app, or here) at once.
    con = duckdb.connect(str(isolated_db))
    try:
        assert refused.value is not None
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchone() == (
            LATEST + 1,)
        assert con.execute("SELECT name FROM projects").fetchall() == [("Future",)]
    finally:
        con.close()


def test_a_folder_for_the_database_is_created(tmp_path: Path):
    path = tmp_path / "new" / "nested" / "strategy.duckdb"
    store = open_store(str(path))
    try:
        assert path.exists() and store.database.schema_version() == LATEST
    finally:
        store.database.close()


@pytest.mark.parametrize(
    ("env", "secrets", "expected"),
    [
        ({"STRATEGY_DB": "/tmp/x.duckdb"}, {"db_path": "/tmp/y.duckdb"}, "/tmp/x.duckdb"),
        ({}, {"db_path": "/tmp/y.duckdb"}, "/tmp/y.duckdb"),
        ({}, {}, str(DEFAULT_DB_PATH)),
        ({"STRATEGY_DB": "rel/db.duckdb"}, {}, str(REPO_ROOT / "rel" / "db.duckdb")),
        ({"STRATEGY_DB": "md:team_db"}, {}, "md:team_db"),
        ({"STRATEGY_DB": ":memory:"}, {}, ":memory:"),
    ],
    ids=["env-wins", "secret-db_path", "default-in-data", "relative-to-checkout",
         "duckdb-uri-kept", "memory"],
)
def test_database_path_resolution(env, secrets, expected):
    assert resolve_db_path(env=env, secrets=secrets) == expected


# --- connection cache, data version -----------------------------------------------------------


def test_one_database_per_path(isolated_db: Path, tmp_path: Path, monkeypatch):
    first = open_store(str(isolated_db))
    try:
        monkeypatch.chdir(isolated_db.parent)
        assert open_store(isolated_db.name).database is first.database
        assert open_store(str(isolated_db)).database is first.database
        other = open_store(str(tmp_path / "other.duckdb"))
        assert other.database is not first.database
        other.database.close()
        # Sessions share the database but not their rights.
        assert first.as_viewer().database is first.database
    finally:
        first.database.close()
    reopened = open_store(str(isolated_db))
    assert reopened.database is not first.database and not reopened.database.closed
    reopened.database.close()


def _writes() -> list[tuple[str, Callable[[Store, int], object]]]:
    return [
        ("create-project", lambda s, pid: s.projects.create("Another")),
        ("rename-project", lambda s, pid: s.projects.rename(pid, "Renamed")),
        ("import-runs", lambda s, pid: s.runs.import_runs(pid, [a_run("new")], source="x",
                                                           fmt="generic")),
        ("save-run", lambda s, pid: s.runs.save_run(pid, a_run("manual"))),
        ("edit-run", lambda s, pid: s.runs.save_run(pid, a_run("r1", 0.5),
                                                    key=s.runs.list(pid)[0].key)),
        ("delete-run", lambda s, pid: s.runs.delete_runs(pid, [s.runs.list(pid)[0].key])),
        ("undo-import", lambda s, pid: s.runs.undo_import(pid, s.runs.history(pid)[0].id)),
        ("human-levels", lambda s, pid: s.projects.set_human_levels(pid, [("expert", 0.01)])),
        ("bayes-proxy", lambda s, pid: s.projects.set_bayes_proxy(pid, "typical person")),
        ("setting", lambda s, pid: s.projects.set_setting(pid, "tolerance", 0.01)),
        ("decision", lambda s, pid: s.decisions.record(pid, "diagnosis", "Reduce bias", {},
                                                       "because", "ana")),
        ("delete-project", lambda s, pid: s.projects.delete(pid)),
    ]


def _project_with_data(store: Store) -> int:
    project = store.projects.create("Has data")
    store.runs.import_runs(project.id, [a_run("r1"), a_run("r2", 0.2)], source="f.csv",
                           fmt="generic")
    store.projects.set_human_levels(project.id, [("typical person", 0.03), ("expert", 0.01)])
    return project.id


@pytest.mark.parametrize("write", [w for _, w in _writes()], ids=[n for n, _ in _writes()])
def test_data_version_goes_up_on_every_write(store: Store, write):
    project_id = _project_with_data(store)
    version = store.version
    store.runs.list(project_id)
    store.projects.list()
    assert store.version == version, "reads do not change the data version"
    write(store, project_id)
    assert store.version > version


def test_failed_write_rolls_back_and_keeps_the_version(store: Store):
    project_id = _project_with_data(store)
    before, version = dump(store), store.version
    with pytest.raises(RuntimeError), store.write() as cur:
        cur.execute("DELETE FROM human_levels WHERE project_id = ?", [project_id])
        raise RuntimeError("half-way")
    assert dump(store) == before
    assert store.version == version


# --- viewers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("write", [w for _, w in _writes()], ids=[n for n, _ in _writes()])
def test_viewer_is_refused_every_write(store: Store, write):
    project_id = _project_with_data(store)
    store.projects.set_human_levels(project_id, [("typical person", 0.03), ("expert", 0.01)])
    before, version = dump(store), store.version
    viewer = store.as_viewer()
    assert viewer.can_write is False and store.can_write is True
    with pytest.raises(ReadOnlyError):
        write(viewer, project_id)
    assert dump(store) == before
    assert store.version == version
    assert viewer.runs.count(project_id) == 2, "viewers still read"


def test_viewer_cannot_open_a_write_transaction(store: Store):
    with pytest.raises(ReadOnlyError), store.as_viewer().write():
        pass  # pragma: no cover - never reached


# --- the write lock -------------------------------------------------------------------------------


def test_concurrent_writers_are_serialized(store: Store):
    """Read-modify-write from many threads: with one write lock no update is lost."""
    project = store.projects.create("Counter")
    store.projects.set_setting(project.id, "count", 0)
    threads_n, rounds = 8, 15
    errors: list[BaseException] = []
    start = threading.Barrier(threads_n)

    def bump() -> None:
        try:
            start.wait()
            for _ in range(rounds):
                with store.write() as cur:
                    value = int(cur.scalar(
                        "SELECT value FROM project_settings WHERE project_id = ? AND key = ?",
                        [project.id, "count"]))
                    cur.execute("UPDATE project_settings SET value = ? WHERE project_id = ? "
                                "AND key = ?", [str(value + 1), project.id, "count"])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=bump) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.projects.setting(project.id, "count") == threads_n * rounds


def test_concurrent_imports_from_threads_all_land(store: Store):
    project = store.projects.create("Parallel")
    start = threading.Barrier(6)
    results = []

    def import_one(n: int) -> None:
        start.wait()
        results.append(store.runs.import_runs(
            project.id, [a_run(f"t{n}-{i}") for i in range(5)], source=f"{n}.csv",
            fmt="generic"))

    threads = [threading.Thread(target=import_one, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.added for r in results) == [5] * 6
    assert store.runs.count(project.id) == 30
    assert len({r.import_id for r in results}) == 6


# --- projects ---------------------------------------------------------------------------------


def test_create_project_slug_and_uniqueness(store: Store):
    first = store.projects.create("  Cat   classifier ")
    assert (first.name, first.slug, first.runs) == ("Cat classifier", "cat-classifier", 0)
    second = store.projects.create("Cat-classifier")
    assert second.slug == "cat-classifier-2"
    third = store.projects.create("Café détecteur!")
    assert third.slug == "cafe-detecteur"
    with pytest.raises(InputError, match="already exists"):
        store.projects.create("Cat classifier")
    with pytest.raises(InputError, match="needs a name"):
        store.projects.create("   ")
    with pytest.raises(InputError, match="at most 80"):
        store.projects.create("x" * 81)
    assert [p.name for p in store.projects.list()] == ["Café détecteur!", "Cat classifier",
                                                        "Cat-classifier"]


def test_rename_keeps_the_slug(store: Store):
    project = store.projects.create("Dog detector")
    other = store.projects.create("Other")
    renamed = store.projects.rename(project.id, "Dog detector v2")
    assert (renamed.id, renamed.name, renamed.slug) == (project.id, "Dog detector v2",
                                                        "dog-detector")
    assert store.projects.by_slug("dog-detector") == renamed
    assert store.projects.resolve("Dog detector v2") == renamed
    with pytest.raises(InputError, match="already exists"):
        store.projects.rename(project.id, "Other")
    with pytest.raises(NotFoundError):
        store.projects.rename(9999, "Ghost")
    assert store.projects.get(other.id).name == "Other"


def _counts(store: Store, project_id: int) -> dict[str, int]:
    with store.read() as cur:
        # Table names and clauses come from code (PROJECT_TABLES).
        return {table: int(cur.scalar(f"SELECT count(*) FROM {table} WHERE {where}",
                                      [project_id]))
                for table, where in PROJECT_TABLES}


def test_delete_project_removes_all_its_rows_and_nothing_else(store: Store):
    doomed, kept = _project_with_data(store), store.projects.create("Kept").id
    for project_id in (doomed, kept):
        store.runs.import_runs(project_id, [a_run("shared-name", metrics={"m": 1.0},
                                                  params={"p": "x"})],
                               source="s.csv", fmt="generic")
        store.runs.save_run(project_id, a_run("by-hand"))
        store.runs.delete_runs(project_id, [store.runs.by_name(project_id, "by-hand").key])
        store.projects.set_human_levels(project_id, [("expert", 0.01)])
        store.projects.set_setting(project_id, "tolerance", 0.02)
        store.decisions.record(project_id, "diagnosis", "Reduce variance")
    doomed_before, kept_before = _counts(store, doomed), _counts(store, kept)
    filled = {"run_values", "run_versions", "runs", "imports", "human_levels",
              "project_settings", "decisions", "projects"}
    assert all(doomed_before[t] > 0 for t in filled)
    store.projects.delete(doomed)
    assert _counts(store, doomed) == dict.fromkeys(doomed_before, 0)
    assert _counts(store, kept) == kept_before
    assert [p.id for p in store.projects.list()] == [kept]
    with pytest.raises(NotFoundError):
        store.projects.delete(doomed)


def test_project_tables_cover_every_table_with_project_data(store: Store):
    """A migration that adds a per-project table must list it in PROJECT_TABLES."""
    listed = {table for table, _ in PROJECT_TABLES}
    with store.read() as cur:
        tables = {r[0] for r in cur.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE'").fetchall()}
    assert listed <= tables
    assert tables - listed <= {"schema_migrations", "meta"}


# --- human levels -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        ([("", 0.01)], "has no label"),
        ([("expert", 0.01), ("Expert", 0.02)], "appears twice"),
        ([("expert", None)], "needs an error rate"),
        ([("expert", float("nan"))], "needs an error rate"),
        ([("expert", 1.5)], "not between 0% and 100%"),
        ([("expert", -0.01)], "not between 0% and 100%"),
        ([("x" * 81, 0.01)], "too long"),
    ],
    ids=["blank-label", "duplicate-label-any-case", "missing-error", "nan-error",
         "above-100pct", "negative", "label-too-long"],
)
def test_human_levels_are_validated(store: Store, rows, words):
    project = store.projects.create("Levels")
    store.projects.set_human_levels(project.id, [("typical person", 0.03)])
    before = dump(store)
    with pytest.raises(InputError, match=words):
        store.projects.set_human_levels(project.id, rows)
    assert dump(store) == before


def test_human_levels_proxy_default_is_the_lowest(store: Store):
    project = store.projects.create("Levels")
    levels = store.projects.set_human_levels(
        project.id, [("typical person", 0.03), ("", None), (" expert ", 0.01),
                     ("team of experts", 0.005)])
    assert [(lv.label, lv.error) for lv in levels.levels] == [
        ("team of experts", 0.005), ("expert", 0.01), ("typical person", 0.03)]
    assert levels.proxy == HumanLevel("team of experts", 0.005)
    assert levels.proxy_is_default


def test_chosen_proxy_is_kept_and_falls_back_when_removed(store: Store):
    project = store.projects.create("Levels")
    levels = store.projects.set_human_levels(
        project.id, [("typical person", 0.03), ("expert", 0.01)], chosen="typical person")
    assert levels.proxy_error == 0.03 and not levels.proxy_is_default
    assert store.projects.set_bayes_proxy(project.id, "expert").proxy == HumanLevel(
        "expert", 0.01)
    assert store.projects.set_bayes_proxy(project.id, None).proxy_is_default
    with pytest.raises(InputError, match="not one of the human levels"):
        store.projects.set_bayes_proxy(project.id, "oracle")
    with pytest.raises(InputError, match="not one of the human levels"):
        store.projects.set_human_levels(project.id, [("expert", 0.01)], chosen="oracle")
    # A chosen label that no longer exists falls back to the lowest.
    assert HumanLevels((HumanLevel("a", 0.02), HumanLevel("b", 0.01)), "gone").proxy == \
        HumanLevel("b", 0.01)
    assert HumanLevels().proxy is None and HumanLevels().proxy_error is None


def test_validate_levels_drops_blank_rows():
    assert validate_levels([("", None), ("  ", None), ("expert", 0)]) == (
        HumanLevel("expert", 0.0),)


# --- demo -------------------------------------------------------------------------------------


def test_demo_seeding(store: Store):
    assert seed_demo(store) is True
    project, speech = store.projects.list()  # the cat classifier, then speech recognition
    assert speech.name == "Speech recognition (demo)" and speech.runs > 0
    with open(DEMO_DIR / "runs.csv", encoding="utf-8") as handle:
        demo_rows = sum(1 for _ in handle) - 1
    assert (project.name, project.slug, project.runs) == (DEMO_NAME, "cat-classifier-demo",
                                                          demo_rows)
    levels = store.projects.human_levels(project.id)
    assert {(lv.label, lv.error) for lv in levels.levels} == {
        ("typical person", 0.03), ("expert", 0.01), ("team of experts", 0.005)}
    assert levels.proxy == HumanLevel("team of experts", 0.005)
    runs = store.runs.list(project.id)
    assert all(r.dev_error is not None and r.n_dev for r in runs)
    assert {"latency_ms", "precision", "recall"} <= set(runs[0].metrics)


def test_demo_seeding_is_idempotent(store: Store):
    assert seed_demo(store) is True
    before = dump(store)
    assert seed_demo(store) is False
    assert dump(store) == before


def test_demo_seeded_once_from_racing_sessions(store: Store):
    start = threading.Barrier(5)
    results: list[bool] = []

    def seed() -> None:
        start.wait()
        results.append(seed_demo(store))

    threads = [threading.Thread(target=seed) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 4 + [True]
    assert [p.name for p in store.projects.list()] == list(DEMO_NAMES)


def test_deleted_demo_is_not_seeded_again(isolated_db: Path):
    store = open_store(str(isolated_db))
    assert seed_demo(store)
    for project in store.projects.list():
        store.projects.delete(project.id)
    assert seed_demo(store) is False
    store.database.close()
    reopened = open_store(str(isolated_db))
    try:
        assert seed_demo(reopened) is False
        assert reopened.projects.list() == []
    finally:
        reopened.database.close()


def test_demo_not_seeded_into_a_database_with_projects(store: Store):
    store.projects.create("Mine")
    assert seed_demo(store) is False
    assert [p.name for p in store.projects.list()] == ["Mine"]


def test_database_class_is_the_store_backend(store: Store):
    assert isinstance(store.database, Database)
    assert store.path == store.database.path
