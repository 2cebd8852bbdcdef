"""Charts of the decision guides (docs/rules.md §7, §8): the data a mapping needs, the blame per
pipeline component, each component against human level, the data of transfer and multi-task
tasks, and label coverage.

One colour marks what the verdict points at (the focus, the chosen complexity, a dominant
task); the rest stays neutral, so a chart and the sentence beside it read together.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import altair as alt
import pandas as pd

from strategy_core.guides import (
    COMPLEXITIES,
    BlameTally,
    EndToEndVerdict,
    LabelCoverage,
    MultitaskVerdict,
    PipelineCheck,
    TransferVerdict,
)
from strategy_core.rates import format_pct, format_points

FOCUS_COLOR = "#E8871E"
NEUTRAL_COLOR = "#8FA3B8"
DATA_COLOR = "#2F7ABF"
HUMAN_COLOR = "#4D5560"
NEAR_COLOR = "#2E9E4F"
BEHIND_COLOR = "#D1352B"
MISSING_COLOR = "#E3E7EB"
SYSTEM_LABEL = "Whole system"
MATRIX_ROWS = 100


def _log_domain(values: Sequence[float]) -> tuple[float, float]:
    """Whole powers of ten around the values: bars on a log scale need a start above 0."""
    positive = [v for v in values if v > 0] or [1.0]
    low = 10 ** math.floor(math.log10(min(positive) * 0.99))
    high = 10 ** math.ceil(math.log10(max(positive) * 1.01))
    return max(low, 1.0), max(high, 10.0)


def _count_axis(title: str, domain: tuple[float, float]) -> alt.X:
    return alt.X("value:Q", title=title, scale=alt.Scale(type="log", domain=list(domain)),
                 axis=alt.Axis(format="~s"))


def end_to_end_chart(result: EndToEndVerdict) -> alt.Chart:
    """The labeled (x, y) examples each complexity needs, and the team's examples as a line."""
    rows = [
        {"complexity": level.capitalize(), "value": result.thresholds[level],
         "chosen": level == result.complexity,
         "label": f"needs {result.thresholds[level]:,}"}
        for level in COMPLEXITIES if level in result.thresholds
    ]
    frame = pd.DataFrame(rows)
    domain = _log_domain([*frame["value"], result.examples])
    frame["base"] = domain[0]
    order = [row["complexity"] for row in rows]
    y = alt.Y("complexity:N", sort=order, title="Mapping complexity")
    bars = alt.Chart(frame).mark_bar(size=22).encode(
        x=_count_axis("Labeled (x, y) examples (log scale)", domain), x2="base:Q", y=y,
        color=alt.condition("datum.chosen", alt.value(FOCUS_COLOR), alt.value(NEUTRAL_COLOR)),
        tooltip=[alt.Tooltip("complexity:N", title="Complexity"),
                 alt.Tooltip("value:Q", title="Examples needed", format=",")],
    )
    labels = bars.mark_text(align="left", dx=4, color=HUMAN_COLOR).encode(
        text="label:N", color=alt.value(HUMAN_COLOR))
    have = pd.DataFrame([{"value": max(result.examples, domain[0]),
                          "label": f"you have {result.examples:,}"}])
    rule = alt.Chart(have).mark_rule(color=DATA_COLOR, strokeWidth=3).encode(
        x="value:Q", tooltip=[alt.Tooltip("value:Q", title="Your examples", format=",")])
    rule_label = alt.Chart(have).mark_text(align="left", dx=5, dy=-8, color=DATA_COLOR,
                                           fontWeight="bold").encode(
        x="value:Q", y=alt.value(0), text="label:N")
    return (bars + labels + rule + rule_label).properties(height=alt.Step(44))


def blame_frame(tally: BlameTally) -> pd.DataFrame:
    """One row per component in pipeline order: count, share, its interval, the label."""
    return pd.DataFrame([
        {"component": c.name, "order": i, "count": c.count, "share": c.share or 0.0,
         "low": c.share_low, "high": c.share_high, "focus": c.name == tally.focus,
         "label": f"{c.count} ({format_pct(c.share)})"}
        for i, c in enumerate(tally.components)
    ])


def blame_chart(tally: BlameTally) -> alt.Chart:
    """Blame per component (share of reviewed errors, 95% interval), in pipeline order."""
    frame = blame_frame(tally)
    order = frame["component"].tolist()
    y = alt.Y("component:N", sort=order, title="Component (pipeline order)")
    x = alt.X("share:Q", title="Share of reviewed errors blamed",
              scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
    tooltip = [alt.Tooltip("component:N", title="Component"),
               alt.Tooltip("count:Q", title="Errors blamed"),
               alt.Tooltip("share:Q", title="Share", format=".1%"),
               alt.Tooltip("low:Q", title="95% interval from", format=".1%"),
               alt.Tooltip("high:Q", title="95% interval to", format=".1%")]
    bars = alt.Chart(frame).mark_bar(size=20).encode(
        x=x, y=y, tooltip=tooltip,
        color=alt.condition("datum.focus", alt.value(FOCUS_COLOR), alt.value(NEUTRAL_COLOR)))
    chart = bars
    if tally.total:
        whiskers = alt.Chart(frame).mark_rule(color=HUMAN_COLOR).encode(
            x="low:Q", x2="high:Q", y=alt.Y("component:N", sort=order))
        labels = alt.Chart(frame).mark_text(align="left", dx=4, dy=-12,
                                            color=HUMAN_COLOR).encode(
            x="share:Q", y=alt.Y("component:N", sort=order), text="label:N")
        chart = bars + whiskers + labels
    return chart.properties(height=alt.Step(48))


def levels_frame(check: PipelineCheck) -> pd.DataFrame:
    """Each component and the whole system: error, human level, gap, near or behind."""
    rows = [
        {"part": c.name, "error": c.error, "human": c.human_error, "gap": c.gap,
         "near": c.near_human, "system": False}
        for c in check.components
    ]
    rows.append({"part": SYSTEM_LABEL, "error": check.system_error,
                 "human": check.system_human_error, "gap": check.system_gap,
                 "near": check.system_near_human, "system": True})
    frame = pd.DataFrame(rows)
    frame["status"] = frame["near"].map({True: "near human level", False: "above human level"})
    frame["gap_label"] = [f"+{format_points(g)}" if g > 0 else format_points(g)
                          for g in frame["gap"]]
    return frame


def pipeline_levels_chart(check: PipelineCheck) -> alt.Chart:
    """Each component's error next to human level on the same input, then the system."""
    frame = levels_frame(check)
    order = frame["part"].tolist()
    y = alt.Y("part:N", sort=order, title=None)
    color = alt.Color("status:N", title=None,
                      scale=alt.Scale(domain=["near human level", "above human level"],
                                      range=[NEAR_COLOR, BEHIND_COLOR]),
                      legend=alt.Legend(orient="bottom"))
    tooltip = [alt.Tooltip("part:N", title="Part"),
               alt.Tooltip("error:Q", title="Error", format=".2%"),
               alt.Tooltip("human:Q", title="Human level", format=".2%"),
               alt.Tooltip("gap_label:N", title="Gap")]
    span = alt.Chart(frame).mark_rule(strokeWidth=3).encode(
        x=alt.X("human:Q", title="Error rate", axis=alt.Axis(format="%")), x2="error:Q", y=y,
        color=color, tooltip=tooltip)
    human = alt.Chart(frame).mark_point(shape="diamond", size=110, filled=True,
                                        color=HUMAN_COLOR).encode(
        x="human:Q", y=y, tooltip=tooltip)
    error = alt.Chart(frame).mark_circle(size=120).encode(
        x="error:Q", y=y, color=color, tooltip=tooltip)
    labels = alt.Chart(frame).mark_text(align="left", dx=8, color=HUMAN_COLOR).encode(
        x="error:Q", y=y, text="gap_label:N")
    return (span + human + error + labels).properties(height=alt.Step(44))


def transfer_chart(result: TransferVerdict) -> alt.Chart:
    """Task A's and task B's data, with the least A needs (ratio × B) marked."""
    frame = pd.DataFrame([
        {"task": "Task A (source)", "value": max(result.source_examples, 1),
         "label": f"{result.source_examples:,}"},
        {"task": "Task B (target)", "value": max(result.target_examples, 1),
         "label": f"{result.target_examples:,}"},
    ])
    needed_value = result.ratio * result.target_examples
    domain = _log_domain([*frame["value"], needed_value])
    frame["base"] = domain[0]
    order = frame["task"].tolist()
    y = alt.Y("task:N", sort=order, title=None)
    bars = alt.Chart(frame).mark_bar(size=24, color=DATA_COLOR).encode(
        x=_count_axis("Labeled examples (log scale)", domain), x2="base:Q", y=y,
        tooltip=[alt.Tooltip("task:N", title="Task"),
                 alt.Tooltip("value:Q", title="Examples", format=",")])
    labels = bars.mark_text(align="left", dx=4, color=HUMAN_COLOR).encode(text="label:N")
    needed = pd.DataFrame([{"value": needed_value,
                            "label": f"A needs {result.ratio:g}× B"}])
    rule = alt.Chart(needed).mark_rule(color=FOCUS_COLOR, strokeDash=[6, 4],
                                       strokeWidth=2).encode(x="value:Q")
    rule_label = alt.Chart(needed).mark_text(align="left", dx=5, dy=-8, color=FOCUS_COLOR,
                                             fontWeight="bold").encode(
        x="value:Q", y=alt.value(0), text="label:N")
    return (bars + labels + rule + rule_label).properties(height=alt.Step(48))


def task_data_frame(result: MultitaskVerdict) -> pd.DataFrame:
    """One row per task: its examples, the others' together, and whether it dominates."""
    return pd.DataFrame([
        {"task": t.name, "examples": t.examples, "others": t.others, "share": t.share,
         "dominant": t.dominant, "label": f"{t.examples:,} ({format_pct(t.share)})"}
        for t in result.tasks
    ])


def task_data_chart(result: MultitaskVerdict) -> alt.Chart:
    """Each task's data against half of all the data: a task past the line has more than
    all the other tasks together (docs/rules.md §8: the data per task is not similar)."""
    frame = task_data_frame(result)
    order = frame["task"].tolist()
    half = float(frame["examples"].sum()) / 2
    y = alt.Y("task:N", sort=order, title=None)
    tooltip = [alt.Tooltip("task:N", title="Task"),
               alt.Tooltip("examples:Q", title="Examples", format=","),
               alt.Tooltip("others:Q", title="All other tasks together", format=","),
               alt.Tooltip("share:Q", title="Share of all data", format=".1%")]
    bars = alt.Chart(frame).mark_bar(size=18).encode(
        x=alt.X("examples:Q", title="Labeled examples", axis=alt.Axis(format="~s"),
                scale=alt.Scale(domain=[0, max(float(frame["examples"].max()), half) * 1.25])),
        y=y, tooltip=tooltip,
        color=alt.condition("datum.dominant", alt.value(FOCUS_COLOR), alt.value(DATA_COLOR)))
    labels = bars.mark_text(align="left", dx=4, color=HUMAN_COLOR).encode(
        text="label:N", color=alt.value(HUMAN_COLOR))
    line = pd.DataFrame([{"value": half, "label": "half of all data"}])
    rule = alt.Chart(line).mark_rule(color=HUMAN_COLOR, strokeDash=[6, 4]).encode(
        x="value:Q")
    rule_label = alt.Chart(line).mark_text(align="left", dx=4, dy=-8, color=HUMAN_COLOR).encode(
        x="value:Q", y=alt.value(0), text="label:N")
    return (bars + labels + rule + rule_label).properties(height=alt.Step(40))


def coverage_chart(coverage: LabelCoverage) -> alt.Chart:
    """Labeled and missing share per task."""
    rows = []
    for task in coverage.tasks:
        rows.append({"task": task.name, "kind": "labeled", "count": task.labeled,
                     "share": task.coverage})
        rows.append({"task": task.name, "kind": "missing", "count": task.missing,
                     "share": 1 - task.coverage})
    frame = pd.DataFrame(rows)
    order = [task.name for task in coverage.tasks]
    kinds = ["labeled", "missing"]
    return alt.Chart(frame).mark_bar(size=20).encode(
        x=alt.X("share:Q", title="Share of examples", stack="zero",
                scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        y=alt.Y("task:N", sort=order, title=None),
        color=alt.Color("kind:N", title=None, sort=kinds,
                        scale=alt.Scale(domain=kinds, range=[DATA_COLOR, MISSING_COLOR]),
                        legend=alt.Legend(orient="bottom")),
        order=alt.Order("kind:N"),
        tooltip=[alt.Tooltip("task:N", title="Task"), alt.Tooltip("kind:N", title="Labels"),
                 alt.Tooltip("count:Q", title="Examples", format=","),
                 alt.Tooltip("share:Q", title="Share", format=".1%")],
    ).properties(height=alt.Step(36))


def label_matrix_chart(matrix: pd.DataFrame, tasks: Sequence[str],
                       rows: int = MATRIX_ROWS) -> alt.Chart:
    """The first `rows` examples × tasks: which labels are there and which are missing."""
    head = matrix.head(rows)
    cells = []
    for position, (_, example) in enumerate(head.iterrows(), start=1):
        for task in tasks:
            value = example[task]
            missing = value is None or (isinstance(value, float) and pd.isna(value)) or \
                (isinstance(value, str) and not value.strip())
            cells.append({"example": position, "task": str(task),
                          "label": "missing" if missing else "labeled",
                          "value": "" if missing else str(value)})
    frame = pd.DataFrame(cells)
    kinds = ["labeled", "missing"]
    return alt.Chart(frame).mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("task:N", sort=[str(t) for t in tasks], title=None,
                axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("example:O", title=f"Example (first {len(head):,})",
                axis=alt.Axis(values=list(range(10, len(head) + 1, 10)))),
        color=alt.Color("label:N", title=None, sort=kinds,
                        scale=alt.Scale(domain=kinds, range=[DATA_COLOR, MISSING_COLOR]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("example:O", title="Example"),
                 alt.Tooltip("task:N", title="Task"), alt.Tooltip("value:N", title="Label")],
    ).properties(height=alt.Step(6))
