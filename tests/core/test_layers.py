"""The layers, enforced (README "Development"):

- rules (every module of `strategy_core` outside store/, usecases/, cli/) import neither
  the store nor the use-case layer, not even for type checking;
- the store imports only itself, the value types (`strategy_core.values`), errors, the
  text rule and settings;
- the use-case layer never imports Streamlit or ui/;
- pages, ui/ and the command line reach the store only through the use-case layer: no
  `store.<repository>` calls, no `open_store` (but the one session opener and the
  command line's opener), no SQL;
- Streamlit caching lives in ui/cache.py alone;
- modules of `strategy_core` stay under about 500 lines and functions under 70.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORE = REPO / "strategy_core"
LAYERS = ("store", "usecases", "cli")
REPOSITORIES = {"runs", "projects", "reviews", "predictions", "decisions", "metric_log",
                "six_box", "optimization",
                "database", "bundles"}
MAX_MODULE_LINES = 520
MAX_FUNCTION_LINES = 70


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module `path` imports (absolute names; relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else \
        module_name(path)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def core_files(*, layer: str | None) -> list[Path]:
    files = []
    for path in sorted(CORE.rglob("*.py")):
        parts = path.relative_to(CORE).parts
        in_layer = parts[0] if len(parts) > 1 and parts[0] in LAYERS else None
        if in_layer == layer:
            files.append(path)
    return files


RULE_FILES = [p for p in core_files(layer=None)
              if p.name not in ("__main__.py", "launch.py")]  # entry points
UI_FILES = sorted([REPO / "app.py", *(REPO / "pages").glob("*.py"), *(REPO / "ui").glob("*.py")])
CLI_FILES = core_files(layer="cli")


def ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(REPO)) for p in paths]


def test_the_layers_hold_files():
    assert len(RULE_FILES) > 30 and len(core_files(layer="store")) > 5
    assert {p.name for p in core_files(layer="usecases")} >= {
        "runs.py", "diagnosis.py", "checklist.py", "status.py", "error_analysis.py"}


@pytest.mark.parametrize("path", RULE_FILES, ids=ids(RULE_FILES))
def test_rules_import_neither_the_store_nor_the_use_cases(path: Path):
    bad = {m for m in imports(path) if m.startswith(("strategy_core.store",
                                                     "strategy_core.usecases", "streamlit",
                                                     "ui"))}
    assert not bad, bad


@pytest.mark.parametrize("path", core_files(layer="store"), ids=ids(core_files(layer="store")))
def test_the_store_imports_no_rule(path: Path):
    allowed = ("strategy_core.store", "strategy_core.values", "strategy_core.errors",
               "strategy_core.text", "strategy_core.settings")
    bad = {m for m in imports(path) if m.startswith("strategy_core") and m != "strategy_core"
           and not m.startswith(allowed)}
    assert not bad, bad


@pytest.mark.parametrize("path", core_files(layer="usecases"),
                         ids=ids(core_files(layer="usecases")))
def test_use_cases_know_no_screen(path: Path):
    bad = {m for m in imports(path) if m.startswith(("streamlit", "ui", "strategy_core.cli"))}
    assert not bad, bad


def store_calls(path: Path) -> list[str]:
    """`store.runs.list(...)`-style reaches into a repository, with their line numbers."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr in REPOSITORIES
                and isinstance(node.value, ast.Name) and "store" in node.value.id):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize("path", UI_FILES + CLI_FILES, ids=ids(UI_FILES + CLI_FILES))
def test_screens_and_commands_reach_the_store_only_through_use_cases(path: Path):
    assert store_calls(path) == []
    text = path.read_text(encoding="utf-8")
    opener = path.name in ("session.py",) or path.relative_to(REPO).parts[:2] == (
        "strategy_core", "cli") and path.name == "__init__.py"
    if not opener:
        assert "open_store" not in text
    assert not {m for m in imports(path) if m.startswith("strategy_core.store.")
                and m.rsplit(".", 1)[-1][0].islower() and m.count(".") >= 3} - {
        # Types only: a Store or a Project in a signature.
        "strategy_core.store.projects.Project"}


@pytest.mark.parametrize("path", [p for p in UI_FILES if p.name != "cache.py"],
                         ids=ids([p for p in UI_FILES if p.name != "cache.py"]))
def test_streamlit_caching_lives_in_ui_cache_alone(path: Path):
    text = path.read_text(encoding="utf-8")
    assert "cache_data" not in text and "cache_resource" not in text


_SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
                  r"CREATE\s+(TABLE|VIEW|SEQUENCE))\b")


@pytest.mark.parametrize("path", RULE_FILES + core_files(layer="usecases") + UI_FILES +
                         CLI_FILES, ids=ids(RULE_FILES + core_files(layer="usecases") +
                                            UI_FILES + CLI_FILES))
def test_no_sql_outside_the_store(path: Path):
    assert not _SQL.search(path.read_text(encoding="utf-8"))


ALL_CORE = sorted(CORE.rglob("*.py"))


@pytest.mark.parametrize("path", ALL_CORE, ids=ids(ALL_CORE))
def test_modules_and_functions_read_in_one_sitting(path: Path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_MODULE_LINES
    long = [(node.name, node.end_lineno - node.lineno + 1) for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert long == []
