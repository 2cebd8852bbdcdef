"""Pulling runs from a real MLflow tracking server (no mocks, but for the one status code a
stock server never sends): the table matches what MLflow's client logged, histories keep
every step, paging works, each failure is one clear sentence with no secret in it, and the
pulled table goes through the run import unchanged."""

from __future__ import annotations

import dataclasses
import math
import socket
from collections import Counter

import httpx
import pytest

from strategy_core.errors import InputError
from strategy_core.run_csv import parse_created
from strategy_core.sources.mlflow_server import INFO_COLUMNS, MlflowPull, pull_runs
from strategy_core.usecases import runs as run_cases
from tests.mlflow_live.conftest import MlflowServer, free_port

TOKEN = "tok-3f9c2a7e-SECRET-5b1d"
PASSWORD = "pa55-SECRET-w0rd"


class CountingTransport(httpx.HTTPTransport):
    """The real network transport, counting the API paths it was asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: Counter[str] = Counter()
        self.history_keys: Counter[tuple[str, str]] = Counter()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/2.0/mlflow/")
        self.paths[path] += 1
        if path == "metrics/get-history":
            params = request.url.params
            self.history_keys[params["run_id"], params["metric_key"]] += 1
        return super().handle_request(request)


class RenamingTransport(httpx.HTTPTransport):
    """The real network transport, sending the Host header a DNS name for the server would."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.headers["host"] = "mlflow.team.example:5000"
        return super().handle_request(request)


def cells(pull: MlflowPull) -> dict[str, dict[str, str]]:
    """The pulled table as run id -> column -> cell."""
    return {row[0]: dict(zip(pull.table.headers, row, strict=True)) for row in pull.table.rows}


def secret_free(error: InputError, *secrets: str) -> None:
    for text in (str(error), repr(error), error.problem, *map(str, error.args)):
        for secret in secrets:
            assert secret not in text
    assert error.__cause__ is None and error.__context__ is None


# Pulling what MLflow's client logged


def test_a_pull_by_name_has_one_row_per_run_as_logged(mlflow_server: MlflowServer):
    logged = mlflow_server.runs("cat-classifier")
    pull = pull_runs(mlflow_server.url, "cat-classifier")
    table = cells(pull)
    assert pull.table.headers[:6] == INFO_COLUMNS
    assert len(pull.table.rows) == len(logged) == 4 and set(table) == set(logged)
    assert pull.table.lines == (2, 3, 4, 5)
    assert pull.experiment_name == "cat-classifier"
    assert pull.experiment_id == mlflow_server.logged["cat-classifier"]["experiment_id"]
    assert pull.server == mlflow_server.url
    for run_id, run in logged.items():
        row = table[run_id]
        assert row["status"] == run["status"]
        assert row["experiment_id"] == pull.experiment_id
        assert row["tags.mlflow.runName"] == run["name"]
        assert row["tags.mlflow.note.content"] == f"Run {run['name']}: {run['status'].lower()}."
        assert row["tags.mlflow.user"] and row["tags.mlflow.source.name"].endswith("log_runs.py")
        assert row["tags.team"] == "vision"
        for key, value in run["params"].items():
            assert row[f"params.{key}"] == value
        for key, value in run["metrics"].items():
            assert row[f"metrics.{key}"] == repr(float(value))
        assert parse_created(row["start_time"]) <= parse_created(row["end_time"])
        assert row["start_time"].endswith("+00:00")
        assert pull.run_links[run_id] == (
            f"{mlflow_server.url}/#/experiments/{pull.experiment_id}/runs/{run_id}")
    assert sorted(r["status"] for r in logged.values()) == [
        "FAILED", "FINISHED", "FINISHED", "KILLED"]
    assert Counter(r["tags.mlflow.runName"] for r in table.values())["bigger-net"] == 2


def test_histories_hold_every_logged_step_in_order(mlflow_server: MlflowServer):
    logged = mlflow_server.runs("cat-classifier")
    pull = pull_runs(mlflow_server.url, "cat-classifier")
    assert set(pull.histories) == set(logged)
    for run_id, run in logged.items():
        history = pull.histories[run_id]
        assert set(history) == {*run["history"], *run["metrics"]}
        for key, points in run["history"].items():
            assert [[step, value] for step, value, _ in history[key]] == points
            assert all(stamp > 0 for _, _, stamp in history[key])
        for key, value in run["metrics"].items():
            assert [(step, v) for step, v, _ in history[key]] == [(0, value)]
    assert max(len(h["train_loss"]) for h in pull.histories.values()) == 120


def test_a_pull_by_id_finds_the_same_experiment(mlflow_server: MlflowServer):
    experiment_id = mlflow_server.logged["speech"]["experiment_id"]
    pull = pull_runs(mlflow_server.url, f" {experiment_id} ")
    assert pull.experiment_name == "speech" and pull.experiment_id == experiment_id
    table = cells(pull)
    for run_id, run in mlflow_server.runs("speech").items():
        assert float(table[run_id]["metrics.dev_wer"]) == run["metrics"]["dev_wer"]


def test_search_and_history_pages_are_followed(mlflow_server: MlflowServer):
    counting = CountingTransport()
    pull = pull_runs(mlflow_server.url, "sweep", page_size=50, transport=counting)
    assert len(pull.table.rows) == 120
    assert set(cells(pull)) == set(mlflow_server.runs("sweep"))
    assert counting.paths["runs/search"] == 3  # 50 + 50 + 20
    # Runs still going: no end time, an empty cell as in search_runs' CSV.
    assert {(row["status"], row["end_time"]) for row in cells(pull).values()} == {
        ("RUNNING", "")}

    counting = CountingTransport()
    pull = pull_runs(mlflow_server.url, "cat-classifier", history_page_size=50,
                     transport=counting)
    long_run = next(i for i, h in pull.histories.items() if len(h["train_loss"]) == 120)
    assert counting.history_keys[long_run, "train_loss"] == 3  # 50 + 50 + 20 points
    assert [s for s, _, _ in pull.histories[long_run]["train_loss"]] == list(range(120))


def test_progress_follows_the_fetches(mlflow_server: MlflowServer):
    calls: list[tuple[int, int, str]] = []
    pull_runs(mlflow_server.url, "speech", progress=lambda *call: calls.append(call))
    assert calls[0] == (2, 2, "listed 2 runs")
    histories = [c for c in calls if "metric histories" in c[2]]
    assert [c[0] for c in histories] == list(range(1, 7))  # 2 runs x 3 metrics
    assert calls[-1][0] == calls[-1][1] == 6


def test_more_runs_than_the_limit_are_refused(mlflow_server: MlflowServer):
    with pytest.raises(InputError, match="'sweep' has more than 100 runs"):
        pull_runs(mlflow_server.url, "sweep", max_runs=100, page_size=50)


# The pulled table through the existing import


def test_the_pulled_table_imports_as_an_mlflow_file(mlflow_server: MlflowServer):
    logged = mlflow_server.runs("cat-classifier")
    plan = run_cases.plan_import(pull_runs(mlflow_server.url, "cat-classifier").table)
    assert plan.fmt == "mlflow" and plan.detected == "mlflow"
    assert plan.built.ok, plan.built.problems
    roles = {m.column: m.role for m in plan.mapping}
    assert roles["run_id"] == "run_id" and roles["tags.mlflow.runName"] == "name"
    assert roles["start_time"] == "created"
    assert roles["metrics.train_error"] == "train_error"
    assert roles["metrics.val_error"] == "dev_error"
    assert roles["metrics.test_error"] == "test_error"
    assert roles["params.lr"] == roles["params.batch_size"] == "param"
    by_id = {run.run_id: run for run in plan.built.runs}
    assert set(by_id) == set(logged)
    for run_id, run in logged.items():
        built = by_id[run_id]
        assert built.name == run["name"]
        assert built.dev_error == run["metrics"]["val_error"]
        assert built.train_error == run["metrics"]["train_error"]
        assert built.test_error == run["metrics"]["test_error"]
        assert built.params["lr"] == run["params"]["lr"]
        assert math.isclose(built.metrics["val_loss"], run["history"]["val_loss"][-1][1])
        assert built.created is not None


def test_word_error_rates_import_as_the_runs_levels(mlflow_server: MlflowServer):
    plan = run_cases.plan_import(pull_runs(mlflow_server.url, "speech").table)
    assert plan.fmt == "mlflow" and plan.built.ok, plan.built.problems
    by_id = {run.run_id: run for run in plan.built.runs}
    for run_id, run in mlflow_server.runs("speech").items():
        assert by_id[run_id].dev_error == run["metrics"]["dev_wer"]
        assert by_id[run_id].test_error == run["metrics"]["test_wer"]


# Failures: one sentence, no secret


def test_an_unknown_experiment_is_named_with_the_ones_there_are(mlflow_server: MlflowServer):
    with pytest.raises(InputError) as caught:
        pull_runs(mlflow_server.url, "cat-clasifier", token=TOKEN)
    message = str(caught.value)
    assert message.startswith(f"no experiment named 'cat-clasifier' on {mlflow_server.url}")
    assert "it has 'cat-classifier'" in message and "'speech'" in message
    secret_free(caught.value, TOKEN)
    with pytest.raises(InputError, match="no experiment named '9999'"):
        pull_runs(mlflow_server.url, "9999")


def test_a_closed_port_is_unreachable():
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(InputError) as caught:
        pull_runs(url, "cat-classifier", token=TOKEN)
    assert str(caught.value) == (f"no server answered at {url} (connection refused or host "
                                 "not found)")
    secret_free(caught.value, TOKEN)


def test_a_server_that_never_answers_times_out():
    with socket.socket() as listener:  # the kernel accepts; nobody ever answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        with pytest.raises(InputError, match=r"did not answer within 0\.5 s"):
            pull_runs(url, "cat-classifier", timeout=0.5)


def test_a_web_server_that_is_not_mlflow_is_told_apart(plain_web_server: str):
    with pytest.raises(InputError) as caught:
        pull_runs(f"http://alice:{PASSWORD}@{plain_web_server[7:]}/", "cat-classifier",
                  token=TOKEN)
    assert str(caught.value) == (f"{plain_web_server} is not an MLflow tracking server (it "
                                 "answered with a web page): check the address")
    secret_free(caught.value, TOKEN, PASSWORD)


def test_a_host_name_mlflow_does_not_allow_is_told(mlflow_server: MlflowServer):
    # MLflow 3.5+ refuses Host headers other than localhost and private addresses by default.
    with pytest.raises(InputError) as caught:
        pull_runs(mlflow_server.url, "cat-classifier", token=TOKEN,
                  transport=RenamingTransport())
    assert str(caught.value) == ("the MLflow server does not accept the name "
                                 "mlflow.team.example:5000: start it with --allowed-hosts "
                                 "mlflow.team.example:5000")
    secret_free(caught.value, TOKEN)


@pytest.mark.parametrize("url", ["ftp://alice:pw@mlflow.example", "localhost:5000",
                                 "http://", "mlflow.example/#/experiments/1",
                                 "http://host:port/"])
def test_an_address_that_is_not_http_is_refused(url: str):
    with pytest.raises(InputError, match=r"must start with http:// or https://") as caught:
        pull_runs(url, "cat-classifier")
    assert "pw" not in str(caught.value)


@pytest.mark.parametrize("status", [401, 403])
@pytest.mark.parametrize("credential", ["token", "password", None])
def test_a_refused_credential_is_one_sentence_without_it(status: int, credential: str | None):
    # A stock MLflow server has no auth: only this status code comes from a mock transport.
    sent: list[httpx.Request] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(status, json={"error_code": "PERMISSION_DENIED",
                                            "message": f"bad credentials {TOKEN} {PASSWORD}"})

    url = f"https://alice:{PASSWORD}@mlflow.example" if credential == "password" else \
        "https://mlflow.example"
    with pytest.raises(InputError) as caught:
        pull_runs(url, "cat-classifier", token=f"{TOKEN}\n" if credential == "token" else None,
                  transport=httpx.MockTransport(refuse))
    expected = {"token": f"the server refused the token (HTTP {status})",
                "password": f"the server refused the user name and password (HTTP {status})",
                None: f"the server asks for a sign-in (HTTP {status}): give an access token"}
    assert str(caught.value) == expected[credential]
    secret_free(caught.value, TOKEN, PASSWORD)
    authorization = sent[0].headers.get("authorization", "")
    assert authorization.startswith({"token": "Bearer ", "password": "Basic ", None: ""}[
        credential])
    if credential == "token":  # pasted with its newline, sent without
        assert authorization == f"Bearer {TOKEN}"
    assert str(sent[0].url).startswith("https://mlflow.example/api/2.0/mlflow/")


def test_a_token_pasted_as_the_experiment_is_masked(mlflow_server: MlflowServer):
    with pytest.raises(InputError) as caught:
        pull_runs(mlflow_server.url, TOKEN, token=TOKEN)
    assert str(caught.value).startswith("no experiment named '***' on ")
    secret_free(caught.value, TOKEN)


def test_the_result_holds_no_credential(mlflow_server: MlflowServer):
    host = mlflow_server.url.removeprefix("http://")
    pull = pull_runs(f"http://alice:{PASSWORD}@{host}/#/experiments/1", "speech", token=TOKEN)
    assert pull.server == mlflow_server.url
    assert {f.name for f in dataclasses.fields(pull)} == {
        "table", "histories", "experiment_id", "experiment_name", "server", "run_links"}
    assert TOKEN not in repr(pull) and PASSWORD not in repr(pull) and "alice" not in repr(pull)
