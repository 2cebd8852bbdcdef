"""`size mean` (docs/rules.md §17): precision and sizes for a metric that is a mean of
per-example values. The same numbers as the page (one function computes both), one JSON
object with --json, exit 2 with one `error:` line on bad input (with or without --json),
and nothing written to the database."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from strategy_core.project_metric import PRESETS, with_changes
from strategy_core.sizing import mean_metric_plan
from strategy_core.store import Store
from tests.cli.test_runs_cli import assert_refused, cli, cli_json, json_error
from tests.conftest import REPO
from tests.store.test_store import dump

FIELDS = ["unit", "sd", "n", "confidence", "half_width", "target_half_width", "n_for_target",
          "method", "alpha", "power", "detectable", "paired_sd", "paired_detectable", "delta",
          "n_needed", "paired_n_needed"]


def test_size_mean_json_is_the_plan(capsys):
    payload = cli_json(capsys, "size", "mean", "--sd", "2.0", "--n", "400", "--half-width",
                       "0.2", "--delta", "0.5", "--paired-sd", "1", "--unit", "years")
    assert list(payload) == FIELDS
    expected = mean_metric_plan(2.0, 400, target_half_width=0.2, delta=0.5, paired_sd=1.0)
    assert payload == {"unit": "years", **expected.as_dict()}
    assert payload["half_width"] == 0.1959963985
    assert (payload["n_for_target"], payload["n_needed"], payload["paired_n_needed"]) == (
        385, 252, 32)
    assert payload["method"] == "paired"


def test_size_mean_without_optional_answers(capsys):
    payload = cli_json(capsys, "size", "mean", "--sd", "2", "--n", "1,000")
    assert payload["method"] == "unpaired" and payload["n"] == 1000
    assert payload["n_for_target"] is None and payload["n_needed"] is None
    assert payload["paired_detectable"] is None


def test_size_mean_alpha_power_and_confidence(capsys):
    base = cli_json(capsys, "size", "mean", "--sd", "2", "--n", "400", "--delta", "0.5")
    strict = cli_json(capsys, "size", "mean", "--sd", "2", "--n", "400", "--delta", "0.5",
                      "--alpha", "0.01", "--power", "90%", "--confidence", "99%")
    assert strict["n_needed"] == mean_metric_plan(2.0, 400, delta=0.5, alpha=0.01,
                                                  power=0.9).detection.n_needed
    assert strict["n_needed"] > base["n_needed"]
    assert strict["half_width"] > base["half_width"] and strict["confidence"] == 0.99


def test_size_mean_percentages_read_as_points(capsys):
    payload = cli_json(capsys, "size", "mean", "--sd", "15%", "--n", "400", "--delta", "2%",
                       "--metric", "wer")
    assert payload["unit"] == "%" and payload["sd"] == 0.15 and payload["n_needed"] == 883
    code, out, err = cli(capsys, "size", "mean", "--sd", "15%", "--n", "400", "--metric",
                         "wer")
    assert code == 0 and err == ""
    assert "15.0 pts" in out and "±1.5 pts" in out and "Word error rate" in out


def test_size_mean_text_matches_the_page_sentences(capsys):
    code, out, err = cli(capsys, "size", "mean", "--sd", "2", "--n", "400", "--half-width",
                         "0.2", "--delta", "0.5", "--metric", "mae", "--unit", "years")
    assert code == 0 and err == ""
    metric = with_changes(PRESETS["mae"], unit="years")
    plan = mean_metric_plan(2.0, 400, target_half_width=0.2, delta=0.5)
    for sentence in plan.sentences(metric):
        assert sentence in out
    assert "±0.196 years" in out and "σ_d" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--sd", "0", "--n", "400"], "larger than 0"),
        (["--sd", "-2", "--n", "400"], "larger than 0"),
        (["--sd", "nan", "--n", "400"], "finite"),
        (["--sd", "lots", "--n", "400"], "not a number"),
        (["--sd", "2", "--n", "1"], "at least 2"),
        (["--sd", "2", "--n", "2.5"], "whole number"),
        (["--sd", "2", "--n", "400", "--half-width", "0"], "target half-width"),
        (["--sd", "2", "--n", "400", "--delta", "-1"], "difference to detect"),
        (["--sd", "2", "--n", "400", "--paired-sd", "0"], "σ_d"),
        (["--sd", "2", "--n", "400", "--power", "1"], "power"),
        (["--sd", "2", "--n", "400", "--metric", "median"], "not one of"),
        (["--n", "400"], "required"),
    ],
    ids=["zero-sd", "negative-sd", "nan-sd", "text-sd", "one-example", "fraction-n",
         "zero-half-width", "negative-delta", "zero-paired-sd", "power-1", "unknown-metric",
         "missing-sd"],
)
def test_size_mean_bad_input_exits_2_and_writes_nothing(store: Store, capsys, args, words):
    store.projects.create("Ages")
    before = dump(store)
    for extra in ([], ["--json"]):
        code, out, err = cli(capsys, "size", "mean", *args, *extra)
        assert_refused(code, out, err, words=words)
    assert dump(store) == before


def test_subprocess_size_mean_prints_one_json_object(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "strategy_core", "--db", str(tmp_path / "cli.duckdb"), "size",
         "mean", "--sd", "2", "--n", "400", "--delta", "0.5", "--json"],
        cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.strip().splitlines()
    assert json.loads(line)["n_needed"] == 252
    bad = subprocess.run(
        [sys.executable, "-m", "strategy_core", "size", "mean", "--sd", "0", "--n", "400",
         "--json"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and json_error(bad) == bad.stderr.strip().removeprefix("error: ")
    assert bad.stderr.startswith("error: ") and "Traceback" not in bad.stderr
