"""The project installs (`pip install .`): pyproject.toml mirrors the pinned requirements,
lists every package and the files the app reads at run time, and its console entry points
resolve. Building and installing into a clean venv is checked by .ci/run."""

from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path

import pytest

from strategy_core import launch
from ui.navigation import PAGES

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


def pins(name: str) -> list[str]:
    """The requirement lines of a requirements file, without comments and `-r` includes."""
    lines = (REPO / name).read_text(encoding="utf-8").splitlines()
    return [line.split("#")[0].strip() for line in lines
            if line.split("#")[0].strip() and not line.startswith("-")]


def installed_path(package: str) -> Path:
    """Where a package's files come from in the checkout (package-dir mapping applied)."""
    mapped = SETUPTOOLS.get("package-dir", {})
    if package in mapped:
        return REPO / mapped[package]
    return REPO / package.replace(".", "/")


def test_build_system_is_setuptools():
    assert PYPROJECT["build-system"]["build-backend"] == "setuptools.build_meta"
    assert any(r.startswith("setuptools") for r in PYPROJECT["build-system"]["requires"])


def test_dependencies_mirror_requirements_txt():
    assert PROJECT["dependencies"] == pins("requirements.txt")


def test_dev_extra_mirrors_requirements_dev_txt():
    assert "-r requirements.txt" in (REPO / "requirements-dev.txt").read_text(encoding="utf-8")
    assert PROJECT["optional-dependencies"]["dev"] == pins("requirements-dev.txt")


def test_every_requirement_is_pinned_exactly():
    for requirement in PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]:
        assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][A-Za-z0-9.\-]*", requirement), requirement


@pytest.mark.parametrize("script", ["strategy", "strategy-dashboard"])
def test_console_entry_points_resolve_to_callables(script: str):
    target = PROJECT["scripts"][script]
    module_name, _, attribute = target.partition(":")
    assert callable(getattr(importlib.import_module(module_name), attribute)), target


def test_the_command_line_entry_point_is_python_m_strategy_core():
    assert PROJECT["scripts"]["strategy"] == "strategy_core.cli:main"
    main_module = (REPO / "strategy_core" / "__main__.py").read_text(encoding="utf-8")
    assert "from strategy_core.cli import main" in main_module


def test_every_package_is_listed():
    """Each folder with an __init__.py under strategy_core/ and ui/ is installed."""
    found = {".".join(p.parent.relative_to(REPO).parts)
             for root in ("strategy_core", "ui") for p in (REPO / root).rglob("__init__.py")
             if "__pycache__" not in p.parts}
    listed = set(SETUPTOOLS["packages"])
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
    for package in listed:
        assert installed_path(package).is_dir(), package


def test_the_app_files_are_installed_together():
    """app.py, every page and the Streamlit config go into one folder (launch.INSTALLED_APP_DIR,
    found by strategy-dashboard); data/ (samples, demo) goes beside strategy_core, where
    settings.REPO_ROOT finds it."""
    app_dir = launch.INSTALLED_APP_DIR
    assert app_dir in SETUPTOOLS["packages"] and installed_path(app_dir) == REPO
    patterns = SETUPTOOLS["package-data"][app_dir]
    files = {f.relative_to(REPO).as_posix() for pattern in patterns for f in REPO.glob(pattern)}
    assert {spec.path for spec in PAGES} <= files
    assert ".streamlit/config.toml" in files
    assert (REPO / "app.py").is_file()  # the package's one module: app.py at its top

    data = {f.relative_to(REPO / "data").as_posix()
            for pattern in SETUPTOOLS["package-data"]["data"]
            for f in (REPO / "data").glob(pattern)}
    needed = {f.relative_to(REPO / "data").as_posix()
              for folder in ("samples", "demo") for f in (REPO / "data" / folder).iterdir()}
    assert needed and needed <= data
    assert not any(name.endswith((".duckdb", ".wal")) for name in data)


def test_the_launcher_runs_streamlit_on_the_checkout_app():
    assert launch.app_script() == REPO / "app.py"
    command = launch.command(["--server.port", "8600"])
    assert command[1:] == ["-m", "streamlit", "run", str(REPO / "app.py"),
                           "--server.port", "8600"]
