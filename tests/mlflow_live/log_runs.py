"""Log known runs to a live MLflow server with MLflow's own client, then print what was logged
as one JSON object on stdout (the tests compare a pull against it).

Runs with the MLflow venv's python, not the app's (the app does not depend on mlflow):

    <mlflow venv>/bin/python log_runs.py <tracking uri> <experiment name>

The experiment's name picks what is logged: "speech" logs word error rates, a name starting
with "sweep" logs SWEEP_RUNS small runs left RUNNING (more than one page of a search),
anything else (e.g. "cat-classifier") logs four image-classifier runs: per-step losses (one
run's spans LONG_STEPS steps), final train/val/test errors as fractions, one run FAILED, one
KILLED, and two runs sharing a name.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time

import mlflow
from mlflow import MlflowClient
from mlflow.entities import Metric, Param

SWEEP_RUNS = 120
LONG_STEPS = 120  # one run's train_loss history spans more than one 50-point page
STEPS = 10

# name, params, final (train, val, test) error, status, tags
CAT_RUNS = [
    ("baseline", {"lr": 0.01, "batch_size": 32, "optimizer": "sgd"}, (0.08, 0.1, 0.11),
     "FINISHED", {"team": "vision"}),
    ("bigger-net", {"lr": 0.001, "batch_size": 64, "optimizer": "adam"}, (0.02, 0.09, 0.095),
     "FINISHED", {"team": "vision"}),
    ("bigger-net", {"lr": 0.0005, "batch_size": 64, "optimizer": "adam"}, (0.03, 0.12, 0.125),
     "FAILED", {"team": "vision"}),
    ("regularized", {"lr": 0.001, "batch_size": 128, "optimizer": "adam"},
     (0.05, 0.085, 0.09), "KILLED", {"team": "vision"}),
]
SPEECH_RUNS = [
    ("conformer-s", {"lr": 0.002, "batch_size": 16}, (0.061, 0.083, 0.087)),
    ("conformer-m", {"lr": 0.001, "batch_size": 16}, (0.042, 0.071, 0.074)),
]


def log_run(name: str, params: dict, finals: dict[str, float], curves: dict[str, list],
            status: str, tags: dict[str, str]) -> dict:
    """One run: params, tags, a note, per-step curves, final values, then its end status."""
    run = mlflow.start_run(run_name=name)
    mlflow.log_params(params)
    mlflow.set_tags({**tags, "mlflow.note.content": f"Run {name}: {status.lower()}."})
    for key, values in curves.items():
        if len(values) > STEPS:  # a long curve in one request, to keep the setup quick
            now = int(time.time() * 1000)
            MlflowClient().log_batch(run.info.run_id, metrics=[
                Metric(key, value, now + step, step) for step, value in enumerate(values)])
            continue
        for step, value in enumerate(values):
            mlflow.log_metric(key, value, step=step)
    for key, value in finals.items():
        mlflow.log_metric(key, value)
    mlflow.end_run(status=status)
    return {"run_id": run.info.run_id, "name": name, "status": status,
            "params": {k: str(v) for k, v in params.items()}, "metrics": finals,
            "history": {k: [[s, v] for s, v in enumerate(vs)] for k, vs in curves.items()},
            "tags": tags}


def loss_curve(start: float, end: float, steps: int) -> list[float]:
    return [round(start + (end - start) * step / (steps - 1), 6) for step in range(steps)]


def log_cat() -> list[dict]:
    logged = []
    for index, (name, params, (train, val, test), status, tags) in enumerate(CAT_RUNS):
        steps = LONG_STEPS if index == 1 else STEPS
        curves = {"train_loss": loss_curve(2.0, train * 3, steps),
                  "val_loss": loss_curve(2.1, val * 3, steps)}
        finals = {"train_error": train, "val_error": val, "test_error": test}
        logged.append(log_run(name, params, finals, curves, status, tags))
        time.sleep(0.01)  # distinct start times, so the server's order is the reverse
    return logged


def log_speech() -> list[dict]:
    logged = []
    for name, params, (train, dev, test) in SPEECH_RUNS:
        curves = {"dev_wer": loss_curve(0.5, dev, STEPS)}
        finals = {"train_wer": train, "dev_wer": dev, "test_wer": test}
        logged.append(log_run(name, params, finals, curves, "FINISHED", {"team": "speech"}))
    return logged


def log_sweep(experiment_id: str) -> list[dict]:
    """Many small runs, two requests each (left RUNNING: no end time), to keep this quick."""
    client = MlflowClient()
    logged = []
    for seed in range(SWEEP_RUNS):
        run = client.create_run(experiment_id, run_name=f"seed-{seed:03d}")
        value = round(0.2 + seed / 1000, 6)
        client.log_batch(run.info.run_id, params=[Param("seed", str(seed))],
                         metrics=[Metric("val_error", value, int(time.time() * 1000), 0)])
        logged.append({"run_id": run.info.run_id, "name": f"seed-{seed:03d}",
                       "status": "RUNNING", "params": {"seed": str(seed)},
                       "metrics": {"val_error": value}, "history": {}, "tags": {}})
    return logged


def main(tracking_uri: str, experiment_name: str) -> None:
    mlflow.set_tracking_uri(tracking_uri)
    with contextlib.redirect_stdout(sys.stderr):  # MLflow prints "View run ..." lines
        experiment = mlflow.set_experiment(experiment_name)
        if experiment_name == "speech":
            runs = log_speech()
        elif experiment_name.startswith("sweep"):
            runs = log_sweep(experiment.experiment_id)
        else:
            runs = log_cat()
    print(json.dumps({"experiment_id": experiment.experiment_id,
                      "experiment_name": experiment_name, "runs": runs}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
