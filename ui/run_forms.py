"""The Runs page's forms: CSV import with the mapping editor, add/edit a run, delete runs,
and the import history with undo."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from strategy_core.errors import ConflictError, InputError, StrategyError
from strategy_core.markdown import escape
from strategy_core.run_csv import (
    FORMAT_LABELS,
    FORMATS,
    MAPPING_COLUMNS,
    MAX_FILE_MB,
    ROLES,
    SCALES,
    VALUE_KINDS,
    mapping_from_rows,
    mapping_rows,
    parse_created,
)
from strategy_core.run_csv.histories import DEFAULT_PICK, HISTORY_PICKS
from strategy_core.runs import (
    ERROR_FIELDS,
    FIELD_LABELS,
    INFO_LABELS,
    SIZE_FIELDS,
    Run,
    describe_field,
    runs_table,
)
from strategy_core.settings import REPO_ROOT
from strategy_core.store import Store
from strategy_core.store.projects import Project
from strategy_core.usecases import runs as run_cases
from strategy_core.usecases.runs import ImportPlan
from strategy_core.values.project_metric import PRESETS, ProjectMetric
from ui import cache, widgets
from ui.session import flash

ROLE_LABELS = {**FIELD_LABELS, **INFO_LABELS, "metric": "Extra metric",
               "param": "Param (text)", "ignore": "Ignore"}
SAMPLE_FILES = {
    "runs_generic.csv": "Generic CSV",
    "mlflow_ui_runs.csv": "MLflow UI download",
    "wandb_export.csv": "W&B export",
}


def _proposal(payload: bytes, fmt: str, metric: ProjectMetric, pick: str = DEFAULT_PICK,
              name: str = "run", dates: str = "auto") -> ImportPlan:
    """The uploaded file read and mapped automatically in format `fmt` ("auto": the
    detected one) for a project in `metric`: the mapping the editor starts with and the
    runs it builds; a history's values picked by `pick`."""
    return run_cases.plan_import(run_cases.read_run_file(payload), fmt, metric=metric,
                                 pick=pick, name_hint=run_cases.file_stem(name), dates=dates)


def _reading_choices(plan: ImportPlan, counter: int) -> tuple[str, str]:
    """How a history's values are picked and how ambiguous dates are read: shown only
    when the file needs them, defaults stated."""
    pick, dates = DEFAULT_PICK, "auto"
    if plan.history is not None:
        st.info(escape(plan.history.note), icon=":material/timeline:")
        pick = st.radio("Take each run's values", list(HISTORY_PICKS),
                        format_func=lambda p: HISTORY_PICKS[p], horizontal=True,
                        key=f"runs_pick_{counter}",
                        help="At the best dev step (default): every column read at the "
                             "step where the dev level is best, the checkpoint early "
                             "stopping keeps. The per-step curves are kept either way.")
    if any("fit both day-first and month-first" in w for w in plan.built.warnings):
        dates = st.radio("Dates such as 04-08-2024 are", ["mdy", "dmy"], horizontal=True,
                         format_func=lambda d: {"mdy": "month first (April 8)",
                                                "dmy": "day first (4 August)"}[d],
                         key=f"runs_dates_{counter}")
    return pick, dates


def target_metric(plan: ImportPlan, current: ProjectMetric, counter: int | str
                  ) -> ProjectMetric | None:
    """The metric the runs go in: the project's, or (when the split columns hold another
    metric's values) the one the user confirms; None when the runs cannot go in."""
    proposed = plan.proposed_metric
    if proposed is None or proposed.key == current.key or current.kind != "rate":
        problem = plan.metric_problem(current)
        if problem:
            st.error(f"Cannot import: {escape(problem)}.")
            return None
        return current
    keys = [k for k, m in PRESETS.items() if m.kind != "rate"]
    chosen = st.selectbox(
        "Metric of these runs", keys, index=keys.index(proposed.key),
        format_func=lambda k: PRESETS[k].describe(), key=f"runs_metric_{counter}",
        help="Proposed from the names of the split columns. Importing sets the project "
             "metric to this one; the change is logged on the Metrics page.")
    target = PRESETS[chosen]
    if current.kind == "rate" or target != current:
        st.info(f"The split columns hold **{escape(target.name)}** values. Importing sets "
                f"the project metric from {escape(current.describe())} to "
                f"**{escape(target.describe())}**; stored values are not converted.",
                icon=":material/straighten:")
    return target


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
        max_upload_size=MAX_FILE_MB,
        help="Generic (one row per run), MLflow search_runs() CSV, MLflow UI download, or a "
             f"W&B runs-table export. UTF-8 text, up to {MAX_FILE_MB} MB.")
    if uploaded is None:
        st.caption("Formats: " + "; ".join(FORMAT_LABELS.values()) + ". The columns are "
                   "mapped automatically and you confirm the mapping before anything is saved.")
        return
    payload = uploaded.getvalue()
    current = widgets.metric_of(store, project)
    try:  # read and mapped once per file and format, not on every rerun
        detected_plan = cache.upload(_proposal, payload, "auto", current)
    except InputError as exc:  # too big, not UTF-8 text, not a table
        widgets.show_problems([exc], what=f"{escape(uploaded.name)}")
        return

    detected = detected_plan.detected
    fmt = st.selectbox(
        "Format", FORMATS, index=FORMATS.index(detected), key=f"runs_format_{counter}",
        format_func=lambda f: FORMAT_LABELS[f] + (" (detected)" if f == detected else ""))
    pick, dates = _reading_choices(detected_plan, counter)
    st.markdown("**Column mapping.** Check what each column means; change any role, value "
                "kind (error or accuracy) or scale (fraction or percent) that is wrong. "
                "Give several columns of one split a slice name each to average them.")
    proposal = detected_plan if (fmt, pick, dates) == (detected_plan.fmt, DEFAULT_PICK,
                                                       "auto") else \
        cache.upload(_proposal, payload, fmt, current, pick, uploaded.name, dates)
    editor_key = f"runs_mapping_{counter}_{fmt}" + (f"_{pick}" if proposal.history else "")
    plan = mapping_step(proposal, current, editor_key, uploaded.name)
    if plan is None:
        return
    target = target_metric(plan, current, counter)
    if target is None or not preview(plan, target, uploaded.name, f"runs_preview_{counter}"):
        return
    if st.button(f"Import {len(plan.built.runs)} runs", type="primary", key="runs_import"):
        try:
            result = run_cases.import_plan(store, project.id, plan, source=uploaded.name,
                                           metric=target,
                                           author=st.session_state.get("decision_author", ""))
        except StrategyError as exc:
            st.error(f"Nothing was imported: {escape(exc)}")
            return
        flash(f"Imported {escape(uploaded.name)}: {result.added} added, {result.updated} "
              f"updated, {result.unchanged} unchanged.")
        st.session_state["runs_upload_counter"] = counter + 1
        st.rerun()


def mapping_step(proposal: ImportPlan, current: ProjectMetric, key: str, what: str
                 ) -> ImportPlan | None:
    """The mapping editor over a proposal, and the plan the edited mapping builds; None
    (with the problems shown) when it builds no runs."""
    table = proposal.table
    edited = st.data_editor(
        pd.DataFrame(mapping_rows(table, proposal.mapping)), key=key, hide_index=True,
        disabled=["column", "examples"], column_order=MAPPING_COLUMNS,
        column_config={
            "column": st.column_config.TextColumn("Column"),
            "examples": st.column_config.TextColumn("Example values"),
            "role": st.column_config.SelectboxColumn(
                "Role", options=list(ROLES), required=True,
                format_func=lambda r: ROLE_LABELS.get(r, r)),
            "values": st.column_config.SelectboxColumn("Values", options=list(VALUE_KINDS)),
            "scale": st.column_config.SelectboxColumn("Scale", options=list(SCALES)),
            "slice": st.column_config.TextColumn(
                "Slice", help="Several columns of one split, each with a slice name, are "
                              "averaged into the split's level; each slice is kept."),
        })
    mapping = tuple(mapping_from_rows(table, edited.to_dict("records")))
    plan = proposal if mapping == proposal.mapping else \
        replace(run_cases.plan_import(table, proposal.fmt, mapping, metric=current),
                history=proposal.history)
    if not plan.built.ok:
        widgets.show_problems(plan.built.problems, what=escape(what))
        return None
    for warning in plan.built.warnings:
        st.warning(escape(warning))
    return plan


def preview(plan: ImportPlan, target: ProjectMetric, what: str, key: str) -> bool:
    """The runs exactly as they will be stored in `target`; False (with the problem shown)
    when a level lies outside the metric's range."""
    try:
        run_cases.check_levels(plan, target)
    except InputError as exc:  # a level outside the metric's range: say so before Import
        widgets.show_problems([exc], what=escape(what))
        return False
    converted = (" (errors converted to accuracies)" if target.direction == "higher" and
                 target.kind == "rate" else " (accuracies converted to errors)"
                 if target.is_error_rate else "")
    st.markdown(f"**Preview**: {len(plan.built.runs)} runs exactly as they will be stored"
                f"{converted}.")
    st.dataframe(widgets.scaled(runs_table(list(plan.built.runs)), ERROR_FIELDS, target),
                 hide_index=True, column_config=widgets.run_columns(target), key=key)
    return True


EDIT_CONFLICT_KEY = "runs_edit_conflict"
EDIT_OPENED_KEY = "runs_edit_opened"


def _form_texts(run: Run, metric: ProjectMetric) -> dict[str, object]:
    """What each field of the edit form starts with for `run`."""
    texts: dict[str, object] = {
        "name": run.name,
        "created": run.created.isoformat(sep=" ") if run.created else ""}
    texts.update({f: widgets.level_field(getattr(run, f), metric) for f in ERROR_FIELDS})
    texts.update({f: getattr(run, f) for f in SIZE_FIELDS})
    return texts


def _parse_field(name: str, entered: object, metric: ProjectMetric) -> object:
    if name == "name":
        return str(entered).strip()
    if name == "created":
        return parse_created(str(entered))
    if name in ERROR_FIELDS:
        return widgets.parse_level_field(str(entered), FIELD_LABELS[name], metric)
    return None if entered is None else int(entered)  # a size


def edit_run(store: Store, project: Project, runs: list[Run]) -> None:
    """Add a run by hand or edit one; recorded in the history like an import.

    The form starts with the chosen run's current values (its widgets are keyed on the run
    and its version, so another run or a newer version starts a fresh form), and a save
    changes only the fields the user changed, against the version the form was read from."""
    by_key = {r.key: r for r in runs}
    key = st.selectbox("Run", [None, *by_key], key="runs_edit_choice",
                       format_func=lambda k: "New run" if k is None else by_key[k].name)
    run = by_key.get(key) or Run(name="")
    metric = widgets.metric_of(store, project)
    if _show_edit_conflict(store, project, key):
        return
    # The form stays on the version it was opened with until it is saved or dropped, so
    # someone else's save in the meantime cannot swap the form under the user's typing.
    opened = st.session_state.get(EDIT_OPENED_KEY)
    if not opened or opened["key"] != key or \
            f"runs_edit_{key}_{opened['version']}_name" not in st.session_state:
        opened = {"key": key, "version": run.version, "start": _form_texts(run, metric)}
        st.session_state[EDIT_OPENED_KEY] = opened
    elif key is not None and opened["version"] != run.version:
        note, reload = st.columns([4, 1])
        note.warning("Someone else saved this run after you opened it. Load their version, "
                     "or save yours and choose then.")
        if reload.button("Load their version", key="runs_edit_reload"):
            st.session_state.pop(EDIT_OPENED_KEY)
            st.rerun()
    start = opened["start"]
    form = f"runs_edit_{key}_{opened['version']}"
    with st.form(f"{form}_form"):
        entered: dict[str, object] = {
            "name": st.text_input("Name", value=str(start["name"]), max_chars=200,
                                  key=f"{form}_name"),
            "created": st.text_input("Created (ISO date, optional)", key=f"{form}_created",
                                     value=str(start["created"]),
                                     placeholder="2026-11-03 10:00")}
        st.caption("Error rates as `8%` or `0.08`; leave blank when unknown."
                   if metric.kind == "rate" else
                   f"{escape(metric.name)} in its units"
                   + (" (`12%` or `0.12`)" if metric.percent else "")
                   + "; leave blank when unknown.")
        for f, col in zip(ERROR_FIELDS, st.columns(4), strict=True):
            entered[f] = col.text_input(widgets.field_label(f, metric), value=str(start[f]),
                                        key=f"{form}_{f}")
        for f, col in zip(SIZE_FIELDS, st.columns(4), strict=True):
            entered[f] = col.number_input(FIELD_LABELS[f], min_value=1, step=1,
                                          value=start[f], key=f"{form}_{f}")
        submitted = st.form_submit_button("Save run" if key else "Add run", type="primary")
    if not submitted:
        return
    try:
        changes = {f: _parse_field(f, value, metric) for f, value in entered.items()
                   if key is None or value != start[f]}
        if key is None:  # a run without a name is refused by the use case
            result = run_cases.add_run(store, project.id,
                                       Run(**changes))  # type: ignore[arg-type]
        elif not changes:
            st.info("Nothing changed.")
            return
        else:
            result = run_cases.edit_run(store, project.id, key, changes,
                                        expected_version=opened["version"])
    except ConflictError as exc:
        st.session_state[EDIT_CONFLICT_KEY] = {
            "key": key, "changes": changes, "message": str(exc),
            "theirs": getattr(exc.current, "version", None)}
        st.rerun()
    except StrategyError as exc:
        st.error(escape(exc))
        return
    st.session_state.pop(EDIT_OPENED_KEY, None)
    if result.import_id is None:
        st.info("Nothing changed.")
        return
    flash(f"{'Saved' if key else 'Added'} run {escape(changes.get('name', run.name))}.")
    st.rerun()


def _show_edit_conflict(store: Store, project: Project, key: int | None) -> bool:
    """A refused stale save: the other person's change, what this user changed, and the
    choice to reapply it on their version or to drop it. True while it is shown."""
    conflict = st.session_state.get(EDIT_CONFLICT_KEY)
    if not conflict or conflict["key"] != key:
        return False
    mine = "; ".join(f"{FIELD_LABELS[f]} {describe_field(f, v)}"
                     for f, v in conflict["changes"].items())
    st.error(f"Not saved: {escape(conflict['message'])}.\n\nYour change: {escape(mine)}. "
             "Reapply it on top of theirs, or drop it.", icon=":material/sync_problem:")
    reapply, drop = st.columns(2)
    if reapply.button("Reapply my change", key="runs_edit_reapply", type="primary"):
        st.session_state.pop(EDIT_CONFLICT_KEY)
        try:
            run_cases.edit_run(store, project.id, key, conflict["changes"],
                               expected_version=conflict["theirs"])
        except ConflictError as exc:
            conflict.update(message=str(exc), theirs=getattr(exc.current, "version", None))
            st.session_state[EDIT_CONFLICT_KEY] = conflict
        except StrategyError as exc:
            flash(f"Not saved: {escape(exc)}", "error")
        else:
            st.session_state.pop(EDIT_OPENED_KEY, None)
            flash("Your change was saved on top of the other person's.")
        st.rerun()
    if drop.button("Drop my change", key="runs_edit_drop"):
        st.session_state.pop(EDIT_CONFLICT_KEY)
        st.session_state.pop(EDIT_OPENED_KEY, None)
        st.rerun()
    return True


def delete_runs(store: Store, project: Project, runs: list[Run]) -> None:
    """Delete selected runs (undoable from the history)."""
    by_key = {r.key: r for r in runs}
    with st.expander("Delete runs"):
        keys = st.multiselect("Runs to delete", list(by_key), key="runs_delete_choice",
                              format_func=lambda k: by_key[k].name)
        if keys and st.button(f"Delete {len(keys)} run(s)", key="runs_delete"):
            try:
                run_cases.delete_runs(store, project.id, keys)
            except StrategyError as exc:  # e.g. someone else deleted one of them meanwhile
                st.error(f"Nothing was deleted: {escape(exc)}. Someone else may have changed "
                         "these runs; the list shows the current ones.")
                return
            flash(f"Deleted {len(keys)} run(s). Undo it from the History tab.")
            st.rerun()


def history(store: Store, project: Project) -> None:
    """Every import, manual edit and delete, newest first, each with undo."""
    records = cache.read(run_cases.history, store, project.id)
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
                    run_cases.undo_import(store, project.id, record.id)
                except StrategyError as exc:  # e.g. someone else undid it meanwhile
                    left.error(f"Nothing was undone: {escape(exc)} (someone else may have "
                               "undone it already).")
                    continue
                flash(f"Undid import #{record.id}.")
                st.rerun()
            if right.button("Cancel", key=f"runs_undo_cancel_{record.id}"):
                st.session_state.pop("runs_undo_pending", None)
                st.rerun()

