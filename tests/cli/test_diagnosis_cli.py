"""`diagnose` and `checklist` on the command line (docs/rules.md §1, §2): every
worked example of docs/rules.md §1, the JSON fields, intervals, exit codes, and read-only commands
that leave the database unchanged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from strategy_core.checklist import RealWorld
from strategy_core.diagnosis import GAP_ACTIONS
from strategy_core.stats import newcombe_difference, wilson_interval
from strategy_core.usecases.checklist import save_note, save_real_world, save_tolerance
from tests.cli.test_runs_cli import assert_refused, cli, cli_json
from tests.core.test_diagnosis import WORKED_EXAMPLES, WORKED_IDS
from tests.store.test_store import dump

DIAGNOSE_FIELDS = {"human", "train", "train_dev", "dev", "test", "avoidable_bias", "variance",
                   "data_mismatch", "dev_overfitting", "focus", "runner_up", "next",
                   "tolerance", "flags", "actions", "metric", "unit", "direction", "kind",
                   "shown_as_error"}
DEMO = "cat-classifier-demo"


def diagnose_args(h, t, td, d, x) -> list[str]:
    args = ["diagnose"]
    for flag, value in (("--human", h), ("--train", t), ("--train-dev", td), ("--dev", d),
                        ("--test", x)):
        if value is not None:
            args += [flag, value]
    return args


@pytest.mark.parametrize(("rates", "focus", "gap_points", "flags", "runner_up"),
                         WORKED_EXAMPLES, ids=WORKED_IDS)
def test_every_worked_example_of_spec_4_1(capsys, rates, focus, gap_points, flags, runner_up):
    data = cli_json(capsys, *diagnose_args(*rates))
    assert set(data) == DIAGNOSE_FIELDS
    assert data["focus"] == focus
    for name, expected in zip(("avoidable_bias", "variance", "data_mismatch",
                               "dev_overfitting"), gap_points, strict=True):
        assert data[name] == (None if expected is None else pytest.approx(expected / 100,
                                                                          abs=1e-12)), name
    assert data["flags"] == list(flags)
    assert data["runner_up"] == runner_up
    assert data["actions"] == list(GAP_ACTIONS[focus])


def test_rates_as_percent_or_fraction_give_the_same_answer(capsys):
    assert cli_json(capsys, "diagnose", "--human", "1%", "--train", "8%", "--dev", "10%") == \
        cli_json(capsys, "diagnose", "--human", "0.01", "--train", "0.08", "--dev", "0.1")


def test_without_human_level_bias_is_null_and_flagged(capsys):
    data = cli_json(capsys, "diagnose", "--train", "1%", "--train-dev", "9%", "--dev", "10%")
    assert data["human"] is None and data["avoidable_bias"] is None
    assert data["flags"] == ["no_human_level"]
    assert data["focus"] == "variance"


def test_intervals_and_significance_when_sizes_are_given(capsys):
    data = cli_json(capsys, "diagnose", "--human", "1%", "--train", "8%", "--train-dev", "9%",
                    "--dev", "10%", "--test", "11%", "--n-train", "10000", "--n-train-dev",
                    "1000", "--n-dev", "1,000", "--n-test", "500")
    train = wilson_interval(0.08, 10_000)
    expected = {
        "avoidable_bias": (train.low - 0.01, train.high - 0.01),
        "variance": newcombe_difference(0.09, 1000, 0.08, 10_000),
        "data_mismatch": newcombe_difference(0.10, 1000, 0.09, 1000),
        "dev_overfitting": newcombe_difference(0.11, 500, 0.10, 1000),
    }
    assert set(data["intervals"]) == set(expected)
    for name, interval in expected.items():
        low, high = interval if isinstance(interval, tuple) else (interval.low, interval.high)
        assert data["intervals"][name] == [pytest.approx(low, abs=1e-9),
                                           pytest.approx(high, abs=1e-9)]
    assert data["significant"] == {"avoidable_bias": True, "variance": False,
                                   "data_mismatch": False, "dev_overfitting": False}


def test_text_output_names_the_focus_and_the_actions(capsys):
    code, out, err = cli(capsys, "diagnose", "--human", "0%", "--train", "1%", "--train-dev",
                         "1.5%", "--dev", "10%")
    assert (code, err) == (0, "")
    assert "Data mismatch      8.5 pts  <- focus" in out
    assert "Work on data mismatch: at 8.5 pts (dev − training-dev) it is the largest gap." in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--human", "1%", "--train", "8", "--dev", "10%"], "ambiguous"),
        (["--human", "1%", "--train", "8%", "--dev", "ten"], "not a number"),
        (["--human", "1%", "--train", "8%", "--dev", "120%"], "between 0% and 100%"),
        (["--human", "1%", "--train", "8%"], "--dev required"),
        (["--train", "8%", "--dev", "10%", "--n-dev", "0"], "positive"),
        (["--train", "8%", "--dev", "10%", "--n-dev", "-5"], "negative"),
        (["--train", "8%", "--dev", "10%", "--run", "x"], "--run needs --project"),
        (["--project", DEMO, "--train", "8%"], "cannot be combined with --project"),
        (["--project", "no-such-project"], "no project"),
        (["--project", DEMO, "--run", "no-such-run"], "no run named"),
    ],
    ids=["bare_number_above_1", "not_a_number", "rate_above_100pct", "dev_missing",
         "zero_size", "negative_size", "run_without_project", "levels_with_project",
         "unknown_project", "unknown_run"],
)
def test_bad_input_exits_2_with_one_error_line_and_writes_nothing(demo_store, capsys, args,
                                                                  words):
    before = dump(demo_store)
    assert_refused(*cli(capsys, "diagnose", *args, "--json"), words=words)
    assert dump(demo_store) == before


# --- from a project -------------------------------------------------------------------------


def test_diagnose_a_project_uses_the_newest_run_its_sizes_and_the_proxy(demo_store, capsys):
    data = cli_json(capsys, "diagnose", "--project", DEMO)
    assert data["project"] == "Cat classifier (demo)"
    assert data["run"] == "efficientnet-b3-mobile"
    assert data["human"] == 0.005  # team of experts, the lowest
    assert data["focus"] == "data_mismatch"
    assert data["data_mismatch"] == pytest.approx(0.014)
    assert data["significant"]["data_mismatch"] is True
    assert data["significant"]["dev_overfitting"] is False


@pytest.mark.parametrize(
    ("run", "focus"),
    [("logreg-baseline", "avoidable_bias"), ("resnet50-longer", "variance"),
     ("resnet50-mobile-5k", "data_mismatch")],
    ids=["august-bias_limited", "september-variance_limited", "november-data_mismatch"],
)
def test_the_demo_story_run_by_run(demo_store, capsys, run, focus):
    assert cli_json(capsys, "diagnose", "--project", DEMO, "--run", run)["focus"] == focus


def test_the_chosen_proxy_is_used(demo_store, capsys):
    project = demo_store.projects.resolve(DEMO)
    demo_store.projects.set_bayes_proxy(project.id, "typical person")
    data = cli_json(capsys, "diagnose", "--project", DEMO, "--run", "logreg-baseline")
    assert data["human"] == 0.03
    assert data["avoidable_bias"] == pytest.approx(0.09)


def test_checklist_of_the_demo(demo_store, capsys):
    before = dump(demo_store)
    data = cli_json(capsys, "checklist", "--project", DEMO)
    assert set(data) == {"project", "run", "tolerance", "links", "focus", "runner_up",
                         "focus_link", "next_links", "knobs"}
    assert [(link["name"], link["status"]) for link in data["links"]] == [
        ("training", "green"), ("training_dev", "green"), ("dev", "red"), ("test", "green"),
        ("real_world", "unknown")]
    assert data["links"][2]["gap"] == pytest.approx(0.014)
    assert (data["focus"], data["focus_link"], data["next_links"]) == \
        ("data_mismatch", "dev", [])
    assert data["knobs"] == list(GAP_ACTIONS["data_mismatch"])
    assert data["tolerance"] == 0.005
    assert dump(demo_store) == before


def test_checklist_follows_the_project_settings(demo_store, capsys):
    project = demo_store.projects.resolve(DEMO)
    save_tolerance(demo_store, project.id, 0.015)
    save_real_world(demo_store, project.id, RealWorld(production_error=0.08))
    save_note(demo_store, project.id, "dev", "mobile photos")
    data = cli_json(capsys, "checklist", "--project", DEMO)
    assert [link["status"] for link in data["links"]] == ["green"] * 4 + ["red"]
    assert data["links"][4]["gap"] == pytest.approx(0.08 - 0.033)
    assert (data["focus"], data["focus_link"]) == ("none", "real_world")
    assert any("dev set" in knob for knob in data["knobs"])


def test_checklist_of_an_older_run_warns_about_early_stopping(demo_store, capsys):
    data = cli_json(capsys, "checklist", "--project", DEMO, "--run", "resnet50-longer")
    assert (data["focus"], data["focus_link"]) == ("variance", "training_dev")
    early = [knob for knob in data["knobs"] if "early stopping" in knob.lower()]
    assert len(early) == 1 and "Warning:" in early[0]


@pytest.mark.parametrize(
    ("args", "words"),
    [([], "required"), (["--project", "nope"], "no project"),
     (["--project", DEMO, "--run", "nope"], "no run named")],
    ids=["project_missing", "unknown_project", "unknown_run"],
)
def test_checklist_bad_input_exits_2(demo_store, capsys, args, words):
    assert_refused(*cli(capsys, "checklist", *args, "--json"), words=words)


def test_project_without_runs_exits_2(store, capsys):
    store.projects.create("Empty")
    assert_refused(*cli(capsys, "checklist", "--project", "Empty", "--json"), words="no runs")
    assert_refused(*cli(capsys, "diagnose", "--project", "empty", "--json"), words="no runs")


def test_real_subprocess(tmp_path: Path):
    env = {**os.environ, "STRATEGY_DB": str(tmp_path / "sub.duckdb")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "strategy_core", *args],
                              cwd=Path(__file__).resolve().parents[2], env=env,
                              capture_output=True, text=True, timeout=120)

    done = run("diagnose", "--human", "0.5%", "--train", "0.3%", "--dev", "0.4%", "--json")
    assert (done.returncode, done.stderr) == (0, "")
    data = json.loads(done.stdout)
    assert (data["focus"], data["flags"]) == ("variance", ["below_human"])
