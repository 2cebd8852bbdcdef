"""Pieces shared by the guide pages (end-to-end, transfer, multi-task): answers that start
from the last recorded decision or a reference case, the verdict box, and the end-to-end
guide itself."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import streamlit as st

from strategy_core.decisions import Decision
from strategy_core.guides import (
    ANSWERS,
    COMPLEXITIES,
    END_TO_END_PRESETS,
    END_TO_END_THRESHOLD_NOTES,
    END_TO_END_THRESHOLDS,
    EndToEndVerdict,
    end_to_end_verdict,
)
from strategy_core.markdown import escape
from strategy_core.store import Store
from strategy_core.store.projects import Project
from strategy_core.usecases import guides as usecase
from ui import cache, charts

CUSTOM = "custom"
ANSWER_LABELS = {"yes": "Yes", "no": "No", "unsure": "Not sure"}
# Verdict box per verdict: positive, neutral, cautious.
VERDICT_STYLE = {
    "end_to_end": ("success", ":material/trending_flat:"),
    "pipeline": ("info", ":material/account_tree:"),
    "recommended": ("success", ":material/check_circle:"),
    "uncertain": ("warning", ":material/help:"),
    "not_recommended": ("warning", ":material/block:"),
}


def last_decision(store: Store, project_id: int, page: str, guide: str) -> Decision | None:
    """The newest active decision recorded from this guide (its numbers hold the inputs)."""
    return cache.read(usecase.last_decision, store, project_id, page, guide)


def start_answers(prefix: str, project_id: int, defaults: Mapping[str, Any]) -> None:
    """Give the guide's widgets their starting values: all of them when the project changed,
    else only those Streamlit forgot (a page left and re-entered)."""
    marker = f"{prefix}_project"
    fresh = st.session_state.get(marker) != project_id
    for key, value in defaults.items():
        if fresh or key not in st.session_state:
            st.session_state[key] = value
    st.session_state[marker] = project_id


def mark_custom(preset_key: str) -> Callable[[], None]:
    """An on_change callback: an edited answer means the reference case no longer applies."""
    def _mark() -> None:
        st.session_state[preset_key] = CUSTOM
    return _mark


def preset_picker(presets: Mapping[str, Mapping[str, Any]], key: str,
                  apply: Callable[[Mapping[str, Any]], None], label: str) -> None:
    """A reference case to start from; choosing one fills in its answers."""
    def _apply() -> None:
        chosen = st.session_state[key]
        if chosen != CUSTOM:
            apply(presets[chosen]["inputs"])

    options = [CUSTOM, *presets]
    st.selectbox(label, options, key=key, on_change=_apply,
                 format_func=lambda k: "Your own answers" if k == CUSTOM else presets[k]["label"])
    chosen = st.session_state.get(key, CUSTOM)
    if chosen != CUSTOM:
        st.caption(f"Reference case: {escape(presets[chosen]['description'])}")


def answer_radio(label: str, key: str, preset_key: str, options: Sequence[str] = ANSWERS,
                 help: str | None = None) -> str:
    return st.radio(label, options, key=key, horizontal=True, help=help,
                    format_func=lambda a: ANSWER_LABELS[a], on_change=mark_custom(preset_key))


def verdict_box(verdict: str, headline: str, reasons: Sequence[str]) -> None:
    """The verdict in one sentence (bold), then the reasons, each escaped (they hold user
    text such as task and component names)."""
    kind, icon = VERDICT_STYLE.get(verdict, ("info", ":material/info:"))
    lines = "\n".join(f"- {escape(reason)}" for reason in reasons)
    getattr(st, kind)(f"**{escape(headline)}**\n\n{lines}", icon=icon)


def verdict_section(result: Any, chart: Callable[..., Any], caption: str | None = None
                    ) -> None:
    """A guide's verdict: the verdict box on the left, its chart (and what the chart shows)
    on the right."""
    st.subheader("Verdict", divider="gray")
    left, right = st.columns([3, 2])
    with left:
        verdict_box(result.verdict, result.headline, result.reasons)
    with right:
        charts.show(chart, result)
        if caption:
            st.caption(caption)


def decision_origin(decision: Decision | None) -> None:
    if decision is not None:
        st.caption(f"Answers start from decision #{decision.id} of "
                   f"{decision.decided_at:%Y-%m-%d}; change them or pick a reference case.")


# --- End-to-end or pipeline (docs/rules.md §7) -------------------------------------------------

E2E_PRESET = "e2e_preset"
_E2E_KEYS = {"examples": "e2e_examples", "complexity": "e2e_complexity",
             "subtask_data": "e2e_subtask", "hand_designed_useful": "e2e_hand"}


def _threshold_key(level: str) -> str:
    return f"e2e_threshold_{level}"


def _yes_no(flag: bool | None) -> str:
    return "unsure" if flag is None else ("yes" if flag else "no")


def _e2e_state(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Widget values for a set of end-to-end answers."""
    state = {
        _E2E_KEYS["examples"]: int(inputs.get("examples", 0)),
        _E2E_KEYS["complexity"]: inputs.get("complexity", "medium"),
        _E2E_KEYS["subtask_data"]: _yes_no(inputs.get("subtask_data", False)),
        _E2E_KEYS["hand_designed_useful"]: _yes_no(inputs.get("hand_designed_useful")),
    }
    thresholds = inputs.get("thresholds")
    if isinstance(thresholds, Mapping):
        for level in COMPLEXITIES:
            if isinstance(thresholds.get(level), int) and thresholds[level] >= 1:
                state[_threshold_key(level)] = thresholds[level]
    return state


def _apply_e2e(inputs: Mapping[str, Any]) -> None:
    for key, value in _e2e_state(inputs).items():
        st.session_state[key] = value


def _reset_thresholds() -> None:
    for level, needed in END_TO_END_THRESHOLDS.items():
        st.session_state[_threshold_key(level)] = needed


def end_to_end_guide(store: Store, project: Project) -> EndToEndVerdict:
    """The questions of docs/rules.md §7, the adjustable thresholds, and the verdict."""
    decision = last_decision(store, project.id, "end_to_end", "end_to_end")
    defaults = _e2e_state({"examples": 10_000, "complexity": "medium"})
    defaults.update({_threshold_key(level): n for level, n in END_TO_END_THRESHOLDS.items()})
    if decision is not None:
        defaults.update(_e2e_state(decision.numbers["inputs"]))
    defaults[E2E_PRESET] = CUSTOM
    start_answers("e2e", project.id, defaults)

    st.markdown("**Key question:** is there enough (x, y) data to learn a function as "
                "complex as x → y? If not, split the task into steps that each have their "
                "own data or knowledge.")
    preset_picker(END_TO_END_PRESETS, E2E_PRESET, _apply_e2e, "Start from a reference case")
    decision_origin(decision)
    custom = mark_custom(E2E_PRESET)
    thresholds = {level: int(st.session_state[_threshold_key(level)]) for level in COMPLEXITIES}
    left, right = st.columns(2)
    with left:
        examples = st.number_input(
            "Labeled end-to-end (x, y) examples", min_value=0, step=1_000, format="%d",
            key=_E2E_KEYS["examples"], on_change=custom,
            help="Pairs of the raw input and the final answer, e.g. photo → identity.")
        complexity = st.radio(
            "How complex is the mapping x → y?", COMPLEXITIES, key=_E2E_KEYS["complexity"],
            on_change=custom,
            format_func=lambda level: f"{level.capitalize()} (needs about "
                                      f"{thresholds[level]:,} examples)")
        st.caption(escape(END_TO_END_THRESHOLD_NOTES[complexity]))
    with right:
        subtask = answer_radio("Is there plenty of data for simpler sub-tasks?",
                               _E2E_KEYS["subtask_data"], E2E_PRESET, ("yes", "no"),
                               help="e.g. 'where is the face?' and 'same person?' for face "
                                    "recognition at a turnstile")
        hand = answer_radio("Do useful hand-designed components exist?",
                            _E2E_KEYS["hand_designed_useful"], E2E_PRESET,
                            help="e.g. tables that map bone lengths to a child's age")
    with st.expander("Data thresholds per complexity (rules of thumb, adjustable)"):
        st.caption("How many labeled (x, y) examples an end-to-end model needs before it beats "
                   "a pipeline. They are rules of thumb, not laws: adjust them to what your "
                   "field has seen.")
        for column, level in zip(st.columns(3), COMPLEXITIES, strict=True):
            with column:
                st.number_input(f"{level.capitalize()} complexity", min_value=1, step=1_000,
                                format="%d", key=_threshold_key(level), on_change=custom)
                st.caption(escape(END_TO_END_THRESHOLD_NOTES[level]))
        st.button("Reset to the defaults", key="e2e_threshold_reset",
                  on_click=_reset_thresholds)
    return end_to_end_verdict(int(examples), complexity, subtask == "yes",
                              None if hand == "unsure" else hand == "yes", thresholds)


def end_to_end_numbers(result: EndToEndVerdict) -> dict[str, Any]:
    """What a recorded decision keeps: the guide, its inputs and its result."""
    return {"guide": "end_to_end", "inputs": result.inputs(), "verdict": result.verdict,
            "needed": result.needed}
