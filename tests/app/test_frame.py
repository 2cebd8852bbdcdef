"""The app frame: navigation, project picker, ?project= links, empty database."""

from __future__ import annotations

from strategy_core.markdown import escape
from tests.app.conftest import DEMO_SLUG, assert_no_exception, open_app


def test_empty_database_shows_welcome_and_create_form() -> None:
    at = open_app()
    assert_no_exception(at)
    assert any("no projects yet" in i.value for i in at.info)
    assert at.sidebar.text_input(key="project_create_name") is not None


def test_create_project_from_sidebar_selects_it() -> None:
    at = open_app()
    at.sidebar.text_input(key="project_create_name").input("Dog detector")
    at.sidebar.button[0].click().run()
    assert_no_exception(at)
    assert at.query_params["project"] == "dog-detector"
    assert at.sidebar.selectbox(key="project_picker").value == "dog-detector"


def test_demo_is_seeded_and_linked(demo_app_env: str) -> None:
    at = open_app()
    assert_no_exception(at)
    assert at.query_params["project"] == DEMO_SLUG
    assert at.title[0].value == "Overview"


def test_unknown_slug_gets_message_and_project_list(demo_app_env: str) -> None:
    at = open_app(project="no-such-project")
    assert_no_exception(at)
    assert "no project" in at.error[0].value.lower()
    assert escape("no-such-project") in at.error[0].value


def test_malformed_slug_is_not_echoed(demo_app_env: str) -> None:
    at = open_app(project="<script>alert(1)</script>")
    assert_no_exception(at)
    assert "not a valid project" in at.error[0].value
    assert "script" not in at.error[0].value
