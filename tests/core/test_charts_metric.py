"""The diagnosis charts speak the project metric they draw (docs/rules.md §16): a word error
rate keeps a percent axis and gaps in points but is titled with its name; an MAE gets a
plain number axis titled with its name and unit; the error rate reads as it always did."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from strategy_core.charts.diagnosis import (
    chain_chart,
    chain_frame,
    staircase_chart,
    staircase_frame,
    trend_chart,
    trend_frame,
)
from strategy_core.checklist import evaluate_chain
from strategy_core.diagnosis import ErrorLevels, decompose, diagnose_runs
from strategy_core.runs import Run
from strategy_core.values.project_metric import ERROR_RATE, PRESETS, with_changes

WER = PRESETS["wer"]
MAE = PRESETS["mae"]
MAE_YEARS = with_changes(MAE, unit="years")


def y_encoding(chart) -> dict:
    return chart.to_dict()["layer"][0]["encoding"]["y"]


def tooltip_of(chart, field: str) -> dict:
    tips = chart.to_dict()["layer"][0]["encoding"]["tooltip"]
    return next(tip for tip in tips if tip["field"] == field)


def wer_decomposition(**sizes):
    return decompose(ErrorLevels(0.045, 0.061, 0.070, 0.140, 0.146, metric=WER, **sizes))


def mae_decomposition(metric=MAE_YEARS):
    return decompose(ErrorLevels(1.8, 2.4, 2.6, 3.9, 4.1, metric=metric))


# -- staircase ------------------------------------------------------------------------------

def test_wer_staircase_reads_percent_and_points_titled_with_the_metric():
    decomposition = wer_decomposition()
    frame = staircase_frame(decomposition)
    assert frame["error_label"].tolist() == ["4.5%", "6.1%", "7.0%", "14.0%", "14.6%"]
    assert frame["gap_label"].tolist() == ["", "+1.6 pts", "+0.9 pts", "+7.0 pts · focus",
                                           "+0.6 pts"]
    chart = staircase_chart(decomposition)
    y = y_encoding(chart)
    assert y["axis"]["format"] == ".1~%"
    assert y["axis"]["title"] == "Word error rate"
    assert tooltip_of(chart, "error") == {"field": "error", "format": ".2%",
                                          "title": "Word error rate", "type": "quantitative"}
    assert '"Error"' not in json.dumps(chart.to_dict())


def test_wer_above_100_percent_still_draws():
    decomposition = decompose(ErrorLevels(0.045, 0.60, None, 1.25, metric=WER))
    frame = staircase_frame(decomposition)
    assert frame["error_label"].tolist() == ["4.5%", "60.0%", "125.0%"]
    y = y_encoding(staircase_chart(decomposition))
    assert y["scale"]["domain"][1] == pytest.approx(1.25 * 1.22)


def test_mae_staircase_is_a_plain_number_axis_with_the_name_and_unit():
    decomposition = mae_decomposition()
    frame = staircase_frame(decomposition)
    assert frame["error_label"].tolist() == ["1.800 years", "2.400 years", "2.600 years",
                                             "3.900 years", "4.100 years"]
    assert frame["gap_label"].tolist() == ["", "+0.600 years", "+0.200 years",
                                           "+1.300 years · focus", "+0.200 years"]
    chart = staircase_chart(decomposition)
    y = y_encoding(chart)
    assert y["axis"]["title"] == "MAE (years)"
    assert y["axis"]["format"] == ",.3~f"
    assert "%" not in y["axis"]["format"]
    assert y["scale"]["domain"] == [0, pytest.approx(4.1 * 1.22)]
    tip = tooltip_of(chart, "error")
    assert tip["title"] == "MAE (years)" and "%" not in tip["format"]


def test_mae_without_a_unit_is_titled_with_its_name_alone():
    chart = staircase_chart(mae_decomposition(MAE))
    assert y_encoding(chart)["axis"]["title"] == "MAE"
    assert staircase_frame(mae_decomposition(MAE))["error_label"].tolist()[0] == "1.800"


def test_a_metric_that_can_be_negative_gets_room_below_zero():
    reward = PRESETS["reward"]
    decomposition = decompose(ErrorLevels(12.0, 4.0, None, -3.0, metric=reward))
    domain = y_encoding(staircase_chart(decomposition))["scale"]["domain"]
    assert domain[0] < -3.0 < 12.0 < domain[1]


def test_error_rate_staircase_is_unchanged():
    decomposition = decompose(ErrorLevels(0.005, 0.01, 0.015, 0.029, 0.033))
    assert decomposition.metric == ERROR_RATE
    chart = staircase_chart(decomposition)
    y = y_encoding(chart)
    assert y["axis"] == {"format": ".1~%", "grid": True, "tickCount": 6, "title": "Error"}
    assert y["scale"]["domain"][0] == 0
    assert tooltip_of(chart, "error") == {"field": "error", "format": ".2%", "title": "Error",
                                          "type": "quantitative"}
    assert staircase_frame(decomposition)["error_label"].tolist() == \
        ["0.5%", "1.0%", "1.5%", "2.9%", "3.3%"]


# -- trend ----------------------------------------------------------------------------------

def runs(values):
    days = [datetime(2026, 10, 1), datetime(2026, 10, 19), datetime(2026, 11, 20)]
    return [Run(f"run{i}", created=day, train_error=t, train_dev_error=td, dev_error=d)
            for i, (day, (t, td, d)) in enumerate(zip(days, values, strict=True))]


def test_wer_trend_is_in_points_titled_with_the_metric():
    diagnoses = diagnose_runs(runs([(0.215, 0.228, 0.310), (0.058, 0.071, 0.192),
                                    (0.061, 0.070, 0.140)]), 0.045, metric=WER)
    frame = trend_frame(diagnoses)
    focus = frame[frame["is_focus"]]
    assert focus["points"].tolist() == pytest.approx([17.0, 12.1, 7.0])
    assert focus["label"].tolist() == ["17.0 pts", "12.1 pts", "7.0 pts"]
    text = json.dumps(trend_chart(diagnoses).to_dict())
    assert "Word error rate gap (percentage points)" in text


def test_mae_trend_is_in_the_metric_units():
    diagnoses = diagnose_runs(runs([(3.0, 3.1, 4.0), (2.4, 2.6, 3.9), (2.4, 2.5, 3.1)]), 1.8,
                              metric=MAE_YEARS)
    frame = trend_frame(diagnoses)
    focus = frame[frame["is_focus"]]
    assert focus["points"].tolist() == pytest.approx([1.2, 1.3, 0.6])
    assert focus["label"].tolist() == ["1.200 years", "1.300 years", "0.600 years"]
    text = json.dumps(trend_chart(diagnoses).to_dict())
    assert "MAE gap (years)" in text and "percentage points" not in text


def test_error_rate_trend_is_unchanged():
    diagnoses = diagnose_runs(runs([(0.12, 0.124, 0.141), (0.009, 0.056, 0.070),
                                    (0.010, 0.015, 0.029)]), 0.005)
    frame = trend_frame(diagnoses)
    assert frame[frame["is_focus"]]["points"].tolist() == pytest.approx([11.5, 4.7, 1.4])
    assert frame[frame["is_focus"]]["label"].tolist() == ["11.5 pts", "4.7 pts", "1.4 pts"]
    assert '"Gap (percentage points)"' in json.dumps(trend_chart(diagnoses).to_dict())


# -- chain ----------------------------------------------------------------------------------

def test_wer_chain_reads_points_against_the_tolerance():
    chain = evaluate_chain(wer_decomposition(), tolerance=0.01)
    frame = chain_frame(chain)
    assert frame["label"].tolist()[:4] == ["1.6 pts", "0.9 pts", "7.0 pts", "0.6 pts"]
    assert frame["points"].tolist()[:4] == pytest.approx([1.6, 0.9, 7.0, 0.6])
    x = chain_chart(chain).to_dict()["layer"][0]["encoding"]["x"]
    assert x["title"] == ("Word error rate gap (percentage points); dashed line: "
                          "tolerance 1.0 pts")


def test_mae_chain_is_in_the_metric_units():
    chain = evaluate_chain(mae_decomposition(), tolerance=0.5)
    frame = chain_frame(chain)
    assert frame["label"].tolist()[:4] == ["0.600 years", "0.200 years", "1.300 years",
                                           "0.200 years"]
    assert frame["points"].tolist()[:4] == pytest.approx([0.6, 0.2, 1.3, 0.2])
    chart = chain_chart(chain).to_dict()
    assert chart["layer"][0]["encoding"]["x"]["title"] == \
        "MAE gap (years); dashed line: tolerance 0.500 years"
    assert [{"tolerance": 0.5}] in chart["datasets"].values()  # the rule in years


def test_error_rate_chain_is_unchanged():
    chain = evaluate_chain(ErrorLevels(0.005, 0.01, 0.015, 0.029, 0.033))
    x = chain_chart(chain).to_dict()["layer"][0]["encoding"]["x"]
    assert x["title"] == "Gap (percentage points); dashed line: tolerance 0.5 pts"
    assert chain_frame(chain)["points"].tolist()[:4] == pytest.approx([0.5, 0.5, 1.4, 0.4])
