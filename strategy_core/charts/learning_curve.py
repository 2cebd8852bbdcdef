"""The learning curve chart (docs/rules.md §20): training and dev level against the
training-set size on a log axis, each point's interval as a whisker, and the desired
performance as a dashed line. Levels read as the metric reads (percent or its units)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from strategy_core.diagnosis.learning_curve import LearningCurve

CURVE_COLORS = {"training": "#1f77b4", "dev": "#d62728"}


def _format(curve: LearningCurve, tooltip: bool = False) -> str:
    metric = curve.metric
    if metric.percent:
        return ".2%" if tooltip else ".1~%"
    return f",.{metric.precision + (1 if tooltip else 0)}~f"


def learning_curve_frame(curve: LearningCurve) -> pd.DataFrame:
    """One row per point and curve: size, level, interval ends (NaN when unknown), runs."""
    rows = []
    for point in curve.points:
        for curve_name, value, interval in (("training", point.train, point.train_interval),
                                            ("dev", point.dev, point.dev_interval)):
            if value is None:
                continue
            rows.append({"size": point.size, "curve": curve_name, "level": value,
                         "low": None if interval is None else interval.low,
                         "high": None if interval is None else interval.high,
                         "runs": len(point.runs), "names": ", ".join(point.runs)[:200]})
    return pd.DataFrame(rows, columns=["size", "curve", "level", "low", "high", "runs",
                                       "names"])


def learning_curve_chart(curve: LearningCurve) -> alt.LayerChart:
    """Training (blue) and dev (red) against the training-set size (log x), with whiskers
    where a point has an interval and the desired performance as a dashed rule."""
    frame = learning_curve_frame(curve)
    title = "Error" if curve.metric.is_error_rate else curve.metric.axis_title
    x = alt.X("size:Q", title="Training examples (log scale)", scale=alt.Scale(type="log"),
              axis=alt.Axis(format="~s"))
    y = alt.Y("level:Q", title=title, axis=alt.Axis(format=_format(curve)),
              scale=alt.Scale(zero=False))
    color = alt.Color("curve:N", title=None, sort=list(CURVE_COLORS),
                      scale=alt.Scale(domain=list(CURVE_COLORS),
                                      range=list(CURVE_COLORS.values())),
                      legend=alt.Legend(orient="top"))
    tooltip = [alt.Tooltip("curve:N", title="Curve"),
               alt.Tooltip("size:Q", title="Training examples", format=","),
               alt.Tooltip("level:Q", title=title, format=_format(curve, tooltip=True)),
               alt.Tooltip("runs:Q", title="Runs averaged"),
               alt.Tooltip("names:N", title="Runs")]
    base = alt.Chart(frame)
    layers: list[alt.Chart] = [
        base.mark_line(point=alt.OverlayMarkDef(filled=True, size=60)).encode(
            x=x, y=y, color=color, tooltip=tooltip),
        base.transform_filter("isValid(datum.low)").mark_rule(strokeWidth=1.5).encode(
            x=x, y="low:Q", y2="high:Q", color=color),
    ]
    if curve.desired is not None:
        label = "desired" + (f": {curve.desired_label}" if curve.desired_label else "")
        desired = pd.DataFrame([{"level": curve.desired, "label": label[:60]}])
        rule = alt.Chart(desired)
        layers += [
            rule.mark_rule(strokeDash=[6, 4], color="#2ca02c").encode(
                y="level:Q", tooltip=[alt.Tooltip("label:N", title="Desired"),
                                      alt.Tooltip("level:Q", title=title,
                                                  format=_format(curve, tooltip=True))]),
            rule.mark_text(align="left", dx=4, dy=-6, color="#2ca02c").encode(
                y="level:Q", x=alt.value(0), text="label:N"),
        ]
    return alt.layer(*layers).properties(height=300)
