"""The Orthogonalization checklist page through AppTest: empty
project, demo, a run without train-dev, a run without sizes, the tolerance, notes, link 5,
recording the first red link as a decision, and a viewer session."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from strategy_core.checklist import RealWorld
from strategy_core.markdown import escape
from strategy_core.store import Store, open_store
from strategy_core.usecases.checklist import checklist_settings, save_note
from tests.app.conftest import DEMO_SLUG, assert_no_exception
from tests.app.test_diagnosis_page import (  # noqa: F401 - empty and partial are fixtures
    PARTIAL,
    choose_run,
    empty,
    markdown,
    page,
    partial,
)


@pytest.fixture
def demo(demo_app_env, isolated_db) -> AppTest:
    at = page("checklist", DEMO_SLUG)
    return at


def demo_settings(isolated_db):
    store: Store = open_store(str(isolated_db))
    return checklist_settings(store, store.projects.by_slug(DEMO_SLUG).id)


def badges(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "-badge[" in m.value]


def submit(at: AppTest, form: str) -> AppTest:
    (button,) = [b for b in at.button if b.proto.form_id == form]
    at = button.click().run()
    assert_no_exception(at)
    return at


def test_empty_project_says_what_to_upload(empty):  # noqa: F811
    at = page("checklist", "empty")
    assert at.title[0].value == "Orthogonalization checklist"
    assert any("has no runs yet" in i.value for i in at.info)


def test_demo_focus_link_is_the_dev_set_with_its_knobs(demo):
    text = markdown(demo)
    assert escape("Work on link 3 of run efficientnet-b3-mobile, generalize to the dev set: "
                  "its gap of 1.4 pts is the largest above the tolerance of 0.5 pts.") in text
    assert escape("Collect or synthesize training data that looks like the dev set") in text
    assert [b.split("]")[0] for b in badges(demo)] == [
        ":green-badge[:material/check_circle: green", ":green-badge[:material/check_circle: green",
        ":red-badge[:material/cancel: red · focus",
        ":green-badge[:material/check_circle: green", ":gray-badge[:material/help: unknown"]
    assert demo.number_input(key="checklist_tolerance").value == 0.5
    expanders = [e.label for e in demo.expander]
    assert "Knobs that move several links (early stopping)" in expanders


def test_an_older_run_warns_about_early_stopping(demo):
    at = choose_run(demo, "checklist_run", "resnet50-longer")
    warnings = " ".join(w.value for w in at.warning)
    assert "early stopping moves two links at once" in warnings


def test_the_tolerance_is_edited_and_saved_for_the_project(demo, isolated_db):
    at = demo.number_input(key="checklist_tolerance").set_value(1.5).run()
    assert_no_exception(at)
    assert demo_settings(isolated_db).tolerance == pytest.approx(0.015)
    assert any("Tolerance saved" in s.value for s in at.success)
    assert any("No link of run efficientnet\\-b3\\-mobile is red within 1\\.5 pts" in i.value
               for i in at.info)


def test_a_note_is_saved_per_link(demo, isolated_db):
    demo.text_area(key="checklist_note_dev").input("Mobile photos are darker and blurrier.")
    at = submit(demo, "checklist_note_dev_form")
    assert demo_settings(isolated_db).notes == {"dev": "Mobile photos are darker and blurrier."}
    assert at.text_area(key="checklist_note_dev").value == \
        "Mobile photos are darker and blurrier."


def test_a_note_changed_meanwhile_by_someone_else_is_not_overwritten(demo, isolated_db):
    store = open_store(str(isolated_db))
    save_note(store, store.projects.by_slug(DEMO_SLUG).id, "dev", "Ana: collect 5k mobile")
    demo.text_area(key="checklist_note_dev").input("Ben: synthesize blur")
    at = submit(demo, "checklist_note_dev_form")
    assert any("Someone else changed this note" in w.value for w in at.warning)
    assert demo_settings(isolated_db).notes["dev"] == "Ana: collect 5k mobile"
    at = submit(at, "checklist_note_dev_form")  # saving again, knowingly, replaces it
    assert demo_settings(isolated_db).notes["dev"] == "Ben: synthesize blur"


def test_link_5_judged_not_ok_gives_the_advice(demo, isolated_db):
    demo.radio(key="checklist_judgement").set_value("not_ok")
    at = submit(demo, "checklist_real_world_form")
    assert demo_settings(isolated_db).real_world == RealWorld("not_ok")
    assert any("change the dev set or the metric" in e.value for e in at.error)
    assert badges(at)[-1].startswith(":red-badge")


def test_link_5_from_a_recorded_production_error(demo, isolated_db):
    demo.text_input(key="checklist_production").input("3.5%")
    at = submit(demo, "checklist_real_world_form")
    assert demo_settings(isolated_db).real_world == RealWorld("unknown", production_error=0.035)
    assert "Gap **0.2 pts** against a tolerance of 0.5 pts." in markdown(at)  # 3.5% − 3.3%
    assert badges(at)[-1].startswith(":green-badge")


def test_a_bad_production_error_is_refused_and_nothing_is_saved(demo, isolated_db):
    demo.text_input(key="checklist_production").input("8")
    at = submit(demo, "checklist_real_world_form")
    assert any("ambiguous" in e.value for e in at.error)
    assert demo_settings(isolated_db).real_world is None


def test_record_the_focus_link_as_a_decision(demo, isolated_db):
    demo.text_area(key="checklist_decision_rationale").input("Collect mobile photos.")
    (button,) = [b for b in demo.button if b.label == "Record decision"]
    at = button.click().run()
    assert_no_exception(at)
    store = open_store(str(isolated_db))
    decision = store.decisions.list(store.projects.by_slug(DEMO_SLUG).id)[0]  # the newest
    assert decision.page == "checklist"
    assert decision.verdict.startswith("Work on link 3 of run efficientnet-b3-mobile")
    assert decision.numbers["focus_link"] == "dev"
    assert decision.numbers["focus"] == "data_mismatch"
    assert decision.numbers["tolerance"] == 0.005


def test_a_run_without_train_dev_leaves_link_3_unknown(partial):  # noqa: F811
    at = page("checklist", PARTIAL)
    at = at.selectbox(key="checklist_run").select_index(1).run()  # the older run
    assert_no_exception(at)
    text = markdown(at)
    assert "mixes variance and data mismatch" in " ".join(c.value for c in at.caption)
    assert escape("Work on link 1 of run no-train-dev") in text
    assert badges(at)[2].startswith(":gray-badge")


def test_a_run_without_sizes_still_gets_its_chain(partial):  # noqa: F811
    at = page("checklist", PARTIAL)
    # Data mismatch (4.0 pts) is the largest gap: link 3, not link 1 (3.0 pts), comes first.
    assert escape("Work on link 3 of run no-sizes, generalize to the dev set: its gap of "
                  "4.0 pts is the largest") in markdown(at)
    assert escape("Avoidable bias (3.0 pts) is close behind: plan to work on it next.") in \
        markdown(at)


def test_a_viewer_sees_the_chain_but_cannot_change_it(demo_app_env, monkeypatch):
    monkeypatch.setenv("STRATEGY_EDITOR_PASSCODE", "letmein")
    at = page("checklist", DEMO_SLUG)
    assert escape("Work on link 3") in markdown(at)
    assert at.number_input(key="checklist_tolerance").disabled
    assert not [b for b in at.button if b.label in ("Save note", "Save link 5",
                                                     "Record decision")]
