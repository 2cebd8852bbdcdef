"""Worked examples 9.10-9.18 of docs/rules.md §9 (reading real exports: names, levels,
slices, histories, dates, header names given twice, runs without names, run status)."""

from __future__ import annotations

from datetime import datetime

import pytest

from strategy_core.errors import InputError
from strategy_core.run_csv import read_table
from strategy_core.run_csv.cells import parse_created
from strategy_core.run_csv.names import read_name
from strategy_core.store import Store
from strategy_core.usecases import run_scope
from strategy_core.usecases import runs as run_cases


def _plan(text: str, **kwargs) -> run_cases.ImportPlan:
    return run_cases.plan_import(read_table(text.encode()), **kwargs)


def _roles(plan: run_cases.ImportPlan) -> dict[str, str]:
    return {m.column: m.role for m in plan.mapping}


def test_example_9_10_names_read_anywhere() -> None:
    expected = {
        "best_val_acc": ("dev", "accuracy"), "val/loss": ("dev", "loss"),
        "Train Score": ("train", "score"), "test/best_dice": ("test", "dice"),
        "eval_accuracy": ("dev", "accuracy"), "metrics/mAP50-95B": (None, "map"),
        "mean_squared_error": (None, "mse"), "test_acc-camera1": ("test", "accuracy"),
        "dice_weight": (None, None),
    }
    for name, (split, family) in expected.items():
        read = read_name(name)
        assert (read.split, read.family) == (split, family), name
    assert read_name("test_acc-camera1").rest == ("camera1",)


def test_example_9_11_which_family_holds_the_levels() -> None:
    yolo = _plan("epoch,train/box_loss,val/box_loss,metrics/mAP50-95(B)\n"
                 "1,2.0,2.5,0.1\n2,1.5,2.0,0.3\n3,1.2,2.1,0.25\n", pick="last")
    roles = _roles(yolo)
    assert roles["metrics/mAP50-95(B)"] == "dev_error"
    assert roles["train/box_loss"] == roles["val/box_loss"] == "metric"
    assert yolo.proposed_metric.key == "map"
    assert any("names no split" in w for w in yolo.built.warnings)
    keras = _plan("name,accuracy,val_accuracy\nk,0.9,0.8\n")
    assert _roles(keras)["accuracy"] == "train_error"
    assert _roles(keras)["val_accuracy"] == "dev_error"


def test_example_9_12_slices_are_averaged() -> None:
    plan = _plan("name,test_acc-camera1,test_acc-camera2,test_acc-PUC\n"
                 "r1,0.9,0.8,0.7\nr2,0.9,,0.7\n")
    first, second = plan.built.runs
    assert first.test_error == pytest.approx(0.2)
    assert first.slices == pytest.approx({"test_error/camera1": 0.1,
                                          "test_error/camera2": 0.2,
                                          "test_error/puc": 0.3})
    assert second.test_error is None
    assert any("average of 3 slices" in w for w in plan.built.warnings)


CHART = ("Step,a - val_loss,a - val_loss__MIN,a - val_loss__MAX,b - val_loss\n"
         "1,0.9,0.8,1.0,0.7\n2,0.5,0.4,0.6,0.8\n3,0.6,0.5,0.7,0.4\n")


def test_example_9_13_a_chart_download_becomes_one_run_per_series() -> None:
    best = {r.name: r.dev_error for r in _plan(CHART).built.runs}
    assert best == pytest.approx({"a": 0.5, "b": 0.4})
    last = {r.name: r.dev_error for r in _plan(CHART, pick="last").built.runs}
    assert last == pytest.approx({"a": 0.6, "b": 0.4})
    plan = _plan(CHART)
    assert plan.history.curves["a"]["val_loss"] == ((1, 0.9), (2, 0.5), (3, 0.6))


def test_example_9_14_every_column_at_the_best_dev_step() -> None:
    plan = _plan("epoch,train_loss,val_acc\n1,1.0,0.6\n2,0.5,0.8\n3,0.3,0.75\n",
                 name_hint="cnn")
    (run,) = plan.built.runs
    assert run.name == "cnn"
    assert run.dev_error == pytest.approx(0.2)
    assert run.metrics["train_loss"] == pytest.approx(0.5)


def test_example_9_15_dates_in_common_formats() -> None:
    plan = _plan("name,created,dev_error\na,04-08-2024 14:28,0.1\nb,13-08-2024 09:00,0.2\n")
    assert plan.built.runs[0].created == datetime(2024, 8, 4, 14, 28)
    alone = _plan("name,created,dev_error\na,2/5/2025 13:42,0.1\n")
    assert alone.built.runs[0].created == datetime(2025, 2, 5, 13, 42)
    assert any("fit both day-first and month-first" in w for w in alone.built.warnings)
    assert parse_created("2026-06-17-13-17-49") == datetime(2026, 6, 17, 13, 17, 49)
    with pytest.raises(InputError, match="a number, not a date"):
        parse_created("5")


def test_example_9_16_a_header_name_given_twice() -> None:
    table = read_table(b"name,learning_rate,dev_error,learning_rate\na,0.1,0.2,0.05\n")
    assert table.headers[-1] == "learning_rate (2)"
    with pytest.raises(InputError) as caught:
        read_table(b"name,dev_error,dev_error\na,0.1,0.2\n")
    assert caught.value.row == 1 and "twice" in str(caught.value)


def test_example_9_17_runs_without_a_name_column() -> None:
    plan = _plan("lr,bsize,test_acc\n0.01,32,0.8\n0.001,32,0.82\n")
    assert [r.name for r in plan.built.runs] == ["lr=0.01", "lr=0.001"]
    indexed = _plan(",name,test_acc\n0,a,0.8\n1,b,0.7\n")
    assert _roles(indexed)["(row index)"] == "ignore"
    assert [r.name for r in indexed.built.runs] == ["a", "b"]


def test_example_9_18_unfinished_runs_are_left_out_of_decisions(store: Store) -> None:
    project = store.projects.create("Status")
    data = (b'"Name","State","Created","train_acc","val_acc"\n'
            b'"a","finished","2026-01-01T00:00:00Z","0.9","0.8"\n'
            b'"b","crashed","2026-01-02T00:00:00Z","0.8","0.7"\n'
            b'"c","failed","2026-01-03T00:00:00Z","0.7","0.6"\n')
    run_cases.import_run_file(store, project.id, data, source="w.csv")
    assert [r.name for r in run_cases.runs(store, project.id)] == ["a", "b", "c"]
    assert [r.name for r in run_scope.decision_runs(store, project.id)] == ["a"]
    assert [r.name for r in run_scope.left_out(store, project.id)] == ["b", "c"]
    run_scope.save_include_unfinished(store, project.id, True, expected=0)
    assert [r.name for r in run_scope.decision_runs(store, project.id)] == ["a", "b", "c"]
