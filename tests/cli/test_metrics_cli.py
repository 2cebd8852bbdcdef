"""`f1` and `select` on the command line (README "Command line"): JSON fields exactly,
exit 2 on bad input with one `error:` line and nothing written, no feasible run → null."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from strategy_core.metrics import SelectionDefinition, parse_constraint, parse_objective
from strategy_core.store import Store, open_store
from strategy_core.usecases.demo import DEMO_NAME, seed_demo
from tests.cli.test_runs_cli import assert_refused, cli, cli_json, json_error
from tests.conftest import REPO
from tests.store.test_store import dump

DEMO = "cat-classifier-demo"


@pytest.mark.parametrize(
    ("precision", "recall", "expected"),
    [("95%", "90%", 0.9243243243243243), ("0.98", "0.85", 0.9103825136612022),
     ("0", "0", 0.0)],
    ids=["spec-A-P95-R90", "spec-B-P98-R85-fractions", "both-zero"],
)
def test_f1_json(capsys, precision, recall, expected):
    result = cli_json(capsys, "f1", "--precision", precision, "--recall", recall)
    assert list(result) == ["f1"]
    assert result["f1"] == pytest.approx(expected, abs=1e-12)


def test_f1_text(capsys):
    code, out, _ = cli(capsys, "f1", "--precision", "95%", "--recall", "90%")
    assert code == 0 and out.strip() == "F1 92.4% (precision 95.0%, recall 90.0%)"


@pytest.mark.parametrize(
    ("args", "words"),
    [(["--precision", "95", "--recall", "90%"], "ambiguous"),
     (["--precision", "1.5%x", "--recall", "90%"], "not a number"),
     (["--recall", "90%"], "--precision")],
    ids=["bare-number-above-1", "not-a-number", "missing-precision"],
)
def test_f1_bad_input_exit_2(capsys, args, words):
    assert_refused(*cli(capsys, "f1", *args, "--json"), words=words)


def test_select_demo_latency_100(demo_store: Store, capsys):
    result = cli_json(capsys, "select", "--project", DEMO, "--optimize", "dev_error:min",
                      "--satisfy", "latency_ms<=100")
    assert list(result) == ["winner", "feasible", "infeasible", "missing"]
    assert result["winner"] == "resnet50-mobile-5k"
    assert result["feasible"][:2] == [{"name": "resnet50-mobile-5k", "value": 0.032},
                                      {"name": "resnet50-mobile-synth", "value": 0.043}]
    assert [r["value"] for r in result["feasible"]] == sorted(r["value"]
                                                              for r in result["feasible"])
    assert result["infeasible"] == [{"name": "efficientnet-b3-mobile",
                                     "violations": ["latency_ms<=100"]}]
    assert result["missing"] == []


def test_select_several_thresholds_and_max(demo_store: Store, capsys):
    result = cli_json(capsys, "select", "--project", DEMO_NAME, "--optimize", "recall:max",
                      "--satisfy", "latency_ms<=100", "--satisfy", "dev_error<=4%")
    assert result["winner"] == "resnet50-mobile-5k"
    assert [r["name"] for r in result["feasible"]] == ["resnet50-mobile-5k"]
    violations = {r["name"]: r["violations"] for r in result["infeasible"]}
    assert violations["efficientnet-b3-mobile"] == ["latency_ms<=100"]
    assert violations["logreg-baseline"] == ["dev_error<=0.04"]


def test_select_nothing_feasible_is_not_an_error(demo_store: Store, capsys):
    result = cli_json(capsys, "select", "--project", DEMO, "--optimize", "dev_error:min",
                      "--satisfy", "latency_ms<=1")
    assert result["winner"] is None and result["feasible"] == []
    assert len(result["infeasible"]) == 10


def test_select_lists_runs_missing_a_metric(store: Store, capsys):
    from strategy_core.runs import Run

    project = store.projects.create("Partial")
    store.runs.import_runs(project.id, [
        Run(name="fast", dev_error=0.05, metrics={"latency_ms": 40.0}),
        Run(name="unmeasured", dev_error=0.01)], source="x.csv", fmt="generic")
    result = cli_json(capsys, "select", "--project", "partial", "--optimize", "dev_error:min",
                      "--satisfy", "latency_ms<=100")
    assert result["winner"] == "fast"
    assert result["missing"] == [{"name": "unmeasured", "metrics": ["latency_ms"]}]


def test_select_text_states_the_definition(demo_store: Store, capsys):
    code, out, _ = cli(capsys, "select", "--project", DEMO, "--optimize", "dev_error:min",
                       "--satisfy", "latency_ms<=100")
    lines = out.strip().splitlines()
    assert code == 0
    assert lines[0] == "Optimize dev_error (lower is better) subject to latency_ms ≤ 100."
    assert lines[1].startswith("resnet50-mobile-5k wins")
    assert "efficientnet-b3-mobile is infeasible: latency_ms is 121.5, needs ≤ 100." in lines


def test_select_uses_the_saved_definition(demo_store: Store, capsys):
    project = demo_store.projects.by_slug(DEMO)
    assert_refused(*cli(capsys, "select", "--project", DEMO, "--json"),
                   words="no saved metric definition")
    demo_store.metric_log.save_definition(
        project.id, SelectionDefinition(parse_objective("dev_error:min"),
                                        (parse_constraint("latency_ms<=100"),)), expected=None)
    result = cli_json(capsys, "select", "--project", DEMO)
    assert result["winner"] == "resnet50-mobile-5k"
    # Extra --satisfy adds to the saved thresholds.
    result = cli_json(capsys, "select", "--project", DEMO, "--satisfy", "dev_error<=3%")
    assert result["winner"] is None


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--optimize", "latency:min"], "unknown metric 'latency'"),
        (["--optimize", "dev_error:min", "--satisfy", "memory_mb<=10"],
         "unknown metric 'memory_mb'"),
        (["--optimize", "dev_error"], "needs a direction"),
        (["--optimize", "dev_error:min", "--satisfy", "latency_ms<100"], "use <= or >="),
        (["--optimize", "dev_error:min", "--satisfy", "dev_error<=5"], "ambiguous"),
    ],
    ids=["unknown-optimizing-metric", "unknown-constrained-metric", "no-direction",
         "strict-operator", "bare-rate-threshold"],
)
def test_select_bad_input_exit_2_and_nothing_written(demo_store: Store, capsys, args, words):
    before = dump(demo_store)
    assert_refused(*cli(capsys, "select", "--project", DEMO, *args, "--json"), words=words)
    assert dump(demo_store) == before


def test_select_unknown_project_exit_2(store: Store, capsys):
    assert_refused(*cli(capsys, "select", "--project", "nope", "--optimize", "dev_error:min"))


def test_select_real_subprocess(tmp_path: Path):
    db = tmp_path / "sub.duckdb"
    env = {**os.environ, "STRATEGY_DB": str(tmp_path / "unused.duckdb")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "strategy_core", "--db", str(db), *args],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=120)

    seeded = open_store(str(db))
    seed_demo(seeded)
    seeded.database.close()  # DuckDB lets one process hold the file
    done = run("select", "--project", DEMO, "--optimize", "dev_error:min", "--satisfy",
               "latency_ms<=100", "--json")
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout)["winner"] == "resnet50-mobile-5k"
    bad = run("select", "--project", DEMO, "--optimize", "nope:min", "--json")
    assert bad.returncode == 2 and json_error(bad) == bad.stderr.strip().removeprefix("error: ")
    assert bad.stderr.startswith("error: unknown metric 'nope'")
