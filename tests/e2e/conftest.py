"""Real-browser tests: a real `streamlit run` on a free port, driven by Playwright in
headless Chromium from Debian (/usr/bin/chromium; Playwright's own download is not used)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

REPO = Path(__file__).resolve().parents[2]
# The browser and its fixtures live in tests/browser.py, shared with tests/mlflow_live: one
# Playwright per test process.
from tests.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402,F401

pytestmark = pytest.mark.e2e

# A rerun can take seconds when both cores are busy (the suite runs two workers, each with
# its own server and browser): wait for the app, never for a fixed time.
expect.set_options(timeout=30_000)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    db_path: Path
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_server(tmp: Path, *, seed_demo: bool = True, env: dict[str, str] | None = None
                 ) -> Server:
    """Start `streamlit run app.py` on a free port with its own database; wait until healthy."""
    port = free_port()
    db_path = tmp / "e2e.duckdb"
    log_path = tmp / "streamlit.log"
    child_env = {**os.environ, "STRATEGY_DB": str(db_path),
                 "STRATEGY_SEED_DEMO": "1" if seed_demo else "0", **(env or {})}
    child_env.pop("STRATEGY_EDITOR_PASSCODE", None) if "STRATEGY_EDITOR_PASSCODE" not in (
        env or {}) else None
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=child_env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return Server(url, db_path, process, log_path)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"streamlit did not become healthy:\n{log_path.read_text()}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One app server per test module, on the demo project."""
    running = start_server(tmp_path_factory.mktemp("e2e"))
    yield running
    stop_server(running)


# Streamlit shows its "Running..." widget only after a run has lasted 500 ms; until a run
# ends, the elements it has not redrawn yet are marked data-stale. The app is settled once
# neither has been seen for a whole window (which also covers the moment between an action
# and the server starting the rerun it asked for).
SETTLED = """() => {
  const busy = document.querySelector('[data-testid="stStatusWidget"]')
            || document.querySelector('[data-stale="true"]')
            || document.querySelector('[data-testid="stSkeleton"]');
  const now = performance.now();
  if (busy || window.__settledSince === undefined) {
    window.__settledSince = busy ? undefined : now;
    return false;
  }
  return now - window.__settledSince >= %d;
}"""
SETTLE_MS = 700


def click_after_typing(page: Page, button: Locator) -> None:
    """Leave the field just typed in, let the app settle, then click `button`. Clicking
    straight from a focused field blurs it on mouse-down; the layout can shift under the
    pointer (the field's hints vanish) so the click may miss on a slow machine."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    wait_for_app(page)
    button.click()


def wait_for_app(page: Page) -> None:
    """Wait until Streamlit has finished running the script and stays idle."""
    page.wait_for_selector("[data-testid='stApp']")
    page.evaluate("() => { window.__settledSince = undefined; }")
    page.wait_for_function(SETTLED % SETTLE_MS, timeout=45_000, polling=100)
