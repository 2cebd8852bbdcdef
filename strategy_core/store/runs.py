"""Runs and their import history.

Every change to a project's runs is an import (a file, a manual edit, a delete) that
appends run versions; the newest version of a run is current. Undoing an import deletes
its versions, so the run falls back to what it was before and nothing else is lost.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from strategy_core.errors import ConflictError, InputError, NotFoundError
from strategy_core.values.runs import (
    EDITABLE_FIELDS,
    ERROR_FIELDS,
    SIZE_FIELDS,
    Run,
    describe_changes,
)

if TYPE_CHECKING:
    from strategy_core.store import Store
    from strategy_core.store.database import Cursor

# Per open database: project id -> (data version, its current runs). See `RunRepo.list`.
_run_lists: weakref.WeakKeyDictionary[Any, dict[int, tuple[int, tuple[Run, ...]]]] = \
    weakref.WeakKeyDictionary()

# A run's per-step values by metric: ((step, value), ...) in step order.
Curves = Mapping[str, Sequence[tuple[int, float]]]

_VERSION_COLUMNS = ("name", "external_id", "created", "source_row", *ERROR_FIELDS, *SIZE_FIELDS)


@dataclass(frozen=True)
class ImportResult:
    """What an import did: counts of runs added, updated and unchanged."""

    import_id: int | None
    added: int
    updated: int
    unchanged: int
    deleted: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "import_id": self.import_id}


@dataclass(frozen=True)
class ImportRecord:
    """One entry of a project's import history."""

    id: int
    kind: str
    source: str | None
    format: str | None
    created_at: datetime
    added: int
    updated: int
    unchanged: int
    deleted: int

    @property
    def summary(self) -> str:
        if self.kind == "delete":
            return f"deleted {self.deleted} run(s)"
        parts = [f"{self.added} added", f"{self.updated} updated"]
        if self.unchanged:
            parts.append(f"{self.unchanged} unchanged")
        return ", ".join(parts)


class RunRepo:
    def __init__(self, store: Store):
        self._store = store

    # -- reading ---------------------------------------------------------------------
    def list(self, project_id: int) -> list[Run]:
        """The project's current runs, oldest first (by created time, then import order).

        Read once per data version of the database (any committed write moves it on): a
        project may hold thousands of runs, and pages, status lines and rules ask for them
        several times per view. Each call gets its own list of the same frozen runs."""
        database = self._store.database
        version = database.version
        known = _run_lists.setdefault(database, {}).get(project_id)
        if known is not None and known[0] == version:
            return list(known[1])
        with self._store.read() as cur:
            runs = _current_runs(cur, project_id)
        _run_lists[database][project_id] = (version, tuple(runs))
        return runs

    def get(self, project_id: int, key: int) -> Run:
        for run in self.list(project_id):
            if run.key == key:
                return run
        raise NotFoundError(f"no run {key} in this project")

    def by_name(self, project_id: int, name: str) -> Run:
        """The newest current run with this name (or run id)."""
        matches = [r for r in self.list(project_id) if name in (r.name, r.run_id)]
        if not matches:
            raise NotFoundError(f"no run named '{name}' in this project")
        return matches[-1]

    def count(self, project_id: int) -> int:
        with self._store.read() as cur:
            return int(cur.scalar(
                "SELECT count(*) FROM current_run_versions WHERE project_id = ? AND NOT deleted",
                [project_id]))

    def history(self, project_id: int) -> list[ImportRecord]:
        """The project's imports, newest first."""
        with self._store.read() as cur:
            rows = cur.execute(
                "SELECT id, kind, source, format, created_at, added, updated, unchanged, deleted "
                "FROM imports WHERE project_id = ? ORDER BY id DESC", [project_id]).fetchall()
        return [ImportRecord(*row) for row in rows]

    # -- writing ---------------------------------------------------------------------
    def import_runs(
        self, project_id: int, runs: Sequence[Run], *, source: str, fmt: str,
        kind: str = "file", curves: Mapping[str, Curves] | None = None,
    ) -> ImportResult:
        """Add new runs and update changed ones in one transaction.

        A run is matched to an existing one by run id, else by name; a run whose content
        is the same as its current version is counted unchanged and not written again.
        `curves`: per-step values of runs from a history export, by `curve_key(run)`; a run
        whose curve differs from its stored one counts as updated.
        """
        curves = curves or {}
        with self._store.write() as cur:
            _require_project(cur, project_id)
            current = _current_runs(cur, project_id, include_deleted=True)
            stored_points = _curve_sizes(cur, [r.version for r in current if r.version])
            by_id = {r.run_id: r for r in current if r.run_id}
            by_name: dict[str, Run] = {}
            for r in current:
                by_name[r.name] = r
            deleted_keys = set(_deleted_keys(cur, project_id))
            plan: list[tuple[int | None, Run]] = []
            added = updated = unchanged = 0
            for run in runs:
                existing = by_id.get(run.run_id) if run.run_id else None
                if existing is None:
                    candidate = by_name.get(run.name)
                    if candidate is not None and not (candidate.run_id and run.run_id):
                        existing = candidate
                if existing is None or existing.key in deleted_keys:
                    added += 1
                    plan.append((existing.key if existing else None, replace(run, key=None)))
                elif existing.content() == replace(run, key=existing.key).content() and \
                        _points(curves.get(curve_key(run))) in (
                            0, stored_points.get(existing.version or 0, 0)):
                    unchanged += 1
                else:
                    updated += 1
                    plan.append((existing.key, run))
            if not plan:
                return ImportResult(None, added, updated, unchanged)
            import_id = int(cur.scalar(
                "INSERT INTO imports (project_id, kind, source, format, added, updated, "
                "unchanged) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                [project_id, kind, source, fmt, added, updated, unchanged]))
            _write_versions(cur, project_id, import_id, plan, curves=curves)
        return ImportResult(import_id, added, updated, unchanged)

    def with_curves(self, project_id: int) -> frozenset[int]:
        """The runs whose current version has a curve."""
        with self._store.read() as cur:
            rows = cur.execute(
                "SELECT DISTINCT v.run_id FROM current_run_versions v "
                "JOIN run_curves c ON c.version_id = v.id WHERE v.project_id = ?",
                [project_id]).fetchall()
        return frozenset(int(r[0]) for r in rows)

    def curves(self, project_id: int, key: int) -> dict[str, tuple[tuple[int, float], ...]]:
        """The per-step values of run `key`'s current version, by metric (empty when it
        was not imported from a history)."""
        with self._store.read() as cur:
            rows = cur.execute(
                "SELECT c.metric, c.step, c.value FROM run_curves c "
                "JOIN current_run_versions v ON v.id = c.version_id "
                "WHERE v.project_id = ? AND v.run_id = ? ORDER BY c.metric, c.step",
                [project_id, key]).fetchall()
        out: dict[str, list[tuple[int, float]]] = {}
        for metric, step, value in rows:
            out.setdefault(metric, []).append((int(step), float(value)))
        return {m: tuple(points) for m, points in out.items()}

    def add_curves(self, project_id: int, key: int, curves: Curves) -> None:
        """Give run `key`'s current version these per-step values (replacing its values of
        the same metrics), without a new version: the run itself does not change."""
        with self._store.write() as cur:
            version = cur.scalar("SELECT id FROM current_run_versions WHERE project_id = ? "
                                 "AND run_id = ? AND NOT deleted", [project_id, key])
            if version is None:
                raise NotFoundError(f"no run {key} in this project")
            cur.execute("DELETE FROM run_curves WHERE version_id = ? AND metric IN "
                        "(SELECT unnest(?::VARCHAR[]))", [version, list(curves)])
            _write_curves(cur, [(int(version), metric, int(step), float(value))
                                for metric, points in curves.items()
                                for step, value in points], [])

    def save_run(self, project_id: int, run: Run, *, key: int | None = None) -> ImportResult:
        """Add one run by hand, or edit run `key`; recorded in the history as a manual edit."""
        if not run.name.strip():
            raise InputError("a run needs a name")
        with self._store.write() as cur:
            _require_project(cur, project_id)
            current = {r.key: r for r in _current_runs(cur, project_id)}
            if key is not None and key not in current:
                raise NotFoundError(f"no run {key} in this project")
            clash = [r for r in current.values() if r.name == run.name.strip() and r.key != key]
            if clash:
                raise InputError(f"a run named '{run.name}' already exists in this project")
            if key is not None and current[key].content() == replace(run, key=key).content():
                return ImportResult(None, 0, 0, 1)
            import_id = int(cur.scalar(
                "INSERT INTO imports (project_id, kind, source, format, added, updated) "
                "VALUES (?, 'manual', ?, 'manual', ?, ?) RETURNING id",
                [project_id, f"{'edit' if key else 'new'}: {run.name}", int(key is None),
                 int(key is not None)]))
            _write_versions(cur, project_id, import_id, [(key, run)])
        return ImportResult(import_id, int(key is None), int(key is not None), 0)

    def edit_run(self, project_id: int, key: int, changes: Mapping[str, Any], *,
                 expected_version: int | None) -> ImportResult:
        """Change only the given fields of run `key` (a manual edit in the history).

        `expected_version` is the run's version as the editor read it: when someone else
        saved the run since, nothing is written and ConflictError says what they changed
        (its `current` is their run, to reapply these changes on)."""
        unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
        if unknown:
            raise InputError(f"runs have no editable field {', '.join(unknown)}")
        with self._store.write() as cur:
            _require_project(cur, project_id)
            current = {r.key: r for r in _current_runs(cur, project_id)}
            if key not in current:
                raise NotFoundError(f"no run {key} in this project (someone may have deleted "
                                    "it)")
            run = current[key]
            if expected_version is not None and run.version != expected_version:
                before = _run_version(cur, expected_version)
                what = (describe_changes(before, run) if before is not None else
                        "an import that changed it was undone")
                raise ConflictError(
                    f"someone else saved run '{run.name}' since you opened it ({what})",
                    current=run)
            changed = replace(run, **changes)
            if not str(changed.name).strip():
                raise InputError("a run needs a name")
            changed = replace(changed, name=changed.name.strip())
            if any(r.name == changed.name and r.key != key for r in current.values()):
                raise InputError(f"a run named '{changed.name}' already exists in this "
                                 "project")
            if run.content() == changed.content():
                return ImportResult(None, 0, 0, 1)
            import_id = int(cur.scalar(
                "INSERT INTO imports (project_id, kind, source, format, updated) "
                "VALUES (?, 'manual', ?, 'manual', 1) RETURNING id",
                [project_id, f"edit: {changed.name}"]))
            _write_versions(cur, project_id, import_id, [(key, changed)])
        return ImportResult(import_id, 0, 1, 0)

    def delete_runs(self, project_id: int, keys: Sequence[int]) -> ImportResult:
        """Delete runs (undoable from the history like any import)."""
        with self._store.write() as cur:
            current = {r.key: r for r in _current_runs(cur, project_id)}
            missing = [k for k in keys if k not in current]
            if missing or not keys:
                raise NotFoundError("no such run in this project")
            names = ", ".join(current[k].name for k in keys)
            import_id = int(cur.scalar(
                "INSERT INTO imports (project_id, kind, source, format, deleted) "
                "VALUES (?, 'delete', ?, 'manual', ?) RETURNING id",
                [project_id, f"deleted: {names}"[:200], len(keys)]))
            _write_versions(cur, project_id, import_id, [(k, current[k]) for k in keys],
                            deleted=True)
        return ImportResult(import_id, 0, 0, 0, deleted=len(keys))

    def undo_import(self, project_id: int, import_id: int) -> None:
        """Remove what one import wrote; runs fall back to their previous versions."""
        with self._store.write() as cur:
            if not cur.scalar("SELECT count(*) FROM imports WHERE id = ? AND project_id = ?",
                              [import_id, project_id]):
                raise NotFoundError(f"no import {import_id} in this project")
            for table in ("run_values", "run_curves"):  # names from code, not input
                cur.execute(f"DELETE FROM {table} WHERE version_id IN "
                            "(SELECT id FROM run_versions WHERE import_id = ?)", [import_id])
            cur.execute("DELETE FROM run_versions WHERE import_id = ?", [import_id])
            cur.execute("DELETE FROM runs WHERE project_id = ? AND id NOT IN "
                        "(SELECT run_id FROM run_versions)", [project_id])
            cur.execute("DELETE FROM imports WHERE id = ?", [import_id])


def _require_project(cur: Cursor, project_id: int) -> None:
    if not cur.scalar("SELECT count(*) FROM projects WHERE id = ?", [project_id]):
        raise NotFoundError(f"no project with id {project_id}")


def _deleted_keys(cur: Cursor, project_id: int) -> list[int]:
    return [row[0] for row in cur.execute(
        "SELECT run_id FROM current_run_versions WHERE project_id = ? AND deleted",
        [project_id]).fetchall()]


def curve_key(run: Run) -> str:
    """How an import names a run's curve: its run id, else its name."""
    return run.run_id or run.name


def _points(curve: Curves | None) -> int:
    return sum(len(points) for points in (curve or {}).values())


def _curve_sizes(cur: Cursor, version_ids: Sequence[int | None]) -> dict[int, int]:
    if not version_ids:
        return {}
    return {int(v): int(n) for v, n in cur.execute(
        "SELECT version_id, count(*) FROM run_curves "
        "WHERE version_id IN (SELECT unnest(?::BIGINT[])) GROUP BY version_id",
        [[v for v in version_ids if v]]).fetchall()}


def _write_curves(cur: Cursor, rows: list[tuple[int, str, int, float]],
                  carried: list[tuple[int, int]]) -> None:
    """Store new curves, and carry each edited run's curve over to its new version."""
    if rows:
        frame = pd.DataFrame(rows, columns=["version_id", "metric", "step", "value"])
        cur.register("incoming_curves", frame)
        cur.execute("INSERT INTO run_curves SELECT version_id, metric, step, value "
                    "FROM incoming_curves")
    for new_version, key in carried:
        cur.execute(
            "INSERT INTO run_curves SELECT ?, metric, step, value FROM run_curves WHERE "
            "version_id = (SELECT id FROM current_run_versions WHERE run_id = ?)",
            [new_version, key])


def _write_versions(
    cur: Cursor, project_id: int, import_id: int, plan: Sequence[tuple[int | None, Run]],
    *, deleted: bool = False, curves: Mapping[str, Curves] | None = None,
) -> None:
    """Append one version per run (creating run identities for new runs), with values;
    a run without a curve of its own keeps the one it had."""
    version_rows = []
    value_rows = []
    curve_rows: list[tuple[int, str, int, float]] = []
    carried: list[tuple[int, int]] = []
    for position, (key, run) in enumerate(plan, start=1):
        if key is None:
            key = int(cur.scalar("INSERT INTO runs (project_id) VALUES (?) RETURNING id",
                                 [project_id]))
        version_id = int(cur.scalar("SELECT nextval('run_version_id_seq')"))
        curve = (curves or {}).get(curve_key(run))
        if curve:
            curve_rows.extend((version_id, metric, int(step), float(value))
                              for metric, points in curve.items() for step, value in points)
        else:
            carried.append((version_id, key))
        version_rows.append((
            version_id, key, import_id, deleted, run.name, run.run_id, run.created, position,
            *(getattr(run, f) for f in ERROR_FIELDS + SIZE_FIELDS)))
        value_rows.extend((version_id, "metric", name, float(value), None)
                          for name, value in run.metrics.items())
        value_rows.extend((version_id, "param", name, None, str(value))
                          for name, value in run.params.items())
        value_rows.extend((version_id, "info", name, None, str(value))
                          for name, value in run.info.items())
        value_rows.extend((version_id, "slice", name, float(value), None)
                          for name, value in run.slices.items())
    _write_curves(cur, curve_rows, carried)
    columns = ("id", "run_id", "import_id", "deleted", *_VERSION_COLUMNS)
    versions = pd.DataFrame(version_rows, columns=list(columns))
    for f in SIZE_FIELDS:
        versions[f] = versions[f].astype("Int64")
    versions["created"] = pd.to_datetime(versions["created"])
    cur.register("incoming_versions", versions)
    cur.execute(f"INSERT INTO run_versions ({', '.join(columns)}) "
                f"SELECT {', '.join(columns)} FROM incoming_versions")
    if value_rows:
        values = pd.DataFrame(value_rows, columns=["version_id", "kind", "name", "num", "text"])
        values["num"] = values["num"].astype("float64")
        values["text"] = values["text"].astype("object")
        cur.register("incoming_values", values)
        cur.execute("INSERT INTO run_values (version_id, kind, name, num, text) "
                    "SELECT version_id, kind, name, num, text FROM incoming_values")


def _run_version(cur: Cursor, version_id: int) -> Run | None:
    """One stored version of a run by its id (None when an undo removed it)."""
    row = cur.execute(
        f"SELECT {', '.join(_VERSION_COLUMNS)} FROM run_versions WHERE id = ?",
        [version_id]).fetchone()
    if row is None:
        return None
    fields = dict(zip(_VERSION_COLUMNS, row, strict=True))
    return Run(name=fields["name"], run_id=fields["external_id"], created=fields["created"],
               **{f: fields[f] for f in ERROR_FIELDS + SIZE_FIELDS}, version=version_id)


def _current_runs(cur: Cursor, project_id: int, *, include_deleted: bool = False) -> list[Run]:
    rows = cur.execute(
        f"""SELECT v.id, v.run_id, {', '.join('v.' + c for c in _VERSION_COLUMNS)}, v.deleted
            FROM current_run_versions v JOIN imports i ON i.id = v.import_id
            WHERE v.project_id = ? {'' if include_deleted else 'AND NOT v.deleted'}
            ORDER BY coalesce(v.created, i.created_at), v.run_id""",
        [project_id]).fetchall()
    if not rows:
        return []
    version_ids = [row[0] for row in rows]
    values = cur.execute(
        "SELECT version_id, kind, name, num, text FROM run_values "
        "WHERE version_id IN (SELECT unnest(?::BIGINT[])) ORDER BY name",
        [version_ids]).fetchall()
    by_kind: dict[str, dict[int, dict[str, Any]]] = {
        "metric": {}, "param": {}, "info": {}, "slice": {}}
    for version_id, kind, name, num, text in values:
        by_kind[kind].setdefault(version_id, {})[name] = \
            num if kind in ("metric", "slice") else text
    runs = []
    for row in rows:
        version_id, key = row[0], row[1]
        fields = dict(zip(_VERSION_COLUMNS, row[2:-1], strict=True))
        runs.append(Run(
            name=fields["name"], run_id=fields["external_id"], created=fields["created"],
            **{f: fields[f] for f in ERROR_FIELDS + SIZE_FIELDS},
            metrics=by_kind["metric"].get(version_id, {}),
            params=by_kind["param"].get(version_id, {}),
            info=by_kind["info"].get(version_id, {}),
            slices=by_kind["slice"].get(version_id, {}), key=key, version=version_id,
        ))
    return runs
