"""The benchmark at scale, in one command: `python benchmarks/run.py`.

Generates (once, under benchmarks/work/) a project with 5,000 runs, 1,000,000 per-example
predictions and 2,000 tagged examples, then measures in one run: the predictions import
against DuckDB's own read_csv (time, peak memory), every page's server-side run time with
AppTest against an empty Streamlit page, server memory with 5 browser sessions open against
1, and the time from process start to a rendered first page against a one-line app. Prints
the table and writes benchmarks/results.md. Every measured variant runs in its own process.

Options: --runs/--predictions/--tagged (sizes), --repeats (import and start-up, default 3),
--warm (page reruns, default 5), --only import,pages,memory,startup, --fresh (regenerate),
--render (write results.md again from the last run's benchmarks/work/results.json).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import report  # noqa: E402
from benchmarks.generate import Sizes  # noqa: E402

BENCH = REPO / "benchmarks"
PARTS = ("import", "pages", "memory", "startup")
BASELINE_APP = 'import streamlit as st\n\nst.title("Baseline")\n'


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def python(*args: str, env: dict | None = None, timeout: float = 3600) -> str:
    """Run `python -m ...` from the repository in a fresh process; its stdout."""
    import os

    done = subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-4000:]}")
    return done.stdout


def prepare(work: Path, sizes: Sizes, fresh: bool) -> dict:
    """The benchmark database and predictions file, generated unless already there."""
    work.mkdir(parents=True, exist_ok=True)
    marker = work / "dataset.json"
    db, csv = work / "big.duckdb", work / "predictions.csv"
    wanted = {"runs": sizes.runs, "predictions": sizes.predictions, "tagged": sizes.tagged}
    known = json.loads(marker.read_text()) if marker.exists() else {}
    if fresh or known.get("sizes") != wanted or not db.exists() or not csv.exists():
        log(f"generating the project ({sizes.label()})")
        built = json.loads(python("-m", "benchmarks.generate", "project", str(db),
                                  str(sizes.runs), str(sizes.predictions), str(sizes.tagged)))
        log(f"generating the {sizes.predictions:,}-row predictions file")
        python("-m", "benchmarks.generate", "csv", str(csv), str(sizes.predictions))
        known = {"sizes": wanted, "project": built}
        marker.write_text(json.dumps(known))
    (work / "baseline_app.py").write_text(BASELINE_APP)
    return known


def measure_import(work: Path, rows: int, repeats: int) -> dict:
    """Both variants alternated, each in a fresh process; the median of each measure."""
    runs: dict[str, list[dict]] = {"duckdb": [], "app": []}
    for attempt in range(repeats):
        for variant in ("duckdb", "app"):
            log(f"import {variant} {attempt + 1}/{repeats}")
            out = python("-m", "benchmarks.import_worker", variant,
                         str(work / "predictions.csv"), str(work / f"import-{variant}.duckdb"))
            runs[variant].append(json.loads(out.strip().splitlines()[-1]))

    def median(variant: str) -> dict:
        fields = ("seconds", "cpu_seconds", "peak_mb", "import_mb", "rss_before_mb")
        return {f: statistics.median(r[f] for r in runs[variant]) for f in fields}

    return {"rows": rows, "app": median("app"), "duckdb": median("duckdb"), "all": runs}


def measure_pages(work: Path, slug: str, warm: int) -> dict:
    log("pages with AppTest")
    out = python("-m", "benchmarks.pages_worker", slug, str(work / "baseline_app.py"),
                 "--warm", str(warm),
                 env={"STRATEGY_DB": str(work / "big.duckdb"), "STRATEGY_SEED_DEMO": "0"})
    return json.loads(out.strip().splitlines()[-1])


def render(args: argparse.Namespace) -> int:
    """results.md from the last complete run (after editing notes.md)."""
    results = json.loads((args.work / "results.json").read_text())
    before = json.loads(args.before.read_text()) if args.before.exists() else None
    notes_file = BENCH / "notes.md"
    args.results.write_text(report.markdown(
        results, before, notes_file.read_text() if notes_file.exists() else ""))
    log(f"wrote {args.results}")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = Sizes()
    parser.add_argument("--runs", type=int, default=defaults.runs)
    parser.add_argument("--predictions", type=int, default=defaults.predictions)
    parser.add_argument("--tagged", type=int, default=defaults.tagged)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--only", default=",".join(PARTS))
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--work", type=Path, default=BENCH / "work")
    parser.add_argument("--results", type=Path, default=BENCH / "results.md")
    parser.add_argument("--before", type=Path, default=BENCH / "before.json",
                        help="results measured before the fixes, shown next to these")
    parser.add_argument("--render", action="store_true",
                        help="only write results.md again from work/results.json")
    args = parser.parse_args(argv)
    if args.render:
        return render(args)
    parts = [p for p in args.only.split(",") if p]
    sizes = Sizes(args.runs, args.predictions, args.tagged)
    work = args.work.resolve()
    dataset = prepare(work, sizes, args.fresh)
    slug = dataset["project"]["slug"]
    results: dict = {"sizes": dataset["sizes"], "machine": report.machine()}
    if "import" in parts:
        results["import"] = measure_import(work, sizes.predictions, args.repeats)
    if "pages" in parts:
        results["pages"] = measure_pages(work, slug, args.warm)
    if "memory" in parts or "startup" in parts:
        from benchmarks import browser
        from ui.navigation import PAGES

        if "memory" in parts:
            log("server memory with browser sessions")
            pages = [(spec.url_path, spec.title) for spec in PAGES if not spec.default]
            results["memory"] = browser.session_memory(work / "big.duckdb", slug, pages, work)
        if "startup" in parts:
            log("start-up to first page")
            results["startup"] = browser.startup(work / "big.duckdb", slug,
                                                 work / "baseline_app.py", work, args.repeats)
    complete = set(parts) == set(PARTS)
    (work / ("results.json" if complete else "results-partial.json")).write_text(
        json.dumps(results, indent=1))
    before = json.loads(args.before.read_text()) if args.before.exists() else None
    print(report.text_table(report.HEADER, [row.cells() for row in report.rows(results)]))
    if "pages" in results:
        print()
        print(report.text_table(report.PAGE_HEADER, report.page_rows(results["pages"], before)))
    notes_file = BENCH / "notes.md"
    notes = notes_file.read_text() if notes_file.exists() else ""
    if complete:
        args.results.write_text(report.markdown(results, before, notes))
        log(f"wrote {args.results}")
    else:
        log("a partial run (--only): results.md is left as it was; see "
            "work/results-partial.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
