"""The End-to-end or pipeline page through AppTest: empty project and demo,
the reference cases, the adjustable thresholds, recording the verdict as a decision, error
analysis by parts (counts, per example of a review sample, the flawed-pipeline flag, saving
per project) and viewers."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from strategy_core.decisions import MAX_VERDICT
from strategy_core.guides import (
    END_TO_END_PRESETS,
    MAX_COMPONENT_NAME,
    PIPELINE_SETTING,
    end_to_end_verdict,
    pipeline_analysis,
    stored_pipeline_analysis,
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

SLUG = "face-gate"


@pytest.fixture
def project(isolated_db: Path) -> Store:
    store = open_store(str(isolated_db))
    store.projects.create("Face gate")
    return store


def pid(store: Store, slug: str = SLUG) -> int:
    return project_id(store, slug)


def page(project: str = SLUG) -> AppTest:
    return open_page("end_to_end", project, "End-to-end or pipeline")


# --- the guide -----------------------------------------------------------------------------


def test_empty_project_starts_with_a_verdict_and_an_empty_pipeline(project: Store):
    at = page()
    assert at.selectbox(key="e2e_preset").value == "custom"
    assert at.number_input(key="e2e_examples").value == 10_000
    expected = end_to_end_verdict(10_000, "medium", False, None)
    assert escape(expected.headline) in boxes(at)
    assert "List your pipeline's components" in boxes(at)
    assert at.button(key="parts_example") is not None
    assert len(record_buttons(at)) == 1  # the guide's; no pipeline yet


def test_demo_project_opens(demo_app_env: str):
    at = page(DEMO_SLUG)
    assert "List your pipeline's components" in boxes(at)
    at.button(key="parts_example").click().run()
    assert_no_exception(at)
    # The demo has a review sample, so errors can be attributed one by one.
    assert at.radio(key="parts_mode").options == ["Counts per component",
                                                  "Per example of a review sample"]


@pytest.mark.parametrize("preset", list(END_TO_END_PRESETS), ids=list(END_TO_END_PRESETS))
def test_reference_cases(project: Store, preset: str):
    at = page()
    at.selectbox(key="e2e_preset").set_value(preset).run()
    assert_no_exception(at)
    inputs = END_TO_END_PRESETS[preset]["inputs"]
    assert at.number_input(key="e2e_examples").value == inputs["examples"]
    assert at.radio(key="e2e_complexity").value == inputs["complexity"]
    expected = end_to_end_verdict(**inputs)
    assert escape(expected.headline) in boxes(at)
    assert escape(END_TO_END_PRESETS[preset]["description"]) in "\n".join(
        c.value for c in at.caption)


def test_thresholds_are_adjustable_and_editing_leaves_the_reference_case(project: Store):
    at = page()
    at.selectbox(key="e2e_preset").set_value("face_recognition_turnstile").run()
    assert "Build a pipeline" in boxes(at)
    at.number_input(key="e2e_threshold_high").set_value(5_000).run()
    assert_no_exception(at)
    assert at.selectbox(key="e2e_preset").value == "custom"  # no longer the reference case
    assert escape("Go end-to-end: 10,000 labeled (x, y) examples reach the 5,000") in boxes(at)
    at.button(key="e2e_threshold_reset").click().run()
    assert at.number_input(key="e2e_threshold_high").value == 1_000_000
    assert "Build a pipeline" in boxes(at)


def test_record_the_verdict_as_a_decision_and_start_from_it_next_time(project: Store):
    at = page()
    at.selectbox(key="e2e_preset").set_value("child_age_hand_xray").run()
    at.text_area(key="e2e_guide_decision_rationale").input("Bone tables exist; 2k X-rays.")
    at.text_input(key="e2e_guide_decision_author").input("Ann")
    record_buttons(at)[0].click().run()
    assert_no_exception(at)
    assert "Decision recorded" in "\n".join(s.value for s in at.success)
    [decision] = project.decisions.list(pid(project))
    expected = end_to_end_verdict(**END_TO_END_PRESETS["child_age_hand_xray"]["inputs"])
    assert (decision.page, decision.verdict, decision.author) == (
        "end_to_end", expected.headline, "Ann")
    assert decision.rationale == "Bone tables exist; 2k X-rays."
    assert decision.numbers["guide"] == "end_to_end"
    assert decision.numbers["inputs"]["examples"] == 2_000
    assert decision.numbers["needed"] == 1_000_000

    again = page()  # a new session starts from the recorded answers
    assert again.number_input(key="e2e_examples").value == 2_000
    assert again.radio(key="e2e_hand").value == "yes"
    assert f"decision #{decision.id}" in "\n".join(c.value for c in again.caption)


# --- error analysis by parts ---------------------------------------------------------------


def test_example_pipeline_flags_a_flawed_design_and_saves(project: Store):
    at = page()
    at.button(key="parts_example").click().run()
    assert_no_exception(at)
    assert at.text_area(key="parts_components").value == "detect face\ncrop and align\nidentify"
    assert at.number_input(key="parts_count_2").value == 68
    shown = boxes(at)
    assert escape("Work on identify: it is blamed for 68 of 100 reviewed errors") in shown
    assert "Flawed pipeline design" in shown
    assert "Unsaved changes" in "\n".join(c.value for c in at.caption)
    at.button(key="parts_save").click().run()
    assert_no_exception(at)
    saved = stored_pipeline_analysis(project.projects.setting(pid(project), PIPELINE_SETTING))
    assert saved.components == ("detect face", "crop and align", "identify")
    assert dict(saved.counts) == {"detect face": 23, "crop and align": 9, "identify": 68}
    assert saved.check().flawed_pipeline
    record_buttons(at)[1].click().run()
    [decision] = project.decisions.list(pid(project))
    assert decision.verdict.endswith("Flawed pipeline design: every component is near human "
                                     "level but the whole system is 8.0 pts above it.")
    assert decision.numbers["flawed_pipeline"] is True
    assert decision.numbers["error"]["identify"] == pytest.approx(0.021)

    again = page()  # the saved analysis comes back in a new session
    assert again.text_area(key="parts_components").value == \
        "detect face\ncrop and align\nidentify"
    assert again.text_input(key="parts_error_2").value == "2.1%"
    assert "Flawed pipeline design" in boxes(again)
    assert len(record_buttons(again)) == 2  # the guide's and the analysis'


def test_counts_follow_their_component_when_the_pipeline_changes(project: Store):
    at = page()
    at.text_area(key="parts_components").input("detect\nidentify").run()
    at.number_input(key="parts_count_0").set_value(4).run()
    at.number_input(key="parts_count_1").set_value(9).run()
    at.text_input(key="parts_error_1").input("3%").run()
    # Insert a component in the middle: identify moves from position 1 to 2.
    at.text_area(key="parts_components").input("detect\nalign\nidentify").run()
    assert_no_exception(at)
    assert [at.number_input(key=f"parts_count_{i}").value for i in range(3)] == [4, 0, 9]
    assert at.text_input(key="parts_error_2").value == "3%"
    assert escape("Work on identify: it is blamed for 9 of 13 reviewed errors") in boxes(at)


def test_blame_tally_decision_from_counts(project: Store):
    at = page()
    at.text_area(key="parts_components").input("detect\ncrop\nidentify").run()
    for index, count in enumerate((5, 5, 2)):
        at.number_input(key=f"parts_count_{index}").set_value(count).run()
    assert "detect and crop are tied" in boxes(at)
    record_buttons(at)[1].click().run()
    assert_no_exception(at)
    [decision] = project.decisions.list(pid(project))
    assert decision.verdict == "Work on detect: it is blamed for 5 of 12 reviewed errors (41.7%)."
    assert decision.numbers["guide"] == "by_parts"
    assert decision.numbers["blame"] == {"detect": 5, "crop": 5, "identify": 2}
    assert (decision.numbers["reviewed_errors"], decision.numbers["focus"]) == (12, "detect")
    assert "flawed_pipeline" not in decision.numbers  # no levels entered: no design check


@pytest.mark.parametrize(
    ("components", "message"),
    [("a\nb\na", "listed twice"), ("\n".join(f"s{i}" for i in range(13)), "at most 12")],
    ids=["component_twice", "too_many_components"],
)
def test_bad_components_get_a_message(project: Store, components: str, message: str):
    at = page()
    at.text_area(key="parts_components").input(components).run()
    assert_no_exception(at)
    assert message in "\n".join(e.value for e in at.error)


def test_bad_rate_gets_a_message_and_no_check(project: Store):
    at = page()
    at.button(key="parts_example").click().run()
    at.text_input(key="parts_error_0").input("7").run()
    assert_no_exception(at)
    errors = "\n".join(e.value for e in at.error)
    assert "ambiguous" in errors and "detect face" in errors
    assert "Enter every component" in boxes(at)  # no flawed-pipeline check without it


def test_per_example_attribution_on_the_demo_review_sample(demo_app_env: str):
    at = page(DEMO_SLUG)
    store = open_store()
    project_id = pid(store, DEMO_SLUG)
    [sample] = [s for s in store.reviews.samples(project_id) if s.kind == "errors"][:1]
    examples = store.reviews.sample_examples(sample.id)["example_id"].tolist()
    # As if three examples had been attributed in the grid and saved.
    saved = pipeline_analysis(["detect cat", "classify"], sample_id=sample.id,
                              example_blame={examples[0]: "classify",
                                             examples[1]: "classify",
                                             examples[2]: "detect cat"})
    store.projects.set_setting(project_id, PIPELINE_SETTING, saved.as_dict())
    at = page(DEMO_SLUG)
    assert at.radio(key="parts_mode").value == "examples"
    assert at.selectbox(key="parts_sample").value == sample.id
    assert f"3 of {len(examples)} examples attributed." in "\n".join(
        c.value for c in at.caption)
    assert escape("Work on classify: it is blamed for 2 of 3 reviewed errors") in boxes(at)
    at.radio(key="parts_mode").set_value("counts").run()
    assert_no_exception(at)
    assert at.number_input(key="parts_count_0").value == 0


def test_viewers_see_no_write_controls(project: Store, monkeypatch: pytest.MonkeyPatch):
    saved = pipeline_analysis(["detect", "identify"], {"identify": 3})
    project.projects.set_setting(pid(project), PIPELINE_SETTING, saved.as_dict())
    monkeypatch.setenv("STRATEGY_EDITOR_PASSCODE", "open sesame")
    at = page()
    assert record_buttons(at) == []
    assert not [b for b in at.button if b.key in ("parts_save", "parts_example")]
    assert at.text_area(key="parts_components").disabled
    assert at.number_input(key="parts_count_1").disabled
    assert at.number_input(key="parts_count_1").value == 3
    assert escape("Work on identify") in boxes(at)


def test_the_longest_verdict_still_fits_the_log(project: Store):
    long_names = [f"{i} " + "x" * (MAX_COMPONENT_NAME - 2) for i in range(2)]
    saved = pipeline_analysis(long_names, {long_names[1]: 100},
                              levels={long_names[0]: ("1%", "0.9%"),
                                      long_names[1]: ("100%", "0%")},
                              system_error="100%", system_human_error="0%")
    project.projects.set_setting(pid(project), PIPELINE_SETTING, saved.as_dict())
    at = page()
    record_buttons(at)[1].click().run()
    assert_no_exception(at)
    [decision] = project.decisions.list(pid(project))
    assert decision.verdict == f"{saved.tally().headline} {saved.check().headline}"
    assert len(decision.verdict) <= MAX_VERDICT
