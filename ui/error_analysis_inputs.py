"""The error-analysis page's inputs: per-example predictions upload (with progress), drawing
a review sample, and importing an existing tag spreadsheet."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date

import pandas as pd
import streamlit as st

from strategy_core.errors import InputError, StrategyError
from strategy_core.markdown import escape
from strategy_core.predictions_csv import SPLIT_LABELS, PredictionFileError
from strategy_core.rates import format_pct
from strategy_core.runs import Run
from strategy_core.sizing import eyeball_size
from strategy_core.store import Store
from strategy_core.store.predictions import PredictionSet
from strategy_core.store.projects import Project
from strategy_core.store.reviews import ReviewSample
from strategy_core.tag_sheet import TagSheetError, parse_sheet
from strategy_core.usecases import error_analysis as usecase
from strategy_core.usecases.error_analysis import DEFAULT_SAMPLE_SIZE, MAX_SAMPLE_SIZE
from ui import widgets
from ui.error_analysis import choose_sample, metric, sample_file
from ui.session import flash

MAX_PREDICTIONS_MB = 300
MAX_SHEET_MB = 20


# -- predictions -----------------------------------------------------------------------


def predictions_table(sets: Sequence[PredictionSet], runs: dict[int, Run]) -> pd.DataFrame:
    """One row per run with predictions: examples and error per split present."""
    present = [split for split in SPLIT_LABELS if any(split in s.splits for s in sets)]
    rows = []
    for item in sets:
        row: dict[str, object] = {"run": runs[item.run_key].name if item.run_key in runs
                                  else str(item.run_key), "rows": item.rows,
                                  "misclassified": item.misclassified}
        for split in present:
            count = item.splits.get(split)
            row[f"{split}_n"] = count.n if count else None
            if item.kind == "classification":
                row[f"{split}_error"] = count.error if count else None
            else:  # per-example values (docs/rules.md §18): the mean, as a number
                row[f"{split}_mean"] = count.mean if count else None
        row["file"] = item.source
        row["uploaded"] = item.created_at
        rows.append(row)
    return pd.DataFrame(rows)


def _predictions_columns() -> dict[str, object]:
    config: dict[str, object] = {
        "run": st.column_config.TextColumn("Run", pinned=True),
        "rows": st.column_config.NumberColumn("Examples", format="localized"),
        "misclassified": st.column_config.NumberColumn("Misclassified", format="localized"),
        "file": st.column_config.TextColumn("File"),
        "uploaded": st.column_config.DatetimeColumn("Uploaded", format="YYYY-MM-DD HH:mm"),
    }
    for split, label in SPLIT_LABELS.items():
        config[f"{split}_n"] = st.column_config.NumberColumn(f"{label.capitalize()} n",
                                                             format="localized")
        config[f"{split}_error"] = widgets.percent_column(f"{label.capitalize()} error")
        config[f"{split}_mean"] = st.column_config.NumberColumn(
            f"{label.capitalize()} mean value", format="%.4g",
            help="Mean per-example value (absolute error of a regression)")
    return config


def predictions_section(store: Store, project: Project, runs: Sequence[Run],
                        sets: Sequence[PredictionSet]) -> None:
    """Which runs have predictions, and the upload form (editors)."""
    by_key = {run.key: run for run in runs}
    if sets:
        table = predictions_table(sets, by_key)
        st.dataframe(widgets.percent(table, [c for c in table.columns if c.endswith("_error")]),
                     hide_index=True, key="ea_pred_table",
                     column_config=_predictions_columns())
    else:
        st.caption("No run has per-example predictions yet.")
    if not store.can_write:
        return
    upload_predictions(store, project, runs, {s.run_key: s for s in sets})
    if sets:
        delete_predictions(store, project, [by_key[s.run_key] for s in sets
                                            if s.run_key in by_key])


def upload_predictions(store: Store, project: Project, runs: Sequence[Run],
                       existing: dict[int, PredictionSet]) -> None:
    shown = metric(store, project.id)
    if shown.kind == "rate":
        st.markdown("**Upload predictions for a run.** Columns: `example_id`, `label`, "
                    "`prediction`; optional `split` (train, train-dev, dev, test; empty means "
                    "dev), `source`, `text`, `url` or `image_url`, `weight`. A file with a "
                    "problem is not loaded at all; loading again for a run replaces its "
                    "predictions.")
    else:
        st.markdown(f"**Upload per-example predictions for a run.** This project is measured "
                    f"in {escape(shown.describe())}. Columns: `example_id` with either a "
                    "numeric `label` and `prediction` (regression: the absolute and squared "
                    "errors are derived) or a per-example value column (`loss`, `score`, "
                    "`value`, `wer`, `error`, `dice`…) in the metric's units"
                    + (" (fractions for a percentage)" if shown.percent else "")
                    + f", {escape(shown.range_text())}; optional `split`, `source`, `text`, "
                    "`url`, `weight`. A file with a problem is not loaded at all.")
    counter = st.session_state.setdefault("ea_pred_counter", 0)
    by_key = {run.key: run for run in runs}
    keys = [run.key for run in reversed(runs)]
    left, right = st.columns([1, 2])
    run_key = left.selectbox("Run", keys, key="ea_pred_run",
                             format_func=lambda k: by_key[k].name + (
                                 " (has predictions)" if k in existing else ""))
    uploaded = right.file_uploader("Predictions CSV", type=["csv", "txt", "tsv"],
                                   key=f"ea_pred_upload_{counter}",
                                   max_upload_size=MAX_PREDICTIONS_MB,
                                   help=f"UTF-8 CSV up to {MAX_PREDICTIONS_MB} MB (about "
                                        "3 million rows without text).")
    sample = sample_file("predictions_dev.csv")
    if uploaded is None:
        if sample is not None:
            st.download_button("Sample predictions (CSV)", sample, "predictions_dev.csv",
                               mime="text/csv", key="ea_pred_sample", on_click="ignore",
                               icon=":material/download:")
        return
    if uploaded.size > MAX_PREDICTIONS_MB * 1024 * 1024:
        # The browser refuses bigger files; this holds for any other client too.
        widgets.show_problems([InputError(f"the file is larger than the {MAX_PREDICTIONS_MB} "
                                          "MB upload limit")], what=escape(uploaded.name))
        return
    if run_key in existing:
        st.warning(f"Run {escape(by_key[run_key].name)} already has "
                   f"{existing[run_key].rows:,} predictions: loading replaces them (review "
                   "samples keep their own copy of their examples).")
    if not st.button("Load predictions", type="primary", key="ea_pred_load"):
        return
    bar = st.progress(0.0, text="Uploading")
    try:
        result = usecase.import_predictions(
            store, project.id, run_key, uploaded.getvalue(), source=uploaded.name,  # type: ignore[arg-type]
            created_by=st.session_state.get("ea_reviewer", ""),
            progress=lambda fraction, message: bar.progress(min(1.0, fraction), text=message))
    except PredictionFileError as exc:
        bar.empty()
        widgets.show_problems(exc.problems, what=escape(uploaded.name))
        return
    except StrategyError as exc:
        bar.empty()
        widgets.show_problems([exc if isinstance(exc, InputError) else InputError(str(exc))],
                              what=escape(uploaded.name))
        return
    splits = ", ".join(f"{SPLIT_LABELS[s]} {n:,}" for s, n in result.splits.items())
    what = f"{result.misclassified:,} misclassified" if result.kind == "classification" \
        else ("regression rows" if result.kind == "regression"
              else f"per-example {escape(result.value_name or 'value')}")
    flash(f"Loaded {result.rows:,} predictions for {escape(by_key[run_key].name)} in "
          f"{result.seconds:.1f} s ({splits}; {what})."
          + (" The earlier upload was replaced." if result.replaced else ""))
    for warning in result.warnings:
        flash(escape(warning), "warning")
    st.session_state["ea_pred_counter"] = counter + 1
    st.rerun()


def delete_predictions(store: Store, project: Project, runs: Sequence[Run]) -> None:
    with st.expander("Remove a run's predictions"):
        by_key = {run.key: run for run in runs}
        key = st.selectbox("Run", list(by_key), key="ea_pred_delete_run",
                           format_func=lambda k: by_key[k].name)
        confirm = st.checkbox("Yes, remove them", key="ea_pred_delete_ok")
        if st.button("Remove predictions", key="ea_pred_delete", disabled=not confirm):
            try:
                removed = usecase.delete_predictions(store, project.id, key)  # type: ignore[arg-type]
            except StrategyError as exc:  # e.g. someone else removed them meanwhile
                st.error(f"Nothing was removed: {escape(exc)}.")
                return
            flash(f"Removed {removed:,} predictions of {escape(by_key[key].name)}.")
            st.rerun()


# -- drawing a sample ------------------------------------------------------------------


def draw_sample(store: Store, project: Project, runs: Sequence[Run],
                sets: Sequence[PredictionSet]) -> None:
    """A seeded random sample of a run's misclassified dev examples (docs/rules.md §4)."""
    by_key = {run.key: run for run in runs}
    with_dev = [s for s in sets if s.run_key in by_key and s.splits.get("dev")]
    if not with_dev:
        st.info("Upload a run's per-example predictions (with dev examples) under "
                "**Predictions** to draw a sample of its mistakes.")
        return
    set_of = {s.run_key: s for s in with_dev}
    keys = [s.run_key for s in reversed(with_dev)]
    if any(s.kind != "classification" for s in with_dev):
        draw_value_sample(store, project, by_key,
                          [s for s in with_dev if s.kind != "classification"])
        return
    run_key = st.selectbox("Run", keys, key="ea_draw_run",
                           format_func=lambda k: f"{by_key[k].name} (dev error "
                           f"{format_pct(set_of[k].splits['dev'].error)}, "
                           f"{set_of[k].splits['dev'].errors:,} mistakes)")
    dev = set_of[run_key].splits["dev"]
    mode = st.radio("Sample size", ["mistakes", "eyeball"], horizontal=True, key="ea_draw_mode",
                    format_func={"mistakes": "Number of mistakes to review",
                                 "eyeball": "Eyeball set size (dev examples)"}.get)
    seed_key = "ea_draw_seed"
    if seed_key not in st.session_state:
        st.session_state[seed_key] = secrets.randbelow(1_000_000)
    with st.form("ea_draw_form", border=False):
        left, middle, right = st.columns(3)
        if mode == "mistakes":
            size = left.number_input("Mistakes", min_value=1, max_value=MAX_SAMPLE_SIZE,
                                     value=DEFAULT_SAMPLE_SIZE, key="ea_draw_size",
                                     help="Default 100; all of them when there are fewer")
            eyeball = None
        else:
            suggested = min(dev.n, eyeball_size(dev.error or 0.0001, DEFAULT_SAMPLE_SIZE)) \
                if dev.errors else dev.n
            eyeball = left.number_input("Dev examples in the eyeball set", min_value=1,
                                        max_value=dev.n, value=suggested, key="ea_draw_eyeball",
                                        help="m / E: 100 mistakes at 5% error → 2,000")
            size = None
        seed = middle.number_input("Seed", min_value=0, max_value=2**31 - 1, key=seed_key,
                                   help="The same seed draws the same sample again")
        name = right.text_input("Name", key="ea_draw_name", max_chars=80,
                                value=f"{by_key[run_key].name} · {date.today():%Y-%m-%d}")
        submitted = st.form_submit_button("Draw sample", type="primary")
    if mode == "mistakes" and dev.errors <= DEFAULT_SAMPLE_SIZE:
        st.caption(f"This run has {dev.errors:,} misclassified dev examples: a sample of "
                   f"{DEFAULT_SAMPLE_SIZE} reviews all of them, and the eyeball set is then the "
                   "whole dev set (no blackbox part).")
    if not submitted:
        return
    try:
        sample = usecase.draw_sample(store, project.id, run_key, name=name,  # type: ignore[arg-type]
                                     size=size, eyeball_size=eyeball, seed=int(seed),
                                     created_by=st.session_state.get("ea_reviewer", ""))
    except StrategyError as exc:
        st.error(escape(exc))
        return
    choose_sample(sample.id)
    st.session_state.pop(seed_key, None)
    flash(f"Drew {sample.size} misclassified dev examples (seed {sample.seed}): tag them under "
          "**Tag examples**.")
    st.rerun()


def draw_value_sample(store: Store, project: Project, by_key: dict[int | None, Run],
                      sets: Sequence[PredictionSet]) -> None:
    """The worst dev examples of a run, or those past a threshold (docs/rules.md §18)."""
    shown = metric(store, project.id)
    set_of = {s.run_key: s for s in sets}
    run_key = st.selectbox("Run", [s.run_key for s in reversed(sets)], key="ea_vdraw_run",
                           format_func=lambda k: f"{by_key[k].name} ({set_of[k].splits['dev'].n:,} "
                           "dev examples)")
    worse = "largest" if shown.direction == "lower" else "smallest"
    mode = st.radio("Review", ["worst", "threshold"], horizontal=True, key="ea_vdraw_mode",
                    format_func={"worst": f"The examples with the {worse} error",
                                 "threshold": "Examples past a threshold"}.get)
    with st.form("ea_vdraw_form", border=False):
        left, middle, right = st.columns(3)
        size = left.number_input("Examples", min_value=1, max_value=MAX_SAMPLE_SIZE,
                                 value=DEFAULT_SAMPLE_SIZE, key="ea_vdraw_size")
        threshold_text, seed = "", 0
        if mode == "threshold":
            threshold_text = middle.text_input(
                "Threshold", key="ea_vdraw_threshold", placeholder="e.g. 5",
                help=f"In the metric's units ({escape(shown.unit or 'no unit')}); examples "
                     f"{'at or above' if shown.direction == 'lower' else 'at or below'} it")
            seed = middle.number_input("Seed", min_value=0, max_value=2**31 - 1, value=0,
                                       key="ea_vdraw_seed")
        name = right.text_input("Name", key="ea_vdraw_name", max_chars=80,
                                value=f"{by_key[run_key].name} · {date.today():%Y-%m-%d}")
        submitted = st.form_submit_button("Draw sample", type="primary")
    if not submitted:
        return
    try:
        threshold = None
        if mode == "threshold":
            threshold = _number(threshold_text)
        sample = usecase.draw_value_sample(
            store, project.id, run_key, name=name, size=int(size),  # type: ignore[arg-type]
            threshold=threshold, seed=int(seed) if mode == "threshold" else None,
            created_by=st.session_state.get("ea_reviewer", ""))
    except StrategyError as exc:
        st.error(escape(exc))
        return
    choose_sample(sample.id)
    flash(f"Drew {escape(usecase.sample_rule_text(store, sample) or '')}: tag them under "
          "**Tag examples**.")
    st.rerun()


def _number(text: str) -> float:
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        raise InputError(f"the threshold must be a number, not '{text.strip()[:40]}'") \
            from None


# -- importing a spreadsheet -----------------------------------------------------------


def import_sheet(store: Store, project: Project, runs: Sequence[Run],
                 project_samples: Sequence[ReviewSample]) -> None:
    """Import tags kept in a spreadsheet: into an existing sample or as a new one."""
    st.markdown("**Import a tag spreadsheet.** One row per reviewed example: `example_id`, a "
                "column per category marked x / 1 / yes / true, and a notes (or comments) "
                "column. Categories the project lacks are added.")
    counter = st.session_state.setdefault("ea_sheet_counter", 0)
    uploaded = st.file_uploader("Tag sheet (CSV)", type=["csv", "txt", "tsv"],
                                key=f"ea_sheet_upload_{counter}", max_upload_size=MAX_SHEET_MB)
    if uploaded is None:
        sample = sample_file("error_tags_sheet.csv")
        if sample is not None:
            st.download_button("Sample tag sheet (CSV)", sample, "error_tags_sheet.csv",
                               mime="text/csv", key="ea_sheet_sample", on_click="ignore",
                               icon=":material/download:")
        return
    try:
        sheet = parse_sheet(uploaded.getvalue())
    except TagSheetError as exc:
        widgets.show_problems(exc.problems, what=escape(uploaded.name))
        return
    except InputError as exc:
        widgets.show_problems([exc], what=escape(uploaded.name))
        return
    counts = sheet.counts()
    st.caption(f"{len(sheet.rows)} examples; " + escape(", ".join(
        f"{name} {n}" for name, n in counts.items())) + ".")
    targets = [None, *[s.id for s in project_samples]]
    names = {s.id: s.name for s in project_samples}
    target = st.selectbox("Into", targets, key="ea_sheet_target",
                          format_func=lambda sid: "A new sample" if sid is None else
                          f"Sample {names[sid]} (replaces its tags for these examples)")
    by_key = {run.key: run for run in runs}
    name, run_key, dev_error = None, None, None
    if target is None:
        left, middle, right = st.columns(3)
        name = left.text_input("Name", value=uploaded.name.rsplit(".", 1)[0][:80],
                               max_chars=80, key="ea_sheet_name")
        run_key = middle.selectbox("Run reviewed (optional)", [None, *by_key],
                                   key="ea_sheet_run", format_func=lambda k: "—" if k is None
                                   else by_key[k].name)
        dev_text = right.text_input("Dev error (optional)", key="ea_sheet_dev_error",
                                    placeholder="from the run when empty")
        try:
            dev_error = widgets.parse_rate_field(dev_text, "dev error")
        except InputError as exc:
            st.error(escape(exc))
            return
    if not st.button("Import tags", type="primary", key="ea_sheet_import"):
        return
    try:
        result = usecase.import_tag_sheet(store, project.id, sheet, sample_id=target,
                                          name=name, run_key=run_key, dev_error=dev_error,
                                          updated_by=st.session_state.get("ea_reviewer", ""))
    except StrategyError as exc:
        widgets.show_problems([exc if isinstance(exc, InputError) else InputError(str(exc))],
                              what=escape(uploaded.name))
        return
    choose_sample(result.sample_id)
    st.session_state["ea_sheet_counter"] = counter + 1
    added = f" New categories: {escape(', '.join(result.categories_added))}." \
        if result.categories_added else ""
    flash(f"Imported tags of {result.examples} examples ({result.tagged} tagged).{added}")
    st.rerun()
