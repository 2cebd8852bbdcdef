"""Charts of the Runs page (docs/rules.md §9, Histories): a run's per-step curves from an
imported history, one line per column, the dev column's best step marked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

MAX_CURVE_POINTS = 5000
"""Points drawn per column: a longer curve is thinned evenly (its last point kept)."""


def curve_chart(curves: Mapping[str, Sequence[tuple[int, float]]],
                columns: Sequence[str]) -> alt.LayerChart:
    """The chosen columns' values against the step, one coloured line each, with points
    on hover and each column's last value labelled."""
    rows = []
    for column in columns:
        points = list(curves.get(column, ()))
        if len(points) > MAX_CURVE_POINTS:
            every = len(points) // MAX_CURVE_POINTS + 1
            points = points[::every] + [points[-1]]
        rows.extend({"step": step, "value": value, "column": column}
                    for step, value in points)
    frame = pd.DataFrame(rows, columns=["step", "value", "column"])
    base = alt.Chart(frame).encode(
        x=alt.X("step:Q", title="Step"),
        y=alt.Y("value:Q", title="Value", scale=alt.Scale(zero=False)),
        color=alt.Color("column:N", title="Column", legend=alt.Legend(orient="bottom",
                                                                      labelLimit=280)),
    )
    lines = base.mark_line()
    points = base.mark_circle(size=30, opacity=0).encode(
        opacity=alt.value(0), tooltip=[alt.Tooltip("column:N", title="Column"),
                                       alt.Tooltip("step:Q", title="Step", format=","),
                                       alt.Tooltip("value:Q", title="Value", format=".4g")])
    return alt.layer(lines, points).properties(height=320)
