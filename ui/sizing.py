"""The sizing page's calculators: can the dev set tell two runs apart, interval width,
size to detect a difference, eyeball set and split ratios (docs/rules.md §6).

The project's runs ranked by dev error and the reads of per-example predictions go through
`ui.cache` (keyed on the data version, so any save shows on everyone's next rerun).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from strategy_core.charts.sizing import half_width_chart, separation_chart
from strategy_core.errors import InputError
from strategy_core.markdown import escape
from strategy_core.rates import format_pct, format_points
from strategy_core.runs import Run
from strategy_core.settings import REPO_ROOT
from strategy_core.sizing import (
    FORMULAS,
    PAIRED_VS_UNPAIRED,
    CalculatorDefaults,
    compare_runs,
    detect_size,
    error_interval,
    eyeball_advice,
    eyeball_size,
    half_width_profile,
    smallest_detectable_difference,
    split_sizes,
)
from strategy_core.store import Store
from strategy_core.store.projects import Project
from strategy_core.usecases import sizing as usecase
from strategy_core.values.project_metric import ProjectMetric
from ui import cache, charts, widgets

T = TypeVar("T")
SAMPLE_RUNS = REPO_ROOT / "data" / "samples" / "runs_generic.csv"
CONFIDENCES = (0.90, 0.95, 0.99)


# --- reads ------------------------------------------------------------------------------------


def runs_with_predictions(store: Store, project_id: int) -> list[int]:
    """Keys of the runs that have per-example predictions uploaded."""
    return cache.read(usecase.runs_with_predictions, store, project_id)


def disagreement(store: Store, project_id: int, run_a: Run, run_b: Run) -> Any | None:
    """Both runs' predictions on common dev examples, or None when either has none."""
    return cache.read(usecase.prediction_disagreement, store, project_id, run_a, run_b)


def source_counts(store: Store, project_id: int, run_key: int) -> dict[str, dict[str, int]]:
    """Per split, per source: how many examples a run's predictions hold."""
    return cache.read(usecase.source_counts, store, project_id, run_key)


def ranked_runs(store: Store, project: Project) -> list[Run]:
    """The project's runs with a dev error, best first: once per data version, shared by
    every session (never mutate it)."""
    return cache.shared(usecase.ranked_runs, store, project.id)


# --- small helpers for the calculators --------------------------------------------------------


def attempt(compute: Callable[[], T]) -> T | None:
    """Run a computation; bad input becomes a message in place, never a traceback."""
    try:
        return compute()
    except InputError as exc:
        st.error(escape(exc))
        return None


def _rate_input(label: str, value: float | None, key: str, help: str | None = None) -> str:
    return st.text_input(label, value=widgets.rate_field(label, value), key=key, help=help,
                         placeholder="e.g. 3% or 0.03")


def bullets(reasons: tuple[str, ...] | list[str]) -> None:
    st.markdown("\n".join(f"- {escape(reason)}" for reason in reasons))


def source_caption(defaults: CalculatorDefaults, metric: ProjectMetric) -> str:
    """Where the calculators' starting values come from."""
    if defaults.run_name is None:
        return (f"No run with a dev error yet: the calculators start from an example "
                f"({format_pct(defaults.error)} error, {defaults.n_dev:,} dev examples). "
                "Upload runs on the Runs page to start from your own numbers.")
    size = f"{defaults.n_dev:,} dev examples" if defaults.n_dev_known else \
        f"dev size unknown, {defaults.n_dev:,} used as an example"
    if not metric.has_binomial_intervals:
        return (f"Newest run **{escape(defaults.run_name)}**: dev {escape(metric.name)} "
                f"{metric.format(defaults.error)}, {size}. The calculators for error rates "
                "(interval width, size to detect a difference, eyeball set) stay available "
                "for the error rates the team also tracks.")
    return (f"Starting values from the newest run, **{escape(defaults.run_name)}**: dev error "
            f"{format_pct(defaults.error)}, {size}.")


# --- can the dev set tell the two best runs apart? ------------------------------------------


def separation(store: Store, project: Project) -> None:
    """The opening question: is the dev set big enough to tell the two best runs apart?"""
    ranked = ranked_runs(store, project)
    if len(ranked) < 2:
        st.info("This needs two runs with a dev error and the dev set size. Upload a CSV of "
                "runs exported from MLflow, W&B or a notebook (or add runs by hand) on the "
                "Runs page; the two with the lowest dev error are compared here. Upload both "
                "runs' per-example predictions on the Error analysis page for the much "
                "sharper paired comparison.", icon=":material/upload_file:")
        left, right = st.columns(2)
        left.page_link("pages/runs.py", label="Go to Runs to upload",
                       icon=":material/table_chart:", query_params={"project": project.slug})
        right.download_button("Download a sample run CSV", SAMPLE_RUNS.read_bytes(),
                              file_name="runs_generic.csv", mime="text/csv",
                              key="sizing_sep_sample", icon=":material/download:",
                              on_click="ignore")
        return
    by_key = {run.key: run for run in ranked}
    label = {key: f"{run.name} ({format_pct(run.dev_error)})" for key, run in by_key.items()}
    left, right = st.columns(2)
    key_a = left.selectbox("Run", list(by_key), index=0, key="sizing_sep_run_a",
                           format_func=label.get, help="Default: the lowest dev error")
    others = [key for key in by_key if key != key_a]
    key_b = right.selectbox("Compared with", others, index=0, key="sizing_sep_run_b",
                            format_func=label.get, help="Default: the second-lowest dev error")
    run_a, run_b = by_key[key_a], by_key[key_b]

    paired = disagreement(store, project.id, run_a, run_b)
    kwargs: dict[str, Any] = {}
    if paired is not None and st.toggle(
            "Use the uploaded per-example predictions (paired)", value=True,
            key="sizing_sep_use_predictions",
            help="Both runs have predictions on the same dev examples: the errors and the "
                 "share of examples exactly one of them gets wrong come from them."):
        kwargs["predictions"] = paired
    else:
        left, right = st.columns(2)
        known = [run.n_dev for run in (run_a, run_b) if run.n_dev]
        n_dev = left.number_input("Dev set size", min_value=1, step=1, key="sizing_sep_n_dev",
                                  value=min(known) if known else None, placeholder="examples")
        psi_text = right.text_input(
            "Disagreement rate ψ (optional)", key="sizing_sep_psi",
            placeholder="e.g. 1.5%",
            help="Share of dev examples where the two runs give different answers. Upload "
                 "both runs' per-example predictions on the Error analysis page to compute "
                 "it; without it the unpaired size is used.")
        if n_dev is None:
            st.info("Enter the dev set size: the runs do not record it.")
            return
        kwargs["n_dev"] = int(n_dev)
        psi = attempt(lambda: widgets.parse_rate_field(psi_text, "Disagreement rate"))
        if psi is None and psi_text.strip():
            return
        kwargs["disagreement"] = psi
    comparison = attempt(lambda: compare_runs(run_a, run_b, **kwargs))
    if comparison is None:
        return
    check = comparison.check
    show = st.success if check.can_separate else st.warning
    show(escape(comparison.verdict), icon=":material/balance:")
    bullets(comparison.reasons)
    charts.show(separation_chart, comparison)
    if check.n_needed is not None:
        st.latex(FORMULAS["mcnemar" if check.method == "mcnemar" else "two_proportion"])
    worse = max(comparison.error_a, comparison.error_b)
    smallest = smallest_detectable_difference(worse, comparison.n_dev, comparison.disagreement)
    if smallest is not None:
        kind = "paired, at this disagreement rate" if comparison.disagreement is not None \
            else "unpaired"
        st.caption(f"With {comparison.n_dev:,} dev examples the smallest difference this dev "
                   f"set reliably detects at {format_pct(worse)} error is about "
                   f"{format_points(smallest, 2)} ({kind}; α 0.05, power 80%).")
    st.caption(f"Why paired and unpaired differ so much: {PAIRED_VS_UNPAIRED}")
    widgets.record_decision(store, project, "sizing", comparison.verdict, comparison.as_dict(),
                            key="sizing_sep")


# --- the calculators ------------------------------------------------------------------------


def interval(defaults: CalculatorDefaults) -> None:
    """Wilson interval of an error rate on n examples, and its half-width against n."""
    st.latex(FORMULAS["interval"])
    cols = st.columns(3)
    with cols[0]:
        error_text = _rate_input("Error rate", defaults.error, "sizing_ci_error")
    n = cols[1].number_input("Examples (n)", min_value=1, step=1, value=defaults.n_dev,
                             key="sizing_ci_n")
    confidence = cols[2].selectbox("Confidence", CONFIDENCES, index=1, key="sizing_ci_conf",
                                   format_func=lambda c: f"{c:.0%}")
    result = attempt(lambda: error_interval(error_text, int(n or 1), confidence))
    if result is None:
        return
    st.markdown(f"**{format_pct(result.low, 2)} – {format_pct(result.high, 2)}** "
                f"(± {format_points(result.half_width, 2)})")
    bullets(result.reasons)
    marked = defaults.n_dev if defaults.n_dev_known else int(n)
    profile = half_width_profile(result.error, marked, confidence)
    charts.show(half_width_chart, profile)
    st.caption("The half-width shrinks with 1/√n: four times the examples halve it. The "
               "marked point is the project's current dev set size.")


def detect(store: Store, project: Project, defaults: CalculatorDefaults) -> None:
    """Examples needed to detect a difference Δ: paired (McNemar) or unpaired."""
    ranked = ranked_runs(store, project)
    delta_default, psi_default = 0.005, None
    if len(ranked) >= 2 and ranked[1].dev_error - ranked[0].dev_error > 0:  # type: ignore[operator]
        delta_default = round(ranked[1].dev_error - ranked[0].dev_error, 6)  # type: ignore[operator]
        paired = disagreement(store, project.id, ranked[0], ranked[1])
        psi_default = None if paired is None else paired.rate
    cols = st.columns(3)
    with cols[0]:
        error_text = _rate_input("Current error (p₁)", defaults.error, "sizing_det_error",
                                 help="The better model would have p₁ − Δ.")
    with cols[1]:
        delta_text = _rate_input("Difference to detect (Δ)", delta_default, "sizing_det_delta",
                                 help="Default: the gap between the project's two best runs.")
    with cols[2]:
        psi_text = _rate_input(
            "Disagreement rate ψ (optional)", psi_default, "sizing_det_psi",
            help="Share of examples where the two models answer differently, on the same "
                 "set. Filled from uploaded predictions of the two best runs when present.")
    cols = st.columns(3)
    alpha = cols[0].selectbox("α (two-sided)", (0.01, 0.05, 0.10), index=1, key="sizing_det_alpha")
    power = cols[1].selectbox("Power", (0.8, 0.9, 0.95), index=0, key="sizing_det_power",
                              format_func=lambda p: f"{p:.0%}")
    psi = attempt(lambda: widgets.parse_rate_field(psi_text, "Disagreement rate"))
    if psi is None and psi_text.strip():
        return
    result = attempt(lambda: detect_size(error_text, delta_text, psi, alpha=alpha, power=power))
    if result is None:
        return
    st.latex(FORMULAS[result.method])
    how = "paired (McNemar), on the same set" if result.method == "mcnemar" else \
        "per set, two independent sets (unpaired)"
    st.markdown(f"**{result.n:,} examples** {how}.")
    bullets(result.reasons)
    if defaults.n_dev_known:
        enough = "enough" if defaults.n_dev >= result.n else "not enough"
        st.caption(f"The project's dev set has {defaults.n_dev:,} examples: {enough} for this "
                   "difference.")
    st.info(f"Why the two sizes differ so much: {PAIRED_VS_UNPAIRED}", icon=":material/info:")


def eyeball(defaults: CalculatorDefaults) -> None:
    """Eyeball dev set size to see a target number of mistakes."""
    st.latex(FORMULAS["eyeball"])
    cols = st.columns(2)
    with cols[0]:
        error_text = _rate_input("Dev error (E)", defaults.error, "sizing_eye_error")
    mistakes = cols[1].number_input("Mistakes to look at (m)", min_value=1, step=10, value=100,
                                    key="sizing_eye_mistakes")
    n = attempt(lambda: eyeball_size(error_text, int(mistakes or 1)))
    if n is not None:
        st.markdown(f"**{n:,} examples** in the eyeball dev set show about "
                    f"{int(mistakes):,} mistakes to analyse by hand; the rest of dev is the "
                    "blackbox set you only score.")
        advice = eyeball_advice(error_text, int(mistakes or 1), defaults.n_dev) \
            if defaults.n_dev_known else None
        if advice:
            st.warning(escape(advice))


def split_ratios(defaults: CalculatorDefaults) -> None:
    """Rule-of-thumb train/dev/test split for N examples."""
    st.latex(FORMULAS["split"])
    examples = st.number_input("Examples (N)", min_value=0, step=1000,
                               value=defaults.n_total or 10_000, key="sizing_split_n")
    result = attempt(lambda: split_sizes(int(examples or 0)))
    if result is None:
        return
    n = max(result.examples, 1)
    cols = st.columns(3)
    for col, name, count in zip(cols, ("Train", "Dev", "Test"),
                                (result.train, result.dev, result.test), strict=True):
        col.metric(name, f"{count:,}", f"{count / n:.1%}", delta_color="off",
                   delta_arrow="off")
    bullets(result.reasons[:1])
