"""`strategy-dashboard [STREAMLIT RUN OPTIONS …]`: start the app, i.e. `streamlit run` on
app.py with the options passed through (e.g. `--server.port 8600`).

A checkout has app.py at its top, beside strategy_core (`streamlit run app.py` as the README
says). An installed copy (pyproject.toml) keeps app.py, pages/ and .streamlit/config.toml
together in `ml_strategy_dashboard/` beside strategy_core, so that Streamlit finds the pages
and the app's config next to the script wherever the server is started from; data/ is
beside strategy_core in both, where settings.REPO_ROOT finds the samples and the demo.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from strategy_core.settings import REPO_ROOT

INSTALLED_APP_DIR = "ml_strategy_dashboard"


def app_script() -> Path:
    """The app's entry file: the installed copy's, else the checkout's."""
    for folder in (REPO_ROOT / INSTALLED_APP_DIR, REPO_ROOT):
        if (folder / "app.py").is_file() and (folder / "pages").is_dir():
            return folder / "app.py"
    raise FileNotFoundError(f"no app.py with its pages/ in {REPO_ROOT / INSTALLED_APP_DIR} "
                            f"or {REPO_ROOT}")


def command(argv: Sequence[str]) -> list[str]:
    """`python -m streamlit run APP ARGV…` with this interpreter (the one with the app's
    dependencies)."""
    return [sys.executable, "-m", "streamlit", "run", str(app_script()), *argv]


def main(argv: Sequence[str] | None = None) -> int:
    try:
        cmd = command(sys.argv[1:] if argv is None else argv)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if os.name == "posix":  # the server takes this process over: its signals, its exit status
        sys.stdout.flush()
        os.execv(cmd[0], cmd)
    return subprocess.call(cmd)  # pragma: no cover - not POSIX


if __name__ == "__main__":
    sys.exit(main())
