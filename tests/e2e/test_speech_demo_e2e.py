"""A real browser on a real `streamlit run`: every page of the second demo project,
"Speech recognition (demo)", tracked in word error rate (docs/rules.md §16), renders
without an exception, and the overview and diagnosis pages speak WER (the metric's name,
levels in percent, gaps in points) rather than a generic "error"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from strategy_core.usecases.demo_speech import NEWEST_RUN, SPEECH_DEMO_NAME, SPEECH_DEMO_SLUG
from tests.e2e.conftest import Server, wait_for_app
from ui.navigation import PAGES

# The first request to the module's server imports the statistics stack and seeds both
# demo projects: allow for it.
FIRST_RUN_MS = 90_000


def open_speech_page(page: Page, server: Server, url_path: str, title: str) -> None:
    """Open a page of the speech demo; its title shows, the sidebar has the project and
    nothing raised."""
    path = "" if url_path == "overview" else url_path
    page.goto(f"{server.url}/{path}?project={SPEECH_DEMO_SLUG}")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name=title, exact=True).first).to_be_visible(
        timeout=FIRST_RUN_MS)
    wait_for_app(page)
    expect(page.get_by_test_id("stSidebar").get_by_role("combobox", name="Project")
           ).to_have_value(SPEECH_DEMO_NAME)
    assert page.get_by_test_id("stException").count() == 0, \
        page.get_by_test_id("stException").first.inner_text()
    assert "Traceback" not in main.inner_text()


@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path for spec in PAGES])
def test_every_page_of_the_speech_demo_renders(page: Page, server: Server, spec):
    open_speech_page(page, server, spec.url_path, spec.title)
    assert f"project={SPEECH_DEMO_SLUG}" in page.url


def test_diagnosis_speaks_word_error_rate(page: Page, server: Server):
    open_speech_page(page, server, "diagnosis", "Human-level & bias/variance")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("Focus: Data mismatch").first).to_be_visible()
    expect(main.get_by_text(re.compile(rf"data mismatch for run {NEWEST_RUN}", re.I)).first
           ).to_be_visible()
    expect(main.locator("[data-testid='stVegaLiteChart']").first).to_be_visible()
    text = main.inner_text()
    assert "Word error rate" in text
    assert "7.0 pts" in text  # the data-mismatch gap, dev 14.0% − train-dev 7.0%
    assert "14.0%" in text  # the dev WER of the newest run


def test_overview_speaks_word_error_rate(page: Page, server: Server):
    open_speech_page(page, server, "overview", "Overview")
    main = page.get_by_test_id("stMain")
    expect(main.locator("[data-testid='stVegaLiteChart']").first).to_be_visible()
    text = main.inner_text()
    assert "Speech recognition (demo)" in text
    assert "Word error rate" in text
    assert "7.0 pts" in text  # the newest run's focus, data mismatch
