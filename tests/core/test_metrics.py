"""Single-number metrics and optimizing + satisficing selection (SPEC 4.3)."""

from __future__ import annotations

import pytest

from strategy_core.errors import InputError
from strategy_core.metrics import (
    Constraint,
    Objective,
    RunMetrics,
    attribute_weights,
    compare_classifiers,
    f1,
    is_rate_metric,
    known_metrics,
    parse_constraint,
    parse_objective,
    select_run,
    slice_average,
    weighted_error,
)
from strategy_core.rates import format_pct

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
