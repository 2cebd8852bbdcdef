"""Orthogonalization checklist: the five links of docs/rules.md §2 for a run, green / red / unknown
against the project's tolerance, the focus link (the diagnosis focus, §1) with its knobs, the
red links next, and the team's notes."""

import streamlit as st

from strategy_core.charts.diagnosis import chain_chart
from strategy_core.checklist import chain_verdict, evaluate_chain
from ui import charts, session, widgets
from ui import checklist as chain_ui
from ui import diagnosis as pieces

store = session.store()
project = session.require_project()

st.title("Orthogonalization checklist")
st.caption("Fix one link at a time: fit the training set, then generalize to training-dev, "
           "dev, test, and finally the real world. Work on the link with the largest gap "
           "above the tolerance (the diagnosis focus); the other red links come next.")

runs = pieces.runs(store, project.id)
if not runs:
    pieces.no_runs(project.name, key="checklist")
    st.stop()

every_run = pieces.diagnoses(store, project.id)
saved = pieces.settings(store, project.id)
pick, tolerance_column, proxy = st.columns([2, 1, 2], vertical_alignment="bottom")
with pick:
    chosen = every_run[pieces.pick_run(project.id, runs, key="checklist_run")]
with tolerance_column:
    tolerance = chain_ui.tolerance_input(store, project, saved)
proxy.markdown(pieces.proxy_caption(pieces.human_levels(store, project.id),
                                    widgets.metric_of(store, project),
                                    where="on the diagnosis page"))

chain = evaluate_chain(chosen.decomposition, tolerance, saved.real_world)
verdict = chain_verdict(chain, chosen.run.name)
chain_ui.verdict(chain, verdict)

charts.show(chain_chart, chain, key="checklist_chart")
st.caption("Each link's gap against the tolerance (dashed line): green at or under it, red "
           "above it, grey when it cannot be computed from this run.")
chain_ui.several_links_note()

widgets.record_decision(store, project, "checklist", verdict,
                        {"run": chosen.run.name, "tolerance": chain.tolerance,
                         **chain.as_dict()}, key="checklist")

st.subheader("The links")
for link in chain.links:
    chain_ui.link_card(store, project, link, chain, saved)
