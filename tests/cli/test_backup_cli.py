"""`export` and `restore` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from strategy_core.cli import main
from strategy_core.store import open_store
from strategy_core.usecases.demo import seed_demo
from tests.store.test_bundles import dump


def run(capsys, *args: str) -> tuple[int, dict | None, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    payload = json.loads(captured.out) if code == 0 and "--json" in args else None
    return code, payload, captured.err


@pytest.fixture
def demo_db(tmp_path: Path) -> str:
    path = str(tmp_path / "demo.duckdb")
    seed_demo(open_store(path))
    return path


def test_export_project_and_restore_elsewhere(capsys, demo_db: str, tmp_path: Path) -> None:
    out = tmp_path / "demo.zip"
    code, payload, _ = run(capsys, "--db", demo_db, "export", "--project",
                           "Cat classifier (demo)", "--out", str(out), "--json")
    assert code == 0 and payload["scope"] == "project" and payload["rows"]["runs"] == 10
    target = str(tmp_path / "empty.duckdb")
    code, payload, _ = run(capsys, "--db", target, "restore", str(out), "--json")
    assert code == 0
    assert payload == {"scope": "project", "projects": ["Cat classifier (demo)"],
                       "rows": payload["rows"]}
    assert payload["rows"]["predictions"] == 15000


def test_export_all_and_restore_with_replace(capsys, demo_db: str, tmp_path: Path) -> None:
    out = tmp_path / "all.zip"
    assert run(capsys, "--db", demo_db, "export", "--all", "--out", str(out), "--json")[0] == 0
    target = str(tmp_path / "busy.duckdb")
    open_store(target).projects.create("Busy")
    before = dump(open_store(target))
    code, _, err = run(capsys, "--db", target, "restore", str(out), "--json")
    assert code == 2 and err.startswith("error:") and "already holds projects" in err
    assert dump(open_store(target)) == before
    code, payload, _ = run(capsys, "--db", target, "restore", str(out), "--replace", "--json")
    assert code == 0 and payload["scope"] == "all"
    assert dump(open_store(target)) == dump(open_store(demo_db))


@pytest.mark.parametrize("args, message", [
    (["export", "--out", "x.zip"], "one of the arguments --project --all is required"),
    (["export", "--project", "nope", "--out", "x.zip"], "no project named 'nope'"),
    (["restore", "missing.zip"], "no file missing.zip"),
])
def test_bad_input_exits_2_with_one_error_line(capsys, demo_db: str, args, message) -> None:
    code, _, err = run(capsys, "--db", demo_db, *args)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error:") and message in err


def test_restore_refuses_a_text_file(capsys, demo_db: str, tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.zip"
    bogus.write_text("hello")
    before = dump(open_store(demo_db))
    code, _, err = run(capsys, "--db", demo_db, "restore", str(bogus))
    assert code == 2 and "not a backup bundle" in err
    assert dump(open_store(demo_db)) == before
