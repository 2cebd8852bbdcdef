"""Two sessions, one record (docs/rules.md, "Edits by two people"): for every editor that
saves a setting or a record from a form, a save that someone else's overtook is refused,
shows the other person's value, writes nothing, and can then be reapplied or dropped.
(Runs and human levels: tests/app/test_runs_page.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from strategy_core.checklist import TOLERANCE_SETTING
from strategy_core.markdown import escape
from strategy_core.sizing import PLAN_SETTING, plan_inputs
from strategy_core.store import Store, open_store
from tests.app.conftest import DEMO_SLUG, assert_no_exception, open_app, project_id


@pytest.fixture
def demo(demo_app_env: str, isolated_db: Path) -> Store:
    open_app()  # seeds the demo, as the first visitor does
    store = open_store(str(isolated_db))
    yield store


def refusal(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error if "Not saved" in e.value)


def flashes(at: AppTest) -> str:
    return "\n".join(s.value for s in at.success)


def test_tolerance(demo: Store):
    pid = project_id(demo, DEMO_SLUG)
    first, second = (open_app("checklist", project=DEMO_SLUG) for _ in range(2))
    first.number_input(key="checklist_tolerance").set_value(1.0).run()
    assert demo.projects.setting(pid, TOLERANCE_SETTING) == pytest.approx(0.01)

    second.number_input(key="checklist_tolerance").set_value(2.0).run()
    assert_no_exception(second)
    assert "1 percentage points" in refusal(second)
    assert demo.projects.setting(pid, TOLERANCE_SETTING) == pytest.approx(0.01)
    second.button(key="checklist_tolerance_save_mine").click().run()
    assert_no_exception(second)
    assert demo.projects.setting(pid, TOLERANCE_SETTING) == pytest.approx(0.02)
    assert not refusal(second)


def test_split_plan(demo: Store):
    pid = project_id(demo, DEMO_SLUG)
    first, second = (open_app("sizing", project=DEMO_SLUG) for _ in range(2))
    (box,) = [s for s in first.selectbox if (s.key or "").startswith("sizing_plan_target_")]
    box.set_value("web").run()
    (custom,) = [t for t in second.toggle if (t.key or "").startswith("sizing_plan_custom_")]
    custom.set_value(True).run()  # Bo chooses dev and test sizes on the old plan
    first.button(key="sizing_plan_save").click().run()
    assert plan_inputs(demo.projects.setting(pid, PLAN_SETTING)).target == "web"

    second.button(key="sizing_plan_save").click().run()
    assert_no_exception(second)
    assert escape("target web") in refusal(second)
    assert plan_inputs(demo.projects.setting(pid, PLAN_SETTING)).target == "web"
    second.button(key="sizing_plan_editor_load_theirs").click().run()
    assert_no_exception(second)
    (box,) = [s for s in second.selectbox if (s.key or "").startswith("sizing_plan_target_")]
    assert box.value == "web"


def test_category_efforts(demo: Store):
    pid = project_id(demo, DEMO_SLUG)
    first, second = (open_app("error_analysis", project=DEMO_SLUG) for _ in range(2))
    blurry = next(c for c in demo.reviews.categories(pid) if c.name == "Blurry")
    row = next(i for i, c in enumerate(demo.reviews.categories(pid)) if c.id == blurry.id)
    first.session_state["ea_efforts"] = {"edited_rows": {row: {"effort": 4.0}},
                                         "added_rows": [], "deleted_rows": []}
    first.run()
    first.button(key="ea_efforts_save").click().run()
    assert_no_exception(first)
    assert next(c.effort for c in demo.reviews.categories(pid) if c.id == blurry.id) == 4.0

    second.session_state["ea_efforts"] = {"edited_rows": {row: {"effort": 8.0}},
                                          "added_rows": [], "deleted_rows": []}
    second.run()
    second.button(key="ea_efforts_save").click().run()
    assert_no_exception(second)
    assert escape("Blurry: 4") in refusal(second)
    assert next(c.effort for c in demo.reviews.categories(pid) if c.id == blurry.id) == 4.0
    second.button(key="ea_efforts_editor_save_mine").click().run()
    assert_no_exception(second)
    assert next(c.effort for c in demo.reviews.categories(pid) if c.id == blurry.id) == 8.0


def test_project_rename(demo: Store):
    first, second = (open_app("runs", project=DEMO_SLUG) for _ in range(2))
    first.text_input(key="project_rename_name").input("Cats by Ana")
    first.button(key="FormSubmitter:project_rename-Rename").click().run()
    assert_no_exception(first)
    second.text_input(key="project_rename_name").input("Cats by Bo")
    second.button(key="FormSubmitter:project_rename-Rename").click().run()
    assert_no_exception(second)
    shown = [e.value for e in (*second.error, *second.sidebar.error)]
    assert any(escape("renamed the project to 'Cats by Ana'") in text for text in shown), shown
    assert demo.projects.by_slug(DEMO_SLUG).name == "Cats by Ana"
