"""Decision guides (SPEC 4.7, 4.8): the reference cases, the boundaries, and bad input."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from strategy_core.errors import InputError
from strategy_core.guides import (
    END_TO_END_PRESETS,
    END_TO_END_THRESHOLD_NOTES,
    END_TO_END_THRESHOLDS,
    MISSING_LABELS_SKIPPED,
    MULTITASK_PRESETS,
    TRANSFER_MORE_COMMON,
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

# --- End-to-end or pipeline (SPEC 4.7) --------------------------------------------------

# The reference cases of SPEC 4.7, with the verdict the SPEC gives each.
END_TO_END_REFERENCE = {
    "machine_translation": "end_to_end",
    "face_recognition_turnstile": "pipeline",
    "child_age_hand_xray": "pipeline",
    "speech_recognition": "end_to_end",
}


@pytest.mark.parametrize(
    ("preset", "verdict"), END_TO_END_REFERENCE.items(), ids=list(END_TO_END_REFERENCE)
)
def test_end_to_end_reference_cases(preset, verdict):
    case = END_TO_END_PRESETS[preset]
    assert case["description"] and case["label"]
    result = end_to_end_verdict(**case["inputs"])
    assert result.verdict == verdict
    assert result.as_dict() == {"verdict": verdict, "reasons": list(result.reasons)}
    assert "Key question" in result.reasons[0]


def test_every_end_to_end_preset_has_a_reference_verdict():
    assert set(END_TO_END_PRESETS) == set(END_TO_END_REFERENCE)


def test_end_to_end_thresholds_and_their_explanations():
    assert END_TO_END_THRESHOLDS == {"low": 10_000, "medium": 100_000, "high": 1_000_000}
    assert set(END_TO_END_THRESHOLD_NOTES) == set(END_TO_END_THRESHOLDS)
    for level, needed in END_TO_END_THRESHOLDS.items():
        assert f"{needed:,}" in END_TO_END_THRESHOLD_NOTES[level]


END_TO_END_CASES = [
    # examples, complexity, sub-task data, hand-designed useful, verdict
    (10_000, "low", False, None, "end_to_end"),
    (9_999, "low", False, None, "uncertain"),
    (99_999, "medium", True, None, "pipeline"),
    (100_000, "medium", True, True, "end_to_end"),
    (500_000, "high", False, True, "pipeline"),
    (500_000, "high", False, False, "uncertain"),
    (0, "high", False, None, "uncertain"),
    (2_000_000, "HIGH", False, False, "end_to_end"),
]
END_TO_END_IDS = [
    "low_at_threshold-end_to_end",
    "low_one_short-uncertain",
    "medium_short_with_subtask_data-pipeline",
    "medium_at_threshold_despite_subtask_data-end_to_end",
    "high_short_with_hand_designed_parts-pipeline",
    "high_short_nothing_to_build_on-uncertain",
    "no_data-uncertain",
    "complexity_in_capitals",
]


@pytest.mark.parametrize(
    ("examples", "complexity", "subtask", "hand", "verdict"), END_TO_END_CASES, ids=END_TO_END_IDS
)
def test_end_to_end_rule(examples, complexity, subtask, hand, verdict):
    assert end_to_end_verdict(examples, complexity, subtask, hand).verdict == verdict


def test_uncertain_says_more_data_is_needed_either_way():
    result = end_to_end_verdict(5_000, "medium", False, None)
    assert any("more data is needed either way" in reason for reason in result.reasons)
    assert any("hand-designed" in reason for reason in result.reasons)


def test_end_to_end_thresholds_are_adjustable():
    own = {"low": 1_000, "medium": 5_000, "high": 50_000}
    assert end_to_end_verdict(50_000, "high", False, thresholds=own).verdict == "end_to_end"
    assert end_to_end_verdict(50_000, "high", False).verdict == "uncertain"
    result = end_to_end_verdict(4_999, "medium", True, thresholds=own)
    assert result.verdict == "pipeline"
    assert any("5,000" in reason for reason in result.reasons)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((-1, "low", False), {}),
        ((10.5, "low", False), {}),
        (("many", "low", False), {}),
        ((100, "extreme", False), {}),
        ((100, "low", "yes"), {}),
        ((100, "low", False, "maybe"), {}),
        ((100, "low", False), {"thresholds": {"low": -5, "medium": 1, "high": 2}}),
        ((100, "low", False), {"thresholds": {"medium": 1, "high": 2}}),
    ],
    ids=[
        "negative_examples",
        "fractional_examples",
        "text_examples",
        "unknown_complexity",
        "subtask_data_not_a_flag",
        "hand_designed_not_a_flag",
        "negative_threshold",
        "missing_threshold",
    ],
)
def test_bad_end_to_end_input(args, kwargs):
    with pytest.raises(InputError):
        end_to_end_verdict(*args, **kwargs)


# --- Error analysis by parts (SPEC 4.7) -------------------------------------------------

FACE_PIPELINE = ["detect face", "crop", "identify"]

BLAME_CASES = [
    (["identify", "detect face", "identify", "crop", "identify"], (1, 1, 3), "identify"),
    ({"detect face": 23, "identify": 77}, (23, 0, 77), "identify"),
    (["crop", "identify", "crop", "identify"], (0, 2, 2), "crop"),
    ({"detect face": 0, "crop": 0}, (0, 0, 0), None),
    ([], (0, 0, 0), None),
]
BLAME_IDS = [
    "one_name_per_error",
    "counts_per_component",
    "tie_goes_to_the_earlier_component",
    "zero_counts",
    "nothing_attributed",
]


@pytest.mark.parametrize(("attributions", "counts", "focus"), BLAME_CASES, ids=BLAME_IDS)
def test_blame_tally(attributions, counts, focus):
    tally = blame_tally(FACE_PIPELINE, attributions)
    assert [c.name for c in tally.components] == FACE_PIPELINE
    assert tuple(c.count for c in tally.components) == counts
    assert tally.total == sum(counts)
    assert tally.focus == focus
    if tally.total:
        for component, count in zip(tally.components, counts, strict=True):
            assert component.share == pytest.approx(count / sum(counts))
            assert component.share_low <= component.share <= component.share_high
    else:
        assert all(c.share is None for c in tally.components)
    result = tally.as_dict()
    assert set(result) == {"components", "total", "focus", "reasons"}


def test_blame_tie_is_explained():
    tally = blame_tally(FACE_PIPELINE, ["crop", "identify"])
    assert any("crop and identify are tied" in reason for reason in tally.reasons)


@pytest.mark.parametrize(
    ("components", "attributions", "named"),
    [
        (FACE_PIPELINE, ["detect face", "lighting"], "lighting"),
        (FACE_PIPELINE, {"lighting": 3}, "lighting"),
        (FACE_PIPELINE, {"crop": -1}, "crop"),
        (FACE_PIPELINE, {"crop": 1.5}, "crop"),
        (["a", "a"], [], "twice"),
        ([], [], "at least one"),
        (FACE_PIPELINE, "crop", "one by one"),
    ],
    ids=[
        "unknown_component_in_list",
        "unknown_component_in_counts",
        "negative_count",
        "fractional_count",
        "component_listed_twice",
        "no_components",
        "a_bare_string",
    ],
)
def test_bad_blame_input(components, attributions, named):
    with pytest.raises(InputError, match=named):
        blame_tally(components, attributions)


def _levels(*pairs):
    return [ComponentLevel(f"step {i}", error, human) for i, (error, human) in enumerate(pairs)]


PIPELINE_CASES = [
    # component (error, human) pairs, system error, system human error, flawed, focus
    ([("1%", "0.8%"), ("2%", "1.9%")], "6%", "1%", True, None),
    ([("1%", "0.8%"), ("2%", "1.9%")], "1.2%", "1%", False, None),
    ([("1%", "0.8%"), ("5%", "1.9%")], "6%", "1%", False, "step 1"),
    ([("4%", "1%"), ("5%", "2%")], "9%", "1%", False, "step 0"),
    ([("1.5%", "1%")], "3%", "1%", True, None),
    ([("1.6%", "1%")], "3%", "1%", False, "step 0"),
    ([("0.5%", "1%")], "3%", "1%", True, None),
]
PIPELINE_IDS = [
    "components_near_human_system_not-flawed",
    "components_and_system_near_human-sound",
    "one_component_behind-work_on_it",
    "equal_gaps-earlier_component_first",
    "gap_exactly_at_margin-near_human",
    "gap_just_above_margin-behind",
    "component_better_than_human-near_human",
]


@pytest.mark.parametrize(
    ("pairs", "system", "system_human", "flawed", "focus"), PIPELINE_CASES, ids=PIPELINE_IDS
)
def test_pipeline_check(pairs, system, system_human, flawed, focus):
    check = pipeline_check(_levels(*pairs), system, system_human)
    assert check.flawed_pipeline is flawed
    assert check.focus == focus
    assert check.margin == pytest.approx(0.005)
    if flawed:
        assert any("Rethink the decomposition" in reason for reason in check.reasons)
    assert check.as_dict()["flawed_pipeline"] is flawed


def test_pipeline_margin_is_adjustable():
    pairs = [("2%", "1%"), ("1%", "1%")]
    assert pipeline_check(_levels(*pairs), "6%", "1%").flawed_pipeline is False
    assert pipeline_check(_levels(*pairs), "6%", "1%", margin="1%").flawed_pipeline is True


@pytest.mark.parametrize(
    ("components", "system", "human"),
    [
        ([], "5%", "1%"),
        (_levels(("120%", "1%")), "5%", "1%"),
        (_levels(("1%", "1%")), "5", "1%"),
        ([ComponentLevel("a", 0.1, 0.0), ComponentLevel("a", 0.1, 0.0)], "5%", "1%"),
    ],
    ids=["no_components", "error_above_100pct", "ambiguous_bare_number", "duplicate_names"],
)
def test_bad_pipeline_input(components, system, human):
    with pytest.raises(InputError):
        pipeline_check(components, system, human)


# --- Transfer learning (SPEC 4.8) -------------------------------------------------------

TRANSFER_REFERENCE = {
    "image_to_radiology": ("recommended", "last_layers"),
    "speech_to_wake_word": ("recommended", "last_layers"),
}


@pytest.mark.parametrize(
    ("preset", "expected"), TRANSFER_REFERENCE.items(), ids=list(TRANSFER_REFERENCE)
)
def test_transfer_reference_cases(preset, expected):
    case = TRANSFER_PRESETS[preset]
    assert case["description"] and case["label"]
    result = transfer_verdict(**case["inputs"])
    assert (result.verdict, result.retrain) == expected
    assert result.as_dict() == {
        "verdict": expected[0],
        "reasons": list(result.reasons),
        "retrain": expected[1],
    }


def test_every_transfer_preset_has_a_reference_verdict():
    assert set(TRANSFER_PRESETS) == set(TRANSFER_REFERENCE)


TRANSFER_CASES = [
    # source, target, same input, low-level helpful, verdict, retrain
    (1_000_000, 100, False, "yes", "not_recommended", None),
    (1_000, 1_000, True, "yes", "not_recommended", None),
    (500, 1_000, True, "yes", "not_recommended", None),
    (1_000_000, 100, True, "no", "not_recommended", None),
    (5_000, 1_000, True, "yes", "uncertain", "last_layers"),
    (1_000_000, 100, True, "unsure", "uncertain", "last_layers"),
    (10_000, 1_000, True, "yes", "recommended", "last_layers"),
    (9_999, 1_000, True, "yes", "uncertain", "last_layers"),
    (10_000_000, 50_000, True, "yes", "recommended", "all_layers"),
    (10_000_000, 10_000, True, "yes", "recommended", "all_layers"),
    (10_000_000, 9_999, True, "yes", "recommended", "last_layers"),
]
TRANSFER_IDS = [
    "different_input-not_recommended",
    "A_as_much_data_as_B-not_recommended",
    "A_less_data_than_B-not_recommended",
    "low_level_features_do_not_help-not_recommended",
    "A_5x_B-uncertain",
    "unsure_features_help-uncertain",
    "A_exactly_10x_B-recommended",
    "A_just_under_10x_B-uncertain",
    "much_B_data-fine_tune_all_layers",
    "B_at_retrain_threshold-all_layers",
    "B_just_under_retrain_threshold-last_layers",
]


@pytest.mark.parametrize(
    ("source", "target", "same_input", "helpful", "verdict", "retrain"),
    TRANSFER_CASES,
    ids=TRANSFER_IDS,
)
def test_transfer_rule(source, target, same_input, helpful, verdict, retrain):
    result = transfer_verdict(source, target, same_input, helpful)
    assert result.verdict == verdict
    assert result.retrain == retrain
    assert result.data_ratio == pytest.approx(source / target)


def test_transfer_ratio_and_retrain_threshold_are_adjustable():
    assert transfer_verdict(5_000, 1_000, True, "yes", ratio=5).verdict == "recommended"
    result = transfer_verdict(1_000_000, 1_000, True, "yes", retrain_threshold=500)
    assert result.retrain == "all_layers"


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((-1, 100, True), {}),
        ((1_000, 0, True), {}),
        ((1_000.5, 100, True), {}),
        ((1_000, 100, "yes"), {}),
        ((1_000, 100, True, "perhaps"), {}),
        ((1_000, 100, True), {"ratio": 1}),
        ((1_000, 100, True), {"retrain_threshold": -1}),
    ],
    ids=[
        "negative_source",
        "no_target_data",
        "fractional_source",
        "same_input_not_a_flag",
        "unknown_answer",
        "ratio_not_above_1",
        "negative_retrain_threshold",
    ],
)
def test_bad_transfer_input(args, kwargs):
    with pytest.raises(InputError):
        transfer_verdict(*args, **kwargs)


# --- Multi-task learning (SPEC 4.8) -----------------------------------------------------

MULTITASK_REFERENCE = {
    "driving_scene_detectors": "recommended",
    "one_dominant_task": "uncertain",
}


@pytest.mark.parametrize(
    ("preset", "verdict"), MULTITASK_REFERENCE.items(), ids=list(MULTITASK_REFERENCE)
)
def test_multitask_reference_cases(preset, verdict):
    case = MULTITASK_PRESETS[preset]
    assert case["description"] and case["label"]
    result = multitask_verdict(**case["inputs"])
    assert result.verdict == verdict
    assert result.as_dict() == {"verdict": verdict, "reasons": list(result.reasons)}


def test_every_multitask_preset_has_a_reference_verdict():
    assert set(MULTITASK_PRESETS) == set(MULTITASK_REFERENCE)


SIMILAR = {"pedestrians": 1_000, "cars": 1_000, "stop signs": 1_000, "traffic lights": 1_000}

MULTITASK_CASES = [
    (SIMILAR, "yes", "yes", "recommended"),
    (SIMILAR, "no", "yes", "not_recommended"),
    (SIMILAR, "yes", "no", "not_recommended"),
    ({"a": 1_000_000, "b": 1_000}, "yes", "no", "not_recommended"),
    (SIMILAR, "unsure", "yes", "uncertain"),
    (SIMILAR, "yes", "unsure", "uncertain"),
    ({"a": 3_000, "b": 1_000, "c": 2_000}, "yes", "yes", "recommended"),
    ({"a": 3_001, "b": 1_000, "c": 2_000}, "yes", "yes", "uncertain"),
    ({"a": 500, "b": 500}, "Yes", " YES ", "recommended"),
]
MULTITASK_IDS = [
    "four_detectors_similar_data-recommended",
    "no_shared_features-not_recommended",
    "network_cannot_be_big_enough-not_recommended",
    "dominant_task_and_small_network-not_recommended",
    "sharing_unsure-uncertain",
    "capacity_unsure-uncertain",
    "one_task_equals_the_others_together-recommended",
    "one_task_one_more_than_the_others-uncertain",
    "answers_in_any_case",
]


@pytest.mark.parametrize(("tasks", "shared", "big", "verdict"), MULTITASK_CASES, ids=MULTITASK_IDS)
def test_multitask_rule(tasks, shared, big, verdict):
    assert multitask_verdict(tasks, shared, big).verdict == verdict


@pytest.mark.parametrize(
    ("tasks", "shared", "big"),
    [
        ({"only": 1_000}, "yes", "yes"),
        ({}, "yes", "yes"),
        ({"a": -1, "b": 10}, "yes", "yes"),
        ({"a": 1.5, "b": 10}, "yes", "yes"),
        ({"a": 0, "b": 0}, "yes", "yes"),
        ({"a": 10, "b": 10}, "perhaps", "yes"),
        ({"a": 10, " ": 10}, "yes", "yes"),
    ],
    ids=[
        "one_task",
        "no_tasks",
        "negative_count",
        "fractional_count",
        "no_data_at_all",
        "unknown_answer",
        "blank_task_name",
    ],
)
def test_bad_multitask_input(tasks, shared, big):
    with pytest.raises(InputError):
        multitask_verdict(tasks, shared, big)


def test_transfer_is_said_to_be_more_common_when_both_fit():
    transfer = transfer_verdict(**TRANSFER_PRESETS["image_to_radiology"]["inputs"])
    multitask = multitask_verdict(**MULTITASK_PRESETS["driving_scene_detectors"]["inputs"])
    assert both_fit_note(transfer, multitask) == TRANSFER_MORE_COMMON
    assert "far more often" in TRANSFER_MORE_COMMON
    dominant = multitask_verdict(**MULTITASK_PRESETS["one_dominant_task"]["inputs"])
    assert both_fit_note(transfer, dominant) is None
    no_transfer = transfer_verdict(100, 100, True, "yes")
    assert both_fit_note(no_transfer, multitask) is None


# --- Label coverage (SPEC 4.8) ----------------------------------------------------------

ROWS = [
    {"pedestrian": 1, "car": 0, "stop sign": None},
    {"pedestrian": 0, "car": "", "stop sign": 1},
    {"pedestrian": 1, "car": 1},
    {"pedestrian": None, "car": None, "stop sign": math.nan},
]


def _coverage(result):
    return {task.name: (task.labeled, task.missing, task.coverage) for task in result.tasks}


@pytest.mark.parametrize(
    "matrix",
    [ROWS, pd.DataFrame.from_records(ROWS)],
    ids=["list_of_dicts", "dataframe"],
)
def test_label_coverage(matrix):
    result = label_coverage(matrix)
    assert _coverage(result) == {
        "pedestrian": (3, 1, 0.75),
        "car": (2, 2, 0.5),
        "stop sign": (1, 3, 0.25),
    }
    assert result.examples == 4
    assert result.unlabeled_examples == 1
    assert result.reasons[0] == MISSING_LABELS_SKIPPED
    assert "skipped in the loss" in MISSING_LABELS_SKIPPED
    assert set(result.as_dict()) == {"tasks", "examples", "unlabeled_examples", "reasons"}


def test_label_coverage_of_chosen_task_columns():
    frame = pd.DataFrame(
        {"image": ["a.png", "b.png", "c.png"], "car": [1, None, 0], "sign": ["1", " ", None]}
    )
    result = label_coverage(frame, tasks=["car", "sign"])
    assert _coverage(result) == {"car": (2, 1, 2 / 3), "sign": (1, 2, 1 / 3)}
    assert result.unlabeled_examples == 1


def test_a_task_without_labels_is_pointed_out():
    result = label_coverage([{"car": 1, "sign": None}, {"car": 0, "sign": ""}])
    assert _coverage(result)["sign"] == (0, 2, 0.0)
    assert any("No labels at all for sign" in reason for reason in result.reasons)


@pytest.mark.parametrize(
    ("matrix", "tasks"),
    [
        ([], None),
        (pd.DataFrame({"car": []}), None),
        ([{"car": 1}], ["sign"]),
        ([{"car": 1}, "not a row"], None),
        ([{"car": 1}], []),
    ],
    ids=["no_rows", "empty_frame", "unknown_task", "row_not_a_mapping", "no_task_columns"],
)
def test_bad_label_matrix(matrix, tasks):
    with pytest.raises(InputError):
        label_coverage(matrix, tasks)
