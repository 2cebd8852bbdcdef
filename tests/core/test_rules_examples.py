"""Every worked example of docs/rules.md, checked against the pure rule functions.

One test per "Example N.M" of the document, named `test_example_N_M_…`; the last tests
fail when the document gains an example without a test here, or when its table of
contents no longer matches its sections.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from strategy_core.access import (
    PasscodeGate,
    configured_passcode,
    editor_emails,
    is_allowed_editor,
)
from strategy_core.checklist import (
    GREEN,
    RED,
    UNKNOWN,
    ChecklistSettings,
    RealWorld,
    chain_verdict,
    evaluate_chain,
)
from strategy_core.counts import whole_count
from strategy_core.csv_export import neutralize_cell
from strategy_core.decisions import numbers_rows, validate_decision
from strategy_core.diagnosis import (
    FOCUS_NONE,
    REAL_WORLD_ACTION,
    ErrorLevels,
    decompose,
    diagnose_runs,
    focus_verdict,
    format_interval,
    record_human_action,
    summary,
    trend_summary,
)
from strategy_core.error_analysis import (
    INCORRECTLY_LABELED,
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
from strategy_core.guides import (
    END_TO_END_PRESETS,
    MULTITASK_PRESETS,
    TRANSFER_PRESETS,
    ComponentLevel,
    blame_tally,
    both_fit_note,
    end_to_end_verdict,
    label_coverage,
    multitask_verdict,
    pipeline_check,
    transfer_verdict,
)
from strategy_core.human_level import HumanLevel, HumanLevels
from strategy_core.markdown import escape
from strategy_core.metric_log import validate_change
from strategy_core.metrics import (
    RunMetrics,
    compare_classifiers,
    compare_run_f1,
    compare_slice_averages,
    compare_weighted,
    f1,
    pareto_front,
    parse_constraint,
    parse_objective,
    select_run,
    slice_average,
    suggest_definition,
    weighted_error,
)
from strategy_core.predictions_csv import normalize_split, read_layout
from strategy_core.rates import format_pct, format_points, parse_rate
from strategy_core.run_csv import (
    build_runs,
    classify_metric,
    detect_format,
    parse_created,
    propose_mapping,
    read_table,
)
from strategy_core.runs import Run
from strategy_core.sizing import (
    compare_distributions,
    detect_size,
    dev_set_can_separate,
    error_interval,
    eyeball_advice,
    eyeball_size,
    plan_split,
    smallest_detectable_difference,
    split_sizes,
)
from strategy_core.tag_sheet import parse_sheet
from strategy_core.text import clean_text
from strategy_core.usecases.status import (
    StatusContext,
    checklist_lines,
    diagnosis_lines,
    project_status,
)

RULES = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
approx = pytest.approx


def gaps(levels: ErrorLevels) -> tuple:
    """(avoidable bias, variance, data mismatch, dev overfitting, focus, runner-up, flags)."""
    d = decompose(levels)
    rounded = [None if v is None else round(v, 6) for v in d.gaps.values()]
    return (*rounded, d.focus, d.runner_up, d.flags)


# --- 1. Gap decomposition ------------------------------------------------------------------


def test_example_1_1_bias_7_variance_2_focus_bias() -> None:
    assert gaps(ErrorLevels(0.01, 0.08, None, 0.10)) == (
        0.07, 0.02, None, None, "avoidable_bias", None, ())


def test_example_1_2_bias_half_point_variance_2_focus_variance() -> None:
    assert gaps(ErrorLevels(0.075, 0.08, None, 0.10)) == (
        0.005, 0.02, None, None, "variance", None, ())


def test_example_1_3_medical_bias_4_5_points() -> None:
    assert gaps(ErrorLevels(0.005, 0.05, None, 0.06)) == (
        0.045, 0.01, None, None, "avoidable_bias", None, ())


def test_example_1_4_medical_variance_4_points() -> None:
    assert gaps(ErrorLevels(0.005, 0.01, None, 0.05)) == (
        0.005, 0.04, None, None, "variance", None, ())


def test_example_1_5_small_gaps_half_the_focus_is_the_runner_up() -> None:
    levels = ErrorLevels(0.005, 0.007, None, 0.008)
    assert gaps(levels) == (0.002, 0.001, None, None, "avoidable_bias", "variance", ())
    on_a_project = decompose(levels, tolerance=0.005)
    assert on_a_project.focus == FOCUS_NONE
    assert focus_verdict(on_a_project).startswith(
        "No gap is above the tolerance of 0.5 pts (the largest, avoidable bias, is 0.2 pts): ")


def test_example_1_6_below_human_level() -> None:
    assert gaps(ErrorLevels(0.005, 0.003, None, 0.004)) == (
        -0.002, 0.001, None, None, "variance", None, ("below_human",))


def test_example_1_7_training_dev_shows_variance() -> None:
    assert gaps(ErrorLevels(0.0, 0.01, 0.09, 0.10)) == (
        0.01, 0.08, 0.01, None, "variance", None, ())


def test_example_1_8_training_dev_shows_data_mismatch() -> None:
    assert gaps(ErrorLevels(0.0, 0.01, 0.015, 0.10)) == (
        0.01, 0.005, 0.085, None, "data_mismatch", None, ())


def test_example_1_9_bias_10_points() -> None:
    assert gaps(ErrorLevels(0.0, 0.10, 0.11, 0.12)) == (
        0.1, 0.01, 0.01, None, "avoidable_bias", None, ())


def test_example_1_10_data_mismatch_close_behind() -> None:
    d = decompose(ErrorLevels(0.0, 0.10, 0.11, 0.20))
    assert gaps(d.levels) == (0.1, 0.01, 0.09, None, "avoidable_bias", "data_mismatch", ())
    assert "Data mismatch (9.0 pts) is close behind" in summary(d)


def test_example_1_11_tie_goes_to_chain_order_and_dev_easier() -> None:
    d = decompose(ErrorLevels(0.04, 0.07, 0.10, 0.06, 0.06))
    assert gaps(d.levels) == (0.03, 0.03, -0.04, 0.0, "avoidable_bias", "variance",
                              ("dev_easier",))
    assert "Variance is tied with avoidable bias" in summary(d)


def test_example_1_12_no_human_level() -> None:
    assert gaps(ErrorLevels(None, 0.08, None, 0.10)) == (
        None, 0.02, None, None, "not_enough_information", None, ("no_human_level",))
    d = decompose(ErrorLevels(None, 0.08, None, 0.10))
    assert d.choice.bias_bound == approx(0.08)
    assert d.actions == (record_human_action(),)


def test_example_1_13_no_positive_gap() -> None:
    d = decompose(ErrorLevels(0.01, 0.01, None, 0.01))
    assert d.focus == FOCUS_NONE
    assert d.actions == (REAL_WORLD_ACTION,)


def test_example_1_14_intervals_both_significant() -> None:
    d = decompose(ErrorLevels(0.01, 0.08, None, 0.10, n_train=10_000, n_dev=1_000))
    assert d.focus == "avoidable_bias"
    assert format_interval(d.intervals["avoidable_bias"]) == "6.5 pts to 7.5 pts"
    assert format_interval(d.intervals["variance"]) == "0.2 pts to 4.1 pts"
    assert d.significant == {"avoidable_bias": True, "variance": True}
    assert "the focus stands" in d.significance_note


def test_example_1_15_focus_not_significant_on_small_sets() -> None:
    d = decompose(ErrorLevels(0.01, 0.015, None, 0.03, n_train=200, n_dev=200))
    assert d.focus == "variance"
    assert d.variance == approx(0.015)
    assert format_interval(d.intervals["variance"]) == "-1.7 pts to 5.0 pts"
    assert d.significant["variance"] is False and d.tentative
    assert focus_verdict(d).startswith("Tentatively, work on variance: ")
    assert focus_verdict(d).endswith("though on these set sizes it is not significant.")


def test_example_1_16_test_better_and_noise_in_dev_overfitting() -> None:
    d = decompose(ErrorLevels(0.01, 0.02, None, 0.10, 0.09, n_train=10_000, n_dev=1_000,
                              n_test=1_000))
    assert d.focus == "variance" and d.variance == approx(0.08)
    assert format_interval(d.intervals["variance"]) == "6.3 pts to 10.0 pts"
    assert d.dev_overfitting == approx(-0.01)
    assert format_interval(d.intervals["dev_overfitting"]) == "-3.6 pts to 1.6 pts"
    assert d.significant["dev_overfitting"] is False
    assert d.flags == ("test_better",)


def test_example_1_17_human_level_proxy() -> None:
    levels = (HumanLevel("typical person", 0.03), HumanLevel("expert", 0.01),
              HumanLevel("team of experts", 0.007))
    assert HumanLevels(levels).proxy_error == 0.007
    assert HumanLevels(levels).proxy.label == "team of experts"
    assert HumanLevels(levels, "expert").proxy_error == 0.01
    assert HumanLevels(levels, "deleted label").proxy_error == 0.007


def test_example_1_18_trend_of_the_focus() -> None:
    runs = [Run("r1", train_error=0.08, dev_error=0.10),
            Run("r2", train_error=0.06, dev_error=0.09),
            Run("r3", train_error=0.05, dev_error=0.08)]
    diagnoses = diagnose_runs(runs, 0.01)
    assert [item.decomposition.focus for item in diagnoses] == ["avoidable_bias"] * 3
    assert trend_summary(diagnoses) == (
        "Avoidable bias has been the focus for the last 3 runs: fell from 7.0 pts to "
        "4.0 pts since r1.")


# --- 2. Orthogonalization chain ------------------------------------------------------------


def statuses(chain) -> list[str]:
    return [link.status for link in chain.links]


def test_example_2_1_link_2_red_with_early_stopping_warning() -> None:
    chain = evaluate_chain(ErrorLevels(0.075, 0.08, None, 0.10))
    assert statuses(chain) == [GREEN, RED, UNKNOWN, UNKNOWN, UNKNOWN]
    assert chain.focus == "training_dev"
    assert chain_verdict(chain) == ("Work on link 2, generalize to the training-dev set: its "
                                    "gap of 2.0 pts is the largest above the tolerance of "
                                    "0.5 pts.")
    texts = [knob.as_text() for knob in chain.knobs]
    assert any("early stopping" in t and "Warning:" in t for t in texts)
    warned = [knob.text for knob in chain.knobs if knob.warning and "link 1" in knob.warning]
    assert any("input features" in t for t in warned)
    assert any("architecture" in t for t in warned)
    assert any("hyperparameter search" in t for t in warned)


def test_example_2_2_the_focus_link_is_the_largest_gap_not_the_first_red() -> None:
    levels = ErrorLevels(0.01, 0.02, 0.10, 0.11)
    chain = evaluate_chain(levels)
    assert statuses(chain)[:3] == [RED, RED, RED]
    assert [round(link.gap, 6) for link in chain.links[:3]] == [0.01, 0.08, 0.01]
    assert chain.focus == "training_dev" and chain.next == ("training", "dev")
    assert decompose(levels).focus == "variance"


def test_example_2_3_production_error_turns_link_5_red() -> None:
    chain = evaluate_chain(ErrorLevels(0.01, 0.012, 0.014, 0.016, 0.018),
                           real_world=RealWorld(production_error=0.05))
    assert statuses(chain) == [GREEN, GREEN, GREEN, GREEN, RED]
    assert chain.link("real_world").gap == approx(0.032)
    assert chain.focus == "real_world"
    assert any("Change the dev set" in knob.text for knob in chain.knobs)
    assert any("Change the metric" in knob.text for knob in chain.knobs)
    assert chain.real_world_advice is not None


def test_example_2_4_judgement_ok_every_link_green() -> None:
    chain = evaluate_chain(ErrorLevels(0.01, 0.012, 0.014, 0.016, 0.018),
                           real_world=RealWorld(judgement="ok"))
    assert statuses(chain) == [GREEN] * 5
    assert chain.focus is None
    assert chain_verdict(chain).startswith("Every link is green within 0.5 pts")


def test_example_2_5_unknown_link_1_means_not_enough_information() -> None:
    chain = evaluate_chain(ErrorLevels(None, 0.08, None, 0.10))
    assert statuses(chain)[:2] == [UNKNOWN, RED]
    assert chain.focus is None and chain.next == ("training_dev",)
    assert chain.as_dict()["focus"] == "not_enough_information"
    assert chain_verdict(chain).startswith(
        "Not enough information to choose a link: link 1, fit the training set to about "
        "human level, is unknown (record the human-level error)")
    assert "Red links to weigh once it is known: link 2." in chain.reasons[0]


# --- 3. Single-number and satisficing metrics ----------------------------------------------


def test_example_3_1_f1_picks_classifier_a() -> None:
    assert format_pct(f1(0.95, 0.90)) == "92.4%"
    assert format_pct(f1(0.98, 0.85)) == "91.0%"
    assert compare_classifiers([("A", 0.95, 0.90), ("B", 0.98, 0.85)]).winner == "A"


def test_example_3_2_f1_from_run_metrics_in_percent() -> None:
    result = compare_run_f1([RunMetrics("A", {"precision": 95, "recall": 90}),
                             RunMetrics("B", {"precision": 98, "recall": 85}),
                             RunMetrics("C", {"precision": 97})])
    assert result.winner == "A"
    assert result.classifiers[0].f1 == approx(f1(0.95, 0.90))
    assert result.skipped == (("C", "no recall recorded"),)


def test_example_3_3_average_over_regions() -> None:
    result = slice_average({"US": 0.03, "China": 0.05, "India": 0.07, "Other": 0.05})
    assert result.average == approx(0.05)
    assert result.worst == "India"


def test_example_3_4_slice_averages_rank_classifiers() -> None:
    result = compare_slice_averages([("A", "US", 0.03), ("A", "EU", 0.05), ("B", "US", 0.04),
                                     ("B", "EU", 0.03), ("C", "US", 0.01)], rates=True)
    assert result.winner == "B"
    assert dict(result.classifiers)["B"].average == approx(0.035)
    assert dict(result.classifiers)["A"].average == approx(0.04)
    assert result.incomplete == (("C", ("EU",)),)


def test_example_3_5_weighted_error() -> None:
    assert weighted_error([True, False, False, False], [10, 1, 1, 1]) == approx(10 / 13)
    assert format_pct(10 / 13) == "76.9%"
    assert weighted_error([False, True, True, False], [10, 1, 1, 1]) == approx(2 / 13)
    assert format_pct(2 / 13) == "15.4%"


def test_example_3_6_weights_change_the_pick() -> None:
    rows = [SimpleNamespace(run_name="A", n=1000, unweighted_error=0.03, weighted_error=0.12),
            SimpleNamespace(run_name="B", n=1000, unweighted_error=0.05, weighted_error=0.05)]
    result = compare_weighted(rows, "source: adult ×10, other values ×1")
    assert (result.best_weighted, result.best_unweighted) == ("B", "A")
    assert any("The weights change the pick" in r for r in result.reasons)
    assert any(r.startswith("Weighted error above plain error") and "for A" in r
               for r in result.reasons)


def test_example_3_7_optimizing_accuracy_satisficing_latency() -> None:
    runs = [RunMetrics("A", {"accuracy": 0.90, "latency_ms": 80}),
            RunMetrics("B", {"accuracy": 0.92, "latency_ms": 95}),
            RunMetrics("C", {"accuracy": 0.95, "latency_ms": 1500})]
    result = select_run(runs, parse_objective("accuracy:max"),
                        [parse_constraint("latency_ms<=100")])
    assert result.winner == "B"
    assert result.infeasible == (("C", ("latency_ms<=100",)),)
    assert "C is infeasible: latency_ms is 1500, needs ≤ 100." in result.reasons


def test_example_3_8_rate_thresholds_and_suggested_definition() -> None:
    assert parse_constraint("dev_error<=5%").threshold == approx(0.05)
    assert suggest_definition(["dev_error", "latency_s"]).statement() == (
        "Optimize dev_error (lower is better) subject to latency_s ≤ 0.1.")


def test_example_3_9_pareto_front() -> None:
    points = [("A", 0.90, 80), ("B", 0.92, 95), ("C", 0.95, 1500), ("D", 0.89, 120)]
    assert pareto_front(points, "max", "min") == ["A", "B", "C"]


# --- 4. Error analysis ---------------------------------------------------------------------


CATS = {"Dog": 5, "Great cat": 43, "Blurry": 61}


def test_example_4_1_shares_intervals_and_ceilings() -> None:
    result = summarize_review(0.10, 100, CATS)
    blurry = result.category("Blurry")
    assert blurry.share == approx(0.61)
    assert (format_pct(blurry.share_low), format_pct(blurry.share_high)) == ("51.2%", "70.0%")
    assert blurry.ceiling == approx(0.061) and blurry.error_if_fixed == approx(0.039)
    assert result.category("Great cat").ceiling == approx(0.043)
    assert result.category("Great cat").error_if_fixed == approx(0.057)
    assert format_pct(result.category("Great cat").share_high) == "52.8%"
    assert result.category("Dog").ceiling == approx(0.005)
    assert result.category("Dog").error_if_fixed == approx(0.095)
    assert result.top_category == "Blurry"
    assert result.adequacy == "very_good"
    assert any("intervals of Blurry and Great cat overlap" in r for r in result.reasons)
    assert any("add to more than 100%" in r for r in result.reasons)
    assert [c.name for c in result.categories][:3] == ["Blurry", "Great cat", "Dog"]
    assert INCORRECTLY_LABELED in [c.name for c in result.categories]


def test_example_4_2_priority_by_ceiling_per_effort() -> None:
    result = summarize_review(0.10, 100, CATS, efforts={"Dog": 0.2, "Great cat": 4,
                                                        "Blurry": 5})
    assert result.category("Dog").priority == approx(0.025)
    assert result.category("Blurry").priority == approx(0.0122)
    assert result.category("Great cat").priority == approx(0.01075)
    assert result.priority_order == ("Dog", "Blurry", "Great cat")


def test_example_4_3_ceilings_of_the_spec() -> None:
    assert summarize_review(0.10, 100, {"Dog": 5}).category("Dog").error_if_fixed == \
        approx(0.095)
    assert summarize_review(0.10, 100, {"Great cat": 50}).category("Great cat") \
        .error_if_fixed == approx(0.05)


def test_example_4_4_adequacy_bands() -> None:
    assert [adequacy(n) for n in (19, 20, 49, 50, 99, 100)] == [
        "very_small", "rough", "rough", "good", "good", "very_good"]


def test_example_4_5_eyeball_set_size() -> None:
    assert eyeball_size(0.05, 100) == 2000
    assert eyeball_size(0.03, 100) == 3334
    advice = eyeball_advice(0.05, 100, 1000)
    assert advice is not None and "about 50 mistakes" in advice


def test_example_4_6_eyeball_set_overfit() -> None:
    check = eyeball_blackbox([RunSplitErrors("r1", 0, 100, 2000, 400, 8000),
                              RunSplitErrors("r2", 1, 40, 2000, 360, 8000)])
    newest = check.runs[-1]
    assert check.runs[0].gap == 0.0
    assert newest.gap == approx(0.025)
    assert (format_points(newest.gap_low), format_points(newest.gap_high)) == (
        "1.7 pts", "3.2 pts")
    assert check.growth == approx(0.025)
    assert (format_points(check.growth_low), format_points(check.growth_high)) == (
        "1.2 pts", "3.8 pts")
    assert check.overfit is True


def test_example_4_7_gap_from_the_start_is_not_overfitting() -> None:
    check = eyeball_blackbox([RunSplitErrors("r1", 0, 60, 2000, 400, 8000),
                              RunSplitErrors("r2", 1, 50, 2000, 360, 8000)])
    assert [run.gap for run in check.runs] == [approx(0.02), approx(0.02)]
    assert check.runs[-1].gap_low > 0
    assert check.growth == 0.0
    assert (format_points(check.growth_low), format_points(check.growth_high)) == (
        "-1.2 pts", "1.2 pts")
    assert check.overfit is False
    assert "it was there from the start" in check.reasons[-1]


def test_example_4_8_one_run_is_not_enough() -> None:
    check = eyeball_blackbox([RunSplitErrors("r1", 0, 100, 2000, 400, 8000)])
    assert check.overfit is False and check.growth is None
    assert "At least 2 runs" in check.reasons[0]
    assert check.settled is False  # shown as information, not success


def test_example_4_9_tag_sheet_marks_and_reserved_category() -> None:
    sheet = parse_sheet(b"example_id,Dog,Great cat,Blurry,notes\n1,x,,x,=SUM(A1)\n"
                        b"2,,yes,1,\n3,,,,\n")
    assert sheet.counts() == {"Dog": 1, "Great cat": 1, "Blurry": 2}
    assert sheet.rows[0].notes == "=SUM(A1)"
    assert all(parse_tag_mark(m) for m in ("x", "X", "1", "yes", "true", "y", "✓", "✔"))
    assert not any(parse_tag_mark(m) for m in ("", "0", "no", "false", "n", None))
    with pytest.raises(InputError):
        parse_tag_mark("maybe")
    assert category_name("  incorrectly   LABELED ") == INCORRECTLY_LABELED


# --- 5. Mislabeled examples ----------------------------------------------------------------


def test_example_5_1_six_percent_is_not_a_priority() -> None:
    result = mislabel_verdict(0.10, 100, 6, {"Dog": 8, "Great cat": 43})
    assert result.error_from_labels == approx(0.006)
    assert result.verdict == "not_a_priority"
    assert "Great cat (43.0%) is larger" in result.reasons[1]


def test_example_5_2_thirty_percent_fix_labels() -> None:
    result = mislabel_verdict(0.02, 100, 30, {"Dog": 8, "Great cat": 43})
    assert result.error_from_labels == approx(0.006)
    assert result.verdict == "fix_labels"


def test_example_5_3_largest_known_cause_fix_labels() -> None:
    result = mislabel_verdict(0.10, 100, 12, {"Dog": 8, "Great cat": 5})
    assert result.error_from_labels == approx(0.012)
    assert result.verdict == "fix_labels"


def test_example_5_4_nothing_else_tagged_not_a_priority() -> None:
    result = mislabel_verdict(0.10, 100, 12, {})
    assert result.verdict == "not_a_priority"
    assert "Tag the other causes to compare" in result.reasons[1]


def test_example_5_5_exactly_twenty_percent_fix_labels() -> None:
    assert mislabel_verdict(0.10, 100, 20, {"Blurry": 61}).verdict == "fix_labels"


def test_example_5_6_audit_of_correct_examples() -> None:
    audit = label_audit(0.10, 200, 4, 100, 6)
    assert audit.share == approx(0.02)
    assert audit.hidden_error == approx(0.018)
    assert audit.corrected_error == approx(0.112)


# --- 6. Dev and test sizing and splits -----------------------------------------------------


def test_example_6_1_wilson_interval() -> None:
    result = error_interval(0.05, 10_000)
    assert (format_pct(result.low, 2), format_pct(result.high, 2)) == ("4.59%", "5.44%")
    assert format_points(result.half_width, 2) == "0.43 pts"
    zero = error_interval(0.0, 100)
    assert zero.low == 0.0 and format_pct(zero.high, 2) == "3.70%"


def test_example_6_2_paired_and_unpaired_sizes() -> None:
    paired = detect_size(0.10, 0.001, 0.001)
    assert (paired.n, paired.method, paired.unpaired_n) == (7847, "mcnemar", 1_406_515)
    assert detect_size(0.10, 0.001).n == 1_406_515


def test_example_6_3_disagreement_rate_bounds() -> None:
    with pytest.raises(InputError, match="smaller than the difference"):
        detect_size(0.10, 0.001, 0.0005)
    with pytest.raises(InputError, match=r"larger than the two error rates together \(9.00%\)"):
        detect_size(0.05, 0.01, 0.20)


def test_example_6_4_can_the_dev_set_separate_two_runs() -> None:
    unpaired = dev_set_can_separate(0.10, 0.099, 10_000)
    assert (unpaired.can_separate, unpaired.n_needed) == (False, 1_406_515)
    paired = dev_set_can_separate(0.10, 0.099, 10_000, 0.001)
    assert (paired.can_separate, paired.n_needed) == (True, 7847)
    equal = dev_set_can_separate(0.05, 0.05, 10_000)
    assert equal.can_separate is False and equal.n_needed is None


def test_example_6_5_smallest_detectable_difference() -> None:
    assert smallest_detectable_difference(0.10, 10_000) == approx(0.01157, abs=1e-5)
    assert smallest_detectable_difference(0.10, 10_000, 0.001) == approx(0.00089, abs=1e-5)
    assert smallest_detectable_difference(0.10, 10_000, 0.02) == approx(0.0040, abs=1e-4)


def test_example_6_6_split_ratios() -> None:
    def sizes(n: int) -> tuple[int, int, int]:
        result = split_sizes(n)
        return result.train, result.dev, result.test

    assert sizes(100) == (60, 20, 20)
    assert sizes(10_000) == (6_000, 2_000, 2_000)
    assert sizes(60_000) == (40_000, 10_000, 10_000)
    assert sizes(1_000_000) == (980_000, 10_000, 10_000)


def test_example_6_7_web_and_mobile_plan() -> None:
    plan = plan_split({"web": 200_000, "mobile": 10_000}, "mobile")
    assert plan.dev == {"web": 0, "mobile": 2_500}
    assert plan.test == {"web": 0, "mobile": 2_500}
    assert plan.training_pool == {"web": 200_000, "mobile": 5_000}
    assert plan.train_dev == {"web": 2_439, "mobile": 61}
    assert plan.train == {"web": 197_561, "mobile": 4_939}
    assert format_pct(plan.shuffle_target_share) == "4.8%"
    assert plan.shuffle_dev == {"web": 2_381, "mobile": 119}
    assert plan.beta == approx(1 / 40)
    assert any("(1/40)" in r for r in plan.reasons)


def test_example_6_8_dev_and_test_source_mix() -> None:
    same = compare_distributions({"web": 1200, "mobile": 1300}, {"web": 1250, "mobile": 1250})
    assert same.p_value == approx(0.166, abs=0.001) and same.same_distribution
    assert same.warning is None
    different = compare_distributions({"web": 2000, "mobile": 500},
                                      {"web": 500, "mobile": 2000})
    assert different.p_value < 0.05 and not different.same_distribution
    assert different.warning is not None


# --- 7. End-to-end or pipeline -------------------------------------------------------------


def preset_verdict(name: str) -> str:
    return end_to_end_verdict(**END_TO_END_PRESETS[name]["inputs"]).verdict


def test_example_7_1_translation_and_speech_go_end_to_end() -> None:
    assert END_TO_END_PRESETS["machine_translation"]["inputs"]["examples"] == 5_000_000
    assert preset_verdict("machine_translation") == "end_to_end"
    assert END_TO_END_PRESETS["speech_recognition"]["inputs"]["examples"] == 3_000_000
    assert preset_verdict("speech_recognition") == "end_to_end"


def test_example_7_2_face_recognition_turnstile_pipeline() -> None:
    assert end_to_end_verdict(10_000, "high", True, None).verdict == "pipeline"
    assert preset_verdict("face_recognition_turnstile") == "pipeline"


def test_example_7_3_child_age_from_hand_xray_pipeline() -> None:
    assert end_to_end_verdict(2_000, "high", True, True).verdict == "pipeline"
    assert preset_verdict("child_age_hand_xray") == "pipeline"


def test_example_7_4_uncertain_then_adjusted_threshold() -> None:
    assert end_to_end_verdict(50_000, "medium", False, None).verdict == "uncertain"
    adjusted = {"low": 10_000, "medium": 40_000, "high": 1_000_000}
    assert end_to_end_verdict(50_000, "medium", False, None, adjusted).verdict == "end_to_end"


def test_example_7_5_blame_per_component() -> None:
    tally = blame_tally(["detect face", "match identity"],
                        ["detect face"] * 12 + ["match identity"] * 30)
    assert tally.focus == "match identity" and tally.total == 42
    top = tally.components[1]
    assert format_pct(top.share) == "71.4%"
    assert (format_pct(top.share_low), format_pct(top.share_high)) == ("56.4%", "82.8%")


def test_example_7_6_blame_tie_goes_to_the_earlier_component() -> None:
    assert blame_tally(["A", "B", "C"], {"A": 10, "B": 10, "C": 5}).focus == "A"


def test_example_7_7_flawed_pipeline() -> None:
    check = pipeline_check([ComponentLevel("detect", 0.012, 0.01),
                            ComponentLevel("match", 0.021, 0.02)], 0.08, 0.02)
    assert check.flawed_pipeline is True
    assert check.system_gap == approx(0.06)


def test_example_7_8_component_furthest_from_human_level() -> None:
    check = pipeline_check([ComponentLevel("detect", 0.05, 0.01),
                            ComponentLevel("match", 0.021, 0.02)], 0.08, 0.02)
    assert check.flawed_pipeline is False
    assert check.focus == "detect"
    assert check.headline == "Work on detect: 4.0 pts above its human level."


# --- 8. Transfer and multi-task learning ---------------------------------------------------


def test_example_8_1_image_recognition_to_radiology() -> None:
    result = transfer_verdict(**TRANSFER_PRESETS["image_to_radiology"]["inputs"])
    assert (result.verdict, result.retrain, result.data_ratio) == (
        "recommended", "last_layers", 10_000)


def test_example_8_2_speech_to_wake_word() -> None:
    result = transfer_verdict(**TRANSFER_PRESETS["speech_to_wake_word"]["inputs"])
    assert (result.verdict, result.retrain, result.data_ratio) == (
        "recommended", "last_layers", 3_600)


def test_example_8_3_less_than_ten_times_is_uncertain() -> None:
    result = transfer_verdict(5_000, 1_000, True, "yes")
    assert (result.verdict, result.retrain) == ("uncertain", "last_layers")


def test_example_8_4_transfer_not_recommended() -> None:
    assert transfer_verdict(1_000, 1_000, True, "yes").verdict == "not_recommended"
    assert transfer_verdict(1_000_000, 100, False, "yes").verdict == "not_recommended"
    no_help = transfer_verdict(1_000_000, 100, True, "no")
    assert (no_help.verdict, no_help.retrain) == ("not_recommended", None)


def test_example_8_5_enough_target_data_fine_tunes_all_layers() -> None:
    result = transfer_verdict(1_000_000, 20_000, True, "yes")
    assert (result.verdict, result.retrain, result.data_ratio) == (
        "recommended", "all_layers", 50)
    edge = transfer_verdict(100_000, 10_000, True, "yes")
    assert (edge.verdict, edge.retrain) == ("recommended", "all_layers")


def test_example_8_6_driving_scene_detectors() -> None:
    inputs = MULTITASK_PRESETS["driving_scene_detectors"]["inputs"]
    assert inputs["tasks"] == {"pedestrians": 25_000, "cars": 30_000, "stop signs": 20_000,
                               "traffic lights": 22_000}
    assert multitask_verdict(**inputs).verdict == "recommended"


def test_example_8_7_dominant_task() -> None:
    main = multitask_verdict({"main task": 1_000_000, "task B": 1_000, "task C": 1_000,
                              "task D": 1_000}, "yes", "yes")
    assert main.verdict == "uncertain"
    assert [task.dominant for task in main.tasks] == [True, False, False, False]
    assert multitask_verdict({"a": 100, "b": 100, "c": 200}, "yes", "yes").verdict == \
        "recommended"
    assert multitask_verdict({"a": 100, "b": 100, "c": 201}, "yes", "yes").verdict == \
        "uncertain"


def test_example_8_8_no_shared_features() -> None:
    assert multitask_verdict({"a": 100, "b": 100}, "no", "yes").verdict == "not_recommended"


def test_example_8_9_both_fit_prefer_transfer() -> None:
    transfer = transfer_verdict(**TRANSFER_PRESETS["image_to_radiology"]["inputs"])
    multitask = multitask_verdict(**MULTITASK_PRESETS["driving_scene_detectors"]["inputs"])
    note = both_fit_note(transfer, multitask)
    assert note is not None and "used far more often" in note


def test_example_8_10_label_coverage() -> None:
    coverage = label_coverage([
        {"pedestrians": 1, "cars": 0, "stop signs": None, "traffic lights": 1},
        {"pedestrians": 0, "cars": 1, "stop signs": 1, "traffic lights": ""},
        {"pedestrians": None, "cars": None, "stop signs": None, "traffic lights": None},
        {"pedestrians": 1, "cars": 1, "stop signs": 0, "traffic lights": 0},
    ])
    assert [(t.labeled, t.coverage) for t in coverage.tasks] == [
        (3, 0.75), (3, 0.75), (2, 0.5), (2, 0.5)]
    assert coverage.unlabeled_examples == 1


# --- 9. Run import -------------------------------------------------------------------------


def runs_of(data: bytes):
    table = read_table(data)
    mapping = propose_mapping(table)
    return mapping, build_runs(table, mapping)


def test_example_9_1_metric_names_to_split_and_kind() -> None:
    assert classify_metric("val_acc") == ("dev_error", "accuracy")
    assert classify_metric("train-dev error") == ("train_dev_error", "error")
    assert classify_metric("holdout_err") == ("test_error", "error")
    assert classify_metric("trainingDevAcc") == ("train_dev_error", "accuracy")
    assert classify_metric("eval_loss") == (None, None)


def test_example_9_2_format_detection() -> None:
    assert detect_format(["run_id", "experiment_id", "metrics.val_acc"]) == "mlflow"
    assert detect_format(["Run ID", "Start Time", "Name"]) == "mlflow-ui"
    assert detect_format(["Name", "State", "Created"]) == "wandb"
    assert detect_format(["name", "dev_error"]) == "generic"


def test_example_9_3_generic_file_with_accuracies_in_percent() -> None:
    mapping, built = runs_of(b"name,train_acc,val_acc,n_dev,lr,latency_ms\n"
                             b"A,92,90,1000,0.01,80\nB,95,91.5,1000,0.001,95\n")
    roles = {m.column: (m.role, m.kind, m.scale) for m in mapping}
    assert roles["train_acc"] == ("train_error", "accuracy", "percent")
    assert roles["val_acc"] == ("dev_error", "accuracy", "percent")
    assert roles["n_dev"][0] == "n_dev" and roles["lr"][0] == "param"
    assert roles["latency_ms"][0] == "metric"
    a, b = built.runs
    assert (a.train_error, a.dev_error, a.n_dev) == (approx(0.08), approx(0.10), 1000)
    assert (b.train_error, b.dev_error) == (approx(0.05), approx(0.085))
    assert a.params == {"lr": "0.01"} and a.metrics == {"latency_ms": 80.0}


def test_example_9_4_any_value_above_one_means_percent() -> None:
    _, built = runs_of(b"name,dev_error\nA,0.08\nB,12\n")
    assert [run.dev_error for run in built.runs] == [approx(0.0008), approx(0.12)]
    assert any("mixes values below and above 1" in w for w in built.warnings)


def test_example_9_5_percent_sign_beside_fractions() -> None:
    mapping, built = runs_of(b"name,dev_error\nA,8%\nB,0.1\n")
    assert mapping[1].scale == "fraction"
    assert [run.dev_error for run in built.runs] == [approx(0.08), approx(0.10)]


def test_example_9_6_accuracy_mixing_fractions_and_percents_is_refused() -> None:
    _, built = runs_of(b"name,dev_acc\nA,0.92\nB,95\n")
    assert not built.ok
    problem = built.problems[0]
    assert problem.row == 2 and "looks like a fraction" in problem.problem


def test_example_9_7_semicolons_decimal_comma_and_mlflow_apostrophe() -> None:
    _, built = runs_of(b"name;dev_error\nA;0,08\n")
    assert built.runs[0].dev_error == approx(0.08)
    _, built = runs_of(b"Run ID,Start Time,Name,val_acc\nabc,2024-01-01,r1,'0.9\n")
    assert built.runs[0].dev_error == approx(0.10)
    assert built.runs[0].run_id == "abc"


def test_example_9_8_epoch_seconds_and_milliseconds() -> None:
    expected = datetime(2023, 11, 14, 22, 13, 20)
    assert parse_created("1700000000") == expected
    assert parse_created("1700000000000") == expected


def test_example_9_9_prediction_header_and_splits() -> None:
    layout = read_layout(b"ID,y_true,y_pred,Subset,Image URL,extra\n")
    assert layout.positions == {"example_id": 0, "label": 1, "prediction": 2, "split": 3,
                                "url": 4}
    assert layout.ignored == ("extra",)
    assert [normalize_split(s) for s in ("Validation", "train-dev", "", "holdout")] == [
        "dev", "train_dev", "dev", "test"]


# --- 10. Typed rates and counts ------------------------------------------------------------


def test_example_10_1_typed_rates() -> None:
    assert [parse_rate(x) for x in ("8%", "8 %", "0.08", 0.08)] == [approx(0.08)] * 4
    with pytest.raises(InputError, match="ambiguous"):
        parse_rate("8")
    for text in ("150%", "-1%"):
        with pytest.raises(InputError, match="between 0% and 100%"):
            parse_rate(text)


def test_example_10_2_rate_display() -> None:
    assert format_pct(0.08) == "8.0%"
    assert format_points(0.02) == "2.0 pts"
    assert format_pct(None) == "–"


def test_example_10_3_counts() -> None:
    assert whole_count(1000.0, "n") == 1000
    assert whole_count("1,000", "n", text=True) == 1000
    for value in (1.5, True, -1):
        with pytest.raises(InputError):
            whole_count(value, "n")


# --- 11. Decisions and the status paragraph ------------------------------------------------


def test_example_11_1_decision_is_cleaned_before_it_is_stored() -> None:
    assert validate_decision("diagnosis", "  Work   on   bias ",
                             {"gap": 0.07, "x": float("nan")}, "  because  ",
                             "  Ann  Lee ") == (
        "diagnosis", "Work on bias", '{"gap": 0.07, "x": null}', "because", "Ann Lee")
    with pytest.raises(InputError, match="unknown page"):
        validate_decision("nope", "x", {}, "", "")


def test_example_11_2_numbers_as_rows() -> None:
    assert numbers_rows({"gaps": {"bias": 0.07, "variance": 0.02}, "n": 10000, "ok": True,
                         "none": None}) == [
        ("gaps.bias", "0.07"), ("gaps.variance", "0.02"), ("n", "10,000"), ("ok", "yes"),
        ("none", "–")]


def test_example_11_3_metric_change_needs_a_reason() -> None:
    kind, what, reason, author, day = validate_change(
        "dev_set", "added 5,000 mobile photos", "the product sees phones", "Ann", "2026-11-03")
    assert (kind, what, reason, day.isoformat()) == (
        "dev_set", "added 5,000 mobile photos", "the product sees phones", "2026-11-03")
    with pytest.raises(InputError, match="say why it changed"):
        validate_change("metric", "F1 instead of accuracy", "", "Ann", None)


def test_example_11_4_status_paragraph() -> None:
    def broken(context: StatusContext) -> list:
        raise RuntimeError("boom")

    runs = [Run("r1", created=datetime(2026, 1, 5), train_error=0.08, dev_error=0.10),
            Run("r2", created=datetime(2026, 1, 9), train_error=0.05, dev_error=0.08)]
    levels = HumanLevels((HumanLevel("expert", 0.01),))
    project = SimpleNamespace(name="Cat app", id=1)
    # No store: the checklist settings are the defaults, given to the context directly.
    context = StatusContext(store=None, project=project, runs=runs,  # type: ignore[arg-type]
                            human_levels=levels)
    context.__dict__["checklist"] = ChecklistSettings()
    sentences = [line.text for line in (*diagnosis_lines(context), *checklist_lines(context))]
    assert " ".join(sentences).startswith(
        "Newest of 2 runs, r2 (2026-01-09): training 5.0%, dev 8.0% against human "
        "level 1.0% (expert). Work on avoidable bias: at 4.0 pts (training − human level) it "
        "is the largest gap. Variance (3.0 pts) is close behind: plan to work on it next. "
        "Avoidable bias has been the focus for the last 2 runs: fell from 7.0 pts to 4.0 pts "
        "since r1. Orthogonalization checklist: 0 of 5 links green, 2 red, 3 unknown. Work "
        "on link 1, fit the training set to about human level: its gap of 4.0 pts is the "
        "largest above the tolerance of 0.5 pts. Next: link 2.")
    status = project_status(None, project, runs=runs,  # type: ignore[arg-type]
                            human_levels=levels, contributors=[diagnosis_lines, broken])
    assert status.paragraph.startswith("Cat app: Newest of 2 runs, r2 (2026-01-09)")
    assert status.skipped == ("broken: RuntimeError: boom",)


# --- 12. Access ----------------------------------------------------------------------------


def test_example_12_1_growing_delay_after_wrong_passcodes() -> None:
    waited: list[float] = []
    gate = PasscodeGate(sleep=waited.append)
    for _ in range(7):
        assert gate.check("wrong", "secret", "client") is False
    assert waited == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert gate.check("secret", "secret", "client") is True
    assert gate.delay_for("client") == 0.0


def test_example_12_2_editor_allowlist_and_passcode_fallback() -> None:
    allowlist = editor_emails({"editor_emails": "A@x.com, b@y.org"})
    assert is_allowed_editor(" a@X.com ", allowlist)
    assert configured_passcode({"STRATEGY_EDITOR_PASSCODE": ""},
                               {"editor_passcode": "abc"}) == "abc"


# --- 13. Text from users and files ---------------------------------------------------------


def test_example_13_1_invisible_characters_are_removed() -> None:
    assert clean_text("a\x00b\r\nc") == "ab\nc"
    assert clean_text("\u202eevil") == "evil"
    assert clean_text("tab\tand\nnewline") == "tab\tand\nnewline"


def test_example_13_2_csv_cells_that_look_like_formulas() -> None:
    assert neutralize_cell("=1+1") == "'=1+1"
    assert neutralize_cell("-2") == "'-2"
    assert neutralize_cell(-2) == -2


def test_example_13_3_markdown_escape() -> None:
    assert escape("**bold** [x](y)\nnew") == r"\*\*bold\*\* \[x\]\(y\) new"


# --- the document itself -------------------------------------------------------------------


def _example_tests() -> list[str]:
    """The test names of this module and of the sections' own example modules
    (tests/core/test_rules_examples_<section>.py)."""
    names = [name for name in dir(sys.modules[__name__]) if name.startswith("test_")]
    for path in sorted(Path(__file__).parent.glob("test_rules_examples_*.py")):
        names += re.findall(r"^def (test_example_\w+)\(", path.read_text(encoding="utf-8"),
                            re.M)
    return names


def test_every_example_in_rules_md_has_a_test() -> None:
    text = RULES.read_text(encoding="utf-8")
    labels = re.findall(r"\bExample (\d+)\.(\d+)\b", text)
    assert labels, "docs/rules.md has no worked examples"
    keys = [f"{section}_{number}" for section, number in labels]
    assert len(keys) == len(set(keys)), "an example label is used twice in docs/rules.md"
    names = _example_tests()
    missing = [f"Example {key.replace('_', '.')}" for key in keys
               if not any(re.search(rf"example_{key}(?!\d)", name) for name in names)]
    assert not missing, f"no test for {', '.join(missing)} of docs/rules.md"


def test_no_test_for_an_example_that_is_not_in_rules_md() -> None:
    text = RULES.read_text(encoding="utf-8")
    keys = {f"{s}_{n}" for s, n in re.findall(r"\bExample (\d+)\.(\d+)\b", text)}
    tested = {m.group(1) for name in _example_tests()
              if (m := re.match(r"test_example_(\d+_\d+)(?!\d)", name))}
    assert tested <= keys, f"tests for examples not in docs/rules.md: {sorted(tested - keys)}"


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_contents_lists_every_section_with_its_anchor() -> None:
    text = RULES.read_text(encoding="utf-8")
    sections = [h for h in re.findall(r"^## (.+)$", text, re.M) if h != "Contents"]
    assert all(re.match(r"\d+\. ", h) for h in sections), "sections are numbered"
    listed = re.findall(r"^\| \[(.+?)\]\(#([\w-]+)\) \| `#([\w-]+)` \|$", text, re.M)
    assert [(title, link) for title, link, _ in listed] == [
        (h, _anchor(h)) for h in sections]
    assert all(link == shown for _, link, shown in listed)


def test_example_14_1_a_stale_run_save_is_refused_then_reapplied(store) -> None:
    from strategy_core.errors import ConflictError
    from strategy_core.runs import Run

    project = store.projects.create("Two editors")
    store.runs.save_run(project.id, Run(name="full", train_error=0.05, dev_error=0.10))
    (opened,) = store.runs.list(project.id)  # Ana and Bo both open version v1
    store.runs.edit_run(project.id, opened.key, {"train_error": 0.09},
                        expected_version=opened.version)  # Ana
    with pytest.raises(ConflictError) as refused:  # Bo, naming v1
        store.runs.edit_run(project.id, opened.key, {"dev_error": 0.12},
                            expected_version=opened.version)
    assert "Train error 5.00% → 9.00%" in str(refused.value)
    store.runs.edit_run(project.id, opened.key, {"dev_error": 0.12},
                        expected_version=refused.value.current.version)  # Bo reapplies
    (now,) = store.runs.list(project.id)
    assert (now.train_error, now.dev_error) == (0.09, 0.12)
