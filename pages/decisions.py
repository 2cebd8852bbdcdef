"""Decisions & report: the project's decision log (what was decided, why, by whom, when),
filtered, with superseding and free-form decisions; then the project report."""

import streamlit as st

from strategy_core.errors import StrategyError
from strategy_core.markdown import escape
from ui import decisions, session, widgets

store = session.store()
project = session.require_project()

st.title("Decisions & report")
st.caption(f"Project **{escape(project.name)}**: what the team decided, why, by whom and "
           "when. A decision is never deleted: a later one supersedes it.")

every = decisions.decisions(store, project.id)
st.subheader("Decision log", divider="gray")
if not every:
    st.info("No decisions recorded yet. Every page that ends in a verdict offers **Record "
            "this as a decision**, which keeps the verdict with the numbers behind it. You "
            "can also write one down below.", icon=":material/gavel:")
    st.page_link("pages/end_to_end.py", label="End-to-end or pipeline",
                 icon=":material/account_tree:")
    st.page_link("pages/transfer.py", label="Transfer or multi-task",
                 icon=":material/call_split:")
else:
    page, status, text = decisions.filters()
    try:
        shown = decisions.decisions(store, project.id, page, status, text)
    except StrategyError as exc:
        st.error(escape(exc))
        shown = []
    active = sum(d.active for d in every)
    st.caption(f"{len(shown)} of {len(every)} decisions shown; {active} in force, "
               f"{len(every) - active} superseded. Newest first.")
    if not shown:
        st.info("No decision matches these filters.", icon=":material/filter_alt_off:")
    for decision in shown[: decisions.MAX_CARDS]:
        decisions.card(store, project, decision)
    if len(shown) > decisions.MAX_CARDS:
        st.caption(f"Showing the newest {decisions.MAX_CARDS}; narrow the filters or download "
                   "the log for the rest.")
    if shown:
        widgets.safe_download(decisions.log_frame(shown), f"{project.slug}-decisions.csv",
                              "Download these decisions (CSV)", key="dec_download")

if store.can_write:
    if every:
        with st.expander("Mark a decision as superseded", icon=":material/history:"):
            decisions.supersede_form(store, project, every)
    with st.expander("Record a free-form decision", icon=":material/edit_note:",
                     expanded=not every):
        decisions.free_form(store, project, every)

# --- Report ---------------------------------------------------------
decisions.report_section(store, project)
