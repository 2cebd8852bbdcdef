"""The split planner's choices about its sources (docs/rules.md §23; MLY ch. 37–39): the
extra columns of the sources table (use it, weight β, inconsistent with the target), the
model's capacity, and what the planner says about them. The rules decide; this module asks
and shows."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from strategy_core.markdown import escape
from strategy_core.sizing import PlanInputs
from strategy_core.sizing.source_choices import CAPACITIES, WHEN_DATA_HURTS, ChosenPlan
from ui.sizing import bullets

CHOICE_COLUMNS = ("use", "weight", "inconsistent")


def editor_frame(saved: PlanInputs) -> pd.DataFrame:
    """The sources table as saved: counts, whether each is used, its β, its flag."""
    weights = dict(saved.weights)
    return pd.DataFrame(
        [{"source": name, "count": count, "use": name not in saved.excluded,
          "weight": weights.get(name), "inconsistent": name in saved.inconsistent}
         for name, count in saved.sources],
        columns=["source", "count", *CHOICE_COLUMNS]).astype({"weight": "float64"})


def choice_columns() -> dict[str, object]:
    return {
        "use": st.column_config.CheckboxColumn(
            "Use", default=True,
            help="Untick to leave the source out of the split (MLY ch. 37–38)."),
        "weight": st.column_config.NumberColumn(
            "Weight β", min_value=0.0, format="%g",
            help="How much each of its examples counts in the training objective (blank: "
                 "1). β < 1 down-weights data unlike the target (MLY ch. 39)."),
        "inconsistent": st.column_config.CheckboxColumn(
            "Inconsistent with target", default=False,
            help="The same input gets a different label in this source than in the target "
                 "(MLY ch. 38: house prices of another city)."),
    }


def capacity_input(saved: PlanInputs, token: str) -> str:
    names = list(CAPACITIES)
    return st.selectbox(
        "Is the model big enough to fit every source?", names,
        index=names.index(saved.capacity) if saved.capacity in names else 0,
        format_func=CAPACITIES.get, key=f"sizing_plan_capacity_{token}",
        help=WHEN_DATA_HURTS)


def show_choices(chosen: ChosenPlan) -> None:
    """Warnings, what was left out, each kept source's weight and share of the objective,
    and when adding data hurts."""
    for warning in chosen.warnings:
        st.warning(escape(warning), icon=":material/warning:")
    st.markdown("**Data to leave out or weight**")
    table = pd.DataFrame({"weight β": chosen.weights,
                          "share of the objective": {k: v * 100 for k, v in
                                                     chosen.objective_share.items()}})
    st.dataframe(table, key="sizing_plan_weights", column_config={
        "weight β": st.column_config.NumberColumn("Weight β applied", format="%.4g"),
        "share of the objective": st.column_config.NumberColumn(
            "Share of the training objective", format="%.1f%%")})
    bullets(chosen.advice)
