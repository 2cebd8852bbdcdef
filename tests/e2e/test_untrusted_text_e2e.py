"""Untrusted text stays text in a real browser (docs/rules.md §13): a project name, run
names, a sample name, category names, tag notes, a metric change and a decision, all holding
HTML, script, Markdown and spreadsheet formulas, are shown on the pages that display them.
No script runs (`window.__pwned` stays undefined), no element made from the data reaches the
DOM, the text is visible as typed, and the CSV downloads neutralize formula cells."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from strategy_core.runs import Run
from strategy_core.store import Store, open_store
from strategy_core.store.reviews import TagEdit
from tests.e2e.conftest import Server, start_server, stop_server, wait_for_app

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
MARKDOWN = "**bold** [link](javascript:alert(1))"
FORMULA = '=HYPERLINK("http://evil.example","click")'
AT_FORMULA = "@SUM(1+1)"
CMD = "+cmd|' /C calc'!A0"
PROJECT = f"{IMG} **Proj**"
RUNS = (FORMULA, AT_FORMULA, MARKDOWN, IMG, SCRIPT)  # the last is the newest
CATEGORIES = (IMG, MARKDOWN, "=cmd|' /C calc'!A0")
SAMPLE = f"{SCRIPT} sample"


def build(store: Store) -> str:
    """The hostile project, written through the store; returns its slug."""
    project = store.projects.create(PROJECT)
    store.runs.import_runs(project.id, [
        Run(name=name, dev_error=0.10 + i / 100, train_error=0.05, params={"owner": CMD})
        for i, name in enumerate(RUNS)], source=f"{SCRIPT}.csv", fmt="generic")
    run = store.runs.by_name(project.id, IMG)
    assert run.key is not None
    rows = "\n".join(f"e{i:02d},cat,{'not_cat' if i % 3 == 0 else 'cat'},\"{SCRIPT} {i}\""
                     for i in range(60))
    store.predictions.import_bytes(project.id, run.key,
                                   f"example_id,label,prediction,text\n{rows}\n".encode(),
                                   source=f"{IMG}.csv")
    sample = store.reviews.draw(project.id, run.key, name=SAMPLE, size=20, seed=3)
    ids = {name: store.reviews.add_category(project.id, name).id for name in CATEGORIES}
    examples = list(store.reviews.sample_examples(sample.id)["example_id"])
    store.reviews.save_tags(sample.id, [
        TagEdit(examples[0], frozenset({ids[IMG], ids[CATEGORIES[2]]}), FORMULA, True, 0),
        TagEdit(examples[1], frozenset({ids[MARKDOWN]}), SCRIPT, True, 0),
        TagEdit(examples[2], frozenset({ids[IMG]}), IMG, True, 0),
    ], updated_by=AT_FORMULA)
    store.metric_log.add(project.id, "metric", SCRIPT, MARKDOWN, author=IMG)
    store.decisions.record(project.id, "error_analysis", f"{SCRIPT} verdict", {"note": IMG},
                           rationale="\n".join([SCRIPT, IMG, MARKDOWN, FORMULA]),
                           author=MARKDOWN)
    return project.slug


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A wide window: the grids' accessible copies hold only the columns on screen."""
    context = browser.new_context(viewport={"width": 3000, "height": 1400})
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    yield opened
    context.close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    """A server on a database holding only the hostile project (written before it starts:
    one process at a time may open a DuckDB file)."""
    tmp = tmp_path_factory.mktemp("hostile")
    store = open_store(str(tmp / "e2e.duckdb"))
    slug = build(store)
    store.database.close()
    server = start_server(tmp, seed_demo=False)
    yield server, slug
    stop_server(server)


def assert_nothing_ran(page: Page) -> None:
    """No script from the data ran and no element made from it is in the DOM."""
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert page.locator('img[src="x"]').count() == 0
    assert page.evaluate("() => document.querySelectorAll('[onerror]').length") == 0
    assert page.evaluate(
        "() => [...document.scripts].filter(s => s.textContent.includes('__pwned')).length"
    ) == 0
    assert page.locator('a[href^="javascript:"]').count() == 0
    assert page.evaluate(
        "() => [...document.querySelectorAll('strong, b')].filter("
        "e => e.textContent.trim() === 'bold').length") == 0


def visible(page: Page, text: str, exact: bool = False) -> None:
    expect(page.get_by_text(text, exact=exact).filter(visible=True).first).to_be_visible()


def table_cells(page: Page, has_text: str) -> list[str]:
    """Every cell of the accessible copies of the grids holding `has_text`."""
    tables = page.locator("table").filter(has_text=has_text)
    expect(tables.first).to_be_attached(timeout=30_000)
    return tables.locator("th, td").evaluate_all("cells => cells.map(c => c.textContent.trim())")


def open_page(page: Page, title: str) -> None:
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)
    expect(link).to_be_visible(timeout=60_000)
    link.click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name=title.split(" &")[0], exact=False).first
           ).to_be_visible(timeout=60_000)
    wait_for_app(page)


def test_every_page_shows_the_text_as_typed_and_runs_nothing(hostile, page: Page):
    server, slug = hostile
    page.goto(f"{server.url}/?project={slug}")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=60_000)
    assert_nothing_ran(page)
    visible(page, f"Project {PROJECT}: where the project stands")
    visible(page, SCRIPT)  # the newest run, on its card

    open_page(page, "Runs")
    assert_nothing_ran(page)
    cells = table_cells(page, "Train error")
    for name in RUNS:
        assert name in cells, name
    page.get_by_role("tab", name="History").click()
    visible(page, f"file: {SCRIPT}.csv")
    assert_nothing_ran(page)

    open_page(page, "Error analysis")
    assert_nothing_ran(page)
    picker = page.get_by_role("combobox", name="Review sample")
    assert picker.input_value().startswith(f"{SAMPLE} (20 examples")
    page.get_by_role("tab", name="Tag examples").click()
    panel = page.get_by_role("tabpanel", name="Tag examples")
    expect(panel.locator("table").first).to_be_attached(timeout=30_000)
    cells = table_cells(panel, "Example")  # type: ignore[arg-type]
    for text in (*CATEGORIES, FORMULA, SCRIPT, IMG, AT_FORMULA):
        assert text in cells, text
    assert any(cell.startswith(f"{SCRIPT} ") for cell in cells)  # the examples' text
    assert_nothing_ran(page)

    open_page(page, "Metrics")
    assert_nothing_ran(page)
    visible(page, f"{FORMULA} wins with the lowest dev_error")
    page.get_by_role("tab", name="Change log").click()
    panel = page.get_by_role("tabpanel", name="Change log")
    expect(panel.locator("table").first).to_be_attached(timeout=30_000)
    cells = table_cells(panel, SCRIPT)  # type: ignore[arg-type]
    assert {SCRIPT, MARKDOWN, IMG} <= set(cells), cells
    assert_nothing_ran(page)

    open_page(page, "Decisions & report")
    assert_nothing_ran(page)
    visible(page, f"{SCRIPT} verdict")
    for line in (SCRIPT, IMG, MARKDOWN, FORMULA):
        visible(page, line, exact=True)
    assert "Traceback" not in server.log()


def downloaded(page: Page, label: str) -> list[list[str]]:
    with page.expect_download() as info:
        page.get_by_role("button", name=label).click()
    path = info.value.path()
    return list(csv.reader(io.StringIO(Path(path).read_text(encoding="utf-8"))))


def test_downloads_neutralize_formula_cells(hostile, page: Page):
    server, slug = hostile
    page.goto(f"{server.url}/?project={slug}")
    wait_for_app(page)
    open_page(page, "Runs")
    rows = downloaded(page, "Download runs (CSV)")
    header, body = rows[0], rows[1:]
    names = [row[header.index("name")] for row in body]
    assert sorted(names) == sorted(["'" + FORMULA, "'" + AT_FORMULA, MARKDOWN, IMG, SCRIPT])
    assert {row[header.index("param: owner")] for row in body} == {"'" + CMD}
    assert body[0][header.index("dev_error")] == "0.1"  # numbers stay numbers

    open_page(page, "Error analysis")
    rows = downloaded(page, "Download tags as a spreadsheet (CSV)")
    header, body = rows[0], rows[1:]
    assert "'=cmd|' /C calc'!A0" in header and IMG in header and MARKDOWN in header
    notes = {row[header.index("notes")] for row in body}
    assert {"'" + FORMULA, SCRIPT, IMG} <= notes
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    assert_nothing_ran(page)
