"""The decision log's rows."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from strategy_core.errors import InputError, NotFoundError
from strategy_core.values.decisions import Decision, check_status, clean_search, validate_decision

if TYPE_CHECKING:
    from strategy_core.store import Store
    from strategy_core.store.database import Cursor

_COLUMNS = "id, page, verdict, numbers, rationale, author, decided_at, superseded_by"


class DecisionRepo:
    def __init__(self, store: Store):
        self._store = store

    def record(self, project_id: int, page: str, verdict: str,
               numbers: Mapping[str, Any] | None = None, rationale: str = "",
               author: str = "", supersedes: int | None = None) -> Decision:
        """Add a decision to the project's log; `supersedes` names an active earlier
        decision it replaces (both happen in one transaction, or neither)."""
        page, verdict, payload, rationale, author = validate_decision(
            page, verdict, numbers, rationale, author)
        with self._store.write() as cur:
            if not cur.scalar("SELECT count(*) FROM projects WHERE id = ?", [project_id]):
                raise NotFoundError(f"no project with id {project_id}")
            if supersedes is not None:
                old = _one(cur, project_id, supersedes)
                if not old.active:
                    raise InputError(f"decision #{old.id} is already superseded by "
                                     f"#{old.superseded_by}")
            decision_id = cur.scalar(
                "INSERT INTO decisions (project_id, page, verdict, numbers, rationale, author) "
                "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                [project_id, page, verdict, payload, rationale, author])
            if supersedes is not None:
                cur.execute("UPDATE decisions SET superseded_by = ? WHERE project_id = ? "
                            "AND id = ?", [decision_id, project_id, supersedes])
        return self.get(project_id, int(decision_id))

    def list(self, project_id: int, page: str | None = None,
             include_superseded: bool = True, *, status: str = "all",
             text: str | None = None, limit: int | None = None) -> list[Decision]:
        """The project's decisions, newest first.

        Filters: `page` (a DECISION_PAGES key), `status` (all, active, superseded;
        `include_superseded=False` is the same as active), `text` (case-insensitive, in
        the verdict, rationale, author or numbers), `limit` (the newest n).
        """
        status = check_status(status)
        if not include_superseded:
            status = "active"
        sql = f"SELECT {_COLUMNS} FROM decisions WHERE project_id = ?"
        params: list[Any] = [project_id]
        if page is not None:
            sql += " AND page = ?"
            params.append(page)
        if status == "active":
            sql += " AND superseded_by IS NULL"
        elif status == "superseded":
            sql += " AND superseded_by IS NOT NULL"
        search = clean_search(text)
        if search:
            sql += (" AND contains(lower(verdict || ' ' || rationale || ' ' || author || ' ' "
                    "|| numbers), lower(?))")
            params.append(search)
        sql += " ORDER BY decided_at DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(max(int(limit), 0))
        with self._store.read() as cur:
            rows = cur.execute(sql, params).fetchall()
        return [_decision(row) for row in rows]

    def get(self, project_id: int, decision_id: int) -> Decision:
        with self._store.read() as cur:
            row = cur.execute(f"SELECT {_COLUMNS} FROM decisions WHERE project_id = ? AND id = ?",
                              [project_id, decision_id]).fetchone()
        if row is None:
            raise NotFoundError(f"no decision {decision_id} in this project")
        return _decision(row)

    def supersede(self, project_id: int, decision_id: int, by_id: int) -> Decision:
        """Mark decision `decision_id` as superseded by the later, active decision `by_id`.

        Checked inside the write transaction, so two people superseding the same decision
        at once cannot both succeed.
        """
        with self._store.write() as cur:
            old = _one(cur, project_id, decision_id)
            new = _one(cur, project_id, by_id)
            if old.id == new.id:
                raise InputError("a decision cannot supersede itself")
            if (new.decided_at, new.id) < (old.decided_at, old.id):
                raise InputError("only a later decision can supersede an earlier one")
            if not old.active:
                raise InputError(f"decision #{old.id} is already superseded by "
                                 f"#{old.superseded_by}")
            if not new.active:
                raise InputError(f"decision #{new.id} is itself superseded; choose a decision "
                                 "that is still in force")
            cur.execute("UPDATE decisions SET superseded_by = ? WHERE project_id = ? AND id = ?",
                        [by_id, project_id, decision_id])
        return self.get(project_id, decision_id)

    def reinstate(self, project_id: int, decision_id: int) -> Decision:
        """Undo a supersede: the decision is in force again."""
        with self._store.write() as cur:
            old = _one(cur, project_id, decision_id)
            if old.active:
                raise InputError(f"decision #{old.id} is not superseded")
            cur.execute("UPDATE decisions SET superseded_by = NULL WHERE project_id = ? "
                        "AND id = ?", [project_id, decision_id])
        return self.get(project_id, decision_id)


def _one(cur: Cursor, project_id: int, decision_id: int) -> Decision:
    row = cur.execute(f"SELECT {_COLUMNS} FROM decisions WHERE project_id = ? AND id = ?",
                      [project_id, decision_id]).fetchone()
    if row is None:
        raise NotFoundError(f"no decision {decision_id} in this project")
    return _decision(row)


def _decision(row: tuple) -> Decision:
    return Decision(row[0], row[1], row[2], json.loads(row[3] or "{}"), row[4], row[5],
                    row[6], row[7])
