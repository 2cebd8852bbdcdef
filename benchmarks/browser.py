"""Measurements with a real server and a real browser: server memory with several browser
sessions open, and the time from process start to a rendered first page.

A real `streamlit run` on a free port (STRATEGY_DB = the benchmark database), pages opened
in headless Chromium (/usr/bin/chromium) through Playwright. The server's resident memory is
read from /proc/<pid>/status.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("STRATEGY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PAGE_TIMEOUT_MS = 180_000


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    started: float  # time.monotonic() just before the process was started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(script: Path, db: Path, log: Path) -> Server:
    """Start `streamlit run script` (not waiting for it)."""
    port = free_port()
    env = {**os.environ, "STRATEGY_DB": str(db), "STRATEGY_SEED_DEMO": "0"}
    env.pop("STRATEGY_EDITOR_PASSCODE", None)
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=script.parent, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    return Server(f"http://127.0.0.1:{port}", process, started)


def wait_healthy(server: Server, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError("streamlit exited early")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("streamlit did not become healthy")


def stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@contextmanager
def running(script: Path, db: Path, log: Path) -> Iterator[Server]:
    server = start(script, db, log)
    try:
        wait_healthy(server)
        yield server
    finally:
        stop(server)


@contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def wait_rendered(page, heading: str) -> None:  # noqa: ANN001 - a Playwright Page
    """The page's heading is shown and the script has finished running."""
    page.get_by_role("heading", name=heading, level=1).first.wait_for(timeout=PAGE_TIMEOUT_MS)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=PAGE_TIMEOUT_MS)


def open_page(browser, url: str, heading: str):  # noqa: ANN001, ANN201
    """A new browser session (its own context) showing `url`, fully rendered."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url, timeout=PAGE_TIMEOUT_MS)
    wait_rendered(page, heading)
    return page


def settled_rss(pid: int, seconds: float = 3.0) -> float:
    """The server's RSS once it has stopped growing for a moment."""
    time.sleep(seconds)
    return rss_mb(pid)


def session_memory(db: Path, slug: str, pages: list[tuple[str, str]], work: Path,
                   sessions: int = 5) -> dict:
    """Server RSS with one browser session open on the big project (after it visited every
    page, so every process-wide cache is filled), then with `sessions` sessions open (the
    others each on one of the pages)."""
    with running(REPO / "app.py", db, work / "server-memory.log") as server, \
            chromium() as browser:
        first = open_page(browser, f"{server.url}/?project={slug}", "Overview")
        for url_path, title in pages:
            first.goto(f"{server.url}/{url_path}?project={slug}", timeout=PAGE_TIMEOUT_MS)
            wait_rendered(first, title)
        first.goto(f"{server.url}/?project={slug}", timeout=PAGE_TIMEOUT_MS)
        wait_rendered(first, "Overview")
        one = settled_rss(server.process.pid)
        opened = [first]
        for index in range(sessions - 1):
            url_path, title = pages[index % len(pages)]
            opened.append(open_page(browser, f"{server.url}/{url_path}?project={slug}",
                                    title))
        many = settled_rss(server.process.pid)
        for page in opened:
            page.context.close()
    return {"one_mb": one, "many_mb": many, "sessions": sessions, "delta_mb": many - one}


def time_to_first_page(script: Path, db: Path, url: str, heading: str, log: Path,
                       browser) -> dict:  # noqa: ANN001
    """Seconds from starting the process to the heading shown (and to the script done)."""
    server = start(script, db, log)
    try:
        wait_healthy(server, timeout=180)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(server.url + url, timeout=PAGE_TIMEOUT_MS)
        page.get_by_role("heading", name=heading, level=1).first.wait_for(
            timeout=PAGE_TIMEOUT_MS)
        heading_s = time.monotonic() - server.started
        wait_rendered(page, heading)
        done_s = time.monotonic() - server.started
        context.close()
    finally:
        stop(server)
    return {"heading_s": heading_s, "done_s": done_s}


def startup(db: Path, slug: str, baseline_script: Path, work: Path, repeats: int = 3) -> dict:
    """Process start → rendered first page, the app (overview of the big project) against a
    one-line `st.title` app; alternated, median of `repeats`."""
    app_runs, base_runs = [], []
    with chromium() as browser:
        for _ in range(repeats):
            base_runs.append(time_to_first_page(baseline_script, db, "/", "Baseline",
                                                work / "startup-baseline.log", browser))
            app_runs.append(time_to_first_page(REPO / "app.py", db, f"/?project={slug}",
                                               "Overview", work / "startup-app.log", browser))

    def median(runs: list[dict], field: str) -> float:
        return statistics.median(run[field] for run in runs)

    return {"app_heading_s": median(app_runs, "heading_s"),
            "app_done_s": median(app_runs, "done_s"),
            "baseline_heading_s": median(base_runs, "heading_s"),
            "baseline_done_s": median(base_runs, "done_s"),
            "app_runs": app_runs, "baseline_runs": base_runs}
