"""The HTML report in a real browser: the demo's report file opens in
headless Chromium with every network request refused, asks for none, and shows every
section and its charts drawn as SVG."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Route, expect

from strategy_core.report import SECTION_TITLES, to_html
from strategy_core.store import Store
from strategy_core.usecases.report import build_report

pytestmark = pytest.mark.e2e


def test_demo_report_opens_offline_with_sections_and_charts(demo_store: Store,
                                                            browser: Browser, tmp_path: Path):
    project = demo_store.projects.by_slug("cat-classifier-demo")
    assert project is not None
    report_file = tmp_path / "report.html"
    report_file.write_text(to_html(build_report(demo_store, project)), encoding="utf-8")

    context = browser.new_context(viewport={"width": 1200, "height": 900})
    aborted: list[str] = []
    loaded: list[str] = []

    def only_the_file(route: Route) -> None:
        url = route.request.url
        if url.startswith("file://"):
            loaded.append(url)
            route.continue_()
        else:
            aborted.append(url)
            route.abort()

    context.route("**/*", only_the_file)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The file's Content-Security-Policy refuses any load before it reaches the network
    # (and the route above): a refusal is reported on the console.
    page.on("console", lambda message: errors.append(message.text))
    page.goto(report_file.as_uri())
    page.wait_for_load_state("load")

    assert aborted == []
    assert loaded == [report_file.as_uri()]  # the file itself, nothing else
    assert errors == []
    expect(page).to_have_title("Cat classifier (demo): project report")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cat classifier (demo): project report")
    for title in SECTION_TITLES.values():
        expect(page.get_by_role("heading", level=2, name=title, exact=True)).to_be_visible()
    expect(page.locator("#diagnosis .verdict")).to_contain_text(
        "Work on data mismatch for run efficientnet-b3-mobile: at 1.4 pts")
    expect(page.locator("#error_analysis .verdict")).to_have_text(
        "Fixing Blurry could cut dev error from 2.9% to at best 1.7%.")

    charts = page.locator("figure svg")
    expect(charts).to_have_count(7)  # the learning curve's chart is the seventh
    staircase = page.get_by_role("img", name="Error levels of efficientnet-b3-mobile")
    staircase.scroll_into_view_if_needed()
    expect(staircase).to_be_visible()
    box = staircase.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 200
    # Drawn, not just present: the chart's bars and labels are laid out in the page.
    assert staircase.locator("path").count() > 5
    expect(staircase.locator("text", has_text="Training-dev")).to_have_count(1)
    shares = page.get_by_role("img", name="Share of each category")
    shares.scroll_into_view_if_needed()
    expect(shares.locator("text", has_text="Blurry")).to_be_visible()

    # The table of contents jumps within the file.
    page.get_by_role("link", name="Decisions").click()
    assert page.url.endswith("#decisions")
    assert aborted == []
    context.close()
