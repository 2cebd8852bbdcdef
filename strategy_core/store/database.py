"""The one module that talks to DuckDB.

A `Database` is one database file opened once per process: a cached connection, a fresh
cursor and a transaction per unit of work, one write lock that serializes writers, and a
data version that goes up on every committed write so caches keyed on it are invalidated.
DuckDB errors are wrapped into `StoreError` here; nothing else imports duckdb.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from strategy_core.errors import StoreError
from strategy_core.store.migrations import MIGRATIONS
from strategy_core.text import SQL_REMOVED_CLASS, clean_text, clean_value

_open_databases: dict[str, Database] = {}
_open_lock = threading.Lock()


class Cursor:
    """A DuckDB cursor for one unit of work. Values always go in as `?` parameters.

    Every text value that goes in (parameters and registered frames) passes the text rule
    first (`strategy_core.text.clean_text`), so nothing stored holds control characters."""

    def __init__(self, raw: duckdb.DuckDBPyConnection):
        self._raw = raw

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Cursor:
        self._raw.execute(sql, _clean_params(params or []))
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Cursor:
        if rows:
            self._raw.executemany(sql, [_clean_params(row) for row in rows])
        return self

    def fetchall(self) -> list[tuple]:
        return self._raw.fetchall()

    def fetchone(self) -> tuple | None:
        # Fetch everything: DuckDB refuses other work on a cursor with an unfinished result.
        rows = self._raw.fetchall()
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        row = self.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def df(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        return self._raw.execute(sql, params or []).df()

    def arrow(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        """The result as a pyarrow Table (bulk export without Python rows)."""
        return self._raw.sql(sql, params=list(params or [])).to_arrow_table()

    def register(self, name: str, frame: Any) -> None:
        """Expose a pandas frame or Arrow table to SQL under a fixed, code-chosen name
        (never user input); its text columns are cleaned by the text rule first."""
        self._raw.register(name, _clean_frame(frame))

    def columns(self) -> list[str]:
        return [d[0] for d in self._raw.description or []]


def _clean_params(params: Sequence[Any]) -> list[Any]:
    return [clean_value(p) if isinstance(p, str | list | tuple) else p for p in params]


def _clean_frame(frame: Any) -> Any:
    """Text columns of a pandas frame or an Arrow table with the text rule applied."""
    if isinstance(frame, pd.DataFrame):
        text_columns = [c for c in frame.columns
                        if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
        if not text_columns:
            return frame
        frame = frame.copy()
        for column in text_columns:
            frame[column] = frame[column].map(
                lambda v: clean_text(v) if isinstance(v, str) else v, na_action="ignore")
        return frame
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(frame, pa.Table):
        for index, field in enumerate(frame.schema):
            if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
                column = pc.replace_substring_regex(
                    frame.column(index), pattern="\r\n?", replacement="\n")
                column = pc.replace_substring_regex(
                    column, pattern=SQL_REMOVED_CLASS, replacement="")
                frame = frame.set_column(index, field, column)
    return frame


class Database:
    """One DuckDB database: connection, migrations, write lock, data version."""

    def __init__(self, path: str, memory_limit: str = "1GB"):
        self.path = path
        self.work_dir = Path(tempfile.mkdtemp(prefix="strategy-work-"))
        self._write_lock = threading.RLock()
        self._version = 0
        if _is_file_path(path):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = duckdb.connect(
                path,
                config={
                    "autoinstall_known_extensions": "false",
                    "autoload_known_extensions": "false",
                    "memory_limit": memory_limit,
                },
            )
            # Only the app's own staging folder is reachable from SQL (read_csv, COPY).
            self._conn.execute("SET allowed_directories = ?", [[str(self.work_dir) + "/"]])
            self._conn.execute("SET enable_external_access = false")
            self._conn.execute("SET lock_configuration = true")
        except duckdb.Error as exc:
            shutil.rmtree(self.work_dir, ignore_errors=True)
            raise StoreError(f"cannot open database {path}: {exc}") from exc
        try:
            self._migrate()
        except BaseException:
            # A refused database (newer schema, failed migration) must not stay open:
            # the file would be locked for the rest of the process. (Not `close()`: the
            # caller, `open`, holds the registry lock.)
            self._conn.close()
            self._conn = None
            shutil.rmtree(self.work_dir, ignore_errors=True)
            raise

    # -- opening -----------------------------------------------------------------------
    @classmethod
    def open(cls, path: str, memory_limit: str = "1GB") -> Database:
        """The process-wide Database for `path`, opened (and migrated) on first use."""
        key = _cache_key(path)
        with _open_lock:
            db = _open_databases.get(key)
            if db is None or db.closed:
                db = cls(path, memory_limit)
                if path != ":memory:":
                    _open_databases[key] = db
            return db

    @property
    def closed(self) -> bool:
        return self._conn is None

    def close(self) -> None:
        with _open_lock:
            for key, db in list(_open_databases.items()):
                if db is self:
                    del _open_databases[key]
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        shutil.rmtree(self.work_dir, ignore_errors=True)

    # -- units of work -------------------------------------------------------------------
    @property
    def version(self) -> int:
        """Goes up on every committed write; caches keyed on it are invalidated by writes."""
        return self._version

    @contextlib.contextmanager
    def read(self) -> Iterator[Cursor]:
        """A fresh cursor for reading; each statement sees committed data."""
        raw = self._cursor()
        try:
            yield Cursor(raw)
        except duckdb.Error as exc:
            raise StoreError(_describe(exc)) from exc
        finally:
            raw.close()

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[Cursor]:
        """A read-only transaction: every statement sees the same committed state."""
        raw = self._cursor()
        try:
            raw.begin()
            yield Cursor(raw)
        except duckdb.Error as exc:
            raise StoreError(_describe(exc)) from exc
        finally:
            with contextlib.suppress(duckdb.Error):
                raw.rollback()
            raw.close()

    @contextlib.contextmanager
    def write(self) -> Iterator[Cursor]:
        """One transaction under the write lock: all of it is committed, or none of it."""
        with self._write_lock:
            raw = self._cursor()
            try:
                raw.begin()
                try:
                    yield Cursor(raw)
                    raw.commit()
                except BaseException:
                    with contextlib.suppress(duckdb.Error):
                        raw.rollback()
                    raise
                self._version += 1
            except duckdb.Error as exc:
                raise StoreError(_describe(exc)) from exc
            finally:
                raw.close()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        if self._conn is None:
            raise StoreError("the database is closed")
        return self._conn.cursor()

    # -- migrations ----------------------------------------------------------------------
    def schema_version(self) -> int:
        with self.read() as cur:
            return int(cur.scalar("SELECT coalesce(max(version), 0) FROM schema_migrations"))

    def _migrate(self) -> None:
        raw = self._cursor()
        try:
            raw.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
            )
            applied = {row[0] for row in raw.execute("SELECT version FROM schema_migrations")
                       .fetchall()}
        except duckdb.Error as exc:
            raise StoreError(f"cannot read the schema version: {exc}") from exc
        finally:
            raw.close()
        known = {m.version for m in MIGRATIONS}
        newer = sorted(applied - known)
        if newer:
            raise StoreError(
                f"the database {self.path} was written by a newer version of the app "
                f"(schema {max(newer)}, this app knows up to {max(known)}); upgrade the app"
            )
        for migration in sorted(MIGRATIONS, key=lambda m: m.version):
            if migration.version in applied:
                continue
            with self.write() as cur:
                for statement in migration.statements:
                    cur.execute(statement)
                cur.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                    [migration.version, migration.name],
                )


def _is_file_path(path: str) -> bool:
    """False for `:memory:` and DuckDB URIs such as `md:team_db`."""
    return path != ":memory:" and not re.match(r"^[a-z]{2,}:", path)


def _cache_key(path: str) -> str:
    return str(Path(path).resolve()) if _is_file_path(path) else path


def _describe(exc: duckdb.Error) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"database error: {text}"
