"""The Decisions & report page through AppTest: empty project and demo, the
log with its filters, superseding and reinstating, a free-form decision (also one that
replaces an earlier decision), untrusted text staying text, and viewers."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from strategy_core.markdown import escape
from strategy_core.store import Store, open_store
from tests.app.conftest import DEMO_SLUG, assert_no_exception, open_page, project_id

SLUG = "phone-cats"


@pytest.fixture
def project(isolated_db: Path) -> Store:
    store = open_store(str(isolated_db))
    store.projects.create("Phone cats")
    return store


def pid(store: Store) -> int:
    return project_id(store, SLUG)


@pytest.fixture
def logged(project: Store) -> Store:
    """Three decisions, the first superseded by the third."""
    project_id = pid(project)
    first = project.decisions.record(project_id, "end_to_end", "Build a pipeline",
                                     {"guide": "end_to_end", "inputs": {"examples": 10_000}},
                                     "Little photo-to-identity data.", "Ann")
    project.decisions.record(project_id, "transfer", "Transfer from ImageNet", {},
                             "Only 100 X-rays.", "Bob")
    third = project.decisions.record(project_id, "end_to_end", "Go end-to-end", {},
                                     "A million pairs now.", "Cy")
    project.decisions.supersede(project_id, first.id, third.id)
    return project


def page(project: str = SLUG) -> AppTest:
    return open_page("decisions", project, "Decisions & report")


def verdicts(at: AppTest) -> list[str]:
    """The verdicts of the decision cards shown, top to bottom."""
    return [m.value.split(" · ", 1)[1].strip("*") for m in at.markdown
            if m.value.startswith("**#")]


def text(elements) -> str:
    return "\n".join(e.value for e in elements)


def test_empty_project_explains_and_offers_a_free_form_decision(project: Store):
    at = page()
    assert "No decisions recorded yet" in text(at.info)
    assert at.text_input(key="dec_free_verdict") is not None
    assert not [r for r in at.radio if r.key == "dec_filter_status"]  # nothing to filter


def test_demo_project_opens(demo_app_env: str):
    page(DEMO_SLUG)


def test_log_lists_newest_first_with_status_and_numbers(logged: Store):
    at = page()
    assert verdicts(at) == ["Go end\\-to\\-end", "Transfer from ImageNet", "Build a pipeline"]
    assert "3 of 3 decisions shown; 2 in force, 1 superseded" in text(at.caption)
    assert "End\\-to\\-end or pipeline" in text(at.caption) and "Ann" in text(at.caption)
    numbers = [d.value for d in at.dataframe if "name" in d.value.columns]
    assert numbers[0].to_dict("records") == [{"name": "guide", "value": "end_to_end"},
                                             {"name": "inputs.examples", "value": "10,000"}]
    assert at.button(key="dec_reinstate_1") is not None  # only the superseded one
    assert not [b for b in at.button if b.key in ("dec_reinstate_2", "dec_reinstate_3")]


@pytest.mark.parametrize(
    ("widget", "value", "expected"),
    [
        ("page", "transfer", ["Transfer from ImageNet"]),
        ("status", "active", ["Go end\\-to\\-end", "Transfer from ImageNet"]),
        ("status", "superseded", ["Build a pipeline"]),
        ("text", "x-rays", ["Transfer from ImageNet"]),
        ("text", "nothing like this", []),
    ],
    ids=["by_page", "active", "superseded", "text_in_rationale", "no_match"],
)
def test_filters(logged: Store, widget: str, value: str, expected: list[str]):
    at = page()
    if widget == "page":
        at.selectbox(key="dec_filter_page").set_value(value).run()
    elif widget == "status":
        at.radio(key="dec_filter_status").set_value(value).run()
    else:
        at.text_input(key="dec_filter_text").input(value).run()
    assert_no_exception(at)
    assert verdicts(at) == expected
    if not expected:
        assert "No decision matches these filters." in text(at.info)


def test_supersede_then_reinstate(logged: Store):
    at = page()
    transfer = next(d for d in logged.decisions.list(pid(logged)) if d.page == "transfer")
    latest = logged.decisions.list(pid(logged))[0]
    assert at.selectbox(key="dec_supersede_old").options == [
        f"#{transfer.id} · Transfer from ImageNet ({transfer.decided_at:%Y-%m-%d})"]
    at.selectbox(key="dec_supersede_old").set_value(transfer.id).run()
    at.selectbox(key="dec_supersede_new").set_value(latest.id).run()
    at.button(key="dec_supersede_button").click().run()
    assert_no_exception(at)
    assert f"#{transfer.id} is marked as superseded by #{latest.id}" in text(at.success)
    assert logged.decisions.get(pid(logged), transfer.id).superseded_by == latest.id
    at.button(key=f"dec_reinstate_{transfer.id}").click().run()
    assert_no_exception(at)
    assert logged.decisions.get(pid(logged), transfer.id).active


def test_free_form_decision_that_replaces_an_earlier_one(logged: Store):
    at = page()
    transfer = next(d for d in logged.decisions.list(pid(logged)) if d.page == "transfer")
    at.selectbox(key="dec_free_page").set_value("sizing")
    at.text_input(key="dec_free_verdict").input("Dev set of **10,000** <b>images</b>")
    at.text_area(key="dec_free_rationale").input("Detect 0.1% [differences](javascript:x)")
    at.text_input(key="dec_free_author").input("Dee")
    at.selectbox(key="dec_free_replaces").set_value(transfer.id)
    next(b for b in at.button if b.label == "Record decision").click().run()
    assert_no_exception(at)
    newest = logged.decisions.list(pid(logged))[0]
    assert (newest.page, newest.verdict, newest.author) == (
        "sizing", "Dev set of **10,000** <b>images</b>", "Dee")
    assert logged.decisions.get(pid(logged), transfer.id).superseded_by == newest.id
    # Untrusted text is shown as text, never as Markdown or HTML.
    assert escape("Dev set of **10,000** <b>images</b>") in verdicts(at)[0]
    assert escape("Detect 0.1% [differences](javascript:x)") in text(at.markdown)


def test_free_form_decision_without_a_verdict_is_refused(project: Store):
    at = page()
    next(b for b in at.button if b.label == "Record decision").click().run()
    assert_no_exception(at)
    assert "a decision needs a verdict" in text(at.error)
    assert project.decisions.list(pid(project)) == []


def test_viewers_see_the_log_but_no_write_controls(logged: Store,
                                                   monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("STRATEGY_EDITOR_PASSCODE", "open sesame")
    at = page()
    assert len(verdicts(at)) == 3
    assert not [b for b in at.button if (b.key or "").startswith("dec_")]
    assert not [b for b in at.button if b.label == "Record decision"]
    assert not [s for s in at.selectbox if (s.key or "").startswith("dec_supersede")]
