"""Pieces of the checklist page: the tolerance, the verdict with its knobs, one card per link
with the team's note, and link 5 (judgement or production error)."""

from __future__ import annotations

import streamlit as st

from strategy_core.checklist import (
    GREEN,
    MAX_NOTE_LENGTH,
    REAL_WORLD_SETTING,
    RED,
    SEVERAL_LINKS_NOTE,
    TOLERANCE_SETTING,
    Chain,
    ChecklistSettings,
    Link,
    RealWorld,
    describe_real_world,
)
from strategy_core.errors import ConflictError, StrategyError
from strategy_core.markdown import escape
from strategy_core.store import Store
from strategy_core.store.projects import Project
from strategy_core.usecases.checklist import save_note, save_real_world, save_tolerance
from ui import stale_edits, widgets
from ui.session import flash

STATUS_BADGES = {
    GREEN: ("green", ":material/check_circle:", "green"),
    RED: ("red", ":material/cancel:", "red"),
}
JUDGEMENT_LABELS = {"unknown": "Not judged yet", "ok": "Does well", "not_ok": "Falls short"}


def tolerance_input(store: Store, project: Project, saved: ChecklistSettings) -> float:
    """The project's tolerance in points; a change is saved for the project at once (against
    the version this page showed: someone else's change in between is shown, not lost)."""
    key = "checklist_tolerance"
    opened = stale_edits.opened_version(key, saved.versions.get(TOLERANCE_SETTING, 0), key)
    metric = widgets.metric_of(store, project)
    factor = 100 if metric.percent else 1
    units = "percentage points" if metric.percent else (metric.unit or metric.name)

    def write(expected: int | None) -> None:
        save_tolerance(store, project.id, st.session_state[key] / factor, expected=expected)

    def save() -> None:
        points = st.session_state[key]
        try:
            if stale_edits.save(key, write, opened):
                flash(f"Tolerance saved for this project: {points:g} {units}.")
        except StrategyError as exc:
            flash(escape(exc), "error")

    stale_edits.show_conflict(
        key, write, widget_keys=[key], saved="Tolerance saved for this project.",
        theirs=lambda current: f"{float(current[0]) * factor:g} {units}",
        version_of=stale_edits.setting_version)

    points = st.number_input(
        "Tolerance (points)" if metric.percent else f"Tolerance ({units})", min_value=0.0,
        max_value=100.0 if metric.percent else None, step=0.1 if metric.percent else None,
        value=round(saved.tolerance * factor, 6), format="%.2f" if metric.percent else "%g",
        key=key, on_change=save, disabled=not store.can_write,
        help=f"A link is green when its gap is at most this many {units}. Saved for the "
             "project" + (" (default 0.5)." if metric.percent else "."))
    return points / factor


def verdict(chain: Chain, text: str) -> None:
    """The focus link, its knobs and their warnings; or why no link is chosen."""
    if chain.focus is None:
        settled = chain.next == () and all(link.status == GREEN for link in chain.links)
        box = st.success if settled else st.info
        box(escape(text), icon=":material/task_alt:" if settled else ":material/help:")
        for reason in chain.reasons[1:]:
            st.markdown(escape(reason))
        return
    with st.container(border=True):
        color = "orange" if chain.tentative else "red"  # a focus that may be noise (§1)
        st.markdown(f"#### :{color}[:material/error:] {escape(text)}")
        for reason in chain.reasons[1:]:
            if reason != chain.real_world_advice:
                st.markdown(escape(reason))
        st.markdown("**Knobs for this link**")
        st.markdown("\n".join(f"- {escape(knob.text)}" for knob in chain.knobs))
        for knob in chain.knobs:
            if knob.warning:
                st.warning(f"**{escape(knob.text)}** — {escape(knob.warning)}",
                           icon=":material/warning:")
    if chain.real_world_advice:
        st.error(escape(chain.real_world_advice), icon=":material/public:")


def several_links_note() -> None:
    with st.expander("Knobs that move several links (early stopping)",
                     icon=":material/call_split:"):
        st.markdown(SEVERAL_LINKS_NOTE)


def link_card(store: Store, project: Project, link: Link, chain: Chain,
              saved: ChecklistSettings) -> None:
    """A link: status, gap against the tolerance, what it measures, the team's note."""
    with st.container(border=True):
        left, right = st.columns([3, 2], gap="large")
        with left:
            label, icon, color = STATUS_BADGES.get(link.status,
                                                   ("unknown", ":material/help:", "gray"))
            role = " · focus" if link.name == chain.focus else \
                " · next" if link.name in chain.next else ""
            st.badge(label + role, icon=icon, color=color)
            st.markdown(f"**{link.number}. {link.title}**")
            if link.gap is not None:
                st.markdown(f"Gap **{chain.metric.format_gap(link.gap)}** against a tolerance "
                            f"of {chain.metric.format_gap(chain.tolerance)}.")
            st.caption(escape(link.description))
            if link.missing:
                st.caption(f"Unknown: {escape(link.missing)}.")
        with right:
            if link.name == "real_world":
                real_world_form(store, project, saved)
            note_editor(store, project, link, saved.notes.get(link.name, ""))


def note_editor(store: Store, project: Project, link: Link, saved_note: str) -> None:
    """The team's note on a link, saved for the project. A note someone else changed since
    this session loaded it is not overwritten silently."""
    text_key = f"checklist_note_{link.name}"
    base_key = f"{text_key}_base"
    if not store.can_write:
        if saved_note:
            st.markdown(f"**Team note:** {escape(saved_note)}")
        return
    if text_key not in st.session_state:  # the box is (re)created from the stored note
        st.session_state[base_key] = saved_note
    with st.form(f"{text_key}_form", border=False):
        text = st.text_area("Team note", value=saved_note, key=text_key, height=80,
                            max_chars=MAX_NOTE_LENGTH,
                            placeholder="What the team knows or plans for this link")
        submitted = st.form_submit_button("Save note")
    if submitted:
        try:
            save_note(store, project.id, link.name, text,
                      expected=st.session_state.get(base_key, saved_note))
        except ConflictError as exc:
            st.session_state[base_key] = exc.current
            st.warning("Someone else changed this note since you opened it. Their note: "
                       f"“{escape(exc.current) or '(empty)'}”. Your text is still in the "
                       "box: save again to replace theirs.", icon=":material/sync_problem:")
        except StrategyError as exc:
            st.error(escape(exc))
        else:
            st.session_state[base_key] = text.strip()
            flash(f"Note on link {link.number} saved.")
            st.rerun()


def real_world_form(store: Store, project: Project, settings: ChecklistSettings) -> None:
    """Link 5: the team's judgement, or a production error compared with the test error."""
    saved = settings.real_world
    judgement = (saved.judgement if saved and saved.judgement else "unknown")
    production = saved.production_error if saved else None
    if not store.can_write:
        st.markdown(f"**Team's judgement:** {JUDGEMENT_LABELS[judgement]}")
        return
    key, widget_keys = "checklist_real_world", ["checklist_judgement", "checklist_production"]
    opened = stale_edits.opened_version(key, settings.versions.get(REAL_WORLD_SETTING, 0),
                                        "checklist_judgement")
    mine_key = f"{key}_mine"  # what this user saved last, kept for "save mine over theirs"

    def write(expected: int | None) -> None:
        save_real_world(store, project.id, st.session_state.get(mine_key), expected=expected)

    if stale_edits.show_conflict(key, write, widget_keys=widget_keys, saved="Link 5 saved.",
                                 theirs=lambda current: describe_real_world(current[0]),
                                 version_of=stale_edits.setting_version):
        return
    with st.form("checklist_real_world_form", border=False):
        chosen = st.radio("How does the model do in the real world?", list(JUDGEMENT_LABELS),
                          index=list(JUDGEMENT_LABELS).index(judgement), horizontal=True,
                          format_func=JUDGEMENT_LABELS.get, key="checklist_judgement")
        metric = widgets.metric_of(store, project)
        typed = st.text_input(
            "Production error (optional)" if metric.is_error_rate else
            f"Production {metric.name} (optional)",
            value=widgets.level_field(production, metric),
            key="checklist_production", placeholder="e.g. 4.5% or 0.045",
            help="Error measured on real traffic. When recorded it decides the link: it is "
                 "compared with the test error (the dev error without one).")
        if st.form_submit_button("Save link 5"):
            try:
                value = widgets.parse_level_field(typed, "production level", metric)
                st.session_state[mine_key] = None
                if value is not None or chosen != "unknown":
                    st.session_state[mine_key] = RealWorld(judgement=chosen,
                                                           production_error=value)
                done = stale_edits.save(key, write, opened)
            except StrategyError as exc:
                st.error(escape(exc))
            else:
                if done:
                    stale_edits.forget(key, widget_keys)
                    flash("Link 5 saved.")
                st.rerun()
