"""Overview: the project's position at a glance — the newest run's focus and gaps, the
orthogonalization chain, a status paragraph to paste into an update, and the way to every
other page."""

import streamlit as st

from strategy_core.charts.diagnosis import staircase_chart
from strategy_core.checklist import evaluate_chain
from strategy_core.diagnosis import trend_summary
from strategy_core.markdown import escape
from ui import charts, overview, session
from ui import diagnosis as pieces

store = session.store()
project = session.require_project()

st.title("Overview")
st.caption(f"Project **{escape(project.name)}**: where the project stands and what the team "
           "should work on next.")

runs = pieces.runs(store, project.id)
status = pieces.status(store, project)
if not runs:
    pieces.no_runs(project.name, key="overview")
    overview.status_box(status)
    overview.across_the_project(status, project)
    st.subheader("Pages")
    overview.page_links(project)
    st.stop()

every_run = pieces.diagnoses(store, project.id)
saved = pieces.settings(store, project.id)
newest = every_run[-1]
chain = evaluate_chain(newest.decomposition, saved.tolerance, saved.real_world)

overview.headline(every_run, chain)
overview.status_box(status)
overview.across_the_project(status, project)

chart_column, chain_column = st.columns([3, 2], gap="large")
with chart_column:
    levels_word = ("Error levels" if newest.decomposition.metric.is_error_rate else
                   f"{newest.decomposition.metric.name} levels")
    st.markdown(f"**{escape(levels_word)} of the newest run, {escape(newest.run.name)}**")
    charts.show(staircase_chart, newest.decomposition, height=260, key="overview_staircase")
    trend = trend_summary(every_run)
    if trend:
        st.caption(escape(trend))
with chain_column:
    st.markdown("**Orthogonalization chain** (tolerance "
                f"{saved.tolerance * 100:g} points)")
    overview.chain_at_a_glance(chain)

st.subheader("Pages")
overview.page_links(project)
