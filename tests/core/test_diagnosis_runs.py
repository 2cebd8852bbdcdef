"""Decompositions across runs (docs/rules.md §1): a stored run's levels, the verdict sentence, the
trend sentence and the table of every run."""

from __future__ import annotations

from datetime import datetime

import pytest

from strategy_core.diagnosis import (
    TABLE_COLUMNS,
    ErrorLevels,
    decompose,
    decomposition_table,
    diagnose_runs,
    focus_verdict,
    format_interval,
    levels_of_run,
    trend_summary,
)
from strategy_core.rates import parse_rate
from strategy_core.runs import Run
from strategy_core.stats import Interval


def run(name, t=None, td=None, d=None, x=None, day=1, **sizes) -> Run:
    rates = {field: None if text is None else parse_rate(text) for field, text in
             {"train_error": t, "train_dev_error": td, "dev_error": d, "test_error": x}.items()}
    return Run(name=name, created=datetime(2026, 8, day), **rates, **sizes)


def test_levels_of_run_take_the_errors_sizes_and_the_human_level():
    stored = run("a", "8%", "9%", "10%", "11%", n_train=1000, n_train_dev=200, n_dev=300,
                 n_test=400)
    assert levels_of_run(stored, 0.01) == ErrorLevels(0.01, 0.08, 0.09, 0.10, 0.11, 1000, 200,
                                                      300, 400)
    assert levels_of_run(stored, None).human is None


def test_diagnose_runs_keeps_the_order_and_uses_one_human_level():
    runs = [run("old", "8%", None, "10%", day=1), run("new", "1%", None, "5%", day=2)]
    diagnoses = diagnose_runs(runs, 0.005)
    assert [item.run.name for item in diagnoses] == ["old", "new"]
    assert [item.decomposition.focus for item in diagnoses] == ["avoidable_bias", "variance"]
    assert all(item.decomposition.levels.human == 0.005 for item in diagnoses)


@pytest.mark.parametrize(
    ("levels", "run_name", "expected"),
    [
        (ErrorLevels(0.01, 0.08, None, 0.10), "baseline",
         "Work on avoidable bias for run baseline: at 7.0 pts (training − human level) it is "
         "the largest gap."),
        (ErrorLevels(0.075, 0.08, None, 0.10), None,
         "Work on variance: at 2.0 pts (dev − training) it is the largest gap."),
        (ErrorLevels(0.0, 0.01, 0.015, 0.10), None,
         "Work on data mismatch: at 8.5 pts (dev − training-dev) it is the largest gap."),
        (ErrorLevels(0.045, 0.05, None, 0.06, n_train=100, n_dev=100), None,
         "Tentatively, work on variance: at 1.0 pts (dev − training) it is the largest gap, "
         "though on these set sizes it is not significant."),
        (ErrorLevels(0.05, 0.05, None, 0.05), "r",
         "No gap is positive for run r: check the model in the real world and, if it falls "
         "short there, change the dev set or the metric."),
        (ErrorLevels(), None, "No diagnosis: record the training and dev errors first."),
    ],
    ids=["H1_T8_D10-bias", "H7.5_T8_D10-variance_without_train_dev",
         "H0_T1_TD1.5_D10-data_mismatch", "small_sets-focus_not_significant",
         "no_positive_gap", "nothing_recorded"],
)
def test_focus_verdict_is_one_sentence_with_the_number_and_the_rule(levels, run_name,
                                                                    expected):
    assert focus_verdict(decompose(levels), run_name) == expected


# The demo's story in miniature: bias-limited, then variance-limited, then data mismatch.
STORY = [
    run("logreg", "12%", "12.4%", "14.1%", day=3),
    run("cnn", "8.1%", "8.6%", "10.2%", day=12),
    run("resnet", "0.9%", "5.6%", "7%", day=20),
    run("resnet-dropout", "1.1%", "3%", "6.4%", day=23),
    run("mobile", "1.3%", "1.8%", "3.2%", day=28),
]


@pytest.mark.parametrize(
    ("runs", "expected"),
    [
        (STORY[:1], None),
        (STORY[:2], "Avoidable bias has been the focus for the last 2 runs: fell from 11.5 pts "
                    "to 7.6 pts since logreg."),
        (STORY[:3], "Variance became the focus with this run; the previous focus, avoidable "
                    "bias, fell from 7.6 pts to 0.4 pts since cnn."),
        (STORY[:4], "Data mismatch became the focus with this run; the previous focus, "
                    "variance, fell from 4.7 pts to 1.9 pts since resnet."),
        (STORY, "Data mismatch has been the focus for the last 2 runs: fell from 3.4 pts to "
                "1.4 pts since resnet-dropout."),
        (STORY[:4] + [run("same", "1.1%", "3%", "6.4%", day=24)],
         "Data mismatch has been the focus for the last 2 runs: held at 3.4 pts since "
         "resnet-dropout."),
    ],
    ids=["one_run-no_trend", "bias_streak", "focus_moves_to_variance",
         "focus_moves_to_data_mismatch", "data_mismatch_streak_falling", "gap_held"],
)
def test_trend_summary_says_whether_the_work_moved_the_gap(runs, expected):
    assert trend_summary(diagnose_runs(runs, 0.005)) == expected


def test_decomposition_table_has_every_run_levels_and_gaps_as_fractions():
    runs = [STORY[0], run("sized", "5%", None, "6%", day=30, n_train=100, n_dev=100)]
    table = decomposition_table(diagnose_runs(runs, None))
    assert list(table.columns) == list(TABLE_COLUMNS)
    assert table["run"].tolist() == ["logreg", "sized"]
    assert table.loc[0, "variance"] == pytest.approx(0.004)
    assert table.loc[0, "data_mismatch"] == pytest.approx(0.017)
    assert table["avoidable_bias"].isna().all()
    # No human level: avoidable bias could be as large as the training error (12% and 5%),
    # more than any measured gap, so neither run has a focus (docs/rules.md §1).
    assert table["focus"].tolist() == ["not enough information"] * 2
    assert table.loc[0, "focus_significant"] is None  # no focus, no interval read
    assert table.loc[1, "focus_significant"] is None
    assert table.loc[0, "flags"] == "No human level"


@pytest.mark.parametrize(
    ("interval", "text"),
    [(Interval(0.006, 0.022), "0.6 pts to 2.2 pts"),
     (Interval(0.0046, 0.0054), "0.46 pts to 0.54 pts")],
    ids=["wide-one_decimal", "narrower_than_0.2_points-two_decimals"],
)
def test_format_interval(interval, text):
    assert format_interval(interval) == text


def test_diagnosing_many_runs_at_once_equals_one_run_at_a_time():
    runs = [run("sized", "8%", "9%", "10%", "11%", n_train=10_000, n_train_dev=1_000,
                n_dev=1_000, n_test=500),
            run("no-train-dev", "5%", None, "6%", None, n_train=20_000, n_dev=5_000),
            run("dev-only-size", "5%", "6%", "8%", "9%", n_dev=1_000, n_test=1_000),
            run("no-sizes", "1%", "2%", "3%")]
    together = diagnose_runs(runs, 0.01, confidence=0.9)
    assert [item.decomposition for item in together] == [
        decompose(levels_of_run(item, 0.01), confidence=0.9) for item in runs]
    assert set(together[0].decomposition.intervals) == {"avoidable_bias", "variance",
                                                         "data_mismatch", "dev_overfitting"}
    assert set(together[2].decomposition.intervals) == {"dev_overfitting"}
    assert together[3].decomposition.intervals == {}
