"""The Diagnosis page's six-box table (docs/rules.md §21; MLY ch. 41) for the chosen run:
the boxes, what each pair of boxes measures, and the two boxes the runs do not hold (human
level on the dev/test distribution; the run's level on dev/test examples it trained on),
recorded here. The use case reads, computes and saves; this module asks and shows."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from strategy_core.diagnosis import format_interval
from strategy_core.diagnosis.six_box import BOXES, COLUMNS, ROWS
from strategy_core.errors import ConflictError, InputError, StrategyError
from strategy_core.markdown import escape
from strategy_core.runs import Run
from strategy_core.store import Store
from strategy_core.store.projects import Project
from strategy_core.usecases import six_box as usecase
from ui import cache, widgets
from ui.session import flash

KEY = "diagnosis_six_box"


def section(store: Store, project: Project, run: Run) -> None:
    """The chosen run's six boxes, the gaps, and the two editable boxes."""
    answer = cache.read(usecase.six_box_table, store, project.id, run.name)
    table = answer.table
    metric = table.metric
    st.caption(f"Run **{escape(run.name)}**. The rows: human level; the model's "
               f"{'error' if metric.is_error_rate else escape(metric.name)} on examples it "
               "trained on; on examples it did not. Box A is the project's human level (its "
               "Bayes proxy"
               + (f", {escape(answer.human_label)}" if answer.human_label else "") + ").")
    cells = {row: {COLUMNS[box.column]: f"{box.label[-2]}: "
                   f"{metric.format(getattr(table.levels, box.name))}"
                   for box in BOXES if box.row == row} for row in ROWS}
    st.table(pd.DataFrame.from_dict(cells, orient="index").rename(index=ROWS))
    # Static tables: the page's one interactive table stays the every-run table.
    rows = [{"Pair": g.label, "Boxes": g.formula, "Gap": metric.format_gap(g.value),
             "95% interval": "–" if g.interval is None else format_interval(g.interval,
                                                                             metric),
             "What it measures": g.sentence.split(": ", 1)[-1] if g.value is not None
             else g.sentence}
            for g in table.gaps]
    st.table(pd.DataFrame(rows).set_index("Pair"))
    for note in table.notes:
        st.info(escape(note), icon=":material/grid_view:")
    if table.to_record:
        st.caption("To fill the empty boxes: " + " ".join(escape(t) for t in table.to_record))
    if store.can_write:
        _editors(store, project, run, answer)


def _editors(store: Store, project: Project, run: Run, answer: usecase.SixBoxAnswer) -> None:
    metric = widgets.metric_of(store, project)
    target, trained = answer.human_target, answer.trained_target
    with st.expander("Record box B and box D", icon=":material/edit:"):
        left, right = st.columns(2)
        with left, st.form(f"{KEY}_b_form", border=False):
            typed_b = st.text_input(
                "B: human level on the dev/test distribution", key=f"{KEY}_b",
                value=widgets.level_field(None if target is None else target.level, metric),
                help="Have people label a sample of dev/test data; empty clears it.")
            if st.form_submit_button("Save box B"):
                _save(lambda: usecase.save_human_target(
                    store, project.id, widgets.parse_level_field(typed_b, "Box B", metric),
                    expected=0 if target is None else target.version), "Box B saved.")
        with right, st.form(f"{KEY}_d_form", border=False):
            typed_d = st.text_input(
                f"D: {run.name[:40]} on dev/test examples it trained on",
                key=f"{KEY}_d_{run.key}",
                value=widgets.level_field(None if trained is None else trained.level, metric),
                help="Put a small share of dev/test data into the training set and measure "
                     "the model on it; empty clears it.")
            n = st.number_input("Examples D is measured on (optional)", min_value=1, step=1,
                                value=None if trained is None else trained.n,
                                key=f"{KEY}_n_{run.key}")
            if st.form_submit_button("Save box D"):
                _save(lambda: usecase.save_trained_target(
                    store, project.id, run.key, widgets.parse_level_field(typed_d, "Box D",
                                                                          metric),
                    None if n is None else int(n),
                    expected=0 if trained is None else trained.version), "Box D saved.")


def _save(write, done: str) -> None:  # noqa: ANN001 - a closure over the typed values
    try:
        write()
    except ConflictError as exc:
        st.error(f"Not saved: {escape(exc)}. Reload the page to see theirs.",
                 icon=":material/sync_problem:")
        return
    except (InputError, StrategyError) as exc:
        st.error(escape(exc))
        return
    for name in [k for k in st.session_state if str(k).startswith(f"{KEY}_")]:
        st.session_state.pop(name, None)
    flash(done)
    st.rerun()
