"""Real-browser tests of the new sections on the demo projects (docs/rules.md §20–23): the
Diagnosis page's learning curve and six-box table, the Error analysis page's Optimization
Verification test of the speech demo, and the split planner's choices."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.app.conftest import DEMO_SLUG
from tests.e2e.conftest import Server, wait_for_app

FIRST_RUN_MS = 90_000


def test_diagnosis_tabs_on_the_cat_demo(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/diagnosis?project={DEMO_SLUG}")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("Learning curve and six-box table")).to_be_visible(
        timeout=FIRST_RUN_MS)
    main.get_by_role("tab", name="Learning curve").click()
    expect(main.get_by_text("More data will not close the gap")).to_be_visible()
    expect(main.get_by_text("Too few points to read")).to_have_count(0)
    expect(main.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    expect(main.get_by_text("The points are checkpoints of one run")).to_be_visible()
    main.get_by_role("tab", name="Six-box table").click()
    wait_for_app(page)
    table = main.get_by_test_id("stTable")
    expect(table.get_by_text("B: 1.0%")).to_be_visible()
    expect(table.get_by_text("D: 1.6%")).to_be_visible()
    expect(main.get_by_text("the other 0.9 pts is mismatch the model can still close")
           ).to_be_visible()


def test_the_speech_demo_blames_the_objective(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/error_analysis?project=speech-recognition-demo")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expander = main.get_by_test_id("stExpander").filter(
        has_text="Optimization verification")
    expect(expander).to_be_visible(timeout=FIRST_RUN_MS)
    expander.get_by_text("Optimization verification").first.click()
    wait_for_app(page)
    expect(expander.get_by_text("The objective (scoring function) is at fault")).to_be_visible()
    expect(expander.get_by_text("9 (22%)", exact=True)).to_be_visible()


def test_the_planner_explains_when_more_data_hurts(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/sizing?project={DEMO_SLUG}")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    main.get_by_role("tab", name="Split planner").click()
    expect(main.get_by_text("Data to leave out or weight")).to_be_visible(timeout=FIRST_RUN_MS)
    expect(main.get_by_text("outnumber 'mobile' 40 to 1").first).to_be_visible()
