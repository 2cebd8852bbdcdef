"""One timed predictions import in a fresh process; prints one JSON line.

    python -m benchmarks.import_worker app|duckdb CSV DB

`app`: the app's import path, `store.predictions.import_file` (the file is staged first,
outside the timer, as an upload is). `duckdb`: DuckDB's own
`CREATE TABLE t AS SELECT * FROM read_csv(...)` with default settings. Memory: the peak
resident set (VmHWM) of this process over its whole life (`peak_mb`), and what the import
added on top of what the process held when it started (`import_mb`: the peak is reset just
before the import).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def memory_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def cpu_seconds() -> float:
    """CPU time of this process (every thread), user and system."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0); False when not permitted."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def run_app(csv: Path, db: Path) -> tuple[float, float, tuple[int, int]]:
    from strategy_core.runs import Run
    from strategy_core.store import open_store

    store = open_store(str(db))
    project = store.projects.create("Import benchmark")
    store.runs.import_runs(project.id, [Run(name="imported-run", dev_error=0.05)],
                           source="benchmark", fmt="generic")
    run = store.runs.list(project.id)[0]
    staged = store.predictions.stage(csv)
    rss_before = memory_kb("VmRSS"), memory_kb("VmHWM")
    reset_peak()
    started, cpu = time.perf_counter(), cpu_seconds()
    result = store.predictions.import_file(project.id, run.key, staged,  # type: ignore[arg-type]
                                           source=csv.name, created_by="benchmark")
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    assert result.rows > 0
    return seconds, cpu, rss_before


def run_duckdb(csv: Path, db: Path) -> tuple[float, float, tuple[int, int]]:
    import duckdb

    connection = duckdb.connect(str(db))
    rss_before = memory_kb("VmRSS"), memory_kb("VmHWM")
    reset_peak()
    started, cpu = time.perf_counter(), cpu_seconds()
    connection.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [str(csv)])
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    assert connection.execute("SELECT count(*) FROM t").fetchone()[0] > 0
    connection.close()
    return seconds, cpu, rss_before


def main(argv: list[str]) -> int:
    variant, csv, db = argv[0], Path(argv[1]), Path(argv[2])
    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    run = run_app if variant == "app" else run_duckdb
    seconds, cpu, (rss_before, peak_before) = run(csv, db)
    peak_import = memory_kb("VmHWM")
    print(json.dumps({"variant": variant, "seconds": seconds, "cpu_seconds": cpu,
                      "peak_mb": max(peak_before, peak_import) / 1024,
                      "import_mb": (peak_import - rss_before) / 1024,
                      "rss_before_mb": rss_before / 1024}))
    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
