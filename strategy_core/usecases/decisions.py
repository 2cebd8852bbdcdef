"""Decisions: the project's decision log (what was decided on which page, why, by whom and
when), recorded, superseded, reinstated, listed and searched, and the overview's lines of
the newest decisions in force (docs/rules.md, the decision log)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from strategy_core.decisions import Decision
from strategy_core.report.model import (
    DECISIONS_SHOWN,
    SECTION_TITLES,
    Block,
    Cell,
    Paragraph,
    Section,
    Table,
)
from strategy_core.store import Store


def list_decisions(store: Store, project_id: int, page: str | None = None,
                   status: str = "all", text: str = "", limit: int | None = None
                   ) -> list[Decision]:
    """The project's decisions, newest first, filtered by page (a DECISION_PAGES key),
    status (all, active, superseded) and search text (in the verdict, rationale, author or
    numbers); `limit` keeps the newest n."""
    return store.decisions.list(project_id, page=page, status=status, text=text, limit=limit)


def search_decisions(store: Store, project_id: int, text: str, *, page: str | None = None,
                     status: str = "all") -> list[Decision]:
    """The decisions whose verdict, rationale, author or numbers hold `text`, newest first."""
    return list_decisions(store, project_id, page, status, text)


def record_decision(store: Store, project_id: int, page: str, verdict: str,
                    numbers: Mapping[str, Any] | None = None, rationale: str = "",
                    author: str = "", supersedes: int | None = None) -> Decision:
    """Add a decision to the log (checked first); `supersedes` names an earlier decision in
    force that it replaces, in the same transaction."""
    return store.decisions.record(project_id, page, verdict, numbers or {}, rationale, author,
                                  supersedes=supersedes)


def supersede_decision(store: Store, project_id: int, decision_id: int, by_id: int
                       ) -> Decision:
    """Mark a decision as superseded by a later one still in force."""
    return store.decisions.supersede(project_id, decision_id, by_id)


def reinstate_decision(store: Store, project_id: int, decision_id: int) -> Decision:
    """Undo a supersede: the decision is in force again."""
    return store.decisions.reinstate(project_id, decision_id)


def latest_decisions_lines(store: Store, project_id: int, n: int = 3) -> list[str]:
    """The project's n newest decisions still in force, one plain-text line each.

    For the overview page. The lines hold user text (verdicts, author names): escape them
    (strategy_core.markdown.escape) before putting them into Markdown.
    """
    return [decision.line()
            for decision in list_decisions(store, project_id, status="active", limit=n)]


# --- the report's decisions section ---------------------------------------------------------


def decisions_report_section(store: Store, project_id: int) -> Section:
    """The report's decision log: the decisions in force and those superseded, newest first
    (at most DECISIONS_SHOWN of each)."""
    active = list_decisions(store, project_id, status="active")
    superseded = list_decisions(store, project_id, status="superseded")
    if not active and not superseded:
        return Section("decisions", SECTION_TITLES["decisions"], (Paragraph(
            "No decisions recorded yet. Every page that ends in a verdict can record it as a "
            "decision, with the rationale, the author and the date.", style="empty"),),
            has_data=False)
    in_force = f"{len(active):,} decision{'' if len(active) == 1 else 's'}"
    blocks: list[Block] = [Paragraph(
        f"{in_force} in force, {len(superseded):,} superseded by a later one. A decision is "
        "never deleted: a later one replaces it.")]

    def rows(decisions: Sequence[Decision], with_successor: bool
             ) -> tuple[tuple[Cell, ...], ...]:
        return tuple(
            (f"#{d.id}", f"{d.decided_at:%Y-%m-%d}", d.page_title, d.verdict,
             d.rationale or "–", d.author or "–")
            + ((f"#{d.superseded_by}",) if with_successor else ())
            for d in decisions[:DECISIONS_SHOWN])

    def caption(decisions: Sequence[Decision], what: str) -> str:
        if len(decisions) > DECISIONS_SHOWN:
            return f"The newest {DECISIONS_SHOWN} of {len(decisions):,} {what}, newest first."
        return f"{what[:1].upper()}{what[1:]}, newest first."

    columns = ("#", "Date", "Page", "Decision", "Rationale", "By")
    if active:
        blocks.append(Table(columns, rows(active, False), (),
                            caption(active, "decisions in force")))
    else:
        blocks.append(Paragraph("No decision is in force: every recorded one is superseded.",
                                style="empty"))
    if superseded:
        blocks.append(Table((*columns, "Superseded by"), rows(superseded, True), (),
                            caption(superseded, "superseded decisions")))
    return Section("decisions", SECTION_TITLES["decisions"], tuple(blocks))
