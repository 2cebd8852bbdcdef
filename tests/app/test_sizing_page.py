"""The Dev/test sizing & splits page through AppTest: empty project and demo, both
opening questions, the calculators' inputs and bad input, the planner (target, dev/test
override, save for the team, saved plans), the same-distribution check, decisions, viewers."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from strategy_core.markdown import escape
from strategy_core.runs import Run
from strategy_core.sizing import (
    PLAN_SETTING,
    PlanInputs,
    compare_runs,
    detect_size,
    plan_inputs,
    runs_by_dev_error,
)
from strategy_core.store import Store, open_store
from strategy_core.usecases.sizing import prediction_disagreement
from tests.app.conftest import DEMO_SLUG, assert_no_exception, open_page, project_id

SLUG = "sizing-test"


@pytest.fixture
def project(isolated_db: Path) -> Store:
    """An empty project "Sizing test" in the app's database."""
    store = open_store(str(isolated_db))
    store.projects.create("Sizing test")
    return store


def pid(store: Store, slug: str = SLUG) -> int:
    return project_id(store, slug)


def sizing_page(project: str = SLUG) -> AppTest:
    return open_page("sizing", project, "Dev/test sizing & splits")


def keyed(widgets, prefix: str):
    """The one widget whose key starts with `prefix` (planner keys carry a plan token)."""
    found = [w for w in widgets if (w.key or "").startswith(prefix)]
    assert len(found) == 1, [w.key for w in widgets]
    return found[0]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(elements) -> str:
    return "\n".join(e.value for e in elements)


# --- smoke -----------------------------------------------------------------------------------


def test_empty_project_uses_examples_and_prefills_the_planner(project: Store):
    at = sizing_page()
    assert "No run with a dev error yet" in texts(at.caption)
    assert "needs two runs with a dev error" in texts(at.info)
    assert [b for b in at.get("download_button") if b.proto.id.endswith("sizing_sep_sample")]
    # The planner answers "200k web and 10k phone images" with nothing saved.
    assert "Nothing saved for this project yet" in texts(at.caption)
    shown = metrics(at)
    assert shown["Dev and test, target only"] == "2,500 each"
    assert shown["Target share if shuffled"] == "4.8%"
    assert shown["β for other sources"] == "0.025"
    assert "2,381 of 2,500" in texts(at.markdown)
    assert keyed(at.selectbox, "sizing_plan_target_").value == "mobile"
    assert len(at.latex) >= 6  # every calculator states its formula


def test_demo_answers_is_the_dev_set_big_enough(demo_app_env: str, isolated_db: Path):
    at = sizing_page(DEMO_SLUG)
    store = open_store(str(isolated_db))
    project_id = pid(store, DEMO_SLUG)
    best, second = runs_by_dev_error(store.runs.list(project_id))[:2]
    expected = compare_runs(best, second,
                            predictions=prediction_disagreement(store, project_id, best, second))
    assert at.toggle(key="sizing_sep_use_predictions").value is True
    verdict = at.warning[0].value
    assert "efficientnet" in verdict and "resnet50" in verdict and "too small" in verdict
    assert f"{expected.check.n_needed:,}" in verdict
    assert "McNemar" in texts(at.markdown)
    assert "newest run" in texts(at.caption) and "efficientnet" in texts(at.caption)
    # Calculators start from the newest run: 2.9% on 2,500 dev examples.
    assert at.text_input(key="sizing_ci_error").value == "2.9%"
    assert at.number_input(key="sizing_ci_n").value == 2_500
    assert "2.31% – 3.63%" in texts(at.markdown)
    # Size to detect: Δ is the two best runs' gap, ψ from their predictions → McNemar.
    assert at.text_input(key="sizing_det_delta").value == "0.3%"
    assert at.text_input(key="sizing_det_psi").value != ""
    assert "paired (McNemar)" in texts(at.markdown)


def test_demo_without_predictions_toggle_uses_typed_disagreement(demo_app_env: str):
    at = sizing_page(DEMO_SLUG)
    at.toggle(key="sizing_sep_use_predictions").set_value(False).run()
    assert_no_exception(at)
    assert at.number_input(key="sizing_sep_n_dev").value == 2_500
    assert f"{detect_size(0.032, 0.003).n:,}" in at.warning[0].value  # unpaired
    at.text_input(key="sizing_sep_psi").input("1%").run()
    assert f"{detect_size(0.032, 0.003, 0.01).n:,}" in at.warning[0].value
    at.number_input(key="sizing_sep_n_dev").set_value(9_000).run()
    assert "big enough" in at.success[0].value
    at.text_input(key="sizing_sep_psi").input("0.1%").run()  # below the 0.3-point gap
    assert_no_exception(at)
    assert "at least the difference" in texts(at.error)


# --- the calculators -------------------------------------------------------------------------


def test_interval_calculator_and_bad_rate(project: Store):
    at = sizing_page()
    at.text_input(key="sizing_ci_error").input("10%").run()
    at.number_input(key="sizing_ci_n").set_value(10_000).run()
    assert "9.43% – 10.60%" in texts(at.markdown)
    at.selectbox(key="sizing_ci_conf").set_value(0.99).run()
    assert "99% Wilson interval" in texts(at.markdown)
    at.text_input(key="sizing_ci_error").input("8").run()
    assert_no_exception(at)
    assert "ambiguous" in texts(at.error)


@pytest.mark.parametrize(
    ("error", "delta", "psi", "expected"),
    [("5%", "0.1%", "0.1%", "7,847 examples"), ("10%", "0.1%", "", "1,406,515 examples")],
    ids=["spec-paired-7850", "spec-unpaired-1.4M"],
)
def test_detect_calculator_spec_examples(project: Store, error, delta, psi, expected):
    at = sizing_page()
    at.text_input(key="sizing_det_error").input(error)
    at.text_input(key="sizing_det_delta").input(delta)
    at.text_input(key="sizing_det_psi").input(psi).run()
    assert_no_exception(at)
    assert expected in texts(at.markdown)
    assert "10,000 examples detect 0.1%" in texts(at.info)


def test_detect_calculator_bad_input(project: Store):
    at = sizing_page()
    at.text_input(key="sizing_det_delta").input("9%").run()  # more than the 5% error
    assert_no_exception(at)
    assert "below 0" in texts(at.error)
    at.text_input(key="sizing_det_delta").input("1%")
    at.text_input(key="sizing_det_psi").input("lots").run()
    assert "not a number" in texts(at.error)


def test_eyeball_and_split_ratios(project: Store):
    at = sizing_page()
    at.text_input(key="sizing_eye_error").input("5%").run()
    assert "**2,000 examples**" in texts(at.markdown)
    at.number_input(key="sizing_eye_mistakes").set_value(50).run()
    assert "**1,000 examples**" in texts(at.markdown)
    at.number_input(key="sizing_split_n").set_value(1_000_000).run()
    shown = metrics(at)
    assert (shown["Train"], shown["Dev"], shown["Test"]) == ("980,000", "10,000", "10,000")
    at.number_input(key="sizing_split_n").set_value(10_000).run()
    shown = metrics(at)
    assert (shown["Train"], shown["Dev"], shown["Test"]) == ("6,000", "2,000", "2,000")


def test_eyeball_warns_when_dev_is_smaller_than_the_eyeball_set(demo_app_env: str):
    at = sizing_page(DEMO_SLUG)
    assert any("only 2,500 examples" in w.value for w in at.warning)


# --- the split planner -----------------------------------------------------------------------


def test_planner_target_change_updates_the_allocation(project: Store):
    at = sizing_page()
    keyed(at.selectbox, "sizing_plan_target_").set_value("web").run()
    assert_no_exception(at)
    shown = metrics(at)
    assert shown["Dev and test, target only"] == "10,000 each"
    # β = target in training / others in training: the 10,000 mobile examples weigh 18 each.
    assert shown["β for other sources"] == f"{180_000 / 10_000:.4g}"
    assert escape("only from 'web'") in texts(at.success)


def test_planner_dev_and_test_override(project: Store):
    at = sizing_page()
    keyed(at.toggle, "sizing_plan_custom_").set_value(True).run()
    keyed(at.number_input, "sizing_plan_dev_").set_value(4_000)
    keyed(at.number_input, "sizing_plan_test_").set_value(1_000).run()
    assert_no_exception(at)
    assert metrics(at)["Dev and test, target only"] == "4,000 / 1,000"
    keyed(at.number_input, "sizing_plan_dev_").set_value(9_500).run()
    assert_no_exception(at)
    assert "more than the 10,000" in texts(at.error)


def test_planner_save_is_seen_by_the_team(project: Store):
    at = sizing_page()
    keyed(at.selectbox, "sizing_plan_target_").set_value("web").run()
    at.button(key="sizing_plan_save").click().run()
    assert_no_exception(at)
    assert "Split plan saved" in texts(at.success)
    saved = plan_inputs(project.projects.setting(pid(project), PLAN_SETTING))
    assert saved == PlanInputs((("web", 200_000), ("mobile", 10_000)), "web")
    other = sizing_page()  # a teammate's fresh session
    assert "saved for this project" in texts(other.caption)
    assert keyed(other.selectbox, "sizing_plan_target_").value == "web"


def test_planner_shows_a_saved_plan_with_three_sources(project: Store):
    plan = PlanInputs((("web", 60_000), ("crawl", 30_000), ("mobile", 40_000)), "mobile",
                      dev=5_000, test=None)
    project.projects.set_setting(pid(project), PLAN_SETTING, plan.as_setting())
    at = sizing_page()
    assert keyed(at.toggle, "sizing_plan_custom_").value is True
    assert keyed(at.number_input, "sizing_plan_dev_").value == 5_000
    assert keyed(at.number_input, "sizing_plan_test_").value == 10_000
    assert metrics(at)["Dev and test, target only"] == "5,000 / 10,000"
    table = next(d.value for d in at.dataframe if "Total" in d.value.index)
    assert table.loc["crawl"].tolist()[-1] == 30_000
    assert table.loc["Total", "total"] == 130_000


def test_planner_unreadable_saved_plan_falls_back(project: Store):
    project.projects.set_setting(pid(project), PLAN_SETTING, {"sources": "garbage"})
    at = sizing_page()
    assert "could not be read" in texts(at.caption)
    assert metrics(at)["Dev and test, target only"] == "2,500 each"


def test_planner_bars_as_counts(project: Store):
    at = sizing_page()
    at.button_group(key="sizing_plan_bars").set_value("counts").run()
    assert_no_exception(at)


def test_record_the_split_plan_as_a_decision(project: Store):
    at = sizing_page()
    at.text_area(key="sizing_plan_decision_rationale").input("Phones are the product.")
    at.text_input(key="sizing_plan_decision_author").input("Ana")
    next(b for b in at.button if b.label == "Record decision"
         and "sizing_plan" in (b.form_id or "")).click().run()
    assert_no_exception(at)
    decisions = project.decisions.list(pid(project))
    assert len(decisions) == 1 and decisions[0].page == "sizing"
    assert decisions[0].verdict.startswith("Dev 2,500 and test 2,500 only from 'mobile'")
    assert decisions[0].numbers["beta"] == pytest.approx(0.025)


def test_record_the_sizing_verdict_as_a_decision(demo_app_env: str, isolated_db: Path):
    at = sizing_page(DEMO_SLUG)
    at.text_area(key="sizing_sep_decision_rationale").input("Keep both, grow dev.")
    next(b for b in at.button if b.label == "Record decision"
         and "sizing_sep" in (b.form_id or "")).click().run()
    assert_no_exception(at)
    store = open_store(str(isolated_db))
    decision = store.decisions.list(pid(store, DEMO_SLUG), page="sizing")[0]
    assert "too small" in decision.verdict
    assert decision.numbers["can_separate"] is False


# --- same distribution -----------------------------------------------------------------------


def test_same_distribution_from_demo_predictions(demo_app_env: str):
    at = sizing_page(DEMO_SLUG)
    assert at.button_group(key="sizing_dist_mode").value == "From uploaded predictions"
    assert "same mix of sources" in texts(at.success)
    at.button_group(key="sizing_dist_mode").set_value("Enter counts").run()
    assert_no_exception(at)


def test_same_distribution_entered_counts_prefilled_from_the_plan(project: Store):
    at = sizing_page()
    assert "same mix of sources" in texts(at.success)
    assert escape("mobile: dev 100.0%, test 100.0%") in texts(at.markdown)


# --- viewers -----------------------------------------------------------------------------------


def test_viewer_sees_no_write_controls(project: Store, monkeypatch):
    project.runs.import_runs(pid(project), [Run("a", dev_error=0.05, n_dev=1_000),
                                            Run("b", dev_error=0.04, n_dev=1_000)],
                             source="x.csv", fmt="generic")
    monkeypatch.setenv("STRATEGY_EDITOR_PASSCODE", "let-me-edit")
    at = sizing_page()
    assert [b for b in at.button if (b.key or "").startswith("sizing_plan_save")] == []
    assert not [b for b in at.button if b.label == "Record decision"]
    assert "too small" in at.warning[0].value  # the verdict is still there
