"""The optimizing + satisficing part of the metrics page: the definition inputs (started
from the team's saved definition, else the suggestion), the verdict, the ranked tables,
the chart against one constrained metric, the trend with the change marks, and saving."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from strategy_core.charts.metrics import selection_chart, trend_chart
from strategy_core.errors import InputError, StrategyError
from strategy_core.markdown import escape
from strategy_core.metrics import (
    Objective,
    RunMetrics,
    Selection,
    SelectionDefinition,
    default_direction,
    is_rate_metric,
    parse_constraint,
)
from strategy_core.rates import format_pct
from strategy_core.runs import Run
from strategy_core.store import Store
from strategy_core.store.metric_log import SavedDefinition
from strategy_core.store.projects import Project
from strategy_core.usecases import metrics as usecase
from ui import cache
from ui import metrics as data
from ui.session import flash

OPS = ["<=", ">="]
OP_LABELS = {"<=": "≤ at most", ">=": "≥ at least"}
DIRECTION_LABELS = {"min": "Minimize (lower is better)", "max": "Maximize (higher is better)"}
K = "metrics_sel"  # widget-key prefix


def _token(definition: SelectionDefinition | None) -> str:
    return json.dumps(definition.as_setting() if definition else None, sort_keys=True)


def _load(definition: SelectionDefinition, saved: SavedDefinition | None) -> None:
    """Put a definition into the input widgets (before they are drawn in this run)."""
    state = st.session_state
    for key in [k for k in state if str(k).startswith(f"{K}_row_")]:
        del state[key]
    state[f"{K}_objective"] = definition.objective.metric
    state[f"{K}_direction"] = definition.objective.direction
    state[f"{K}_rows"] = list(range(len(definition.constraints)))
    state[f"{K}_next"] = len(definition.constraints)
    for i, constraint in enumerate(definition.constraints):
        state[f"{K}_row_metric_{i}"] = constraint.metric
        state[f"{K}_row_op_{i}"] = constraint.op
        state[f"{K}_row_value_{i}"] = constraint.threshold_text()
    state[f"{K}_started"] = _token(saved.definition if saved else None)


def _add_row(options: list[str]) -> None:
    state = st.session_state
    i = state[f"{K}_next"]
    state[f"{K}_next"] = i + 1
    used = {state.get(f"{K}_objective")} | {state.get(f"{K}_row_metric_{r}")
                                            for r in state[f"{K}_rows"]}
    state[f"{K}_row_metric_{i}"] = next((m for m in options if m not in used), options[0])
    state[f"{K}_row_op_{i}"] = "<="
    state[f"{K}_row_value_{i}"] = ""
    state[f"{K}_rows"] = [*state[f"{K}_rows"], i]


def _remove_row(i: int) -> None:
    st.session_state[f"{K}_rows"] = [r for r in st.session_state[f"{K}_rows"] if r != i]


def _objective_changed() -> None:
    metric = st.session_state[f"{K}_objective"]
    st.session_state[f"{K}_direction"] = default_direction(metric)


def definition_inputs(metrics: list[str], start: SelectionDefinition,
                      saved: SavedDefinition | None) -> tuple[SelectionDefinition | None,
                                                              list[str]]:
    """The objective and the thresholds; returns the definition (None if unusable) and the
    problems with what was typed."""
    state = st.session_state
    options = list(dict.fromkeys([*metrics, *start.metrics()]))
    fresh = f"{K}_objective" not in state or state[f"{K}_objective"] not in options
    if fresh or any(state.get(f"{K}_row_metric_{r}") not in options
                    for r in state.get(f"{K}_rows", [])):
        _load(start, saved)
    left, right = st.columns([3, 2])
    objective = left.selectbox("Metric to optimize", options, key=f"{K}_objective",
                               on_change=_objective_changed,
                               help="A run error field (dev_error, …) or any extra metric "
                                    "the runs record.")
    direction = right.radio("Direction", list(DIRECTION_LABELS), key=f"{K}_direction",
                            format_func=DIRECTION_LABELS.get, horizontal=True)
    st.markdown("**Thresholds** (satisficing metrics: each only has to be good enough)")
    problems: list[str] = []
    constraints = []
    for i in state[f"{K}_rows"]:
        c_metric, c_op, c_value, c_remove = st.columns([3, 2, 2, 1], vertical_alignment="bottom")
        metric = c_metric.selectbox("Metric", options, key=f"{K}_row_metric_{i}")
        op = c_op.selectbox("Must be", OPS, key=f"{K}_row_op_{i}", format_func=OP_LABELS.get)
        value = c_value.text_input("Threshold", key=f"{K}_row_value_{i}", max_chars=40,
                                   placeholder="100, or 5% for a rate")
        c_remove.button("Remove", key=f"{K}_row_remove_{i}", on_click=_remove_row, args=(i,),
                        icon=":material/delete:")
        if not value.strip():
            problems.append(f"The threshold for {metric} is blank, so it is not applied.")
            continue
        try:
            constraints.append(parse_constraint(f"{metric}{op}{value}"))
        except InputError as exc:
            problems.append(str(exc))
    st.button("Add a threshold", key=f"{K}_add", on_click=_add_row, args=(options,),
              icon=":material/add:")
    try:
        return SelectionDefinition(Objective(objective, direction), tuple(constraints)), problems
    except InputError as exc:
        return None, [*problems, str(exc)]


def definition_status(store: Store, project: Project, definition: SelectionDefinition,
                      saved: SavedDefinition | None) -> None:
    """Say whether what is shown is the team's saved definition, an edit, or a suggestion;
    offer to load the team's definition when someone else saved a new one meanwhile."""
    if _token(saved.definition if saved else None) != st.session_state.get(f"{K}_started"):
        who = f" by {escape(saved.saved_by)}" if saved and saved.saved_by else ""
        st.warning(f"The team's definition was changed{who} since you opened this page"
                   + (f": {escape(saved.definition.statement())}" if saved else "")
                   + " Saving your version is refused until you load theirs.",
                   icon=":material/sync_problem:")
        if st.button("Load the team's definition", key=f"{K}_reload"):
            st.session_state.pop(f"{K}_objective", None)
            st.rerun()
    elif saved is None:
        st.info("Suggested definition: nothing is saved yet. Adjust it, then save it below "
                "so the whole team ranks runs the same way.", icon=":material/lightbulb:")
    elif saved.definition == definition:
        when = f" on {saved.saved_at:%Y-%m-%d}" if saved.saved_at else ""
        who = f" by {escape(saved.saved_by)}" if saved.saved_by else ""
        st.caption(f":material/groups: This is the team's saved definition (saved{who}{when}).")
    else:
        st.info("You changed the team's definition on this page only"
                + (" (save it below to share it)." if store.can_write else "."),
                icon=":material/edit:")


def show_selection(store: Store, project: Project, definition: SelectionDefinition,
                   selection: Selection) -> None:
    """The verdict, then the feasible runs ranked, the infeasible and the missing ones
    (`selection` is the project's selection under `definition`: the tables are built once
    per data version and definition, not on every rerun)."""
    if selection.winner is not None:
        st.success(escape(selection.reasons[0]), icon=":material/emoji_events:")
    else:
        st.warning(escape(selection.reasons[0]), icon=":material/block:")
    objective = selection.objective.metric
    constrained = [c.metric for c in selection.constraints if c.metric != objective]
    shown = list(dict.fromkeys([objective, *constrained]))
    # Metric names come from uploads: columns get fixed names, the metric is the label.
    columns = {f"m{i}": metric for i, metric in enumerate(shown)}
    config = {key: data.metric_column(metric) for key, metric in columns.items()}
    feasible, infeasible, missing = cache.shared(_selection_tables, store, project.id,
                                                 definition, columns)
    a, b, c = st.columns(3)
    a.metric("Feasible runs", len(selection.feasible))
    b.metric("Infeasible runs", len(selection.infeasible))
    c.metric("Missing a metric", len(selection.missing))
    if feasible is not None:
        st.markdown("**Feasible runs, best first**")
        st.dataframe(feasible, hide_index=True, key=f"{K}_feasible",
                     column_config={
                         "rank": st.column_config.NumberColumn("Rank", width="small"),
                         "winner": st.column_config.TextColumn("", width="small"),
                         "run": st.column_config.TextColumn("Run", width="medium"), **config})
    if infeasible is not None:
        st.markdown("**Infeasible runs and the thresholds they miss**")
        st.dataframe(infeasible, hide_index=True, key=f"{K}_infeasible",
                     column_config={
                         "run": st.column_config.TextColumn("Run", width="medium"),
                         "misses": st.column_config.TextColumn("Misses", width="medium"),
                         **config})
    if missing is not None:
        st.markdown("**Runs that cannot be judged** (a metric the definition needs is not "
                    "recorded)")
        st.dataframe(missing, hide_index=True, key=f"{K}_missing", column_config={
            "run": st.column_config.TextColumn("Run"),
            "missing": st.column_config.TextColumn("Not recorded")})


def _selection_tables(store: Store, project_id: int, definition: SelectionDefinition,
                      columns: dict[str, str]) -> tuple[pd.DataFrame | None, ...]:
    """`_selection_frames` of the project's selection under `definition`."""
    selection = cache.shared(usecase.select, store, project_id, definition).selection
    return _selection_frames(selection, data.metric_runs(store, project_id).values, columns)


def _selection_frames(selection: Selection, runs: Sequence[RunMetrics],
                      columns: dict[str, str]) -> tuple[pd.DataFrame | None, ...]:
    """The feasible (ranked), infeasible and missing runs as the tables show them (None
    for an empty group); metric columns get fixed names (`columns`: name -> metric)."""
    values = {run.name: run.values for run in runs}
    rates = [key for key, metric in columns.items() if is_rate_metric(metric)]
    described = {str(c): c.describe() for c in selection.constraints}
    feasible = infeasible = missing = None
    if selection.feasible:
        feasible = data.percent(pd.DataFrame([{
            "rank": i, "winner": "★" if name == selection.winner else "", "run": name,
            **{key: values[name].get(metric) for key, metric in columns.items()}}
            for i, (name, _) in enumerate(selection.feasible, start=1)]), rates)
    if selection.infeasible:
        infeasible = data.percent(pd.DataFrame([{
            "run": name, "misses": ", ".join(described.get(v, v) for v in violations),
            **{key: values[name].get(metric) for key, metric in columns.items()}}
            for name, violations in selection.infeasible]), rates)
    if selection.missing:
        missing = pd.DataFrame([{"run": name, "missing": ", ".join(metrics)}
                                for name, metrics in selection.missing])
    return feasible, infeasible, missing


def show_chart(store: Store, project: Project, definition: SelectionDefinition,
               selection: Selection, runs: Sequence[RunMetrics], metrics: list[str]) -> None:
    """The optimizing metric against one other metric, thresholds and feasible region
    (`selection` and `runs` as for `show_selection`)."""
    objective = selection.objective.metric
    others = [m for m in metrics if m != objective]
    if not others:
        return
    constrained = [c.metric for c in selection.constraints if c.metric in others]
    default = constrained[0] if constrained else others[0]
    against = st.selectbox("Plot against", others, index=others.index(default),
                           key=f"{K}_against",
                           help="Threshold as a red dashed line; the shaded area meets every "
                                "threshold on these two axes; the dotted line is the Pareto "
                                "front.")
    data.shared_chart(_selection_spec, store, project.id, definition, against)
    unplaced = [run.name for run in runs
                if run.values.get(against) is None or run.values.get(objective) is None]
    if unplaced:
        st.caption(f"Not on the chart ({len(unplaced)} run{'s' if len(unplaced) != 1 else ''} "
                   f"without {escape(against)} or {escape(objective)}): "
                   f"{escape(', '.join(unplaced[:10]))}{' …' if len(unplaced) > 10 else ''}")


def _selection_spec(store: Store, project_id: int, definition: SelectionDefinition,
                    against: str) -> object:
    selection = cache.shared(usecase.select, store, project_id, definition).selection
    values = data.metric_runs(store, project_id).values
    return data.spec_or_chart(selection_chart(selection, values, against))


def show_trend(store: Store, project: Project, runs: Sequence[Run], metric: str,
               marks: list, winner: str | None) -> None:
    """`metric` over the project's runs (`runs`), with the change log's `marks`."""
    st.markdown(f"**{escape(metric)} over the runs**, with the metric and dev-set changes "
                "from the change log as dashed lines")
    data.shared_chart(_trend_spec, store, project.id, metric, tuple(marks), winner)
    if marks and any(run.created is None for run in runs):
        st.caption("Some runs have no created time, so the change marks cannot be placed.")


def _trend_spec(store: Store, project_id: int, metric: str, marks: tuple, winner: str | None
                ) -> object:
    runs = data.metric_runs(store, project_id).runs
    return data.spec_or_chart(trend_chart(runs, metric, marks, winner))


def save_form(store: Store, project: Project, definition: SelectionDefinition,
              saved: SavedDefinition | None) -> None:
    """Save the definition for the whole team; the change log records it with the reason."""
    if not store.can_write:
        return
    if saved is not None and saved.definition == definition:
        return
    with st.form(f"{K}_save_form", border=True):
        st.markdown(f"**Save as the team's definition:** {escape(definition.statement())}")
        reason = st.text_area(
            "Why" + (" (required: the change log keeps it)" if saved else " (optional)"),
            key=f"{K}_save_reason", max_chars=5000,
            placeholder="e.g. the app must answer in under 100 ms on a mid-range phone")
        author = st.text_input("Your name", key=f"{K}_save_author", max_chars=80,
                               value=st.session_state.get("decision_author", ""))
        submitted = st.form_submit_button("Save definition", type="primary",
                                          icon=":material/save:", key=f"{K}_save")
    if not submitted:
        return
    started = json.loads(st.session_state.get(f"{K}_started") or "null")
    try:
        expected = SelectionDefinition.from_setting(started) if started else None
        usecase.save_definition(store, project.id, definition, expected=expected,
                                reason=reason, author=author)
    except StrategyError as exc:
        st.error(escape(exc))
        return
    st.session_state["decision_author"] = author
    st.session_state.pop(f"{K}_objective", None)  # reload the inputs from what was saved
    flash("Saved the team's definition; the change log records it.")
    st.rerun()


def decision_verdict(definition: SelectionDefinition, selection: Selection) -> str:
    """'Optimize dev_error … ≤ 100. Winner: resnet50-mobile-5k (dev_error 3.2%).'"""
    if selection.winner is None:
        outcome = "No run meets every threshold."
    else:
        metric = selection.objective.metric
        value = selection.feasible[0][1]
        shown = format_pct(value) if is_rate_metric(metric) else f"{value:g}"
        outcome = f"Winner: {selection.winner} ({metric} {shown})."
    text = f"{definition.statement()} {outcome}"
    return text if len(text) <= 300 else text[:299] + "…"


def decision_numbers(definition: SelectionDefinition, selection: Selection) -> dict:
    """What a recorded decision keeps: the definition and the outcome (top runs only)."""
    result = selection.as_dict()
    return {**definition.as_setting(), "winner": selection.winner,
            "feasible": result["feasible"][:10], "infeasible": result["infeasible"][:10],
            "missing": result["missing"][:10], "feasible_count": len(selection.feasible),
            "infeasible_count": len(selection.infeasible),
            "missing_count": len(selection.missing)}
