"""Projects, their human levels and their settings."""

from __future__ import annotations

import json
import re
import unicodedata
import weakref
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from strategy_core.errors import InputError, NotFoundError
from strategy_core.human_level import HumanLevel, HumanLevels, validate_levels
from strategy_core.store.migrations import PROJECT_TABLES

if TYPE_CHECKING:
    from strategy_core.store import Store

MAX_PROJECT_NAME = 80
SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


@dataclass(frozen=True)
class Project:
    id: int
    name: str
    slug: str
    created_at: datetime
    runs: int = 0


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
                           WHERE v.project_id = p.id AND NOT v.deleted)
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

    def rename(self, project_id: int, new_name: str) -> Project:
        """Rename; the slug (and so every shared link) stays the same."""
        clean = _clean_name(new_name)
        with self._store.write() as cur:
            if cur.scalar("SELECT count(*) FROM projects WHERE name = ? AND id <> ?",
                          [clean, project_id]):
                raise InputError(f"a project named '{clean}' already exists")
            if not cur.scalar("SELECT count(*) FROM projects WHERE id = ?", [project_id]):
                raise NotFoundError(f"no project with id {project_id}")
            cur.execute("UPDATE projects SET name = ? WHERE id = ?", [clean, project_id])
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
            rows = cur.execute(
                "SELECT label, error FROM human_levels WHERE project_id = ? ORDER BY error, "
                "label", [project_id]).fetchall()
            chosen = cur.scalar("SELECT bayes_proxy FROM projects WHERE id = ?", [project_id])
        return HumanLevels(tuple(HumanLevel(label, error) for label, error in rows), chosen)

    def set_human_levels(
        self, project_id: int, rows: list[tuple[str, float | None]], chosen: str | None = None
    ) -> HumanLevels:
        """Replace the project's human levels; `chosen` is the proxy label (None: lowest)."""
        levels = validate_levels(rows)
        if chosen is not None and chosen not in {level.label for level in levels}:
            raise InputError(f"the proxy '{chosen}' is not one of the human levels")
        with self._store.write() as cur:
            cur.execute("DELETE FROM human_levels WHERE project_id = ?", [project_id])
            cur.executemany(
                "INSERT INTO human_levels (project_id, label, error) VALUES (?, ?, ?)",
                [(project_id, level.label, level.error) for level in levels])
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
        with self._store.read() as cur:
            raw = cur.scalar(
                "SELECT value FROM project_settings WHERE project_id = ? AND key = ?",
                [project_id, key])
        return default if raw is None else json.loads(raw)

    def set_setting(self, project_id: int, key: str, value: Any) -> None:
        payload = json.dumps(value)
        with self._store.write() as cur:
            cur.execute("DELETE FROM project_settings WHERE project_id = ? AND key = ?",
                        [project_id, key])
            cur.execute("INSERT INTO project_settings (project_id, key, value) VALUES (?, ?, ?)",
                        [project_id, key, payload])
