"""Decision guides (docs/rules.md §7, §8): the reference cases, the boundaries, and bad input."""

from __future__ import annotations

import json
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
    PIPELINE_SETTING,
    TRANSFER_MORE_COMMON,
    TRANSFER_PRESETS,
    TRANSFER_RATIO_NOTE,
    TRANSFER_RETRAIN_NOTE,
    TRANSFER_RETRAIN_THRESHOLD,
    ComponentLevel,
    blame_tally,
    both_fit_note,
    default_task_columns,
    end_to_end_verdict,
    label_coverage,
    multitask_verdict,
    pipeline_analysis,
    pipeline_check,
    pipeline_components,
    read_label_matrix,
    stored_pipeline_analysis,
    transfer_verdict,
)

# --- End-to-end or pipeline (docs/rules.md §7) --------------------------------------------------

# The reference cases of docs/rules.md §7, with the verdict the docs/rules.md gives each.
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


# --- Error analysis by parts (docs/rules.md §7) -------------------------------------------------

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


# --- Transfer learning (docs/rules.md §8) -------------------------------------------------------

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


# --- Multi-task learning (docs/rules.md §8) -----------------------------------------------------

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


# --- Label coverage (docs/rules.md §8) ----------------------------------------------------------

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


# --- Results carry their numbers and a one-sentence headline ----------------------------


HEADLINES = {
    "machine_translation": "Go end-to-end: 5,000,000 labeled (x, y) examples reach the "
    "1,000,000 a high-complexity mapping needs.",
    "face_recognition_turnstile": "Build a pipeline: 10,000 labeled (x, y) examples fall short "
    "of the 1,000,000 a high-complexity mapping needs.",
    "child_age_hand_xray": "Build a pipeline: 2,000 labeled (x, y) examples fall short of the "
    "1,000,000 a high-complexity mapping needs.",
    "speech_recognition": "Go end-to-end: 3,000,000 labeled (x, y) examples reach the "
    "1,000,000 a high-complexity mapping needs.",
}


@pytest.mark.parametrize(("preset", "headline"), HEADLINES.items(), ids=list(HEADLINES))
def test_end_to_end_reference_headlines_and_inputs(preset, headline):
    inputs = END_TO_END_PRESETS[preset]["inputs"]
    result = end_to_end_verdict(**inputs)
    assert result.headline == headline
    assert result.needed == 1_000_000
    assert result.inputs() == {**inputs, "thresholds": END_TO_END_THRESHOLDS}


def test_uncertain_headline_says_more_data_is_needed():
    result = end_to_end_verdict(500, "low", False, False)
    assert result.headline.startswith("Uncertain: 500 labeled (x, y) examples fall short of "
                                      "the 10,000 a low-complexity mapping needs")
    assert "more data is needed either way" in result.headline


def test_end_to_end_keeps_the_thresholds_it_used():
    own = {"low": 1_000, "medium": 5_000, "high": 50_000}
    result = end_to_end_verdict(60_000, "high", False, thresholds=own)
    assert (result.verdict, result.needed, dict(result.thresholds)) == ("end_to_end", 50_000, own)


@pytest.mark.parametrize(
    ("preset", "headline"),
    [
        ("image_to_radiology", "Transfer learning is recommended: task A has 1,000,000 "
         "examples, 10,000× task B's 100; retrain only the last layer(s)."),
        ("speech_to_wake_word", "Transfer learning is recommended: task A has 3,600,000 "
         "examples, 3,600× task B's 1,000; retrain only the last layer(s)."),
    ],
    ids=["image_to_radiology", "speech_to_wake_word"],
)
def test_transfer_reference_headlines(preset, headline):
    inputs = TRANSFER_PRESETS[preset]["inputs"]
    result = transfer_verdict(**inputs)
    assert result.headline == headline
    assert result.inputs() == {**inputs, "ratio": 10.0, "retrain_threshold": 10_000}


def test_transfer_headline_when_not_recommended_has_no_retrain_advice():
    result = transfer_verdict(500, 1_000, True, "yes")
    assert result.headline == ("Transfer learning is not recommended: task A has 500 "
                               "examples, 0.5× task B's 1,000.")


def test_multitask_reference_data_per_task():
    result = multitask_verdict(**MULTITASK_PRESETS["one_dominant_task"]["inputs"])
    data = {task.name: (task.examples, task.others, task.dominant) for task in result.tasks}
    assert data == {
        "main task": (1_000_000, 3_000, True),
        "task B": (1_000, 1_002_000, False),
        "task C": (1_000, 1_002_000, False),
        "task D": (1_000, 1_002_000, False),
    }
    assert sum(task.share for task in result.tasks) == pytest.approx(1.0)
    assert result.headline == ("Multi-task learning may or may not help: 4 tasks with "
                               "1,003,000 labeled examples in all; main task has more data "
                               "than all other tasks together.")
    similar = multitask_verdict(**MULTITASK_PRESETS["driving_scene_detectors"]["inputs"])
    assert not any(task.dominant for task in similar.tasks)
    assert similar.headline.startswith("Multi-task learning is recommended: 4 tasks with "
                                       "97,000 labeled examples")
    assert similar.inputs() == MULTITASK_PRESETS["driving_scene_detectors"]["inputs"]


def test_the_adjustable_thresholds_are_explained_with_their_defaults():
    assert "10×" in TRANSFER_RATIO_NOTE and "(adjustable)" in TRANSFER_RATIO_NOTE
    assert "10,000" in TRANSFER_RETRAIN_NOTE and "last layer" in TRANSFER_RETRAIN_NOTE
    assert TRANSFER_RETRAIN_THRESHOLD == 10_000


# --- The saved pipeline analysis (error analysis by parts, docs/rules.md §7) ---------------------


@pytest.mark.parametrize(
    ("text", "components"),
    [
        ("detect face\ncrop\nidentify", ("detect face", "crop", "identify")),
        ("  detect face \n\n identify\n", ("detect face", "identify")),
        ("", ()),
        ("\n  \n", ()),
    ],
    ids=["one_per_line", "blank_lines_and_spaces", "empty", "only_blank_lines"],
)
def test_pipeline_components_from_text(text, components):
    assert pipeline_components(text) == components


@pytest.mark.parametrize(
    ("text", "named"),
    [("a\nb\na", "twice"), ("\n".join(f"step {i}" for i in range(13)), "at most 12"),
     ("x" * 61, "longer than 60")],
    ids=["listed_twice", "too_many", "name_too_long"],
)
def test_bad_pipeline_components(text, named):
    with pytest.raises(InputError, match=named):
        pipeline_components(text)


FACE_LEVELS = {"detect face": ("1%", "0.8%"), "crop": ("0.6%", "0.5%"),
               "identify": ("2.1%", "1.8%")}


def test_pipeline_analysis_counts_tally_and_flawed_flag():
    analysis = pipeline_analysis(FACE_PIPELINE, {"detect face": 23, "crop": 9, "identify": 68},
                                 levels=FACE_LEVELS, system_error="9%",
                                 system_human_error="1%")
    tally = analysis.tally()
    assert [(c.name, c.count) for c in tally.components] == [
        ("detect face", 23), ("crop", 9), ("identify", 68)]
    assert tally.focus == "identify"
    assert tally.headline == ("Work on identify: it is blamed for 68 of 100 reviewed errors "
                              "(68.0%).")
    check = analysis.check()
    assert check is not None and check.flawed_pipeline
    assert check.system_gap == pytest.approx(0.08)
    assert check.headline.startswith("Flawed pipeline design")


def test_pipeline_analysis_per_example_of_a_review_sample():
    blame = {"img-1": "identify", "img-2": "crop", "img-3": "identify", "img-4": None,
             "img-5": " "}
    analysis = pipeline_analysis(FACE_PIPELINE, {"crop": 50}, sample_id=7,
                                 example_blame=blame)
    assert analysis.per_example
    assert dict(analysis.example_blame) == {"img-1": "identify", "img-2": "crop",
                                            "img-3": "identify"}
    tally = analysis.tally()  # the sample's examples count, not the counts
    assert (tally.total, tally.focus) == (3, "identify")
    assert analysis.check() is None  # no levels entered yet


def test_pipeline_check_waits_for_every_level():
    levels = dict(FACE_LEVELS)
    levels["crop"] = ("0.6%", None)
    analysis = pipeline_analysis(FACE_PIPELINE, levels=levels, system_error="9%",
                                 system_human_error="1%")
    assert analysis.check() is None
    sound = pipeline_analysis(FACE_PIPELINE, levels=FACE_LEVELS, system_error="2%",
                              system_human_error="1.8%")
    assert sound.check().headline.startswith("The pipeline is sound")
    behind = pipeline_analysis(FACE_PIPELINE, levels={**FACE_LEVELS, "crop": ("3%", "0.5%")},
                               system_error="9%", system_human_error="1%")
    assert behind.check().headline == "Work on crop: 2.5 pts above its human level."


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"counts": {"lighting": 2}}, "lighting"),
        ({"counts": {"crop": -2}}, "crop"),
        ({"example_blame": {"img-1": "lighting"}}, "img-1"),
        ({"levels": {"crop": ("7", "1%")}}, "ambiguous"),
        ({"levels": {"lighting": ("1%", "1%")}}, "lighting"),
        ({"system_error": "150%"}, "between"),
        ({"sample_id": "seven"}, "sample id"),
    ],
    ids=["unknown_component_count", "negative_count", "unknown_component_blamed",
         "ambiguous_bare_number", "levels_of_unknown_component", "rate_above_100pct",
         "sample_id_not_a_number"],
)
def test_bad_pipeline_analysis(kwargs, named):
    with pytest.raises(InputError, match=named):
        pipeline_analysis(FACE_PIPELINE, **kwargs)


def test_pipeline_analysis_round_trips_through_its_setting():
    analysis = pipeline_analysis(FACE_PIPELINE, {"crop": 3}, 4, {"img-9": "crop"},
                                 FACE_LEVELS, "9%", "1%", "1%")
    stored = json.loads(json.dumps(analysis.as_dict()))  # as the project setting keeps it
    assert stored_pipeline_analysis(stored) == analysis
    assert PIPELINE_SETTING == "guides.pipeline"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("not a mapping", None),
        ({"components": []}, None),
        ({"components": ["a", "a"]}, None),
        ({"components": ["a", "b"], "counts": {"a": 2, "gone": 5}}, {"a": 2}),
        ({"components": ["a", "b"], "counts": {"a": -2}}, {}),
        ({"components": ["a", "b"], "counts": {"a": 2}, "levels": {"a": ["900", "1%"]}},
         {"a": 2}),
    ],
    ids=["absent", "not_a_mapping", "no_components", "duplicate_components",
         "count_of_a_removed_component_dropped", "bad_count_dropped",
         "bad_level_dropped_counts_kept"],
)
def test_stored_pipeline_analysis_drops_what_no_longer_fits(raw, expected):
    analysis = stored_pipeline_analysis(raw)
    if expected is None:
        assert analysis is None
    else:
        assert dict(analysis.counts) == expected
        assert analysis.components == tuple(raw["components"])


# --- Reading a label matrix (docs/rules.md §8) --------------------------------------------------


def test_read_label_matrix_marks_missing_labels(samples):
    matrix = read_label_matrix(b"image,car,stop sign\na.png,1,?\nb.png,,0\nc.png,NA,null\n")
    assert list(matrix.columns) == ["image", "car", "stop sign"]
    assert default_task_columns(matrix) == ["car", "stop sign"]
    result = label_coverage(matrix, default_task_columns(matrix))
    assert _coverage(result) == {"car": (1, 2, 1 / 3), "stop sign": (1, 2, 1 / 3)}
    assert result.unlabeled_examples == 1
    sample = read_label_matrix((samples / "multitask_labels.csv").read_bytes())
    tasks = default_task_columns(sample)
    assert tasks == ["pedestrian", "car", "stop sign", "traffic light"]
    coverage = label_coverage(sample, tasks)
    assert coverage.examples == 200
    assert all(0 < task.coverage < 1 for task in coverage.tasks)


def test_default_task_columns_leave_out_identifiers():
    ids = [f"x{i}" for i in range(12)]
    frame = pd.DataFrame({"uid": ids, "example_id": ids, "file path": ids, "car": ["1"] * 12,
                          "sign": [None] * 6 + ["0"] * 6})
    assert default_task_columns(frame) == ["car", "sign"]


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        (b"", "empty"),
        (b"image,car\n", "no examples"),
        (b"image,car\na.png,1,0\n", "row 2"),
        (b"image,car,car\na.png,1,0\n", "twice"),
        (b"\xff\xfeimage", "UTF-16"),
        (b"image,car\na.png,\xe9\n", "not UTF-8"),
    ],
    ids=["empty_file", "header_only", "ragged_row", "duplicate_column", "utf16", "latin1"],
)
def test_bad_label_matrix_file(payload, named):
    with pytest.raises(InputError, match=named):
        read_label_matrix(payload)
