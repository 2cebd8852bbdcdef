"""Every page's server-side run time with Streamlit's AppTest, in a fresh process; prints
one JSON object.

    STRATEGY_DB=... python -m benchmarks.pages_worker SLUG BASELINE_SCRIPT [--warm N]

Pages run through app.py (navigation, sidebar, project picker) exactly as
tests/app/conftest.py opens them, with its PagesManager fix. Every page is first run once
so that its modules are imported; then, per page, the data caches are cleared and the page
is switched to (the cold run: the first view after a server start or a data change), and
then rerun N times (warm reruns: what a user waits for on every interaction). The baseline
is a script holding only `st.title`, measured the same way in the same process.

AppTest compiles the scripts anew on every run (a fresh `ScriptCache` per run); a server
compiles each script once per process (the Runtime's one ScriptCache). The worker gives
AppTest one shared ScriptCache, for the baseline and the app alike, so that a rerun costs
what it costs on a server.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
TIMEOUT = 600


class _NavigationPagesManager(PagesManager):
    """The fix of tests/app/conftest.py: leave legacy `pages/` folder mode as the server
    does at its first request, so each run goes through app.py's navigation."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


_SCRIPT_CACHE = ScriptCache()


def timed_run(at: AppTest) -> float:
    started = time.perf_counter()
    at.run()
    return (time.perf_counter() - started) * 1000


def timed_switch(at: AppTest, page: str) -> float:
    started = time.perf_counter()
    at.switch_page(page).run()
    return (time.perf_counter() - started) * 1000


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def element_count(node: object) -> int:
    """Elements and blocks the run produced (main area and sidebar), counted in the tree."""
    children = getattr(node, "children", None) or {}
    return 1 + sum(element_count(child) for child in children.values())


def problems(at: AppTest) -> list[str]:
    return [str(e.value)[:300] for e in at.exception]


def baseline(script: str, warm: int) -> dict:
    at = AppTest.from_file(script, default_timeout=TIMEOUT)
    first = timed_run(at)
    reruns = [timed_run(at) for _ in range(warm)]
    return {"cold_ms": first, "warm_ms": statistics.median(reruns), "warm_all_ms": reruns,
            "errors": problems(at), "elements": element_count(at._tree)}


def frame(slug: str, empty_page: Path, warm: int) -> dict:
    """The app's own floor: app.py (sidebar, navigation, project picker, share link) serving
    a page that holds only `st.title`, registered for this measurement alone."""
    from ui import navigation

    class EmptyPage(navigation.PageSpec):
        @property
        def path(self) -> str:  # type: ignore[override]
            return str(empty_page.resolve())

    pages = navigation.PAGES
    navigation.PAGES = (*pages, EmptyPage("empty_page.py", "Empty page", ":material/circle:",
                                          "Benchmark", "An empty page."))
    try:
        page_times(str(empty_page.resolve()), slug, 1)  # imports
        return page_times(str(empty_page.resolve()), slug, warm)
    finally:
        navigation.PAGES = pages


def page_times(page: str, slug: str, warm: int) -> dict:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["project"] = slug
    at.run()
    clear_caches()
    cold = timed_switch(at, page)
    errors = problems(at)
    reruns = [timed_run(at) for _ in range(warm)]
    errors += problems(at)
    return {"cold_ms": cold, "warm_ms": statistics.median(reruns), "warm_all_ms": reruns,
            "errors": errors, "elements": element_count(at._tree)}


def main(argv: list[str]) -> int:
    slug, baseline_script = argv[0], argv[1]
    warm = int(argv[argv.index("--warm") + 1]) if "--warm" in argv else 5
    only = argv[argv.index("--page") + 1].split(",") if "--page" in argv else None
    app_test_module.PagesManager = _NavigationPagesManager  # type: ignore[misc]
    app_test_module.ScriptCache = lambda: _SCRIPT_CACHE  # type: ignore[misc]
    sys.path.insert(0, str(REPO))
    from ui.navigation import PAGES

    files = [spec.file for spec in PAGES if only is None or spec.file in only]
    # Import every page's modules once, so a page's cold run is not charged for imports.
    for file in files:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.query_params["project"] = slug
        at.run()
        at.switch_page(f"pages/{file}").run()
    result = {"baseline": baseline(baseline_script, warm),
              "frame": frame(slug, Path(baseline_script), warm), "pages": {}}
    for file in files:
        result["pages"][file] = page_times(f"pages/{file}", slug, warm)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
