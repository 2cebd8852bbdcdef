"""Charts of the error-analysis page (docs/rules.md §4): category shares with their Wilson
intervals and ceilings, and eyeball vs blackbox dev error across runs."""

from __future__ import annotations

import altair as alt
import pandas as pd

from strategy_core.error_analysis import EyeballCheck, ReviewSummary
from strategy_core.rates import format_pct, format_points

BAR_COLOR = "#4c78a8"
LABELS_COLOR = "#e45756"
WHISKER_COLOR = "#333333"
SET_COLORS = {"eyeball": "#f58518", "blackbox": "#4c78a8"}


def shares_frame(summary: ReviewSummary) -> pd.DataFrame:
    """One row per category, largest share first, with the ceiling annotation."""
    rows = []
    for category in summary.categories:
        rows.append({
            "category": category.name,
            "count": category.count,
            "share": category.share,
            "share_low": category.share_low,
            "share_high": category.share_high,
            "ceiling": category.ceiling,
            "error_if_fixed": category.error_if_fixed,
            "annotation": f"ceiling {format_points(category.ceiling, 2)} → at best "
                          f"{format_pct(category.error_if_fixed, 2)}",
        })
    return pd.DataFrame(rows, columns=["category", "count", "share", "share_low", "share_high",
                                       "ceiling", "error_if_fixed", "annotation"])


def shares_chart(summary: ReviewSummary, height: int | None = None) -> alt.LayerChart:
    """Horizontal bars of each category's share of the reviewed mistakes, the 95% Wilson
    interval as a whisker, and the ceiling (and dev error if fixed) written beside it.
    `height` is the height of one category's row in pixels."""
    frame = shares_frame(summary)
    order = frame["category"].tolist()
    top = max([0.0, *frame["share_high"].tolist()])
    domain_end = min(1.6, max(0.25, top * 1.7 + 0.05))
    base = alt.Chart(frame).encode(
        y=alt.Y("category:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
        tooltip=[
            alt.Tooltip("category:N", title="Category"),
            alt.Tooltip("count:Q", title="Examples"),
            alt.Tooltip("share:Q", title="Share", format=".1%"),
            alt.Tooltip("share_low:Q", title="95% low", format=".1%"),
            alt.Tooltip("share_high:Q", title="95% high", format=".1%"),
            alt.Tooltip("ceiling:Q", title="Ceiling (dev error removed)", format=".2%"),
            alt.Tooltip("error_if_fixed:Q", title="Dev error if fixed", format=".2%"),
        ],
    )
    x_scale = alt.Scale(domain=[0, domain_end], nice=False)
    bars = base.mark_bar(color=BAR_COLOR, opacity=0.85, height={"band": 0.6}).encode(
        x=alt.X("share:Q", title=f"Share of the {summary.reviewed} reviewed mistakes "
                                 "(whisker: 95% Wilson interval)",
                scale=x_scale, axis=alt.Axis(format="%", values=[0, 0.25, 0.5, 0.75, 1])),
    )
    whiskers = base.mark_rule(color=WHISKER_COLOR, strokeWidth=1.5).encode(
        x="share_low:Q", x2="share_high:Q")
    ends = base.mark_tick(color=WHISKER_COLOR, thickness=1.5, size=12).encode(
        x="share_high:Q")
    starts = base.mark_tick(color=WHISKER_COLOR, thickness=1.5, size=12).encode(
        x="share_low:Q")
    labels = base.mark_text(align="left", dx=6, color=LABELS_COLOR, fontSize=12).encode(
        x="share_high:Q", text="annotation:N")
    chart = alt.layer(bars, whiskers, starts, ends, labels).properties(
        height=alt.Step(height or 34),
        title=alt.Title(f"Which cause to fix first (dev error {format_pct(summary.dev_error)})",
                        anchor="start"),
    )
    return chart


def eyeball_frame(check: EyeballCheck) -> pd.DataFrame:
    """Long form: one row per run and set (eyeball, blackbox)."""
    rows = []
    for run in check.runs:
        rows.append({"run": run.run, "order": run.order, "set": "eyeball",
                     "error": run.eyeball_error, "n": run.eyeball_n})
        rows.append({"run": run.run, "order": run.order, "set": "blackbox",
                     "error": run.blackbox_error, "n": run.blackbox_n})
    return pd.DataFrame(rows, columns=["run", "order", "set", "error", "n"])


def eyeball_chart(check: EyeballCheck, height: int = 260) -> alt.Chart:
    """Eyeball and blackbox dev error per run, oldest run first: the lines should fall
    together; an eyeball line falling clearly faster means the eyeball set is overfit."""
    frame = eyeball_frame(check)
    order = [run.run for run in check.runs]
    return alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("run:N", sort=order, title="Run (oldest first)",
                axis=alt.Axis(labelAngle=-20, labelLimit=200)),
        y=alt.Y("error:Q", title="Dev error", axis=alt.Axis(format=".1%"),
                scale=alt.Scale(zero=True)),
        color=alt.Color("set:N", title="Dev part",
                        scale=alt.Scale(domain=list(SET_COLORS),
                                        range=list(SET_COLORS.values()))),
        tooltip=[alt.Tooltip("run:N", title="Run"), alt.Tooltip("set:N", title="Part"),
                 alt.Tooltip("error:Q", title="Error", format=".2%"),
                 alt.Tooltip("n:Q", title="Examples", format=",")],
    ).properties(height=height)
