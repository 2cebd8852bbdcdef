"""Real-browser test of the Metrics page: on the demo, raising the latency
threshold changes the winner; the saved definition is still there after a reload."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.app.conftest import DEMO_SLUG
from tests.e2e.conftest import Server, click_after_typing, wait_for_app

SLOW = 60_000  # a new server seeds the demo on its first run; charts draw after the text


def test_a_threshold_changes_the_winner_and_the_saved_definition_stays(page: Page,
                                                                       server: Server):
    page.goto(f"{server.url}/metrics?project={DEMO_SLUG}")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Optimize dev_error (lower is better) subject to "
                                           "latency_ms ≤ 100.")).to_be_visible(timeout=SLOW)
    expect(main.get_by_text("resnet50-mobile-5k wins with the lowest dev_error (3.2%)").first
           ).to_be_visible(timeout=SLOW)
    expect(main.locator("[data-testid='stVegaLiteChart']").first).to_be_visible(timeout=SLOW)

    threshold = main.get_by_role("textbox", name="Threshold")
    threshold.fill("150")
    threshold.press("Enter")
    wait_for_app(page)
    expect(main.get_by_text("efficientnet-b3-mobile wins with the lowest dev_error (2.9%)").first
           ).to_be_visible(timeout=SLOW)
    expect(main.get_by_text("resnet50-mobile-5k wins")).to_have_count(0, timeout=SLOW)

    # Save it for the team, reload: the definition is still there.
    main.get_by_role("textbox", name="Your name").first.fill("Ana")
    click_after_typing(page, main.get_by_role("button", name="Save definition"))
    wait_for_app(page)
    page.reload()
    wait_for_app(page)
    expect(main.get_by_role("textbox", name="Threshold")).to_have_value("150", timeout=SLOW)
    expect(main.get_by_text("This is the team's saved definition (saved by Ana")
           ).to_be_visible(timeout=SLOW)
    expect(main.get_by_text("efficientnet-b3-mobile wins with the lowest dev_error").first
           ).to_be_visible(timeout=SLOW)
