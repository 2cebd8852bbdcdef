"""`report --project NAME --format md|html --out FILE [--json]`: the JSON
fields, the file written, exit code 2 for an unknown project or an unwritable file, and a
database left unchanged (the command only reads)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from strategy_core.report import SECTION_TITLES
from strategy_core.store import Store
from tests.cli.test_runs_cli import assert_refused, cli, cli_json
from tests.conftest import REPO
from tests.store.test_store import dump

DEMO = "cat-classifier-demo"
FIELDS = ["project", "format", "out", "sections", "bytes"]


@pytest.mark.parametrize(("fmt", "opening", "inside"), [
    ("md", "# Cat classifier \\(demo\\)\\: project report\n", "Blurry"),
    ("html", "<!DOCTYPE html>\n", "<svg"),
], ids=["markdown", "html"])
def test_writes_the_demo_report(demo_store: Store, capsys, tmp_path: Path, fmt, opening,
                                inside):
    out = tmp_path / f"report.{fmt}"
    before = dump(demo_store)
    data = cli_json(capsys, "report", "--project", "Cat classifier (demo)", "--format", fmt,
                    "--out", out)
    assert list(data) == FIELDS
    assert data["project"] == "Cat classifier (demo)"
    assert data["format"] == fmt
    assert data["out"] == str(out)
    assert data["sections"] == list(SECTION_TITLES.values())
    content = out.read_bytes()
    assert data["bytes"] == len(content)
    text = content.decode("utf-8")
    assert text.startswith(opening)
    assert inside in text
    assert dump(demo_store) == before  # only read


def test_project_by_slug_and_text_output(demo_store: Store, capsys, tmp_path: Path):
    out = tmp_path / "report.md"
    code, stdout, err = cli(capsys, "report", "--project", DEMO, "--format", "md", "--out", out)
    assert (code, err) == (0, "")
    size = out.stat().st_size
    assert stdout.strip() == (
        f"Wrote the Markdown report of 'Cat classifier (demo)' to {out} ({size:,} bytes): "
        + ", ".join(SECTION_TITLES.values()) + ".")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder for the reports, apart from the test's database file."""
    made = tmp_path / "reports"
    made.mkdir()
    return made


def test_an_existing_file_is_replaced_with_the_usual_permissions(demo_store: Store, capsys,
                                                                 folder: Path):
    out = folder / "report.md"
    out.write_text("old report")
    cli_json(capsys, "report", "--project", DEMO, "--format", "md", "--out", out)
    assert out.read_text(encoding="utf-8").startswith("# Cat classifier")
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask
    assert sorted(p.name for p in folder.iterdir()) == ["report.md"]  # no temporary left


def test_empty_project_report_says_there_is_no_data(store: Store, capsys, tmp_path: Path):
    store.projects.create("Phone cats")
    out = tmp_path / "empty.html"
    data = cli_json(capsys, "report", "--project", "Phone cats", "--format", "html", "--out",
                    out)
    assert data["sections"] == list(SECTION_TITLES.values())
    page = out.read_text(encoding="utf-8")
    assert "No runs are recorded yet." in page and "No decisions recorded yet." in page


@pytest.mark.parametrize(("args", "words"), [
    (["--project", "No such project", "--format", "md"], "no project named 'No such project'"),
    (["--project", DEMO, "--format", "pdf"], "invalid choice: 'pdf'"),
    (["--project", DEMO], "the following arguments are required: --format"),
], ids=["unknown-project", "unknown-format", "no-format"])
def test_bad_input_exits_2_and_writes_nothing(demo_store: Store, capsys, tmp_path: Path, args,
                                              words):
    out = tmp_path / "report.out"
    before = dump(demo_store)
    assert_refused(*cli(capsys, "report", *args, "--out", out, "--json"), words=words)
    assert not out.exists()
    assert dump(demo_store) == before


def test_an_out_file_that_cannot_be_written_exits_2(demo_store: Store, capsys, folder: Path):
    missing = folder / "no" / "such" / "folder" / "report.md"
    assert_refused(*cli(capsys, "report", "--project", DEMO, "--format", "md", "--out",
                        missing), words="does not exist")
    assert_refused(*cli(capsys, "report", "--project", DEMO, "--format", "md", "--out",
                        folder), words="is a directory")
    assert list(folder.iterdir()) == []


def test_through_python_dash_m(demo_store: Store, folder: Path):
    out = folder / "report.html"
    demo_store.database.close()  # a DuckDB file is opened by one process at a time
    env = {**os.environ, "STRATEGY_DB": str(demo_store.path)}
    done = subprocess.run([sys.executable, "-m", "strategy_core", "report", "--project", DEMO,
                           "--format", "html", "--out", str(out), "--json"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["bytes"] == out.stat().st_size
    assert "<script" not in out.read_text(encoding="utf-8")


def test_a_run_name_with_a_control_character_no_longer_aborts_the_report(tmp_path: Path):
    """The reproduction of the urgent bug, as a separate process: import the CSV with a
    vertical tab in a run name, then `report --format html` (it exited 134, SIGABRT)."""
    csv_file = tmp_path / "vt.csv"
    csv_file.write_bytes(b"name,train_error,dev_error\nr\x0bvt,0.05,0.07\nr2,0.04,0.06\n")
    env = {**os.environ, "STRATEGY_DB": str(tmp_path / "vt.duckdb"), "STRATEGY_SEED_DEMO": "0"}
    base = [sys.executable, "-m", "strategy_core", "--json"]
    imported = subprocess.run([*base, "import-runs", "--project", "VT", str(csv_file)],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, imported.stderr
    out = tmp_path / "vt.html"
    done = subprocess.run([*base, "report", "--project", "VT", "--format", "html", "--out",
                           str(out)], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["format"] == "html"
    page = out.read_text(encoding="utf-8")
    assert "rvt" in page and "\x0b" not in page and "<svg" in page
