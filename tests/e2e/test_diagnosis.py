"""Real-browser tests of the diagnosis pages: a deep link as the very first
request to a new server gets the whole app frame, and the diagnosis page of the demo shows
the focus and follows a change of run."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.app.conftest import DEMO_SLUG
from tests.e2e.conftest import Server, start_server, stop_server, wait_for_app

# A new server's first run imports the statistics stack and seeds the demo: allow for it.
FIRST_RUN_MS = 90_000


def test_deep_link_as_the_first_request_gets_the_app_frame(page: Page, tmp_path: Path):
    """Before the first st.navigation call Streamlit treats pages/ as legacy folder pages;
    ui.session.leave_legacy_pages_mode must make even the first request run app.py."""
    fresh = start_server(tmp_path)
    try:
        page.goto(f"{fresh.url}/diagnosis?project={DEMO_SLUG}")
        wait_for_app(page)
        main = page.get_by_test_id("stMain")
        expect(main.get_by_text("Focus: Data mismatch")).to_be_visible(timeout=FIRST_RUN_MS)
        sidebar = page.get_by_test_id("stSidebar")
        picker = sidebar.get_by_role("combobox", name="Project")
        expect(picker).to_have_value("Cat classifier (demo)")
        expect(sidebar.get_by_text("Orthogonalization checklist")).to_be_visible()  # the nav
        expect(main.get_by_role("heading", name="Human-level & bias/variance")).to_be_visible()
        assert f"/diagnosis?project={DEMO_SLUG}" in page.url
    finally:
        stop_server(fresh)


def test_diagnosis_page_of_the_demo_shows_the_focus(page: Page, server: Server):
    page.goto(f"{server.url}/diagnosis?project={DEMO_SLUG}")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("Focus: Data mismatch")).to_be_visible(timeout=FIRST_RUN_MS)
    expect(main.get_by_text("Work on data mismatch for run efficientnet-b3-mobile").first
           ).to_be_visible()
    expect(main.locator("[data-testid='stVegaLiteChart']").first).to_be_visible(timeout=30_000)
    # Pick the first run of the project: the August baseline was bias-limited.
    main.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="logreg-baseline").click()
    wait_for_app(page)
    expect(main.get_by_text("Focus: Avoidable bias")).to_be_visible(timeout=30_000)
