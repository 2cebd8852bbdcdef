"""Projects, their human levels and their settings."""

from __future__ import annotations

import json
import re
import unicodedata
import weakref
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from strategy_core.errors import ConflictError, InputError, NotFoundError
from strategy_core.store.migrations import PROJECT_TABLES
from strategy_core.text import clean_value
from strategy_core.values.human_levels import (
    HumanLevel,
    HumanLevels,
    describe_levels,
    validate_levels,
)
from strategy_core.values.project_metric import ERROR_RATE, ProjectMetric

if TYPE_CHECKING:
    from strategy_core.store import Store
    from strategy_core.store.database import Cursor

MAX_PROJECT_NAME = 80
SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


@dataclass(frozen=True)
class Project:
    id: int
    name: str
    slug: str
    created_at: datetime
    runs: int = 0
    version: int = field(default=1, compare=False)  # edit version (a rename names it)


def slugify(name: str) -> str:
    """'Cat classifier (demo)' -> 'cat-classifier-demo'. ASCII, lower case, hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:60].strip("-") or "project"


def is_valid_slug(text: str) -> bool:
    """The shape of a slug; a link's `?project=` is checked against this before any lookup."""
    return bool(SLUG_PATTERN.match(text or ""))


def _clean_name(name: str) -> str:
    clean = " ".join((name or "").split())
    if not clean:
        raise InputError("a project needs a name")
    if len(clean) > MAX_PROJECT_NAME:
        raise InputError(f"a project name has at most {MAX_PROJECT_NAME} characters")
    return clean


# Per open database: (data version, its projects). See `ProjectRepo.list`.
_project_lists: weakref.WeakKeyDictionary[Any, tuple[int, tuple[Project, ...]]] = \
    weakref.WeakKeyDictionary()


class ProjectRepo:
    def __init__(self, store: Store):
        self._store = store

    # -- reading ---------------------------------------------------------------------
    def list(self) -> list[Project]:
        """Every project with its number of current runs, by name. Read once per data
        version of the database (every page run of every session asks for it)."""
        database = self._store.database
        version = database.version
        known = _project_lists.get(database)
        if known is not None and known[0] == version:
            return list(known[1])
        with self._store.read() as cur:
            rows = cur.execute(
                """SELECT p.id, p.name, p.slug, p.created_at,
                          (SELECT count(*) FROM current_run_versions v
                           WHERE v.project_id = p.id AND NOT v.deleted),
                          coalesce(p.version, 1)
                   FROM projects p ORDER BY lower(p.name)"""
            ).fetchall()
        projects = [Project(*row) for row in rows]
        _project_lists[database] = (version, tuple(projects))
        return projects

    def get(self, project_id: int) -> Project:
        for project in self.list():
            if project.id == project_id:
                return project
        raise NotFoundError(f"no project with id {project_id}")

    def by_slug(self, slug: str) -> Project | None:
        if not is_valid_slug(slug):
            return None
        return next((p for p in self.list() if p.slug == slug), None)

    def by_name(self, name: str) -> Project | None:
        clean = " ".join((name or "").split())
        return next((p for p in self.list() if p.name == clean), None)

    def resolve(self, name_or_slug: str) -> Project:
        """A project by exact name or slug (the command line's --project)."""
        project = self.by_name(name_or_slug) or self.by_slug(name_or_slug)
        if project is None:
            raise NotFoundError(f"no project named '{name_or_slug}'")
        return project

    # -- writing ---------------------------------------------------------------------
    def create(self, name: str) -> Project:
        """A new project; its slug is derived from the name and made unique."""
        clean = _clean_name(name)
        with self._store.write() as cur:
            if cur.scalar("SELECT count(*) FROM projects WHERE name = ?", [clean]):
                raise InputError(f"a project named '{clean}' already exists")
            base = slugify(clean)
            taken = {row[0] for row in cur.execute(
                "SELECT slug FROM projects WHERE slug = ? OR slug LIKE ?",
                [base, base + "-%"]).fetchall()}
            slug, n = base, 2
            while slug in taken:
                slug, n = f"{base[:56]}-{n}", n + 1
            project_id = cur.scalar(
                "INSERT INTO projects (name, slug) VALUES (?, ?) RETURNING id", [clean, slug])
        return self.get(int(project_id))

    def ensure(self, name: str) -> Project:
        """The project with this exact name or slug (as `resolve`), else a new one."""
        return self.by_name(name) or self.by_slug(name) or self.create(name)

    def rename(self, project_id: int, new_name: str, *, expected: int | None = None
               ) -> Project:
        """Rename; the slug (and so every shared link) stays the same. With `expected`
        (the project's edit version as the form read it), a rename that someone else's
        rename overtook is refused with ConflictError."""
        clean = _clean_name(new_name)
        with self._store.write() as cur:
            if expected is not None:
                row = cur.execute("SELECT name, coalesce(version, 1) FROM projects WHERE id = ?",
                                  [project_id]).fetchone()
                if row is not None and int(row[1]) != expected:
                    raise ConflictError(f"someone else renamed the project to '{row[0]}' since "
                                        "you opened the form; yours was not saved",
                                        current=row[0])
            if cur.scalar("SELECT count(*) FROM projects WHERE name = ? AND id <> ?",
                          [clean, project_id]):
                raise InputError(f"a project named '{clean}' already exists")
            if not cur.scalar("SELECT count(*) FROM projects WHERE id = ?", [project_id]):
                raise NotFoundError(f"no project with id {project_id}")
            cur.execute("UPDATE projects SET name = ?, version = nextval('edit_version_seq') "
                        "WHERE id = ?", [clean, project_id])
        return self.get(project_id)

    def delete(self, project_id: int) -> None:
        """Delete the project and all its data in one transaction."""
        with self._store.write() as cur:
            if not cur.scalar("SELECT count(*) FROM projects WHERE id = ?", [project_id]):
                raise NotFoundError(f"no project with id {project_id}")
            for table, where in PROJECT_TABLES:
                # Table names and clauses come from code (migrations.PROJECT_TABLES).
                cur.execute(f"DELETE FROM {table} WHERE {where}", [project_id])

    # -- human levels ----------------------------------------------------------------
    def human_levels(self, project_id: int) -> HumanLevels:
        with self._store.read() as cur:
            return _human_levels(cur, project_id)

    def set_human_levels(
        self, project_id: int, rows: list[tuple[str, float | None]], chosen: str | None = None,
        *, expected: HumanLevels | None = None, metric: ProjectMetric = ERROR_RATE,
    ) -> HumanLevels:
        """Replace the project's human levels; `chosen` is the proxy label (None: lowest).

        With `expected` (the levels as the editor read them), refuse with ConflictError when
        someone else saved other levels since; the error's `current` holds theirs. A row
        whose label and error stay the same keeps its version; others get a new one."""
        levels = validate_levels(rows, metric)
        if chosen is not None and chosen not in {level.label for level in levels}:
            raise InputError(f"the proxy '{chosen}' is not one of the human levels")
        with self._store.write() as cur:
            current = _human_levels(cur, project_id)
            if expected is not None and current.edit_token != expected.edit_token:
                raise ConflictError(
                    "someone else saved the human levels since you opened them; they are now: "
                    + describe_levels(current), current=current)
            kept = {(level.label, level.error): level.version for level in current.levels}
            cur.execute("DELETE FROM human_levels WHERE project_id = ?", [project_id])
            cur.executemany(
                "INSERT INTO human_levels (project_id, label, error, version) "
                "VALUES (?, ?, ?, coalesce(?, nextval('edit_version_seq')))",
                [(project_id, level.label, level.error, kept.get((level.label, level.error)))
                 for level in levels])
            cur.execute("UPDATE projects SET bayes_proxy = ? WHERE id = ?", [chosen, project_id])
        return self.human_levels(project_id)

    def set_bayes_proxy(self, project_id: int, chosen: str | None) -> HumanLevels:
        levels = self.human_levels(project_id)
        if chosen is not None and chosen not in {level.label for level in levels.levels}:
            raise InputError(f"the proxy '{chosen}' is not one of the human levels")
        with self._store.write() as cur:
            cur.execute("UPDATE projects SET bayes_proxy = ? WHERE id = ?", [chosen, project_id])
        return self.human_levels(project_id)

    # -- settings --------------------------------------------------------------------
    def setting(self, project_id: int, key: str, default: Any = None) -> Any:
        """A per-project setting (JSON value) such as the checklist tolerance."""
        return self.setting_entry(project_id, key, default)[0]

    def setting_entry(self, project_id: int, key: str, default: Any = None
                      ) -> tuple[Any, int]:
        """A setting and its edit version (0 while it was never saved)."""
        with self._store.read() as cur:
            row = cur.execute(
                "SELECT value, version FROM project_settings WHERE project_id = ? AND key = ?",
                [project_id, key]).fetchone()
        return (default, 0) if row is None else (json.loads(row[0]), int(row[1] or 1))

    def set_setting(self, project_id: int, key: str, value: Any, *,
                    expected: int | None = None) -> int:
        """Store a setting; returns its new edit version. With `expected` (the version the
        writer read, 0 for never saved), refuse with ConflictError when someone else saved
        it since; the error's `current` holds their (value, version)."""
        payload = json.dumps(clean_value(value))
        with self._store.write() as cur:
            row = cur.execute(
                "SELECT value, version FROM project_settings WHERE project_id = ? AND key = ?",
                [project_id, key]).fetchone()
            version = 0 if row is None else int(row[1] or 1)
            if expected is not None and version != expected:
                theirs = None if row is None else json.loads(row[0])
                raise ConflictError("someone else saved this setting since you opened it",
                                    current=(theirs, version))
            cur.execute("DELETE FROM project_settings WHERE project_id = ? AND key = ?",
                        [project_id, key])
            return int(cur.scalar(
                "INSERT INTO project_settings (project_id, key, value, version) "
                "VALUES (?, ?, ?, nextval('edit_version_seq')) RETURNING version",
                [project_id, key, payload]))


def _human_levels(cur: Cursor, project_id: int) -> HumanLevels:
    rows = cur.execute(
        "SELECT label, error, coalesce(version, 1) FROM human_levels WHERE project_id = ? "
        "ORDER BY error, label", [project_id]).fetchall()
    chosen = cur.scalar("SELECT bayes_proxy FROM projects WHERE id = ?", [project_id])
    return HumanLevels(tuple(HumanLevel(label, error, int(version))
                             for label, error, version in rows), chosen)

