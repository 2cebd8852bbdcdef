"""A real browser on a real `streamlit run`: walk the end-to-end guide to a
reference case, record its verdict as a decision, and find it on the decisions page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, click_after_typing, wait_for_app


def test_walk_a_guide_record_the_decision_and_find_it_in_the_log(server: Server, page: Page):
    # Start at the app's root: its first request seeds the demo, allow it time.
    page.goto(f"{server.url}/?project=cat-classifier-demo")
    wait_for_app(page)
    expect(page.get_by_test_id("stSidebar").get_by_role("link", name="End-to-end or pipeline")
           ).to_be_visible(timeout=90_000)
    page.goto(f"{server.url}/end_to_end?project=cat-classifier-demo")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="End-to-end or pipeline")).to_be_visible(
        timeout=60_000)
    wait_for_app(page)

    page.get_by_test_id("stSelectbox").filter(has_text="Start from a reference case").click()
    page.get_by_role("option", name="Face recognition at a turnstile").click()
    wait_for_app(page)
    headline = ("Build a pipeline: 10,000 labeled (x, y) examples fall short of the "
                "1,000,000 a high-complexity mapping needs.")
    expect(page.get_by_role("status").get_by_text(headline)).to_be_visible()

    page.get_by_text("Record this as a decision").first.click()
    page.get_by_label("Why (rationale)").first.fill("Plenty of face-detection data, few "
                                                    "labeled identities.")
    page.get_by_label("Your name").first.fill("Ann")
    click_after_typing(page, page.get_by_role("button", name="Record decision").first)
    wait_for_app(page)
    expect(page.get_by_text("Decision recorded in the decision log.")).to_be_visible()

    page.get_by_test_id("stSidebar").get_by_role("link", name="Decisions & report").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Decisions & report")).to_be_visible()
    card = page.locator("[class*='st-key-dec_card_']").filter(has_text=headline)
    expect(card).to_be_visible()
    expect(card.get_by_text("Plenty of face-detection data, few labeled identities."))\
        .to_be_visible()
    expect(card.get_by_text("Active")).to_be_visible()
    expect(page.get_by_text("End-to-end or pipeline · ")).to_be_visible()
    assert "project=cat-classifier-demo" in page.url
