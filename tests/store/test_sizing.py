"""Sizing against the store: the overview line on the demo project
(paired, from the seeded predictions) and on projects without predictions, and the split
planner's inputs kept per project."""

from __future__ import annotations

import pandas as pd
import pytest

from strategy_core.runs import Run
from strategy_core.sizing import (
    EXAMPLE_PLAN,
    PLAN_SETTING,
    PlanInputs,
    compare_runs,
    detect_size,
    plan_inputs,
    runs_by_dev_error,
)
from strategy_core.store import Store
from strategy_core.usecases.sizing import overview_line, prediction_disagreement


def add_runs(store: Store, name: str, runs: list[Run]) -> int:
    project = store.projects.create(name)
    store.runs.import_runs(project.id, runs, source="test", fmt="generic")
    return project.id


def test_demo_two_best_runs_compared_paired_from_predictions(demo_store: Store):
    project = demo_store.projects.list()[0]
    best, second = runs_by_dev_error(demo_store.runs.list(project.id))[:2]
    assert (best.name, second.name) == ("efficientnet-b3-mobile", "resnet50-mobile-5k")
    counts = prediction_disagreement(demo_store, project.id, best, second)
    assert counts is not None and counts.n_common == 2_500
    comparison = compare_runs(best, second, predictions=counts)
    assert comparison.basis == "predictions"
    assert comparison.check.method == "mcnemar"
    assert comparison.check.n_needed == detect_size(
        counts.errors_b / 2_500, (counts.errors_b - counts.errors_a) / 2_500,
        counts.disagree / 2_500).n
    assert comparison.check.can_separate is False

    line = overview_line(demo_store, project.id)
    assert line is not None
    assert "too small" in line and "2,500" in line
    assert "efficientnet-b3-mobile (2.9%)" in line and "resnet50-mobile-5k (3.2%)" in line
    assert f"{comparison.check.n_needed:,}" in line and "paired" in line


def test_overview_line_unpaired_without_predictions(store: Store):
    pid = add_runs(store, "No predictions", [
        Run("a", dev_error=0.032, n_dev=2_500), Run("b", dev_error=0.029, n_dev=2_500)])
    line = overview_line(store, pid)
    assert line is not None
    assert f"{detect_size(0.032, 0.003).n:,}" in line and "unpaired" in line


@pytest.mark.parametrize(
    ("runs", "expected"),
    [
        ([], None),
        ([Run("only", dev_error=0.05, n_dev=2_000)], None),
        ([Run("a", dev_error=0.20, n_dev=10_000), Run("b", dev_error=0.10, n_dev=10_000)], None),
        ([Run("a", dev_error=0.05), Run("b", dev_error=0.04)], None),
        ([Run("a", dev_error=0.05, n_dev=900), Run("b", dev_error=0.05, n_dev=900)],
         "same dev error"),
    ],
    ids=["no-runs", "one-run", "big-gap-separates", "no-dev-size", "equal-errors"],
)
def test_overview_line_cases(store: Store, runs, expected):
    pid = add_runs(store, "Cases", runs) if runs else store.projects.create("Cases").id
    line = overview_line(store, pid)
    if expected is None:
        assert line is None
    else:
        assert line is not None and expected in line


def test_overview_line_uses_predictions_when_both_runs_have_them(store: Store):
    pid = add_runs(store, "Paired", [
        Run("a", dev_error=0.10, n_dev=10_000), Run("b", dev_error=0.09, n_dev=10_000)])
    a, b = store.runs.list(pid)
    # 10,000 examples; b fixes 100 of a's 1,000 mistakes and breaks none: ψ = Δ = 1%.
    ids = [f"e{i}" for i in range(10_000)]
    wrong_a = [i < 1_000 for i in range(10_000)]
    wrong_b = [100 <= i < 1_000 for i in range(10_000)]
    for run, wrong in ((a, wrong_a), (b, wrong_b)):
        frame = pd.DataFrame({"example_id": ids, "label": "cat",
                              "prediction": ["dog" if w else "cat" for w in wrong]})
        store.predictions.import_bytes(pid, run.key, frame.to_csv(index=False).encode(),
                                       source="test", created_by="test")
    counts = prediction_disagreement(store, pid, b, a)
    assert (counts.n_common, counts.disagree) == (10_000, 100)
    # Paired, the gap is plain to see; unpaired, 10,000 would not be enough.
    assert detect_size(0.10, 0.01).n > 10_000
    assert overview_line(store, pid) is None
    store.predictions.delete(pid, b.key)
    assert "unpaired" in overview_line(store, pid)


def test_plan_setting_round_trip(store: Store):
    project = store.projects.create("Planner")
    assert store.projects.setting(project.id, PLAN_SETTING) is None
    plan = PlanInputs((("web", 1_000), ("mobile", 400)), "mobile", dev=50, test=None)
    store.projects.set_setting(project.id, PLAN_SETTING, plan.as_setting())
    assert plan_inputs(store.projects.setting(project.id, PLAN_SETTING)) == plan
    store.projects.set_setting(project.id, PLAN_SETTING, EXAMPLE_PLAN.as_setting())
    assert plan_inputs(store.projects.setting(project.id, PLAN_SETTING)) == EXAMPLE_PLAN
