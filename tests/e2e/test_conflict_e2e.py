"""Two people tag the same example at once (docs/rules.md §13): two browser sessions
open the demo's review sample; the first ticks "Dog" on an example and saves, the second
ticks "Blurry" on the same example and saves, and is told of the conflict with the current
values (the first person's) shown; nothing of the second save is written."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Locator, Page, expect

from strategy_core.store import open_store
from tests.e2e.conftest import Server, wait_for_app
from tests.e2e.test_error_analysis_e2e import DEMO, cell_texts, open_grid, tick

FIRST, SECOND = "Dog", "Blurry"


def new_session(browser: Browser, server: Server) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{server.url}/?project={DEMO}")
    wait_for_app(page)
    return page


def save(page: Page, panel: Locator, reviewer: str) -> None:
    panel.get_by_label("Your name (shown to other reviewers)").fill(reviewer)
    panel.get_by_label("Your name (shown to other reviewers)").press("Enter")
    wait_for_app(page)
    button = panel.get_by_role("button", name="Save 1 change")
    expect(button).to_be_enabled()
    button.click()
    wait_for_app(page)


def test_second_save_on_the_same_example_is_told_of_the_conflict(server: Server,
                                                                 browser: Browser):
    alice, bob = new_session(browser, server), new_session(browser, server)
    try:
        panel_a, panel_b = open_grid(alice), open_grid(bob)
        header, rows = cell_texts(panel_a)
        first, second = header.index(FIRST), header.index(SECOND)
        row = next(i for i, cells in enumerate(rows)
                   if cells[first] == "false" and cells[second] == "false")
        example = rows[row][0]
        assert cell_texts(panel_b)[1][row][0] == example  # both see the same grid

        tick(alice, panel_a, row, first)
        save(alice, panel_a, "Alice")
        expect(alice.get_by_text("Saved tags of 1 example.")).to_be_visible()

        tick(bob, panel_b, row, second)
        save(bob, panel_b, "Bob")
        conflict = bob.get_by_text(re.compile(
            r"1 of the examples you edited were changed by Alice since you opened them"))
        expect(conflict).to_be_visible()
        expect(bob.get_by_text(re.compile(r"nothing was saved"))).to_be_visible()
        expect(bob.get_by_text("Current values of those examples:")).to_be_visible()
        # The current values table (its accessible copy): the example with Alice's tag.
        current = panel_b.locator("table").filter(has_text="Saved at")
        expect(current).to_have_count(1)
        cells = current.locator("tbody tr").evaluate_all(
            "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent.trim()))")
        assert len(cells) == 1 and example in cells[0], cells
        assert FIRST in cells[0] and "Alice" in cells[0] and SECOND not in cells[0], cells
        assert not bob.get_by_text("Saved tags of 1 example.").count()
    finally:
        alice.context.close()
        bob.context.close()

    # Stop the server so this process may open its database: Alice's tag alone is stored.
    server.process.terminate()
    server.process.wait(timeout=30)
    store = open_store(str(server.db_path))
    try:
        project = store.projects.by_slug(DEMO)
        assert project is not None
        names = {c.id: c.name for c in store.reviews.categories(project.id)}
        (sample,) = [s for s in store.reviews.samples(project.id)]
        tags = store.reviews.tags(sample.id).set_index("example_id").loc[example]
        assert sorted(names[c] for c in tags["categories"]) == [FIRST]
        assert tags["updated_by"] == "Alice"
    finally:
        store.database.close()
    assert "Traceback" not in server.log()
