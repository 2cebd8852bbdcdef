"""Charts of the diagnosis pages, checked without a browser: the data they draw and the
layers a reader relies on (labels, colours by gap kind, whiskers, change marks)."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from strategy_core.charts.diagnosis import (
    GAP_COLORS,
    chain_chart,
    chain_frame,
    staircase_chart,
    staircase_frame,
    trend_chart,
    trend_frame,
)
from strategy_core.checklist import RealWorld, evaluate_chain
from strategy_core.diagnosis import ErrorLevels, decompose, diagnose_runs
from strategy_core.runs import Run


def spec(chart) -> dict:
    return chart.to_dict()  # validates against the Vega-Lite schema


def marks(chart_spec: dict) -> list[str]:
    out = []
    for layer in chart_spec["layer"]:
        mark = layer["mark"]
        out.append(mark if isinstance(mark, str) else mark["type"])
    return out


def test_staircase_rows_are_the_levels_with_the_gap_from_the_level_before():
    frame = staircase_frame(decompose(ErrorLevels(0.005, 0.01, 0.015, 0.029, 0.033)))
    assert frame["level"].tolist() == ["Human level", "Training", "Training-dev", "Dev", "Test"]
    assert frame["gap_kind"].tolist()[1:] == ["Avoidable bias", "Variance", "Data mismatch",
                                              "Dev overfitting"]
    assert frame["gap_from"].tolist()[1:] == pytest.approx([0.005, 0.01, 0.015, 0.029])
    assert frame["error_label"].tolist() == ["0.5%", "1.0%", "1.5%", "2.9%", "3.3%"]
    assert frame["gap_label"].tolist() == ["", "+0.5 pts", "+0.5 pts", "+1.4 pts · focus",
                                           "+0.4 pts"]
    assert frame["is_focus"].tolist() == [False, False, False, True, False]


def test_staircase_without_train_dev_puts_variance_between_training_and_dev():
    frame = staircase_frame(decompose(ErrorLevels(None, 0.02, None, 0.10)))
    assert frame["level"].tolist() == ["Training", "Dev"]
    assert frame["gap_kind"].isna().tolist() == [True, False]
    assert frame.loc[1, "gap_kind"] == "Variance"
    assert frame.loc[1, "gap_label"] == "+8.0 pts · focus"


def test_staircase_marks_a_negative_gap():
    frame = staircase_frame(decompose(ErrorLevels(0.04, 0.07, 0.10, 0.06, 0.06)))
    dev = frame.set_index("level").loc["Dev"]
    assert dev["gap_label"] == "−4.0 pts" and not dev["positive"]
    assert dev["base"] == pytest.approx(0.06)  # the grey bar stops at the lower level


def test_staircase_has_whiskers_only_when_set_sizes_are_known():
    sized = decompose(ErrorLevels(0.01, 0.08, None, 0.10, n_train=1000, n_dev=1000))
    frame = staircase_frame(sized)
    training = frame.set_index("level").loc["Training"]
    interval = sized.intervals["avoidable_bias"]
    assert training["gap_low"] == pytest.approx(0.01 + interval.low)
    assert training["gap_high"] == pytest.approx(0.01 + interval.high)
    assert "errorbar" in marks(spec(staircase_chart(sized)))
    assert "errorbar" not in marks(spec(staircase_chart(decompose(ErrorLevels(0.01, 0.08,
                                                                             None, 0.10)))))


def test_staircase_colours_each_gap_kind_and_shows_percent():
    chart_spec = spec(staircase_chart(decompose(ErrorLevels(0.005, 0.01, 0.015, 0.029, 0.033)),
                                      title="efficientnet"))
    text = json.dumps(chart_spec)
    assert all(color in text for color in GAP_COLORS.values())
    assert '".1~%"' in text  # error axis in percent
    assert chart_spec["title"] == "efficientnet"


def test_staircase_of_nothing_still_draws():
    assert spec(staircase_chart(decompose(ErrorLevels())))["layer"]


def runs_over_time(created=True):
    days = [datetime(2026, 8, 3), datetime(2026, 9, 4), datetime(2026, 11, 16)]
    levels = [(0.12, 0.124, 0.141), (0.009, 0.056, 0.070), (0.010, 0.015, 0.029)]
    return [Run(f"run{i}", created=day if created else None, train_error=t,
                train_dev_error=td, dev_error=d, n_train=200_000, n_train_dev=2500, n_dev=2500)
            for i, (day, (t, td, d)) in enumerate(zip(days, levels, strict=True))]


def test_trend_rows_are_gaps_in_points_with_the_focus_marked():
    frame = trend_frame(diagnose_runs(runs_over_time(), 0.005))
    focus = frame[frame["is_focus"]]
    assert focus["gap_kind"].tolist() == ["Avoidable bias", "Variance", "Data mismatch"]
    assert focus["points"].tolist() == pytest.approx([11.5, 4.7, 1.4])
    assert frame["low"].notna().all()  # sizes known: every gap has its band


def test_trend_draws_change_marks_as_labelled_rules_on_a_time_axis():
    diagnoses = diagnose_runs(runs_over_time(), 0.005)
    plain = spec(trend_chart(diagnoses))
    marked = spec(trend_chart(diagnoses, [(date(2026, 10, 15), "dev set: mobile only")]))
    assert marks(marked).count("rule") == marks(plain).count("rule") + 1
    assert "dev set: mobile only" in json.dumps(marked)
    assert "area" in marks(plain)  # interval bands


def test_trend_without_created_times_orders_runs_and_skips_change_marks():
    diagnoses = diagnose_runs(runs_over_time(created=False), 0.005)
    chart_spec = spec(trend_chart(diagnoses, [(date(2026, 10, 15), "ignored")]))
    assert "ignored" not in json.dumps(chart_spec)
    x = chart_spec["layer"][-1]["encoding"]["x"]
    assert x["field"] == "run" and x["sort"] == ["run0", "run1", "run2"]


def test_chain_rows_show_gaps_judgements_and_unknowns():
    chain = evaluate_chain(ErrorLevels(0.005, 0.01, 0.015, 0.029, 0.033),
                           real_world=RealWorld("not_ok"))
    frame = chain_frame(chain)
    assert frame["status"].tolist() == ["green", "green", "red", "green", "red"]
    assert frame["label"].tolist() == ["0.5 pts", "0.5 pts", "1.4 pts", "0.4 pts",
                                       "judged not ok"]
    assert frame["focus"].tolist() == [False, False, True, False, False]
    unknown = chain_frame(evaluate_chain(ErrorLevels(None, 0.01, None, 0.03)))
    assert unknown["label"].tolist()[2:] == ["unknown", "unknown", "unknown"]
    text = json.dumps(spec(chain_chart(chain)))
    assert "tolerance 0.5 pts" in text


def test_trend_draws_only_the_newest_runs_when_there_are_many():
    diagnoses = diagnose_runs(runs_over_time(), 0.005)
    text = json.dumps(spec(trend_chart(diagnoses, max_runs=2)))
    assert '"run1"' in text and '"run2"' in text and '"run0"' not in text
