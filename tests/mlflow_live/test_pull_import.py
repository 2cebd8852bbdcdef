"""Pulling a live MLflow server's experiment into a project (docs/rules.md §9, MLflow
server): through the use case, the command line and the Runs page, against runs logged by
MLflow's own client. Re-pulling updates runs like a re-import; unfinished runs are stored
with their status and left out of decisions; the address and token are never stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from strategy_core.report.markdown import to_markdown
from strategy_core.store import Store
from strategy_core.usecases import mlflow_pull, run_scope
from strategy_core.usecases import runs as run_cases
from strategy_core.usecases.backup import export_bundle_bytes
from strategy_core.usecases.project_metric import project_metric
from strategy_core.usecases.report import build_report
from tests.app.conftest import app_db_with_project, assert_no_exception, open_app
from tests.mlflow_live.conftest import MlflowServer

pytestmark = pytest.mark.xdist_group("mlflow")
REPO = Path(__file__).resolve().parents[2]
TOKEN = "s3cr3t-token-never-stored"


def _dump(store: Store) -> str:
    """Every value of every table, as text (to look for a secret)."""
    with store.read() as cur:
        tables = [r[0] for r in cur.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
        ).fetchall()]
        return "\n".join(str(cur.execute(f"SELECT * FROM {t}").fetchall()) for t in tables)


def test_pull_imports_every_run_with_status_and_curves(store: Store,
                                                       mlflow_server: MlflowServer) -> None:
    logged = mlflow_server.runs("cat-classifier")
    project = store.projects.create("Cat")
    pulled = mlflow_pull.plan_pull(mlflow_pull.pull(mlflow_server.url, "cat-classifier"))
    result = mlflow_pull.import_pull(store, project.id, pulled)
    assert result.added == len(logged)
    stored = {r.run_id: r for r in run_cases.runs(store, project.id)}
    assert set(stored) == set(logged)
    for run_id, run in stored.items():
        want = logged[run_id]
        assert run.dev_error == pytest.approx(want["metrics"]["val_error"])
        assert run.train_error == pytest.approx(want["metrics"]["train_error"])
        assert run.status == want["status"].lower()
        curves = run_cases.curves(store, project.id, run.key)
        steps = [s for s, _ in curves["metrics.val_loss"]]
        assert steps == [s for s, _ in want["history"]["val_loss"]]
    finished = {r.run_id for r in run_scope.decision_runs(store, project.id)}
    assert finished == {i for i, r in logged.items() if r["status"] == "FINISHED"}
    assert run_cases.history(store, project.id)[0].source == "MLflow experiment 'cat-classifier'"


def test_pulling_again_updates_like_a_re_import(store: Store,
                                                mlflow_server: MlflowServer) -> None:
    project = store.projects.create("Cat again")
    pulled = mlflow_pull.plan_pull(mlflow_pull.pull(mlflow_server.url, "cat-classifier"))
    mlflow_pull.import_pull(store, project.id, pulled)
    again = mlflow_pull.import_pull(store, project.id, mlflow_pull.plan_pull(
        mlflow_pull.pull(mlflow_server.url, "cat-classifier")))
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(pulled.plan.built.runs))


def test_a_speech_experiment_proposes_its_metric(store: Store,
                                                 mlflow_server: MlflowServer) -> None:
    project = store.projects.create("Speech")
    pulled = mlflow_pull.plan_pull(mlflow_pull.pull(mlflow_server.url, "speech"))
    assert pulled.plan.proposed_metric.key == "wer"
    mlflow_pull.import_pull(store, project.id, pulled, metric=pulled.plan.proposed_metric)
    assert project_metric(store, project.id).key == "wer"


def test_the_address_and_token_are_never_stored(store: Store,
                                                mlflow_server: MlflowServer) -> None:
    project = store.projects.create("Secrets")
    pulled = mlflow_pull.plan_pull(mlflow_pull.pull(mlflow_server.url, "cat-classifier",
                                                    TOKEN))
    mlflow_pull.import_pull(store, project.id, pulled)
    port = mlflow_server.url.rsplit(":", 1)[1]
    text = _dump(store)
    assert TOKEN not in text and f"127.0.0.1:{port}" not in text
    bundle = export_bundle_bytes(store, project.id)
    assert TOKEN.encode() not in bundle and f"127.0.0.1:{port}".encode() not in bundle
    report = to_markdown(build_report(store, project))
    assert TOKEN not in report and f"127.0.0.1:{port}" not in report


def _cli(db: Path, *args: str, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "strategy_core", "--db", str(db), *args],
                          cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def test_command_line_pull(tmp_path: Path, mlflow_server: MlflowServer) -> None:
    db = tmp_path / "cli.duckdb"
    done = _cli(db, "pull-mlflow", "--project", "Cat", "--url", mlflow_server.url,
                "--experiment", "cat-classifier", "--json",
                env={"MLFLOW_TRACKING_TOKEN": TOKEN})
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["added"] == len(mlflow_server.runs("cat-classifier"))
    assert TOKEN not in done.stdout + done.stderr
    again = json.loads(_cli(db, "pull-mlflow", "--project", "Cat", "--url",
                            mlflow_server.url, "--experiment", "cat-classifier",
                            "--json").stdout)
    assert (again["added"], again["updated"]) == (0, 0)
    missing = _cli(db, "pull-mlflow", "--project", "Cat", "--url", mlflow_server.url,
                   "--experiment", "no-such-experiment", "--json")
    assert missing.returncode == 2
    error = json.loads(missing.stdout)
    assert "no-such-experiment" in error["error"] and error["exit_status"] == 2


@pytest.fixture
def app_project(isolated_db: Path) -> Iterator[Store]:
    yield from app_db_with_project(isolated_db, "Pulled")


def test_runs_page_pull_tab(app_project: Store, mlflow_server: MlflowServer) -> None:
    at = open_app("runs", project="pulled")
    at.text_input(key="runs_mlflow_url").input(mlflow_server.url)
    at.text_input(key="runs_mlflow_experiment").input("cat-classifier")
    at.text_input(key="runs_mlflow_token_0").input(TOKEN)
    (fetch,) = [b for b in at.button if b.label == "Fetch runs"]
    fetch.click().run(timeout=120)
    assert_no_exception(at)
    assert any("runs pulled from MLflow experiment" in i.value and "cat" in i.value
               for i in at.info), [e.value for e in (*at.error, *at.info, *at.warning)]
    assert TOKEN not in repr(at.session_state["runs_mlflow_pulled"])  # the pull keeps none
    at.button(key="runs_mlflow_import").click().run(timeout=120)
    assert_no_exception(at)
    project_id = app_project.projects.by_slug("pulled").id
    assert len(run_cases.runs(app_project, project_id)) == \
        len(mlflow_server.runs("cat-classifier"))
    assert any("did not finish" in i.value for i in at.info)
    bad = open_app("runs", project="pulled")
    bad.text_input(key="runs_mlflow_url").input(mlflow_server.url)
    bad.text_input(key="runs_mlflow_experiment").input("nope")
    [b for b in bad.button if b.label == "Fetch runs"][0].click().run(timeout=120)
    assert any("Nothing was pulled" in e.value and "nope" in e.value for e in bad.error)
