"""Error analysis (docs/rules.md §4) and mislabeled examples (docs/rules.md §5): the worked
examples and edges."""

from __future__ import annotations

import math

import pytest

from strategy_core.error_analysis import (
    ADEQUACY_LABELS,
    ADEQUACY_MEANINGS,
    INCORRECTLY_LABELED,
    LABEL_FIX_REMINDERS,
    RunSplitErrors,
    adequacy,
    category_name,
    eyeball_blackbox,
    label_audit,
    mislabel_verdict,
    parse_tag_mark,
    summarize_review,
)
from strategy_core.errors import InputError

# The course's cat-classifier review: 100 mistakes at 10% dev error.
CAT_REVIEW = {"Dog": 8, "Great cat": 43, "Blurry": 61, INCORRECTLY_LABELED: 6}


# --- Ceiling (docs/rules.md §4) -----------------------------------------------------------------

CEILING_CASES = [
    # dev error, reviewed, count, share, ceiling, error if fixed
    ("10%", 100, 5, 0.05, 0.005, 0.095),
    ("10%", 100, 50, 0.50, 0.05, 0.05),
    ("10%", 40, 2, 0.05, 0.005, 0.095),
    (0.02, 100, 30, 0.30, 0.006, 0.014),
]
CEILING_IDS = [
    "E10_s5_at_best_9.5",
    "E10_s50_at_best_5",
    "E10_s5_on_40_reviewed_same_ceiling",
    "E2_s30_removes_0.6_points",
]


@pytest.mark.parametrize(
    ("dev_error", "reviewed", "count", "share", "ceiling", "error_if_fixed"),
    CEILING_CASES,
    ids=CEILING_IDS,
)
def test_ceiling_of_a_category(dev_error, reviewed, count, share, ceiling, error_if_fixed):
    summary = summarize_review(dev_error, reviewed, {"Great cat": count})
    cat = summary.category("Great cat")
    assert cat.count == count
    assert cat.share == pytest.approx(share, abs=1e-12)
    assert cat.ceiling == pytest.approx(ceiling, abs=1e-12)
    assert cat.error_if_fixed == pytest.approx(error_if_fixed, abs=1e-12)


@pytest.mark.parametrize(
    ("count", "headline"),
    [
        (5, "Fixing Great cat could cut dev error from 10.0% to at best 9.5%"),
        (50, "Fixing Great cat could cut dev error from 10.0% to at best 5.0%"),
    ],
    ids=["E10_s5_headline", "E10_s50_headline"],
)
def test_headline_states_the_ceiling(count, headline):
    summary = summarize_review("10%", 100, {"Great cat": count, "Dog": 1})
    assert summary.top_category == "Great cat"
    assert summary.headline == headline


def test_headline_when_nothing_is_tagged():
    summary = summarize_review("10%", 30, {"Dog": 0})
    assert summary.top_category is None
    assert "No category was tagged" in summary.headline


# --- Shares and their intervals ---------------------------------------------------------

WILSON_CASES = [
    # count of 100 reviewed, Wilson 95% interval (published values)
    (5, 0.0215, 0.1118),
    (50, 0.4038, 0.5962),
    (0, 0.0, 0.0370),
    (100, 0.9630, 1.0),
]
WILSON_IDS = ["5_of_100", "50_of_100", "none_of_100", "all_of_100"]


@pytest.mark.parametrize(("count", "low", "high"), WILSON_CASES, ids=WILSON_IDS)
def test_share_has_a_wilson_interval(count, low, high):
    cat = summarize_review("10%", 100, {"Blurry": count}).category("Blurry")
    assert cat.share_low == pytest.approx(low, abs=1e-4)
    assert cat.share_high == pytest.approx(high, abs=1e-4)
    assert cat.share_low <= cat.share <= cat.share_high


def test_categories_sorted_by_share_ties_by_name():
    summary = summarize_review("10%", 100, {"b": 10, "A": 10, "c": 30, "d": 1})
    assert [c.name for c in summary.categories] == ["c", "A", "b", "d", INCORRECTLY_LABELED]


def test_reserved_category_is_always_present():
    summary = summarize_review("10%", 100, {"Dog": 3})
    labels = summary.category(INCORRECTLY_LABELED)
    assert labels.count == 0
    assert labels.share == 0


def test_reserved_category_spelled_in_another_case_is_the_same_category():
    summary = summarize_review("10%", 100, {"incorrectly  LABELED": 7})
    assert [c.name for c in summary.categories] == [INCORRECTLY_LABELED]
    assert summary.category(INCORRECTLY_LABELED).count == 7


def test_shares_need_not_add_to_100_percent():
    summary = summarize_review("10%", 100, CAT_REVIEW)
    total = sum(c.share for c in summary.categories)
    assert total == pytest.approx(1.18)
    assert any("several categories" in reason for reason in summary.reasons)


def test_cat_review_as_dict_has_the_cli_fields():
    result = summarize_review("10%", 100, CAT_REVIEW).as_dict()
    assert {"dev_error", "reviewed", "adequacy", "categories"} <= set(result)
    assert result["dev_error"] == pytest.approx(0.10)
    assert result["reviewed"] == 100
    assert result["adequacy"] == "very_good"
    assert [c["name"] for c in result["categories"]] == [
        "Blurry",
        "Great cat",
        "Dog",
        INCORRECTLY_LABELED,
    ]
    assert set(result["categories"][0]) == {
        "name",
        "count",
        "share",
        "share_low",
        "share_high",
        "ceiling",
        "error_if_fixed",
        "effort",
        "priority",
    }
    assert result["categories"][0]["ceiling"] == pytest.approx(0.061)
    assert result["top_category"] == "Blurry"


def test_overlapping_intervals_are_pointed_out():
    # 43 vs 61 of 100: the intervals overlap; 10 vs 61 do not.
    close = summarize_review("10%", 100, {"Blurry": 61, "Great cat": 43})
    apart = summarize_review("10%", 100, {"Blurry": 61, "Great cat": 10})
    assert any("overlap" in reason for reason in close.reasons)
    assert not any("overlap" in reason for reason in apart.reasons)


# --- Priority ---------------------------------------------------------------------------


def test_priority_is_ceiling_per_unit_of_effort():
    efforts = {"Dog": 1, "Great cat": 4, "Blurry": 8}
    summary = summarize_review("10%", 100, CAT_REVIEW, efforts)
    assert summary.category("Dog").priority == pytest.approx(0.008 / 1)
    assert summary.category("Great cat").priority == pytest.approx(0.043 / 4)
    assert summary.category("Blurry").priority == pytest.approx(0.061 / 8)
    assert summary.category(INCORRECTLY_LABELED).priority is None
    # 0.01075 > 0.008 > 0.007625, whatever the share order says.
    assert summary.priority_order == ("Great cat", "Dog", "Blurry")


def test_no_efforts_means_no_priority():
    summary = summarize_review("10%", 100, CAT_REVIEW)
    assert summary.priority_order == ()
    assert all(c.priority is None and c.effort is None for c in summary.categories)


@pytest.mark.parametrize(
    "efforts",
    [{"Dog": 0}, {"Dog": -2}, {"Dog": math.inf}, {"Dog": "much"}, {"Cat food": 1}],
    ids=["zero_effort", "negative_effort", "infinite_effort", "text_effort", "unknown_category"],
)
def test_bad_efforts_are_input_errors(efforts):
    with pytest.raises(InputError):
        summarize_review("10%", 100, CAT_REVIEW, efforts)


# --- Adequacy ---------------------------------------------------------------------------

ADEQUACY_CASES = [
    (1, "very_small"),
    (19, "very_small"),
    (20, "rough"),
    (49, "rough"),
    (50, "good"),
    (99, "good"),
    (100, "very_good"),
    (5000, "very_good"),
]


@pytest.mark.parametrize(
    ("reviewed", "level"), ADEQUACY_CASES, ids=[f"{n}_reviewed" for n, _ in ADEQUACY_CASES]
)
def test_adequacy_levels(reviewed, level):
    assert adequacy(reviewed) == level
    assert summarize_review("10%", reviewed, {"Dog": 1}).adequacy == level


def test_adequacy_labels_and_meanings():
    assert ADEQUACY_LABELS == {
        "very_small": "very small",
        "rough": "rough",
        "good": "good",
        "very_good": "very good",
    }
    assert set(ADEQUACY_MEANINGS) == set(ADEQUACY_LABELS)
    assert all(meaning.endswith(".") for meaning in ADEQUACY_MEANINGS.values())


# --- Bad input --------------------------------------------------------------------------

BAD_REVIEWS = [
    ("10%", 100, {"Dog": 101}, "Dog"),
    ("10%", 100, {"Dog": -1}, "Dog"),
    ("10%", 100, {"Dog": 2.5}, "Dog"),
    ("10%", 100, {"Dog": True}, "Dog"),
    ("10%", 100, {"Dog": "3"}, "Dog"),
    ("10%", 0, {"Dog": 0}, "reviewed"),
    ("10%", -5, {"Dog": 0}, "reviewed"),
    ("10%", 10.5, {"Dog": 0}, "reviewed"),
    ("8", 100, {"Dog": 1}, "ambiguous"),
    ("10%", 100, {"  ": 1}, "category name"),
    ("10%", 100, {"Incorrectly labeled": 1, "incorrectly labeled": 2}, "twice"),
]
BAD_IDS = [
    "count_above_reviewed",
    "negative_count",
    "fractional_count",
    "boolean_count",
    "text_count",
    "nothing_reviewed",
    "negative_reviewed",
    "fractional_reviewed",
    "bare_dev_error_above_1",
    "blank_category_name",
    "reserved_category_twice",
]


@pytest.mark.parametrize(("dev_error", "reviewed", "counts", "named"), BAD_REVIEWS, ids=BAD_IDS)
def test_bad_review_is_an_input_error_naming_the_problem(dev_error, reviewed, counts, named):
    with pytest.raises(InputError, match=named):
        summarize_review(dev_error, reviewed, counts)


def test_whole_floats_count_as_counts():
    # A spreadsheet column read by pandas holds floats such as 3.0.
    summary = summarize_review(0.1, 100.0, {"Dog": 3.0})
    assert summary.reviewed == 100
    assert summary.category("Dog").count == 3


# --- Mislabeled examples (docs/rules.md §5) -----------------------------------------------------

MISLABEL_CASES = [
    # dev error, reviewed, mislabeled, other counts, share, error from labels, verdict
    ("10%", 100, 6, {"Dog": 8, "Great cat": 43, "Blurry": 61}, 0.06, 0.006, "not_a_priority"),
    ("2%", 100, 30, {"Dog": 8, "Great cat": 43, "Blurry": 61}, 0.30, 0.006, "fix_labels"),
    ("2%", 100, 30, None, 0.30, 0.006, "fix_labels"),
    ("10%", 100, 20, {"Blurry": 61}, 0.20, 0.02, "fix_labels"),
    ("10%", 30, 6, {"Blurry": 20}, 0.20, 0.02, "fix_labels"),
    ("10%", 100, 19, {"Blurry": 61}, 0.19, 0.019, "not_a_priority"),
    ("10%", 100, 10, {"Dog": 10, "Blurry": 4}, 0.10, 0.01, "fix_labels"),
    ("10%", 100, 10, {"Dog": 11, "Blurry": 4}, 0.10, 0.01, "not_a_priority"),
    ("10%", 100, 10, {"Dog": 3}, 0.10, 0.01, "fix_labels"),
    ("10%", 100, 10, None, 0.10, 0.01, "not_a_priority"),
    ("10%", 100, 10, {"Dog": 0, "Blurry": 0}, 0.10, 0.01, "not_a_priority"),
    ("10%", 100, 0, {"Dog": 0}, 0.0, 0.0, "not_a_priority"),
    ("10%", 100, 0, {"Dog": 2}, 0.0, 0.0, "not_a_priority"),
]
MISLABEL_IDS = [
    "E10_labels_0.6_points_6pct-not_a_priority",
    "E2_labels_0.6_points_30pct-fix_labels",
    "E2_labels_30pct_without_other_tags-fix_labels",
    "exactly_20pct-fix_labels",
    "exactly_20pct_of_30-fix_labels",
    "19pct_others_larger-not_a_priority",
    "tie_with_largest_other-equal_is_not_larger-fix_labels",
    "one_more_in_other-not_a_priority",
    "largest_of_the_tagged-fix_labels",
    "10pct_nothing_else_tagged-not_a_priority",
    "other_categories_listed_but_untagged-not_a_priority",
    "nothing_tagged_at_all-not_a_priority",
    "no_mislabels_others_tagged-not_a_priority",
]


@pytest.mark.parametrize(
    ("dev_error", "reviewed", "mislabeled", "others", "share", "from_labels", "verdict"),
    MISLABEL_CASES,
    ids=MISLABEL_IDS,
)
def test_mislabel_verdict(dev_error, reviewed, mislabeled, others, share, from_labels, verdict):
    result = mislabel_verdict(dev_error, reviewed, mislabeled, others)
    assert result.share == pytest.approx(share, abs=1e-12)
    assert result.error_from_labels == pytest.approx(from_labels, abs=1e-12)
    assert result.verdict == verdict
    # The three reminders come with every verdict.
    for reminder in LABEL_FIX_REMINDERS:
        assert reminder in result.reasons
    assert result.as_dict() == {
        "share": result.share,
        "error_from_labels": result.error_from_labels,
        "verdict": verdict,
        "reasons": list(result.reasons),
    }


def test_reminders_say_dev_and_test_together_audit_right_and_training_optional():
    text = " ".join(LABEL_FIX_REMINDERS)
    assert "dev and test sets together" in text
    assert "got right" in text
    assert "training set is optional" in text
    assert "random label noise" in text and "systematic" in text


def test_reserved_category_among_other_counts_is_ignored_when_it_agrees():
    with_it = mislabel_verdict("10%", 100, 10, {"Dog": 11, INCORRECTLY_LABELED: 10})
    assert with_it.verdict == "not_a_priority"
    with pytest.raises(InputError, match=INCORRECTLY_LABELED):
        mislabel_verdict("10%", 100, 10, {"Dog": 11, INCORRECTLY_LABELED: 12})


@pytest.mark.parametrize(
    ("reviewed", "mislabeled", "others", "named"),
    [
        (100, 101, None, INCORRECTLY_LABELED),
        (100, -1, None, INCORRECTLY_LABELED),
        (100, 1.5, None, INCORRECTLY_LABELED),
        (100, 5, {"Dog": 101}, "Dog"),
        (100, 5, {"Dog": -3}, "Dog"),
        (0, 0, None, "reviewed"),
    ],
    ids=[
        "mislabels_above_reviewed",
        "negative_mislabels",
        "fractional_mislabels",
        "other_above_reviewed",
        "other_negative",
        "nothing_reviewed",
    ],
)
def test_bad_mislabel_input(reviewed, mislabeled, others, named):
    with pytest.raises(InputError, match=named):
        mislabel_verdict("10%", reviewed, mislabeled, others)


# --- Eyeball / blackbox (docs/rules.md §4) ------------------------------------------------------
# Eyeball set 2,000 examples (100 mistakes at 5%, docs/rules.md §4), blackbox 8,000.

EYEBALL_CASES = [
    # (eyeball errors, blackbox errors) per run, oldest first; overfit
    ([(100, 400), (40, 320)], True),
    ([(100, 400), (70, 360), (40, 320)], True),
    ([(100, 400), (80, 320)], False),
    ([(60, 400), (40, 320)], False),
    ([(140, 400), (80, 320)], False),
    ([(100, 400), (95, 400)], False),
]
EYEBALL_IDS = [
    "eyeball_5_to_2_blackbox_5_to_4-overfit",
    "three_runs_eyeball_falls_faster-overfit",
    "both_fall_5_to_4-not_overfit",
    "gap_of_2_points_there_from_the_start-not_overfit",
    "eyeball_fell_faster_but_not_below_blackbox-not_overfit",
    "gap_grew_within_noise-not_overfit",
]


def _runs(pairs, eyeball_n=2000, blackbox_n=8000):
    return [
        RunSplitErrors(f"run-{i}", i, eyeball, eyeball_n, blackbox, blackbox_n)
        for i, (eyeball, blackbox) in enumerate(pairs)
    ]


@pytest.mark.parametrize(("pairs", "overfit"), EYEBALL_CASES, ids=EYEBALL_IDS)
def test_eyeball_overfit_rule(pairs, overfit):
    check = eyeball_blackbox(_runs(pairs))
    assert check.overfit is overfit
    newest = check.runs[-1]
    # The rule as documented: newest gap clearly above 0 and growth clearly above 0.
    assert overfit == (newest.gap_low > 0 and check.growth_low > 0)
    if overfit:
        assert any("Refresh" in reason for reason in check.reasons)


def test_small_sets_gap_grew_but_within_noise_is_not_overfit():
    # 100 examples each: on the newest run 0 vs 5 mistakes is clearly apart, but from a
    # start of 0 vs 0 the growth of 5 points is still within chance.
    check = eyeball_blackbox(_runs([(0, 0), (0, 5)], eyeball_n=100, blackbox_n=100))
    assert check.runs[-1].gap_low > 0
    assert check.growth_low < 0 < check.growth
    assert check.overfit is False
    assert "not clearly beyond chance" in check.reasons[-1]


def test_eyeball_rates_and_gaps_per_run():
    check = eyeball_blackbox(_runs([(100, 400), (40, 320)]))
    first, newest = check.runs
    assert (first.eyeball_error, first.blackbox_error) == (0.05, 0.05)
    assert newest.eyeball_error == pytest.approx(0.02)
    assert newest.blackbox_error == pytest.approx(0.04)
    assert newest.gap == pytest.approx(0.02)
    # Newcombe hybrid score interval of 4% of 8,000 minus 2% of 2,000.
    assert newest.gap_low == pytest.approx(0.011796, abs=1e-5)
    assert newest.gap_high == pytest.approx(0.026949, abs=1e-5)
    assert check.growth == pytest.approx(0.02)
    assert check.growth_low < check.growth < check.growth_high
    result = check.as_dict()
    assert result["overfit"] is True
    assert [run["run"] for run in result["runs"]] == ["run-0", "run-1"]


def test_eyeball_runs_are_ordered_by_creation_not_by_input_order():
    runs = _runs([(100, 400), (40, 320)])
    check = eyeball_blackbox(list(reversed(runs)))
    assert [run.run for run in check.runs] == ["run-0", "run-1"]
    assert check.overfit is True


@pytest.mark.parametrize("pairs", [[], [(40, 320)]], ids=["no_runs", "one_run"])
def test_eyeball_needs_two_runs(pairs):
    check = eyeball_blackbox(_runs(pairs))
    assert check.overfit is False
    assert check.growth is None
    assert "At least 2 runs" in check.reasons[0]


@pytest.mark.parametrize(
    "points",
    [
        [RunSplitErrors("a", 0, 2001, 2000, 1, 8000), RunSplitErrors("b", 1, 1, 2000, 1, 8000)],
        [RunSplitErrors("a", 0, 1, 2000, 9000, 8000)],
        [RunSplitErrors("a", 0, -1, 2000, 1, 8000)],
        [RunSplitErrors("a", 0, 1, 0, 1, 8000)],
        [RunSplitErrors("a", 0, 1.5, 2000, 1, 8000)],
        [RunSplitErrors("a", 3, 1, 2000, 1, 8000), RunSplitErrors("b", 3, 1, 2000, 1, 8000)],
    ],
    ids=[
        "eyeball_errors_above_size",
        "blackbox_errors_above_size",
        "negative_errors",
        "empty_eyeball_set",
        "fractional_errors",
        "same_creation_order",
    ],
)
def test_bad_eyeball_input(points):
    with pytest.raises(InputError):
        eyeball_blackbox(points)


# --- Tag marks in the wide spreadsheet --------------------------------------------------

MARKS = [
    ("x", True),
    ("X", True),
    (" x ", True),
    ("1", True),
    ("yes", True),
    ("Yes", True),
    ("true", True),
    ("TRUE", True),
    ("y", True),
    ("✓", True),
    ("", False),
    ("   ", False),
    ("0", False),
    ("no", False),
    ("false", False),
    ("n", False),
    ("N", False),
    (None, False),
    (math.nan, False),
    (1, True),
    (0, False),
    (1.0, True),
    (True, True),
    (False, False),
]


@pytest.mark.parametrize(("cell", "marked"), MARKS, ids=[repr(cell) for cell, _ in MARKS])
def test_parse_tag_mark(cell, marked):
    assert parse_tag_mark(cell) is marked


@pytest.mark.parametrize(
    "cell", ["maybe", "=1+1", "2", "xx", 2, -1, 0.5], ids=lambda cell: repr(cell)
)
def test_unknown_tag_mark_is_an_input_error(cell):
    with pytest.raises(InputError, match="not a tag mark"):
        parse_tag_mark(cell)


def test_sample_sheet_marks_parse():
    # The header and first row of data/samples/error_tags_sheet.csv.
    row = ["", "x", "x", "", ""]
    assert [parse_tag_mark(cell) for cell in row] == [False, True, True, False, False]


# --- Category names and the label audit (docs/rules.md §5) --------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("  Great   cat ", "Great cat"), ("incorrectly LABELED", INCORRECTLY_LABELED),
     ("Dog", "Dog")],
    ids=["spaces_collapsed", "reserved_spelling", "plain"])
def test_category_name(raw, stored):
    assert category_name(raw) == stored


def test_blank_category_name_is_an_input_error():
    with pytest.raises(InputError):
        category_name("   ")


AUDIT_CASES = [
    # dev error, audited, mislabeled, errors reviewed, errors mislabeled, hidden, corrected
    ("10%", 100, 2, 100, 6, 0.018, 0.112),
    ("10%", 100, 0, 100, 6, 0.0, 0.094),
    ("2%", 200, 1, None, None, 0.0049, None),
]
AUDIT_IDS = [
    "E10_audit_2pct_wrong_labels_with_6pct_among_mistakes",
    "E10_clean_audit_only_the_mistakes_labels_move_E",
    "E2_audit_without_review_of_mistakes",
]


@pytest.mark.parametrize(
    ("dev_error", "audited", "mislabeled", "errors_reviewed", "errors_mislabeled", "hidden",
     "corrected"), AUDIT_CASES, ids=AUDIT_IDS)
def test_label_audit(dev_error, audited, mislabeled, errors_reviewed, errors_mislabeled,
                     hidden, corrected):
    result = label_audit(dev_error, audited, mislabeled, errors_reviewed, errors_mislabeled)
    assert result.share == pytest.approx(mislabeled / audited)
    assert result.hidden_error == pytest.approx(hidden, abs=1e-12)
    if corrected is None:
        assert result.corrected_error is None
    else:
        assert result.corrected_error == pytest.approx(corrected, abs=1e-12)
    assert result.share_low <= result.share <= result.share_high
    assert set(result.as_dict()) == {"dev_error", "audited", "mislabeled", "share",
                                     "share_low", "share_high", "hidden_error",
                                     "corrected_error", "reasons"}


@pytest.mark.parametrize(("audited", "mislabeled"), [(0, 0), (10, 11), (10, -1)],
                         ids=["nothing_audited", "more_wrong_than_audited", "negative"])
def test_bad_label_audit(audited, mislabeled):
    with pytest.raises(InputError):
        label_audit("10%", audited, mislabeled)
