"""The guide pages' other decisions on the command line (issue 17, command-line parity):
`parts` (error analysis by parts, `PipelineAnalysis.tally`), `pipeline-check` (the
flawed-pipeline check, `PipelineAnalysis.check`), both from the analysis the End-to-end page
saved (`usecases.guides.saved_pipeline`) or built from arguments by the page's
`pipeline_analysis`, and `label-coverage` (the Transfer page's `read_label_matrix`,
`default_task_columns` and `label_coverage`). None of them writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from strategy_core.markdown import escape
from strategy_core.store import Store
from tests.app.conftest import assert_no_exception, boxes, open_page
from tests.cli.parity import fresh_json, navigation_only  # noqa: F401 - autouse
from tests.cli.test_runs_cli import assert_refused, cli, cli_json, json_error
from tests.conftest import REPO
from tests.store.test_store import dump

# The End-to-end page's example: face recognition at a turnstile (docs/rules.md §7).
FACE = ["--component", "detect face=23", "--component", "crop and align=9",
        "--component", "identify=68"]
FACE_LEVELS = ["--component", "detect face=1%,0.8%", "--component", "crop and align=0.6%,0.5%",
               "--component", "identify=2.1%,1.8%", "--system", "9%,1%"]
SLUG = "turnstile"


@pytest.fixture
def turnstile(store: Store) -> Store:
    store.projects.create("Turnstile")
    return store


# --- parts -----------------------------------------------------------------------------


def test_parts_from_counts(capsys):
    result = cli_json(capsys, "parts", *FACE)
    assert list(result) == ["headline", "components", "total", "focus", "reasons"]
    assert (result["focus"], result["total"]) == ("identify", 100)
    assert [c["count"] for c in result["components"]] == [23, 9, 68]
    identify = result["components"][2]
    assert identify["share"] == pytest.approx(0.68)
    assert identify["share_low"] < 0.68 < identify["share_high"]
    assert result["headline"] == ("Work on identify: it is blamed for 68 of 100 reviewed "
                                  "errors (68.0%).")
    tied = cli_json(capsys, "parts", "--component", "detect=5", "--component", "identify=5")
    assert tied["focus"] == "detect" and "tied" in tied["reasons"][1]


# --- pipeline-check ----------------------------------------------------------------------


def test_pipeline_check_flags_the_flawed_design(capsys):
    result = cli_json(capsys, "pipeline-check", *FACE_LEVELS)
    assert list(result) == ["headline", "components", "system_error", "system_human_error",
                            "system_gap", "system_near_human", "margin", "flawed_pipeline",
                            "focus", "reasons"]
    assert (result["flawed_pipeline"], result["focus"]) == (True, None)
    assert result["system_gap"] == pytest.approx(0.08)
    assert all(c["near_human"] for c in result["components"])
    assert result["headline"].startswith("Flawed pipeline design")


def test_pipeline_check_names_the_component_furthest_behind(capsys):
    behind = [*FACE_LEVELS[:4], "--component", "identify=5%,1.8%", "--system", "9%,1%"]
    result = cli_json(capsys, "pipeline-check", *behind)
    assert (result["flawed_pipeline"], result["focus"]) == (False, "identify")
    # a wider margin puts identify near human level too: the design is flawed then
    assert cli_json(capsys, "pipeline-check", *behind, "--margin", "4%")["flawed_pipeline"]


def test_parts_and_check_are_the_page_s(turnstile: Store, capsys):
    at = open_page("end_to_end", SLUG, "End-to-end or pipeline")
    at.button(key="parts_example").click().run()
    at.button(key="parts_save").click().run()
    assert_no_exception(at)
    parts = fresh_json(capsys, "parts", "--project", SLUG)
    check = fresh_json(capsys, "pipeline-check", "--project", SLUG)
    shown = boxes(at)
    assert f"**{escape(parts['headline'])}**" in shown
    assert f"**{escape(check['headline'])}**" in shown
    assert (parts["project"], parts["review_sample"], parts["focus"]) == (
        "Turnstile", None, "identify")
    assert check["flawed_pipeline"] is True
    assert {k: v for k, v in parts.items() if k not in ("project", "review_sample")} == \
        cli_json(capsys, "parts", *FACE)
    assert {k: v for k, v in check.items() if k != "project"} == cli_json(
        capsys, "pipeline-check", *FACE_LEVELS)


def test_a_saved_analysis_without_levels_has_no_check(turnstile: Store, capsys):
    at = open_page("end_to_end", SLUG, "End-to-end or pipeline")
    at.text_area(key="parts_components").input("detect\nidentify").run()
    at.number_input(key="parts_count_1").set_value(3).run()
    at.button(key="parts_save").click().run()
    assert_no_exception(at)
    assert "Enter every component" in boxes(at)
    assert fresh_json(capsys, "parts", "--project", SLUG)["focus"] == "identify"
    before = dump(turnstile)
    assert_refused(*cli(capsys, "pipeline-check", "--project", SLUG, "--json"),
                   words="lacks a component's or the system's error")
    assert dump(turnstile) == before


@pytest.mark.parametrize(
    ("args", "words"),
    [(["parts"], "give either --project"),
     (["parts", "--project", SLUG, *FACE], "give either --project"),
     (["parts", "--project", SLUG], "no saved pipeline analysis"),
     (["parts", "--project", "nope"], "nope"),
     (["parts", "--component", "a=-1"], "negative"),
     (["parts", "--component", "a=1", "--component", "a=2"], "given twice"),
     (["parts", "--component", "a"], "NAME=VALUE"),
     (["pipeline-check", "--component", "a=1%"], "ERROR,HUMAN"),
     (["pipeline-check", "--component", "a=1%,0.5%"], "--system"),
     (["pipeline-check", "--component", "a=1%,0.5%", "--system", "9%,1%", "--margin", "8"],
      "--margin"),
     (["pipeline-check", "--component", "a=7,0.5%", "--system", "9%,1%"], "ambiguous"),
     (["pipeline-check", "--project", SLUG, "--margin", "1%"], "--margin cannot"),
     (["pipeline-check", "--project", SLUG], "no saved pipeline analysis")],
    ids=["parts_nothing", "parts_both", "parts_nothing_saved", "parts_unknown_project",
         "parts_negative", "parts_twice", "parts_no_count", "check_no_human", "check_no_system",
         "check_bare_margin", "check_bare_error", "check_margin_with_project",
         "check_nothing_saved"])
def test_bad_parts_and_check_input_exits_2(turnstile: Store, capsys, args, words):
    before = dump(turnstile)
    assert_refused(*cli(capsys, *args, "--json"), words=words)
    assert dump(turnstile) == before


# --- label-coverage -----------------------------------------------------------------------


def test_label_coverage_of_the_sample_matrix(samples: Path, capsys):
    result = cli_json(capsys, "label-coverage", samples / "multitask_labels.csv")
    assert list(result) == ["file", "tasks", "examples", "unlabeled_examples", "reasons"]
    assert [(t["name"], t["labeled"], t["missing"]) for t in result["tasks"]] == [
        ("pedestrian", 190, 10), ("car", 184, 16), ("stop sign", 114, 86),
        ("traffic light", 159, 41)]
    assert result["examples"] == 200 and "skipped in the loss" in result["reasons"][0]
    only = cli_json(capsys, "label-coverage", samples / "multitask_labels.csv", "--task", "car")
    assert [t["name"] for t in only["tasks"]] == ["car"]


def test_label_coverage_is_the_page_s(store: Store, samples: Path, capsys, tmp_path: Path):
    store.projects.create("Drive")
    payload = b"photo,car,sign,weather\na.png,1,,sunny\nb.png,0,?,rain\n"
    path = tmp_path / "labels.csv"
    path.write_bytes(payload)
    at = open_page("transfer", "drive", "Transfer or multi-task")
    at.file_uploader(key="mt_labels").upload("labels.csv", payload, "text/csv").run()
    assert_no_exception(at)
    result = fresh_json(capsys, "label-coverage", path)
    assert at.multiselect(key="mt_label_tasks").value == [t["name"] for t in result["tasks"]]
    shown = next(d.value for d in at.dataframe if "labeled" in d.value.columns)
    assert shown["labeled"].tolist() == [t["labeled"] for t in result["tasks"]]
    assert (shown["coverage"] / 100).tolist() == pytest.approx(
        [t["coverage"] for t in result["tasks"]])
    assert all(escape(reason) in boxes(at) for reason in result["reasons"])
    assert "No labels at all for sign" in result["reasons"][1]

    at.multiselect(key="mt_label_tasks").set_value(["car"]).run()
    only = fresh_json(capsys, "label-coverage", path, "--task", "car")
    shown = next(d.value for d in at.dataframe if "labeled" in d.value.columns)
    assert shown["name"].tolist() == [t["name"] for t in only["tasks"]] == ["car"]


@pytest.mark.parametrize(
    ("payload", "args", "words"),
    [(b"", (), "the file is empty"),
     (b"image,car\n", (), "header but no examples"),
     (b"image,car\na.png,1,0\n", (), "row 2"),
     (b"image,car\na.png,1\n", ("--task", "bus"), "task 'bus' is not a column"),
     (b"image,car\na.png,1\n", ("--task", "car", "--task", "car"), "given twice"),
     (None, (), "no file")],
    ids=["empty", "header_only", "ragged_row", "unknown_task", "task_twice", "missing_file"])
def test_bad_label_matrix_exits_2(store: Store, capsys, tmp_path: Path, payload, args, words):
    path = tmp_path / "labels.csv"
    if payload is not None:
        path.write_bytes(payload)
    before = dump(store)
    assert_refused(*cli(capsys, "label-coverage", path, *args, "--json"), words=words)
    assert dump(store) == before


def test_a_refused_matrix_in_a_real_process(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "strategy_core", "label-coverage", str(tmp_path / "nope.csv"),
         "--json"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "no file" in json_error(done)
    assert len(done.stderr.splitlines()) == 1
