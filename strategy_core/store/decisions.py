"""The decision log's rows."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from strategy_core.decisions import Decision, validate_decision
from strategy_core.errors import InputError, NotFoundError

if TYPE_CHECKING:
    from strategy_core.store import Store

_COLUMNS = "id, page, verdict, numbers, rationale, author, decided_at, superseded_by"


class DecisionRepo:
    def __init__(self, store: Store):
        self._store = store

    def record(self, project_id: int, page: str, verdict: str,
               numbers: Mapping[str, Any] | None = None, rationale: str = "",
               author: str = "") -> Decision:
        """Add a decision to the project's log."""
        page, verdict, payload, rationale, author = validate_decision(
            page, verdict, numbers, rationale, author)
        with self._store.write() as cur:
            if not cur.scalar("SELECT count(*) FROM projects WHERE id = ?", [project_id]):
                raise NotFoundError(f"no project with id {project_id}")
            decision_id = cur.scalar(
                "INSERT INTO decisions (project_id, page, verdict, numbers, rationale, author) "
                "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                [project_id, page, verdict, payload, rationale, author])
        return self.get(project_id, int(decision_id))

    def list(self, project_id: int, page: str | None = None,
             include_superseded: bool = True) -> list[Decision]:
        """The project's decisions, newest first."""
        sql = f"SELECT {_COLUMNS} FROM decisions WHERE project_id = ?"
        params: list[Any] = [project_id]
        if page is not None:
            sql += " AND page = ?"
            params.append(page)
        if not include_superseded:
            sql += " AND superseded_by IS NULL"
        with self._store.read() as cur:
            rows = cur.execute(sql + " ORDER BY decided_at DESC, id DESC", params).fetchall()
        return [_decision(row) for row in rows]

    def get(self, project_id: int, decision_id: int) -> Decision:
        with self._store.read() as cur:
            row = cur.execute(f"SELECT {_COLUMNS} FROM decisions WHERE project_id = ? AND id = ?",
                              [project_id, decision_id]).fetchone()
        if row is None:
            raise NotFoundError(f"no decision {decision_id} in this project")
        return _decision(row)

    def supersede(self, project_id: int, decision_id: int, by_id: int) -> Decision:
        """Mark decision `decision_id` as superseded by the later decision `by_id`."""
        old, new = self.get(project_id, decision_id), self.get(project_id, by_id)
        if old.id == new.id:
            raise InputError("a decision cannot supersede itself")
        if (new.decided_at, new.id) < (old.decided_at, old.id):
            raise InputError("only a later decision can supersede an earlier one")
        with self._store.write() as cur:
            cur.execute("UPDATE decisions SET superseded_by = ? WHERE project_id = ? AND id = ?",
                        [by_id, project_id, decision_id])
        return self.get(project_id, decision_id)


def _decision(row: tuple) -> Decision:
    return Decision(row[0], row[1], row[2], json.loads(row[3] or "{}"), row[4], row[5],
                    row[6], row[7])
