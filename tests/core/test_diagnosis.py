"""Gap decomposition (docs/rules.md §1): the worked examples, ties, flags, intervals."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest

from strategy_core.diagnosis import (
    FLAG_EXPLANATIONS,
    GAP_ACTIONS,
    GAP_NAMES,
    GAPS,
    REAL_WORLD_ACTION,
    RECORD_LEVELS_ACTION,
    ErrorLevels,
    decompose,
    runner_up_note,
    summary,
)
from strategy_core.errors import InputError
from strategy_core.rates import parse_rate


def levels(h=None, t=None, td=None, d=None, x=None, **sizes) -> ErrorLevels:
    """Error levels typed as a user types them ("8%"), so the floats are the real ones."""
    rate = {
        name: None if text is None else parse_rate(text)
        for name, text in {"human": h, "train": t, "train_dev": td, "dev": d, "test": x}.items()
    }
    return ErrorLevels(**rate, **sizes)


def points(value):
    return None if value is None else value / 100


# docs/rules.md §1 worked examples, every row: levels, focus, gaps in points (avoidable bias,
# variance, data mismatch, dev overfitting), flags exactly as in the spec, gap close behind.
WORKED_EXAMPLES = [
    (("1%", "8%", None, "10%", None), "avoidable_bias", (7, 2, None, None), (), None),
    (("7.5%", "8%", None, "10%", None), "variance", (0.5, 2, None, None), (), None),
    (("0.5%", "5%", None, "6%", None), "avoidable_bias", (4.5, 1, None, None), (), None),
    (("0.5%", "1%", None, "5%", None), "variance", (0.5, 4, None, None), (), None),
    (("0.5%", "0.7%", None, "0.8%", None), "avoidable_bias", (0.2, 0.1, None, None), (),
     "variance"),
    (
        ("0.5%", "0.3%", None, "0.4%", None),
        "variance",
        (-0.2, 0.1, None, None),
        ("below_human",),
        None,
    ),
    (("0%", "1%", "9%", "10%", None), "variance", (1, 8, 1, None), (), None),
    (("0%", "1%", "1.5%", "10%", None), "data_mismatch", (1, 0.5, 8.5, None), (), None),
    (("0%", "10%", "11%", "12%", None), "avoidable_bias", (10, 1, 1, None), (), None),
    (("0%", "10%", "11%", "20%", None), "avoidable_bias", (10, 1, 9, None), (), "data_mismatch"),
    (("4%", "7%", "10%", "6%", "6%"), "avoidable_bias", (3, 3, -4, 0), ("dev_easier",), "variance"),
]
WORKED_IDS = [
    "H1_T8_D10-bias_7_vs_variance_2",
    "H7.5_T8_D10-variance_2_vs_bias_0.5",
    "H0.5_T5_D6-bias_4.5",
    "H0.5_T1_D5-variance_4",
    "H0.5_T0.7_D0.8-bias_0.2_vs_variance_0.1_half_of_it",
    "H0.5_T0.3_D0.4-variance_below_human",
    "H0_T1_TD9_D10-variance_8",
    "H0_T1_TD1.5_D10-data_mismatch_8.5",
    "H0_T10_TD11_D12-bias_10",
    "H0_T10_TD11_D20-bias_10_mismatch_9_close_behind",
    "H4_T7_TD10_D6_X6-bias_tied_with_variance_dev_easier",
]


@pytest.mark.parametrize(
    ("rates", "focus", "gap_points", "flags", "runner_up"), WORKED_EXAMPLES, ids=WORKED_IDS
)
def test_worked_examples_of_spec_4_1(rates, focus, gap_points, flags, runner_up):
    result = decompose(levels(*rates))
    assert result.focus == focus
    for name, expected in zip(GAP_NAMES, gap_points, strict=True):
        if expected is None:
            assert getattr(result, name) is None, name
        else:
            assert getattr(result, name) == pytest.approx(points(expected), abs=1e-12), name
    assert result.flags == flags
    assert result.runner_up == runner_up
    assert result.actions == GAP_ACTIONS[focus]
    assert result.intervals == {}  # no set sizes in the spec table


def test_last_worked_example_really_is_a_floating_point_tie():
    result = decompose(levels("4%", "7%", "10%", "6%", "6%"))
    assert result.avoidable_bias != result.variance
    assert abs(result.avoidable_bias - result.variance) < 1e-9


@pytest.mark.parametrize(
    ("later_excess", "focus", "runner_up"),
    [
        (5e-10, "avoidable_bias", "variance"),
        (-5e-10, "avoidable_bias", "variance"),
        (2e-9, "variance", "avoidable_bias"),
    ],
    ids=[
        "later_row_larger_within_1e-9-earlier_wins",
        "later_row_smaller-earlier_wins",
        "later_row_larger_beyond_1e-9-later_wins",
    ],
)
def test_ties_within_1e_9_go_to_the_earlier_row(later_excess, focus, runner_up):
    result = decompose(ErrorLevels(human=0.0, train=0.1, train_dev=0.2 + later_excess, dev=0.2))
    assert result.focus == focus
    assert result.runner_up == runner_up


@pytest.mark.parametrize(
    ("rates", "runner_up"),
    [
        (("0%", "10%", "11%", "16%"), "data_mismatch"),  # 5 of 10: exactly half
        (("0%", "10%", "11%", "15.9%"), None),  # 4.9 of 10
    ],
    ids=["second_gap_at_half_the_focus-close_behind", "second_gap_below_half-not_close"],
)
def test_close_behind_means_at_least_half_the_focus_gap(rates, runner_up):
    assert decompose(levels(*rates)).runner_up == runner_up


@pytest.mark.parametrize(
    ("rates", "actions"),
    [
        (("5%", "5%", None, "5%", None), (REAL_WORLD_ACTION,)),
        (("5%", "4%", "4%", "3%", "2%"), (REAL_WORLD_ACTION,)),
        ((None, None, None, None, None), (RECORD_LEVELS_ACTION,)),
    ],
    ids=["all_gaps_zero", "all_gaps_negative", "nothing_recorded"],
)
def test_focus_is_none_when_no_gap_is_positive(rates, actions):
    result = decompose(levels(*rates))
    assert result.focus == "none"
    assert result.runner_up is None
    assert result.actions == actions


def test_gaps_need_their_levels_and_variance_falls_back_to_dev_minus_train():
    no_train_dev = decompose(levels("1%", "5%", None, "8%", None))
    assert no_train_dev.variance == pytest.approx(0.03)
    assert no_train_dev.variance_uses_dev
    assert no_train_dev.data_mismatch is None
    assert no_train_dev.dev_overfitting is None

    with_train_dev = decompose(levels("1%", "5%", "6%", "8%", "9%"))
    assert with_train_dev.variance == pytest.approx(0.01)  # TD − T, not D − T
    assert not with_train_dev.variance_uses_dev
    assert with_train_dev.data_mismatch == pytest.approx(0.02)
    assert with_train_dev.dev_overfitting == pytest.approx(0.01)

    no_train = decompose(levels("1%", None, "6%", "8%", "9%"))
    assert no_train.avoidable_bias is None and no_train.variance is None
    assert no_train.focus == "data_mismatch"


def test_without_human_level_bias_is_null_and_flagged():
    result = decompose(levels(None, "2%", None, "10%", None))
    assert result.avoidable_bias is None
    assert result.flags == ("no_human_level",)
    assert result.focus == "variance"
    assert result.flag_explanations == {"no_human_level": FLAG_EXPLANATIONS["no_human_level"]}


@pytest.mark.parametrize(
    ("rates", "flags"),
    [
        (("1%", "2%", "3%", "4%", "3%"), ("test_better",)),
        (("3%", "2%", "5%", "4%", "3%"), ("below_human", "dev_easier", "test_better")),
        ((None, "2%", "5%", "4%", "4%"), ("no_human_level", "dev_easier")),
        (("2%", "2%", "3%", "3%", "3%"), ()),
    ],
    ids=[
        "test_below_dev",
        "every_flag_but_no_human",
        "no_human_and_dev_easier",
        "equal_levels_raise_no_flag",
    ],
)
def test_flags(rates, flags):
    result = decompose(levels(*rates))
    assert result.flags == flags
    assert set(result.flag_explanations) == set(flags)


def test_every_flag_and_gap_has_words():
    assert set(FLAG_EXPLANATIONS) == {"below_human", "dev_easier", "test_better", "no_human_level"}
    assert [gap.name for gap in GAPS] == list(GAP_NAMES) == list(GAP_ACTIONS)
    assert all(GAP_ACTIONS[name] for name in GAP_NAMES)


# --- intervals, checked against the textbook formulas written out independently -------

Z95 = NormalDist().inv_cdf(0.975)


def textbook_wilson(p, n, z=Z95):
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def textbook_newcombe(p1, n1, p2, n2, z=Z95):
    """Newcombe (1998) method 10: hybrid score interval for p1 − p2."""
    l1, u1 = textbook_wilson(p1, n1, z)
    l2, u2 = textbook_wilson(p2, n2, z)
    d = p1 - p2
    return d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt(
        (u1 - p1) ** 2 + (p2 - l2) ** 2
    )


SIZED = dict(n_train=10_000, n_train_dev=1_000, n_dev=1_000, n_test=500)


def test_intervals_match_the_textbook_formulas():
    result = decompose(levels("1%", "8%", "9%", "10%", "11%", **SIZED))
    low, high = textbook_wilson(0.08, 10_000)
    expected = {
        "avoidable_bias": (low - 0.01, high - 0.01),  # human level is a constant
        "variance": textbook_newcombe(0.09, 1_000, 0.08, 10_000),
        "data_mismatch": textbook_newcombe(0.10, 1_000, 0.09, 1_000),
        "dev_overfitting": textbook_newcombe(0.11, 500, 0.10, 1_000),
    }
    assert set(result.intervals) == set(expected)
    for name, (low, high) in expected.items():
        assert result.intervals[name].low == pytest.approx(low, abs=1e-9), name
        assert result.intervals[name].high == pytest.approx(high, abs=1e-9), name
    assert result.significant == {
        "avoidable_bias": True,
        "variance": False,
        "data_mismatch": False,
        "dev_overfitting": False,
    }
    assert "not significant" in result.significance_note.lower()


def test_variance_interval_without_train_dev_compares_dev_with_train():
    result = decompose(levels("1%", "5%", None, "6%", None, n_train=20_000, n_dev=5_000))
    low, high = textbook_newcombe(0.06, 5_000, 0.05, 20_000)
    assert result.intervals["variance"].low == pytest.approx(low, abs=1e-9)
    assert result.intervals["variance"].high == pytest.approx(high, abs=1e-9)
    assert result.significant["variance"] is True


def test_confidence_level_changes_the_interval():
    result = decompose(levels("1%", "8%", None, "10%", None, n_train=1_000), confidence=0.9)
    low, high = textbook_wilson(0.08, 1_000, NormalDist().inv_cdf(0.95))
    assert result.intervals["avoidable_bias"].low == pytest.approx(low - 0.01, abs=1e-9)
    assert result.intervals["avoidable_bias"].high == pytest.approx(high - 0.01, abs=1e-9)
    assert "90%" in result.significance_note


def test_intervals_only_for_gaps_whose_two_sizes_are_known():
    result = decompose(levels("1%", "8%", "9%", "10%", "11%", n_dev=1_000, n_test=1_000))
    assert set(result.intervals) == {"dev_overfitting"}
    assert decompose(levels(None, "8%", None, "10%", None, n_train=100)).intervals == {}


@pytest.mark.parametrize(
    ("sizes", "focus_significant", "note_has"),
    [
        (dict(n_train=100, n_dev=100), False, "the focus, variance, is not significant"),
        (dict(n_train=100_000, n_dev=100_000), True, "significant at 95%"),
    ],
    ids=["small_sets-focus_may_be_noise", "large_sets-focus_stands"],
)
def test_significance_note_says_what_it_means_for_the_decision(sizes, focus_significant, note_has):
    result = decompose(levels("4.5%", "5%", None, "6%", None, **sizes))
    assert result.focus == "variance"
    assert result.significant["variance"] is focus_significant
    assert note_has in result.significance_note.lower()
    assert result.significance_note.count(". ") == 0  # one sentence


def test_no_significance_note_without_sizes():
    assert decompose(levels("1%", "8%", None, "10%", None)).significance_note is None


# --- the JSON of `diagnose` and the summary ---------------------------------------------

BASE_KEYS = {
    "human",
    "train",
    "train_dev",
    "dev",
    "test",
    "avoidable_bias",
    "variance",
    "data_mismatch",
    "dev_overfitting",
    "focus",
    "runner_up",
    "next",
    "tolerance",
    "flags",
    "actions",
    # the metric the numbers are in (docs/rules.md §16)
    "metric",
    "unit",
    "direction",
    "kind",
    "shown_as_error",
}


def test_as_dict_without_sizes():
    data = decompose(levels(None, "1%", "9%", "10%", None)).as_dict()
    assert set(data) == BASE_KEYS
    assert data["human"] is None and data["avoidable_bias"] is None
    assert data["variance"] == 0.08  # float noise rounded away
    assert data["focus"] == "variance"
    assert data["flags"] == ["no_human_level"]
    assert data["actions"] == list(GAP_ACTIONS["variance"])
    assert (data["metric"], data["unit"], data["direction"]) == ("Error rate", "%", "lower")


def test_as_dict_with_sizes():
    data = decompose(levels("1%", "8%", None, "10%", None, n_train=1_000, n_dev=1_000)).as_dict()
    assert set(data) == BASE_KEYS | {"intervals", "significant"}
    assert set(data["intervals"]) == {"avoidable_bias", "variance"}
    low, high = data["intervals"]["avoidable_bias"]
    assert low < 0.07 < high
    assert data["significant"] == {"avoidable_bias": True, "variance": False}


def test_summary_names_the_focus_the_gap_close_behind_and_the_flags():
    text = summary(decompose(levels("0%", "10%", "11%", "20%", None)))
    assert "avoidable bias" in text.lower() and "10.0 pts" in text
    assert "Data mismatch (9.0 pts) is close behind" in text
    flagged = summary(decompose(levels("0.5%", "0.3%", None, "0.4%", None)))
    assert FLAG_EXPLANATIONS["below_human"] in flagged
    tied = summary(decompose(levels("4%", "7%", "10%", "6%", "6%")))
    assert "tied" in tied and FLAG_EXPLANATIONS["dev_easier"] in tied


@pytest.mark.parametrize(
    ("kwargs", "column"),
    [
        (dict(train=1.5), "train"),
        (dict(dev=-0.1), "dev"),
        (dict(test=float("nan")), "test"),
        (dict(human="1%"), "human"),
        (dict(n_train=0), "n_train"),
        (dict(n_dev=10.5), "n_dev"),
        (dict(n_test=True), "n_test"),
    ],
    ids=[
        "rate_above_1",
        "negative_rate",
        "nan_rate",
        "text_rate",
        "zero_size",
        "fractional_size",
        "bool_size",
    ],
)
def test_bad_levels_are_rejected_with_the_field_named(kwargs, column):
    with pytest.raises(InputError) as caught:
        ErrorLevels(**kwargs)
    assert caught.value.column == column


def test_bad_confidence_is_rejected():
    with pytest.raises(InputError):
        decompose(levels("1%", "2%", None, "3%", None), confidence=1.5)


def test_runner_up_note_names_a_tie_and_a_close_second():
    tied = decompose(ErrorLevels(human=0.04, train=0.07, train_dev=0.10, dev=0.06, test=0.06))
    assert runner_up_note(tied) == (
        "Variance is tied with avoidable bias; avoidable bias comes first in the chain, and "
        "fixing it moves the later gaps anyway.")
    close = decompose(ErrorLevels(human=0.0, train=0.10, train_dev=0.11, dev=0.20))
    assert runner_up_note(close) == ("Data mismatch (9.0 pts) is close behind: plan to work "
                                     "on it next.")
    alone = decompose(ErrorLevels(human=0.01, train=0.08, dev=0.10))
    assert runner_up_note(alone) is None
