"""The store: everything the product keeps, in one DuckDB database.

`Store` is a light per-session handle over the process-wide `Database`: it carries whether
the session may write (viewers may not; the refusal happens here, not only in the UI) and
gives the repositories: `store.projects`, `store.runs`, ...
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from strategy_core.errors import ReadOnlyError
from strategy_core.settings import resolve_db_path, setting
from strategy_core.store.database import Cursor, Database
from strategy_core.store.decisions import DecisionRepo
from strategy_core.store.metric_log import MetricLogRepo
from strategy_core.store.optimization import OptimizationRepo
from strategy_core.store.predictions import PredictionRepo
from strategy_core.store.projects import ProjectRepo
from strategy_core.store.reviews import ReviewRepo
from strategy_core.store.runs import RunRepo
from strategy_core.store.six_box import SixBoxRepo

__all__ = ["Store", "Database", "Cursor", "open_store"]


class Store:
    """Per-session access to the database: reads for everyone, writes only for editors."""

    def __init__(self, database: Database, *, can_write: bool = True):
        self.database = database
        self.can_write = can_write
        self.projects = ProjectRepo(self)
        self.runs = RunRepo(self)
        self.decisions = DecisionRepo(self)
        self.predictions = PredictionRepo(self)
        self.reviews = ReviewRepo(self)
        self.metric_log = MetricLogRepo(self)
        self.six_box = SixBoxRepo(self)
        self.optimization = OptimizationRepo(self)

    @property
    def version(self) -> int:
        """The database's data version: key caches on it."""
        return self.database.version

    @property
    def path(self) -> str:
        return self.database.path

    def read(self) -> contextlib.AbstractContextManager[Cursor]:
        return self.database.read()

    @contextlib.contextmanager
    def write(self) -> Iterator[Cursor]:
        """One transaction; refused for viewer sessions."""
        if not self.can_write:
            raise ReadOnlyError("this session is read-only: unlock editing to make changes")
        with self.database.write() as cur:
            yield cur

    def as_viewer(self) -> Store:
        return Store(self.database, can_write=False)

    def marker(self, key: str) -> str | None:
        """A database-wide marker (e.g. that the demo was seeded once), None when unset."""
        with self.read() as cur:
            return cur.scalar("SELECT value FROM meta WHERE key = ?", [key])

    def set_marker(self, key: str, value: str = "1") -> None:
        with self.write() as cur:
            cur.execute("DELETE FROM meta WHERE key = ?", [key])
            cur.execute("INSERT INTO meta (key, value) VALUES (?, ?)", [key, value])


def open_store(path: str | None = None, *, can_write: bool = True) -> Store:
    """Open (once per process) and migrate the database at `path` or the configured one."""
    database = Database.open(path or resolve_db_path(), setting("STRATEGY_MEMORY_LIMIT"))
    return Store(database, can_write=can_write)
