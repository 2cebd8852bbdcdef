"""The Diagnosis page's learning curve (docs/rules.md §20; MLY ch. 28–32): pick the runs of
one model trained on different amounts of data (or one run whose history counts the
training examples seen), optionally a desired performance, and see
the curves and whether more data is likely to help. The use case reads and decides; this
module asks and shows."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from strategy_core.charts.learning_curve import learning_curve_chart
from strategy_core.diagnosis.learning_curve import MIN_SIZES, LearningCurve
from strategy_core.errors import InputError
from strategy_core.markdown import escape
from strategy_core.store import Store
from strategy_core.store.projects import Project
from strategy_core.usecases import learning_curve as usecase
from ui import cache, charts, widgets

KEY = "diagnosis_curve"
# How each reading is boxed: a verdict that rests on noise is never a green success.
_FIRM = {"more_data": st.success, "reached": st.success, "bias": st.warning,
         "flat": st.warning, "slow": st.info, "falling": st.info}
_NOT_YET = ("no_runs", "too_few")


def section(store: Store, project: Project) -> None:
    """Source, runs and desired level in; chart, verdict and reasons out."""
    metric = widgets.metric_of(store, project)
    st.caption("Training and dev level against the number of training examples, from runs "
               "of one model that differ only in training-set size (the run's train size), "
               "or from one run's history by training examples seen. Several runs of one "
               "size (models trained on different random subsets) are averaged.")
    eligible = cache.read(usecase.curve_runs, store, project.id)
    histories = cache.read(usecase.history_runs, store, project.id)
    if not eligible and not histories:
        st.caption("No run records a training-set size yet. Train the same model on, say, "
                   "1/8, 1/4, 1/2 and all of the training data and record each run with its "
                   f"train size: at least {MIN_SIZES} sizes draw a curve.")
        return
    source = _source(store, project, bool(eligible), bool(histories))
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    if source == "history":
        names = list(dict.fromkeys(run.name for run in histories))
        picked = left.selectbox("Run whose history to draw", names[::-1],
                                key=f"{KEY}_history_run")
        chosen = [picked] if picked else []
    else:
        names = list(dict.fromkeys(run.name for run in eligible))
        chosen = left.multiselect("Runs of one model at different training-set sizes", names,
                                  default=names, key=f"{KEY}_runs")
    typed = right.text_input(f"Desired {metric.name.lower()} (optional)",
                             key=f"{KEY}_desired", placeholder="human level",
                             help="The performance the team wants; empty: the project's "
                                  "human level.")
    if not chosen:
        st.info("Pick the runs of the curve.", icon=":material/show_chart:")
        return
    try:
        desired = widgets.parse_level_field(typed, "the desired performance", metric)
    except InputError as exc:
        st.error(escape(exc))
        return
    curve = cache.read(usecase.learning_curve, store, project.id, tuple(chosen), desired,
                       source)
    _verdict(curve)
    if curve.points:
        charts.show(learning_curve_chart, curve, key=f"{KEY}_chart")
        st.caption("Blue: training; red: dev; whiskers: 95% intervals (the spread of runs of "
                   "one size, else the set size); dashed green: the desired performance."
                   + (" Each point is a checkpoint of the run, at the training examples it "
                      "had seen." if source == "history" else ""))
        _points_table(curve)


def _source(store: Store, project: Project, sizes: bool, history: bool) -> str:
    """Runs by training-set size or one run's history: asked only when both exist."""
    if not (sizes and history):
        return "history" if history else "sizes"
    default = cache.read(usecase.default_source, store, project.id)
    keys = list(usecase.SOURCES)
    return st.radio("Points from", keys, index=keys.index(default), horizontal=True,
                    format_func=usecase.SOURCES.__getitem__, key=f"{KEY}_source")


def _verdict(curve: LearningCurve) -> None:
    title = curve.headline + (" (tentative)" if curve.tentative else "")
    reasons = "\n".join(f"- {escape(reason)}" for reason in curve.reasons)
    if curve.verdict in _NOT_YET:  # nothing to read yet: what to record, quietly
        st.caption(f"**{escape(title)}.** " + " ".join(escape(r) for r in curve.reasons))
        return
    show = st.info if curve.tentative else _FIRM.get(curve.verdict, st.info)
    show(f"**{escape(title)}.**\n\n{reasons}", icon=":material/show_chart:")


def _points_table(curve: LearningCurve) -> None:
    metric = curve.metric
    what = "Checkpoint" if curve.source == "history" else "Runs averaged"
    rows = [{"Training examples": f"{p.size:,}", "Training": metric.format(p.train),
             "Dev": metric.format(p.dev), what: ", ".join(p.runs)[:300]}
            for p in curve.points]
    with st.expander(f"The {len(rows)} points"):
        st.table(pd.DataFrame(rows).set_index("Training examples"))
        if curve.skipped:
            st.caption("Not drawn (no training-set size or level): "
                       + escape(", ".join(curve.skipped)))
