"""The demo project "Cat classifier (demo)", seeded once into a new, empty database.

Seeding is recorded in the `meta` table, so it happens once per database: a user who
deletes the demo does not get it back on the next start.
"""

from __future__ import annotations

import csv
import threading
from pathlib import Path

from strategy_core.rates import parse_rate
from strategy_core.run_csv import build_runs, propose_mapping, read_table
from strategy_core.settings import REPO_ROOT
from strategy_core.store import Store

DEMO_NAME = "Cat classifier (demo)"
DEMO_DIR = REPO_ROOT / "data" / "demo"
_SEEDED_KEY = "demo_seeded"
_seed_lock = threading.Lock()


def seed_demo(store: Store, demo_dir: Path = DEMO_DIR) -> bool:
    """Seed the demo project if this database never had it and holds no project.

    Returns True when it seeded. Idempotent: a flag in `meta` records the seeding, and a
    process-wide lock makes sessions that start at the same moment seed once.
    """
    with _seed_lock:
        with store.read() as cur:
            if cur.scalar("SELECT value FROM meta WHERE key = ?", [_SEEDED_KEY]) is not None:
                return False
            if cur.scalar("SELECT count(*) FROM projects"):
                return False
        project = store.projects.create(DEMO_NAME)
        table = read_table((demo_dir / "runs.csv").read_bytes())
        built = build_runs(table, propose_mapping(table))
        if not built.ok:
            raise RuntimeError(f"demo runs.csv is invalid: {built.problems[0]}")
        store.runs.import_runs(project.id, built.runs, source="demo/runs.csv", fmt="generic")
        with (demo_dir / "human_levels.csv").open(encoding="utf-8") as handle:
            levels = [(row["label"], parse_rate(row["error"])) for row in csv.DictReader(handle)]
        store.projects.set_human_levels(project.id, levels)
        with store.write() as cur:
            cur.execute("INSERT INTO meta (key, value) VALUES (?, '1')", [_SEEDED_KEY])
    return True
