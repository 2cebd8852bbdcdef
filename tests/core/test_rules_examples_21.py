"""Every worked example of docs/rules.md §21 (the six-box table), one test per "Example
21.N", named `test_example_21_N_…`, plus the rules around them: the use case, the stored
boxes, bad input."""

from __future__ import annotations

import pytest

from strategy_core.diagnosis import decompose
from strategy_core.diagnosis.six_box import GAP_NAMES, SixBoxLevels, six_box
from strategy_core.errors import ConflictError, InputError, NotFoundError
from strategy_core.project_metric import PRESETS
from strategy_core.runs import Run
from strategy_core.store import Store
from strategy_core.usecases import six_box as usecase
from strategy_core.usecases.diagnosis import diagnose_run
from strategy_core.usecases.runs import add_run, save_human_levels


def points(table, *names: str) -> tuple:
    """The gaps in percentage points, rounded (None when a box is missing)."""
    return tuple(None if table.gap(n).value is None else round(table.gap(n).value * 100, 6)
                 for n in names)


def test_example_21_1_mly_41_four_boxes_and_how_to_fill_the_rest() -> None:
    table = six_box(SixBoxLevels(human_training=0.0, train=0.10, train_dev=0.11, dev=0.20))
    assert points(table, "avoidable_bias", "variance", "data_mismatch") == (10.0, 1.0, 9.0)
    assert points(table, "target_avoidable_bias", "target_variance", "human_difference",
                  "trained_difference") == (None, None, None, None)
    assert table.gap("target_avoidable_bias").sentence.endswith("needs box D and B.")
    assert [text[0] for text in table.to_record] == ["B", "D"]
    assert "small share of dev/test-distribution data into the training set" in \
        table.to_record[1]


def test_example_21_2_course_rear_view_mirror() -> None:
    table = six_box(SixBoxLevels(0.04, 0.06, 0.07, 0.06, 0.10, 0.06))
    assert points(table, *GAP_NAMES) == (3.0, 3.0, -4.0, 0.0, 0.0, 2.0, -1.0)
    assert "It is negative: box F is better than box E" in table.gap("data_mismatch").sentence
    assert "the dev/test distribution is the easier one" in \
        table.gap("trained_difference").sentence
    assert table.notes == () and table.to_record == ()


def test_example_21_3_the_cat_demo_with_intervals() -> None:
    table = six_box(SixBoxLevels(0.005, 0.010, 0.010, 0.016, 0.015, 0.029, n_train=207_500,
                                 n_trained_target=5_000, n_train_dev=2_500, n_dev=2_500))
    assert points(table, "data_mismatch", "target_variance", "target_avoidable_bias") == (
        1.4, 1.3, 0.6)
    intervals = {n: table.gap(n).interval for n in ("data_mismatch", "target_variance",
                                                    "target_avoidable_bias")}
    assert {n: (round(i.low * 100, 2), round(i.high * 100, 2)) for n, i in intervals.items()} \
        == {"data_mismatch": (0.59, 2.24), "target_variance": (0.6, 2.1),
            "target_avoidable_bias": (0.29, 0.99)}
    assert table.gap("human_difference").interval is None
    assert table.notes == ("Of the 1.4 pts data mismatch, 0.5 pts matches the dev/test data "
                           "being harder for people too; the other 0.9 pts is mismatch the "
                           "model can still close.",)


def test_example_21_4_harder_data_covers_the_whole_mismatch() -> None:
    table = six_box(SixBoxLevels(human_training=0.01, human_target=0.04, train=0.02,
                                 train_dev=0.03, dev=0.05))
    assert points(table, "data_mismatch", "human_difference") == (2.0, 3.0)
    assert "at least the whole 2.0 pts data mismatch" in table.notes[0]
    assert [text[0] for text in table.to_record] == ["D"]


def test_example_21_5_accuracy_gaps_point_the_same_way() -> None:
    table = six_box(SixBoxLevels(0.99, 0.97, 0.97, 0.95, 0.96, 0.90,
                                 metric=PRESETS["accuracy"]))
    assert points(table, "avoidable_bias", "variance", "data_mismatch", "human_difference") \
        == (2.0, 1.0, 6.0, 2.0)
    assert "the other 4.0 pts is mismatch the model can still close" in table.notes[0]


# --- around the examples ---------------------------------------------------------------------


def test_the_first_row_agrees_with_the_gap_decomposition(store: Store) -> None:
    project = store.projects.create("Same numbers")
    add_run(store, project.id, Run(name="r", train_error=0.02, train_dev_error=0.05,
                                   dev_error=0.09, n_train=10_000, n_train_dev=2_000,
                                   n_dev=2_000))
    save_human_levels(store, project.id, [("expert", 0.01)])
    table = usecase.six_box_table(store, project.id).table
    gaps = diagnose_run(store, project).decomposition
    for name in ("avoidable_bias", "variance", "data_mismatch"):
        assert table.gap(name).value == pytest.approx(getattr(gaps, name))
        assert table.gap(name).interval == pytest.approx(gaps.intervals[name])
    assert decompose(gaps.levels).focus == gaps.focus


def test_recording_boxes_b_and_d_with_versions(store: Store) -> None:
    project = store.projects.create("Boxes")
    add_run(store, project.id, Run(name="r", train_error=0.02, dev_error=0.09))
    run = store.runs.by_name(project.id, "r")
    saved = usecase.save_human_target(store, project.id, 0.03, expected=0)
    assert saved is not None and saved.level == 0.03
    with pytest.raises(ConflictError):
        usecase.save_human_target(store, project.id, 0.04, expected=0)
    trained = usecase.save_trained_target(store, project.id, run.key, 0.05, 1_000, expected=0)
    answer = usecase.six_box_table(store, project.id, "r")
    assert answer.table.levels.human_target == 0.03
    assert (answer.table.levels.trained_target, answer.table.levels.n_trained_target) == (
        0.05, 1_000)
    assert answer.as_dict()["boxes"]["trained_target"] == 0.05
    assert usecase.save_trained_target(store, project.id, run.key, None,
                                       expected=trained.version) is None
    assert usecase.save_human_target(store, project.id, None, expected=saved.version) is None
    assert usecase.six_box_table(store, project.id).table.levels.human_target is None


def test_bad_boxes_are_refused_and_nothing_is_written(store: Store) -> None:
    project = store.projects.create("Refusals")
    add_run(store, project.id, Run(name="r", dev_error=0.09))
    run = store.runs.by_name(project.id, "r")
    with pytest.raises(InputError, match="outside the range"):
        usecase.save_human_target(store, project.id, 1.5)
    with pytest.raises(InputError, match="at least 1"):
        usecase.save_trained_target(store, project.id, run.key, 0.05, 0)
    with pytest.raises(NotFoundError):
        usecase.save_trained_target(store, project.id, 9_999, 0.05)
    with pytest.raises(InputError, match="positive whole number"):
        SixBoxLevels(train=0.1, n_train=0)
    assert store.six_box.trained_target(project.id, run.key) is None
    assert store.six_box.distribution_level(project.id, "target") is None


def test_an_accuracy_shown_as_error_reads_its_error(store: Store) -> None:
    from strategy_core.project_metric import with_changes
    from strategy_core.usecases.project_metric import save_project_metric

    project = store.projects.create("Shown")
    save_project_metric(store, project.id, with_changes(PRESETS["accuracy"],
                                                        shown_as_error=True), expected=0)
    add_run(store, project.id, Run(name="r", train_error=0.97, train_dev_error=0.96,
                                   dev_error=0.90))
    save_human_levels(store, project.id, [("expert", 0.99)])
    usecase.save_human_target(store, project.id, 0.97)
    table = usecase.six_box_table(store, project.id).table
    assert table.metric.name == "Error (1 − Accuracy)"
    assert (table.levels.human_training, table.levels.human_target) == pytest.approx(
        (0.01, 0.03))
    assert points(table, "avoidable_bias", "data_mismatch", "human_difference") == (
        2.0, 6.0, 2.0)
