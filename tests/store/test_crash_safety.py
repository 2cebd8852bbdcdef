"""Crash safety (docs/rules.md §13 "an import is all or nothing"): a separate process
imports 1,000,000 predictions and is killed with SIGKILL at seeded random points — before,
while DuckDB reads and checks the file, while it writes, while it commits. Each time the
database opens afterwards (migrations fine, writable) and holds the whole import or none of
it: the run's 10 earlier predictions, or exactly the 1,000,000 new ones with a matching
prediction_sets row."""

from __future__ import annotations

import queue
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from strategy_core.runs import Run
from strategy_core.store import open_store
from strategy_core.store.migrations import MIGRATIONS

REPO = Path(__file__).resolve().parents[2]
ROWS = 1_000_000
OLD = b"example_id,label,prediction\n" + b"".join(
    f"old-{i},cat,{'dog' if i % 2 else 'cat'}\n".encode() for i in range(10))
TRIALS = 12
SEED = 20_261_103

# The importing process: open the copied database, stage the file, say where it stands.
CHILD = """
import sys
from pathlib import Path
from strategy_core.store import open_store
store = open_store(sys.argv[1])
project = store.projects.by_slug("crash")
run = store.runs.by_name(project.id, "big")
print("work", store.database.work_dir, flush=True)
staged = store.predictions.stage(Path(sys.argv[2]))
print("importing", flush=True)
result = store.predictions.import_file(
    project.id, run.key, staged, source="million.csv",
    progress=lambda fraction, message: print(f"progress {fraction:.2f}", flush=True))
print("done", result.rows, flush=True)
"""


@pytest.fixture(scope="session")
def million(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The 1,000,000-row file (generated once) and how many of its rows are mistakes."""
    n = np.arange(ROWS)
    labels = np.where(n % 3 == 0, "cat", "dog")
    predictions = np.where(n % 7 == 0, "bird", labels)
    frame = pd.DataFrame({"example_id": np.char.add("ex-", n.astype(str)),
                          "split": np.array(["dev", "test", "train"])[n % 3],
                          "label": labels, "prediction": predictions})
    path = tmp_path_factory.mktemp("crash") / "million.csv"
    frame.to_csv(path, index=False)
    return path, int((labels != predictions).sum())


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed (checkpointed) database: project "crash", run "big" with 10 predictions."""
    path = tmp_path_factory.mktemp("crash-base") / "base.duckdb"
    store = open_store(str(path))
    project = store.projects.create("crash")
    store.runs.save_run(project.id, Run(name="big", dev_error=0.2))
    run = store.runs.by_name(project.id, "big")
    assert run.key is not None
    store.predictions.import_bytes(project.id, run.key, OLD, source="old.csv")
    store.database.close()
    return path


def lines_of(process: subprocess.Popen) -> queue.Queue:
    """The child's stdout lines, read by a thread (None at the end)."""
    lines: queue.Queue = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line.strip())
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def wait_for(lines: queue.Queue, prefix: str, timeout: float = 120) -> str | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            break
        if line is None:
            return None
        if line.startswith(prefix):
            return line
    raise AssertionError(f"the importing process never said {prefix!r}")


def run_import(db: Path, csv: Path, *, kill_after: str | None, delay: float
               ) -> tuple[bool, float, list[str]]:
    """Import in a child process; kill it `delay` seconds after its line `kill_after`
    (never, when None). Returns whether it was killed before finishing, how long the
    import ran, and (when not killed) the progress lines it printed."""
    process = subprocess.Popen([sys.executable, "-c", CHILD, str(db), str(csv)], cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = lines_of(process)
    work = None
    try:
        work_line = wait_for(lines, "work")
        assert work_line is not None, "the child died before opening the database"
        work = Path(work_line.split(" ", 1)[1])
        assert wait_for(lines, "importing") is not None
        started = time.monotonic()
        if kill_after is not None:
            if kill_after != "importing":
                wait_for(lines, kill_after)
            time.sleep(delay)
            killed = process.poll() is None
            process.send_signal(signal.SIGKILL)  # a no-op when it already finished
            process.wait(timeout=60)
            return killed, time.monotonic() - started, []
        progress = []
        while (line := wait_for(lines, "")) is not None and not line.startswith("done"):
            if line.startswith("progress"):
                progress.append(line)
        assert line == f"done {ROWS}"
        assert process.wait(timeout=60) == 0
        return False, time.monotonic() - started, progress
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=60)
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)  # the killed child's staging folder


def outcome(db: Path, mistakes: int) -> str:
    """Open the database the way the app does and check it holds all or nothing."""
    store = open_store(str(db))
    try:
        assert store.database.schema_version() == max(m.version for m in MIGRATIONS)
        project = store.projects.by_slug("crash")
        assert project is not None
        run = store.runs.by_name(project.id, "big")
        with store.read() as cur:
            sets = cur.execute("SELECT id, rows, misclassified FROM prediction_sets "
                               "WHERE run_id = ?", [run.key]).fetchall()
            assert len(sets) == 1, sets
            set_id, rows, misclassified = sets[0]
            stored, wrong = cur.execute(
                "SELECT count(*), count(*) FILTER (label <> prediction) FROM predictions "
                "WHERE set_id = ?", [set_id]).fetchone()
            assert cur.scalar("SELECT count(*) FROM predictions") == stored
        assert (stored, wrong) == (rows, misclassified)
        if stored == 10:
            result = "none"
        else:
            assert (stored, wrong) == (ROWS, mistakes)
            result = "all"
        # And it takes writes again.
        store.runs.save_run(project.id, Run(name="after the crash", dev_error=0.1))
        return result
    finally:
        store.database.close()


def test_killed_imports_leave_all_or_nothing(million: tuple[Path, int], base_db: Path,
                                             tmp_path: Path):
    csv, mistakes = million
    # A reference import that is not killed: the whole file, and how long it takes.
    reference = tmp_path / "reference.duckdb"
    shutil.copyfile(base_db, reference)
    killed, seconds, progress = run_import(reference, csv, kill_after=None, delay=0)
    assert not killed and outcome(reference, mistakes) == "all"
    stages = [line for line in progress if line != "progress 1.00"]
    assert stages, progress

    rng = random.Random(SEED)
    results = []
    horizon = seconds  # shrinks when a kill comes too late, so a fast machine is hit too
    for trial in range(TRIALS):
        db = tmp_path / f"trial-{trial}.duckdb"
        shutil.copyfile(base_db, db)
        # Half the kills land anywhere in the import; the others just after one of the
        # stages the import reports (reading, checking, writing, committing) starts.
        if trial % 2 == 0:
            point, delay = "importing", rng.uniform(0, horizon * 1.1)
        else:
            point = stages[(trial // 2) % len(stages)]
            delay = rng.uniform(0, min(0.3, horizon / 4))
        was_killed, _, _ = run_import(db, csv, kill_after=point, delay=delay)
        if not was_killed:
            horizon /= 2
        results.append((point, round(delay, 2), was_killed, outcome(db, mistakes)))
        db.unlink()
    print("\n" + "\n".join(f"kill {delay:.2f} s after {point!r}: "
                           f"{'killed' if was_killed else 'had finished'}, {result}"
                           for point, delay, was_killed, result in results))
    # The kills did interrupt imports (the outcome of every trial is checked above).
    assert sum(was_killed for _, _, was_killed, _ in results) >= 3
