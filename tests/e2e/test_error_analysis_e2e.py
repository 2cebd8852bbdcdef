"""A real browser on a real `streamlit run`: on the demo's review sample, tick a category in
the tagging grid, save, reload the page and see the tick kept."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import Server, click_after_typing, wait_for_app

DEMO = "cat-classifier-demo"
CATEGORY = "Dog"


def open_grid(page: Page) -> Locator:
    """Open the page from the sidebar, then its tagging grid."""
    # The first request of a new server seeds the demo and leaves Streamlit's folder-pages
    # mode: wait for the app's own navigation.
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name="Error analysis",
                                                            exact=True)
    expect(link).to_be_visible(timeout=60_000)
    link.click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Error analysis", exact=True)).to_be_visible(
        timeout=60_000)
    assert f"error_analysis?project={DEMO}" in page.url
    page.get_by_role("tab", name="Tag examples").click()
    panel = page.get_by_role("tabpanel", name="Tag examples")
    expect(panel.locator("table").first).to_be_attached(timeout=30_000)
    return panel


def cell_texts(panel: Locator) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the grid's accessible copy."""
    table = panel.locator("table").first
    header = table.locator("thead th").evaluate_all("ths => ths.map(t => t.textContent.trim())")
    rows = table.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent.trim()))")
    return header, rows


def tick(page: Page, panel: Locator, row: int, column: int) -> None:
    """Select the grid's first cell on the canvas, walk to (row, column), tick it.

    The keys must go to the grid: before the click, focus is on the tab just opened, where
    the arrow keys would switch tabs. On a loaded machine the canvas sometimes misses the
    click, so click again until it has focus, and walk there again if the keys went nowhere
    (at most three tries; a tick that never lands still fails the test)."""
    canvas = panel.get_by_test_id("data-grid-canvas")
    cell = panel.locator(f"#glide-cell-{column}-{row}")
    for attempt in range(3):
        box = canvas.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 30, box["y"] + 60)
        try:
            expect(canvas).to_be_focused(timeout=3_000)
        except AssertionError:
            if attempt == 2:
                raise
            continue
        for _ in range(row):
            page.keyboard.press("ArrowDown")
        for _ in range(column):
            page.keyboard.press("ArrowRight")
        page.keyboard.press(" ")
        wait_for_app(page)
        try:
            expect(cell).to_have_text("true", timeout=5_000)
            return
        except AssertionError:
            if attempt == 2 or cell.inner_text().strip() != "false":
                raise


def test_tick_a_category_save_reload_and_it_is_kept(server: Server, page: Page):
    page.goto(f"{server.url}/?project={DEMO}")
    wait_for_app(page)
    panel = open_grid(page)
    header, rows = cell_texts(panel)
    column = header.index(CATEGORY)
    row = next(i for i, cells in enumerate(rows) if cells[column] == "false")
    example = rows[row][0]

    tick(page, panel, row, column)

    panel.get_by_label("Your name (shown to other reviewers)").fill("Browser reviewer")
    save = panel.get_by_role("button", name="Save 1 change")
    expect(save).to_be_enabled()
    click_after_typing(page, save)
    wait_for_app(page)
    expect(page.get_by_text("Saved tags of 1 example.")).to_be_visible()

    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Error analysis", exact=True)).to_be_visible(
        timeout=30_000)
    page.get_by_role("tab", name="Tag examples").click()
    panel = page.get_by_role("tabpanel", name="Tag examples")
    expect(panel.locator("table").first).to_be_attached(timeout=30_000)
    header, rows = cell_texts(panel)
    (kept,) = [cells for cells in rows if cells[0] == example]
    assert kept[header.index(CATEGORY)] == "true"
    assert not panel.get_by_role("button", name=re.compile(r"Save \d+ change")).count()
    assert "Traceback" not in server.log()
