"""Charts of the diagnosis pages (docs/rules.md §1, §2): the error staircase of one run, each gap's
trend across runs, and the orthogonalization chain against the tolerance.

Each gap kind keeps one colour everywhere (`GAP_COLORS`), so the staircase, the trend and
the page's text read together.

Every chart speaks the project metric it draws (`Decomposition.metric`, `Chain.metric`,
docs/rules.md §16): levels and gaps read as the metric formats them, a metric in percent
keeps a percent axis and gaps in percentage points, any other metric gets a plain number
axis titled with its name and unit. The error rate reads exactly as before §16.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import altair as alt
import pandas as pd

from strategy_core.checklist import GREEN, RED, UNKNOWN, Chain
from strategy_core.diagnosis import (
    GAP_LABELS,
    GAP_NAMES,
    Decomposition,
    RunDiagnosis,
    format_interval,
)
from strategy_core.values.project_metric import ERROR_RATE, ProjectMetric

# Colour-blind-safe, and none of them green or red: those mean "fine" / "failing" on the
# checklist.
GAP_COLORS: dict[str, str] = {
    "avoidable_bias": "#E8871E",
    "variance": "#7B4FA0",
    "data_mismatch": "#2F7ABF",
    "dev_overfitting": "#C4466B",
}
STATUS_COLORS: dict[str, str] = {GREEN: "#2E9E4F", RED: "#D1352B", UNKNOWN: "#A6ADB4"}
STATUS_LABELS: dict[str, str] = {GREEN: "green", RED: "red", UNKNOWN: "unknown"}
HUMAN_COLOR = "#4D5560"
LEVEL_COLOR = "#D5DAE0"

LEVEL_LABELS: dict[str, str] = {
    "human": "Human level",
    "train": "Training",
    "train_dev": "Training-dev",
    "dev": "Dev",
    "test": "Test",
}
# Which gap sits between two neighbouring levels of the staircase (docs/rules.md §1 formulas;
# without a training-dev error, variance is dev − training).
_STEP_GAPS: dict[tuple[str, str], str] = {
    ("human", "train"): "avoidable_bias",
    ("train", "train_dev"): "variance",
    ("train", "dev"): "variance",
    ("train_dev", "dev"): "data_mismatch",
    ("dev", "test"): "dev_overfitting",
}

ChangeMark = tuple[date | datetime, str]
# The trend draws at most this many of the newest runs (4 points each).
TREND_MAX_RUNS = 400
# Change-mark labels on the trend: at most this many characters, one line apart.
MAX_MARK_LABEL = 60
MARK_LINE_HEIGHT = 14


def _level_title(metric: ProjectMetric) -> str:
    """The title of a level axis or tooltip: 'Error' for the error rate, else the metric's
    name (and unit when it is not a percentage)."""
    return "Error" if metric.is_error_rate else metric.axis_title


def _level_format(metric: ProjectMetric, tooltip: bool = False) -> str:
    """The d3 format of a level: percent for a metric in %, else a plain number."""
    if metric.percent:
        return ".2%" if tooltip else ".1~%"
    return f",.{metric.precision + (1 if tooltip else 0)}~f"


def gap_scale(metric: ProjectMetric) -> float:
    """What a gap is multiplied by on a gap axis: 100 (percentage points) for a metric in
    percent, 1 (the metric's own units) otherwise."""
    return 100.0 if metric.percent else 1.0


def gap_title(metric: ProjectMetric) -> str:
    """'Gap (percentage points)' for the error rate, 'Word error rate gap (percentage
    points)' for another metric in percent, 'MAE gap (years)' otherwise."""
    if metric.is_error_rate:
        return "Gap (percentage points)"
    if metric.percent:
        return f"{metric.name} gap (percentage points)"
    return f"{metric.name} gap ({metric.unit})" if metric.unit else f"{metric.name} gap"


def _signed_gap(metric: ProjectMetric, gap: float) -> str:
    return f"{'+' if gap >= 0 else '−'}{metric.format_gap(abs(gap))}"


def _gap_color_scale(names: Sequence[str]) -> alt.Scale:
    labels = [GAP_LABELS[name] for name in names]
    return alt.Scale(domain=labels, range=[GAP_COLORS[name] for name in names])


def staircase_frame(decomposition: Decomposition) -> pd.DataFrame:
    """One row per recorded error level: its value, the gap from the previous level (kind,
    size, interval) and the labels the chart prints."""
    levels = decomposition.levels
    metric = decomposition.metric
    present = [name for name in LEVEL_LABELS if getattr(levels, name) is not None]
    rows = []
    previous: str | None = None
    for name in present:
        value = getattr(levels, name)
        row: dict = {
            "level": LEVEL_LABELS[name], "key": name, "error": value,
            "error_label": metric.format(value), "base": value, "gap": None, "gap_kind": None,
            "gap_from": None, "gap_label": "", "gap_low": None, "gap_high": None,
            "interval_label": "", "is_focus": False, "positive": True,
        }
        gap_name = _STEP_GAPS.get((previous, name)) if previous is not None else None
        gap = decomposition.gaps.get(gap_name) if gap_name else None
        if gap_name is not None and gap is not None:
            start = getattr(levels, previous)
            is_focus = decomposition.focus == gap_name
            row.update(
                base=min(start, value), gap=gap, gap_kind=GAP_LABELS[gap_name], gap_from=start,
                gap_label=_signed_gap(metric, gap) + (" · focus" if is_focus else ""),
                is_focus=is_focus, positive=gap >= 0,
            )
            interval = decomposition.intervals.get(gap_name)
            if interval is not None:
                row.update(
                    gap_low=start + interval.low, gap_high=start + interval.high,
                    interval_label=format_interval(interval, metric)
                    + ("" if decomposition.significant.get(gap_name) else " (not significant)"),
                )
        rows.append(row)
        previous = name
    return pd.DataFrame(rows)


def _staircase_tooltip(frame: pd.DataFrame, metric: ProjectMetric = ERROR_RATE
                       ) -> list[alt.Tooltip]:
    tooltip = [
        alt.Tooltip("level:N", title="Level"),
        alt.Tooltip("error:Q", title=_level_title(metric),
                    format=_level_format(metric, tooltip=True)),
        alt.Tooltip("gap_kind:N", title="Gap from previous level"),
        alt.Tooltip("gap_label:N", title="Gap"),
    ]
    if "interval_label" in frame:
        tooltip.append(alt.Tooltip("interval_label:N", title="95% interval"))
    return tooltip


def _staircase_labels(base: alt.Chart, gaps: alt.Chart, x: alt.X, y_scale: alt.Scale,
                      present: list[str]) -> list[alt.Chart]:
    """Each level's error above its column, and each gap's size above that (the focus in
    bold)."""
    level_text = base.mark_text(dy=-8, fontSize=13, fontWeight="bold", color="#1F2328",
                                baseline="bottom").encode(
        x=x, y=alt.Y("label_y:Q", scale=y_scale), text="error_label:N"
    ).transform_calculate(label_y="max(datum.error, isValid(datum.gap_from) ? "
                                  "datum.gap_from : 0, isValid(datum.gap_high) ? "
                                  "datum.gap_high : 0)")
    gap_label_y = ("max(datum.error, datum.gap_from, isValid(datum.gap_high) ? "
                   "datum.gap_high : 0)")
    gap_color = alt.Color("gap_kind:N", scale=_gap_color_scale(present or GAP_NAMES),
                          legend=None)
    gap_text = [
        gaps.transform_filter(f"{'' if focus else '!'}datum.is_focus")
        .mark_text(dy=-26, fontSize=13 if focus else 12, baseline="bottom",
                   fontWeight="bold" if focus else "normal")
        .encode(x=x, y=alt.Y("label_y:Q", scale=y_scale), text="gap_label:N", color=gap_color)
        .transform_calculate(label_y=gap_label_y)
        for focus in (True, False)
    ]
    return [level_text, *gap_text]


def staircase_chart(decomposition: Decomposition, title: str | None = None,
                    height: int = 320) -> alt.LayerChart:
    """The error levels human → training → training-dev → dev → test as a staircase: each
    column is a level, its coloured top is the gap from the level before (labelled, coloured
    by kind), with the gap's 95% interval as a whisker when the set sizes are known."""
    metric = decomposition.metric
    frame = staircase_frame(decomposition)
    if frame.empty:
        frame = pd.DataFrame([{"level": "No error levels", "error": 0.0, "base": 0.0,
                               "error_label": "", "gap_label": "", "gap_kind": None,
                               "gap_from": None, "is_focus": False}])
    order = frame["level"].tolist()
    highs = frame["gap_high"].dropna() if "gap_high" in frame else pd.Series(dtype=float)
    top = max(float(frame["error"].max()), float(highs.max()) if len(highs) else 0.0, 0.001)
    x = alt.X("level:N", sort=order, title=None,
              axis=alt.Axis(labelAngle=0, labelFontSize=13, labelFontWeight="bold",
                            ticks=False, domain=False))
    y_scale = alt.Scale(domain=[_staircase_bottom(frame, metric), top * 1.22], nice=False)
    y_axis = alt.Axis(format=_level_format(metric), title=_level_title(metric), grid=True,
                      tickCount=6)
    tooltip = _staircase_tooltip(frame, metric)
    base = alt.Chart(frame)
    level_bars = base.mark_bar(size=56, color=LEVEL_COLOR).encode(
        x=x, y=alt.Y("base:Q", scale=y_scale, axis=y_axis), y2=alt.datum(0),
        color=alt.condition(alt.datum.key == "human", alt.value(HUMAN_COLOR),
                            alt.value(LEVEL_COLOR)),
        tooltip=tooltip)
    gaps = base.transform_filter("isValid(datum.gap_kind)")
    present = [name for name in GAP_NAMES
               if GAP_LABELS[name] in set(frame["gap_kind"].dropna())]
    color = alt.Color("gap_kind:N", title="Gap", scale=_gap_color_scale(present or GAP_NAMES),
                      legend=alt.Legend(orient="top", labelFontSize=12, titleFontSize=12,
                                        symbolType="square"))
    gap_bars = gaps.mark_bar(size=56).encode(
        x=x, y=alt.Y("gap_from:Q", scale=y_scale), y2="error:Q", color=color,
        opacity=alt.condition(alt.datum.positive, alt.value(1.0), alt.value(0.35)),
        stroke=alt.condition(alt.datum.is_focus, alt.value("#1F2328"), alt.value(None)),
        strokeWidth=alt.condition(alt.datum.is_focus, alt.value(2), alt.value(0)),
        tooltip=tooltip)
    layers: list[alt.Chart] = [level_bars, gap_bars,
                               *_staircase_labels(base, gaps, x, y_scale, present)]
    if "gap_low" in frame and frame["gap_low"].notna().any():
        whiskers = base.transform_filter("isValid(datum.gap_low)").mark_errorbar(
            ticks=alt.TickConfig(size=14), thickness=1.5, color="#1F2328").encode(
            x=x, y=alt.Y("gap_low:Q", scale=y_scale, title=_level_title(metric)),
            y2="gap_high:Q",
            tooltip=tooltip)
        layers.append(whiskers)
    chart = alt.layer(*layers).properties(height=height)
    if title:
        chart = chart.properties(title=title)
    return chart


def _staircase_bottom(frame: pd.DataFrame, metric: ProjectMetric) -> float:
    """0 for a metric that cannot go below zero; else room for the lowest level (an R² or
    a reward can be negative)."""
    if metric.minimum is not None and metric.minimum >= 0:
        return 0
    lows = [float(frame["error"].min())]
    if "gap_low" in frame and frame["gap_low"].notna().any():
        lows.append(float(frame["gap_low"].min()))
    return min(min(lows) * 1.22, 0.0)


def _metric_of(diagnoses: Sequence[RunDiagnosis]) -> ProjectMetric:
    return diagnoses[0].decomposition.metric if diagnoses else ERROR_RATE


def trend_frame(diagnoses: Sequence[RunDiagnosis]) -> pd.DataFrame:
    """One row per run and computable gap: the gap on the gap axis (percentage points for a
    metric in percent, else the metric's units), its interval, whether it was that run's
    focus, and the run's position in time."""
    metric = _metric_of(diagnoses)
    scale = gap_scale(metric)
    rows = []
    for position, item in enumerate(diagnoses, start=1):
        result = item.decomposition
        for name in GAP_NAMES:
            value = result.gaps[name]
            if value is None:
                continue
            interval = result.intervals.get(name)
            rows.append({
                "position": position, "run": item.run.name, "created": item.run.created,
                "gap_kind": GAP_LABELS[name], "points": value * scale,
                "low": None if interval is None else interval.low * scale,
                "high": None if interval is None else interval.high * scale,
                "is_focus": result.focus == name,
                "focus": GAP_LABELS.get(result.focus, "none"),
                "label": metric.format_gap(value),
            })
    columns = ["position", "run", "created", "gap_kind", "points", "low", "high", "is_focus",
               "focus", "label"]
    return pd.DataFrame(rows, columns=columns)


def trend_chart(
    diagnoses: Sequence[RunDiagnosis],
    change_marks: Sequence[ChangeMark] | None = None,
    height: int = 320,
    max_runs: int = TREND_MAX_RUNS,
) -> alt.LayerChart:
    """Each gap as a line over the runs, oldest to newest (by created time when every run
    has one, else in the store's order), with its 95% band when set sizes are known. The
    run's focus is the big dot. ``change_marks`` — (date, label) pairs such as metric or
    dev-set changes — are drawn as labelled vertical rules (only on a time axis). Only the
    newest ``max_runs`` runs are drawn, so the chart stays readable and light."""
    frame = trend_frame(diagnoses[-max_runs:])
    title = gap_title(_metric_of(diagnoses))
    timed = bool(len(frame)) and frame["created"].notna().all()
    if timed:
        frame["created"] = pd.to_datetime(frame["created"])
        x = alt.X("created:T", title="Run created",
                  axis=alt.Axis(format="%b %d", labelAngle=0, tickCount=8))
    else:
        order = list(dict.fromkeys(frame["run"].tolist()))
        x = alt.X("run:N", sort=order, title="Run (oldest to newest)",
                  axis=alt.Axis(labelAngle=-30, labelLimit=140))
    present = [name for name in GAP_NAMES if GAP_LABELS[name] in set(frame["gap_kind"])]
    color = alt.Color("gap_kind:N", title="Gap", scale=_gap_color_scale(present or GAP_NAMES),
                      sort=[GAP_LABELS[name] for name in present],
                      legend=alt.Legend(orient="top", labelFontSize=12, titleFontSize=12,
                                        symbolType="stroke", symbolOpacity=1,
                                        symbolStrokeWidth=3))
    y = alt.Y("points:Q", title=title, axis=alt.Axis(format="~f"))
    tooltip = [
        alt.Tooltip("run:N", title="Run"),
        alt.Tooltip("created:T", title="Created", format="%Y-%m-%d") if timed else
        alt.Tooltip("position:Q", title="Run #"),
        alt.Tooltip("gap_kind:N", title="Gap"),
        alt.Tooltip("label:N", title="Size"),
        alt.Tooltip("focus:N", title="Run's focus"),
    ]
    base = alt.Chart(frame)
    layers: list[alt.Chart] = [
        alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color="#8A929A", strokeDash=[2, 2])
        .encode(y="zero:Q"),
    ]
    if frame["low"].notna().any():
        layers.append(base.transform_filter("isValid(datum.low)").mark_area(opacity=0.1)
                      .encode(x=x, y=alt.Y("low:Q", title=title),
                              y2="high:Q", color=color))
    layers += [
        base.mark_line(strokeWidth=2.5).encode(x=x, y=y, color=color, tooltip=tooltip),
        base.mark_point(filled=True, opacity=1).encode(
            x=x, y=y, color=color, tooltip=tooltip,
            size=alt.condition(alt.datum.is_focus, alt.value(140), alt.value(30)),
            stroke=alt.condition(alt.datum.is_focus, alt.value("#1F2328"), alt.value(None)),
        ),
    ]
    if change_marks and timed:
        layers += _change_mark_layers(change_marks)
    return alt.layer(*layers).properties(height=height)


def _short_mark_label(label: str) -> str:
    return label if len(label) <= MAX_MARK_LABEL else label[:MAX_MARK_LABEL - 1] + "…"


def _change_mark_layers(change_marks: Sequence[ChangeMark]) -> list[alt.Chart]:
    """A dashed rule per change (its whole label in the tooltip) and its label beside it,
    each label one line below the one before so that marks a few days apart stay legible;
    a label longer than MAX_MARK_LABEL is cut short."""
    marks = pd.DataFrame([{"when": pd.Timestamp(when), "label": str(label)}
                          for when, label in change_marks])
    layers: list[alt.Chart] = [
        alt.Chart(marks).mark_rule(color="#5A6270", strokeDash=[6, 4], strokeWidth=1.5).encode(
            x="when:T", tooltip=[alt.Tooltip("when:T", title="Changed", format="%Y-%m-%d"),
                                 alt.Tooltip("label:N", title="What changed")]),
    ]
    for row, (when, label) in enumerate(zip(marks["when"], marks["label"], strict=True)):
        text = alt.Chart(pd.DataFrame([{"when": when, "label": _short_mark_label(label)}]))
        layers.append(text.mark_text(align="left", baseline="top", dx=4, dy=4,
                                     color="#5A6270", fontSize=11).encode(
            x="when:T", y=alt.value(MARK_LINE_HEIGHT * row), text="label:N"))
    return layers


def chain_frame(chain: Chain) -> pd.DataFrame:
    """One row per link of the chain: its gap on the gap axis (percentage points for a
    metric in percent, else the metric's units; 0 when unknown) and the label."""
    metric = chain.metric
    rows = []
    for link in chain.links:
        if link.gap is not None:
            label = metric.format_gap(link.gap)
        elif link.status == UNKNOWN:
            label = "unknown"
        else:
            label = "judged ok" if link.status == GREEN else "judged not ok"
        rows.append({
            "link": f"{link.number}. {link.title}",
            "points": (link.gap or 0.0) * gap_scale(metric),
            "status": STATUS_LABELS[link.status], "label": label,
            "focus": link.name == chain.focus,
        })
    return pd.DataFrame(rows)


def chain_chart(chain: Chain, row_height: int = 38) -> alt.LayerChart:
    """The five links as bars of their gap against the tolerance (dashed line): green at or
    under it, red above it, grey when unknown; links judged by the team show the judgement."""
    metric = chain.metric
    frame = chain_frame(chain)
    order = frame["link"].tolist()
    tolerance = chain.tolerance * gap_scale(metric)
    top = max(float(frame["points"].max()), tolerance,
              0.1 if metric.percent else 0.001) * 1.25
    low = min(float(frame["points"].min()), 0.0) * 1.25
    scale = alt.Scale(domain=[low, top])
    x = alt.X("points:Q", scale=scale, axis=alt.Axis(format="~f"),
              title=f"{gap_title(metric)}; dashed line: tolerance "
                    f"{metric.format_gap(chain.tolerance)}")
    y = alt.Y("link:N", sort=order, title=None,
              axis=alt.Axis(labelLimit=320, labelFontSize=12, ticks=False))
    color = alt.Color("status:N", title="Link", legend=alt.Legend(orient="top"),
                      scale=alt.Scale(domain=list(STATUS_LABELS.values()),
                                      range=[STATUS_COLORS[s] for s in STATUS_LABELS]))
    tooltip = [alt.Tooltip("link:N", title="Link"), alt.Tooltip("label:N", title="Gap"),
               alt.Tooltip("status:N", title="Status")]
    base = alt.Chart(frame)
    return alt.layer(
        base.mark_bar(cornerRadiusEnd=3).encode(x=x, x2=alt.datum(0), y=y, color=color,
                                                tooltip=tooltip),
        base.mark_text(align="left", dx=6, fontSize=12).encode(
            x=alt.X("text_x:Q", scale=scale), y=y, text="label:N", color=color,
            tooltip=tooltip).transform_calculate(text_x="max(datum.points, 0)"),
        alt.Chart(pd.DataFrame({"tolerance": [tolerance]})).mark_rule(
            color="#1F2328", strokeDash=[5, 4], strokeWidth=1.5).encode(
            x=alt.X("tolerance:Q", scale=scale)),
    ).properties(height=alt.Step(row_height))
