"""The Transfer or multi-task page through AppTest: empty project and demo,
the reference cases of both guides, the adjustable thresholds, the per-task data table, the
label-coverage view of an uploaded label matrix (good and bad files), the note that transfer
is used far more often, recording decisions, and viewers."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from strategy_core.guides import (
    MULTITASK_PRESETS,
    TRANSFER_MORE_COMMON,
    TRANSFER_PRESETS,
    multitask_verdict,
    transfer_verdict,
)
from strategy_core.markdown import escape
from strategy_core.store import Store, open_store
from tests.app.conftest import (
    DEMO_SLUG,
    assert_no_exception,
    boxes,
    open_page,
    project_id,
    record_buttons,
)

SLUG = "x-ray-reader"


@pytest.fixture
def project(isolated_db: Path) -> Store:
    store = open_store(str(isolated_db))
    store.projects.create("X-ray reader")
    return store


def pid(store: Store) -> int:
    return project_id(store, SLUG)


def page(project: str = SLUG) -> AppTest:
    return open_page("transfer", project, "Transfer or multi-task")


def table(at: AppTest, column: str):
    """The one read-only table holding `column` (AppTest does not keep a dataframe's key)."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def upload(at: AppTest, payload: bytes, name: str = "labels.csv") -> AppTest:
    at.file_uploader(key="mt_labels").upload(name, payload, "text/csv").run()
    assert_no_exception(at)
    return at


def test_empty_project_shows_both_guides(project: Store):
    at = page()
    default = transfer_verdict(100_000, 1_000, True, "unsure")
    assert escape(default.headline) in boxes(at)
    assert escape(multitask_verdict({"task 1": 1_000, "task 2": 1_000}, "unsure",
                                    "unsure").headline) in boxes(at)
    assert at.download_button(key="mt_labels_sample") is not None
    assert len(record_buttons(at)) == 2


def test_demo_project_opens(demo_app_env: str):
    page(DEMO_SLUG)


@pytest.mark.parametrize(
    ("preset", "retrain"),
    [("image_to_radiology", "last_layers"), ("speech_to_wake_word", "last_layers")],
    ids=["image_to_radiology", "speech_to_wake_word"],
)
def test_transfer_reference_cases(project: Store, preset: str, retrain: str):
    at = page()
    at.selectbox(key="tr_preset").set_value(preset).run()
    assert_no_exception(at)
    inputs = TRANSFER_PRESETS[preset]["inputs"]
    assert at.number_input(key="tr_source").value == inputs["source_examples"]
    assert at.number_input(key="tr_target").value == inputs["target_examples"]
    result = transfer_verdict(**inputs)
    assert (result.verdict, result.retrain) == ("recommended", retrain)
    assert escape(result.headline) in boxes(at)


def test_retrain_threshold_and_ratio_are_adjustable(project: Store):
    at = page()
    at.selectbox(key="tr_preset").set_value("speech_to_wake_word").run()
    at.number_input(key="tr_retrain").set_value(500).run()
    assert_no_exception(at)
    assert at.selectbox(key="tr_preset").value == "custom"
    assert escape("fine-tune all layers") in boxes(at)
    at.number_input(key="tr_source").set_value(5_000).run()
    assert escape("Transfer learning may or may not help") in boxes(at)  # 5×, below 10×
    at.number_input(key="tr_ratio").set_value(5.0).run()
    assert escape("Transfer learning is recommended: task A has 5,000 examples, 5.0×") in \
        boxes(at)
    at.button(key="tr_threshold_reset").click().run()
    assert at.number_input(key="tr_ratio").value == 10.0
    assert at.number_input(key="tr_retrain").value == 10_000


@pytest.mark.parametrize(
    ("preset", "verdict"),
    [("driving_scene_detectors", "recommended"), ("one_dominant_task", "uncertain")],
    ids=["driving_scene_detectors", "one_dominant_task"],
)
def test_multitask_reference_cases_with_the_data_table(project: Store, preset: str,
                                                       verdict: str):
    at = page()
    at.selectbox(key="mt_preset").set_value(preset).run()
    assert_no_exception(at)
    inputs = MULTITASK_PRESETS[preset]["inputs"]
    result = multitask_verdict(**inputs)
    assert result.verdict == verdict
    assert escape(result.headline) in boxes(at)
    shown = table(at, "others")
    assert shown["task"].tolist() == list(inputs["tasks"])
    assert shown["examples"].tolist() == list(inputs["tasks"].values())
    total = sum(inputs["tasks"].values())
    assert shown["others"].tolist() == [total - n for n in inputs["tasks"].values()]
    dominant = preset == "one_dominant_task"
    assert shown["similar"].tolist()[0] == ("no: more than all others together" if dominant
                                            else "yes")


def test_both_fit_says_transfer_is_used_far_more_often(project: Store):
    at = page()
    at.selectbox(key="tr_preset").set_value("image_to_radiology").run()
    assert TRANSFER_MORE_COMMON not in boxes(at)
    at.selectbox(key="mt_preset").set_value("driving_scene_detectors").run()
    assert_no_exception(at)
    assert TRANSFER_MORE_COMMON in boxes(at)
    at.selectbox(key="mt_preset").set_value("one_dominant_task").run()
    assert TRANSFER_MORE_COMMON not in boxes(at)


def test_label_matrix_coverage_and_its_counts(project: Store, samples: Path):
    at = upload(page(), (samples / "multitask_labels.csv").read_bytes())
    assert at.multiselect(key="mt_label_tasks").value == [
        "pedestrian", "car", "stop sign", "traffic light"]
    coverage = table(at, "labeled")
    assert coverage["labeled"].tolist() == [190, 184, 114, 159]
    assert coverage["missing"].tolist() == [10, 16, 86, 41]
    assert "skipped in the loss" in boxes(at)
    at.button(key="mt_use_coverage").click().run()
    assert_no_exception(at)
    shown = table(at, "others")
    assert dict(zip(shown["task"], shown["examples"], strict=True)) == {
        "pedestrian": 190, "car": 184, "stop sign": 114, "traffic light": 159}


def test_label_matrix_choose_the_task_columns(project: Store):
    at = upload(page(), b"photo,car,sign,weather\na.png,1,,sunny\nb.png,0,?,rain\n")
    assert at.multiselect(key="mt_label_tasks").value == ["car", "sign", "weather"]
    assert "No labels at all for sign" in boxes(at)
    at.multiselect(key="mt_label_tasks").set_value(["car"]).run()
    assert table(at, "labeled")["name"].tolist() == ["car"]
    at.multiselect(key="mt_label_tasks").set_value([]).run()
    assert_no_exception(at)
    assert "no task columns" in boxes(at)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "the file is empty"),
        (b"image,car\n", "header but no examples"),
        (b"image,car\na.png,1,0\n", "row 2"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary data"),
        (b"image,car\na.png,\xe9\n", "not UTF"),
    ],
    ids=["empty", "header_only", "ragged_row", "binary", "not_utf8"],
)
def test_bad_label_matrix_gets_a_clear_message(project: Store, payload: bytes, message: str):
    at = upload(page(), payload, name="bad <b>.csv")
    errors = "\n".join(e.value for e in at.error)
    assert "cannot be imported" in errors
    assert escape(message) in errors or message in errors
    assert "<b>" not in errors  # the file name stays text


def test_record_transfer_and_multitask_decisions(project: Store):
    at = page()
    at.selectbox(key="tr_preset").set_value("image_to_radiology").run()
    at.text_input(key="tr_guide_decision_author").input("Bo")
    record_buttons(at)[0].click().run()
    assert_no_exception(at)
    at.selectbox(key="mt_preset").set_value("driving_scene_detectors").run()
    record_buttons(at)[1].click().run()
    assert_no_exception(at)
    multitask, transfer = project.decisions.list(pid(project))
    assert (transfer.page, transfer.numbers["guide"], transfer.numbers["retrain"]) == (
        "transfer", "transfer", "last_layers")
    assert transfer.author == "Bo"
    assert transfer.numbers["inputs"]["source_examples"] == 1_000_000
    assert multitask.numbers["guide"] == "multitask"
    assert multitask.numbers["inputs"]["tasks"]["cars"] == 30_000
    assert multitask.verdict.startswith("Multi-task learning is recommended")

    again = page()  # both guides start from their recorded answers
    assert again.number_input(key="tr_target").value == 100
    assert table(again, "others")["task"].tolist() == [
        "pedestrians", "cars", "stop signs", "traffic lights"]


def test_viewers_cannot_record(project: Store, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("STRATEGY_EDITOR_PASSCODE", "open sesame")
    at = page()
    assert record_buttons(at) == []
    at.selectbox(key="tr_preset").set_value("image_to_radiology").run()
    assert_no_exception(at)
    assert "Transfer learning is recommended" in boxes(at)  # the guides still answer
