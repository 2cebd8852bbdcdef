"""The store never imports a rule: the value types it shares with the rules live in
`strategy_core.values`, which imports only errors, the text rule, rate formatting and other
values modules. The rule modules re-export the moved names, so both spellings are one object.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORE = REPO / "strategy_core"
STORE_FILES = sorted((CORE / "store").rglob("*.py"))
VALUES_FILES = sorted((CORE / "values").rglob("*.py"))

STORE_MAY_IMPORT = ("strategy_core.store", "strategy_core.values", "strategy_core.errors",
                    "strategy_core.text", "strategy_core.settings")
VALUES_MAY_IMPORT = ("strategy_core.values", "strategy_core.errors", "strategy_core.text",
                     "strategy_core.rates")


def module_name(path: Path, root: Path = REPO) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def strategy_imports(path: Path, root: Path = REPO) -> set[str]:
    """Every `strategy_core` module `path` imports, at any depth of the file (type-checking
    blocks and function bodies too); relative imports resolved, and `from pkg import name`
    counted as `pkg.name` (it may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path, root) if path.name == "__init__.py" else \
        module_name(path, root).rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] == "strategy_core"}


def allowed(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(REPO)) for p in paths]


def test_the_packages_hold_files():
    assert len(STORE_FILES) > 5
    assert {p.stem for p in VALUES_FILES} >= {
        "runs", "human_levels", "decisions", "metric_log", "metrics", "predictions", "counts",
        "categories", "tag_sheet"}


@pytest.mark.parametrize("path", STORE_FILES, ids=ids(STORE_FILES))
def test_the_store_imports_no_rule_module(path: Path):
    # The bare package (`import strategy_core`, for its version) holds no rule.
    bad = {m for m in strategy_imports(path)
           if m != "strategy_core" and not allowed(m, STORE_MAY_IMPORT)}
    assert not bad, f"{path.name} imports {sorted(bad)}: move the value to strategy_core.values"


@pytest.mark.parametrize("path", VALUES_FILES, ids=ids(VALUES_FILES))
def test_values_import_only_errors_text_rates_and_values(path: Path):
    bad = {m for m in strategy_imports(path) if not allowed(m, VALUES_MAY_IMPORT)}
    assert not bad, f"{path.name} imports {sorted(bad)}"


def test_the_import_check_can_fail(tmp_path: Path):
    """The check sees plain, from-, relative, nested and type-checking imports."""
    store = tmp_path / "strategy_core" / "store"
    store.mkdir(parents=True)
    sample = store / "sample.py"
    sample.write_text("from typing import TYPE_CHECKING\n"
                      "from strategy_core.runs import Run\n"
                      "from .. import tag_sheet\n"
                      "import strategy_core.metrics.common\n"
                      "from strategy_core.values.runs import Run as R\n"
                      "if TYPE_CHECKING:\n    from strategy_core.decisions import Decision\n"
                      "def f():\n    from strategy_core import counts\n", encoding="utf-8")
    bad = {m for m in strategy_imports(sample, tmp_path) if not allowed(m, STORE_MAY_IMPORT)}
    assert bad == {"strategy_core.runs.Run", "strategy_core.tag_sheet",
                   "strategy_core.metrics.common", "strategy_core.decisions.Decision",
                   "strategy_core.counts"}


def test_importing_the_store_loads_no_rule_module():
    """What the files say holds at run time too: the store and the values load nothing but
    themselves, errors, the text rule, settings and rate formatting."""
    code = ("import sys, pkgutil, importlib\n"
            "import strategy_core.store, strategy_core.values\n"
            "for package in (strategy_core.store, strategy_core.values):\n"
            "    for info in pkgutil.iter_modules(package.__path__):\n"
            "        importlib.import_module(f'{package.__name__}.{info.name}')\n"
            "print('\\n'.join(m for m in sys.modules if m.startswith('strategy_core')))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = set(done.stdout.split())
    bad = {m for m in loaded if m != "strategy_core"
           and not allowed(m, STORE_MAY_IMPORT + VALUES_MAY_IMPORT)}
    assert not bad, sorted(bad)


# (rule module, values module, names moved): the rule module re-exports the very objects.
MOVED = [
    ("strategy_core.runs", "strategy_core.values.runs",
     ["Run", "ERROR_FIELDS", "SIZE_FIELDS", "RUN_FIELDS", "EDITABLE_FIELDS", "FIELD_LABELS",
      "MAX_NAME_LENGTH", "changed_fields", "describe_field", "describe_changes"]),
    ("strategy_core.human_level", "strategy_core.values.human_levels",
     ["HumanLevel", "HumanLevels", "MAX_LABEL_LENGTH", "describe_levels", "validate_levels"]),
    ("strategy_core.decisions", "strategy_core.values.decisions",
     ["Decision", "DECISION_PAGES", "DECISION_STATUSES", "MAX_VERDICT", "MAX_RATIONALE",
      "MAX_AUTHOR", "MAX_SEARCH", "validate_decision", "check_status", "clean_search"]),
    ("strategy_core.metric_log", "strategy_core.values.metric_log",
     ["MetricChange", "CHANGE_KINDS", "DEFINITION_SETTING", "MAX_WHAT", "MAX_REASON",
      "MAX_AUTHOR", "validate_change", "change_marks"]),
    ("strategy_core.metrics", "strategy_core.values.metrics",
     ["SelectionDefinition", "Objective", "Constraint", "parse_objective", "parse_constraint",
      "TIE_TOLERANCE", "RATE_METRICS", "is_rate_metric"]),
    ("strategy_core.metrics.definition", "strategy_core.values.metrics", ["SelectionDefinition"]),
    ("strategy_core.metrics.selection", "strategy_core.values.metrics",
     ["Objective", "Constraint", "parse_objective", "parse_constraint"]),
    ("strategy_core.predictions_csv", "strategy_core.values.predictions",
     ["PredictionFileError", "PredictionLayout", "HEADER_BYTES", "SCAN_BYTES", "SPLITS",
      "SPLIT_SPELLINGS", "REQUIRED_COLUMNS", "normalize_header", "read_layout",
      "record_lines"]),
    ("strategy_core.counts", "strategy_core.values.counts", ["whole_count"]),
    ("strategy_core.error_analysis", "strategy_core.values.categories",
     ["INCORRECTLY_LABELED", "category_name"]),
    ("strategy_core.tag_sheet", "strategy_core.values.tag_sheet",
     ["TagSheet", "SheetRow", "is_sheet_column"]),
]


@pytest.mark.parametrize(("rule", "values", "names"), MOVED, ids=[m[0] for m in MOVED])
def test_rule_modules_re_export_the_moved_values(rule: str, values: str, names: list[str]):
    rule_module, values_module = importlib.import_module(rule), importlib.import_module(values)
    for name in names:
        assert getattr(rule_module, name) is getattr(values_module, name), name
