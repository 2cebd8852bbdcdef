"""Chart builders of the metrics page, checked on their Vega-Lite specs (no browser)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from strategy_core.charts.metrics import selection_chart, trend_chart, weighted_chart
from strategy_core.metrics import (
    RunMetrics,
    WeightedRow,
    compare_weighted,
    parse_constraint,
    parse_objective,
    select_run,
)
from strategy_core.runs import Run

SPEC_RUNS = [
    RunMetrics("A", {"accuracy": 0.90, "latency_ms": 80}),
    RunMetrics("B", {"accuracy": 0.92, "latency_ms": 95}),
    RunMetrics("C", {"accuracy": 0.95, "latency_ms": 1500}),
    RunMetrics("D", {"accuracy": 0.99}),
]


def _rows(spec: dict, mark: str) -> list[dict]:
    """The data rows behind every layer drawn with `mark`."""
    out = []
    for layer in spec["layer"]:
        kind = layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
        if kind == mark:
            # Altair moves data shared by every layer to the top of the spec.
            out.extend(spec["datasets"][layer.get("data", spec.get("data"))["name"]])
    return out


def _selection_spec(constraints: list[str]) -> dict:
    selection = select_run(SPEC_RUNS, parse_objective("accuracy:max"),
                           [parse_constraint(c) for c in constraints])
    return selection_chart(selection, SPEC_RUNS, "latency_ms").to_dict()


def test_selection_chart_spec_example_rule_region_and_winner():
    spec = _selection_spec(["latency_ms<=100"])
    points = {row["run"]: row["status"] for row in _rows(spec, "point")}
    # D lacks latency, so it cannot be placed on the chart.
    assert points == {"A": "feasible", "B": "winner", "C": "infeasible"}
    (rule,) = _rows(spec, "rule")
    assert rule["v"] == 100 and rule["label"] == "latency_ms ≤ 100"
    (region,) = _rows(spec, "rect")
    assert region["x2"] == 100 and region["x"] == 0
    assert [row["run"] for row in _rows(spec, "text") if "run" in row] == ["B"]
    assert {row["run"] for row in _rows(spec, "line")} == {"A", "B", "C"}


def test_selection_chart_threshold_on_the_optimized_axis_is_horizontal():
    spec = _selection_spec(["accuracy>=91%"])
    rule_layer = next(layer for layer in spec["layer"]
                      if layer["mark"]["type"] == "rule")
    assert "y" in rule_layer["encoding"] and "x" not in rule_layer["encoding"]
    (region,) = _rows(spec, "rect")
    assert region["y"] == pytest.approx(0.91)


def test_selection_chart_without_thresholds_has_no_rule_or_region():
    spec = _selection_spec([])
    assert _rows(spec, "rule") == [] and _rows(spec, "rect") == []
    # The winner, D, has no latency: it cannot be placed, so no point is marked as winner.
    assert {r["status"] for r in _rows(spec, "point")} == {"feasible"}
    assert [row for row in _rows(spec, "text") if "run" in row] == []


def test_selection_chart_thresholds_that_exclude_everything_shade_nothing():
    spec = _selection_spec(["latency_ms<=10", "latency_ms>=20"])
    assert _rows(spec, "rect") == []
    assert len(_rows(spec, "rule")) == 2


def _runs(created: bool) -> list[Run]:
    return [Run(name=f"r{i}", dev_error=e, created=datetime(2026, 10, i) if created else None)
            for i, e in enumerate([0.08, 0.06, 0.05], start=1)]


def test_trend_chart_draws_the_change_marks_on_dated_runs():
    spec = trend_chart(_runs(True), "dev_error", [(date(2026, 10, 2), "Dev set: mobile only")],
                       winner="r3").to_dict()
    assert [row["value"] for row in _rows(spec, "line")] == [0.08, 0.06, 0.05]
    marks = _rows(spec, "rule")
    assert [m["label"] for m in marks] == ["Dev set: mobile only"]
    assert str(marks[0]["when"]).startswith("2026-10-02")
    assert [row["run"] for row in _rows(spec, "point") if row["is_winner"]] == ["r3", "r3"]


def test_trend_chart_without_run_dates_uses_order_and_drops_marks():
    spec = trend_chart(_runs(False), "dev_error", [(date(2026, 10, 2), "x")]).to_dict()
    assert _rows(spec, "rule") == []
    assert spec["layer"][0]["encoding"]["x"]["field"] == "order"


def test_trend_chart_truncates_long_mark_labels():
    label = "Metric: " + "very long explanation " * 5
    spec = trend_chart(_runs(True), "dev_error", [(date(2026, 10, 2), label)]).to_dict()
    (text,) = _rows(spec, "text")
    assert len(text["short"]) == 40 and text["short"].endswith("…")
    assert text["label"] == label


def test_weighted_chart_one_point_per_run_and_kind():
    comparison = compare_weighted([WeightedRow("A", 13, 1 / 13, 10 / 22),
                                   WeightedRow("B", 13, 2 / 13, None)], "w")
    spec = weighted_chart(comparison).to_dict()
    assert [(r["run"], r["kind"]) for r in _rows(spec, "point")] == [("A", "plain"),
                                                                     ("A", "weighted")]
