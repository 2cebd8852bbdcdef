"""The sizing page's split planner for mismatched sources and the check that dev and test
come from the same distribution (docs/rules.md §6). The planner's inputs are saved per project so
the whole team sees the same plan."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import streamlit as st

from strategy_core.charts.sizing import SPLIT_LABELS, allocation_chart, source_mix_chart
from strategy_core.errors import InputError, StrategyError
from strategy_core.markdown import escape
from strategy_core.rates import format_pct
from strategy_core.runs import Run
from strategy_core.sizing import (
    FORMULAS,
    PlanInputs,
    SplitPlan,
    compare_distributions,
    plan_inputs,
    plan_split,
    source_counts_from_rows,
)
from strategy_core.sizing.planner import inputs_of
from strategy_core.sizing.source_choices import choices_from_rows, plan_with_choices
from strategy_core.store import Store
from strategy_core.store.projects import Project
from strategy_core.usecases import sizing as usecase
from ui import cache, charts, sizing_sources, stale_edits, widgets
from ui.session import flash
from ui.sizing import attempt, bullets, runs_with_predictions, source_counts

FROM_PREDICTIONS = "From uploaded predictions"
PLAN_EDITOR = "sizing_plan_editor"
ENTERED = "Enter counts"
WHERE = {
    "none": "Nothing saved for this project yet: prefilled with 200,000 web images and 10,000 "
            "phone (mobile) images, target mobile. Edit the table to your own sources.",
    "saved": "The plan saved for this project; the whole team sees it.",
    "unreadable": "The saved plan could not be read, so the example is shown; save again to "
                  "replace it.",
}


def saved_plan(store: Store, project_id: int) -> tuple[PlanInputs, str, int]:
    """The team's saved planner inputs, else the docs/rules.md example; a line saying which; and the
    setting's edit version (0 while nothing is saved)."""
    plan = cache.read(usecase.saved_plan, store, project_id)
    return plan.inputs, WHERE[plan.state], plan.version


def _describe_plan(raw: object) -> str:
    try:
        inputs = plan_inputs(raw)
    except InputError:
        return "a plan this app cannot read"
    sources = ", ".join(f"{name} {count:,}" for name, count in inputs.sources)
    return f"sources {sources}; target {inputs.target}"


def _token(inputs: PlanInputs) -> str:
    """Widget keys carry the saved plan's fingerprint: a new save resets the inputs."""
    text = json.dumps(inputs.as_setting(), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def planner(store: Store, project: Project) -> SplitPlan | None:
    """Sources and target in, allocation to train / train-dev / dev / test out."""
    current = saved_plan(store, project.id)
    remembered = st.session_state.get(f"{PLAN_EDITOR}_opened_version")
    # The editor keeps the plan it was opened with until it is saved or reloaded.
    saved, where, _version = stale_edits.opened_version(
        PLAN_EDITOR, current,
        f"sizing_plan_sources_{_token(remembered[0])}" if remembered else None)
    token = _token(saved)
    st.latex(FORMULAS["plan"])
    st.caption(escape(where))
    left, right = st.columns([2, 3])
    with left:
        edited = st.data_editor(
            sizing_sources.editor_frame(saved),
            key=f"sizing_plan_sources_{token}", num_rows="dynamic", hide_index=True,
            column_config={
                "source": st.column_config.TextColumn("Source", required=True, max_chars=80),
                "count": st.column_config.NumberColumn("Examples", min_value=0, step=1,
                                                       format="localized", required=True),
                **sizing_sources.choice_columns(),
            })
        counts = attempt(lambda: source_counts_from_rows(edited.to_dict("records"),
                                                          ("count",))["count"])
        if not counts:
            if counts is not None:
                st.info("Add at least one source with its number of examples.")
            return None
        names = list(counts)
        target = st.selectbox(
            "Target: the data the product will see", names, key=f"sizing_plan_target_{token}",
            index=names.index(saved.target) if saved.target in names else len(names) - 1)
        capacity = sizing_sources.capacity_input(saved, token)
        choices = attempt(lambda: choices_from_rows(edited.to_dict("records"), target,
                                                    capacity))
        if choices is None:
            return None
        dev = test = None
        default = attempt(lambda: plan_split(counts, target))
        if default is None:
            return None
        custom = st.toggle("Choose the dev and test sizes", key=f"sizing_plan_custom_{token}",
                           value=saved.dev is not None or saved.test is not None)
        if custom:
            cols = st.columns(2)
            dev = cols[0].number_input(
                "Dev examples", min_value=0, step=100, key=f"sizing_plan_dev_{token}_{target}",
                value=saved.dev if saved.dev is not None else default.dev[target])
            test = cols[1].number_input(
                "Test examples", min_value=0, step=100, key=f"sizing_plan_test_{token}_{target}",
                value=saved.test if saved.test is not None else default.test[target])
            dev, test = int(dev or 0), int(test or 0)
    inputs = PlanInputs(tuple(counts.items()), target, dev, test, *inputs_of(choices, counts))
    chosen = attempt(lambda: plan_with_choices(counts, target, dev, test, choices))
    plan = None if chosen is None else chosen.plan
    with right:
        if plan is None:
            return None
        _show_plan(plan)
    _plan_metrics(plan)
    st.success(escape(chosen.verdict), icon=":material/call_split:")  # type: ignore[union-attr]
    bullets(plan.reasons)
    sizing_sources.show_choices(chosen)  # type: ignore[arg-type]
    _save_controls(store, project, plan, inputs, saved)
    return plan


def _show_plan(plan: SplitPlan) -> None:
    """The allocation table (every row adds up to the source's count) and its chart."""
    table = pd.DataFrame({label: getattr(plan, field) for field, label in SPLIT_LABELS.items()})
    table["total"] = table.sum(axis=1)
    table.loc["Total"] = table.sum(axis=0)
    st.dataframe(table, key="sizing_plan_table",
                 column_config={c: st.column_config.NumberColumn(c, format="localized")
                                for c in table.columns})
    shares = st.segmented_control("Bars show", ["shares", "counts"], default="shares",
                                  key="sizing_plan_bars", required=True) == "shares"
    charts.show(allocation_chart, plan, shares=shares)


def _plan_metrics(plan: SplitPlan) -> None:
    target = plan.target
    dev, test = plan.dev[target], plan.test[target]
    cols = st.columns(3)
    cols[0].metric("Dev and test, target only", f"{dev:,} each" if dev == test else
                   f"{dev:,} / {test:,}")
    others = sum(plan.shuffle_dev.values()) - plan.shuffle_dev[target]
    cols[1].metric("Target share if shuffled", format_pct(plan.shuffle_target_share),
                   help=f"A plain shuffle of all sources would put about {others:,} of "
                        f"{dev:,} dev examples from other sources.")
    cols[2].metric("β for other sources", "–" if plan.beta is None else f"{plan.beta:.4g}",
                   help="Weight each non-target training example's loss by β so the target "
                        "counts as much as all other training data together.")


def _save_controls(store: Store, project: Project, plan: SplitPlan, inputs: PlanInputs,
                   saved: PlanInputs) -> None:
    frame = pd.DataFrame({label: getattr(plan, field) for field, label in SPLIT_LABELS.items()})
    frame.insert(0, "source", frame.index)
    widgets.safe_download(frame, f"{project.slug}-split-plan.csv", "Download the plan (CSV)",
                          key="sizing_plan_download")
    if not store.can_write:
        return
    def write(expected: int | None) -> None:
        usecase.save_plan(store, project.id, inputs, expected=expected)

    done = "Split plan saved: everyone on this project now sees it."
    # (Its widgets' keys carry the opened plan's fingerprint: loading theirs renews them.)
    if stale_edits.show_conflict(PLAN_EDITOR, write, saved=done,
                                 theirs=lambda current: _describe_plan(current[0]),
                                 version_of=stale_edits.setting_version):
        pass
    elif inputs != saved or cache.read(usecase.saved_plan, store, project.id).state == "none":
        if inputs != saved:
            st.caption("These inputs differ from the saved plan.")
        if st.button("Save this plan for the team", key="sizing_plan_save",
                     icon=":material/save:"):
            try:
                if stale_edits.save(PLAN_EDITOR, write,
                                    st.session_state[f"{PLAN_EDITOR}_opened_version"][2]):
                    flash(done)
            except StrategyError as exc:
                st.error(escape(exc))
                return
            st.rerun()
    numbers = {"sources": dict(inputs.sources), "target": inputs.target, **plan.as_dict()}
    widgets.record_decision(store, project, "sizing", plan.verdict, numbers, key="sizing_plan")


def same_distribution(store: Store, project: Project, runs: list[Run],
                      plan: SplitPlan | None) -> None:
    """Per-source counts of dev and test, entered or from predictions; chi-square."""
    st.latex(FORMULAS["chi_square"])
    with_predictions = set(runs_with_predictions(store, project.id))
    uploaded = [run for run in runs if run.key in with_predictions]
    mode = ENTERED
    if uploaded:
        mode = st.segmented_control("Counts", [FROM_PREDICTIONS, ENTERED],
                                    default=FROM_PREDICTIONS, key="sizing_dist_mode",
                                    required=True)
    if mode == FROM_PREDICTIONS:
        by_key = {run.key: run for run in uploaded}
        key = st.selectbox("Run whose predictions to count", list(by_key),
                           index=len(by_key) - 1, key="sizing_dist_run",
                           format_func=lambda k: by_key[k].name)
        per_split = source_counts(store, project.id, key)
        dev, test = dict(per_split.get("dev", {})), dict(per_split.get("test", {}))
        if not dev or not test:
            st.info("This run's predictions need both dev and test examples (the `split` "
                    "column) to compare their sources.")
            return
        names = list(dict.fromkeys([*dev, *test]))
        st.dataframe(pd.DataFrame({"dev": [dev.get(n, 0) for n in names],
                                   "test": [test.get(n, 0) for n in names]}, index=names),
                     key="sizing_dist_counts_table",
                     column_config={c: st.column_config.NumberColumn(c, format="localized")
                                    for c in ("dev", "test")})
    else:
        rows = _prefill(plan)
        st.caption("Examples per source in the dev set and in the test set, prefilled from the "
                   "split planner: replace them with the counts of your actual sets. Uploaded "
                   "predictions with a `source` column are counted automatically.")
        edited = st.data_editor(
            pd.DataFrame(rows, columns=["source", "dev", "test"]),
            key=f"sizing_dist_counts_{hashlib.sha256(repr(rows).encode()).hexdigest()[:8]}",
            num_rows="dynamic", hide_index=True,
            column_config={
                "source": st.column_config.TextColumn("Source", required=True, max_chars=80),
                "dev": st.column_config.NumberColumn("Dev", min_value=0, step=1,
                                                     format="localized"),
                "test": st.column_config.NumberColumn("Test", min_value=0, step=1,
                                                      format="localized"),
            })
        parsed = attempt(lambda: source_counts_from_rows(edited.to_dict("records"),
                                                          ("dev", "test")))
        if parsed is None:
            return
        dev, test = parsed["dev"], parsed["test"]
    check = attempt(lambda: compare_distributions(dev, test))
    if check is None:
        return
    if check.warning:
        st.warning(escape(check.warning), icon=":material/warning:")
    else:
        st.success("Dev and test have the same mix of sources (no evidence of a difference at "
                   "the 5% level).", icon=":material/check_circle:")
    bullets(check.reasons)
    charts.show(source_mix_chart, check)


def _prefill(plan: SplitPlan | None) -> list[dict[str, object]]:
    """The planner's dev and test counts, so the check starts from the team's plan."""
    if plan is None:
        return [{"source": "mobile", "dev": 2_500, "test": 2_500}]
    return [{"source": name, "dev": plan.dev[name], "test": plan.test[name]}
            for name in plan.dev if plan.dev[name] or plan.test[name]]
