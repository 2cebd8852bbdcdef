"""The single-number part of the metrics page: F1 from precision and recall, and the
average over slices with the per-slice table beside it, each from the runs' metrics or
from a small table typed in."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from strategy_core.errors import InputError
from strategy_core.markdown import escape
from strategy_core.metrics import (
    ClassifierComparison,
    SliceComparison,
    SliceFamily,
    compare_classifiers,
    compare_slice_averages,
    precision_recall_pairs,
    slice_families,
)
from strategy_core.store import Store
from strategy_core.store.projects import Project
from strategy_core.usecases import metrics as usecase
from ui import cache
from ui import metrics as data

SOURCES = {"runs": "From the runs' metrics", "table": "Enter a table"}
# docs/rules.md §3's example, so the table opens on something worth reading.
F1_EXAMPLE = [{"classifier": "A", "precision": 95.0, "recall": 90.0},
              {"classifier": "B", "precision": 98.0, "recall": 85.0}]
SLICE_EXAMPLE = [
    {"classifier": "A", "slice": "US", "value": 3.0},
    {"classifier": "A", "slice": "China", "value": 5.0},
    {"classifier": "A", "slice": "India", "value": 4.0},
    {"classifier": "B", "slice": "US", "value": 4.0},
    {"classifier": "B", "slice": "China", "value": 4.0},
    {"classifier": "B", "slice": "India", "value": 3.5},
]


def _source(key: str, available: bool) -> str:
    if not available:
        return "table"
    return st.radio("Values", list(SOURCES), key=key, format_func=SOURCES.get,
                    horizontal=True, label_visibility="collapsed")


def f1_section(store: Store, project: Project, metric_names: list[str]
               ) -> ClassifierComparison | None:
    """F1 side by side, winner marked. Returns the comparison shown (None if none). The
    runs' comparison and its table are computed once per data version, not on every
    rerun."""
    st.subheader("F1 from precision and recall")
    st.caption("F1 = 2PR / (P + R) turns two numbers into one, so classifiers can be ranked.")
    pairs = precision_recall_pairs(metric_names)
    source = _source("metrics_f1_source", bool(pairs))
    if not pairs:
        st.caption("No run records metrics named precision and recall; enter them here.")
    if source == "runs":
        pair = pairs[0]
        if len(pairs) > 1:
            pair = st.selectbox("Metrics", pairs, key="metrics_f1_pair",
                                format_func=lambda p: f"{p[0]} and {p[1]}")
        comparison, frame = cache.shared(_run_f1_table, store, project.id, tuple(pair))
    else:
        edited = st.data_editor(
            pd.DataFrame(F1_EXAMPLE), key="metrics_f1_table", num_rows="dynamic",
            hide_index=True, column_config={
                "classifier": st.column_config.TextColumn("Classifier", required=True,
                                                          max_chars=80),
                "precision": st.column_config.NumberColumn("Precision (%)", min_value=0.0,
                                                           max_value=100.0, format="%.2f%%"),
                "recall": st.column_config.NumberColumn("Recall (%)", min_value=0.0,
                                                        max_value=100.0, format="%.2f%%")})
        try:
            comparison = compare_classifiers(_f1_rows(edited))
        except InputError as exc:
            st.error(escape(exc))
            return None
        frame = _f1_frame(comparison) if comparison.winner is not None else None
    if comparison.winner is None or frame is None:
        st.info("Nothing to compare yet: give at least one classifier its precision and "
                "recall.")
        return None
    st.success(escape(comparison.verdict), icon=":material/emoji_events:")
    st.dataframe(frame, hide_index=True,
                 key="metrics_f1_result", column_config={
                     "winner": st.column_config.TextColumn("", width="small"),
                     "classifier": st.column_config.TextColumn("Classifier"),
                     "precision": data.percent_column("Precision"),
                     "recall": data.percent_column("Recall"),
                     "f1": data.percent_column("F1")})
    if comparison.skipped:
        st.caption(f"Left out: {escape(', '.join(name for name, _ in comparison.skipped))} "
                   "(no precision or recall recorded).")
    return comparison


def _run_f1_table(store: Store, project_id: int, pair: tuple[str, str]
                  ) -> tuple[ClassifierComparison, pd.DataFrame | None]:
    """The runs' F1 comparison and its table (None when no run has both metrics)."""
    result = usecase.run_f1(store, project_id, *pair)
    return result, _f1_frame(result) if result.winner is not None else None


def _f1_frame(comparison: ClassifierComparison) -> pd.DataFrame:
    """The comparison as the table shows it: best F1 first, rates as percentages."""
    frame = pd.DataFrame([{"winner": "★" if c.name == comparison.winner else "",
                           "classifier": c.name, "precision": c.precision,
                           "recall": c.recall, "f1": c.f1} for c in comparison.classifiers])
    frame = frame.sort_values("f1", ascending=False, kind="stable")
    return data.percent(frame, ["precision", "recall", "f1"])


def _f1_rows(edited: pd.DataFrame) -> list[tuple[str, float, float]]:
    rows = []
    for i, row in enumerate(edited.to_dict("records"), start=1):
        name = row.get("classifier")
        if not isinstance(name, str) or not name.strip():
            if pd.isna(row.get("precision")) and pd.isna(row.get("recall")):
                continue  # an empty new row
            raise InputError(f"row {i}: give the classifier a name")
        if pd.isna(row.get("precision")) or pd.isna(row.get("recall")):
            raise InputError(f"{name}: give both precision and recall")
        rows.append((name.strip(), float(row["precision"]) / 100, float(row["recall"]) / 100))
    return rows


def slices_section(store: Store, project: Project, extra_metrics: list[str]
                   ) -> SliceComparison | None:
    """The average over slices as the single number, the per-slice table beside it. The
    runs' comparison and table are computed once per data version."""
    st.subheader("Average over slices")
    st.caption("One number per model: the mean over slices (regions, devices…), every slice "
               "counting equally; the per-slice table shows where a model is weak.")
    families = slice_families(extra_metrics)
    source = _source("metrics_slices_source", bool(families))
    if not families:
        st.caption("No run metrics share a name pattern such as region_us_error, "
                   "region_eu_error; enter the values per slice here.")
    percent = True
    shown: tuple[pd.DataFrame, dict[str, str]] | None = None
    if source == "runs":
        family = families[0]
        if len(families) > 1:
            family = st.selectbox("Metrics", families, key="metrics_slices_family",
                                  format_func=lambda f: f"{f.pattern} ({len(f.slices)} slices)")
        percent = usecase.slices_are_rates(family)
        try:
            comparison, shown = cache.shared(_run_slices_table, store, project.id, family,
                                             percent)
        except InputError as exc:
            st.error(escape(exc))
            return None
    else:
        higher = st.toggle("Higher is better (accuracy, not error)", key="metrics_slices_higher")
        edited = st.data_editor(
            pd.DataFrame(SLICE_EXAMPLE), key="metrics_slices_table", num_rows="dynamic",
            hide_index=True, column_config={
                "classifier": st.column_config.TextColumn("Classifier", required=True,
                                                          max_chars=80),
                "slice": st.column_config.TextColumn("Slice", required=True, max_chars=80),
                "value": st.column_config.NumberColumn("Value (%)", min_value=0.0,
                                                       max_value=100.0, format="%.2f%%")})
        try:
            comparison = compare_slice_averages(_slice_rows(edited), higher_is_better=higher,
                                                rates=percent)
        except InputError as exc:
            st.error(escape(exc))
            return None
        if comparison.winner is not None:
            shown = _slices_frame(comparison, higher, percent)
    if comparison.winner is None or shown is None:
        st.info(escape(comparison.reasons[0]))
        return None
    st.success(escape(comparison.reasons[0]), icon=":material/emoji_events:")
    frame, slice_keys = shown
    number = data.percent_column if percent else (
        lambda label: st.column_config.NumberColumn(label, format="%g"))
    st.dataframe(frame, hide_index=True, key="metrics_slices_result", column_config={
        "winner": st.column_config.TextColumn("", width="small"),
        "classifier": st.column_config.TextColumn("Classifier", width="medium"),
        "average": number("Average"),
        "worst": st.column_config.TextColumn("Worst slice"),
        **{key: number(label) for key, label in slice_keys.items()}})
    st.caption("Per-slice values right of the average; the worst slice is where to look "
               "first.")
    if comparison.incomplete:
        st.caption("Not ranked (a slice is missing): " + escape(
            ", ".join(name for name, _ in comparison.incomplete)))
    return comparison


def _run_slices_table(store: Store, project_id: int, family: SliceFamily, percent: bool
                      ) -> tuple[SliceComparison, tuple[pd.DataFrame, dict[str, str]] | None]:
    """The runs' slice averages over `family` and their table (None without a winner)."""
    result = usecase.run_slices(store, project_id, family, rates=percent)
    table = _slices_frame(result, family.higher_is_better, percent) \
        if result.winner is not None else None
    return result, table


def _slices_frame(comparison: SliceComparison, higher: bool, percent: bool
                  ) -> tuple[pd.DataFrame, dict[str, str]]:
    """One row per classifier, best first: the average, then each slice beside it. Slice
    names come from uploads or typing, so columns get fixed names (returned with their
    labels)."""
    slice_keys = {f"s{i}": label for i, label in enumerate(comparison.slices)}
    frame = pd.DataFrame([{"winner": "★" if name == comparison.winner else "",
                           "classifier": name, "average": result.average,
                           "worst": result.worst,
                           **{key: value for key, (_, value) in zip(slice_keys, result.slices,
                                                                    strict=True)}}
                          for name, result in comparison.classifiers])
    frame = frame.sort_values("average", ascending=not higher, kind="stable")
    if percent:
        frame = data.percent(frame, ["average", *slice_keys])
    return frame, slice_keys


def _slice_rows(edited: pd.DataFrame) -> list[tuple[str, str, float]]:
    rows = []
    for i, row in enumerate(edited.to_dict("records"), start=1):
        name, label, value = row.get("classifier"), row.get("slice"), row.get("value")
        blank = [not isinstance(v, str) or not v.strip() for v in (name, label)]
        if all(blank) and pd.isna(value):
            continue  # an empty new row
        if any(blank):
            raise InputError(f"row {i}: give both the classifier and the slice a name")
        if pd.isna(value):
            raise InputError(f"{name} has no value for slice {label}")
        rows.append((name, label, float(value) / 100))
    return rows
