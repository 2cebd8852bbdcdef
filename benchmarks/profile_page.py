"""Profile one page's warm rerun on the benchmark project with cProfile (a dev tool, not part
of the benchmark run).

    python -m benchmarks.profile_page overview.py [--db benchmarks/work/big.duckdb]
        [--slug benchmark-big-project] [--cold] [--top 40] [--sort cumulative]

AppTest runs the script on its own thread, so the profiler is switched on inside the script
thread (around `ScriptRunner._run_script`).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("page")
    parser.add_argument("--db", default=str(REPO / "benchmarks" / "work" / "big.duckdb"))
    parser.add_argument("--slug", default="benchmark-big-project")
    parser.add_argument("--cold", action="store_true", help="profile the cold run instead")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative")
    args = parser.parse_args(argv)
    os.environ["STRATEGY_DB"] = args.db
    os.environ["STRATEGY_SEED_DEMO"] = "0"
    sys.path.insert(0, str(REPO))

    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import AppTest
    from streamlit.testing.v1 import app_test as app_test_module

    from benchmarks.pages_worker import APP, TIMEOUT, _NavigationPagesManager, clear_caches

    app_test_module.PagesManager = _NavigationPagesManager  # type: ignore[misc]
    profiler = cProfile.Profile()
    state = {"on": False}
    original = script_runner.ScriptRunner._run_script

    def profiled(self, *a, **k):  # noqa: ANN001, ANN002, ANN003
        if not state["on"]:
            return original(self, *a, **k)
        profiler.enable()
        try:
            return original(self, *a, **k)
        finally:
            profiler.disable()

    script_runner.ScriptRunner._run_script = profiled  # type: ignore[method-assign]
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["project"] = args.slug
    at.run()
    at.switch_page(f"pages/{args.page}").run()
    if args.cold:
        clear_caches()
    else:
        at.run()
    state["on"] = True
    at.run()
    state["on"] = False
    if at.exception:
        print("exceptions:", [str(e.value)[:200] for e in at.exception])
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
