"""The shape of the code (README "Development"): the core never imports Streamlit, one
module owns
DuckDB, page scripts hold no SQL, and no app code renders raw HTML."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORE = REPO / "strategy_core"
APP_FILES = sorted([REPO / "app.py", *(REPO / "pages").glob("*.py"), *(REPO / "ui").glob("*.py"),
                    *CORE.rglob("*.py")])
PAGE_FILES = sorted((REPO / "pages").glob("*.py"))


def core_modules() -> list[str]:
    modules = []
    for path in sorted(CORE.rglob("*.py")):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        if parts[-1] == "__main__":
            continue  # runs the command line on import
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules.append(".".join(parts))
    return modules


def python_files() -> list[Path]:
    skip = {"tests", "benchmarks", ".git", "node_modules"}
    return sorted(p for p in REPO.rglob("*.py")  # no venv (.venv, .venv-mlflow) either
                  if not skip & set(p.relative_to(REPO).parts)
                  and not any(part.startswith(".venv") for part in p.relative_to(REPO).parts))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_every_core_module_is_found():
    modules = core_modules()
    assert {"strategy_core", "strategy_core.run_csv", "strategy_core.store.database",
            "strategy_core.cli.runs"} <= set(modules)


def test_core_imports_without_streamlit():
    modules = core_modules()
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules) +
            "bad = sorted(m for m in sys.modules if m == 'streamlit' or "
            "m.startswith('streamlit.'))\n"
            "assert not bad, bad[:5]\n"
            "print(len(sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.parametrize("path", [p for p in python_files() if p.parent.name != "store"
                                  or p.name != "database.py"],
                         ids=lambda p: str(p.relative_to(REPO)))
def test_only_the_store_database_module_imports_duckdb(path: Path):
    assert "duckdb" not in imported_modules(path)


def test_the_store_database_module_does_import_duckdb():
    assert "duckdb" in imported_modules(CORE / "store" / "database.py")


# SQL is written in upper case here; prose such as "Select a run from the list" is not SQL.
_SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
                  r"CREATE\s+(TABLE|VIEW|INDEX|SEQUENCE)|DROP\s+TABLE|ALTER\s+TABLE|"
                  r"read_csv\(|COPY\s+\w+\s+(TO|FROM)\s)", re.DOTALL)
_DB_CALLS = {"execute", "executemany", "scalar", "df", "register", "fetchall", "fetchone"}


@pytest.mark.parametrize("path", PAGE_FILES + [REPO / "app.py"],
                         ids=lambda p: str(p.relative_to(REPO)))
def test_page_scripts_hold_no_sql(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert not _SQL.search(node.value), f"SQL in {path.name}: {node.value[:80]!r}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr not in _DB_CALLS, (
                f"{path.name}:{node.lineno} calls .{node.func.attr}() — go through the store")
            if node.func.attr in {"read", "write"} and isinstance(node.func.value, ast.Name) \
                    and node.func.value.id == "store":
                pytest.fail(f"{path.name}:{node.lineno} opens a store transaction")


@pytest.mark.parametrize("path", APP_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_no_raw_html(path: Path):
    text = path.read_text(encoding="utf-8")
    assert "unsafe_allow_html" not in text
    assert not re.search(r"\bst\.html\s*\(", text)
    assert not re.search(r"components\.v1|components\.html\s*\(", text)


def test_sql_detector_catches_sql():
    """The page check can fail: it recognizes the statements it looks for."""
    for statement in ["SELECT name FROM runs", "INSERT INTO runs VALUES (1)",
                      "UPDATE projects SET name = ?", "DELETE FROM runs WHERE id = ?",
                      "CREATE TABLE x (a INT)", "SELECT * FROM read_csv('x.csv')",
                      "COPY runs TO 'out.csv'"]:
        assert _SQL.search(statement), statement
    for text in ["Select a run from the list", "Delete runs", "Update the mapping",
                 "Create project", "delete from the history"]:
        assert not _SQL.search(text), text


# --- public Streamlit only -------------------------------------------------------------------

_STREAMLIT_PRIVATE_MODULES = ("streamlit.runtime",)
_STREAMLIT_PRIVATE_NAMES = {"PagesManager"}


def private_streamlit_uses(source: str) -> list[str]:
    """Uses of Streamlit's internals in `source`: `streamlit.runtime`, `PagesManager`, or any
    Streamlit module or name starting with `_` (imported, or reached as an attribute of the
    imported module, e.g. `st._config`)."""
    tree = ast.parse(source)
    found: list[str] = []
    aliases: set[str] = set()

    def private_module(name: str) -> bool:
        parts = name.split(".")
        return parts[0] == "streamlit" and (
            name.startswith(_STREAMLIT_PRIVATE_MODULES) or any(p.startswith("_") for p in parts))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "streamlit":
                    aliases.add((alias.asname or alias.name).split(".")[0])
                if private_module(alias.name):
                    found.append(f"{node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "streamlit":
                continue
            if private_module(node.module):
                found.append(f"{node.lineno}: from {node.module} import …")
            for alias in node.names:
                if alias.name.startswith("_") or alias.name in _STREAMLIT_PRIVATE_NAMES or (
                        private_module(f"{node.module}.{alias.name}")):
                    found.append(f"{node.lineno}: from {node.module} import {alias.name}")
        elif isinstance(node, ast.Name) and node.id in _STREAMLIT_PRIVATE_NAMES:
            found.append(f"{node.lineno}: {node.id}")
        elif isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)) \
                and getattr(node.func, "attr", getattr(node.func, "id", "")) in {
                    "import_module", "__import__"} and node.args \
                and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str) and private_module(node.args[0].value):
            found.append(f"{node.lineno}: imports {node.args[0].value}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain, root = [node.attr], node.value
            while isinstance(root, ast.Attribute):
                chain.append(root.attr)
                root = root.value
            if isinstance(root, ast.Name) and root.id in aliases:
                path = ".".join(["streamlit", *reversed(chain)])
                if private_module(path) or node.attr in _STREAMLIT_PRIVATE_NAMES:
                    found.append(f"{node.lineno}: {root.id}.{'.'.join(reversed(chain))}")
    return sorted(set(found))


@pytest.mark.parametrize("path", APP_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_only_public_streamlit_apis(path: Path):
    """Production code uses Streamlit's public API only: no `streamlit.runtime`, no
    PagesManager, nothing whose name starts with `_` (they change without notice)."""
    assert private_streamlit_uses(path.read_text(encoding="utf-8")) == []


def test_private_streamlit_detector_catches_private_uses():
    """The check can fail: it recognizes each kind of private use."""
    for source in ["from streamlit.runtime.pages_manager import PagesManager",
                   "import streamlit.runtime.scriptrunner",
                   "from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec",
                   "from streamlit import _main",
                   "import streamlit as st\nst._config.get_option('x')",
                   "import streamlit as st\nst.runtime.exists()",
                   "import streamlit\nstreamlit.elements._private.x",
                   "import importlib\nimportlib.import_module('streamlit.runtime.pages_manager')",
                   "PagesManager.uses_pages_directory = False"]:
        assert private_streamlit_uses(source), source
    for source in ["import streamlit as st\nst.navigation([])\nst.rerun()",
                   "from streamlit.testing.v1 import AppTest",
                   "import altair as alt\nalt.Chart()._private",
                   "import streamlit as st\nst.session_state['_key'] = 1"]:
        assert not private_streamlit_uses(source), source
