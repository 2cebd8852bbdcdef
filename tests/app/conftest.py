"""AppTest helpers: run the real app.py (navigation, sidebar, pages) in-process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from strategy_core.store import Store, open_store
from strategy_core.usecases.demo import DEMO_NAME

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
DEMO_SLUG = "cat-classifier-demo"


def open_app(page: str | None = None, *, project: str | None = None,
             timeout: float = 30) -> AppTest:
    """Run app.py (optionally on `pages/<page>.py`) with `?project=` set."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if project is not None:
        at.query_params["project"] = project
    at.run()
    if page is not None:
        at.switch_page(f"pages/{page}.py").run()
    return at


def assert_no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def open_page(page: str, project: str, title: str | None = None) -> AppTest:
    """Open `pages/<page>.py` on a project; it must run without an exception and, when a
    title is given, show it."""
    at = open_app(page, project=project)
    assert_no_exception(at)
    if title is not None:
        assert at.title[0].value == title
    return at


def app_db_with_project(isolated_db: Path, name: str) -> Iterator[Store]:
    """For a fixture to `yield from`: the app's database holding an empty project `name`
    (the app shares the handle), closed afterwards."""
    store = open_store(str(isolated_db))
    store.projects.create(name)
    yield store
    store.database.close()


def project_id(store: Store, slug: str) -> int:
    """The id of the project with this slug (which must exist)."""
    found = store.projects.by_slug(slug)
    assert found is not None, slug
    return found.id


def boxes(at: AppTest) -> str:
    """The text of every success, info, warning and error box on the page."""
    return "\n".join(e.value for kind in (at.success, at.info, at.warning, at.error)
                     for e in kind)


def record_buttons(at: AppTest) -> list:
    return [b for b in at.button if b.label == "Record decision"]


@pytest.fixture
def demo_app_env(monkeypatch: pytest.MonkeyPatch) -> str:
    """Seed the demo project on first start (as the real app does)."""
    monkeypatch.setenv("STRATEGY_SEED_DEMO", "1")
    return DEMO_NAME


class _NavigationPagesManager(PagesManager):
    """AppTest re-detects the `pages/` folder before every run and so serves each rerun in
    Streamlit's legacy folder mode (a page file without app.py). A running server leaves
    that mode at its first request (ui.session.leave_legacy_pages_mode, proven by the
    browser test of a deep link after a restart); make AppTest behave like that server."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@pytest.fixture(autouse=True)
def navigation_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_test_module, "PagesManager", _NavigationPagesManager)
