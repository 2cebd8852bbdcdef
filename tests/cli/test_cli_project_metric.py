"""The project metric on the command line (docs/rules.md §16): `import-runs` refuses a file
in another metric until `--metric` confirms it, then sets the metric and logs the change;
`diagnose` and `runs` answer in the metric's units; `diagnose --metric` for typed levels."""

from __future__ import annotations

from pathlib import Path

import pytest

from strategy_core.project_metric import PRESETS
from strategy_core.runs import Run
from strategy_core.store import Store
from strategy_core.usecases import project_metric as metric_cases
from strategy_core.usecases import runs as run_cases
from strategy_core.usecases.diagnosis import diagnose_run
from tests.cli.test_runs_cli import assert_refused, cli, cli_json
from tests.store.test_store import dump

MSE_EXPORT = (b"run_id,experiment_id,status,metrics.train_mse,metrics.val_mse,metrics.test_mse,"
              b"params.lr\nr1,0,FINISHED,12.5,19.25,20.0,0.01\nr2,0,FINISHED,10.0,18.0,18.5,"
              b"0.001\n")


@pytest.fixture
def mse_file(tmp_path: Path) -> Path:
    path = tmp_path / "mse_runs.csv"
    path.write_bytes(MSE_EXPORT)
    return path


def test_an_mse_export_into_a_project_with_runs_needs_the_metric_confirmed(
        store: Store, capsys, mse_file: Path):
    project = store.projects.create("Prices")
    run_cases.add_run(store, project.id, Run(name="old", dev_error=0.1))
    before = dump(store)
    code, out, err = cli(capsys, "import-runs", mse_file, "--project", "Prices", "--json")
    assert_refused(code, out, err, words="set the project metric to MSE")
    assert "(--metric mse)" in err
    assert dump(store) == before


def test_an_mse_export_into_a_new_or_empty_project_takes_its_metric(
        store: Store, capsys, mse_file: Path):
    store.projects.create("Prices")
    done = cli_json(capsys, "import-runs", mse_file, "--project", "Prices")
    assert (done["format"], done["added"]) == ("mlflow", 2)
    project = store.projects.resolve("Prices")
    assert metric_cases.project_metric(store, project.id) == PRESETS["mse"]
    assert store.metric_log.list(project.id)[0].reason == "Set from the import of mse_runs.csv."
    fresh = cli_json(capsys, "import-runs", mse_file, "--project", "Brand new")
    assert fresh["added"] == 2
    assert metric_cases.project_metric(
        store, store.projects.resolve("Brand new").id) == PRESETS["mse"]


def test_diagnose_and_runs_answer_in_the_metric(store: Store, capsys, mse_file: Path):
    cli_json(capsys, "import-runs", mse_file, "--project", "Prices", "--metric", "mse")
    data = cli_json(capsys, "diagnose", "--project", "Prices", "--run", "r1")
    assert (data["metric"], data["unit"], data["direction"]) == ("MSE", "", "lower")
    # No human level and a training MSE larger than the variance gap: avoidable bias could
    # be the largest gap, so there is not enough information to choose (docs/rules.md §1).
    assert (data["variance"], data["dev_overfitting"], data["focus"]) == (
        6.75, 0.75, "not_enough_information")
    project = store.projects.resolve("Prices")
    assert data["variance"] == diagnose_run(store, project, "r1").decomposition.variance
    code, out, _ = cli(capsys, "diagnose", "--project", "Prices", "--run", "r1")
    assert code == 0 and "Metric: MSE" in out and "Variance            6.7500" in out
    assert "Not enough information to choose between avoidable bias and variance" in out
    code, out, _ = cli(capsys, "runs", "--project", "Prices")
    assert "dev 19.2500" in out


def test_typed_levels_in_a_metric(capsys):
    data = cli_json(capsys, "diagnose", "--metric", "wer", "--human", "4.5%", "--train",
                    "6%", "--train-dev", "6.5%", "--dev", "120%")
    assert data["dev"] == 1.2 and data["focus"] == "data_mismatch"
    assert (data["unit"], data["direction"]) == ("%", "lower")
    code, out, err = cli(capsys, "diagnose", "--metric", "f1", "--train", "0.9", "--dev",
                         "1.2", "--json")
    assert_refused(code, out, err, words="outside the range of F1")


def test_metric_cannot_be_combined_with_a_project(store: Store, capsys, mse_file: Path):
    cli_json(capsys, "import-runs", mse_file, "--project", "Prices", "--metric", "mse")
    code, out, err = cli(capsys, "diagnose", "--project", "Prices", "--metric", "wer")
    assert_refused(code, out, err, words="a project has its own metric")
