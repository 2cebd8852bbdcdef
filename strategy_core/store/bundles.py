"""Backup bundles: one project or the whole database as a zip, and restoring one.

A bundle holds one Parquet file per table and `manifest.json` with the schema version, the
row count and SHA-256 of every file. Restore checks all of it before writing anything, then
writes in one transaction: a truncated, tampered or newer-schema bundle leaves the database
unchanged. Row ids are kept as they were (ids are never reused in a database, so a project
restored after being deleted gets its old ids back); a bundle whose ids clash with rows in
the database is refused rather than silently renumbered.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

import strategy_core
from strategy_core.errors import InputError, NotFoundError
from strategy_core.store.migrations import PROJECT_TABLES

if TYPE_CHECKING:
    from strategy_core.store import Store
    from strategy_core.store.database import Cursor

BUNDLE_FORMAT = 1
APP_NAME = "ml-strategy-dashboard"
MANIFEST = "manifest.json"
MAX_BUNDLE_BYTES = 2 * 1024**3  # uncompressed; refuses zip bombs
_INTERNAL_TABLES = {"schema_migrations"}


@dataclass(frozen=True)
class BundleManifest:
    scope: str  # "project" or "all"
    schema_version: int
    tables: dict[str, dict[str, Any]]
    project: dict[str, Any] | None = None
    created_at: str = ""
    app_version: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"format": BUNDLE_FORMAT, "app": APP_NAME, "app_version": self.app_version,
                "scope": self.scope, "schema_version": self.schema_version,
                "created_at": self.created_at, "project": self.project,
                "tables": self.tables}


@dataclass(frozen=True)
class RestoreResult:
    scope: str
    projects: list[str]
    rows: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"scope": self.scope, "projects": self.projects, "rows": self.rows}


def _data_tables(cur: Cursor) -> list[str]:
    return sorted(r[0] for r in cur.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
        "AND NOT internal").fetchall() if r[0] not in _INTERNAL_TABLES)


def _columns(cur: Cursor, table: str) -> dict[str, tuple[bool, bool]]:
    """column -> (nullable, has default) for a table of the current schema."""
    rows = cur.execute(
        "SELECT column_name, is_nullable, column_default IS NOT NULL FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND table_name = ? ORDER BY column_index",
        [table]).fetchall()
    return {name: (bool(nullable), bool(default)) for name, nullable, default in rows}


def _sequence_columns(cur: Cursor) -> list[tuple[str, str, str]]:
    """(table, column, sequence) for every id column filled from a sequence."""
    rows = cur.execute(
        "SELECT table_name, column_name, column_default FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND column_default LIKE 'nextval(%'").fetchall()
    return [(t, c, d.split("'")[1]) for t, c, d in rows]


# -- export ------------------------------------------------------------------------------


def export_bundle(store: Store, destination: Path | str, project_id: int | None = None
                  ) -> BundleManifest:
    """Write one project (or, with `project_id` None, the whole database) as a zip."""
    destination = Path(destination)
    files: dict[str, bytes] = {}
    tables: dict[str, dict[str, Any]] = {}
    project_info = None
    schema_version = store.database.schema_version()
    with store.database.snapshot() as cur:
        if project_id is not None:
            row = cur.execute("SELECT name, slug FROM projects WHERE id = ?",
                              [project_id]).fetchone()
            if row is None:
                raise NotFoundError(f"no project with id {project_id}")
            project_info = {"name": row[0], "slug": row[1], "id": project_id}
            selections = [(t, f"SELECT * FROM {t} WHERE {where}", [project_id])
                          for t, where in PROJECT_TABLES]
        else:
            selections = [(t, f"SELECT * FROM {t}", []) for t in _data_tables(cur)]
        for table, sql, params in selections:
            data = cur.arrow(sql, params)
            buffer = io.BytesIO()
            pq.write_table(data, buffer, compression="zstd")
            payload = buffer.getvalue()
            name = f"tables/{table}.parquet"
            files[name] = payload
            tables[table] = {"file": name, "rows": data.num_rows,
                             "sha256": hashlib.sha256(payload).hexdigest()}
    manifest = BundleManifest(
        scope="all" if project_id is None else "project", schema_version=schema_version,
        tables=tables, project=project_info,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        app_version=strategy_core.__version__)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_suffix(destination.suffix + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest.as_dict(), indent=2))
        for name, payload in files.items():
            archive.writestr(name, payload)
    partial.replace(destination)
    return manifest


def bundle_file_name(slug: str | None) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return f"strategy-{slug or 'all'}-{stamp}.zip"


# -- restore -----------------------------------------------------------------------------


def read_bundle(data: bytes, current_schema: int) -> tuple[BundleManifest, dict[str, pa.Table]]:
    """Open and check a bundle completely (manifest, checksums, counts) without writing."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError("this is not a backup bundle: not a zip file, or it is truncated") \
            from None
    if sum(i.file_size for i in infos) > MAX_BUNDLE_BYTES:
        raise InputError("the bundle is too large to restore (over 2 GB uncompressed)")
    names = {i.filename for i in infos}
    if MANIFEST not in names:
        raise InputError("the bundle has no manifest.json: not a backup of this app")
    try:
        raw = json.loads(archive.read(MANIFEST))
    except (ValueError, zipfile.BadZipFile, OSError):
        raise InputError("the bundle's manifest.json is damaged") from None
    if not isinstance(raw, dict) or raw.get("app") != APP_NAME:
        raise InputError("the bundle was not written by ML Strategy Dashboard")
    if raw.get("format") != BUNDLE_FORMAT:
        raise InputError(f"unknown bundle format {raw.get('format')!r}")
    schema = raw.get("schema_version")
    if not isinstance(schema, int) or schema < 1:
        raise InputError("the manifest has no valid schema version")
    if schema > current_schema:
        raise InputError(f"the bundle comes from a newer version of the app (schema {schema}; "
                         f"this app has {current_schema}): upgrade the app, then restore")
    scope = raw.get("scope")
    tables_meta = raw.get("tables")
    if scope not in ("project", "all") or not isinstance(tables_meta, dict) or not tables_meta:
        raise InputError("the manifest does not say what the bundle holds")
    tables: dict[str, pa.Table] = {}
    for table, meta in tables_meta.items():
        if not isinstance(meta, dict) or not {"file", "rows", "sha256"} <= set(meta):
            raise InputError(f"the manifest entry for table '{table}' is incomplete")
        if meta["file"] not in names:
            raise InputError(f"the bundle is missing {meta['file']} (truncated?)")
        try:
            payload = archive.read(meta["file"])
        except (zipfile.BadZipFile, OSError, ValueError):
            raise InputError(f"{meta['file']} in the bundle is damaged (truncated?)") from None
        if hashlib.sha256(payload).hexdigest() != meta["sha256"]:
            raise InputError(f"{meta['file']} does not match its checksum: the bundle was "
                             "changed or damaged")
        try:
            data_table = pq.read_table(io.BytesIO(payload))
        except (pa.ArrowException, OSError, ValueError):
            raise InputError(f"{meta['file']} is not a readable Parquet file") from None
        if data_table.num_rows != meta["rows"]:
            raise InputError(f"table '{table}' holds {data_table.num_rows} rows but the "
                             f"manifest says {meta['rows']}")
        tables[table] = data_table
    manifest = BundleManifest(scope, schema, {k: dict(v) for k, v in tables_meta.items()},
                              raw.get("project"), str(raw.get("created_at", "")),
                              str(raw.get("app_version", "")))
    return manifest, tables


def restore_bundle(store: Store, data: bytes, *, replace_all: bool = False) -> RestoreResult:
    """Restore a bundle in one transaction; on any problem nothing is written.

    A project bundle adds the project (refused if a project with that name exists or its
    ids clash). A whole-database bundle needs an empty database, or `replace_all` to
    replace everything in it.
    """
    manifest, tables = read_bundle(data, store.database.schema_version())
    rows: dict[str, int] = {}
    with store.write() as cur:
        known = _data_tables(cur)
        expected = [t for t, _ in PROJECT_TABLES] if manifest.scope == "project" else known
        unknown = sorted(set(tables) - set(expected))
        if unknown:
            raise InputError(f"the bundle holds tables this app does not know: "
                             f"{', '.join(unknown)}")
        for table, data_table in tables.items():
            _check_columns(cur, table, data_table)
        if manifest.scope == "project":
            project_rows = tables.get("projects")
            if project_rows is None or project_rows.num_rows != 1:
                raise InputError("a project bundle must hold exactly one project")
            name, slug = project_rows.column("name")[0].as_py(), \
                project_rows.column("slug")[0].as_py()
            if cur.scalar("SELECT count(*) FROM projects WHERE name = ? OR slug = ?",
                          [name, slug]):
                raise InputError(f"a project named '{name}' already exists here: rename or "
                                 "delete it first, then restore")
            _refuse_id_clashes(cur, tables)
        elif cur.scalar("SELECT count(*) FROM projects"):
            if not replace_all:
                raise InputError("this database already holds projects: a whole-database "
                                 "backup restores into an empty database (or choose to "
                                 "replace everything)")
            for table in known:
                cur.execute(f"DELETE FROM {table}")  # names from the catalog, not input
        # Parents before children is not needed (no foreign keys); insert in a fixed order.
        for table in [t for t in expected if t in tables]:
            data_table = tables[table]
            columns = ", ".join(data_table.column_names)
            cur.register("bundle_rows", data_table)
            cur.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM bundle_rows")
            rows[table] = data_table.num_rows
        _advance_sequences(cur)
        restored = [str(n) for n in (tables["projects"].column("name").to_pylist()
                                     if "projects" in tables else [])]
    return RestoreResult(manifest.scope, restored, rows)


def _check_columns(cur: Cursor, table: str, data_table: pa.Table) -> None:
    current = _columns(cur, table)
    extra = [c for c in data_table.column_names if c not in current]
    if extra:
        raise InputError(f"table '{table}' in the bundle has columns this app does not know: "
                         f"{', '.join(extra)}")
    missing = [c for c, (nullable, has_default) in current.items()
               if c not in data_table.column_names and not nullable and not has_default]
    if missing:
        raise InputError(f"table '{table}' in the bundle lacks required columns: "
                         f"{', '.join(missing)}")


def _refuse_id_clashes(cur: Cursor, tables: dict[str, pa.Table]) -> None:
    for table, column, _sequence in _sequence_columns(cur):
        data_table = tables.get(table)
        if data_table is None or column not in data_table.column_names:
            continue
        ids = [v for v in data_table.column(column).to_pylist() if v is not None]
        if not ids:
            continue
        clash = cur.scalar(f"SELECT count(*) FROM {table} WHERE {column} IN "
                           "(SELECT unnest(?::BIGINT[]))", [ids])
        if clash:
            raise InputError(
                f"{clash} row(s) of '{table}' in the bundle have ids already used in this "
                "database (it was restored before, or comes from another database); "
                "restore it into an empty database instead")


def _advance_sequences(cur: Cursor) -> None:
    """Move each id sequence past the highest id now stored, so new rows never clash."""
    for table, column, sequence in _sequence_columns(cur):
        highest = cur.scalar(f"SELECT max({column}) FROM {table}")
        last = cur.scalar("SELECT last_value FROM duckdb_sequences() WHERE sequence_name = ?",
                          [sequence])
        if highest is not None and (last is None or highest > last):
            cur.execute("SELECT setval(?, ?)", [sequence, int(highest)])


def bundle_bytes(store: Store, project_id: int | None = None) -> bytes:
    """A bundle as bytes (for a download button), written through the staging folder."""
    import tempfile

    with tempfile.TemporaryDirectory(dir=store.database.work_dir) as folder:
        target = Path(folder) / "bundle.zip"
        export_bundle(store, target, project_id)
        return target.read_bytes()


def describe_bundle(data: bytes, current_schema: int) -> BundleManifest:
    """Check a bundle fully and return its manifest (what a restore would bring)."""
    return read_bundle(data, current_schema)[0]
