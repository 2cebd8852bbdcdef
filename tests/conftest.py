"""Shared fixtures: every test gets its own database file through STRATEGY_DB."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from strategy_core.store import Store, open_store
from strategy_core.usecases.demo import seed_demo

REPO = Path(__file__).resolve().parent.parent
# Sample exports kept in the project (the app offers them as examples).
SAMPLES = REPO / "data" / "samples"


@pytest.fixture(autouse=True)
def isolated_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point STRATEGY_DB at a fresh file; no demo unless a test asks for it."""
    path = tmp_path / "strategy.duckdb"
    monkeypatch.setenv("STRATEGY_DB", str(path))
    monkeypatch.setenv("STRATEGY_SEED_DEMO", "0")
    monkeypatch.delenv("STRATEGY_EDITOR_PASSCODE", raising=False)
    return path


@pytest.fixture
def store(isolated_db: Path) -> Iterator[Store]:
    """An empty, migrated store."""
    opened = open_store(str(isolated_db))
    yield opened
    opened.database.close()


@pytest.fixture
def demo_store(store: Store) -> Store:
    """A store holding the demo project."""
    assert seed_demo(store)
    return store


@pytest.fixture
def samples() -> Path:
    return SAMPLES


# The browser tests' fixtures (tests/e2e, tests/mlflow_live), defined once for the session.
from tests.browser import browser, page, pytest_runtest_makereport  # noqa: E402,F401
