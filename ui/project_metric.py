"""The project metric editor (docs/rules.md §16): start from a preset, adjust direction,
kind, unit and precision, say why, save; the change goes to the metric change log. A save
that someone else's overtook is shown, not lost."""

from __future__ import annotations

import streamlit as st

from strategy_core.errors import StrategyError
from strategy_core.markdown import escape
from strategy_core.project_metric import DIRECTIONS, KINDS, PRESETS, ProjectMetric, with_changes
from strategy_core.store import Store
from strategy_core.store.projects import Project
from strategy_core.usecases import project_metric as metric_cases
from ui import cache, stale_edits
from ui.session import flash

KEY = "project_metric"
_WIDGETS = [f"{KEY}_{name}" for name in ("preset", "direction", "kind", "unit", "precision",
                                          "as_error", "reason", "author")]


def metric_editor(store: Store, project: Project) -> None:
    """What the project's numbers mean, and a form to change it (editors only)."""
    current, version = cache.read(metric_cases.project_metric_entry, store, project.id)
    st.markdown(f"**Project metric:** {escape(current.describe())}")
    st.caption("Every page, the command line and the report speak this metric: its units, "
               "its direction (a positive gap is always room to improve) and its range. "
               "Changing it never rewrites stored values; a value outside the new range "
               "stops the change.")
    if not store.can_write:
        return
    opened = stale_edits.opened_version(KEY, version, f"{KEY}_preset")

    def write(expected: int) -> None:
        metric_cases.save_project_metric(
            store, project.id, st.session_state[f"{KEY}_mine"], expected=expected,
            reason=st.session_state.get(f"{KEY}_reason", ""),
            author=st.session_state.get(f"{KEY}_author", ""))

    if stale_edits.show_conflict(KEY, write, widget_keys=_WIDGETS, saved="Metric saved.",
                                 theirs=lambda theirs: theirs[0].describe(),
                                 version_of=lambda theirs: theirs[1]):
        return
    keys = list(PRESETS)
    start = current.key if current.key in PRESETS else "error_rate"
    preset_key = st.selectbox("Start from", keys, index=keys.index(start),
                              format_func=lambda k: PRESETS[k].describe(),
                              key=f"{KEY}_preset")
    base = current if preset_key == current.key else PRESETS[preset_key]
    with st.form(f"{KEY}_form", border=False):
        left, middle, right = st.columns(3)
        direction = left.radio("Direction", list(DIRECTIONS), format_func=DIRECTIONS.get,
                               index=list(DIRECTIONS).index(base.direction),
                               key=f"{KEY}_direction_{preset_key}")
        kind = middle.selectbox("Kind", list(KINDS), format_func=KINDS.get,
                                index=list(KINDS).index(base.kind),
                                key=f"{KEY}_kind_{preset_key}")
        unit = right.text_input("Unit", value=base.unit, max_chars=20,
                                key=f"{KEY}_unit_{preset_key}",
                                help="'%' shows fractions as percentages (0.12 → 12%); "
                                     "otherwise e.g. 'years' or empty.")
        precision = left.number_input("Decimals shown", 0, 6, base.precision,
                                      key=f"{KEY}_precision_{preset_key}")
        as_error = middle.checkbox(
            "Reason in its error (1 − value)", value=base.shown_as_error,
            key=f"{KEY}_as_error_{preset_key}",
            help="For an accuracy-like rate: pages show and reason in the error instead.")
        st.text_input("Why (for the change log)", key=f"{KEY}_reason", max_chars=300)
        st.text_input("Your name", key=f"{KEY}_author", max_chars=80,
                      value=st.session_state.get("decision_author", ""))
        if not st.form_submit_button("Save metric", type="primary"):
            return
    try:
        mine: ProjectMetric = with_changes(base, direction=direction, kind=kind, unit=unit,
                                           precision=int(precision), shown_as_error=as_error)
        st.session_state[f"{KEY}_mine"] = mine
        done = stale_edits.save(KEY, write, opened)
    except StrategyError as exc:
        st.error(f"Not saved: {escape(exc)}")
        return
    if done:
        stale_edits.forget(KEY, _WIDGETS)
        flash(f"Project metric saved: {escape(mine.describe())}.")
    st.rerun()
