"""The real browser the browser tests drive: Playwright on Debian's Chromium
(/usr/bin/chromium; Playwright's own download is not used), one per test process, shared by
tests/e2e and tests/mlflow_live (a second sync Playwright in one process would fail), and a
screenshot and the page's text kept when a browser test fails."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("STRATEGY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """On a failed browser test, keep a screenshot and add the page's text to the report, so
    a failure on CI can be read afterwards."""
    report = yield
    page = getattr(item, "funcargs", {}).get("page")
    if report.when == "call" and report.failed and page is not None:
        keep = Path(tempfile.mkdtemp(prefix="e2e-failed-"))
        try:
            page.screenshot(path=keep / "page.png", full_page=True, timeout=10_000)
            text = page.inner_text("body", timeout=10_000)
        except Exception as error:  # noqa: BLE001 - a failed capture must not hide the failure
            text = f"could not capture the page: {error}"
        report.sections.append(("page at failure", f"{page.url}\nscreenshot: {keep}/page.png"
                                                   f"\n\n{text[:4000]}"))
    return report


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    opened.set_default_timeout(20_000)
    yield opened
    context.close()


