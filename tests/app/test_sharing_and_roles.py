"""In AppTest: share links land on the same selection; viewers cannot change
anything; the passcode unlocks editing; sign-in with an allowlisted e-mail edits."""

from __future__ import annotations

import re

import pytest

from strategy_core.access import PASSCODE_GATE
from strategy_core.markdown import escape
from tests.app.conftest import DEMO_SLUG, assert_no_exception, open_app
from ui.navigation import PAGES

WRITE_WORDS = re.compile(r"\b(save|delete|import|add|remove|rename|record|upload|undo|draw|"
                         r"restore|create|supersede|reinstate|prepare backup)\b", re.I)


def share_link(at) -> str:
    codes = [c.value for c in at.sidebar.code]
    assert codes, "the sidebar shows the share link"
    return codes[-1]


def test_diagnosis_link_with_a_run_opens_that_run(demo_app_env: str) -> None:
    at = open_app("diagnosis", project=DEMO_SLUG)
    at.query_params["run"] = "cnn-small"
    at.run()
    assert_no_exception(at)
    chosen = at.selectbox(key="diagnosis_run")
    assert chosen.format_func(chosen.value).startswith("cnn-small")
    assert any("Avoidable bias" in m.value for m in at.markdown)
    link = share_link(at)
    assert f"project={DEMO_SLUG}" in link and "run=cnn-small" in link


def test_choosing_another_run_moves_the_link_along(demo_app_env: str) -> None:
    at = open_app("diagnosis", project=DEMO_SLUG)
    at.query_params["run"] = "cnn-small"
    at.run()
    at.selectbox(key="diagnosis_run").select_index(0).run()  # the newest run
    assert_no_exception(at)
    assert at.query_params["run"] == "efficientnet-b3-mobile"
    assert "run=efficientnet-b3-mobile" in share_link(at)


@pytest.mark.parametrize("value", ["no-such-run", "<script>alert(1)</script>", "x" * 500, " "])
def test_unknown_or_malformed_run_gets_a_message_not_an_exception(demo_app_env: str,
                                                                   value: str) -> None:
    at = open_app("diagnosis", project=DEMO_SLUG)
    at.query_params["run"] = value
    at.run()
    assert_no_exception(at)
    chosen = at.selectbox(key="diagnosis_run")
    assert chosen.format_func(chosen.value).startswith("efficientnet-b3-mobile")
    if value.strip() and len(value) <= 200:
        assert any(escape(value) in w.value for w in at.warning)


def test_error_analysis_link_with_a_sample(demo_app_env: str) -> None:
    at = open_app("error_analysis", project=DEMO_SLUG)
    sample_id = at.selectbox(key="ea_sample").value
    assert f"sample={sample_id}" in share_link(at)
    at.query_params["sample"] = "999999"
    at.run()
    assert_no_exception(at)
    assert any("999999" in w.value for w in at.warning)
    at.query_params["sample"] = "'; DROP TABLE projects;--"
    at.run()
    assert_no_exception(at)
    assert at.selectbox(key="ea_sample").value == sample_id


SLEPT: list[float] = []


@pytest.fixture
def viewer_env(demo_app_env: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("STRATEGY_EDITOR_PASSCODE", "s3cret passcode")
    SLEPT.clear()
    monkeypatch.setattr(PASSCODE_GATE, "_sleep", SLEPT.append)
    PASSCODE_GATE._failures.clear()
    return "s3cret passcode"


@pytest.mark.parametrize("page", [spec.file[:-3] for spec in PAGES])
def test_viewers_see_no_write_controls_on_any_page(viewer_env: str, page: str) -> None:
    at = open_app(page, project=DEMO_SLUG)
    assert_no_exception(at)
    assert len(at.file_uploader) == 0
    # Viewers may try other thresholds on the metrics page (a what-if: nothing is saved).
    what_if = {"Remove", "Add a threshold"} if page == "metrics" else set()
    labels = [b.label for b in at.button if b.label not in what_if]
    assert [label for label in labels if WRITE_WORDS.search(label)] == []
    assert not at.sidebar.text_input(key="project_create_name") if any(
        t.key == "project_create_name" for t in at.sidebar.text_input) else True
    assert any("View only" in i.value for i in at.sidebar.info)


def unlock(at, passcode: str):
    at.sidebar.text_input(key="access_passcode").input(passcode)
    next(b for b in at.sidebar.button if b.label == "Unlock").click().run()
    return at


def test_wrong_passcode_stays_viewer_and_slows_the_next_try(viewer_env: str) -> None:
    at = open_app("runs", project=DEMO_SLUG)
    unlock(at, "guess")
    assert_no_exception(at)
    assert any("Wrong passcode" in e.value for e in at.sidebar.error)
    assert len(at.file_uploader) == 0
    unlock(at, "guess again")
    unlock(at, "s3cret")
    assert SLEPT == [0.5, 1.0]  # each wrong try makes the next check wait longer
    assert len(at.file_uploader) == 0


def test_right_passcode_unlocks_editing(viewer_env: str) -> None:
    at = open_app("runs", project=DEMO_SLUG)
    unlock(at, viewer_env)
    assert_no_exception(at)
    assert len(at.file_uploader) == 1  # the Runs page's CSV upload is back
    assert any(b.label == "Lock editing" for b in at.sidebar.button)


def test_sign_in_with_an_allowlisted_email_edits(demo_app_env: str) -> None:
    at = open_app()
    at.secrets = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback",
                           "cookie_secret": "x" * 32},
                  "editor_emails": ["lead@example.com"]}
    at.user = {"is_logged_in": True, "email": "Lead@Example.com"}
    at.switch_page("pages/runs.py").run()
    assert_no_exception(at)
    assert len(at.file_uploader) == 1
    at.user = {"is_logged_in": True, "email": "someone@example.com"}
    at.run()
    assert len(at.file_uploader) == 0
    at.user = {"is_logged_in": False}
    at.run()
    assert any(b.label == "Sign in" for b in at.sidebar.button)
    assert len(at.file_uploader) == 0
