"""The sizing page's calculator for a project metric that is no rate (docs/rules.md §17): how
precise a mean of per-example values is on n examples, and how many examples tell two
models apart, from the per-example standard deviation σ. The numbers come from the use
case; this module only asks and shows them in the project's metric."""

from __future__ import annotations

import streamlit as st

from strategy_core.markdown import escape
from strategy_core.project_metric import ProjectMetric
from strategy_core.sizing import (
    MEAN_FORMULAS,
    UNPAIRED_VS_PAIRED,
    CalculatorDefaults,
    amount_from_input,
    input_unit,
)
from strategy_core.store import Store
from strategy_core.store.projects import Project
from strategy_core.usecases import sizing as usecase
from ui import cache
from ui.sizing import CONFIDENCES, attempt, bullets

KEY = "sizing_mean"


def _amount(metric: ProjectMetric, label: str, key: str, help: str,
            placeholder: str = "optional") -> float | None:
    """A spread typed in the unit the metric reads in; None while empty."""
    unit = input_unit(metric)
    typed = st.number_input(f"{label} ({unit})" if unit else label, min_value=0.0,
                            value=None, step=None, format="%g", key=key, help=help,
                            placeholder=placeholder)
    return None if typed is None else amount_from_input(metric, float(typed))


def _inputs(metric: ProjectMetric, defaults: CalculatorDefaults,
            measured_sd: float | None) -> dict:
    cols = st.columns(3)
    with cols[0]:
        sd = _amount(metric, "Per-example σ", f"{KEY}_sd",
                     "Standard deviation of the per-example values of "
                     f"{metric.name} (one value per example: its absolute error, its loss…)."
                     + (" Empty: the σ measured from uploaded predictions." if measured_sd
                        else ""), placeholder="e.g. 2.0")
    n = cols[1].number_input("Examples (n)", min_value=2, step=1, value=max(defaults.n_dev, 2),
                             key=f"{KEY}_n", help="Per model when two models are compared.")
    confidence = cols[2].selectbox("Confidence", CONFIDENCES, index=1, key=f"{KEY}_conf",
                                   format_func=lambda c: f"{c:.0%}")
    cols = st.columns(3)
    with cols[0]:
        target = _amount(metric, "Target half-width", f"{KEY}_target",
                         "How precise the mean should be: the examples this needs.")
    with cols[1]:
        delta = _amount(metric, "Difference to detect (δ)", f"{KEY}_delta",
                        "A difference between two models' means: the examples it needs.")
    with cols[2]:
        paired = _amount(metric, "σ_d of differences (optional)", f"{KEY}_paired",
                         "When both models are scored on the same examples: the standard "
                         "deviation of their per-example differences (paired sizes).")
    cols = st.columns(3)
    alpha = cols[0].selectbox("α (two-sided)", (0.01, 0.05, 0.10), index=1,
                              key=f"{KEY}_alpha")
    power = cols[1].selectbox("Power", (0.8, 0.9, 0.95), index=0, key=f"{KEY}_power",
                              format_func=lambda p: f"{p:.0%}")
    return {"sd": sd, "n": int(n or 2), "confidence": confidence, "target_half_width": target,
            "delta": delta, "paired_sd": paired, "alpha": alpha, "power": power,
            "measured_sd": measured_sd}


def mean_metric(store: Store, project: Project, metric: ProjectMetric,
                defaults: CalculatorDefaults, measured_sd: float | None = None) -> None:
    """σ, n, target half-width, δ and σ_d in; half-width, sizes and detectable differences
    out, read in the project's metric. `measured_sd`: σ measured from uploaded per-example
    predictions, used when no σ is typed."""
    st.caption(f"The project's metric, {escape(metric.describe())}, is no rate: Wilson "
               "intervals do not apply. Its value is a mean of per-example values, so "
               "its precision follows from their standard deviation σ.")
    st.latex(MEAN_FORMULAS["half_width"])
    inputs = _inputs(metric, defaults, measured_sd)
    if inputs["sd"] is None and measured_sd is None:
        st.info("Enter the per-example standard deviation σ: the spread of the values the "
                f"mean {escape(metric.name)} averages, in its own units.",
                icon=":material/edit:")
        return
    answers = attempt(lambda: cache.read(usecase.mean_metric_plan, store, project.id,
                                         **inputs))
    if answers is None:
        return
    precision, detection = answers.plan.precision, answers.plan.detection
    if answers.sd_source == "measured":
        st.caption(f"σ measured from the uploaded per-example predictions: "
                   f"{metric.format_gap(precision.sd, _digits(metric, answers))}.")
    cols = st.columns(4)
    cols[0].metric(f"Half-width at n = {precision.n:,}",
                   f"±{metric.format_gap(precision.half_width, _digits(metric, answers))}")
    cols[1].metric("n for target half-width", "–" if precision.n_for_target is None
                   else f"{precision.n_for_target:,}")
    smallest = detection.paired_detectable if detection.method == "paired" \
        else detection.detectable
    cols[2].metric(f"Smallest detectable δ ({detection.method})",
                   metric.format_gap(smallest, _digits(metric, answers)))
    cols[3].metric(f"n to detect δ ({detection.method})",
                   "–" if detection.answer_n is None else f"{detection.answer_n:,}")
    bullets(answers.sentences())
    st.latex(MEAN_FORMULAS[detection.method])
    st.caption(f"Paired or unpaired: {UNPAIRED_VS_PAIRED}")


def _digits(metric: ProjectMetric, answers: usecase.MeanMetricAnswers) -> int:
    plan = answers.plan
    return metric.digits_for([plan.precision.half_width, plan.detection.detectable,
                              plan.detection.paired_detectable])
