"""The Error analysis page's Optimization Verification test (docs/rules.md §22; MLY ch.
44–46): for a run's reviewed mistakes, the score of the correct output S(y*) and of the
output found S(y_out), typed in a small table or uploaded as CSV, and the verdict: is the
search or the objective at fault. The use case checks, saves and decides; this module asks
and shows. Bad input is named by row and column and nothing is written."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from strategy_core.errors import ConflictError, StrategyError
from strategy_core.markdown import escape
from strategy_core.runs import Run
from strategy_core.store import Store
from strategy_core.store.projects import Project
from strategy_core.usecases import optimization as usecase
from ui import cache
from ui.session import flash

KEY = "ea_ov"
COLUMNS = ["example_id", "score_correct", "score_output", "note"]


def section(store: Store, project: Project, runs: list[Run]) -> None:
    """An expander with the run picker, the verdict, the editable table and the upload."""
    if not runs:
        return
    with st.expander("Optimization verification: is the search or the objective at fault?",
                     icon=":material/travel_explore:", key=f"{KEY}_expander"):
        st.caption("For a model that outputs the highest-scoring answer it can find (beam "
                   "search, a planner): for each reviewed mistake record the score of the "
                   "correct output, S(y*), and of the output found, S(y_out). S(y*) > "
                   "S(y_out): the search missed a better answer; otherwise the score itself "
                   "prefers the wrong one (MLY ch. 44–46).")
        run = _pick_run(store, project, runs)
        answer = cache.read(usecase.verification, store, project.id, run.name)
        _verdict(answer)
        if store.can_write:
            _editor(store, project, run, answer)
            _upload(store, project, run, answer)


def _pick_run(store: Store, project: Project, runs: list[Run]) -> Run:
    counts = cache.read(usecase.recorded_runs, store, project.id)
    options = [run.key for run in reversed(runs)]
    by_key = {run.key: run for run in runs}
    recorded = [key for key in options if key in counts]
    default = options.index(recorded[0]) if recorded else 0
    chosen = st.selectbox(
        "Run whose mistakes were scored", options, index=default, key=f"{KEY}_run",
        format_func=lambda key: by_key[key].name + (f" ({counts[key]} scored)"
                                                    if key in counts else ""))
    return by_key[chosen]


def _verdict(answer: usecase.VerificationAnswer) -> None:
    result = answer.result
    if result.verdict == "none":
        st.info(escape(result.reasons[0]), icon=":material/edit_note:")
        return
    cols = st.columns(3)
    cols[0].metric("Reviewed mistakes", f"{result.reviewed:,}")
    cols[1].metric("Search at fault", f"{result.search_faults:,} ({result.search_share:.0%})",
                   help="S(y*) > S(y_out)")
    cols[2].metric("Objective at fault",
                   f"{result.objective_faults:,} ({result.objective_share:.0%})",
                   help="S(y*) ≤ S(y_out)")
    title = result.headline + (" (tentative)" if result.tentative else "")
    text = f"**{escape(title)}.**\n\n" + "\n".join(f"- {escape(r)}" for r in result.reasons)
    (st.info if result.tentative else st.warning)(text, icon=":material/travel_explore:")


def _editor(store: Store, project: Project, run: Run,
            answer: usecase.VerificationAnswer) -> None:
    checks = answer.checks
    frame = pd.DataFrame([{"example_id": p.example_id, "score_correct": p.score_correct,
                           "score_output": p.score_output, "note": p.note}
                          for p in checks.pairs], columns=COLUMNS)
    frame = frame.astype({"score_correct": "float64", "score_output": "float64"})
    edited = st.data_editor(
        frame, key=f"{KEY}_editor_{run.key}_{checks.version}", num_rows="dynamic",
        hide_index=True, column_config={
            "example_id": st.column_config.TextColumn("Example", required=True, max_chars=200),
            "score_correct": st.column_config.NumberColumn("S(y*) correct output",
                                                           format="%g", required=True),
            "score_output": st.column_config.NumberColumn("S(y_out) output found",
                                                          format="%g", required=True),
            "note": st.column_config.TextColumn("Note", max_chars=1000)})
    if st.button("Save scores", key=f"{KEY}_save", icon=":material/save:"):
        _write(lambda: usecase.save_pairs(
            store, project.id, run.name, usecase.pairs_from_table(edited.to_dict("records")),
            expected=checks.version), "Scores saved.")


def _upload(store: Store, project: Project, run: Run,
            answer: usecase.VerificationAnswer) -> None:
    file = st.file_uploader("Or upload a CSV (example_id, score_correct, score_output, note)",
                            type=["csv"], key=f"{KEY}_file")
    if file is not None and st.button("Replace this run's scores with the file",
                                      key=f"{KEY}_import"):
        _write(lambda: usecase.import_pairs_csv(store, project.id, run.name, file.getvalue(),
                                                expected=answer.checks.version),
               f"Scores loaded from {file.name}.")


def _write(save, done: str) -> None:  # noqa: ANN001 - a closure over the inputs
    try:
        save()
    except ConflictError as exc:
        st.error(f"Not saved: {escape(exc)}. Their scores are shown after a reload.",
                 icon=":material/sync_problem:")
        return
    except StrategyError as exc:
        st.error(f"Nothing was saved: {escape(exc)}", icon=":material/error:")
        return
    flash(done)
    st.rerun()
