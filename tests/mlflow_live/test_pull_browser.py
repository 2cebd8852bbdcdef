"""A live MLflow pull in the browser: `streamlit run` on a free port, driven by Playwright
in headless Chromium, pulling runs that MLflow's own client logged to a real `mlflow
server`, then importing them and seeing them (with their status) in the Runs tab."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from strategy_core.store import open_store
from tests.e2e.conftest import Server, click_after_typing, start_server, stop_server, wait_for_app
from tests.mlflow_live.conftest import MlflowServer

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("mlflow")]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app on a database holding one empty project, "Pulled"."""
    tmp = tmp_path_factory.mktemp("pull")
    store = open_store(str(tmp / "e2e.duckdb"))  # the file start_server points the app at
    store.projects.create("Pulled")
    store.database.close()
    running = start_server(tmp, seed_demo=False)
    yield running
    stop_server(running)


def test_pull_an_experiment_in_the_browser(app: Server, page: Page,
                                           mlflow_server: MlflowServer) -> None:
    page.goto(f"{app.url}/runs?project=pulled")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    main.get_by_role("tab", name="Pull from MLflow").click()
    main.get_by_role("textbox", name="Tracking server").fill(mlflow_server.url)
    main.get_by_role("textbox", name="Experiment").fill("cat-classifier")
    click_after_typing(page, main.get_by_role("button", name="Fetch runs"))
    wait_for_app(page)
    expect(main.get_by_text("runs pulled from MLflow experiment")).to_be_visible()
    logged = mlflow_server.runs("cat-classifier")
    main.get_by_role("button", name=f"Import {len(logged)} runs").click()
    wait_for_app(page)
    expect(page.get_by_text("Pulled MLflow experiment")).to_be_visible()
    main.get_by_role("tab", name="Runs", exact=True).click()
    expect(main.get_by_text(f"{len(logged)} runs, oldest first")).to_be_visible()
    unfinished = sum(r["status"] != "FINISHED" for r in logged.values())
    expect(main.get_by_text(f"{unfinished} runs did not finish")).to_be_visible()
