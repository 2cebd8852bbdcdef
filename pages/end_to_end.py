"""End-to-end or pipeline (docs/rules.md §7): the guide's questions and verdict, and error analysis
by parts for an existing pipeline."""

import streamlit as st

from strategy_core.charts.guides import end_to_end_chart
from strategy_core.markdown import escape
from ui import guides, guides_parts, session, widgets

store = session.store()
project = session.require_project()

st.title("End-to-end or pipeline")
st.caption(f"Project **{escape(project.name)}**: learn x → y with one model, or split the "
           "task into steps? Then, for a pipeline you have, find the component that costs "
           "the most errors.")

guide_tab, parts_tab = st.tabs(["Guide", "Error analysis by parts"])

with guide_tab:
    result = guides.end_to_end_guide(store, project)
    guides.verdict_section(result, end_to_end_chart,
                           "Bars: the labeled (x, y) examples each complexity needs (the "
                           "rules of thumb above). Line: what you have.")
    widgets.record_decision(store, project, "end_to_end", result.headline,
                            guides.end_to_end_numbers(result), key="e2e_guide")

with parts_tab:
    st.caption("For each reviewed dev error, ask: which component, if its output were "
               "perfect, would have fixed the system's answer? The first such component takes "
               "the blame. The tally says where to work.")
    analysis = guides_parts.by_parts(store, project)
    if analysis is not None:
        widgets.record_decision(store, project, "end_to_end",
                                guides_parts.parts_verdict(analysis),
                                guides_parts.parts_numbers(analysis), key="e2e_parts")
