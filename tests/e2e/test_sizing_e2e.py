"""A real browser on a real `streamlit run`: the split planner on the demo
project. Change the target and a source count in the editable table, see the allocation
update, save the plan and find it again after a reload."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.conftest import Server, wait_for_app

ROW_HEIGHT = 35  # Streamlit's data editor: header and rows are 35 px high
SLOW = 15_000  # ms for a rerun to show its result


def planner(page: Page, server: Server) -> Locator:
    page.goto(f"{server.url}/sizing?project=cat-classifier-demo")
    wait_for_app(page)
    # The first request of a new server seeds the demo: allow it time.
    expect(page.get_by_role("heading", name="Dev/test sizing & splits")).to_be_visible(
        timeout=60_000)
    wait_for_app(page)
    page.get_by_role("tab", name="Split planner").click()
    return page.get_by_role("tabpanel", name="Split planner")


def choose_target(page: Page, panel: Locator, source: str) -> None:
    target = panel.get_by_test_id("stSelectbox").filter(has_text="Target")
    target.click()
    page.get_by_role("option", name=source, exact=True).click()
    expect(target.get_by_role("combobox")).to_have_value(source)
    wait_for_app(page)


def settle(page: Page) -> None:
    """Wait until no script run has been going for a moment (a rerun re-mounts the grid)."""
    status = page.get_by_test_id("stStatusWidget")
    for _ in range(40):
        wait_for_app(page)
        page.wait_for_timeout(700)
        if status.count() == 0:
            return


def set_count(page: Page, panel: Locator, row: int, current: str, value: str) -> None:
    """Type a new count into the sources editor (a canvas grid) at a 0-based row; the cell
    must hold `current` (so a click that landed elsewhere is noticed and retried)."""
    settle(page)
    editor = panel.get_by_test_id("stDataFrame").first
    for _ in range(8):  # the layout may still be settling after the previous rerun
        editor.scroll_into_view_if_needed()
        page.wait_for_timeout(250)
        box = editor.bounding_box()
        assert box is not None
        x = box["x"] + 40  # the "Source" column, then one step right to "Examples"
        y = box["y"] + ROW_HEIGHT * (row + 1) + ROW_HEIGHT / 2
        page.mouse.move(x, y)
        page.mouse.click(x, y)
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")  # opens the cell's editor
        try:
            page.wait_for_function(
                "() => ['INPUT', 'TEXTAREA'].includes(document.activeElement?.tagName)",
                timeout=2_000)
        except PlaywrightTimeoutError:
            continue
        if page.evaluate("() => document.activeElement.value") == current:
            break
        page.keyboard.press("Escape")
    else:
        raise AssertionError(f"could not open the cell in row {row}")
    page.keyboard.press("Control+a")
    page.keyboard.type(value)
    expect(page.locator("input.gdg-input")).to_have_value(value)
    page.wait_for_timeout(300)  # let the grid take the typed value before committing it
    page.keyboard.press("Enter")
    wait_for_app(page)


def test_planner_updates_when_target_or_count_changes(server: Server, page: Page):
    panel = planner(page, server)
    # Prefilled with the docs/rules.md example: 200,000 web + 10,000 mobile, target mobile.
    expect(panel.get_by_text("2,500 each")).to_be_visible(timeout=SLOW)
    expect(panel.get_by_text("about 2,381 of 2,500 dev examples")).to_be_visible(timeout=SLOW)

    choose_target(page, panel, "web")
    expect(panel.get_by_text("10,000 each")).to_be_visible(timeout=SLOW)
    verdict = panel.get_by_text("Dev 10,000 and test 10,000 only from 'web'").first
    expect(verdict).to_be_visible(timeout=SLOW)

    choose_target(page, panel, "mobile")
    expect(panel.get_by_text("2,500 each")).to_be_visible(timeout=SLOW)
    set_count(page, panel, 1, "10000", "20000")  # mobile: 20,000 phone images
    expect(panel.get_by_text("5,000 each")).to_be_visible(timeout=SLOW)
    expect(panel.get_by_text("β = 10,000 / 200,000 = 0.05 (1/20)")).to_be_visible(timeout=SLOW)

    panel.get_by_role("button", name="Save this plan for the team").click()
    wait_for_app(page)
    expect(page.get_by_text("Split plan saved")).to_be_visible(timeout=SLOW)

    panel = planner(page, server)  # a reload: the plan comes from the database
    expect(panel.get_by_text("The plan saved for this project")).to_be_visible(timeout=SLOW)
    expect(panel.get_by_text("5,000 each")).to_be_visible(timeout=SLOW)
    assert "Traceback" not in server.log()
