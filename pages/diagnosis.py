"""Human-level & bias/variance: a run's gaps (docs/rules.md §1), the focus and what to try, the
error
staircase, each gap's trend across runs, and every run's decomposition."""

import streamlit as st

from strategy_core.charts.diagnosis import TREND_MAX_RUNS, staircase_chart, trend_chart
from strategy_core.diagnosis import (
    GAP_NAMES,
    focus_verdict,
    runner_up_note,
    trend_summary,
)
from strategy_core.markdown import escape
from ui import cache, charts, learning_curve, session, six_box, widgets
from ui import diagnosis as pieces

store = session.store()
project = session.require_project()

st.title("Human-level & bias/variance")
metric = widgets.metric_of(store, project)
st.caption(f"Where the gap to human level comes from: compare training, training-dev, dev and "
           f"test {metric.shown().name} with human level, and work on the largest gap first. "
           f"Metric: {escape(metric.describe())}.")

runs = pieces.runs(store, project.id)
levels = pieces.human_levels(store, project.id)
if not runs:
    pieces.no_runs(project.name, key="diagnosis")
    st.subheader("Human levels")
    widgets.human_levels_editor(store, project, key="diagnosis_human")
    st.stop()

every_run = pieces.diagnoses(store, project.id)
pick, proxy = st.columns([2, 3], vertical_alignment="bottom")
with pick:
    chosen = every_run[pieces.pick_run(project.id, runs, key="diagnosis_run")]
proxy.markdown(pieces.proxy_caption(levels, metric))
result = chosen.decomposition
verdict = focus_verdict(result, chosen.run.name)

pieces.focus_box(result, verdict, runner_up_note(result))
st.caption(f"The focus is the largest gap above the project's tolerance of "
           f"{result.metric.format_gap(result.tolerance)} (set on the checklist page, which "
           "marks the same link), ties going to the earlier gap.")
pieces.gap_cards(result)
if result.significance_note:
    st.info(result.significance_note, icon=":material/query_stats:")
else:
    st.caption("No set sizes are recorded for this run, so the gaps have no intervals: add "
               "the number of examples in each split (Runs page) to see which gaps could be "
               "noise.")

chart_column, todo_column = st.columns([3, 2], gap="large")
with chart_column:
    st.markdown(f"**{escape(metric.shown().name)}, human → test**")
    charts.show(staircase_chart, result, key="diagnosis_staircase")
    st.caption("Each column is an error level; its coloured top is the gap from the level "
               "before (avoidable bias, variance, data mismatch, dev overfitting). Whiskers: "
               "the gap's 95% interval, drawn from the level before. A faded top is a "
               "negative gap.")
with todo_column:
    st.markdown("**What to try**" if result.choice.decided else "**Next step**")
    st.markdown("\n".join(f"- {action}" for action in result.actions))
    for text in result.not_helpful:
        st.caption(text)
    pieces.flags(result)

widgets.record_decision(store, project, "diagnosis", verdict,
                        pieces.decomposition_numbers(chosen), key="diagnosis")

st.subheader("Trend across runs")
if len(every_run) < 2:
    st.caption("One run so far: the trend of each gap appears from the second run on.")
else:
    trend = trend_summary(every_run)
    if trend:
        st.markdown(escape(trend))
    charts.show(trend_chart, every_run, pieces.change_marks(store, project.id),
                key="diagnosis_trend", cache_key=cache.key(store, project.id))
    shown_runs = ("" if len(every_run) <= TREND_MAX_RUNS else
                  f" Showing the newest {TREND_MAX_RUNS} of {len(every_run)} runs.")
    st.caption("Each gap over the runs, oldest to newest. The big dot on each run is its "
               "focus; shaded bands are 95% intervals where set sizes are known. Did last "
               f"month's work move the gap it targeted?{shown_runs}")

st.subheader("Every run")
table = pieces.decomposition_frame(store, project.id)
shown = widgets.scaled(table, ["human", "train", "train_dev", "dev", "test", *GAP_NAMES],
                       result.metric)
st.dataframe(shown, hide_index=True, key="diagnosis_table",
             column_config=pieces.table_columns(result.metric))
st.caption(f"{len(table)} runs, oldest first, against human level "
           f"{pieces.proxy_short(levels, metric)}. Gaps in "
           f"{'percentage points' if result.metric.percent else escape(result.metric.axis_title)}"
           ", signed so that a positive gap is room to improve.")
widgets.safe_download(table, f"{project.slug}-diagnosis.csv", "Download decompositions (CSV)",
                      key="diagnosis_download", cache_key=cache.key(store, project.id))

st.subheader("Human levels")
widgets.human_levels_editor(store, project, key="diagnosis_human")

st.subheader("Learning curve and six-box table")  # docs/rules.md §20, §21
curve_tab, six_box_tab = st.tabs(["Learning curve", "Six-box table"], key="diagnosis_canon")
with curve_tab:
    learning_curve.section(store, project)
with six_box_tab:
    six_box.section(store, project, chosen.run)
