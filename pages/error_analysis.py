"""Error analysis: per-example predictions, seeded review samples, the tagging grid, and
which cause of error to attack first (docs/rules.md §4), whether to fix labels (4.5), and whether
the eyeball dev set is overfit."""

import streamlit as st

from strategy_core.markdown import escape
from strategy_core.usecases import runs as run_usecases
from ui import cache, optimization, session
from ui import error_analysis as pieces
from ui import error_analysis_grid as grid
from ui import error_analysis_inputs as inputs

store = session.store()
project = session.require_project()

st.title("Error analysis")
st.caption(f"Project **{escape(project.name)}**: look at a random sample of the dev examples "
           "a run got wrong, tag each by cause, and see which fix is worth the most.")

runs = cache.shared(run_usecases.runs, store, project.id)
runs_by_key = {run.key: run for run in runs}
sets = pieces.prediction_sets(store, project.id)
samples = pieces.samples(store, project.id)

if not runs or (not sets and not samples):
    pieces.empty_state(bool(runs))
    if not runs or not store.can_write:
        st.stop()
    upload, sheet = st.tabs(["Predictions", "Import a tag sheet"])
    with upload:
        inputs.predictions_section(store, project, runs, sets)
    with sheet:
        inputs.import_sheet(store, project, runs, samples)
    optimization.section(store, project, runs)  # docs/rules.md §22
    st.stop()

sample = pieces.pick_sample(samples, runs_by_key)
if sample is None:
    st.info("No review sample yet: draw one from a run's mistakes under **New sample**.",
            icon=":material/casino:")

tab_names = ["Summary", "Tag examples", "Mislabeled data", "Eyeball / blackbox",
             "New sample", "Predictions"]
if sample is None:
    tab_names = ["New sample", "Predictions"]
if not store.can_write:
    tab_names = [name for name in tab_names if name != "New sample"]
tabs = dict(zip(tab_names, st.tabs(tab_names), strict=True))

if sample is not None:
    result = pieces.analysis(store, sample.id)
    with tabs["Summary"]:
        pieces.summary_section(store, project, sample, result)
    with tabs["Tag examples"]:
        grid.tagging_section(store, project, sample)
        pieces.manage_sample(store, sample)
    with tabs["Mislabeled data"]:
        pieces.mislabel_section(store, project, sample, result, samples)
    with tabs["Eyeball / blackbox"]:
        pieces.eyeball_section(store, sample)

if "New sample" in tabs:
    with tabs["New sample"]:
        st.subheader("Draw a sample of mistakes")
        inputs.draw_sample(store, project, runs, sets)
        st.divider()
        inputs.import_sheet(store, project, runs, samples)

with tabs["Predictions"]:
    inputs.predictions_section(store, project, runs, sets)

optimization.section(store, project, runs)  # docs/rules.md §22
