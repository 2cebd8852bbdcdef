"""The command line for error analysis: `import-predictions`, `ceiling`,
`mislabel` — JSON fields, exit codes 0/2, and bad input leaves the database unchanged."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from strategy_core.store import Store
from strategy_core.usecases.demo import DEMO_NAME, REVIEW_NAME
from tests.cli.test_runs_cli import assert_refused, cli, cli_json
from tests.conftest import REPO, SAMPLES
from tests.store.test_store import dump

CATEGORY_FIELDS = ["name", "count", "share", "share_low", "share_high", "ceiling",
                   "error_if_fixed", "effort", "priority"]


# --- import-predictions ---------------------------------------------------------------


def test_import_predictions_json(demo_store: Store, capsys):
    result = cli_json(capsys, "--db", demo_store.path, "import-predictions",
                      SAMPLES / "predictions_dev.csv", "--project", DEMO_NAME,
                      "--run", "cnn-small")
    assert result == {"rows": 7500, "misclassified": 549,
                      "splits": {"train_dev": 2500, "dev": 2500, "test": 2500}}
    project = demo_store.projects.by_name(DEMO_NAME)
    run = demo_store.runs.by_name(project.id, "cnn-small")
    assert run.key in demo_store.predictions.runs_with_predictions(project.id)


def test_import_predictions_text_says_what_was_replaced(demo_store: Store, capsys):
    code, out, err = cli(capsys, "--db", demo_store.path, "import-predictions",
                         SAMPLES / "predictions_dev.csv", "--project", DEMO_NAME,
                         "--run", "efficientnet-b3-mobile")
    assert (code, err) == (0, "")
    assert "7,500 predictions (549 misclassified)" in out
    assert "replaced the earlier upload" in out


@pytest.mark.parametrize(
    ("content", "run", "words"),
    [(b"example_id,label,prediction\na,1,1\na,1,0\n", "cnn-small", "row 3"),
     (b"example_id,label\na,1\n", "cnn-small", "prediction"),
     (b"example_id,label,prediction\na,1,1\n", "no-such-run", "no run named"),
     (None, "cnn-small", "no file")],
    ids=["duplicate_id", "missing_column", "unknown_run", "missing_file"])
def test_bad_import_exits_2_and_writes_nothing(demo_store: Store, capsys, tmp_path, content,
                                              run, words):
    path = tmp_path / "p.csv"
    if content is not None:
        path.write_bytes(content)
    before = dump(demo_store)
    code, out, err = cli(capsys, "--db", demo_store.path, "import-predictions", path,
                         "--project", DEMO_NAME, "--run", run, "--json")
    assert_refused(code, out, err, words=words)
    assert dump(demo_store) == before


# --- ceiling --------------------------------------------------------------------------


def test_ceiling_of_the_cat_review(store: Store, capsys):
    result = cli_json(capsys, "ceiling", "--dev-error", "10%", "--reviewed", "100",
                      "--count", "Dog=8", "--count", "Great cat=43", "--count", "Blurry=61",
                      "--count", "Incorrectly labeled=6")
    assert list(result) == ["dev_error", "reviewed", "adequacy", "categories",
                            "priority_order"]
    assert (result["dev_error"], result["reviewed"], result["adequacy"]) == (0.1, 100,
                                                                             "very_good")
    assert [c["name"] for c in result["categories"]] == ["Blurry", "Great cat", "Dog",
                                                         "Incorrectly labeled"]
    blurry = result["categories"][0]
    assert list(blurry) == CATEGORY_FIELDS
    assert blurry["share"] == pytest.approx(0.61)
    assert blurry["ceiling"] == pytest.approx(0.061)
    assert blurry["error_if_fixed"] == pytest.approx(0.039)
    assert blurry["share_low"] < 0.61 < blurry["share_high"]


@pytest.mark.parametrize(
    ("share", "error_if_fixed"), [("5", 0.095), ("50", 0.05)],
    ids=["E10_s5_at_best_9.5", "E10_s50_at_best_5"])
def test_ceiling_spec_examples(capsys, share, error_if_fixed):
    result = cli_json(capsys, "ceiling", "--dev-error", "0.10", "--reviewed", "100",
                      "--count", f"Great cat={share}")
    great = next(c for c in result["categories"] if c["name"] == "Great cat")
    assert great["error_if_fixed"] == pytest.approx(error_if_fixed)


def test_ceiling_of_a_stored_sample(demo_store: Store, capsys):
    result = cli_json(capsys, "--db", demo_store.path, "ceiling", "--project", DEMO_NAME,
                      "--sample", REVIEW_NAME)
    assert result["reviewed"] == 60
    assert result["adequacy"] == "good"
    assert result["dev_error"] == pytest.approx(73 / 2500)
    shares = [c["share"] for c in result["categories"]]
    assert shares == sorted(shares, reverse=True)
    assert sum(c["count"] for c in result["categories"]) >= 1


@pytest.mark.parametrize(
    "args",
    [["--dev-error", "10%", "--reviewed", "100", "--count", "Dog=101"],
     ["--dev-error", "10", "--reviewed", "100"],
     ["--dev-error", "10%", "--reviewed", "0"],
     ["--dev-error", "10%", "--reviewed", "100", "--count", "Dog"],
     ["--dev-error", "10%", "--reviewed", "100", "--count", "Dog=1", "--count", "Dog=2"],
     ["--reviewed", "100"],
     ["--project", DEMO_NAME],
     ["--project", DEMO_NAME, "--sample", "no such sample"]],
    ids=["count_above_reviewed", "bare_number_above_1", "nothing_reviewed", "count_without_k",
         "category_twice", "no_dev_error", "project_without_sample", "unknown_sample"])
def test_bad_ceiling_input_exits_2(demo_store: Store, capsys, args):
    code, out, err = cli(capsys, "--db", demo_store.path, "ceiling", *args, "--json")
    assert_refused(code, out, err)


# --- mislabel -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dev_error", "verdict", "share", "from_labels"),
    [("10%", "not_a_priority", 0.06, 0.006), ("2%", "fix_labels", 0.30, 0.006)],
    ids=["E10_labels_0.6_points-not_a_priority", "E2_labels_0.6_points-fix_labels"])
def test_mislabel_spec_examples(capsys, dev_error, verdict, share, from_labels):
    mislabeled = round(share * 100)
    result = cli_json(capsys, "mislabel", "--dev-error", dev_error, "--reviewed", "100",
                      "--mislabeled", str(mislabeled), "--count", "Blurry=61",
                      "--count", "Great cat=43")
    assert list(result) == ["share", "error_from_labels", "verdict", "reasons"]
    assert result["verdict"] == verdict
    assert result["share"] == pytest.approx(share)
    assert result["error_from_labels"] == pytest.approx(from_labels)
    assert any("dev and test" in reason for reason in result["reasons"])


def test_mislabel_text_output(capsys):
    code, out, _ = cli(capsys, "mislabel", "--dev-error", "2%", "--reviewed", "100",
                       "--mislabeled", "30")
    assert code == 0
    assert out.startswith("Fix labels: 30.0%")


@pytest.mark.parametrize(
    "args",
    [["--dev-error", "2%", "--reviewed", "100", "--mislabeled", "101"],
     ["--dev-error", "2", "--reviewed", "100", "--mislabeled", "3"],
     ["--dev-error", "2%", "--reviewed", "ten", "--mislabeled", "3"],
     ["--dev-error", "2%", "--reviewed", "100"]],
    ids=["mislabeled_above_reviewed", "bare_number_above_1", "text_count", "missing_arg"])
def test_bad_mislabel_input_exits_2(capsys, args):
    code, out, err = cli(capsys, "mislabel", *args, "--json")
    assert_refused(code, out, err)


def test_subprocess_prints_one_json_object(tmp_path):
    env = {**os.environ, "STRATEGY_DB": str(tmp_path / "cli.duckdb")}
    done = subprocess.run(
        [sys.executable, "-m", "strategy_core", "ceiling", "--dev-error", "10%",
         "--reviewed", "40", "--count", "Dog=2", "--json"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["adequacy"] == "rough"
    dog = next(c for c in payload["categories"] if c["name"] == "Dog")
    assert dog["error_if_fixed"] == pytest.approx(0.095)
