"""Every worked example of docs/rules.md §16 (the project metric), one test per
"Example 16.N", named `test_example_16_N_…`, plus the rules around them: presets, ranges,
formatting, the proposal from an import and the metric change."""

from __future__ import annotations

import json

import pytest

from strategy_core.diagnosis import ErrorLevels, decompose, focus_verdict, summary
from strategy_core.errors import ConflictError, InputError
from strategy_core.project_metric import PRESETS, ProjectMetric, propose_metric, with_changes
from strategy_core.run_csv import propose_mapping, read_table
from strategy_core.runs import Run
from strategy_core.stats import wilson_interval
from strategy_core.store import Store
from strategy_core.usecases import project_metric as metric_cases
from strategy_core.usecases import runs as run_cases
from strategy_core.usecases.diagnosis import diagnose_run

ACCURACY, MAE, WER = PRESETS["accuracy"], PRESETS["mae"], PRESETS["wer"]


def test_example_16_1_accuracy_gaps_point_the_same_way() -> None:
    result = decompose(ErrorLevels(human=0.99, train=0.95, dev=0.93, metric=ACCURACY))
    assert result.avoidable_bias == pytest.approx(0.04)
    assert result.variance == pytest.approx(0.02)
    assert result.focus == "avoidable_bias"
    assert ACCURACY.format_gap(result.avoidable_bias) == "4.0 pts"
    assert "(human level − training)" in focus_verdict(result)
    assert result.flags == ()


def test_example_16_2_mae_in_years_has_no_interval() -> None:
    years = with_changes(MAE, unit="years")
    result = decompose(ErrorLevels(human=2.1, train=2.4, dev=3.0, n_train=1000, n_dev=500,
                                   metric=years))
    assert result.focus == "variance"
    assert years.format_gap(result.avoidable_bias) == "0.300 years"
    assert years.format_gap(result.variance) == "0.600 years"
    assert result.intervals == {}
    assert result.as_dict()["unit"] == "years"


def test_example_16_3_wer_above_100_percent_is_a_level() -> None:
    result = decompose(ErrorLevels(human=0.045, train=0.06, train_dev=0.065, dev=0.14,
                                   metric=WER))
    assert result.focus == "data_mismatch"
    assert WER.format_gap(result.data_mismatch) == "7.5 pts"
    assert ErrorLevels(train=1.2, dev=1.3, metric=WER).train == 1.2
    with pytest.raises(InputError, match="outside the range of Word error rate"):
        ErrorLevels(train=-0.1, metric=WER)


def test_example_16_4_small_levels_do_not_round_into_each_other() -> None:
    result = decompose(ErrorLevels(human=0.001, train=0.0005, dev=0.002))
    assert summary(result).startswith("Error levels: human level 0.10%, training 0.05%, "
                                      "dev 0.20%.")
    assert "below_human" in result.flags


def test_example_16_5_a_loss_export_proposes_the_loss() -> None:
    table = read_table(b"name,train_loss,val_loss,val_mse\na,0.31,0.52,0.2\nb,0.25,0.49,0.1\n")
    mapping = {m.column: m for m in propose_mapping(table)}
    assert (mapping["train_loss"].role, mapping["train_loss"].kind) == ("train_error", "value")
    assert (mapping["val_loss"].role, mapping["val_loss"].kind) == ("dev_error", "value")
    assert mapping["val_mse"].role == "metric"
    plan = run_cases.plan_import(table)
    assert plan.proposed_metric == PRESETS["loss"]
    assert [run.dev_error for run in plan.built.runs] == [0.52, 0.49]


def test_example_16_6_a_change_that_leaves_a_value_out_of_range_is_refused(
        store: Store) -> None:
    project = store.projects.create("Losses")
    metric_cases.save_project_metric(store, project.id, PRESETS["loss"], expected=0)
    run_cases.add_run(store, project.id, Run(name="b", train_error=1.5, dev_error=1.9))
    entry = metric_cases.project_metric_entry(store, project.id)
    log_before = store.metric_log.list(project.id)
    with pytest.raises(InputError) as refused:
        metric_cases.save_project_metric(store, project.id, ACCURACY, expected=entry[1])
    assert "run 'b': Train error 150.0% is outside the range of Accuracy" in str(refused.value)
    assert refused.value.column == "train_error"
    assert metric_cases.project_metric_entry(store, project.id) == entry
    assert store.metric_log.list(project.id) == log_before


def test_example_16_7_accuracy_intervals_turn_round_with_their_gap() -> None:
    result = decompose(ErrorLevels(human=0.99, train=0.95, dev=0.93, n_train=5000, n_dev=2000,
                                   metric=ACCURACY))
    train = wilson_interval(0.95, 5000)
    bias = result.intervals["avoidable_bias"]
    assert (bias.low, bias.high) == pytest.approx((0.99 - train.high, 0.99 - train.low))
    assert round(bias.low, 3) == 0.034 and round(bias.high, 3) == 0.046
    assert result.significant["avoidable_bias"]


# --- around the examples ---------------------------------------------------------------------


def test_the_default_metric_is_the_error_rate_and_changes_nothing(store: Store) -> None:
    project = store.projects.create("Plain")
    assert metric_cases.project_metric(store, project.id) == PRESETS["error_rate"]
    result = decompose(ErrorLevels(human=0.01, train=0.08, dev=0.10))
    assert summary(result).startswith("Error levels: human level 1.0%, training 8.0%, dev "
                                      "10.0%. Focus: avoidable bias, the largest gap at "
                                      "7.0 pts (training − human level)")


def test_higher_is_better_flags_mirror_lower_is_better() -> None:
    result = decompose(ErrorLevels(human=0.95, train=0.97, train_dev=0.90, dev=0.92,
                                   test=0.94, metric=ACCURACY))
    assert result.flags == ("below_human", "dev_easier", "test_better")
    assert "Training Accuracy is better than human level" in result.flag_explanations[
        "below_human"]


def test_an_accuracy_shown_as_error_reasons_in_its_error(store: Store) -> None:
    project = store.projects.create("Shown")
    shown = with_changes(ACCURACY, shown_as_error=True)
    metric_cases.save_project_metric(store, project.id, shown, expected=0)
    run_cases.add_run(store, project.id, Run(name="r", train_error=0.92, dev_error=0.90))
    run_cases.save_human_levels(store, project.id, [("expert", 0.99), ("typical", 0.97)])
    result = diagnose_run(store, project).decomposition
    assert result.metric.name == "Error (1 − Accuracy)"
    assert (result.levels.human, result.levels.train, result.levels.dev) == pytest.approx(
        (0.01, 0.08, 0.10))  # the best human level is the highest accuracy
    assert result.focus == "avoidable_bias"


def test_metric_values_are_checked_on_every_way_in(store: Store) -> None:
    project = store.projects.create("F1 project")
    metric_cases.save_project_metric(store, project.id, PRESETS["f1"], expected=0)
    with pytest.raises(InputError, match="outside the range of F1"):
        run_cases.add_run(store, project.id, Run(name="r", dev_error=1.3))
    with pytest.raises(InputError, match="outside the range of F1"):
        run_cases.save_human_levels(store, project.id, [("expert", 1.2)])
    run_cases.add_run(store, project.id, Run(name="r", dev_error=0.8))
    key = run_cases.runs(store, project.id)[0].key
    with pytest.raises(InputError, match="outside the range of F1"):
        run_cases.edit_run(store, project.id, key, {"dev_error": -0.1}, expected_version=None)


def test_an_import_out_of_range_names_row_and_column_and_writes_nothing(store: Store) -> None:
    project = store.projects.create("Dice")
    metric_cases.save_project_metric(store, project.id, PRESETS["dice"], expected=0)
    data = b"name,train_dice,val_dice\na,0.91,0.85\nb,0.93,1.4\n"
    with pytest.raises(InputError) as refused:
        run_cases.import_run_file(store, project.id, data, source="dice.csv")
    assert (refused.value.row, refused.value.column) == (3, "val_dice")
    assert run_cases.runs(store, project.id) == []


def test_an_import_in_another_metric_needs_the_metric_confirmed(store: Store) -> None:
    project = store.projects.create("Speech")
    data = b"name,train_wer,val_wer\na,0.08,0.2\nb,0.06,0.15\n"
    with pytest.raises(InputError, match="set the project metric to Word error rate"):
        run_cases.import_run_file(store, project.id, data, source="wer.csv")
    assert run_cases.runs(store, project.id) == []
    plan, result = run_cases.import_run_file(store, project.id, data, source="wer.csv",
                                             metric=WER)
    assert result.added == 2 and plan.proposed_metric == WER
    assert metric_cases.project_metric(store, project.id) == WER
    (change,) = store.metric_log.list(project.id)
    assert change.what.startswith("project metric: Word error rate")
    assert "wer.csv" in change.reason


def test_a_stale_metric_save_is_refused(store: Store) -> None:
    project = store.projects.create("Two editors")
    metric_cases.save_project_metric(store, project.id, MAE, expected=0)
    with pytest.raises(ConflictError):
        metric_cases.save_project_metric(store, project.id, WER, expected=0)


@pytest.mark.parametrize(("names", "key"), [
    (["val_wer"], "wer"), (["eval/loss"], "loss"), (["test_mse", "val_loss"], "mse"),
    (["val_dice"], "dice"), (["metrics/mAP50"], "map"), (["val_f1"], "f1"),
    (["dev_acc"], "accuracy"), (["valid_ppl"], "perplexity")])
def test_proposal_from_column_names(names: list[str], key: str) -> None:
    assert propose_metric(names) == PRESETS[key]


def test_no_proposal_without_a_known_name() -> None:
    assert propose_metric(["latency_ms"]) is None


@pytest.mark.parametrize(("changes", "column"), [
    ({"direction": "up"}, "direction"), ({"kind": "ratio"}, "kind"), ({"name": ""}, "name"),
    ({"precision": 9}, "precision"), ({"unit": "x" * 30}, "unit"),
    ({"minimum": 2.0, "maximum": 1.0}, "minimum")])
def test_a_bad_metric_is_refused_naming_the_field(changes: dict, column: str) -> None:
    with pytest.raises(InputError) as refused:
        ProjectMetric(**{**MAE.as_setting(), **changes})
    assert refused.value.column == column


def test_only_an_accuracy_can_be_shown_as_error() -> None:
    with pytest.raises(InputError, match="only a rate where higher is better"):
        with_changes(MAE, shown_as_error=True)


def test_json_has_the_units_and_no_float_noise() -> None:
    payload = decompose(ErrorLevels(human=0.1 + 0.2, train=0.388, dev=0.5,
                                    metric=PRESETS["loss"])).as_dict()
    text = json.dumps(payload)
    assert "0.30000000000000004" not in text and '"human": 0.3' in text
    assert (payload["metric"], payload["direction"], payload["unit"]) == ("Loss", "lower", "")


def test_precision_grows_only_as_far_as_needed() -> None:
    assert PRESETS["error_rate"].digits_for([0.08, 0.1]) == 1
    assert PRESETS["error_rate"].digits_for([0.001, 0.0005]) == 2
    assert MAE.digits_for([2.4001, 2.4002]) == 4
    assert MAE.digits_for([1e-12, 2e-12]) == MAE.precision + 4  # capped


def test_uploaded_per_example_values_give_the_gaps_bootstrap_intervals(store: Store) -> None:
    """§17: a metric that is no rate gets its gaps' intervals from per-example values."""
    import random

    from strategy_core.diagnosis.bootstrap import mean_difference_interval
    from strategy_core.usecases.error_analysis import import_predictions

    project = store.projects.create("Ages")
    metric_cases.save_project_metric(store, project.id, MAE, expected=0)
    run_cases.add_run(store, project.id, Run(name="r", train_error=2.0, dev_error=3.0))
    run_cases.save_human_levels(store, project.id, [("radiologist", 1.8)])
    key = run_cases.runs(store, project.id)[0].key
    rng = random.Random(7)
    train = [abs(rng.gauss(2.0, 1.0)) for _ in range(300)]
    dev = [abs(rng.gauss(3.0, 1.5)) for _ in range(300)]
    rows = [f"t{i},train,{v}" for i, v in enumerate(train)] + [
        f"d{i},dev,{v}" for i, v in enumerate(dev)]
    import_predictions(store, project.id, key, ("example_id,split,value\n" + "\n".join(rows))
                       .encode(), source="values.csv")
    result = diagnose_run(store, project).decomposition
    variance = result.intervals["variance"]
    by_id = sorted  # the store hands values over in example-id order
    raw = mean_difference_interval(
        [v for _, v in by_id((f"d{i}", v) for i, v in enumerate(dev))],
        [v for _, v in by_id((f"t{i}", v) for i, v in enumerate(train))])
    shift = result.variance - (sum(dev) / 300 - sum(train) / 300)
    assert (variance.low, variance.high) == pytest.approx((raw.low + shift, raw.high + shift))
    assert variance.low < result.variance < variance.high and result.significant["variance"]
    assert "avoidable_bias" in result.intervals and "data_mismatch" not in result.intervals
    # the page's every-run diagnoses carry the same intervals
    from strategy_core.usecases.diagnosis import diagnoses
    assert diagnoses(store, project.id)[-1].decomposition.intervals == result.intervals
