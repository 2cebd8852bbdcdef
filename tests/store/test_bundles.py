"""Backup bundles: round trips, and every damaged bundle refused with the
database unchanged."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from strategy_core.errors import InputError, ReadOnlyError
from strategy_core.store import Store, open_store
from strategy_core.store.bundles import (
    bundle_bytes,
    describe_bundle,
    export_bundle,
    restore_bundle,
)

# Rows stamped with the time of writing: compared apart from that stamp.
TIME_COLUMNS = {"created_at", "recorded_at", "updated_at", "decided_at", "applied_at"}


def dump(store: Store) -> dict[str, list[tuple]]:
    """Every row of every data table, sorted, so two databases can be compared."""
    with store.read() as cur:
        tables = [r[0] for r in cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
            "AND table_name <> 'schema_migrations'").fetchall()]
        out = {}
        for table in sorted(tables):
            rows = cur.execute(f"SELECT * FROM {table}").fetchall()
            out[table] = sorted(rows, key=repr)
    return out


def project_rows(store: Store, slug: str) -> dict[str, int]:
    from strategy_core.store.migrations import PROJECT_TABLES

    project = store.projects.by_slug(slug)
    assert project is not None
    with store.read() as cur:
        return {t: cur.scalar(f"SELECT count(*) FROM {t} WHERE {w}", [project.id])
                for t, w in PROJECT_TABLES}


def second_store(tmp_path: Path, name: str = "other.duckdb") -> Store:
    return open_store(str(tmp_path / name))


def test_whole_database_round_trip_is_equal(demo_store: Store, tmp_path: Path) -> None:
    project = demo_store.projects.list()[0]
    demo_store.decisions.record(project.id, "diagnosis", "Work on data mismatch", {"gap": 0.014},
                                "mobile photos", "Ana")
    export_bundle(demo_store, tmp_path / "all.zip")
    target = second_store(tmp_path)
    result = restore_bundle(target, (tmp_path / "all.zip").read_bytes())
    assert result.scope == "all"
    assert result.projects == [p.name for p in demo_store.projects.list()]  # both demos
    assert dump(target) == dump(demo_store)
    # New rows after a restore get fresh ids (sequences moved past the restored ones).
    created = target.projects.create("After restore")
    assert created.id > project.id
    target.database.close()


def test_project_bundle_restores_into_an_empty_database(demo_store: Store, tmp_path: Path
                                                        ) -> None:
    project = demo_store.projects.list()[0]
    data = bundle_bytes(demo_store, project.id)
    target = second_store(tmp_path)
    restore_bundle(target, data)
    assert project_rows(target, project.slug) == project_rows(demo_store, project.slug)
    assert [r.as_dict() for r in target.runs.list(project.id)] == \
        [r.as_dict() for r in demo_store.runs.list(project.id)]
    target.database.close()


def test_project_restored_after_deletion_comes_back(demo_store: Store) -> None:
    project = demo_store.projects.list()[0]
    before = project_rows(demo_store, project.slug)
    data = bundle_bytes(demo_store, project.id)
    demo_store.projects.delete(project.id)
    other = demo_store.projects.create("Another")
    restore_bundle(demo_store, data)
    assert project_rows(demo_store, project.slug) == before
    assert demo_store.projects.by_slug(other.slug) is not None


def test_project_bundle_refused_when_the_project_exists(demo_store: Store) -> None:
    project = demo_store.projects.list()[0]
    data = bundle_bytes(demo_store, project.id)
    before = dump(demo_store)
    with pytest.raises(InputError, match="already exists"):
        restore_bundle(demo_store, data)
    assert dump(demo_store) == before


def test_whole_bundle_needs_an_empty_database_or_replace(demo_store: Store, tmp_path: Path
                                                         ) -> None:
    data = bundle_bytes(demo_store)
    target = second_store(tmp_path)
    target.projects.create("Somebody's work")
    before = dump(target)
    with pytest.raises(InputError, match="already holds projects"):
        restore_bundle(target, data)
    assert dump(target) == before
    restore_bundle(target, data, replace_all=True)
    assert dump(target) == dump(demo_store)
    target.database.close()


def rewrite(data: bytes, change) -> bytes:
    """A copy of a bundle with `change(name, payload) -> payload | None` applied."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            payload = change(info.filename, source.read(info.filename))
            if payload is not None:
                target.writestr(info.filename, payload)
    return out.getvalue()


def manifest_edit(edit):
    def change(name: str, payload: bytes) -> bytes:
        if name != "manifest.json":
            return payload
        manifest = json.loads(payload)
        edit(manifest)
        return json.dumps(manifest).encode()
    return change


def flip_byte(name: str, payload: bytes) -> bytes:
    if name == "tables/runs.parquet":
        middle = len(payload) // 2
        return payload[:middle] + bytes([payload[middle] ^ 0xFF]) + payload[middle + 1:]
    return payload


DAMAGED = {
    "truncated": (lambda data: data[: len(data) // 2], "not a zip file, or it is truncated"),
    "not a zip": (lambda data: b"name,dev_error\nx,0.1\n", "not a zip"),
    "empty": (lambda data: b"", "not a zip"),
    "no manifest": (lambda data: rewrite(data, lambda n, p: None if n == "manifest.json"
                                         else p), "no manifest"),
    "missing table file": (lambda data: rewrite(
        data, lambda n, p: None if n == "tables/run_versions.parquet" else p), "missing"),
    "tampered table": (lambda data: rewrite(data, flip_byte), "checksum"),
    "row count changed": (lambda data: rewrite(data, manifest_edit(
        lambda m: m["tables"]["runs"].update(rows=m["tables"]["runs"]["rows"] + 1))),
        "the manifest says"),
    "newer schema": (lambda data: rewrite(data, manifest_edit(
        lambda m: m.update(schema_version=999))), "newer version"),
    "other app": (lambda data: rewrite(data, manifest_edit(lambda m: m.update(app="x"))),
                  "not written by ML Strategy Dashboard"),
    "unknown table": (lambda data: rewrite(data, manifest_edit(
        lambda m: m["tables"].update(evil=dict(m["tables"]["runs"], file="tables/runs.parquet")
                                     ))), "does not know"),
}


@pytest.mark.parametrize("damage", list(DAMAGED), ids=list(DAMAGED))
def test_damaged_bundles_are_refused_and_nothing_is_written(demo_store: Store, tmp_path: Path,
                                                            damage: str) -> None:
    project = demo_store.projects.list()[0]
    good = bundle_bytes(demo_store, project.id)
    demo_store.projects.delete(project.id)  # so the good bundle itself would restore
    before = dump(demo_store)
    make, message = DAMAGED[damage]
    with pytest.raises(InputError, match=message):
        restore_bundle(demo_store, make(good))
    assert dump(demo_store) == before
    restore_bundle(demo_store, good)  # and the undamaged bundle still restores


def test_viewers_cannot_restore(demo_store: Store) -> None:
    data = bundle_bytes(demo_store)
    with pytest.raises(ReadOnlyError):
        restore_bundle(demo_store.as_viewer(), data)


def test_manifest_describes_the_bundle(demo_store: Store) -> None:
    project = demo_store.projects.list()[0]
    manifest = describe_bundle(bundle_bytes(demo_store, project.id),
                               demo_store.database.schema_version())
    assert manifest.scope == "project" and manifest.project["slug"] == project.slug
    assert manifest.schema_version == demo_store.database.schema_version()
    assert manifest.tables["runs"]["rows"] == 10
