"""Every worked example of docs/rules.md §20 (learning curves), one test per "Example 20.N",
named `test_example_20_N_…`, plus the rules around them: the use case, the chart, bad
input."""

from __future__ import annotations

import math

import pytest

from strategy_core.charts.learning_curve import learning_curve_chart, learning_curve_frame
from strategy_core.diagnosis.history_curve import (
    CHECKPOINT_NOTE,
    history_columns,
    history_curve,
    is_example_count,
)
from strategy_core.diagnosis.learning_curve import MAX_DOUBLINGS, learning_curve
from strategy_core.errors import InputError, NotFoundError
from strategy_core.project_metric import PRESETS
from strategy_core.runs import Run
from strategy_core.store import Store
from strategy_core.usecases import learning_curve as usecase
from strategy_core.usecases.demo_canon import CAT_HISTORY, cat_history
from strategy_core.usecases.runs import add_run, save_human_levels

SIZES = (1_000, 2_000, 4_000, 8_000)


def runs(sizes, train, dev, n_dev=None) -> list[Run]:
    return [Run(name=f"r{size}", n_train=size, train_error=t, dev_error=d, n_dev=n_dev)
            for size, t, d in zip(sizes, train, dev, strict=True)]


def test_example_20_1_dev_still_falling_more_data_helps() -> None:
    curve = learning_curve(runs(SIZES, (0.005, 0.008, 0.010, 0.012),
                                (0.12, 0.09, 0.07, 0.055), n_dev=10_000), 0.02)
    assert curve.verdict == "more_data" and curve.more_data_helps is True
    assert not curve.tentative
    assert curve.last_step == pytest.approx(0.015)
    assert curve.doublings_needed == pytest.approx(3.5 / 1.5)
    assert "the noise of that step is about ±0.7 pts" in curve.reasons[0]
    assert "2.3 doublings of the data (×5.0, about 40,300 examples)" in curve.reasons[1]
    assert curve.headline == "More data is likely to help"


def test_example_20_2_training_error_above_desired_more_data_will_not_close() -> None:
    curve = learning_curve(runs(SIZES, (0.015, 0.022, 0.028, 0.031),
                                (0.14, 0.10, 0.08, 0.065), n_dev=10_000), 0.02)
    assert curve.verdict == "bias" and curve.more_data_helps is False
    assert curve.reasons[0].startswith("Training error at 8,000 examples, 3.1%, is already "
                                       "worse than the desired 2.0%")
    assert not curve.tentative  # the training point's interval stays above 2%


def test_example_20_3_flat_dev_curve_is_variance_more_data_will_not_close() -> None:
    curve = learning_curve(runs(SIZES, (0.002, 0.004, 0.005, 0.006),
                                (0.10, 0.082, 0.080, 0.080), n_dev=2_000), 0.01)
    assert curve.verdict == "flat" and not curve.tentative
    assert curve.last_step == pytest.approx(0.0, abs=1e-12)
    assert "The dev curve has flattened above the desired 1.0%" in curve.reasons[-1]
    assert "training (0.6%) and dev (8.0%) is variance" in curve.reasons[-1]


def test_example_20_4_two_sizes_are_too_few_and_no_desired_level_is_still_falling() -> None:
    two = learning_curve(runs(SIZES[:2], (0.0, 0.01), (0.30, 0.24)), 0.05)
    assert two.verdict == "too_few" and two.more_data_helps is None
    assert "at least 3 are needed" in two.reasons[0]
    open_ended = learning_curve(runs(SIZES, (0.005, 0.008, 0.010, 0.012),
                                     (0.12, 0.09, 0.07, 0.055), n_dev=10_000))
    assert open_ended.verdict == "falling" and open_ended.doublings_needed is None
    assert "No desired performance is recorded" in open_ended.reasons[-1]


def test_example_20_5_dev_getting_worse_with_more_data_is_noise() -> None:
    curve = learning_curve(runs((100, 200, 400), (0.0, 0.01, 0.02), (0.30, 0.24, 0.27)), 0.05)
    assert curve.verdict == "noisy" and curve.tentative
    assert "Dev gets worse from 200 to 400 training examples (by 3.0 pts)" in curve.reasons[0]
    assert "random subsets" in curve.reasons[1]
    assert "class mix" in curve.reasons[2]  # under 10,000 training examples


def test_example_20_6_runs_of_one_size_are_averaged_with_a_t_interval() -> None:
    devs = {100: (0.31, 0.29, 0.33), 200: (0.26, 0.22, 0.24), 400: (0.20, 0.18, 0.22)}
    repeats = [Run(name=f"s{size}-{i}", n_train=size, train_error=0.01, dev_error=d)
               for size, values in devs.items() for i, d in enumerate(values)]
    curve = learning_curve(repeats, 0.05)
    assert [p.dev for p in curve.points] == pytest.approx([0.31, 0.24, 0.20])
    assert [len(p.runs) for p in curve.points] == [3, 3, 3]
    half = 4.302652729911275 * 0.02 / math.sqrt(3)
    assert all(p.dev_interval.half_width == pytest.approx(half) for p in curve.points)
    assert round(half * 100, 2) == 4.97
    assert curve.verdict == "flat" and curve.tentative
    assert "within the noise" in curve.reasons[1]
    assert "±7.0 pts" in curve.reasons[0]


def test_example_20_7_an_accuracy_curve_rises() -> None:
    accuracy = PRESETS["accuracy"]
    curve = learning_curve(runs((500, 1_000, 2_000, 4_000), (0.995, 0.99, 0.986, 0.984),
                                (0.82, 0.85, 0.88, 0.905)), 0.95, metric=accuracy)
    assert curve.verdict == "more_data" and curve.tentative
    assert curve.last_step == pytest.approx(0.025)
    assert curve.doublings_needed == pytest.approx(1.8)
    assert "1.8 doublings of the data (×3.5, about 13,900 examples)" in curve.reasons[1]


def test_example_20_8_a_slow_fall_helps_but_not_enough() -> None:
    curve = learning_curve(runs(SIZES, (0.010, 0.012, 0.013, 0.014),
                                (0.12, 0.10, 0.09, 0.086), n_dev=100_000), 0.02)
    assert curve.verdict == "slow" and curve.more_data_helps is True
    assert curve.doublings_needed == pytest.approx(16.5) and MAX_DOUBLINGS < 16.5
    assert "noise of that step is about ±0.2 pts" in curve.reasons[0]
    assert "alone is unlikely to get there" in curve.reasons[1]


def test_example_20_9_a_runs_history_by_examples_seen_is_a_curve() -> None:
    run = Run(name="efficientnet-b3-mobile", n_train=207_500, n_dev=2_500,
              train_error=0.010, dev_error=0.029)
    curve = history_curve(run, cat_history(), 0.005, "human level, team of experts")
    assert [p.size for p in curve.points] == [row[0] for row in CAT_HISTORY]
    assert [p.train for p in curve.points] == pytest.approx([row[1] for row in CAT_HISTORY])
    assert [p.dev for p in curve.points] == pytest.approx([row[2] for row in CAT_HISTORY])
    assert (curve.points[-1].train, curve.points[-1].dev) == (run.train_error, run.dev_error)
    assert curve.points[0].runs == ("efficientnet-b3-mobile, step 1",)
    assert curve.verdict == "bias" and not curve.tentative
    assert curve.source == "history" and curve.run == run.name
    assert curve.reasons[0].startswith("Training error at 207,500 examples, 1.0%, is already "
                                       "worse than the desired 0.5%")
    assert curve.reasons[-1] == CHECKPOINT_NOTE
    assert curve.as_dict()["source"] == "history"


def test_example_20_10_an_accuracy_history_in_percents_past_n_train() -> None:
    steps = (1_000, 2_000, 4_000, 8_000, 16_000)
    curves = {"metrics.samples_seen": list(enumerate(steps, 1)),
              "val_acc": list(enumerate((88, 91, 93, 94.5, 95), 1)),
              "val_acc_step": list(enumerate((50, 60, 70, 80, 99), 1))}
    assert history_columns(list(curves)) == ("metrics.samples_seen", {"dev": "val_acc"})
    curve = history_curve(Run(name="h", n_train=8_000), curves, 0.02)
    assert [p.size for p in curve.points] == list(steps[:4])
    assert [p.dev for p in curve.points] == pytest.approx([0.12, 0.09, 0.07, 0.055])
    assert all(p.train is None for p in curve.points)
    assert curve.verdict == "more_data" and curve.tentative
    assert curve.doublings_needed == pytest.approx(3.5 / 1.5)
    assert "1 checkpoint past the run's 8,000 training examples left out" in curve.reasons[-1]


# --- histories --------------------------------------------------------------------------------


def test_example_count_names_and_level_families() -> None:
    for name in ("examples_seen", "train_examples", "samples_seen", "n_train",
                 "num_train_examples", "train_size", "trained_examples",
                 "metrics.examples_seen", "Examples Seen"):
        assert is_example_count(name), name
    assert not is_example_count("train_error") and not is_example_count("step")
    assert history_columns(["train_error", "val_error"]) == (
        None, {"train": "train_error", "dev": "val_error"})
    assert history_columns(["n_train", "train_acc", "train_error", "test_error"])[1] == {
        "train": "train_error"}  # the metric's own family first; test is no level here
    accuracy = PRESETS["accuracy"]
    curves = {"examples_seen": [(1, 100), (2, 200), (3, 400)],
              "train_error": [(1, 0.0), (2, 0.01), (3, 0.02)],
              "val_error": [(1, 0.3), (2, 0.2), (3, 0.15)]}
    read = history_curve(Run(name="a"), curves, metric=accuracy)
    assert [p.dev for p in read.points] == pytest.approx([0.7, 0.8, 0.85])  # 1 − error
    assert history_columns(list(curves), PRESETS["mse"]) == ("examples_seen", {})


def test_a_history_without_counts_or_enough_checkpoints() -> None:
    none = history_curve(Run(name="h"), {"val_error": [(1, 0.2)]})
    assert none.verdict == "no_runs" and "no history with a count" in none.reasons[0]
    two = history_curve(Run(name="h"), {"examples_seen": [(1, 100), (2, 200), (3, 0)],
                                        "val_error": [(1, 0.2), (2, 0.1), (3, 0.05)]})
    assert two.verdict == "too_few" and two.reasons[0].startswith("2 checkpoints of 'h'")


def test_use_case_and_sources_with_a_history(store: Store) -> None:
    project = store.projects.create("History")
    for run in runs((1_000, 8_000), (0.005, 0.012), (0.12, 0.055), 10_000):
        add_run(store, project.id, run)
    key = store.runs.by_name(project.id, "r8000").key
    assert usecase.history_runs(store, project.id) == []
    assert usecase.default_source(store, project.id) == "sizes"
    with pytest.raises(InputError, match="no run has a history"):
        usecase.learning_curve(store, project.id, source="history")
    before = store.runs.list(project.id)
    store.runs.add_curves(project.id, key, {
        "examples_seen": [(1, 1_000), (2, 2_000), (3, 4_000), (4, 8_000)],
        "train_error": [(1, 0.005), (2, 0.008), (3, 0.010), (4, 0.012)],
        "val_error": [(1, 0.12), (2, 0.09), (3, 0.07), (4, 0.055)]})
    assert store.runs.list(project.id) == before  # no new version, same values
    assert [r.name for r in usecase.history_runs(store, project.id)] == ["r8000"]
    assert usecase.default_source(store, project.id) == "history"
    save_human_levels(store, project.id, [("expert", 0.02)])
    curve = usecase.learning_curve(store, project.id)
    assert curve.source == "history" and curve.run == "r8000"
    assert curve.verdict == "more_data" and curve.desired_label == "human level, expert"
    assert usecase.learning_curve(store, project.id, source="sizes").verdict == "too_few"
    assert usecase.learning_curve(store, project.id, ("r1000",), source="history"
                                  ).verdict == "no_runs"
    with pytest.raises(InputError, match="name exactly one"):
        usecase.learning_curve(store, project.id, ("r1000", "r8000"), source="history")
    with pytest.raises(InputError, match="source must be"):
        usecase.learning_curve(store, project.id, source="checkpoints")
    with pytest.raises(NotFoundError):
        store.runs.add_curves(project.id, 10_000, {"x": [(1, 1.0)]})


# --- around the examples ---------------------------------------------------------------------


def test_desired_level_reached() -> None:
    curve = learning_curve(runs(SIZES[:3], (0.0, 0.0, 0.0), (0.05, 0.03, 0.019), 10_000), 0.02)
    assert curve.verdict == "reached" and curve.more_data_helps is False


def test_no_usable_run_and_skipped_runs() -> None:
    curve = learning_curve([Run(name="no-size", dev_error=0.1),
                            Run(name="no-level", n_train=100)], 0.01)
    assert curve.verdict == "no_runs" and curve.points == ()
    assert curve.skipped == ("no-size", "no-level")
    assert "train the same model on a few training-set sizes" in curve.reasons[0]


def test_bad_confidence_and_desired_level_are_refused() -> None:
    with pytest.raises(InputError, match="confidence"):
        learning_curve([], confidence=1.0)
    with pytest.raises(InputError, match="outside the range"):
        learning_curve([], desired=1.5)


def test_the_chart_has_a_log_axis_the_points_and_the_desired_line() -> None:
    curve = learning_curve(runs(SIZES, (0.005, 0.008, 0.010, 0.012),
                                (0.12, 0.09, 0.07, 0.055), n_dev=10_000), 0.02, "expert")
    frame = learning_curve_frame(curve)
    assert len(frame) == 8 and set(frame["curve"]) == {"training", "dev"}
    spec = learning_curve_chart(curve).to_dict()
    assert spec["layer"][0]["encoding"]["x"]["scale"]["type"] == "log"
    assert any(layer.get("mark", {}).get("strokeDash") for layer in spec["layer"]
               if isinstance(layer.get("mark"), dict))


def test_as_dict_is_json_ready() -> None:
    curve = learning_curve(runs(SIZES, (0.005, 0.008, 0.010, 0.012),
                                (0.12, 0.09, 0.07, 0.055), n_dev=10_000), 0.02)
    data = curve.as_dict()
    assert data["verdict"] == "more_data" and data["desired"] == 0.02
    assert data["points"][0] == {"size": 1000, "runs": ["r1000"], "train": 0.005,
                                 "dev": 0.12, "train_interval": data["points"][0][
                                     "train_interval"], "dev_interval": data["points"][0][
                                     "dev_interval"]}
    assert data["unit"] == "%"


def test_use_case_reads_human_level_and_picks_runs(store: Store) -> None:
    project = store.projects.create("Curves")
    for run in runs(SIZES, (0.005, 0.008, 0.010, 0.012), (0.12, 0.09, 0.07, 0.055), 10_000):
        add_run(store, project.id, run)
    add_run(store, project.id, Run(name="other-model", dev_error=0.2))
    save_human_levels(store, project.id, [("expert", 0.02)])
    assert [r.name for r in usecase.curve_runs(store, project.id)] == [
        "r1000", "r2000", "r4000", "r8000"]
    curve = usecase.learning_curve(store, project.id)
    assert curve.verdict == "more_data" and curve.desired_label == "human level, expert"
    assert curve.skipped == ("other-model",)
    picked = usecase.learning_curve(store, project.id, ("r1000", "r2000"), desired=0.05)
    assert picked.verdict == "too_few" and picked.desired_label == "the team's target"
    with pytest.raises(NotFoundError, match="no run named 'ghost'"):
        usecase.learning_curve(store, project.id, ("ghost",))
