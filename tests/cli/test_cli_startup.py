"""A command imports only what it uses: `f1` and `--help` start without SciPy, statsmodels,
Altair, vl-convert, Streamlit, the store (DuckDB, pandas) or the report. Structural, not
timed: which modules a fresh `python -m strategy_core …` process holds when it exits
(benchmarks/cli_startup.py times it)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from strategy_core.cli import COMMAND_MODULES, COMMANDS, build_parser

REPO = Path(__file__).resolve().parents[2]

HEAVY = ("scipy", "statsmodels", "altair", "vl_convert", "streamlit")
STORE_AND_REPORT = ("duckdb", "pandas", "pyarrow", "strategy_core.store", "strategy_core.report")

# Runs `python -m strategy_core ARGS` and writes the loaded module names to a file at exit.
_PROBE = """
import atexit, json, runpy, sys
out, args = sys.argv[1], sys.argv[2:]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
sys.argv = ["strategy_core", *args]
runpy.run_module("strategy_core", run_name="__main__", alter_sys=True)
"""


def loaded_modules(tmp_path: Path, *args: str) -> tuple[set[str], str]:
    out = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", _PROBE, str(out), *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr[-2000:]
    return set(json.loads(out.read_text())), done.stdout


def imported(modules: set[str], roots: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == r or m.startswith(r + ".") for r in roots))


@pytest.mark.parametrize("args", [["f1", "--precision", "0.9", "--recall", "0.8", "--json"],
                                  ["--help"], ["f1", "--help"]],
                         ids=["f1", "help", "f1-help"])
def test_trivial_commands_import_no_heavy_library(tmp_path: Path, args: list[str]):
    modules, out = loaded_modules(tmp_path, *args)
    assert out.strip()
    assert imported(modules, HEAVY) == []
    assert imported(modules, STORE_AND_REPORT) == []
    assert "strategy_core.metrics" in modules or "--help" in args
    others = {m for m in COMMAND_MODULES if m != "strategy_core.cli.metrics"}
    assert not others & modules, "a command imports only its own feature module"


def test_the_probe_sees_heavy_imports(tmp_path: Path):
    """The check can fail: a command that uses SciPy shows it."""
    modules, _ = loaded_modules(tmp_path, "size", "ci", "--error", "8%", "--n", "1000")
    assert "scipy" in modules


def test_diagnose_from_levels_opens_no_store(tmp_path: Path):
    modules, out = loaded_modules(tmp_path, "diagnose", "--human", "1%", "--train", "8%",
                                  "--dev", "10%", "--json")
    assert json.loads(out)["focus"]
    assert imported(modules, HEAVY + STORE_AND_REPORT) == []


@pytest.mark.parametrize("module_name", COMMAND_MODULES)
def test_each_module_registers_exactly_its_listed_commands(module_name: str):
    """COMMANDS (what --help lists without importing a module) matches what each module
    registers, in order: a command missing from the list could never be reached."""
    parser = build_parser((module_name,))
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    registered = [name for name, p in sub.choices.items() if p.add_help]
    assert registered == [name for name, (m, _) in COMMANDS.items() if m == module_name]


def test_the_complete_parser_registers_every_command():
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert list(sub.choices) == list(COMMANDS)
    assert all(p.get_default("handler") is not None or p._subparsers is not None
               for p in sub.choices.values())
