"""The Runs page's forms: CSV import with the mapping editor, add/edit a run, delete runs,
and the import history with undo."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pandas as pd
import streamlit as st

from strategy_core.errors import InputError, StrategyError
from strategy_core.markdown import escape
from strategy_core.run_csv import (
    FORMAT_LABELS,
    FORMATS,
    ROLES,
    SCALES,
    VALUE_KINDS,
    RawTable,
    build_runs,
    detect_format,
    mapping_from_rows,
    mapping_rows,
    parse_created,
    propose_mapping,
    read_table,
)
from strategy_core.runs import ERROR_FIELDS, FIELD_LABELS, SIZE_FIELDS, Run, runs_table
from strategy_core.settings import REPO_ROOT
from strategy_core.store import Store
from strategy_core.store.projects import Project
from ui import data, widgets
from ui.session import flash

ROLE_LABELS = {**FIELD_LABELS, "metric": "Extra metric", "param": "Param (text)",
               "ignore": "Ignore"}
MAX_UPLOAD_MB = 50
SAMPLE_FILES = {
    "runs_generic.csv": "Generic CSV",
    "mlflow_ui_runs.csv": "MLflow UI download",
    "wandb_export.csv": "W&B export",
}


@st.cache_data(show_spinner=False, max_entries=8)
def _read(digest: str, payload: bytes) -> RawTable:
    del digest  # part of the cache key only
    return read_table(payload)


def sample_downloads() -> None:
    """Download buttons for the sample run files (the empty state's "what to upload")."""
    for column, (file_name, label) in zip(st.columns(len(SAMPLE_FILES)),
                                          SAMPLE_FILES.items(), strict=True):
        column.download_button(
            f"Sample: {label}", (REPO_ROOT / "data" / "samples" / file_name).read_bytes(),
            file_name=file_name, mime="text/csv", key=f"runs_sample_{file_name}",
            icon=":material/download:", on_click="ignore")


def import_csv(store: Store, project: Project) -> None:
    """Upload, detect the format, confirm the mapping, preview, import in one transaction."""
    counter = st.session_state.setdefault("runs_upload_counter", 0)
    uploaded = st.file_uploader(
        "Run CSV", type=["csv", "txt"], key=f"runs_upload_{counter}",
        max_upload_size=MAX_UPLOAD_MB,
        help="Generic (one row per run), MLflow search_runs() CSV, MLflow UI download, or a "
             "W&B runs-table export. UTF-8 text, up to 50 MB.")
    if uploaded is None:
        st.caption("Formats: " + "; ".join(FORMAT_LABELS.values()) + ". The columns are "
                   "mapped automatically and you confirm the mapping before anything is saved.")
        return
    payload = uploaded.getvalue()
    if len(payload) > MAX_UPLOAD_MB * 1024 * 1024:
        widgets.show_problems([InputError("the file is larger than the 50 MB limit")])
        return
    try:
        table = _read(hashlib.sha256(payload).hexdigest(), payload)
    except InputError as exc:
        widgets.show_problems([exc], what=f"{escape(uploaded.name)}")
        return

    detected = detect_format(table.headers)
    fmt = st.selectbox(
        "Format", FORMATS, index=FORMATS.index(detected), key=f"runs_format_{counter}",
        format_func=lambda f: FORMAT_LABELS[f] + (" (detected)" if f == detected else ""))
    st.markdown("**Column mapping.** Check what each column means; change any role, value "
                "kind (error or accuracy) or scale (fraction or percent) that is wrong.")
    edited = st.data_editor(
        pd.DataFrame(mapping_rows(table, propose_mapping(table, fmt))),
        key=f"runs_mapping_{counter}_{fmt}", hide_index=True, disabled=["column", "examples"],
        column_config={
            "column": st.column_config.TextColumn("Column"),
            "examples": st.column_config.TextColumn("Example values"),
            "role": st.column_config.SelectboxColumn(
                "Role", options=list(ROLES), required=True,
                format_func=lambda r: ROLE_LABELS.get(r, r)),
            "values": st.column_config.SelectboxColumn("Values", options=list(VALUE_KINDS)),
            "scale": st.column_config.SelectboxColumn("Scale", options=list(SCALES)),
        })
    built = build_runs(table, mapping_from_rows(table, edited.to_dict("records")))
    if not built.ok:
        widgets.show_problems(built.problems, what=f"{escape(uploaded.name)}")
        return
    for warning in built.warnings:
        st.warning(escape(warning))
    st.markdown(f"**Preview**: {len(built.runs)} runs exactly as they will be stored "
                "(accuracies converted to errors).")
    st.dataframe(widgets.percent(runs_table(list(built.runs)), ERROR_FIELDS), hide_index=True,
                 column_config=widgets.run_columns(), key=f"runs_preview_{counter}")
    if st.button(f"Import {len(built.runs)} runs", type="primary", key="runs_import"):
        try:
            result = store.runs.import_runs(project.id, built.runs, source=uploaded.name,
                                            fmt=fmt)
        except StrategyError as exc:
            st.error(f"Nothing was imported: {escape(exc)}")
            return
        flash(f"Imported {escape(uploaded.name)}: {result.added} added, {result.updated} "
              f"updated, {result.unchanged} unchanged.")
        st.session_state["runs_upload_counter"] = counter + 1
        st.rerun()


def edit_run(store: Store, project: Project, runs: list[Run]) -> None:
    """Add a run by hand or edit one; recorded in the history like an import."""
    by_key = {r.key: r for r in runs}
    key = st.selectbox("Run", [None, *by_key], key="runs_edit_choice",
                       format_func=lambda k: "New run" if k is None else by_key[k].name)
    run = by_key.get(key) or Run(name="")
    with st.form(f"runs_edit_form_{key}"):
        name = st.text_input("Name", value=run.name, max_chars=200, key="runs_edit_name")
        created = st.text_input("Created (ISO date, optional)", key="runs_edit_created",
                                value=run.created.isoformat(sep=" ") if run.created else "",
                                placeholder="2026-11-03 10:00")
        st.caption("Error rates as `8%` or `0.08`; leave blank when unknown.")
        columns = st.columns(4)
        rates = {f: col.text_input(FIELD_LABELS[f], value=widgets.rate_field(FIELD_LABELS[f],
                                   getattr(run, f)), key=f"runs_edit_{f}")
                 for f, col in zip(ERROR_FIELDS, columns, strict=True)}
        sizes = {f: col.number_input(FIELD_LABELS[f], min_value=1, step=1, value=getattr(run, f),
                                     key=f"runs_edit_{f}")
                 for f, col in zip(SIZE_FIELDS, st.columns(4), strict=True)}
        submitted = st.form_submit_button("Save run" if key else "Add run", type="primary")
    if not submitted:
        return
    try:
        changed = replace(
            run, name=name.strip(), created=parse_created(created),
            **{f: widgets.parse_rate_field(text, FIELD_LABELS[f]) for f, text in rates.items()},
            **{f: None if v is None else int(v) for f, v in sizes.items()})
        if not changed.name:
            raise InputError("a run needs a name")
        result = store.runs.save_run(project.id, changed, key=key)
    except StrategyError as exc:
        st.error(escape(exc))
        return
    if result.import_id is None:
        st.info("Nothing changed.")
        return
    flash(f"{'Saved' if key else 'Added'} run {escape(changed.name)}.")
    st.rerun()


def delete_runs(store: Store, project: Project, runs: list[Run]) -> None:
    """Delete selected runs (undoable from the history)."""
    by_key = {r.key: r for r in runs}
    with st.expander("Delete runs"):
        keys = st.multiselect("Runs to delete", list(by_key), key="runs_delete_choice",
                              format_func=lambda k: by_key[k].name)
        if keys and st.button(f"Delete {len(keys)} run(s)", key="runs_delete"):
            try:
                store.runs.delete_runs(project.id, keys)
            except StrategyError as exc:  # e.g. someone else deleted one of them meanwhile
                st.error(f"Nothing was deleted: {escape(exc)}. Someone else may have changed "
                         "these runs; the list shows the current ones.")
                return
            flash(f"Deleted {len(keys)} run(s). Undo it from the History tab.")
            st.rerun()


def history(store: Store, project: Project) -> None:
    """Every import, manual edit and delete, newest first, each with undo."""
    records = data.history(store, project.id)
    if not records:
        st.info("No imports yet.")
        return
    pending = st.session_state.get("runs_undo_pending")
    for record in records:
        with st.container(border=True):
            left, right = st.columns([5, 1])
            left.markdown(f"**#{record.id}** · {record.created_at:%Y-%m-%d %H:%M} · "
                          f"{escape(record.kind)}: {escape(record.source or '')} · "
                          f"{record.summary}")
            if not store.can_write:
                continue
            if pending != record.id:
                if right.button("Undo", key=f"runs_undo_{record.id}"):
                    st.session_state["runs_undo_pending"] = record.id
                    st.rerun()
                continue
            left.warning("Undo this import? Runs it added disappear; runs it changed go back "
                         "to their previous values.")
            if right.button("Confirm undo", key=f"runs_undo_confirm_{record.id}",
                            type="primary"):
                st.session_state.pop("runs_undo_pending", None)
                try:
                    store.runs.undo_import(project.id, record.id)
                except StrategyError as exc:  # e.g. someone else undid it meanwhile
                    left.error(f"Nothing was undone: {escape(exc)} (someone else may have "
                               "undone it already).")
                    continue
                flash(f"Undid import #{record.id}.")
                st.rerun()
            if right.button("Cancel", key=f"runs_undo_cancel_{record.id}"):
                st.session_state.pop("runs_undo_pending", None)
                st.rerun()

