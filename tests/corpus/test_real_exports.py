"""Real run exports committed to public GitHub repositories by real teams, imported as they are.

Each file in tests/corpus/real_exports/ is kept byte for byte (provenance in SOURCES.md).
EXPECTED states, for each file, what a correct import gives: the format detected from the
header, the metric proposed from the split columns (None: errors or accuracies, so the
project stays on the error rate), the number of runs (one per data row) and the levels of
the newest run, read from the file by hand (an accuracy becomes 1 - accuracy). Where the
newest run has both a training and a dev level, the variance gap must be their difference
in the metric's direction.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from strategy_core.store import Store
from strategy_core.usecases import runs as run_cases
from strategy_core.usecases.diagnosis import diagnose_run
from strategy_core.usecases.project_metric import project_metric
from strategy_core.values.project_metric import ERROR_RATE, PRESETS

HERE = Path(__file__).resolve().parent / "real_exports"

# file -> format detected, metric key proposed (None: errors/accuracies), runs imported,
# and the newest run's levels in the metric (None: the file has no value for that level).
EXPECTED: dict[str, dict] = {
    # W&B runs table, nanoGPT ablations, 16 configs x 4 seeds: split columns are losses only
    # (train/loss, val/loss; train/step_loss is a second train loss). Run names repeat
    # across seeds. Newest run (largest Created): row 2, G1_ternary_weights.
    "wandb_nanogpt_ablations.csv": {
        "format": "wandb", "metric": "loss", "runs": 64,
        "newest": {"train": 1.038091778755188, "dev": 1.4786324501037598, "test": None},
    },
    # W&B runs table (State/Created hidden, so generic): regression losses only,
    # train/ and val/regression/q_loss_l1 (MAE) and q_loss_mse (MSE); no error or accuracy.
    # q_loss_mse names two metrics (a loss and MSE), so q_loss_l1 (a loss) is the level.
    # Rows 10-17 repeat the names of rows 2-9 with no loss values (test-only runs).
    # Newest run (no start times: the last row) has no train or val value.
    "wandb_ssm_regression.csv": {
        "format": "generic", "metric": "loss", "runs": 16,
        "newest": {"train": None, "dev": None, "test": None},
    },
    # W&B runs table (only Name and chosen columns, so generic): best_val_acc / best_test_acc
    # next to best_val_f1 / best_test_f1. Newest run: the last row.
    "wandb_gnn_kernel_test.csv": {
        "format": "generic", "metric": None, "runs": 54,
        "newest": {"train": None, "dev": 1 - 0.8920000195503235,
                   "test": 1 - 0.8479999899864197},
    },
    # W&B runs table, 5-fold runs: accuracies (train_accuracy_epoch, final_val_accuracy,
    # val_accuracy) next to per-class F1/AUC and losses. Newest run: row 2
    # (convmetrics_Pathologist_20_fold_5, 2025-05-05T14:11:07Z); dev from
    # final_val_accuracy, the first dev accuracy column.
    "wandb_weakbe_net.csv": {
        "format": "wandb", "metric": None, "runs": 210,
        "newest": {"train": 1 - 0.9629629850387572, "dev": 1 - 0.7124999761581421,
                   "test": None},
    },
    # TensorBoard HParams table download: hyperparameters, test/loss and test/acc, no run
    # name column (TensorBoard writes none). Newest run: the last row.
    "tb_hparams_nunsys.csv": {
        "format": "generic", "metric": None, "runs": 100,
        "newest": {"train": None, "dev": None, "test": 1 - 0.8081471920013428},
    },
    # TensorBoard HParams table download: test/best_dice and test/best_iou (higher is
    # better), experiment names unique. Newest run: the last row (TorchCompile).
    "tb_hparams_segm_dice.csv": {
        "format": "generic", "metric": "dice", "runs": 12,
        "newest": {"train": None, "dev": None, "test": 0.9577538371086121},
    },
}

FILES = sorted(EXPECTED)


def _data(name: str) -> bytes:
    return (HERE / name).read_bytes()


def test_every_expected_file_is_there() -> None:
    on_disk = {p.name for p in HERE.glob("*.csv")}
    assert set(FILES) <= on_disk  # the rest: test_real_export_labels.py


@pytest.mark.parametrize("name", FILES)
def test_plan(name: str) -> None:
    """The format, the proposed metric and the runs built, before anything is stored."""
    expected = EXPECTED[name]
    plan = run_cases.plan_import(run_cases.read_run_file(_data(name)))
    assert plan.detected == expected["format"]
    proposed = plan.proposed_metric
    assert (proposed.key if proposed else None) == expected["metric"]
    assert [str(p) for p in plan.built.problems] == []
    assert len(plan.built.runs) == expected["runs"]


@pytest.mark.parametrize("name", FILES)
def test_import_and_diagnose(store: Store, name: str) -> None:
    """Imported in the proposed metric, every run stored, the newest run diagnosed in it."""
    expected = EXPECTED[name]
    data = _data(name)
    metric = PRESETS[expected["metric"]] if expected["metric"] else ERROR_RATE
    plan = run_cases.plan_import(run_cases.read_run_file(data))
    project = store.projects.create("Real export")

    _, result = run_cases.import_run_file(store, project.id, data, source=name,
                                          metric=plan.proposed_metric)

    assert result.added == expected["runs"]
    assert project_metric(store, project.id).key == metric.key
    assert len(run_cases.runs(store, project.id)) == expected["runs"]

    out = diagnose_run(store, project).decomposition.as_dict()
    assert out["metric"] == metric.name
    assert out["unit"] == metric.unit
    assert out["direction"] == metric.direction
    for level, value in expected["newest"].items():
        if value is None:
            assert out[level] is None, level
        else:
            assert out[level] == pytest.approx(value, abs=1e-9), level
    train, dev = expected["newest"]["train"], expected["newest"]["dev"]
    if train is not None and dev is not None:
        gap = dev - train if metric.direction == "lower" else train - dev
        assert out["variance"] == pytest.approx(gap, abs=1e-9)
