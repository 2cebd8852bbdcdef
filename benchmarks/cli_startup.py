"""Start-up of the command line: `python benchmarks/cli_startup.py [--repeats N]`.

Times a trivial command, `python -m strategy_core f1 --precision 0.9 --recall 0.8`, against
`python -c "import pandas"` (and `--help`, reported), each in a fresh process from the
repository, alternated in the same run, best of N (default 10): the best of N is the least
disturbed by other work on a shared machine. Prints the table (measure, app, baseline,
ratio, target, met) as benchmarks/run.py does; progress goes to stderr. The target: the
command starts within 1.2× of importing pandas, i.e. it imports only what it needs
(tests/cli/test_cli_startup.py checks which libraries it imports).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import report  # noqa: E402

TARGET = 1.2
VARIANTS: dict[str, list[str]] = {
    "f1": ["-m", "strategy_core", "f1", "--precision", "0.9", "--recall", "0.8"],
    "help": ["-m", "strategy_core", "--help"],
    "pandas": ["-c", "import pandas"],
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def timed(args: list[str]) -> float:
    """Seconds from process start to exit of `python ARGS` run from the repository."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"python {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return seconds


def measure(repeats: int) -> dict[str, float]:
    """Best of `repeats` per variant, the variants alternated (one warm-up run each first,
    so that every variant finds the same files in the page cache)."""
    for args in VARIANTS.values():
        timed(args)
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for attempt in range(repeats):
        log(f"start-up {attempt + 1}/{repeats}")
        for name, args in VARIANTS.items():
            times[name].append(timed(args))
    return {name: min(values) for name, values in times.items()}


def rows(best: dict[str, float]) -> list[report.Row]:
    pandas = best["pandas"]
    ratio = best["f1"] / pandas
    baseline = f"{pandas * 1000:,.0f} ms (import pandas)"
    return [
        report.Row("`python -m strategy_core f1 …` start to exit",
                   f"{best['f1'] * 1000:,.0f} ms", baseline, f"{ratio:.2f}×", f"≤ {TARGET}×",
                   ratio <= TARGET),
        report.Row("`python -m strategy_core --help` start to exit",
                   f"{best['help'] * 1000:,.0f} ms", baseline,
                   f"{best['help'] / pandas:.2f}×", "—", None),
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10, help="runs per variant (best of)")
    args = parser.parse_args(argv)
    best = measure(max(1, args.repeats))
    print(report.text_table(report.HEADER, [row.cells() for row in rows(best)]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
