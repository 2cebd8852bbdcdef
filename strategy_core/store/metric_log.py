"""The metric change log and the team's saved metric definition (docs/rules.md §3).

The definition (what to optimize, which thresholds) lives in the project's settings under
`metrics.selection`, so every session sees the same one; saving it also writes a change-log
entry, in the same transaction, so the log says when and why the metric changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from strategy_core.errors import ConflictError, InputError, NotFoundError
from strategy_core.values.metric_log import (
    DEFINITION_SETTING,
    MAX_WHAT,
    MetricChange,
    change_marks,
    validate_change,
)
from strategy_core.values.metrics import SelectionDefinition
from strategy_core.values.project_metric import (
    PROJECT_METRIC_SETTING,
    ProjectMetric,
    metric_from_setting,
)
from strategy_core.values.runs import ERROR_FIELDS, FIELD_LABELS

if TYPE_CHECKING:
    from strategy_core.store import Store
    from strategy_core.store.database import Cursor

_COLUMNS = "id, kind, what, reason, author, changed_on, recorded_at"
FIRST_DEFINITION_REASON = "First saved definition of the team's metric."


@dataclass(frozen=True)
class SavedDefinition:
    """The team's definition with who saved it and when."""

    definition: SelectionDefinition
    saved_by: str
    saved_at: datetime | None


class MetricLogRepo:
    def __init__(self, store: Store):
        self._store = store

    # -- the change log ------------------------------------------------------------------
    def add(self, project_id: int, kind: str, what: str, reason: str, author: str = "",
            changed_on: date | datetime | str | None = None) -> MetricChange:
        """Record that the metric or the dev set changed, why, who, and on which day."""
        kind, what, reason, author, day = validate_change(kind, what, reason, author,
                                                          changed_on)
        with self._store.write() as cur:
            _require_project(cur, project_id)
            change_id = _insert(cur, project_id, kind, what, reason, author, day)
        return self.get(project_id, change_id)

    def list(self, project_id: int) -> list[MetricChange]:
        """The project's changes, newest first."""
        with self._store.read() as cur:
            rows = cur.execute(
                f"SELECT {_COLUMNS} FROM metric_changes WHERE project_id = ? "
                "ORDER BY changed_on DESC, id DESC", [project_id]).fetchall()
        return [_change(row) for row in rows]

    def get(self, project_id: int, change_id: int) -> MetricChange:
        with self._store.read() as cur:
            row = cur.execute(
                f"SELECT {_COLUMNS} FROM metric_changes WHERE project_id = ? AND id = ?",
                [project_id, change_id]).fetchone()
        if row is None:
            raise NotFoundError(f"no change-log entry {change_id} in this project")
        return _change(row)

    def delete(self, project_id: int, change_id: int) -> None:
        """Remove an entry recorded by mistake."""
        self.get(project_id, change_id)
        with self._store.write() as cur:
            cur.execute("DELETE FROM metric_changes WHERE project_id = ? AND id = ?",
                        [project_id, change_id])

    def change_marks(self, project_id: int) -> list[tuple[date, str]]:
        """(date, label) of every metric / dev-set change, oldest first, for trend charts."""
        return change_marks(self.list(project_id))

    # -- the team's definition -----------------------------------------------------------
    def definition(self, project_id: int) -> SavedDefinition | None:
        """The saved optimizing + satisficing definition; None until someone saves one."""
        return _saved(self._store.projects.setting(project_id, DEFINITION_SETTING))

    def save_definition(self, project_id: int, definition: SelectionDefinition, *,
                        expected: SelectionDefinition | None, reason: str = "",
                        author: str = "") -> SavedDefinition:
        """Save the team's definition and log the change, in one transaction.

        `expected` is the definition the editor started from (None: none was saved). If
        someone saved another one since, nothing is written (ConflictError). A first
        definition needs no reason; changing one does.
        """
        author = " ".join((author or "").split())
        with self._store.write() as cur:
            _require_project(cur, project_id)
            raw = cur.scalar("SELECT value FROM project_settings WHERE project_id = ? AND "
                             "key = ?", [project_id, DEFINITION_SETTING])
            current = _saved(None if raw is None else json.loads(raw))
            current_definition = current.definition if current else None
            if current_definition != expected:
                shown = current_definition.statement() if current_definition else "none"
                raise ConflictError(
                    "someone else changed the team's definition since you opened it (now: "
                    f"{shown}); nothing was saved: review it and save again", current)
            if current_definition == definition:
                return current  # type: ignore[return-value]
            if not (reason or "").strip():
                if current_definition is not None:
                    raise InputError("say why the definition changes: the change log keeps it")
                reason = FIRST_DEFINITION_REASON
            what = definition.statement()
            if current_definition is not None:
                what += f" (was: {current_definition.statement()})"
            if len(what) > MAX_WHAT:
                what = what[:MAX_WHAT - 1] + "…"
            kind, what, reason, author, day = validate_change("metric", what, reason, author,
                                                              None)
            saved_at = datetime.now().replace(microsecond=0)
            payload = {**definition.as_setting(), "saved_by": author,
                       "saved_at": saved_at.isoformat()}
            cur.execute("DELETE FROM project_settings WHERE project_id = ? AND key = ?",
                        [project_id, DEFINITION_SETTING])
            cur.execute("INSERT INTO project_settings (project_id, key, value) VALUES (?, ?, ?)",
                        [project_id, DEFINITION_SETTING, json.dumps(payload)])
            _insert(cur, project_id, kind, what, reason, author, day)
        return SavedDefinition(definition, author, saved_at)

    # -- the project metric (docs/rules.md §16) -----------------------------------------
    def project_metric(self, project_id: int) -> tuple[ProjectMetric, int]:
        """The project's metric and its edit version (the error rate, 0, if never saved)."""
        raw, version = self._store.projects.setting_entry(project_id, PROJECT_METRIC_SETTING)
        return metric_from_setting(raw), version

    def save_project_metric(self, project_id: int, metric: ProjectMetric, *, expected: int,
                            reason: str = "", author: str = "") -> int:
        """Save the project's metric and log the change, in one transaction; returns the new
        edit version. Stored run values and human levels are never rewritten: when one of
        them lies outside the new metric's range, nothing is saved and the error names the
        run and column (docs/rules.md §16). `expected` is the version the editor read."""
        from strategy_core.store.projects import _human_levels
        from strategy_core.store.runs import _current_runs

        with self._store.write() as cur:
            _require_project(cur, project_id)
            row = cur.execute("SELECT value, version FROM project_settings WHERE "
                              "project_id = ? AND key = ?",
                              [project_id, PROJECT_METRIC_SETTING]).fetchone()
            current = metric_from_setting(None if row is None else json.loads(row[0]))
            version = 0 if row is None else int(row[1] or 1)
            if version != expected:
                raise ConflictError("someone else changed the project metric since you "
                                    f"opened it (now: {current.describe()}); nothing was "
                                    "saved", current=(current, version))
            if current == metric:
                return version
            for run in _current_runs(cur, project_id):
                for field_name in ERROR_FIELDS:
                    value = getattr(run, field_name)
                    if value is not None:
                        metric.check(value, f"run '{run.name}': {FIELD_LABELS[field_name]}",
                                     column=field_name)
            for level in _human_levels(cur, project_id).levels:
                metric.check(level.error, f"human level '{level.label}'", column="human level")
            what = f"project metric: {metric.describe()} (was: {current.describe()})"
            if len(what) > MAX_WHAT:
                what = what[:MAX_WHAT - 1] + "…"
            kind, what, reason, author, day = validate_change(
                "metric", what, reason or "Project metric set.", author, None)
            cur.execute("DELETE FROM project_settings WHERE project_id = ? AND key = ?",
                        [project_id, PROJECT_METRIC_SETTING])
            new_version = int(cur.scalar(
                "INSERT INTO project_settings (project_id, key, value, version) "
                "VALUES (?, ?, ?, nextval('edit_version_seq')) RETURNING version",
                [project_id, PROJECT_METRIC_SETTING, json.dumps(metric.as_setting())]))
            _insert(cur, project_id, kind, what, reason, author, day)
        return new_version


def _require_project(cur: Cursor, project_id: int) -> None:
    if not cur.scalar("SELECT count(*) FROM projects WHERE id = ?", [project_id]):
        raise NotFoundError(f"no project with id {project_id}")


def _insert(cur: Cursor, project_id: int, kind: str, what: str, reason: str, author: str,
            day: date) -> int:
    return int(cur.scalar(
        "INSERT INTO metric_changes (project_id, kind, what, reason, author, changed_on) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        [project_id, kind, what, reason, author, day]))


def _saved(value: Any) -> SavedDefinition | None:
    """A stored definition, or None when there is none (or it cannot be read any more)."""
    if not isinstance(value, dict):
        return None
    try:
        definition = SelectionDefinition.from_setting(value)
    except InputError:
        return None
    saved_at = None
    if value.get("saved_at"):
        try:
            saved_at = datetime.fromisoformat(str(value["saved_at"]))
        except ValueError:
            saved_at = None
    return SavedDefinition(definition, str(value.get("saved_by") or ""), saved_at)


def _change(row: tuple) -> MetricChange:
    return MetricChange(row[0], row[1], row[2], row[3], row[4], row[5], row[6])
