"""Charts of the metrics page (docs/rules.md §3): the optimizing metric against a constrained one
with the threshold and the feasible region, the optimizing metric's trend over runs with
the metric / dev-set change marks, and plain vs weighted error per run."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import altair as alt
import pandas as pd

from strategy_core.metrics import (
    Constraint,
    RunMetrics,
    Selection,
    WeightedComparison,
    default_direction,
    is_rate_metric,
    pareto_front,
)
from strategy_core.runs import Run

STATUS_ORDER = ["winner", "feasible", "infeasible", "missing a metric"]
STATUS_COLORS = ["#2ca02c", "#1f77b4", "#bdbdbd", "#ff7f0e"]
THRESHOLD_COLOR = "#d62728"
FEASIBLE_FILL = "#2ca02c"
MARK_COLOR = "#7b4fa0"
MAX_MARK_LABEL = 40


def selection_chart(selection: Selection, runs: Sequence[RunMetrics],
                    against: str) -> alt.LayerChart:
    """Optimizing metric (y) against `against` (x): each run coloured by its verdict, the
    thresholds on either axis as rules, the feasible region shaded, the winner labelled,
    and the Pareto front of the plotted runs as a dashed line."""
    objective = selection.objective.metric
    status = _statuses(selection)
    rows = []
    for run in runs:
        x, y = _number(run.values.get(against)), _number(run.values.get(objective))
        if x is None or y is None:
            continue
        rows.append({"run": run.name, "x": x, "y": y,
                     "status": status.get(run.name, "missing a metric")})
    frame = pd.DataFrame(rows, columns=["run", "x", "y", "status"])
    x_rules = [c for c in selection.constraints if c.metric == against]
    y_rules = [c for c in selection.constraints if c.metric == objective]
    x_domain = _domain([*frame["x"], *(c.threshold for c in x_rules)], against)
    y_domain = _domain([*frame["y"], *(c.threshold for c in y_rules)], objective)
    x = alt.X("x:Q", title=against, scale=alt.Scale(domain=x_domain, nice=False, zero=False),
              axis=alt.Axis(format=_format(against)))
    better = "lower" if selection.objective.direction == "min" else "higher"
    y = alt.Y("y:Q", title=f"{objective} ({better} is better)",
              scale=alt.Scale(domain=y_domain, nice=False, zero=False),
              axis=alt.Axis(format=_format(objective)))
    layers: list[alt.Chart] = []

    region = _region(x_domain, x_rules), _region(y_domain, y_rules)
    if region[0] is not None and region[1] is not None and (x_rules or y_rules):
        (x0, x1), (y0, y1) = region
        box = pd.DataFrame([{"x": x0, "x2": x1, "y": y0, "y2": y1}])
        layers.append(alt.Chart(box).mark_rect(color=FEASIBLE_FILL, opacity=0.08).encode(
            x=x, x2="x2:Q", y=y, y2="y2:Q"))
    for rules, axis, domain in ((x_rules, "x", x_domain), (y_rules, "y", y_domain)):
        layers += _threshold_rules(rules, axis, domain)

    x_dir = _axis_direction(against, x_rules)
    front = pareto_front(list(frame[["run", "x", "y"]].itertuples(index=False, name=None)),
                         x_dir, selection.objective.direction)
    if len(front) > 1:
        line = frame.set_index("run").loc[front].reset_index().sort_values("x")
        layers.append(alt.Chart(line).mark_line(color="#9e9e9e", strokeDash=[2, 3],
                                                opacity=0.8).encode(x=x, y=y))

    layers += _run_points(frame, x, y, against, objective)
    return alt.layer(*layers).properties(height=360)


def _threshold_rules(rules: Sequence[Constraint], axis: str, domain: list[float]
                     ) -> list[alt.Chart]:
    """A dashed rule and its label for each threshold on one axis."""
    if not rules:
        return []
    lines = pd.DataFrame([{"v": c.threshold, "label": _rule_label(c.metric, c.op,
                                                                   c.threshold)}
                          for c in rules])
    channel = (alt.X("v:Q", scale=alt.Scale(domain=domain)) if axis == "x"
               else alt.Y("v:Q", scale=alt.Scale(domain=domain)))
    base = alt.Chart(lines)
    rule = base.mark_rule(color=THRESHOLD_COLOR, strokeDash=[6, 4], strokeWidth=2).encode(
        **{axis: channel}, tooltip=[alt.Tooltip("label:N", title="Threshold")])
    text = base.mark_text(color=THRESHOLD_COLOR, align="left", baseline="top", dx=4,
                          dy=4, fontWeight="bold")
    if axis == "x":
        return [rule, text.encode(x=channel, y=alt.value(4), text="label:N")]
    return [rule, text.encode(y=channel, x=alt.value(4), text="label:N")]


def _run_points(frame: pd.DataFrame, x: alt.X, y: alt.Y, against: str, objective: str
                ) -> list[alt.Chart]:
    """Each run as a point coloured by its verdict; the winner as a labelled diamond."""
    tooltip = [alt.Tooltip("run:N", title="Run"), alt.Tooltip("status:N", title="Verdict"),
               alt.Tooltip("x:Q", title=against, format=_format(against, tooltip=True)),
               alt.Tooltip("y:Q", title=objective, format=_format(objective, tooltip=True))]
    color = alt.Color("status:N", title="Verdict",
                      scale=alt.Scale(domain=STATUS_ORDER, range=STATUS_COLORS),
                      legend=alt.Legend(orient="bottom"))
    layers = [alt.Chart(frame).mark_point(filled=True, opacity=0.9).encode(
        x=x, y=y, color=color,
        size=alt.condition(alt.datum.status == "winner", alt.value(260), alt.value(70)),
        shape=alt.condition(alt.datum.status == "winner", alt.value("diamond"),
                            alt.value("circle")),
        tooltip=tooltip)]
    winner = frame[frame["status"] == "winner"]
    if not winner.empty:
        layers.append(alt.Chart(winner).mark_text(align="left", dx=10, dy=-10,
                                                  fontWeight="bold", color="#2ca02c").encode(
            x=x, y=y, text="run:N"))
    return layers


def trend_chart(runs: Sequence[Run], metric: str,
                marks: Sequence[tuple[date, str]] = (),
                winner: str | None = None) -> alt.LayerChart:
    """`metric` over the runs in time order, the winner highlighted, and each metric or
    dev-set change as a dated vertical mark (from `store.metric_log.change_marks`).

    Runs without a created time are placed by their order; the marks then cannot be placed
    and are left out (the chart's title says so).
    """
    points = [(run, run.value(metric)) for run in runs]
    points = [(run, float(v)) for run, v in points if v is not None]
    dated = bool(points) and all(run.created is not None for run, _ in points)
    frame = pd.DataFrame([{
        "run": run.name, "order": i, "when": run.created if dated else None, "value": value,
        "is_winner": run.name == winner,
    } for i, (run, value) in enumerate(points, start=1)],
        columns=["run", "order", "when", "value", "is_winner"])
    if dated:
        frame["when"] = pd.to_datetime(frame["when"])
        x = alt.X("when:T", title="Run created")
    else:
        x = alt.X("order:O", title="Run (oldest first)")
    y = alt.Y("value:Q", title=metric, axis=alt.Axis(format=_format(metric)),
              scale=alt.Scale(zero=False))
    tooltip = [alt.Tooltip("run:N", title="Run"),
               alt.Tooltip("value:Q", title=metric, format=_format(metric, tooltip=True))]
    if dated:
        tooltip.insert(1, alt.Tooltip("when:T", title="Created", format="%Y-%m-%d"))
    base = alt.Chart(frame)
    layers: list[alt.Chart] = [
        base.mark_line(color="#1f77b4").encode(x=x, y=y),
        base.mark_point(filled=True, size=60, color="#1f77b4").encode(x=x, y=y,
                                                                     tooltip=tooltip),
    ]
    top = frame[frame["is_winner"]]
    if not top.empty:
        layers.append(alt.Chart(top).mark_point(filled=True, size=240, shape="diamond",
                                                color="#2ca02c").encode(x=x, y=y,
                                                                        tooltip=tooltip))
    if dated and marks:
        lines = pd.DataFrame([{"when": pd.Timestamp(_as_datetime(day)), "label": label,
                               "short": _short(label)} for day, label in marks])
        mark_x = alt.X("when:T")
        layers.append(alt.Chart(lines).mark_rule(color=MARK_COLOR, strokeDash=[4, 3],
                                                 strokeWidth=2).encode(
            x=mark_x, tooltip=[alt.Tooltip("when:T", title="Changed", format="%Y-%m-%d"),
                               alt.Tooltip("label:N", title="What changed")]))
        layers.append(alt.Chart(lines).mark_text(color=MARK_COLOR, angle=270, align="right",
                                                 baseline="bottom", dx=-4, dy=-3,
                                                 fontSize=11).encode(
            x=mark_x, y=alt.value(0), text="short:N"))
    return alt.layer(*layers).properties(height=300)


def weighted_chart(comparison: WeightedComparison) -> alt.LayerChart:
    """Plain and weighted error per run on one row each, joined by a line."""
    rows = [r for r in comparison.rows
            if r.weighted_error is not None and r.unweighted_error is not None]
    frame = pd.DataFrame(
        [{"run": r.run_name, "kind": kind, "error": value}
         for r in rows for kind, value in (("plain", r.unweighted_error),
                                           ("weighted", r.weighted_error))],
        columns=["run", "kind", "error"])
    order = [r.run_name for r in rows]
    y = alt.Y("run:N", title=None, sort=order)
    x = alt.X("error:Q", title="Error", axis=alt.Axis(format=".1%"),
              scale=alt.Scale(zero=False, padding=12))
    base = alt.Chart(frame)
    return alt.layer(
        base.mark_line(color="#9e9e9e").encode(x=x, y=y, detail="run:N"),
        base.mark_point(filled=True, size=90).encode(
            x=x, y=y,
            color=alt.Color("kind:N", title=None,
                            scale=alt.Scale(domain=["plain", "weighted"],
                                            range=["#9e9e9e", "#d62728"]),
                            legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("run:N", title="Run"), alt.Tooltip("kind:N", title="Error"),
                     alt.Tooltip("error:Q", title="Value", format=".2%")]),
    ).properties(height=alt.Step(32))


# --- private ---------------------------------------------------------------------------


def _statuses(selection: Selection) -> dict[str, str]:
    status: dict[str, str] = {}
    for name, _ in selection.missing:
        status.setdefault(name, "missing a metric")
    for name, _ in selection.infeasible:
        status.setdefault(name, "infeasible")
    for name, _ in selection.feasible:
        status.setdefault(name, "feasible")
    if selection.winner is not None:
        status[selection.winner] = "winner"
    return status


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def _domain(values: Sequence[float], metric: str) -> list[float]:
    """Data range plus thresholds, padded 8% each side (rates stay inside 0–100%)."""
    if not values:
        return [0.0, 1.0]
    low, high = min(values), max(values)
    pad = (high - low) * 0.08 or (abs(high) * 0.1 or 1.0)
    floor = 0.0 if low >= 0 else None  # a non-negative metric's axis does not go below 0
    low, high = low - pad, high + pad
    if floor is not None:
        low = max(low, floor)
    if is_rate_metric(metric):
        high = min(high, 1.0)
    return [low, high]


def _region(domain: list[float], rules: Sequence) -> tuple[float, float] | None:
    """The part of an axis every threshold on it allows; None when they exclude it all."""
    low, high = domain
    for rule in rules:
        if rule.op == "<=":
            high = min(high, rule.threshold)
        else:
            low = max(low, rule.threshold)
    return (low, high) if low <= high else None


def _axis_direction(metric: str, rules: Sequence) -> str:
    if rules:
        return "min" if rules[0].op == "<=" else "max"
    return default_direction(metric)


def _format(metric: str, tooltip: bool = False) -> str:
    if is_rate_metric(metric):
        return ".2%" if tooltip else ".1%"
    return ",.4~g" if tooltip else ",~r"


def _rule_label(metric: str, op: str, threshold: float) -> str:
    shown = f"{threshold:.1%}" if is_rate_metric(metric) else f"{threshold:g}"
    return f"{metric} {'≤' if op == '<=' else '≥'} {shown}"


def _short(label: str) -> str:
    return label if len(label) <= MAX_MARK_LABEL else label[:MAX_MARK_LABEL - 1] + "…"


def _as_datetime(day: date) -> datetime:
    return day if isinstance(day, datetime) else datetime(day.year, day.month, day.day)
