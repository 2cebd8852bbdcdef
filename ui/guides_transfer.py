"""The transfer-learning and multi-task guides (docs/rules.md §8): answers, adjustable thresholds,
the per-task data table and the label-coverage view of an uploaded label matrix."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from strategy_core.charts.guides import coverage_chart, label_matrix_chart
from strategy_core.errors import InputError
from strategy_core.guides import (
    MULTITASK_PRESETS,
    TRANSFER_PRESETS,
    TRANSFER_RATIO,
    TRANSFER_RATIO_NOTE,
    TRANSFER_RETRAIN_NOTE,
    TRANSFER_RETRAIN_THRESHOLD,
    LabelCoverage,
    MultitaskVerdict,
    TransferVerdict,
    default_task_columns,
    label_coverage,
    multitask_verdict,
    read_label_matrix,
    transfer_verdict,
)
from strategy_core.markdown import escape
from strategy_core.settings import REPO_ROOT
from strategy_core.store import Store
from strategy_core.store.projects import Project
from ui import cache, charts, guides, widgets

SAMPLE_LABELS = REPO_ROOT / "data" / "samples" / "multitask_labels.csv"
MAX_UPLOAD_MB = 50

# --- Transfer learning ------------------------------------------------------------------

TR_PRESET = "tr_preset"
_TR_KEYS = {"source_examples": "tr_source", "target_examples": "tr_target",
            "same_input": "tr_same_input", "low_level_helpful": "tr_helpful",
            "ratio": "tr_ratio", "retrain_threshold": "tr_retrain"}


def _transfer_state(inputs: Mapping[str, Any]) -> dict[str, Any]:
    state = {
        _TR_KEYS["source_examples"]: int(inputs.get("source_examples", 0)),
        _TR_KEYS["target_examples"]: int(inputs.get("target_examples", 1)),
        _TR_KEYS["same_input"]: "yes" if inputs.get("same_input", True) else "no",
        _TR_KEYS["low_level_helpful"]: inputs.get("low_level_helpful", "unsure"),
    }
    for name in ("ratio", "retrain_threshold"):
        if name in inputs:
            state[_TR_KEYS[name]] = inputs[name]
    if _TR_KEYS["ratio"] in state:
        state[_TR_KEYS["ratio"]] = float(state[_TR_KEYS["ratio"]])
    return state


def _apply_transfer(inputs: Mapping[str, Any]) -> None:
    for key, value in _transfer_state(inputs).items():
        st.session_state[key] = value


def _reset_transfer_thresholds() -> None:
    st.session_state[_TR_KEYS["ratio"]] = float(TRANSFER_RATIO)
    st.session_state[_TR_KEYS["retrain_threshold"]] = TRANSFER_RETRAIN_THRESHOLD


def transfer_guide(store: Store, project: Project) -> TransferVerdict:
    """The transfer questions of docs/rules.md §8 with the adjustable ratio and retrain
    threshold."""
    decision = guides.last_decision(store, project.id, "transfer", "transfer")
    defaults = _transfer_state({"source_examples": 100_000, "target_examples": 1_000})
    defaults.update({_TR_KEYS["ratio"]: float(TRANSFER_RATIO),
                     _TR_KEYS["retrain_threshold"]: TRANSFER_RETRAIN_THRESHOLD,
                     TR_PRESET: guides.CUSTOM})
    if decision is not None:
        defaults.update(_transfer_state(decision.numbers["inputs"]))
    guides.start_answers("tr", project.id, defaults)

    st.markdown("Pre-train on task **A** (lots of data), then fine-tune on task **B** (the "
                "one you care about, with less data).")
    guides.preset_picker(TRANSFER_PRESETS, TR_PRESET, _apply_transfer,
                         "Start from a reference case")
    guides.decision_origin(decision)
    custom = guides.mark_custom(TR_PRESET)
    left, right = st.columns(2)
    with left:
        source = st.number_input("Task A (source) labeled examples", min_value=0,
                                 step=1_000, format="%d", key=_TR_KEYS["source_examples"],
                                 on_change=custom)
        target = st.number_input("Task B (target) labeled examples", min_value=1, step=100,
                                 format="%d", key=_TR_KEYS["target_examples"],
                                 on_change=custom)
    with right:
        same = guides.answer_radio("Do A and B take the same kind of input?",
                                   _TR_KEYS["same_input"], TR_PRESET, ("yes", "no"),
                                   help="Both images, both audio clips, both text, ...")
        helpful = guides.answer_radio(
            "Do A's low-level features likely help B?", _TR_KEYS["low_level_helpful"],
            TR_PRESET, help="Edges and textures for images, sounds for audio.")
    with st.expander("Thresholds (rules of thumb, adjustable)"):
        one, two = st.columns(2)
        with one:
            ratio = st.number_input("A needs at least this many times B's data", min_value=1.1,
                                    step=1.0, format="%.1f", key=_TR_KEYS["ratio"],
                                    on_change=custom)
            st.caption(escape(TRANSFER_RATIO_NOTE))
        with two:
            retrain = st.number_input("Fine-tune all layers from this many B examples",
                                      min_value=1, step=1_000, format="%d",
                                      key=_TR_KEYS["retrain_threshold"], on_change=custom)
            st.caption(escape(TRANSFER_RETRAIN_NOTE))
        st.button("Reset to the defaults", key="tr_threshold_reset",
                  on_click=_reset_transfer_thresholds)
    return transfer_verdict(int(source), int(target), same == "yes", helpful,
                            ratio=float(ratio), retrain_threshold=int(retrain))


def transfer_numbers(result: TransferVerdict) -> dict[str, Any]:
    return {"guide": "transfer", "inputs": result.inputs(), "verdict": result.verdict,
            "retrain": result.retrain, "data_ratio": result.data_ratio}


# --- Multi-task learning ----------------------------------------------------------------

MT_PRESET = "mt_preset"
MT_TASKS = "mt_tasks_rows"
MT_VERSION = "mt_tasks_version"
_MT_KEYS = {"shared_low_level": "mt_shared", "big_network": "mt_big"}


def _tasks_rows(tasks: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"task": str(name), "examples": int(count)} for name, count in tasks.items()]


def _set_tasks(rows: list[dict[str, Any]]) -> None:
    st.session_state[MT_TASKS] = rows
    st.session_state[MT_VERSION] = st.session_state.get(MT_VERSION, 0) + 1


def _multitask_state(inputs: Mapping[str, Any]) -> dict[str, Any]:
    return {_MT_KEYS["shared_low_level"]: inputs.get("shared_low_level", "unsure"),
            _MT_KEYS["big_network"]: inputs.get("big_network", "unsure"),
            MT_TASKS: _tasks_rows(inputs.get("tasks", {}))}


def _apply_multitask(inputs: Mapping[str, Any]) -> None:
    state = _multitask_state(inputs)
    _set_tasks(state.pop(MT_TASKS))
    for key, value in state.items():
        st.session_state[key] = value


def _task_counts(frame: pd.DataFrame) -> tuple[dict[str, int], list[str]]:
    """Task name → examples from the edited table; problems for rows that do not fit."""
    tasks: dict[str, int] = {}
    problems = []
    for position, row in enumerate(frame.to_dict("records"), start=1):
        name = str(row.get("task") or "").strip()
        count = row.get("examples")
        if not name and (count is None or pd.isna(count)):
            continue
        if not name:
            problems.append(f"row {position}: a task needs a name")
        elif count is None or pd.isna(count):
            problems.append(f"row {position}: enter the number of examples of {name}")
        elif name in tasks:
            problems.append(f"row {position}: task {name} is listed twice")
        else:
            tasks[name] = int(count)
    return tasks, problems


def multitask_guide(store: Store, project: Project) -> MultitaskVerdict | None:
    """The multi-task questions of docs/rules.md §8 and the per-task data table."""
    decision = guides.last_decision(store, project.id, "transfer", "multitask")
    defaults = _multitask_state({"tasks": {"task 1": 1_000, "task 2": 1_000}})
    defaults[MT_PRESET] = guides.CUSTOM
    if decision is not None:
        defaults.update(_multitask_state(decision.numbers["inputs"]))
    guides.start_answers("mt", project.id, defaults)

    st.markdown("Train **one network** to do several tasks at once (one output per task), "
                "instead of one network per task.")
    guides.preset_picker(MULTITASK_PRESETS, MT_PRESET, _apply_multitask,
                         "Start from a reference case")
    guides.decision_origin(decision)
    custom = guides.mark_custom(MT_PRESET)
    left, right = st.columns(2)
    with left:
        edited = st.data_editor(
            pd.DataFrame(st.session_state[MT_TASKS], columns=["task", "examples"]),
            key=f"mt_tasks_{st.session_state.get(MT_VERSION, 0)}", num_rows="dynamic",
            hide_index=True, on_change=custom,
            column_config={
                "task": st.column_config.TextColumn("Task", required=True, max_chars=60),
                "examples": st.column_config.NumberColumn("Labeled examples", min_value=0,
                                                          step=1, format="localized"),
            })
        st.caption("One row per task. Add rows at the bottom of the table.")
    with right:
        shared = guides.answer_radio("Do the tasks share low-level features?",
                                     _MT_KEYS["shared_low_level"], MT_PRESET,
                                     help="e.g. the same camera images for several detectors")
        big = guides.answer_radio("Can you train a network big enough for all tasks?",
                                  _MT_KEYS["big_network"], MT_PRESET,
                                  help="A network too small for all tasks does worse than "
                                       "separate networks.")
    tasks, problems = _task_counts(edited)
    if problems:
        st.error("\n".join(f"- {escape(p)}" for p in problems))
        return None
    try:
        return multitask_verdict(tasks, shared, big)
    except InputError as exc:
        st.warning(escape(exc), icon=":material/table_rows:")
        return None


def task_table(result: MultitaskVerdict) -> pd.DataFrame:
    """The per-task data table: each task's examples against all the others together."""
    return pd.DataFrame([
        {"task": t.name, "examples": t.examples, "others": t.others, "share": t.share * 100,
         "similar": "no: more than all others together" if t.dominant else "yes"}
        for t in result.tasks
    ])


TASK_TABLE_COLUMNS = {
    "task": st.column_config.TextColumn("Task"),
    "examples": st.column_config.NumberColumn("Labeled examples", format="localized"),
    "others": st.column_config.NumberColumn("All other tasks together", format="localized"),
    "share": st.column_config.NumberColumn("Share of all data", format="%.1f%%"),
    "similar": st.column_config.TextColumn("Others have at least as much?"),
}


def multitask_numbers(result: MultitaskVerdict) -> dict[str, Any]:
    return {"guide": "multitask", "inputs": result.inputs(), "verdict": result.verdict}


# --- Label coverage ---------------------------------------------------------------------

def label_coverage_view() -> LabelCoverage | None:
    """Upload a label matrix (examples × tasks); show coverage per task and the matrix."""
    uploaded = st.file_uploader(
        "Label matrix (CSV)", type=["csv", "txt"], key="mt_labels",
        max_upload_size=MAX_UPLOAD_MB,
        help="One row per example, one column per task; an id or file-name column is "
             "allowed. Blank cells, ?, NA and null mean the example has no label for that "
             "task.")
    if uploaded is None:
        st.caption("Upload a label matrix to see how many examples carry a label for each "
                   "task.")
        st.download_button("Download a sample label matrix", SAMPLE_LABELS.read_bytes(),
                           file_name=SAMPLE_LABELS.name, mime="text/csv",
                           key="mt_labels_sample", icon=":material/download:",
                           on_click="ignore")
        return None
    payload = uploaded.getvalue()
    if len(payload) > MAX_UPLOAD_MB * 1024 * 1024:
        widgets.show_problems([InputError(f"the file is larger than the {MAX_UPLOAD_MB} MB limit")],
                              what=escape(uploaded.name))
        return None
    try:
        matrix = cache.computed(read_label_matrix, payload)  # shared: never mutate it
    except InputError as exc:
        widgets.show_problems([exc], what=escape(uploaded.name))
        return None
    columns = [str(c) for c in matrix.columns]
    chosen = st.multiselect("Task columns", columns, default=default_task_columns(matrix),
                            key="mt_label_tasks",
                            help="Columns that hold a task's labels; leave out ids and "
                                 "file names.")
    try:
        coverage = label_coverage(matrix, chosen)
    except InputError as exc:
        st.warning(escape(exc), icon=":material/table_chart:")
        return None
    st.info("\n".join(f"- {escape(r)}" for r in coverage.reasons), icon=":material/info:")
    left, right = st.columns(2)
    with left:
        table = pd.DataFrame([t.as_dict() for t in coverage.tasks])
        table["coverage"] = table["coverage"] * 100
        st.dataframe(table, hide_index=True,
                     key="mt_coverage_table", column_config={
                         "name": st.column_config.TextColumn("Task"),
                         "labeled": st.column_config.NumberColumn("Labeled",
                                                                  format="localized"),
                         "missing": st.column_config.NumberColumn("Missing",
                                                                  format="localized"),
                         "coverage": st.column_config.NumberColumn("Coverage",
                                                                   format="%.1f%%")})
        charts.show(coverage_chart, coverage)
    with right:
        charts.show(label_matrix_chart, matrix, chosen)
        st.caption(f"{coverage.examples:,} examples; the grid shows the first "
                   f"{min(coverage.examples, 100):,}.")
    st.button("Use the labeled counts as the tasks' data", key="mt_use_coverage",
              on_click=_use_coverage, args=(coverage,))
    return coverage


def _use_coverage(coverage: LabelCoverage) -> None:
    _set_tasks([{"task": t.name, "examples": t.labeled} for t in coverage.tasks])
    st.session_state[MT_PRESET] = guides.CUSTOM
