"""The Overview landing page through AppTest: the landing page of a
project, empty project, demo, runs without train-dev or sizes, the status paragraph and the
links to the other pages."""

from __future__ import annotations

from strategy_core.markdown import escape
from strategy_core.store import open_store
from strategy_core.usecases.checklist import save_tolerance
from tests.app.conftest import DEMO_SLUG, assert_no_exception, open_app
from tests.app.test_diagnosis_page import (  # noqa: F401 - empty and partial are fixtures
    PARTIAL,
    empty,
    markdown,
    page,
    partial,
)


def page_links(at) -> dict[str, str]:
    """Label -> page link target of every page link in the main area."""
    return {link.proto.label: link.proto.page for link in at.get("page_link")}


def test_overview_is_the_landing_page(demo_app_env):
    at = open_app(project=DEMO_SLUG)
    assert_no_exception(at)
    assert at.title[0].value == "Overview"


def test_demo_overview_tells_the_story_at_a_glance(demo_app_env):
    at = page("overview", DEMO_SLUG)
    text = markdown(at)
    for card in ("#### efficientnet\\-b3\\-mobile", "#### 2.9%", "#### Data mismatch",
                 "#### :red[Link 3 red]"):
        assert card in text
    assert any("down 0.3 pts from the previous run" in c.value for c in at.caption)
    paragraph = at.code[0].value
    assert paragraph.startswith("Cat classifier (demo): Newest of 10 runs, "
                                "efficientnet-b3-mobile (2026-11-16)")
    assert "Work on data mismatch: at 1.4 pts" in paragraph
    assert "Work on link 3, generalize to the dev set" in paragraph
    assert escape(paragraph) in text  # the same words, readable on the page
    assert "**3. Generalize to the dev set** · 1.4 pts" in text
    links = page_links(at)
    assert links["Human-level & bias/variance"] == "diagnosis"
    assert links["Orthogonalization checklist"] == "checklist"
    assert links["Runs"] == "runs"
    assert "Overview" not in links


def test_the_chain_follows_the_project_tolerance(demo_app_env, isolated_db):
    page("overview", DEMO_SLUG)  # seeds the demo
    store = open_store(str(isolated_db))
    save_tolerance(store, store.projects.by_slug(DEMO_SLUG).id, 0.015)
    at = page("overview", DEMO_SLUG)
    assert "#### 4 of 5 green" in markdown(at)
    assert "(tolerance 1.5 points)" in markdown(at)


def test_empty_project_shows_how_to_start(empty):  # noqa: F811
    at = page("overview", "empty")
    assert any("has no runs yet" in i.value for i in at.info)
    assert at.code[0].value == ("Empty: No runs are recorded yet: upload the team's run "
                                "results to get a diagnosis.")
    links = page_links(at)
    assert links["Go to Runs to upload"] == links["Runs"] == "runs"


def test_runs_without_train_dev_or_sizes(partial):  # noqa: F811
    at = page("overview", PARTIAL)
    text = markdown(at)
    assert "#### no\\-sizes" in text
    assert "#### Data mismatch" in text
    assert "Data mismatch became the focus with this run" in at.code[0].value
