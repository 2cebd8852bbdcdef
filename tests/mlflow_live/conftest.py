"""A real `mlflow server` on a free port, with runs logged by MLflow's own client, for the
pull tests; and a plain web server that is not MLflow.

MLflow lives in its own venv (requirements-mlflow.txt), never in the app's: the server is
found from $MLFLOW_BIN, else <repo>/.venv-mlflow/bin/mlflow, else /tmp/mlflowenv/bin/mlflow.
Without one the tests fail, saying how to install it (CI installs it in .ci/run).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LOG_RUNS = Path(__file__).with_name("log_runs.py")
INSTALL = ("python3 -m venv .venv-mlflow && .venv-mlflow/bin/pip install -r "
           "requirements-mlflow.txt")
EXPERIMENTS = ("cat-classifier", "speech", "sweep")
START_SECONDS = 120  # a cold start migrates a new SQLite database; CI's two cores are busy


@dataclass(frozen=True)
class MlflowServer:
    """A running server and, per experiment name, what log_runs.py logged to it."""

    url: str
    logged: dict[str, dict]
    log_path: Path

    def runs(self, experiment: str) -> dict[str, dict]:
        """The logged runs of an experiment, by run id."""
        return {run["run_id"]: run for run in self.logged[experiment]["runs"]}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def mlflow_bin() -> Path:
    """The `mlflow` command of MLflow's own venv (MLFLOW_BIN, else `.venv-mlflow`, which is
    created from requirements-mlflow.txt when missing, so the README's test command works
    on a fresh machine); a failed test saying how to get it when that cannot be done."""
    chosen = os.environ.get("MLFLOW_BIN")
    if chosen:
        if not Path(chosen).is_file():
            pytest.fail(f"MLFLOW_BIN={chosen} does not exist: install MLflow with `{INSTALL}`")
        return Path(chosen)
    command = REPO / ".venv-mlflow" / "bin" / "mlflow"
    if not command.is_file():
        done = subprocess.run(["bash", "-c", INSTALL.replace(" -r ", " -q -r ")], cwd=REPO,
                              capture_output=True, text=True, timeout=900)
        if done.returncode != 0 or not command.is_file():
            pytest.fail(f"could not install MLflow's server with `{INSTALL}` in {REPO}:\n"
                        f"{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return command


def wait_until_up(url: str, process: subprocess.Popen, log_path: Path, seconds: float) -> None:
    """Poll `url` until it answers 200; fail with the server's log if it exits or stalls."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited early:\n{log_path.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"{url} did not answer in {seconds:g} s:\n"
                f"{log_path.read_text(errors='replace')[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    """End the server and every process it started (its own process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


def log_runs(python: Path, url: str, workdir: Path) -> dict[str, dict]:
    """Run log_runs.py once per experiment, side by side, and read what each printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    children = {name: subprocess.Popen([str(python), str(LOG_RUNS), url, name], cwd=workdir,
                                       env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       text=True)
                for name in EXPERIMENTS}
    logged = {}
    for name, child in children.items():
        out, err = child.communicate(timeout=300)
        if child.returncode != 0:
            pytest.fail(f"log_runs.py {name} failed:\n{err[-3000:]}")
        logged[name] = json.loads(out.strip().splitlines()[-1])
    return logged


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MlflowServer]:
    """One MLflow server (SQLite store) per test session, holding the logged experiments."""
    command = mlflow_bin()
    tmp = tmp_path_factory.mktemp("mlflow")
    port = free_port()
    log_path = tmp / "server.log"
    # No job runner: it is not needed here, starts a third process and leaves huey stores in
    # /dev/shm behind.
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")},
           "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(command), "server", "--host", "127.0.0.1", "--port", str(port),
             "--backend-store-uri", f"sqlite:///{tmp / 'mlflow.db'}",
             "--default-artifact-root", str(tmp / "artifacts"), "--workers", "1"],
            cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/health", process, log_path, START_SECONDS)
        yield MlflowServer(url, log_runs(command.parent / "python", url, tmp), log_path)
    finally:
        stop(process)


@pytest.fixture(scope="session")
def plain_web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m http.server`: answers HTTP, but is not MLflow."""
    tmp = tmp_path_factory.mktemp("plain")
    (tmp / "index.html").write_text("<html><body>Not MLflow</body></html>")
    port = free_port()
    log_path = tmp / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
            cwd=tmp, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, process, log_path, 30)
        yield url
    finally:
        stop(process)
