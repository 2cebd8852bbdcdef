"""The change log part of the metrics page: record when and why the metric or the dev set
changed (what, why, who, when), list the entries, remove one recorded by mistake."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from strategy_core.errors import StrategyError
from strategy_core.markdown import escape
from strategy_core.metric_log import CHANGE_KINDS, MetricChange
from strategy_core.store import Store
from strategy_core.store.projects import Project
from strategy_core.usecases import metrics as usecase
from ui import widgets
from ui.session import flash

K = "metrics_log"


def add_form(store: Store, project: Project) -> None:
    """What changed, why, who, when: one entry in the log (and one mark on the charts)."""
    if not store.can_write:
        return
    with st.form(f"{K}_form", clear_on_submit=True):
        st.markdown("**Record a change**")
        left, right = st.columns([1, 1])
        kind = left.radio("What changed", list(CHANGE_KINDS), key=f"{K}_kind",
                          format_func=CHANGE_KINDS.get, horizontal=True)
        when = right.date_input("When", value=date.today(), key=f"{K}_when")
        what = st.text_input("The change", key=f"{K}_what", max_chars=300,
                             placeholder="e.g. dev set now holds only mobile-app photos")
        reason = st.text_area("Why", key=f"{K}_why", max_chars=5000,
                              placeholder="e.g. the old dev set (web images) ranked models "
                                          "differently from what users see")
        author = st.text_input("Who", key=f"{K}_who", max_chars=80,
                               value=st.session_state.get("decision_author", ""))
        submitted = st.form_submit_button("Add to the change log", type="primary",
                                          icon=":material/add:", key=f"{K}_add")
    if not submitted:
        return
    try:
        usecase.add_change(store, project.id, kind, what, reason, author, when)
    except StrategyError as exc:
        st.error(escape(exc))
        return
    st.session_state["decision_author"] = author
    flash("Change recorded; it shows as a mark on the trend charts.")
    st.rerun()


def show_log(store: Store, project: Project, changes: list[MetricChange]) -> None:
    """The entries, newest first, with a CSV download."""
    if not changes:
        st.info("No changes recorded yet. When the team changes its metric or its dev set "
                "(because the dev set no longer reflects the data that matters, or the metric "
                "ranks models wrongly), record it here so a jump in a trend is explained.",
                icon=":material/history:")
        return
    frame = pd.DataFrame([{"when": c.changed_on, "kind": c.kind_label, "what": c.what,
                           "why": c.reason, "who": c.author} for c in changes])
    st.dataframe(frame, hide_index=True, key=f"{K}_table", column_config={
        "when": st.column_config.DateColumn("When", format="YYYY-MM-DD"),
        "kind": st.column_config.TextColumn("Changed"),
        "what": st.column_config.TextColumn("What", width="medium"),
        "why": st.column_config.TextColumn("Why", width="medium"),
        "who": st.column_config.TextColumn("Who")})
    st.caption("Each date is drawn as a dashed mark on the trend chart under **Optimizing + "
               "satisficing**, so a jump in a curve is explained.")
    widgets.safe_download(frame, f"{project.slug}-metric-changes.csv",
                          "Download the change log (CSV)", key=f"{K}_download")
    if not store.can_write:
        return
    with st.expander("Remove an entry recorded by mistake"):
        by_id = {c.id: c for c in changes}
        chosen = st.selectbox("Entry", list(by_id), key=f"{K}_remove_choice",
                              format_func=lambda i: f"{by_id[i].changed_on} · "
                                                    f"{by_id[i].label[:80]}")
        if st.button("Remove entry", key=f"{K}_remove"):
            try:
                usecase.delete_change(store, project.id, chosen)
            except StrategyError as exc:
                st.error(escape(exc))
                return
            flash("Entry removed from the change log.")
            st.rerun()
