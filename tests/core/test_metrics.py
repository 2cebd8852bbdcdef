"""Single-number metrics and optimizing + satisficing selection (docs/rules.md §3)."""

from __future__ import annotations

import pytest

from strategy_core.errors import InputError
from strategy_core.metrics import (
    Constraint,
    Objective,
    RunMetrics,
    SelectionDefinition,
    WeightedRow,
    attribute_weights,
    compare_classifiers,
    compare_run_f1,
    compare_slice_averages,
    compare_weighted,
    default_direction,
    describe_weighting,
    extra_metrics,
    f1,
    is_rate_metric,
    known_metrics,
    pareto_front,
    parse_constraint,
    parse_objective,
    parse_weight_map,
    precision_recall_pairs,
    run_metrics,
    select_from_runs,
    select_run,
    selectable_metrics,
    slice_average,
    slice_families,
    slice_rows_from_runs,
    suggest_definition,
    weighted_error,
)
from strategy_core.rates import format_pct
from strategy_core.runs import Run

# --- F1 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("precision", "recall", "expected", "shown"),
    [
        (0.95, 0.90, 0.9243243243243243, "92.4%"),
        (0.98, 0.85, 0.9103825136612022, "91.0%"),
        ("95%", "90%", 0.9243243243243243, "92.4%"),
        (0.0, 0.0, 0.0, "0.0%"),
        (1.0, 0.0, 0.0, "0.0%"),
        (1.0, 1.0, 1.0, "100.0%"),
        (0.5, 0.5, 0.5, "50.0%"),
    ],
    ids=[
        "spec-classifier-A-P95-R90",
        "spec-classifier-B-P98-R85",
        "typed-percentages",
        "both-zero-is-zero",
        "zero-recall",
        "perfect",
        "equal-P-and-R-is-their-value",
    ],
)
def test_f1(precision, recall, expected, shown):
    value = f1(precision, recall)
    assert value == pytest.approx(expected, abs=1e-12)
    assert format_pct(value) == shown


@pytest.mark.parametrize(
    ("precision", "recall"), [(1.5, 0.5), (-0.1, 0.5), (0.5, "abc")],
    ids=["precision-above-1", "negative-precision", "recall-not-a-number"],
)
def test_f1_rejects_bad_rates(precision, recall):
    with pytest.raises(InputError):
        f1(precision, recall)


@pytest.mark.parametrize(
    ("classifiers", "winner", "tied"),
    [
        ([("A", 0.95, 0.90), ("B", 0.98, 0.85)], "A", False),
        ([("B", 0.98, 0.85), ("A", 0.95, 0.90)], "A", False),
        ([("X", 0.90, 0.80), ("Y", 0.80, 0.90)], "X", True),
        ([("Y", 0.80, 0.90), ("X", 0.90, 0.80)], "Y", True),
        ([], None, False),
    ],
    ids=[
        "spec-A-beats-B",
        "spec-order-does-not-matter",
        "tie-first-listed-wins",
        "tie-first-listed-wins-reversed",
        "no-classifiers",
    ],
)
def test_compare_classifiers(classifiers, winner, tied):
    result = compare_classifiers(classifiers)
    assert result.winner == winner
    assert result.tied is tied
    assert result.reasons
    data = result.as_dict()
    assert set(data) == {"winner", "classifiers"}
    assert [c["name"] for c in data["classifiers"]] == [c[0] for c in classifiers]


def test_compare_classifiers_reports_each_f1():
    result = compare_classifiers([("A", 0.95, 0.90), ("B", 0.98, 0.85)])
    assert [format_pct(c.f1) for c in result.classifiers] == ["92.4%", "91.0%"]
    assert "A wins" in result.reasons[-1]


# --- average over slices -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "higher_is_better", "average", "worst"),
    [
        ({"US": 0.03, "China": 0.05, "India": 0.04}, False, 0.04, "China"),
        ({"US": 0.97, "China": 0.95, "India": 0.96}, True, 0.96, "China"),
        ({"only": 0.1}, False, 0.1, "only"),
        ({"a": 0.2, "b": 0.2, "c": 0.1}, False, 0.5 / 3, "a"),
    ],
    ids=[
        "error-by-region-worst-is-highest",
        "accuracy-by-region-worst-is-lowest",
        "single-slice",
        "tie-for-worst-goes-to-first-listed",
    ],
)
def test_slice_average(values, higher_is_better, average, worst):
    result = slice_average(values, higher_is_better=higher_is_better)
    assert result.average == pytest.approx(average, abs=1e-12)
    assert result.worst == worst
    data = result.as_dict()
    assert set(data) == {"average", "slices", "worst"}
    assert data["slices"] == [{"slice": k, "value": v} for k, v in values.items()]


@pytest.mark.parametrize(
    "values", [{}, {"a": float("nan")}, {"a": "x"}], ids=["empty", "nan", "not-a-number"]
)
def test_slice_average_rejects_bad_input(values):
    with pytest.raises(InputError):
        slice_average(values)


# --- weighted error ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wrong", "weights", "expected"),
    [
        ([True, False, False, False], [1, 1, 1, 1], 0.25),
        ([True, False, False, False], [10, 1, 1, 1], 10 / 13),
        ([False, True, False, False], [10, 1, 1, 1], 1 / 13),
        ([False, False], [0.5, 2], 0.0),
        ([True, True], [0, 3], 1.0),
        ([True, False], [0, 3], 0.0),
    ],
    ids=[
        "unweighted-equals-plain-error",
        "spec-weight-10-for-must-never-pass-missed",
        "spec-weight-10-for-must-never-pass-caught",
        "no-mistakes",
        "all-wrong",
        "zero-weight-mistake-does-not-count",
    ],
)
def test_weighted_error(wrong, weights, expected):
    assert weighted_error(wrong, weights) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("wrong", "weights", "message"),
    [
        ([True], [-1], "negative"),
        ([True, False], [0, 0], "add up to 0"),
        ([], [], "add up to 0"),
        ([True, False], [1], "one weight per example"),
        ([True], [float("inf")], "finite"),
    ],
    ids=["negative-weight", "weights-sum-to-zero", "no-examples", "length-mismatch", "inf"],
)
def test_weighted_error_rejects(wrong, weights, message):
    with pytest.raises(InputError, match=message):
        weighted_error(wrong, weights)


def test_attribute_weights_by_source():
    weights = attribute_weights(["adult", "kids", "other", "adult"], {"adult": 10}, default=1.0)
    assert weights == [10.0, 1.0, 1.0, 10.0]
    wrong = [True, False, False, False]
    assert weighted_error(wrong, weights) == pytest.approx(10 / 22)


@pytest.mark.parametrize(
    ("table", "default"), [({"adult": -1}, 1.0), ({"adult": 10}, -1.0)],
    ids=["negative-category-weight", "negative-default"],
)
def test_attribute_weights_rejects_negative(table, default):
    with pytest.raises(InputError, match="negative"):
        attribute_weights(["adult"], table, default=default)


# --- parsing objectives and constraints --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "metric", "direction"),
    [
        ("dev_error:min", "dev_error", "min"),
        ("accuracy:max", "accuracy", "max"),
        (" accuracy : MAX ", "accuracy", "max"),
        ("metrics.val/acc:max", "metrics.val/acc", "max"),
    ],
    ids=["dev-error-min", "accuracy-max", "spaces-and-case", "mlflow-style-name"],
)
def test_parse_objective(text, metric, direction):
    assert parse_objective(text) == Objective(metric, direction)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("dev_error", "needs a direction"),
        ("dev_error:lowest", "must be min or max"),
        (":min", "metric name"),
    ],
    ids=["no-direction", "unknown-direction", "no-metric"],
)
def test_parse_objective_rejects(text, message):
    with pytest.raises(InputError, match=message):
        parse_objective(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("latency_ms<=100", Constraint("latency_ms", "<=", 100.0)),
        ("latency_ms ≤ 100", Constraint("latency_ms", "<=", 100.0)),
        ("model_mb>=0.5", Constraint("model_mb", ">=", 0.5)),
        ("memory_mb ≥ 1500", Constraint("memory_mb", ">=", 1500.0)),
        ("dev_error<=5%", Constraint("dev_error", "<=", 0.05)),
        ("dev_error<=0.05", Constraint("dev_error", "<=", 0.05)),
        ("train_dev_error <= 7.5 %", Constraint("train_dev_error", "<=", 0.075)),
        ("accuracy>=90%", Constraint("accuracy", ">=", 0.9)),
        ("val_acc>=0.9", Constraint("val_acc", ">=", 0.9)),
        ("mean_squared_error<=2.5", Constraint("mean_squared_error", "<=", 2.5)),
    ],
    ids=[
        "spec-latency-le-100",
        "unicode-le",
        "plain-ge",
        "unicode-ge",
        "error-rate-percent",
        "error-rate-fraction",
        "train-dev-error-with-spaces",
        "accuracy-percent",
        "acc-abbreviation-is-a-rate",
        "mse-is-not-a-rate",
    ],
)
def test_parse_constraint(text, expected):
    assert parse_constraint(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("latency_ms", "must look like"),
        ("latency_ms<100", "use <= or >="),
        ("latency_ms=100", "use <= or >="),
        ("latency_ms<=", "no threshold"),
        ("latency_ms<=fast", "not a number"),
        ("latency_ms<=10%", "not a rate"),
        ("dev_error<=5", "ambiguous"),
        ("dev_error<=150%", "between 0% and 100%"),
        ("<=100", "must look like"),
        ("latency_ms<=inf", "finite"),
    ],
    ids=[
        "no-operator",
        "strict-less-than",
        "equals",
        "no-threshold",
        "word-threshold",
        "percent-on-non-rate",
        "bare-5-on-a-rate-is-ambiguous",
        "rate-above-100-percent",
        "no-metric",
        "infinite-threshold",
    ],
)
def test_parse_constraint_rejects(text, message):
    with pytest.raises(InputError, match=message):
        parse_constraint(text)


def test_constraint_text_round_trips():
    for text in ["latency_ms<=100", "dev_error<=0.05", "model_mb>=0.125", "n>=1234567"]:
        assert str(parse_constraint(text)) == text


@pytest.mark.parametrize(
    ("metric", "is_rate"),
    [
        ("dev_error", True),
        ("train_dev_error", True),
        ("test_error", True),
        ("error_rate", True),
        ("metrics.val_accuracy", True),
        ("top1_err", True),
        ("latency_ms", False),
        ("mean_squared_error", False),
        ("rmse", False),
        ("terror_count", False),
        ("recall", True),
        ("val_precision", True),
        ("f1", True),
    ],
    ids=[
        "dev-error",
        "train-dev-error",
        "test-error",
        "error-rate",
        "mlflow-accuracy",
        "err-abbreviation",
        "latency",
        "mse-spelled-out",
        "rmse",
        "word-containing-error-letters",
        "recall",
        "precision-with-prefix",
        "f1",
    ],
)
def test_is_rate_metric(metric, is_rate):
    assert is_rate_metric(metric) is is_rate


def test_objective_and_constraint_validate_when_built_directly():
    with pytest.raises(InputError):
        Objective("accuracy", "up")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        Constraint("latency_ms", "<", 100)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        Constraint("latency_ms", "<=", float("nan"))


# --- select_run ----------------------------------------------------------------------------

SPEC_RUNS = [
    RunMetrics("A", {"accuracy": 0.90, "latency_ms": 80}),
    RunMetrics("B", {"accuracy": 0.92, "latency_ms": 95}),
    RunMetrics("C", {"accuracy": 0.95, "latency_ms": 1500}),
]


def test_select_run_spec_example():
    selection = select_run(
        SPEC_RUNS, parse_objective("accuracy:max"), [parse_constraint("latency_ms<=100")]
    )
    assert selection.winner == "B"
    assert selection.tied is False
    assert selection.as_dict() == {
        "winner": "B",
        "feasible": [{"name": "B", "value": 0.92}, {"name": "A", "value": 0.90}],
        "infeasible": [{"name": "C", "violations": ["latency_ms<=100"]}],
        "missing": [],
    }
    assert selection.reasons[0].startswith("B wins")
    assert any("C is infeasible" in r and "1500" in r for r in selection.reasons)


@pytest.mark.parametrize(
    ("runs", "objective", "constraints", "winner", "feasible", "infeasible", "missing"),
    [
        (
            SPEC_RUNS, "accuracy:max", [], "C", ["C", "B", "A"], [], [],
        ),
        (
            SPEC_RUNS, "latency_ms:min", ["accuracy>=91%"], "B", ["B", "C"], ["A"], [],
        ),
        (
            SPEC_RUNS, "accuracy:max", ["latency_ms<=50"], None, [], ["A", "B", "C"], [],
        ),
        (
            [*SPEC_RUNS, RunMetrics("D", {"accuracy": 0.99})],
            "accuracy:max", ["latency_ms<=100"], "B", ["B", "A"], ["C"], [("D", ["latency_ms"])],
        ),
        (
            [RunMetrics("E", {"latency_ms": 10, "accuracy": None}), *SPEC_RUNS],
            "accuracy:max", ["latency_ms<=100"], "B", ["B", "A"], ["C"], [("E", ["accuracy"])],
        ),
        (
            [RunMetrics("F", {"accuracy": float("nan"), "latency_ms": 10})],
            "accuracy:max", [], None, [], [], [("F", ["accuracy"])],
        ),
        (
            [RunMetrics("G", {})],
            "accuracy:max", ["latency_ms<=100"], None, [], [], [("G", ["accuracy", "latency_ms"])],
        ),
        (
            [], "accuracy:max", [], None, [], [], [],
        ),
        (
            [RunMetrics("H", {"dev_error": 0.07}), RunMetrics("I", {"dev_error": 0.05})],
            "dev_error:min", ["dev_error<=6%"], "I", ["I"], ["H"], [],
        ),
    ],
    ids=[
        "no-constraints-best-accuracy",
        "minimize-latency-subject-to-accuracy",
        "nothing-feasible",
        "run-without-latency-is-missing-not-dropped",
        "run-with-none-optimizing-metric-is-missing",
        "nan-counts-as-missing",
        "every-needed-metric-listed-once",
        "no-runs",
        "constraint-on-the-optimized-rate",
    ],
)
def test_select_run(runs, objective, constraints, winner, feasible, infeasible, missing):
    selection = select_run(
        runs, parse_objective(objective), [parse_constraint(c) for c in constraints]
    )
    assert selection.winner == winner
    assert [name for name, _ in selection.feasible] == feasible
    assert [name for name, _ in selection.infeasible] == infeasible
    assert [(name, list(metrics)) for name, metrics in selection.missing] == missing
    assert selection.reasons
    assert set(selection.as_dict()) == {"winner", "feasible", "infeasible", "missing"}


def test_select_run_lists_every_violation():
    runs = [RunMetrics("slow_big", {"accuracy": 0.95, "latency_ms": 1500, "model_mb": 900})]
    constraints = [parse_constraint("latency_ms<=100"), parse_constraint("model_mb<=100")]
    selection = select_run(runs, parse_objective("accuracy:max"), constraints)
    assert selection.as_dict()["infeasible"] == [
        {"name": "slow_big", "violations": ["latency_ms<=100", "model_mb<=100"]}
    ]


@pytest.mark.parametrize(
    ("values", "winner", "tied_with", "order"),
    [
        ([0.92, 0.92, 0.90], "r0", ("r1",), ["r0", "r1", "r2"]),
        ([0.90, 0.92, 0.92], "r1", ("r2",), ["r1", "r2", "r0"]),
        ([0.1 + 0.2, 0.3], "r0", ("r1",), ["r0", "r1"]),
        ([0.3, 0.1 + 0.2], "r0", ("r1",), ["r0", "r1"]),
        ([0.92, 0.93], "r1", (), ["r1", "r0"]),
    ],
    ids=[
        "exact-tie-first-listed-wins",
        "tie-after-a-worse-run",
        "float-noise-tie-keeps-caller-order",
        "float-noise-tie-reversed-keeps-caller-order",
        "no-tie",
    ],
)
def test_select_run_ties_keep_callers_order(values, winner, tied_with, order):
    runs = [RunMetrics(f"r{i}", {"accuracy": v}) for i, v in enumerate(values)]
    selection = select_run(runs, Objective("accuracy", "max"), [])
    assert selection.winner == winner
    assert selection.tied is bool(tied_with)
    assert selection.tied_with == tied_with
    assert [name for name, _ in selection.feasible] == order
    if tied_with:
        assert "ties" in selection.reasons[0]


def test_constraint_at_the_threshold_is_met_despite_float_noise():
    runs = [RunMetrics("r", {"dev_error": 1 - 0.93, "accuracy": 0.93})]
    selection = select_run(
        runs, Objective("accuracy", "max"), [parse_constraint("dev_error>=7%")]
    )
    assert selection.winner == "r"


def test_known_metrics_first_seen_order_skips_empty_values():
    runs = [
        RunMetrics("a", {"accuracy": 0.9, "latency_ms": None}),
        RunMetrics("b", {"latency_ms": 80, "model_mb": float("nan")}),
    ]
    assert known_metrics(runs) == ["accuracy", "latency_ms"]


# --- the project's runs, the definition and the suggestion ---------------------------------

DEMO_LIKE = [
    Run(name="resnet50-mobile-5k", dev_error=0.032, metrics={"latency_ms": 46.2}),
    Run(name="efficientnet-b3-mobile", dev_error=0.029, metrics={"latency_ms": 121.5}),
    Run(name="cnn-small", dev_error=0.102, metrics={"latency_ms": 8.4}),
]


def test_run_metrics_hold_error_fields_and_extra_metrics():
    (first, *_) = run_metrics(DEMO_LIKE)
    assert first.name == "resnet50-mobile-5k"
    assert first.values["dev_error"] == 0.032 and first.values["latency_ms"] == 46.2
    assert first.values["train_error"] is None
    assert selectable_metrics(DEMO_LIKE) == ["dev_error", "latency_ms"]
    assert extra_metrics(DEMO_LIKE) == ["latency_ms"]


@pytest.mark.parametrize(
    ("metrics", "expected"),
    [
        (["dev_error", "latency_ms"], "Optimize dev_error (lower is better) subject to "
                                      "latency_ms ≤ 100."),
        (["dev_error", "precision"], "Optimize dev_error (lower is better)."),
        (["dev_error", "latency_s"], "Optimize dev_error (lower is better) subject to "
                                     "latency_s ≤ 0.1."),
        (["accuracy", "p99_latency_ms"], "Optimize accuracy (higher is better) subject to "
                                         "p99_latency_ms ≤ 100."),
    ],
    ids=["demo-dev-error-and-latency", "no-latency-no-threshold", "latency-in-seconds",
         "no-dev-error-falls-back-to-first-metric"],
)
def test_suggest_definition(metrics, expected):
    assert suggest_definition(metrics).statement() == expected


def test_demo_definition_latency_100_makes_the_newest_run_infeasible():
    definition = suggest_definition(selectable_metrics(DEMO_LIKE))
    selection = select_from_runs(DEMO_LIKE, definition)
    assert selection.winner == "resnet50-mobile-5k"
    assert selection.as_dict()["infeasible"] == [
        {"name": "efficientnet-b3-mobile", "violations": ["latency_ms<=100"]}]
    assert "latency_ms is 121.5, needs ≤ 100" in selection.reasons[1]
    relaxed = SelectionDefinition(definition.objective, (parse_constraint("latency_ms<=200"),))
    assert select_from_runs(DEMO_LIKE, relaxed).winner == "efficientnet-b3-mobile"


@pytest.mark.parametrize(
    "metric", ["latency", "dev_eror", "n_dev"], ids=["extra-not-recorded", "typo", "size-field"])
def test_unknown_metric_is_an_input_error(metric):
    with pytest.raises(InputError, match=f"unknown metric '{metric}'"):
        select_from_runs(DEMO_LIKE, SelectionDefinition(Objective(metric, "min")))


def test_error_field_nobody_recorded_is_known_and_every_run_is_missing():
    selection = select_from_runs(DEMO_LIKE, SelectionDefinition(Objective("test_error", "min")))
    assert selection.winner is None
    assert [name for name, _ in selection.missing] == [r.name for r in DEMO_LIKE]


@pytest.mark.parametrize(
    "setting",
    [
        {"optimize": "dev_error:min", "satisfy": ["latency_ms<=100"]},
        {"optimize": "accuracy:max", "satisfy": ["latency_ms<=100", "model_mb<=50",
                                                 "dev_error<=0.05"]},
        {"optimize": "dev_error:min", "satisfy": []},
    ],
    ids=["demo", "several-thresholds", "no-thresholds"],
)
def test_definition_round_trips_through_its_setting(setting):
    definition = SelectionDefinition.from_setting(setting)
    assert definition.as_setting() == setting
    assert SelectionDefinition.from_setting({**setting, "saved_by": "Ana"}) == definition


@pytest.mark.parametrize("setting", [{}, {"optimize": "dev_error"}, "dev_error:min"],
                         ids=["empty", "no-direction", "not-a-mapping"])
def test_definition_from_a_bad_setting_is_an_input_error(setting):
    with pytest.raises(InputError):
        SelectionDefinition.from_setting(setting)


@pytest.mark.parametrize(
    ("text", "described", "typed"),
    [("latency_ms<=100", "latency_ms ≤ 100", "100"),
     ("dev_error<=5.5%", "dev_error ≤ 5.5%", "5.5%"),
     ("accuracy>=0.9", "accuracy ≥ 90.0%", "90%"),
     ("model_mb>=0.125", "model_mb ≥ 0.125", "0.125")],
    ids=["latency", "rate-in-percent", "accuracy-fraction", "small-number"],
)
def test_constraint_as_a_reader_and_a_typist_see_it(text, described, typed):
    constraint = parse_constraint(text)
    assert constraint.describe() == described
    assert constraint.threshold_text() == typed
    assert parse_constraint(f"{constraint.metric}{constraint.op}{typed}") == constraint


@pytest.mark.parametrize(
    ("metric", "direction"),
    [("dev_error", "min"), ("latency_ms", "min"), ("accuracy", "max"), ("val_f1", "max"),
     ("precision", "max"), ("model_mb", "min")],
    ids=["error", "latency", "accuracy", "f1", "precision", "size"],
)
def test_default_direction(metric, direction):
    assert default_direction(metric) == direction


@pytest.mark.parametrize(
    ("points", "x_dir", "y_dir", "front"),
    [
        ([("A", 80, 0.90), ("B", 95, 0.92), ("C", 1500, 0.95), ("D", 100, 0.91)],
         "min", "max", ["A", "B", "C"]),
        ([("a", 1, 0.1), ("b", 1, 0.1), ("c", 2, 0.2)], "min", "min", ["a", "b"]),
        ([], "min", "min", []),
    ],
    ids=["spec-accuracy-latency-D-is-dominated", "equal-points-both-kept", "empty"],
)
def test_pareto_front(points, x_dir, y_dir, front):
    assert pareto_front(points, x_dir, y_dir) == front


# --- F1 and slices from run metrics ------------------------------------------------------


@pytest.mark.parametrize(
    ("metrics", "pairs"),
    [
        (["latency_ms", "precision", "recall"], [("precision", "recall")]),
        (["val_recall", "val_precision", "precision", "recall"],
         [("precision", "recall"), ("val_precision", "val_recall")]),
        (["Precision", "Recall"], [("Precision", "Recall")]),
        (["precision", "val_recall"], []),
    ],
    ids=["demo", "plain-pair-first", "capitalised", "no-matching-partner"],
)
def test_precision_recall_pairs(metrics, pairs):
    assert precision_recall_pairs(metrics) == pairs


def test_f1_from_runs_spec_example_and_skipped_runs():
    runs = [RunMetrics("A", {"precision": 0.95, "recall": 0.90}),
            RunMetrics("B", {"precision": 0.98, "recall": 0.85}),
            RunMetrics("C", {"precision": 0.99})]
    result = compare_run_f1(runs)
    assert result.winner == "A"
    assert [format_pct(c.f1) for c in result.classifiers] == ["92.4%", "91.0%"]
    assert result.skipped == (("C", "no recall recorded"),)
    assert result.verdict.startswith("A wins")
    assert result.as_dict()["winner"] == "A"


def test_f1_from_runs_reads_percent_exports():
    runs = [RunMetrics("A", {"precision": 95, "recall": 90}),
            RunMetrics("B", {"precision": 98, "recall": 85})]
    result = compare_run_f1(runs)
    assert result.winner == "A"
    assert result.classifiers[0].f1 == pytest.approx(0.9243243243243243)
    assert any("percent" in reason for reason in result.reasons)


def test_f1_from_runs_with_no_values_has_no_winner():
    result = compare_run_f1([RunMetrics("X", {})])
    assert result.winner is None and result.skipped == (("X", "no precision or recall "
                                                                "recorded"),)


@pytest.mark.parametrize(
    ("metrics", "patterns"),
    [
        (["latency_ms", "precision", "recall", "region_us_error", "region_eu_error",
          "region_asia_error"], ["region_{slice}_error"]),
        (["acc.us", "acc.eu", "latency_ms"], ["acc.{slice}"]),
        (["region_us_error", "region_eu_error", "region_us_acc", "region_eu_acc"],
         ["region_{slice}_acc", "region_{slice}_error", "region_eu_{slice}",
          "region_us_{slice}"]),
        (["precision", "recall"], []),
    ],
    ids=["demo-regions", "dotted-names", "fixed-measure-first", "single-words-never-a-family"],
)
def test_slice_families(metrics, patterns):
    assert [f.pattern for f in slice_families(metrics)] == patterns


def test_slice_family_of_the_demo_and_its_rows():
    (family,) = slice_families(["region_us_error", "region_eu_error", "region_asia_error"])
    assert family.slices == (("us", "region_us_error"), ("eu", "region_eu_error"),
                             ("asia", "region_asia_error"))
    assert family.higher_is_better is False
    runs = [RunMetrics("r1", {"region_us_error": 0.03, "region_eu_error": 0.031}),
            RunMetrics("r2", {})]
    assert slice_rows_from_runs(runs, family) == [("r1", "us", 0.03), ("r1", "eu", 0.031)]


REGIONS = [("A", "US", 0.03), ("A", "China", 0.05), ("A", "India", 0.04),
           ("B", "US", 0.04), ("B", "China", 0.04), ("B", "India", 0.035)]


@pytest.mark.parametrize(
    ("rows", "higher", "winner", "averages", "incomplete"),
    [
        (REGIONS, False, "B", {"A": 0.04, "B": 0.115 / 3}, []),
        ([(c, s, 1 - v) for c, s, v in REGIONS], True, "B", {"A": 0.96, "B": 1 - 0.115 / 3},
         []),
        ([*REGIONS, ("C", "US", 0.01)], False, "B", {"A": 0.04, "B": 0.115 / 3},
         [("C", ("China", "India"))]),
        ([("X", "a", 0.1), ("Y", "a", 0.1)], False, "X", {"X": 0.1, "Y": 0.1}, []),
        ([], False, None, {}, []),
    ],
    ids=["error-by-region-lowest-average-wins", "accuracy-highest-average-wins",
         "classifier-missing-slices-is-not-ranked", "tie-first-listed-wins", "nothing"],
)
def test_compare_slice_averages(rows, higher, winner, averages, incomplete):
    result = compare_slice_averages(rows, higher_is_better=higher, rates=True)
    assert result.winner == winner
    assert {name: r.average for name, r in result.classifiers} == pytest.approx(averages)
    assert list(result.incomplete) == incomplete
    assert set(result.as_dict()) == {"winner", "slices", "classifiers", "incomplete"}
    if winner == "B" and not higher:
        assert "(3.8%)" in result.reasons[0] and "worst slice is US" in result.reasons[0]


@pytest.mark.parametrize(
    ("rows", "message"),
    [([("A", "US", 0.1), ("A", "US", 0.2)], "two values for slice 'US'"),
     ([("", "US", 0.1)], "classifier and a slice"),
     ([("A", "US", float("nan"))], "not a finite number")],
    ids=["duplicate-slice", "blank-name", "nan-value"],
)
def test_compare_slice_averages_rejects(rows, message):
    with pytest.raises(InputError, match=message):
        compare_slice_averages(rows)


# --- weighted error per run --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("web=10, mobile=1", {"web": 10.0, "mobile": 1.0}), ("", {}),
     ("cat = 10\nnot_cat=0.5", {"cat": 10.0, "not_cat": 0.5}), ("a=b=2", {"a=b": 2.0})],
    ids=["commas", "blank", "new-lines-and-spaces", "last-equals-sign-splits"],
)
def test_parse_weight_map(text, expected):
    assert parse_weight_map(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [("web", "value=weight"), ("web=-1", "negative"), ("web=1, web=2", "twice"),
     ("=3", "value=weight"), ("web=lots", "not a number")],
    ids=["no-equals", "negative", "twice", "no-value", "not-a-number"],
)
def test_parse_weight_map_rejects(text, message):
    with pytest.raises(InputError, match=message):
        parse_weight_map(text)


def test_describe_weighting():
    assert describe_weighting(None).startswith("the file's weight column")
    assert describe_weighting("source", {"web": 10}, 1) == "source: web ×10, other values ×1"


def test_compare_weighted_the_weights_change_the_pick():
    # A errs on 1 of 13 examples, a weight-10 one; B errs on 2 weight-1 examples (docs/rules.md §3).
    rows = [WeightedRow("A", 13, 1 / 13, 10 / 22), WeightedRow("B", 13, 2 / 13, 2 / 22)]
    result = compare_weighted(rows, "source: adult ×10, other values ×1")
    assert (result.best_weighted, result.best_unweighted) == ("B", "A")
    assert result.reasons[0].startswith("B has the lowest weighted error, 9.1%")
    assert any("change the pick" in r for r in result.reasons)
    assert result.as_dict()["runs"][0] == {"name": "A", "n": 13,
                                          "unweighted_error": 1 / 13,
                                          "weighted_error": 10 / 22}


@pytest.mark.parametrize(
    ("rows", "best"),
    [([WeightedRow("A", 4, 0.25, 0.25), WeightedRow("B", 4, 0.25, 0.25)], "A"),
     ([WeightedRow("A", 4, 0.25, None), WeightedRow("B", 4, 0.5, 0.5)], "B"),
     ([WeightedRow("A", 4, 0.25, None)], None)],
    ids=["tie-first-listed", "run-without-weight-is-skipped", "no-weighted-error-at-all"],
)
def test_compare_weighted_edges(rows, best):
    result = compare_weighted(rows, "w")
    assert result.best_weighted == best
    assert result.reasons


@pytest.mark.parametrize(("x_dir", "y_dir"), [("min", "min"), ("min", "max"), ("max", "min"),
                                              ("max", "max")],
                         ids=["min-min", "min-max", "max-min", "max-max"])
def test_pareto_front_matches_the_definition_on_a_grid_with_ties(x_dir, y_dir):
    points = [(f"r{i}", (i * 7) % 5, (i * 3) % 4) for i in range(40)]

    def better_or_equal(a, b, direction):
        return a <= b if direction == "min" else a >= b

    expected = sorted(
        (x, y, name) for name, x, y in points
        if not any(better_or_equal(ox, x, x_dir) and better_or_equal(oy, y, y_dir)
                   and (ox, oy) != (x, y) for _, ox, oy in points))
    assert pareto_front(points, x_dir, y_dir) == [name for *_, name in expected]
