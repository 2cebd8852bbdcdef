"""The decision log's pieces: filters, one card per decision, superseding, recording a
free-form decision, and the project report's download buttons."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from strategy_core.decisions import (
    DECISION_PAGES,
    DECISION_STATUSES,
    MAX_AUTHOR,
    MAX_RATIONALE,
    MAX_SEARCH,
    MAX_VERDICT,
    Decision,
    numbers_rows,
)
from strategy_core.errors import StrategyError
from strategy_core.markdown import escape
from strategy_core.store import Store
from strategy_core.store.projects import Project
from strategy_core.usecases import decisions as decision_cases
from strategy_core.usecases.report import report_files
from ui import cache
from ui.session import flash

MAX_CARDS = 50
AUTHOR_KEY = "decision_author"  # shared with widgets.record_decision


def decisions(store: Store, project_id: int, page: str | None = None, status: str = "all",
              text: str = "") -> list[Decision]:
    """The project's decisions, newest first, filtered."""
    return cache.read(decision_cases.list_decisions, store, project_id, page, status, text)


def filters() -> tuple[str | None, str, str]:
    """Page, status and search text chosen above the list."""
    page_col, status_col, text_col = st.columns([2, 2, 3])
    with page_col:
        page = st.selectbox("Page", [None, *DECISION_PAGES], key="dec_filter_page",
                            format_func=lambda p: "All pages" if p is None
                            else DECISION_PAGES[p])
    with status_col:
        status = st.radio("Status", list(DECISION_STATUSES), key="dec_filter_status",
                          horizontal=True, format_func=DECISION_STATUSES.get)
    with text_col:
        text = st.text_input("Search", key="dec_filter_text", max_chars=MAX_SEARCH,
                             placeholder="a word in the verdict, rationale, author, numbers")
    return page, status, text


def _label(decision: Decision) -> str:
    verdict = decision.verdict if len(decision.verdict) <= 70 else decision.verdict[:69] + "…"
    return f"#{decision.id} · {verdict} ({decision.decided_at:%Y-%m-%d})"


def card(store: Store, project: Project, decision: Decision) -> None:
    """One decision: verdict, where and when, by whom, why, the numbers, its status."""
    with st.container(border=True, key=f"dec_card_{decision.id}"):
        head, badge = st.columns([5, 1])
        head.markdown(f"**#{decision.id} · {escape(decision.verdict)}**")
        with badge:
            if decision.active:
                st.badge("Active", color="green", icon=":material/check:")
            else:
                st.badge(f"Superseded by #{decision.superseded_by}", color="gray",
                         icon=":material/history:")
        author = escape(decision.author) if decision.author else "no author given"
        st.caption(f"{escape(decision.page_title)} · {decision.decided_at:%Y-%m-%d %H:%M} · "
                   f"{author}")
        paragraphs = [escape(line) for line in decision.rationale.splitlines() if line.strip()]
        if paragraphs:
            st.markdown("\n\n".join(paragraphs))
        rows = numbers_rows(decision.numbers)
        if rows:
            with st.expander("The numbers behind it"):
                st.dataframe(pd.DataFrame(rows, columns=["name", "value"]), hide_index=True,
                             key=f"dec_numbers_{decision.id}")
        if store.can_write and not decision.active and st.button(
                "Reinstate", key=f"dec_reinstate_{decision.id}", icon=":material/undo:",
                help="Undo the supersede: this decision is in force again."):
            try:
                decision_cases.reinstate_decision(store, project.id, decision.id)
            except StrategyError as exc:
                st.error(escape(exc))
                return
            flash(f"Decision #{decision.id} is in force again.")
            st.rerun()


def log_frame(shown: list[Decision]) -> pd.DataFrame:
    """The decisions as a table for the CSV download."""
    return pd.DataFrame([
        {"id": d.id, "date": d.decided_at, "page": d.page_title, "verdict": d.verdict,
         "rationale": d.rationale, "author": d.author, "status": d.status,
         "superseded_by": d.superseded_by,
         "numbers": "; ".join(f"{name}={value}" for name, value in numbers_rows(d.numbers))}
        for d in shown
    ])


def supersede_form(store: Store, project: Project, every: list[Decision]) -> None:
    """Mark a decision as superseded by a later one still in force."""
    active = sorted((d for d in every if d.active), key=lambda d: (d.decided_at, d.id))
    if len(active) < 2:
        st.caption("Superseding needs two decisions in force: an earlier one and the later "
                   "one that replaces it.")
        return
    by_id = {d.id: d for d in active}
    old_id = st.selectbox("Decision that no longer holds", [d.id for d in active[:-1]],
                          key="dec_supersede_old", format_func=lambda i: _label(by_id[i]))
    old = by_id[old_id]
    later = [d.id for d in active if (d.decided_at, d.id) > (old.decided_at, old.id)]
    new_id = st.selectbox("Superseded by (a later decision)", later, key="dec_supersede_new",
                          format_func=lambda i: _label(by_id[i]))
    if st.button("Mark as superseded", key="dec_supersede_button", icon=":material/history:"):
        try:
            decision_cases.supersede_decision(store, project.id, old_id, new_id)
        except StrategyError as exc:
            st.error(escape(exc))
            return
        flash(f"Decision #{old_id} is marked as superseded by #{new_id}.")
        st.rerun()


def free_form(store: Store, project: Project, every: list[Decision]) -> None:
    """Record a decision that no page computed (or one for a page, written by hand)."""
    active = {d.id: d for d in every if d.active}
    with st.form("dec_free_form", clear_on_submit=True, border=False):
        page = st.selectbox("About", list(DECISION_PAGES), index=len(DECISION_PAGES) - 1,
                            key="dec_free_page", format_func=DECISION_PAGES.get)
        verdict = st.text_input("Decision", key="dec_free_verdict", max_chars=MAX_VERDICT,
                                placeholder="e.g. Collect 5,000 more mobile photos before "
                                            "the next training run")
        rationale = st.text_area("Why (rationale)", key="dec_free_rationale",
                                 max_chars=MAX_RATIONALE,
                                 placeholder="What the team agreed, and why")
        author = st.text_input("Your name", key="dec_free_author", max_chars=MAX_AUTHOR,
                               value=st.session_state.get(AUTHOR_KEY, ""))
        replaces = st.selectbox("Replaces an earlier decision (optional)",
                                [None, *active], key="dec_free_replaces",
                                format_func=lambda i: "None" if i is None
                                else _label(active[i]))
        if st.form_submit_button("Record decision", icon=":material/gavel:"):
            try:
                recorded = decision_cases.record_decision(
                    store, project.id, page, verdict, {}, rationale, author,
                    supersedes=replaces)
            except StrategyError as exc:
                st.error(escape(exc))
                return
            st.session_state[AUTHOR_KEY] = author
            note = f" It supersedes #{replaces}." if replaces is not None else ""
            flash(f"Decision #{recorded.id} recorded in the decision log.{note}")
            st.rerun()


# --- the project report ------------------------------------------------

# The report's widget keys start with "report_", not "dec_": the log's dec_ controls write,
# while anyone, viewers too, may prepare and download the report.
REPORT_KEY = "report_project"  # the project whose report this session asked for


def report_section(store: Store, project: Project) -> None:
    """The report: prepared on demand (the charts take a moment), then two downloads that
    follow the data: after any change the next rerun prepares them again."""
    st.subheader("Report", divider="gray")
    st.caption("The whole project in one document to send upward: where it stands, the runs, "
               "the diagnosis and its trend, the checklist, the metric, the error analysis, "
               "sizing and the decisions. **Markdown** for a wiki or an e-mail; **HTML** as one "
               "self-contained file with the charts, which opens in any browser without a "
               "network connection.")
    if st.button("Prepare report", key="report_prepare", icon=":material/description:"):
        st.session_state[REPORT_KEY] = project.id
    if st.session_state.get(REPORT_KEY) != project.id:
        return
    try:
        with st.spinner("Preparing the report and drawing its charts…"):
            # Once per data version (any write rebuilds it) and day (the title's date).
            prepared = cache.read(report_files, store, project.id, date.today())
    except StrategyError as exc:
        st.error(escape(exc))
        return
    left, right = st.columns(2)
    for column, fmt, label, mime, icon in (
            (left, "md", "Download Markdown", "text/markdown", ":material/article:"),
            (right, "html", "Download HTML", "text/html", ":material/language:")):
        name, content = prepared.files[fmt]
        column.download_button(label, content, file_name=name, mime=mime,
                               key=f"report_download_{fmt}", icon=icon, on_click="ignore",
                               width="stretch")
    note = f"Prepared from the project's data as of {date.today():%Y-%m-%d}."
    if prepared.empty_sections:
        note += " No data yet for: " + ", ".join(escape(title)
                                                  for title in prepared.empty_sections) + "."
    st.caption(note)
