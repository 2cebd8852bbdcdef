"""The benchmark's pieces on a tiny size: the data generator builds a project
through the store, the predictions file imports, one import worker runs, and the results
table and results.md render. No timing is asserted here: benchmarks/run.py measures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

from benchmarks import report
from benchmarks.generate import Sizes, benchmark_runs, build_project, write_predictions_csv
from strategy_core.store import Store

REPO = Path(__file__).resolve().parents[2]
TINY = Sizes(runs=30, predictions=3000, tagged=12)


def test_the_generator_builds_the_project_through_the_store(store: Store):
    built = build_project(store, TINY)
    project = store.projects.by_slug(built.slug)
    assert project is not None
    runs = store.runs.list(project.id)
    assert (built.runs, built.predictions, built.tagged) == (30, 3000, 12)
    assert len(runs) == 30 and store.predictions.count(project.id) == 3000
    assert {"latency_ms", "precision", "recall"} <= set(runs[-1].metrics)
    assert set(runs[-1].params) == {"arch", "lr", "epochs"}
    sets = store.predictions.sets(project.id)
    assert [s.run_key for s in sets] == [run.key for run in runs[-2:]]
    assert set(sets[-1].splits) == {"dev", "test", "train_dev"}
    (sample,) = store.reviews.samples(project.id)
    tags = store.reviews.tags(sample.id)
    assert len(tags) == 12 and tags["reviewed"].all()


def test_runs_get_worse_to_better_like_a_team_s_history():
    runs = benchmark_runs(200)
    assert runs[0].dev_error > runs[-1].dev_error
    assert all(r.train_error <= r.train_dev_error <= r.dev_error <= r.test_error for r in runs)


def test_the_predictions_file_and_both_import_workers(tmp_path: Path):
    csv = write_predictions_csv(tmp_path / "p.csv", 900)
    frame = pd.read_csv(csv)
    assert len(frame) == 900 and set(frame["split"]) == {"dev", "test", "train_dev"}
    assert frame["image_url"].str.startswith("https://").all()
    for variant in ("app", "duckdb"):
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.import_worker", variant, str(csv),
             str(tmp_path / f"{variant}.duckdb")],
            cwd=REPO, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        measured = json.loads(done.stdout.strip().splitlines()[-1])
        assert measured["variant"] == variant
        assert measured["seconds"] > 0 and measured["peak_mb"] > 0


def fake_results() -> dict:
    page = {"cold_ms": 120.0, "warm_ms": 30.0, "warm_all_ms": [30.0, 31.0], "errors": []}
    return {
        "sizes": {"runs": 30, "predictions": 600, "tagged": 12},
        "machine": {"CPU": "test", "Date": "2026-01-01 00:00"},
        "import": {"rows": 600,
                   "app": {"seconds": 1.2, "cpu_seconds": 1.3, "peak_mb": 300.0,
                           "import_mb": 100.0},
                   "duckdb": {"seconds": 1.0, "cpu_seconds": 1.0, "peak_mb": 250.0,
                              "import_mb": 90.0}},
        "pages": {"baseline": {"cold_ms": 50.0, "warm_ms": 10.0},
                  "frame": {"cold_ms": 20.0, "warm_ms": 12.0},
                  "pages": {"overview.py": page, "runs.py": {**page, "warm_ms": 45.0}}},
        "memory": {"one_mb": 400.0, "many_mb": 420.0, "sessions": 5, "delta_mb": 20.0},
        "startup": {"app_heading_s": 3.0, "app_done_s": 4.0, "baseline_heading_s": 2.0,
                    "baseline_done_s": 2.0},
    }


def test_the_table_says_which_targets_are_met():
    rows = {row.measure: row for row in report.rows(fake_results())}
    assert rows["Predictions import, time (600 rows)"].ratio == "1.20×"
    assert rows["Predictions import, time (600 rows)"].met is True
    assert rows["Page overview.py, warm rerun"].met is True
    assert rows["Page runs.py, warm rerun"].met is False  # 4.5× the empty page
    assert rows["Server RSS, 5 browser sessions vs 1"].met is True
    assert rows["Start → first page heading shown"].met is True
    text = report.text_table(report.HEADER, [row.cells() for row in rows.values()])
    assert "Page runs.py, warm rerun" in text and "**no**" in text


def test_results_md_holds_the_machine_the_targets_the_pages_and_the_before_numbers():
    results = fake_results()
    before = json.loads(json.dumps(results))
    before["pages"]["pages"]["overview.py"]["warm_ms"] = 400.0  # shown beside the new time
    text = report.markdown(results, before, notes="## Notes\n\nWhy.")
    assert "## Machine" in text and "- CPU: test" in text
    assert "| Page overview.py, warm rerun | 30 ms |" in text
    assert "400 ms" in text and "## Before the fixes" in text
    assert text.rstrip().endswith("Why.")
