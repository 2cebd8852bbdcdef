"""Charts of the guide pages, checked without a browser: the data they draw, the marks a
reader relies on (the line of what you have, the focus colour, the half-of-all-data line)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from strategy_core.charts.guides import (
    FOCUS_COLOR,
    SYSTEM_LABEL,
    blame_chart,
    blame_frame,
    coverage_chart,
    end_to_end_chart,
    label_matrix_chart,
    levels_frame,
    pipeline_levels_chart,
    task_data_chart,
    task_data_frame,
    transfer_chart,
)
from strategy_core.guides import (
    END_TO_END_PRESETS,
    MULTITASK_PRESETS,
    TRANSFER_PRESETS,
    ComponentLevel,
    blame_tally,
    end_to_end_verdict,
    label_coverage,
    multitask_verdict,
    pipeline_check,
    transfer_verdict,
)


def spec(chart) -> dict:
    return chart.to_dict()  # validates against the Vega-Lite schema


def layer_data(chart_spec: dict) -> list[list[dict]]:
    """The inline rows of each layer (Altair moves them into `datasets`)."""
    datasets = chart_spec.get("datasets", {})
    shared = chart_spec.get("data", {}).get("name")
    return [datasets[layer.get("data", {}).get("name", shared)] for layer in chart_spec["layer"]]


@pytest.mark.parametrize(
    ("preset", "examples"),
    [("machine_translation", 5_000_000), ("face_recognition_turnstile", 10_000)],
    ids=["machine_translation", "face_recognition_turnstile"],
)
def test_end_to_end_chart_draws_thresholds_and_your_examples(preset, examples):
    result = end_to_end_verdict(**END_TO_END_PRESETS[preset]["inputs"])
    chart_spec = spec(end_to_end_chart(result))
    bars, _, rule, _ = layer_data(chart_spec)
    assert [(row["complexity"], row["value"], row["chosen"]) for row in bars] == [
        ("Low", 10_000, False), ("Medium", 100_000, False), ("High", 1_000_000, True)]
    assert rule == [{"value": examples, "label": f"you have {examples:,}"}]
    scale = chart_spec["layer"][0]["encoding"]["x"]["scale"]
    assert scale["type"] == "log"
    low, high = scale["domain"]
    assert low <= min(examples, 10_000) and high >= max(examples, 1_000_000)
    assert all(row["base"] == low for row in bars)  # log bars start inside the domain


def test_blame_chart_in_pipeline_order_with_the_focus_marked():
    tally = blame_tally(["detect face", "crop", "identify"],
                        {"detect face": 23, "crop": 9, "identify": 68})
    frame = blame_frame(tally)
    assert frame["component"].tolist() == ["detect face", "crop", "identify"]
    assert frame["focus"].tolist() == [False, False, True]
    assert frame["label"].tolist() == ["23 (23.0%)", "9 (9.0%)", "68 (68.0%)"]
    assert (frame["low"] <= frame["share"]).all() and (frame["share"] <= frame["high"]).all()
    chart_spec = spec(blame_chart(tally))
    assert FOCUS_COLOR in json.dumps(chart_spec)
    assert len(chart_spec["layer"]) == 3  # bars, interval whiskers, labels


def test_blame_chart_without_attributions_has_no_whiskers():
    chart_spec = spec(blame_chart(blame_tally(["a", "b"], {})))
    assert "layer" not in chart_spec
    assert chart_spec["mark"]["type"] == "bar"


def test_pipeline_levels_chart_marks_near_and_behind():
    check = pipeline_check([ComponentLevel("detect", 0.01, 0.008),
                            ComponentLevel("identify", 0.05, 0.018)], "9%", "1%")
    frame = levels_frame(check)
    assert frame["part"].tolist() == ["detect", "identify", SYSTEM_LABEL]
    assert frame["status"].tolist() == ["near human level", "above human level",
                                        "above human level"]
    assert frame["gap_label"].tolist() == ["+0.2 pts", "+3.2 pts", "+8.0 pts"]
    assert len(spec(pipeline_levels_chart(check))["layer"]) == 4


def test_transfer_chart_marks_what_task_a_needs():
    result = transfer_verdict(**TRANSFER_PRESETS["image_to_radiology"]["inputs"])
    bars, _, rule, _ = layer_data(spec(transfer_chart(result)))
    assert [(row["task"], row["value"]) for row in bars] == [
        ("Task A (source)", 1_000_000), ("Task B (target)", 100)]
    assert rule == [{"value": 1_000.0, "label": "A needs 10× B"}]


def test_task_data_chart_draws_half_of_all_data():
    result = multitask_verdict(**MULTITASK_PRESETS["one_dominant_task"]["inputs"])
    frame = task_data_frame(result)
    assert frame["dominant"].tolist() == [True, False, False, False]
    assert frame["label"].tolist()[0] == "1,000,000 (99.7%)"
    _, _, rule, _ = layer_data(spec(task_data_chart(result)))
    assert rule == [{"value": 501_500.0, "label": "half of all data"}]


def test_coverage_and_matrix_charts():
    matrix = pd.DataFrame({"car": ["1", None, "0"], "sign": [None, None, "1"]})
    coverage = label_coverage(matrix)
    chart_spec = spec(coverage_chart(coverage))
    rows = next(iter(chart_spec["datasets"].values()))
    assert [(r["task"], r["kind"], r["count"]) for r in rows] == [
        ("car", "labeled", 2), ("car", "missing", 1), ("sign", "labeled", 1),
        ("sign", "missing", 2)]
    grid = spec(label_matrix_chart(matrix, ["car", "sign"], rows=2))
    cells = next(iter(grid["datasets"].values()))
    assert [(c["example"], c["task"], c["label"]) for c in cells] == [
        (1, "car", "labeled"), (1, "sign", "missing"), (2, "car", "missing"),
        (2, "sign", "missing")]
