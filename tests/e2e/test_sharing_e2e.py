"""Share links and viewer mode in a real browser: a copied link opens the same
page, project and run for a colleague; with a passcode configured the colleague can look
but finds no control that changes anything until editing is unlocked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.app.conftest import DEMO_SLUG
from tests.e2e.conftest import Server, click_after_typing, start_server, stop_server, wait_for_app

SLOW_MS = 90_000
PASSCODE = "team passcode 42"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("guarded"),
                           env={"STRATEGY_EDITOR_PASSCODE": PASSCODE})
    yield running
    stop_server(running)


def share_link(page: Page) -> str:
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Share this view").click()
    code = sidebar.get_by_test_id("stCode").last
    expect(code).to_be_visible(timeout=SLOW_MS)
    return code.inner_text().strip()


def test_a_copied_link_opens_the_same_view_for_a_colleague(browser: Browser, guarded: Server
                                                          ) -> None:
    lead = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    lead.goto(f"{guarded.url}/diagnosis?project={DEMO_SLUG}&run=cnn-small")
    wait_for_app(lead)
    main = lead.get_by_test_id("stMain")
    expect(main.get_by_text("Focus: Avoidable bias")).to_be_visible(timeout=SLOW_MS)
    link = share_link(lead)
    assert link.startswith(guarded.url) and "/diagnosis?" in link
    assert f"project={DEMO_SLUG}" in link and "run=cnn-small" in link

    colleague = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    colleague.goto(link)
    wait_for_app(colleague)
    theirs = colleague.get_by_test_id("stMain")
    expect(theirs.get_by_text("Focus: Avoidable bias")).to_be_visible(timeout=SLOW_MS)
    expect(theirs.get_by_role("heading", name="Human-level & bias/variance")).to_be_visible()
    sidebar = colleague.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("View only")).to_be_visible()

    # The viewer finds nothing that writes on the Runs page, until unlocking.
    colleague.goto(f"{guarded.url}/runs?project={DEMO_SLUG}")
    wait_for_app(colleague)
    expect(colleague.get_by_test_id("stMain").get_by_role("heading", name="Runs")
           ).to_be_visible(timeout=SLOW_MS)
    assert colleague.locator("input[type=file]").count() == 0
    assert colleague.get_by_role("tab", name="Import CSV").count() == 0
    sidebar = colleague.get_by_test_id("stSidebar")
    sidebar.get_by_text("Unlock editing").click()
    sidebar.get_by_label("Editor passcode").fill(PASSCODE)
    click_after_typing(colleague, sidebar.get_by_role("button", name="Unlock"))
    wait_for_app(colleague)
    expect(colleague.get_by_role("tab", name="Import CSV")).to_be_visible(timeout=SLOW_MS)


def test_an_unknown_link_gets_a_message(page: Page, guarded: Server) -> None:
    page.goto(f"{guarded.url}/diagnosis?project={DEMO_SLUG}&run=gone-run")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("is not in this project")).to_be_visible(timeout=SLOW_MS)
    expect(main.get_by_text("Focus: Data mismatch")).to_be_visible(timeout=SLOW_MS)
    page.goto(f"{guarded.url}/checklist?project=no-such-project")
    wait_for_app(page)
    expect(main.get_by_text("There is no project")).to_be_visible(timeout=SLOW_MS)


def test_no_traceback_reaches_the_browser(page: Page, guarded: Server) -> None:
    page.goto(f"{guarded.url}/error_analysis?project={DEMO_SLUG}&sample=%27%3B--")
    wait_for_app(page)
    expect(page.get_by_test_id("stMain").get_by_text("is not in this project")
           ).to_be_visible(timeout=SLOW_MS)
    assert page.get_by_test_id("stException").count() == 0


