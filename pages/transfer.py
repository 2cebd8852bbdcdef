"""Transfer or multi-task (docs/rules.md §8): both decision guides with their verdicts, the per-task
data table and the label coverage of an uploaded label matrix."""

import streamlit as st

from strategy_core.charts.guides import task_data_chart, transfer_chart
from strategy_core.guides import both_fit_note
from strategy_core.markdown import escape
from ui import guides, guides_transfer, session, widgets

store = session.store()
project = session.require_project()

st.title("Transfer or multi-task")
st.caption(f"Project **{escape(project.name)}**: learn from another task's data? Transfer "
           "learning pre-trains on task A and fine-tunes on task B; multi-task learning trains "
           "one network for several tasks at once.")
both_fit = st.empty()
transfer_tab, multitask_tab = st.tabs(["Transfer learning", "Multi-task learning"])

with transfer_tab:
    transfer = guides_transfer.transfer_guide(store, project)
    guides.verdict_section(transfer, transfer_chart,
                           "Bars: each task's labeled examples (log scale). Dashed line: the "
                           "least task A needs for transfer to pay off.")
    widgets.record_decision(store, project, "transfer", transfer.headline,
                            guides_transfer.transfer_numbers(transfer), key="tr_guide")

with multitask_tab:
    multitask = guides_transfer.multitask_guide(store, project)
    if multitask is not None:
        guides.verdict_section(multitask, task_data_chart)
        st.dataframe(guides_transfer.task_table(multitask), hide_index=True, key="mt_table",
                     column_config=guides_transfer.TASK_TABLE_COLUMNS)
        st.caption("Data per task is similar when, for each task, the other tasks together "
                   "have at least as much data.")
        widgets.record_decision(store, project, "transfer", multitask.headline,
                                guides_transfer.multitask_numbers(multitask), key="mt_guide")
    st.subheader("Label coverage", divider="gray")
    if store.can_write:
        guides_transfer.label_coverage_view()
    else:
        st.caption("Editors can upload a label matrix here to see label coverage per task.")

note = both_fit_note(transfer, multitask) if multitask is not None else None
if note:
    both_fit.info(note, icon=":material/lightbulb:")
