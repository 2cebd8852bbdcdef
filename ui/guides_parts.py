"""Error analysis by parts (docs/rules.md §7): the pipeline's components in order, the reviewed
errors each one is blamed for (counts, or per example of a review sample), the tally, and
each component next to human level with the flawed-pipeline flag. Saved per project."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from strategy_core.charts.guides import blame_chart, pipeline_levels_chart
from strategy_core.errors import InputError, StrategyError
from strategy_core.guides import (
    MAX_COMPONENTS,
    PIPELINE_MARGIN,
    PipelineAnalysis,
    pipeline_analysis,
    pipeline_components,
    stored_pipeline_analysis,
)
from strategy_core.markdown import escape
from strategy_core.rates import format_pct
from strategy_core.store import Store
from strategy_core.store.projects import Project
from strategy_core.usecases import error_analysis as error_usecases
from strategy_core.usecases import guides as usecase
from ui import cache, charts, guides, stale_edits, widgets
from ui.session import flash

COMPONENTS = "parts_components"
MODE = "parts_mode"
SAMPLE = "parts_sample"
SYSTEM_ERROR = "parts_system_error"
SYSTEM_HUMAN = "parts_system_human"
MARGIN = "parts_margin"
SEEN = "parts_seen"
_PER_COMPONENT = ("count", "error", "human")
MODES = {"counts": "Counts per component", "examples": "Per example of a review sample"}
EXAMPLE = {
    "components": ["detect face", "crop and align", "identify"],
    "counts": {"detect face": 23, "crop and align": 9, "identify": 68},
    "levels": {"detect face": ("1%", "0.8%"), "crop and align": ("0.6%", "0.5%"),
               "identify": ("2.1%", "1.8%")},
    "system_error": "9%", "system_human_error": "1%",
}


PIPELINE_EDITOR = "parts_analysis"


def component_key(kind: str, index: int) -> str:
    """The widget key of a component's count, error or human-level error, by position."""
    return f"parts_{kind}_{index}"


def saved_analysis(store: Store, project_id: int) -> PipelineAnalysis | None:
    """The project's saved pipeline analysis (None when there is none)."""
    return cache.read(usecase.saved_pipeline, store, project_id).analysis


def _component_values(analysis: PipelineAnalysis | None, name: str) -> dict[str, Any]:
    if analysis is None or name not in analysis.components:
        return {"count": 0, "error": "", "human": ""}
    error, human = analysis.levels.get(name, (None, None))
    return {"count": int(analysis.counts.get(name, 0)),
            "error": widgets.rate_field("", error), "human": widgets.rate_field("", human)}


def _defaults(store: Store, project: Project, saved: PipelineAnalysis | None) -> dict[str, Any]:
    if saved:
        system, human = saved.system_error, saved.system_human_error
    else:
        levels = cache.read(usecase.system_levels, store, project.id)
        system, human = levels.error, levels.human_error
    components = saved.components if saved else ()
    state: dict[str, Any] = {
        COMPONENTS: "\n".join(components), SEEN: components,
        MODE: "examples" if saved and saved.per_example else "counts",
        SAMPLE: saved.sample_id if saved else None,
        SYSTEM_ERROR: widgets.rate_field("", system), SYSTEM_HUMAN: widgets.rate_field("", human),
        MARGIN: widgets.rate_field("", saved.margin if saved else PIPELINE_MARGIN),
    }
    for index, name in enumerate(components):
        for kind, value in _component_values(saved, name).items():
            state[component_key(kind, index)] = value
    return state


def _follow_components(components: Sequence[str], saved: PipelineAnalysis | None) -> None:
    """Keep each component's entries with its name when components are added, removed,
    renamed or reordered (the widgets are keyed by position)."""
    seen = tuple(st.session_state.get(SEEN, ()))
    if seen == tuple(components):
        return
    by_name = {name: {kind: st.session_state.get(component_key(kind, index))
                      for kind in _PER_COMPONENT}
               for index, name in enumerate(seen)}
    for index in range(MAX_COMPONENTS):
        for kind in _PER_COMPONENT:
            st.session_state.pop(component_key(kind, index), None)
    for index, name in enumerate(components):
        fallback = _component_values(saved, name)
        kept = by_name.get(name, {})
        for kind in _PER_COMPONENT:
            value = kept.get(kind)
            st.session_state[component_key(kind, index)] = fallback[kind] if value is None \
                else value
    st.session_state[SEEN] = tuple(components)


def _fill_example() -> None:
    components = EXAMPLE["components"]
    st.session_state[COMPONENTS] = "\n".join(components)
    st.session_state[SEEN] = tuple(components)
    st.session_state[MODE] = "counts"
    for index, name in enumerate(components):
        st.session_state[component_key("count", index)] = EXAMPLE["counts"][name]
        error, human = EXAMPLE["levels"][name]
        st.session_state[component_key("error", index)] = error
        st.session_state[component_key("human", index)] = human
    st.session_state[SYSTEM_ERROR] = EXAMPLE["system_error"]
    st.session_state[SYSTEM_HUMAN] = EXAMPLE["system_human_error"]


def _rate(key: str, label: str, problems: list[InputError], disabled: bool,
          show_label: bool = True) -> float | None:
    text = st.text_input(label, key=key, placeholder="e.g. 2%", disabled=disabled,
                         label_visibility="visible" if show_label else "collapsed")
    try:
        return widgets.parse_rate_field(text, label)
    except InputError as exc:
        problems.append(exc)
        return None


def _attributions(store: Store, project: Project, components: Sequence[str],
                  saved: PipelineAnalysis | None, locked: bool) -> tuple[
                      dict[str, int], int | None, dict[str, str]]:
    """The counts per component, and the review sample with its per-example blame."""
    samples = cache.read(usecase.pipeline_samples, store, project.id)
    mode = "counts"
    if samples:
        mode = st.radio("How to attribute the reviewed errors", list(MODES), key=MODE,
                        format_func=MODES.get, horizontal=True, disabled=locked)
    else:
        st.caption("Review errors one by one on the Error analysis page: with a review "
                   "sample there, you can attribute each example here instead of counting.")
    counts = {}
    if mode == "counts":
        st.caption("For each reviewed error, count it against the **first** component that, "
                   "given perfect output, would have fixed the system's answer.")
        columns = st.columns(min(4, len(components)))
        for index, name in enumerate(components):
            with columns[index % len(columns)]:
                counts[name] = int(st.number_input(
                    f"Errors blamed on {name}", min_value=0, step=1, format="%d",
                    key=component_key("count", index), disabled=locked))
        return counts, None, {}
    by_id = {s.id: s for s in samples}
    if st.session_state.get(SAMPLE) not in by_id:
        st.session_state[SAMPLE] = samples[0].id
    sample_id = st.selectbox(
        "Review sample", list(by_id), key=SAMPLE, disabled=locked,
        format_func=lambda i: f"{by_id[i].name} ({by_id[i].size} examples, "
                              f"{by_id[i].created_at:%Y-%m-%d})")
    examples = cache.read(error_usecases.sample_examples, store, sample_id)
    context = [c for c in ("source", "text", "url")
               if c in examples.columns and examples[c].notna().any()]
    frame = examples[["example_id", "label", "prediction", *context]].copy()
    blame = saved.example_blame if saved and saved.sample_id == sample_id else {}
    frame["blamed"] = frame["example_id"].astype(str).map(blame)
    st.caption("For each example, pick the **first** component that, given perfect output, "
               "would have fixed the system's answer. Leave it blank when none would.")
    edited = st.data_editor(
        frame, key=f"parts_examples_{sample_id}_{len(components)}", hide_index=True,
        disabled=locked or ["example_id", "label", "prediction", *context],
        column_order=["example_id", "label", "prediction", "blamed", *context],
        column_config={
            "example_id": st.column_config.TextColumn("Example"),
            "label": st.column_config.TextColumn("Label"),
            "prediction": st.column_config.TextColumn("Prediction"),
            "source": st.column_config.TextColumn("Source"),
            "text": st.column_config.TextColumn("Text"),
            "url": st.column_config.LinkColumn("Link"),
            "blamed": st.column_config.SelectboxColumn("First component to fix it",
                                                       options=list(components)),
        })
    example_blame = {str(row["example_id"]): row["blamed"] for row in edited.to_dict("records")
                     if isinstance(row["blamed"], str) and row["blamed"] in components}
    st.caption(f"{len(example_blame)} of {len(frame)} examples attributed.")
    return {}, sample_id, example_blame


def _levels(components: Sequence[str], locked: bool, problems: list[InputError]) -> tuple[
        dict[str, tuple[float | None, float | None]], float | None, float | None, float | None]:
    st.caption("Measure each component on its own (its error on the same inputs a person "
               "sees) and what a person achieves on that step; then the whole system against "
               "human level on the whole task.")
    head = st.columns([2, 1, 1])
    head[1].markdown("**Component error**")
    head[2].markdown("**Human-level error**")
    levels = {}
    for index, name in enumerate(components):
        row = st.columns([2, 1, 1], vertical_alignment="center")
        row[0].markdown(escape(name))
        with row[1]:
            error = _rate(component_key("error", index), f"Error of {name}", problems, locked,
                          show_label=False)
        with row[2]:
            human = _rate(component_key("human", index), f"Human-level error of {name}",
                          problems, locked, show_label=False)
        levels[name] = (error, human)
    row = st.columns([2, 1, 1], vertical_alignment="center")
    row[0].markdown("**Whole system**")
    with row[1]:
        system = _rate(SYSTEM_ERROR, "The system's error", problems, locked, show_label=False)
    with row[2]:
        human = _rate(SYSTEM_HUMAN, "The system's human-level error", problems, locked,
                      show_label=False)
    with st.expander("How near is near human level?"):
        margin = _rate(MARGIN, "A part is near human level when its error is at most this "
                       "much above it (default 0.5%, the checklist's tolerance)", problems,
                       locked)
    return levels, system, human, margin


def by_parts(store: Store, project: Project) -> PipelineAnalysis | None:
    """The whole 'Error analysis by parts' tab; the analysis once components are listed."""
    saved = saved_analysis(store, project.id)
    guides.start_answers("parts", project.id, _defaults(store, project, saved))
    locked = not store.can_write
    text = st.text_area("Pipeline components, in order (one per line)", key=COMPONENTS,
                        height=110, disabled=locked,
                        placeholder="detect face\ncrop and align\nidentify")
    try:
        components = pipeline_components(text)
    except InputError as exc:
        st.error(escape(exc))
        return None
    if not components:
        st.info("List your pipeline's components in the order data flows through them. "
                "Then attribute each reviewed dev error to the first component that, given "
                "perfect output, would have fixed the system's answer.")
        if not locked:
            st.button("Fill in an example (face recognition at a turnstile)",
                      key="parts_example", on_click=_fill_example)
        return None
    _follow_components(components, saved)

    st.subheader("Which component to blame", divider="gray")
    counts, sample_id, example_blame = _attributions(store, project, components, saved, locked)
    problems: list[InputError] = []
    st.subheader("Each component against human level", divider="gray")
    levels, system, human, margin = _levels(components, locked, problems)
    if problems:
        widgets.show_problems(problems, what="These entries")
    kept_counts = {**(saved.counts if saved else {}), **counts}
    try:
        analysis = pipeline_analysis(
            components, {k: v for k, v in kept_counts.items() if k in components},
            sample_id, example_blame, levels, system, human,
            PIPELINE_MARGIN if margin is None else margin)
    except InputError as exc:
        st.error(escape(exc))
        return None
    show_results(analysis)
    _save(store, project, analysis, saved)
    return analysis


def show_results(analysis: PipelineAnalysis) -> None:
    """The tally with its chart, and the flawed-pipeline check when every level is in."""
    st.subheader("Result", divider="gray")
    tally = analysis.tally()
    check = analysis.check()
    left, right = st.columns(2)
    with left:
        if tally.total:
            guides.verdict_box("pipeline", tally.headline, tally.reasons)
            charts.show(blame_chart, tally)
        else:
            st.info(f"{tally.headline} Count or pick, for each reviewed error, the first "
                    "component that would have fixed it.", icon=":material/account_tree:")
    with right:
        if check is None:
            st.info("Enter every component's error and human-level error, and the whole "
                    "system's, to check the pipeline's design.", icon=":material/rule:")
        else:
            kind = "not_recommended" if check.flawed_pipeline else (
                "uncertain" if check.focus else "recommended")
            guides.verdict_box(kind, check.headline, check.reasons)
            charts.show(pipeline_levels_chart, check)
    if tally.total:
        st.caption(f"{tally.total} reviewed errors attributed; the bars show each component's "
                   "share with its 95% interval. Near human level means within "
                   f"{format_pct(analysis.margin)} of it.")


def _save(store: Store, project: Project, analysis: PipelineAnalysis,
          saved: PipelineAnalysis | None) -> None:
    if not store.can_write:
        return
    # The version the inputs were filled from: kept while the components box lives.
    opened = stale_edits.opened_version(
        PIPELINE_EDITOR, cache.read(usecase.saved_pipeline, store, project.id).version,
        COMPONENTS)

    def write(expected: int | None) -> None:
        usecase.save_pipeline(store, project.id, analysis, expected=expected)

    done = "Pipeline analysis saved for the project."
    inputs = [k for k in st.session_state if str(k).startswith("parts_") and not str(
        k).startswith((PIPELINE_EDITOR, "parts_save", "parts_example"))]
    if stale_edits.show_conflict(
            PIPELINE_EDITOR, write, saved=done, version_of=stale_edits.setting_version,
            widget_keys=inputs,
            theirs=lambda current: _describe_analysis(current[0])):
        return
    changed = saved is None or saved.as_dict() != analysis.as_dict()
    if changed:
        st.caption(":material/edit_note: Unsaved changes to the pipeline analysis.")
    if st.button("Save pipeline analysis", key="parts_save", type="primary" if changed
                 else "secondary", icon=":material/save:"):
        try:
            if stale_edits.save(PIPELINE_EDITOR, write, opened):
                flash(done)
        except StrategyError as exc:
            st.error(escape(exc))
            return
        st.rerun()


def _describe_analysis(raw: object) -> str:
    analysis = stored_pipeline_analysis(raw)
    if analysis is None:
        return "no analysis"
    counts = ", ".join(f"{name} {analysis.counts.get(name, 0)}" for name in analysis.components)
    return f"components {', '.join(analysis.components)}; blamed errors {counts}"


def parts_numbers(analysis: PipelineAnalysis) -> dict[str, Any]:
    """What a recorded decision keeps about the analysis by parts."""
    tally = analysis.tally()
    check = analysis.check()
    numbers: dict[str, Any] = {
        "guide": "by_parts", "components": list(analysis.components),
        "review_sample": analysis.sample_id,
        "blame": {c.name: c.count for c in tally.components}, "reviewed_errors": tally.total,
        "focus": tally.focus,
    }
    if check is not None:
        numbers.update({
            "error": {c.name: c.error for c in check.components},
            "human_error": {c.name: c.human_error for c in check.components},
            "system_error": check.system_error, "system_human_error": check.system_human_error,
            "margin": check.margin, "flawed_pipeline": check.flawed_pipeline,
        })
    return numbers


def parts_verdict(analysis: PipelineAnalysis) -> str:
    """The tally's headline, then the design check's (with component names of at most
    MAX_COMPONENT_NAME characters both fit in a recorded verdict)."""
    check = analysis.check()
    tally = analysis.tally().headline
    return tally if check is None else f"{tally} {check.headline}"
