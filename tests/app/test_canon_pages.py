"""The new page parts of docs/rules.md §20–23 through AppTest: the Diagnosis page's learning
curve and six-box table, the Error analysis page's Optimization Verification test, and the
split planner's data to leave out or weight — on an empty project, on the demo, with real
interactions, bad input in place and nothing written, and viewers who cannot write."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from strategy_core.markdown import escape
from strategy_core.runs import Run
from strategy_core.sizing import PLAN_SETTING, PlanInputs
from strategy_core.store import Store
from strategy_core.usecases import optimization as ov_cases
from strategy_core.usecases import six_box as six_box_cases
from strategy_core.usecases.runs import add_run
from tests.app.conftest import DEMO_SLUG, assert_no_exception, open_page, project_id
from tests.cli.test_cli_canon import SIZES, seed_curves

SPEECH_SLUG = "speech-recognition-demo"


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


@pytest.fixture
def demo(demo_app_env: str, store: Store) -> Store:
    """The app's database with the demo projects seeded on first start."""
    open_page("overview", DEMO_SLUG)
    return store


@pytest.fixture
def curves(store: Store) -> Store:
    return seed_curves(store)


def boxes_table(at: AppTest):
    """The six boxes (the static table whose columns are the two distributions)."""
    return next(t.value for t in at.table if "Dev/test distribution" in t.value.columns)


def diagnosis(slug: str) -> AppTest:
    return open_page("diagnosis", slug, "Human-level & bias/variance")


# --- the learning curve ------------------------------------------------------------------------


def test_the_demo_draws_the_curve_of_its_newest_runs_history(demo: Store) -> None:
    at = diagnosis(DEMO_SLUG)
    assert [t.label for t in at.tabs][-2:] == ["Learning curve", "Six-box table"]
    assert at.radio(key="diagnosis_curve_source").value == "history"
    assert at.selectbox(key="diagnosis_curve_history_run").value == "efficientnet-b3-mobile"
    assert "More data will not close the gap" in texts(at.warning)
    assert "Too few points to read" not in texts(at.caption)
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    points = next(t.value for t in at.table if "Checkpoint" in t.value.columns)
    assert len(points) == 8 and points.index[-1] == "207,500"
    assert points["Dev"].iloc[-1] == "2.9%" and points["Training"].iloc[-1] == "1.0%"
    at.radio(key="diagnosis_curve_source").set_value("sizes").run()
    assert_no_exception(at)
    assert "Too few points to read" in texts(at.caption)
    assert escape("at least 3 are needed") in texts(at.caption)


def test_a_curve_that_still_falls_says_more_data_helps(curves: Store) -> None:
    at = diagnosis("curves")
    assert "More data is likely to help" in texts(at.success)
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert at.multiselect(key="diagnosis_curve_runs").value == [f"r{s}" for s in SIZES]
    at.text_input(key="diagnosis_curve_desired").input("6%").run()
    assert_no_exception(at)
    assert "Desired performance reached" in texts(at.success)
    at.text_input(key="diagnosis_curve_desired").input("lots").run()
    assert "the desired performance" in texts(at.error)
    at.text_input(key="diagnosis_curve_desired").input("").run()
    at.multiselect(key="diagnosis_curve_runs").set_value(["r1000", "r2000"]).run()
    assert "Too few points to read" in texts(at.caption)


def test_no_run_with_a_training_size_says_what_to_record(store: Store) -> None:
    project = store.projects.create("Plain")
    add_run(store, project.id, Run(name="r", train_error=0.05, dev_error=0.1))
    at = diagnosis("plain")
    assert "No run records a training-set size" in texts(at.caption)
    assert not at.info


# --- the six-box table -------------------------------------------------------------------------


def test_the_demo_six_box_table_reads_the_recorded_boxes(demo: Store) -> None:
    at = diagnosis(DEMO_SLUG)
    table = boxes_table(at)
    assert "B: 1.0%" in table.to_string() and "D: 1.6%" in table.to_string()
    gaps = next(t.value for t in at.table if "Boxes" in t.value.columns)
    assert len(gaps) == 7 and gaps.loc[gaps["Boxes"] == "F − E", "Gap"].item() == "1.4 pts"
    assert len([d for d in at.dataframe if d.editing_mode == "read_only"]) == 1
    assert escape("the other 0.9 pts is mismatch the model can still close") in texts(at.info)


def test_recording_box_b_and_box_d(curves: Store) -> None:
    at = diagnosis("curves")
    assert "To fill the empty boxes" in texts(at.caption)
    at.text_input(key="diagnosis_six_box_b").input("3%")
    at.button(key="FormSubmitter:diagnosis_six_box_b_form-Save box B").click().run()
    assert_no_exception(at)
    pid = project_id(curves, "curves")
    assert curves.six_box.distribution_level(pid, "target").level == 0.03
    run = curves.runs.by_name(pid, "r8000")
    at.text_input(key=f"diagnosis_six_box_d_{run.key}").input("2%")
    at.number_input(key=f"diagnosis_six_box_n_{run.key}").set_value(500)
    at.button(key="FormSubmitter:diagnosis_six_box_d_form-Save box D").click().run()
    assert_no_exception(at)
    answer = six_box_cases.six_box_table(curves, pid)
    assert (answer.trained_target.level, answer.trained_target.n) == (0.02, 500)
    assert "B: 3.0%" in boxes_table(at).to_string()


def test_a_bad_box_is_refused_in_place(curves: Store) -> None:
    at = diagnosis("curves")
    at.text_input(key="diagnosis_six_box_b").input("140%")
    at.button(key="FormSubmitter:diagnosis_six_box_b_form-Save box B").click().run()
    assert_no_exception(at)
    assert "between 0% and 100%" in texts(at.error)
    assert curves.six_box.distribution_level(project_id(curves, "curves"), "target") is None


def test_viewers_see_the_table_but_cannot_record(curves: Store, monkeypatch) -> None:
    monkeypatch.setenv("STRATEGY_EDITOR_PASSCODE", "let-me-edit")
    at = diagnosis("curves")
    assert boxes_table(at) is not None
    assert not [w for w in at.text_input if (w.key or "").startswith("diagnosis_six_box")]


# --- optimization verification -----------------------------------------------------------------


def test_the_speech_demo_blames_the_objective(demo: Store) -> None:
    at = open_page("error_analysis", SPEECH_SLUG, "Error analysis")
    assert escape("The objective (scoring function) is at fault") in texts(at.warning)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Reviewed mistakes"] == "40" and metrics["Search at fault"] == "9 (22%)"
    editor = next(e.value for e in at.data_editor if "score_correct" in e.value.columns)
    assert len(editor) == 40


def test_upload_scores_then_a_bad_file_writes_nothing(demo: Store) -> None:
    at = open_page("error_analysis", DEMO_SLUG, "Error analysis")
    pid = project_id(demo, DEMO_SLUG)
    assert "record the score the model gives the correct output" in texts(at.info)
    data = b"example_id,score_correct,score_output\nu1,-1,-2\nu2,-1,-3\nu3,-5,-1\n"
    at.file_uploader(key="ea_ov_file").set_value(("scores.csv", data, "text/csv")).run()
    at.button(key="ea_ov_import").click().run()
    assert_no_exception(at)
    answer = ov_cases.verification(demo, pid)
    assert (answer.result.search_faults, answer.result.objective_faults) == (2, 1)
    assert escape("The search algorithm is at fault (tentative)") in texts(at.info)
    bad = b"example_id,score_correct,score_output\nu1,-1,-2\nu2,x,-3\n"
    at.file_uploader(key="ea_ov_file").set_value(("bad.csv", bad, "text/csv")).run()
    at.button(key="ea_ov_import").click().run()
    assert_no_exception(at)
    assert escape("row 3, column 'score_correct'") in texts(at.error)
    assert "Nothing was saved" in texts(at.error)
    assert ov_cases.verification(demo, pid).result.reviewed == 3


def test_viewers_see_the_verdict_without_editors(demo: Store, monkeypatch) -> None:
    monkeypatch.setenv("STRATEGY_EDITOR_PASSCODE", "let-me-edit")
    at = open_page("error_analysis", DEMO_SLUG, "Error analysis")
    assert not [b for b in at.button if (b.key or "").startswith("ea_ov_")]


# --- data to leave out or weight ---------------------------------------------------------------


def test_the_planner_shows_left_out_and_weighted_sources(store: Store) -> None:
    project = store.projects.create("Planner")
    plan = PlanInputs((("web", 200_000), ("mobile", 10_000), ("docs", 50_000)), "mobile",
                      excluded=("docs",), inconsistent=("web",), weights=(("web", 0.025),))
    store.projects.set_setting(project.id, PLAN_SETTING, plan.as_setting())
    at = open_page("sizing", "planner", "Dev/test sizing & splits")
    assert escape("'web' is flagged as inconsistent with 'mobile'") in texts(at.warning)
    assert escape("Left out: docs.") in texts(at.success)
    weights = next(d.value for d in at.dataframe if "weight β" in d.value.columns)
    assert round(weights.loc["mobile", "share of the objective"], 1) == 50.0
    capacity = next(s for s in at.selectbox if (s.key or "").startswith("sizing_plan_capacity"))
    capacity.set_value("small").run()
    assert_no_exception(at)
    assert "may do worse on" in texts(at.markdown)
