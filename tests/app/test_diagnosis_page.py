"""The Human-level & bias/variance page through AppTest: empty
project, demo project, a run without train-dev, a run without sizes, picking a run, changing
the Bayes proxy, recording the focus as a decision, and a viewer session."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from strategy_core.markdown import escape
from strategy_core.runs import Run
from strategy_core.store import Store, open_store
from tests.app.conftest import DEMO_SLUG, assert_no_exception, open_page

PARTIAL = "partial"


@pytest.fixture
def partial(isolated_db: Path) -> Store:
    """Project "Partial": an older run without train-dev error (sizes known) and a newer
    run with train-dev and test error but no set sizes; one human level."""
    store = open_store(str(isolated_db))
    project = store.projects.create("Partial")
    store.runs.import_runs(project.id, [
        Run("no-train-dev", created=datetime(2026, 1, 1), train_error=0.05, dev_error=0.08,
            n_train=20_000, n_dev=5_000),
        Run("no-sizes", created=datetime(2026, 1, 2), train_error=0.04, train_dev_error=0.05,
            dev_error=0.09, test_error=0.095),
    ], source="test", fmt="generic")
    store.projects.set_human_levels(project.id, [("expert", 0.01)])
    return store


@pytest.fixture
def empty(isolated_db: Path) -> Store:
    store = open_store(str(isolated_db))
    store.projects.create("Empty")
    return store


page = open_page


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_empty_project_says_what_to_upload_and_keeps_the_human_levels(empty):
    at = page("diagnosis", "empty")
    assert at.title[0].value == "Human-level & bias/variance"
    assert any("has no runs yet" in i.value for i in at.info)
    assert at.button(key="diagnosis_human_save") is not None
    assert not at.metric


def test_demo_shows_the_focus_the_gaps_with_intervals_and_the_trend(demo_app_env):
    at = page("diagnosis", DEMO_SLUG)
    assert at.selectbox(key="diagnosis_run").value is not None
    text = markdown(at)
    assert "Focus: Data mismatch" in text
    assert escape("Work on data mismatch for run efficientnet-b3-mobile: at 1.4 pts "
                  "(dev − training-dev) it is the largest gap.") in text
    assert metrics(at) == {"Avoidable bias": "0.5 pts", "Variance": "0.5 pts",
                           "Data mismatch · focus": "1.4 pts", "Dev overfitting": "0.4 pts"}
    captions = "\n".join(c.value for c in at.caption)
    assert "95% interval 0.6 pts to 2.2 pts: significant" in captions
    assert "not significant" in captions  # dev overfitting
    assert any("Not significant (95% interval holds 0): dev overfitting" in i.value
               for i in at.info)
    assert escape("Data mismatch has been the focus for the last 5 runs") in text
    assert "Human level (Bayes proxy): **team of experts** at **0.50%**" in text
    (table,) = [d for d in at.dataframe if d.editing_mode == "read_only"]
    assert table.value["run"].tolist()[-1] == "efficientnet-b3-mobile"
    assert len(table.value) == 10
    # no flag on the newest run (the learning curve tab's verdict is its own warning)
    assert [w.icon for w in at.warning] == [":material/show_chart:"]


def choose_run(at: AppTest, key: str, name: str) -> AppTest:
    runs = at.selectbox(key=key)
    (label,) = [option for option in runs.options if option.startswith(name + " ")]
    at = runs.select_index(runs.options.index(label)).run()
    assert_no_exception(at)
    return at


def test_picking_an_older_run_tells_the_earlier_chapter_of_the_story(demo_app_env):
    at = page("diagnosis", DEMO_SLUG)
    for name, focus in (("logreg-baseline", "Avoidable bias"), ("resnet50-longer", "Variance")):
        at = choose_run(at, "diagnosis_run", name)
        assert f"Focus: {focus}" in markdown(at)
    chosen = at.selectbox(key="diagnosis_run").value
    # The chosen run follows the user to the checklist.
    at.switch_page("pages/checklist.py").run()
    assert_no_exception(at)
    assert at.selectbox(key="checklist_run").value == chosen
    assert escape("Work on link 2 of run resnet50-longer") in markdown(at)


def test_a_run_without_sizes_has_no_intervals_and_says_so(partial):
    at = page("diagnosis", PARTIAL)
    assert markdown(at).count("Focus: Data mismatch") == 1  # newest: no-sizes
    assert metrics(at)["Data mismatch · focus"] == "4.0 pts"
    assert any("No set sizes are recorded for this run" in c.value for c in at.caption)
    assert not at.info


def test_a_run_without_train_dev_measures_variance_as_dev_minus_training(partial):
    at = page("diagnosis", PARTIAL)
    runs = at.selectbox(key="diagnosis_run")
    at = runs.select_index(1).run()  # newest first: index 1 is the older run
    assert_no_exception(at)
    assert metrics(at) == {"Avoidable bias · focus": "4.0 pts", "Variance": "3.0 pts",
                           "Data mismatch": "–", "Dev overfitting": "–"}
    captions = "\n".join(c.value for c in at.caption)
    assert "Cannot be computed: needs dev − training-dev." in captions
    help_texts = [m.help for m in at.metric]
    assert "Variance = dev − training (no training-dev error)." in help_texts
    assert any("Not significant" in i.value or "significant at 95%" in i.value
               for i in at.info)


def test_changing_the_bayes_proxy_changes_the_diagnosis(demo_app_env):
    at = page("diagnosis", DEMO_SLUG)
    at.selectbox(key="diagnosis_human_proxy").select("typical person").run()
    at.button(key="diagnosis_human_save").click().run()
    assert_no_exception(at)
    text = markdown(at)
    assert "**typical person** at **3.00%**, chosen by the team" in text
    assert any("Training below human level" in w.value for w in at.warning)
    assert metrics(at)["Avoidable bias"] == "-2.0 pts"


def test_record_the_focus_as_a_decision(demo_app_env, isolated_db):
    at = page("diagnosis", DEMO_SLUG)
    at.text_area(key="diagnosis_decision_rationale").input("Mobile photos first.")
    at.text_input(key="diagnosis_decision_author").input("Lead")
    (submit,) = [b for b in at.button if b.label == "Record decision"]
    at = submit.click().run()
    assert_no_exception(at)
    store = open_store(str(isolated_db))
    decision = store.decisions.list(store.projects.by_slug(DEMO_SLUG).id)[0]  # the newest
    assert decision.page == "diagnosis"
    assert decision.verdict.startswith("Work on data mismatch for run efficientnet-b3-mobile")
    assert decision.numbers["focus"] == "data_mismatch"
    assert decision.numbers["run"] == "efficientnet-b3-mobile"
    assert (decision.rationale, decision.author) == ("Mobile photos first.", "Lead")


def test_a_viewer_sees_the_diagnosis_but_no_write_controls(demo_app_env, monkeypatch):
    monkeypatch.setenv("STRATEGY_EDITOR_PASSCODE", "letmein")
    at = page("diagnosis", DEMO_SLUG)
    assert "Focus: Data mismatch" in markdown(at)
    assert not [b for b in at.button if b.label in ("Record decision", "Save human levels")]
    assert at.selectbox(key="diagnosis_human_proxy").disabled
