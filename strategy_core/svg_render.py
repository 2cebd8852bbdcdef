"""Vega-Lite charts to SVG in a child process, so a renderer crash cannot end the server.

vl-convert is native code: some inputs make it panic, and a panic it cannot unwind aborts
the whole process (every user of the app would lose their session). The report's charts
are therefore drawn by `python -m strategy_core.svg_render` in a child process: specs go
in on stdin as JSON, SVG markup comes out on stdout. If the child dies, each chart is
retried alone, so one bad chart costs only itself. Every string in a spec passes the text
rule first (docs/rules.md, "Text from users and files").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from strategy_core.text import clean_value

# Generous: a report draws at most a dozen charts; a hung renderer must still end.
TIMEOUT_SECONDS = 120


def render_svgs(specs: Sequence[dict[str, Any]], vl_version: str | None = None
                ) -> list[str | None]:
    """SVG markup for each Vega-Lite spec, or None for a chart that could not be drawn."""
    if not specs:
        return []
    cleaned = [clean_value(spec) for spec in specs]
    drawn = _run_child(cleaned, vl_version)
    if drawn is not None:
        return drawn
    if len(cleaned) == 1:
        return [None]
    # The child died: find the culprit by drawing each chart alone.
    return [(_run_child([spec], vl_version) or [None])[0] for spec in cleaned]


def _run_child(specs: list[dict[str, Any]], vl_version: str | None) -> list[str | None] | None:
    payload = json.dumps({"specs": specs, "vl_version": vl_version})
    # The child imports this package from where the parent found it, whatever its cwd.
    package_root = str(Path(__file__).resolve().parents[1])
    path = os.environ.get("PYTHONPATH")
    env = {**os.environ, "PYTHONPATH": package_root + (os.pathsep + path if path else "")}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "strategy_core.svg_render"], input=payload, env=env,
            capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    try:
        drawn = json.loads(done.stdout)
    except json.JSONDecodeError:
        return None
    if not isinstance(drawn, list) or len(drawn) != len(specs):
        return None
    return [svg if isinstance(svg, str) else None for svg in drawn]


def _child_main() -> None:
    import vl_convert

    request = json.loads(sys.stdin.read())
    version = request.get("vl_version")
    drawn: list[str | None] = []
    for spec in request["specs"]:
        try:
            drawn.append(vl_convert.vegalite_to_svg(spec, vl_version=version))
        except Exception:  # noqa: BLE001 - a chart the renderer refuses is left out
            drawn.append(None)
    sys.stdout.write(json.dumps(drawn))


if __name__ == "__main__":
    _child_main()
