"""Dev/test sizing & splits: is the dev set big enough, how precise is an error, how many
examples to detect a difference, eyeball set, split ratios, and the planner for mismatched
sources (docs/rules.md §6)."""

import streamlit as st

from strategy_core.markdown import escape
from strategy_core.usecases import runs as run_usecases
from strategy_core.usecases import sizing as usecase
from ui import cache, session, sizing, sizing_mean, sizing_planner

store = session.store()
project = session.require_project()

st.title("Dev/test sizing & splits")
st.caption(f"Project **{escape(project.name)}**: is the dev set big enough to tell your "
           "models apart, and how should the data be split when training data and product "
           "data differ?")

runs = cache.shared(run_usecases.runs, store, project.id)
defaults = cache.read(usecase.defaults, store, project.id)
metric = cache.read(usecase.sizing_metric, store, project.id)
st.caption(sizing.source_caption(defaults, metric))

names = ["Tell the best runs apart", "Split planner", "Interval width",
         "Size to detect a difference", "Eyeball set & split ratios", "Same distribution"]
if not metric.has_binomial_intervals:  # a loss, an MAE, a WER: a mean of per-example values
    names[0] = "Mean metric"
tabs = st.tabs(names)
with tabs[0]:
    if metric.has_binomial_intervals:
        st.subheader("Is the dev set big enough to tell these two runs apart?")
        sizing.separation(store, project)
    else:
        st.subheader(f"How precise is {escape(metric.name)} on n examples, and how many "
                     "examples tell two models apart?")
        sizing_mean.mean_metric(store, project, metric, defaults)

with tabs[1]:
    st.subheader("Split several sources when the product sees only one")
    plan = sizing_planner.planner(store, project)

with tabs[2]:
    st.subheader("How precise is an error measured on n examples?")
    sizing.interval(defaults)

with tabs[3]:
    st.subheader("How many examples to detect a difference?")
    sizing.detect(store, project, defaults)

with tabs[4]:
    st.subheader("How big should the eyeball dev set be?")
    sizing.eyeball(defaults)
    st.subheader("How to split N examples from one distribution?")
    sizing.split_ratios(defaults)

with tabs[5]:
    st.subheader("Do dev and test come from the same distribution?")
    sizing_planner.same_distribution(store, project, runs, plan)
