"""Run CSV import: format detection, column mapping, conversion and validation (docs/rules.md §9,
"""

from __future__ import annotations

import csv
import io
import math
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from strategy_core.errors import InputError
from strategy_core.run_csv import (
    ColumnMapping,
    build_runs,
    classify_metric,
    detect_format,
    detect_scale,
    mapping_from_rows,
    mapping_rows,
    propose_mapping,
    read_table,
    with_overrides,
)
from strategy_core.runs import ERROR_FIELDS, SIZE_FIELDS
from tests.conftest import SAMPLES

# (file, detected format, number of runs, the column each run field comes from, value kind)
SAMPLE_CASES = [
    ("runs_generic.csv", "generic", 6, {
        "name": "name", "created": "created", "train_error": "train_error",
        "train_dev_error": "train_dev_error", "dev_error": "dev_error",
        "test_error": "test_error", "n_train": "n_train", "n_train_dev": "n_train_dev",
        "n_dev": "n_dev", "n_test": "n_test"}, "error"),
    ("mlflow_search_runs.csv", "mlflow", 6, {
        "name": "tags.mlflow.runName", "run_id": "run_id", "created": "start_time",
        "train_error": "metrics.train_acc", "train_dev_error": "metrics.train_dev_acc",
        "dev_error": "metrics.val_acc", "test_error": "metrics.test_acc"}, "accuracy"),
    ("mlflow_ui_runs.csv", "mlflow-ui", 6, {
        "name": "Name", "run_id": "Run ID", "created": "Start Time",
        "train_error": "train_acc", "train_dev_error": "train_dev_acc",
        "dev_error": "val_acc", "test_error": "test_acc"}, "accuracy"),
    ("wandb_export.csv", "wandb", 4, {
        "name": "Name", "created": "Created", "train_error": "train_acc",
        "train_dev_error": "train_dev_acc", "dev_error": "val_acc",
        "test_error": "test_acc"}, "accuracy"),
]
SAMPLE_IDS = [case[0] for case in SAMPLE_CASES]


def table_of(text: str | bytes):
    return read_table(text.encode() if isinstance(text, str) else text)


def build(text: str, **overrides):
    table = table_of(text)
    mapping = propose_mapping(table)
    if overrides:
        mapping = with_overrides(table, mapping, **overrides)
    return build_runs(table, mapping)


def sample_rows(file_name: str) -> list[dict[str, str]]:
    text = (SAMPLES / file_name).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


# --- every sample, auto-detection alone -----------------------------------------------------


@pytest.mark.parametrize(("file_name", "fmt", "count", "fields", "kind"), SAMPLE_CASES,
                         ids=SAMPLE_IDS)
def test_sample_format_is_detected(file_name, fmt, count, fields, kind):
    table = read_table((SAMPLES / file_name).read_bytes())
    assert detect_format(table.headers) == fmt
    assert len(table.rows) == count


@pytest.mark.parametrize(("file_name", "fmt", "count", "fields", "kind"), SAMPLE_CASES,
                         ids=SAMPLE_IDS)
def test_sample_columns_map_to_the_right_fields(file_name, fmt, count, fields, kind):
    table = read_table((SAMPLES / file_name).read_bytes())
    mapping = propose_mapping(table)
    by_role: dict[str, list[str]] = {}
    for m in mapping:
        by_role.setdefault(m.role, []).append(m.column)
    for field_name, column in fields.items():
        assert by_role.get(field_name) == [column], field_name
    for m in mapping:
        if m.role in ERROR_FIELDS:
            assert (m.kind, m.scale) == (kind, "fraction"), m.column


@pytest.mark.parametrize(("file_name", "fmt", "count", "fields", "kind"), SAMPLE_CASES,
                         ids=SAMPLE_IDS)
def test_train_dev_never_lands_in_the_train_column(file_name, fmt, count, fields, kind):
    table = read_table((SAMPLES / file_name).read_bytes())
    mapping = {m.role: m.column for m in propose_mapping(table) if m.role in ERROR_FIELDS}
    assert "dev" not in mapping["train_error"].lower()
    assert "train_dev" in mapping["train_dev_error"]


@pytest.mark.parametrize(("file_name", "fmt", "count", "fields", "kind"), SAMPLE_CASES,
                         ids=SAMPLE_IDS)
def test_sample_runs_hold_the_files_values(file_name, fmt, count, fields, kind):
    """Every error is the file's value (accuracy converted to 1 - accuracy), every size the
    file's number, every run name the file's name, in file order."""
    table = read_table((SAMPLES / file_name).read_bytes())
    built = build_runs(table, propose_mapping(table))
    assert built.ok, built.problems
    assert built.warnings == ()
    rows = sample_rows(file_name)
    assert [r.name for r in built.runs] == [row[fields["name"]] for row in rows]
    for run, row in zip(built.runs, rows, strict=True):
        for field_name in ERROR_FIELDS:
            raw = float(row[fields[field_name]])
            expected = 1 - raw if kind == "accuracy" else raw
            assert getattr(run, field_name) == pytest.approx(expected, abs=1e-12)
        for field_name in SIZE_FIELDS:
            expected_size = int(row[fields[field_name]]) if field_name in fields else None
            assert getattr(run, field_name) == expected_size
        if "run_id" in fields:
            assert run.run_id == row[fields["run_id"]]
        assert run.created is not None


@pytest.mark.parametrize(
    ("file_name", "run_name", "expected"),
    [
        ("mlflow_search_runs.csv", "vit-b16-regularized",
         {"train_error": 0.015, "train_dev_error": 0.017, "dev_error": 0.028,
          "test_error": 0.029}),
        ("mlflow_ui_runs.csv", "vit-b16-regularized",
         {"train_error": 0.015, "train_dev_error": 0.017, "dev_error": 0.028,
          "test_error": 0.029}),
        ("wandb_export.csv", "fluent-sun-1",
         {"train_error": 0.10, "train_dev_error": 0.11, "dev_error": 0.14,
          "test_error": 0.142}),
        ("runs_generic.csv", "baseline-logreg",
         {"train_error": 0.14, "train_dev_error": 0.15, "dev_error": 0.18,
          "test_error": 0.185, "n_train": 200000, "n_train_dev": 5000, "n_dev": 2500,
          "n_test": 2500}),
    ],
    ids=["mlflow-val_acc-0.972-is-dev-error-2.8pct", "mlflow-ui-same-run",
         "wandb-accuracies", "generic-errors-and-sizes"],
)
def test_sample_spot_values(file_name, run_name, expected):
    table = read_table((SAMPLES / file_name).read_bytes())
    run = next(r for r in build_runs(table, propose_mapping(table)).runs if r.name == run_name)
    for field_name, value in expected.items():
        assert getattr(run, field_name) == pytest.approx(value, abs=1e-12), field_name


def test_mlflow_search_runs_and_ui_download_give_the_same_runs():
    """The two MLflow samples are the same experiment: the same errors per run id."""
    built = {}
    for file_name in ("mlflow_search_runs.csv", "mlflow_ui_runs.csv"):
        table = read_table((SAMPLES / file_name).read_bytes())
        built[file_name] = {r.run_id: r for r in build_runs(table, propose_mapping(table)).runs}
    api, ui = built["mlflow_search_runs.csv"], built["mlflow_ui_runs.csv"]
    assert set(api) == set(ui) and len(api) == 6
    for run_id, run in api.items():
        assert run.errors() == pytest.approx(ui[run_id].errors(), abs=1e-12)
        assert run.name == ui[run_id].name
        assert run.params == ui[run_id].params
        assert run.metrics == ui[run_id].metrics


@pytest.mark.parametrize(
    ("file_name", "run_name", "metrics", "params", "created"),
    [
        ("mlflow_search_runs.csv", "vit-b16-regularized", {"latency_ms": 140.0},
         {"arch": "vit", "augment": "False", "epochs": "30", "lr": "0.0001", "owner": "ana"},
         datetime(2026, 11, 21, 13, 22, 3, 89000)),
        ("mlflow_ui_runs.csv", "resnet50-aug", {"latency_ms": 31.0},
         {"arch": "resnet50", "augment": "True", "epochs": "60", "lr": "0.0001",
          "owner": "ana"}, datetime(2026, 11, 21, 13, 22, 2)),
        ("wandb_export.csv", "misty-field-4", {},
         {"batch_size": "64", "epochs": "50", "lr": "0.0003", "model": "vit"},
         datetime(2026, 10, 4, 9, 13)),
        ("runs_generic.csv", "cnn-small", {"latency_ms": 9.4, "precision": 0.93,
                                           "recall": 0.88}, {}, datetime(2026, 9, 8)),
    ],
    ids=["mlflow-metrics-params-tags", "mlflow-ui-bare-names", "wandb-config-columns",
         "generic-extra-metrics"],
)
def test_sample_extra_metrics_params_and_created(file_name, run_name, metrics, params,
                                                 created):
    table = read_table((SAMPLES / file_name).read_bytes())
    run = next(r for r in build_runs(table, propose_mapping(table)).runs if r.name == run_name)
    assert dict(run.metrics) == pytest.approx(metrics)
    assert dict(run.params) == params
    assert run.created == created


# --- metric names, percent detection, value strings ------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("val_acc", ("dev_error", "accuracy")),
        ("metrics.val_acc", ("dev_error", "accuracy")),
        ("train_dev_acc", ("train_dev_error", "accuracy")),
        ("metrics.train-dev Error", ("train_dev_error", "error")),
        ("trainDevAccuracy", ("train_dev_error", "accuracy")),
        ("traindev_error", ("train_dev_error", "error")),
        ("training_accuracy", ("train_error", "accuracy")),
        ("validation_error", ("dev_error", "error")),
        ("valid_err", ("dev_error", "error")),
        ("test_acc", ("test_error", "accuracy")),
        ("eval_accuracy", ("dev_error", "accuracy")),
        ("accuracy", (None, "accuracy")),
        ("val_loss", (None, None)),
        ("latency_ms", (None, None)),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_metric_names_map_to_split_and_kind(name, expected):
    assert classify_metric(name) == expected


@pytest.mark.parametrize(
    ("cells", "scale"),
    [
        (["0.1", "0.25"], "fraction"),
        (["1", "0.5"], "fraction"),
        (["8", "0.5"], "percent"),
        (["1.0001"], "percent"),
        (["8%"], "percent"),
        (["0.5 %"], "percent"),
        (["'97.2"], "percent"),
        (["", "  "], "fraction"),
        (["nan", "inf"], "fraction"),
    ],
    ids=["fractions", "one-is-a-fraction", "any-value-above-1", "just-above-1",
         "percent-sign", "percent-sign-with-space", "mlflow-quote-prefix", "blank",
         "non-finite-ignored"],
)
def test_percent_detection(cells, scale):
    assert detect_scale(cells) == scale


@pytest.mark.parametrize(
    ("text", "expected_dev"),
    [
        ("name,dev_error\na,8%\nb,12.5%\n", [0.08, 0.125]),
        ("name,dev_error\na,8 %\nb,0.5%\n", [0.08, 0.005]),
        ("name,dev_error\na,8\nb,12.5\n", [0.08, 0.125]),
        ("name,dev_acc\na,97.2\nb,95\n", [0.028, 0.05]),
        ("name,dev_acc\na,97.2%\nb,95%\n", [0.028, 0.05]),
        ("name,val_accuracy\na,0.972\nb,1\n", [0.028, 0.0]),
        ("name,dev_error\na,0\nb,1\n", [0.0, 1.0]),
        ("name;dev_error\na;0,08\nb;0,1\n", [0.08, 0.1]),
        ("name\tdev_error\na\t0.08\nb\t0.1\n", [0.08, 0.1]),
    ],
    ids=["8pct-strings", "percent-sign-with-space", "bare-percents", "accuracy-percents",
         "accuracy-percent-strings", "accuracy-fractions", "bounds-0-and-1",
         "semicolon-decimal-comma", "tab-separated"],
)
def test_values_convert_to_error_fractions(text, expected_dev):
    built = build(text)
    assert built.ok, built.problems
    assert [r.dev_error for r in built.runs] == pytest.approx(expected_dev, abs=1e-12)


def test_mixed_scale_column_warns():
    built = build("name,dev_error\na,0.5\nb,12\n")
    assert built.ok
    assert [r.dev_error for r in built.runs] == pytest.approx([0.005, 0.12])
    assert any("dev_error" in w and "check the scale" in w for w in built.warnings)


def test_mlflow_ui_quote_prefixed_cells_are_numbers():
    """The MLflow UI prefixes formula-looking cells with `'`: stripped before parsing."""
    text = (
        '"Start Time","Duration","Run ID","Name","Source Type","Source Name","User",'
        '"Status","delta","val_acc","train_acc","n_dev"\n'
        '"2026-11-21 13:22:03","40ms","abc123","run-a","LOCAL","train.py","u","FINISHED",'
        '"\'-0.5","\'0.972","0.99","\'2500"\n'
    )
    table = table_of(text)
    assert detect_format(table.headers) == "mlflow-ui"
    built = build_runs(table, propose_mapping(table))
    assert built.ok, built.problems
    run = built.runs[0]
    assert run.dev_error == pytest.approx(0.028)
    assert run.train_error == pytest.approx(0.01)
    assert run.n_dev == 2500
    assert run.metrics == {"delta": -0.5}
    assert run.run_id == "abc123"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-21 13:22:03.089+00:00", datetime(2026, 11, 21, 13, 22, 3, 89000)),
        ("2026-10-01T09:10:00.000Z", datetime(2026, 10, 1, 9, 10)),
        ("2026-01-01T10:00:00+02:00", datetime(2026, 1, 1, 8, 0)),
        ("2026-09-01", datetime(2026, 9, 1)),
        ("1700000000", datetime(2023, 11, 14, 22, 13, 20)),
        ("1700000000000", datetime(2023, 11, 14, 22, 13, 20)),
    ],
    ids=["mlflow-offset", "wandb-z", "offset-to-utc", "date-only", "epoch-seconds",
         "epoch-millis"],
)
def test_created_times_are_utc(raw, expected):
    built = build(f"name,created,dev_error\na,{raw},0.1\n")
    assert built.ok, built.problems
    assert built.runs[0].created == expected


# --- validation: each failure names its row and column ----------------------------------------


@pytest.mark.parametrize(
    ("text", "row", "column", "words"),
    [
        ("name,dev_error\na,0.1\nb,120\n", 3, "dev_error", "above 100%"),
        ("name,dev_error\na,150%\n", 2, "dev_error", "above 100%"),
        ("name,dev_acc\na,101%\n", 2, "dev_acc", "above 100%"),
        ("name,dev_error\na,-0.1\n", 2, "dev_error", "negative"),
        ("name,dev_error\na,nan\n", 2, "dev_error", "not a finite number"),
        ("name,dev_error\na,inf\n", 2, "dev_error", "not a finite number"),
        ("name,test_error\na,0.1\nb,-inf\n", 3, "test_error", "not a finite number"),
        ("name,dev_error\na,abc\n", 2, "dev_error", "not a number"),
        ("name,dev_error,n_dev\na,0.1,0\n", 2, "n_dev", "positive whole number"),
        ("name,dev_error,n_dev\na,0.1,-5\n", 2, "n_dev", "positive whole number"),
        ("name,dev_error,n_test\na,0.1,2.5\n", 2, "n_test", "whole number"),
        ("name,dev_error,n_train\na,0.1,many\n", 2, "n_train", "whole number"),
        ("name,dev_error,n_train\na,0.1,nan\n", 2, "n_train", "whole number"),
        ("name,dev_error\na,0.1\n,0.2\n", 3, "name", "neither a name nor an id"),
        ("run_id,name,dev_error\nx,a,0.1\ny,b,0.2\nx,c,0.3\n", 4, "run_id",
         "run id 'x' appears twice (rows 2 and 4)"),
        ("name,created,dev_error\na,yesterday,0.1\n", 2, "created", "not a date"),
        ("name,dev_error\n" + "x" * 201 + ",0.1\n", 2, "name", "at most 200"),
    ],
    ids=["error-above-100pct-after-percent-detection", "percent-string-above-100",
         "accuracy-above-100pct", "negative-error", "nan", "inf", "minus-inf-row-3",
         "text-in-error-column", "size-zero", "size-negative", "size-fraction", "size-text",
         "size-nan", "no-name-in-row", "duplicate-run-id", "bad-date",
         "name-too-long"],
)
def test_row_problems_name_row_and_column(text, row, column, words):
    built = build(text)
    assert not built.ok
    assert built.runs == ()
    problem = built.problems[0]
    assert (problem.row, problem.column) == (row, column)
    message = str(problem)
    assert f"row {row}" in message and f"column '{column}'" in message
    assert words in message


def test_error_above_1_read_as_fraction_says_choose_percent():
    built = build("name,dev_error\na,8\n", scale="fraction")
    assert not built.ok
    problem = built.problems[0]
    assert (problem.row, problem.column) == (2, "dev_error")
    assert "choose percent" in str(problem)


def test_every_bad_row_is_reported_and_no_run_is_built():
    built = build("name,dev_error,n_dev\na,0.1,100\nb,2000,100\nc,0.1,0\nd,0.2,100\n")
    assert built.runs == ()
    assert [(p.row, p.column) for p in built.problems] == [(3, "dev_error"), (4, "n_dev")]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("name,latency_ms\na,3.1\n", "no column is mapped to an error field"),
    ],
    ids=["no-error-column"],
)
def test_file_level_problems(text, words):
    built = build(text)
    assert not built.ok and built.runs == ()
    assert words in str(built.problems[0])


@pytest.mark.parametrize(
    ("data", "row", "column", "words"),
    [
        ("name,dev_error\ncafé,0.1\n".encode("latin-1"), 2, "name", "not UTF-8"),
        ("name,dev_error\na,0.1\nb,0\xb71\n".encode("latin-1"), 3, "dev_error", "not UTF-8"),
        ("name,dev_error\na,0.1\n".encode("utf-16"), None, None, "UTF-16"),
        ("name,dev_error\na,0.1\n".encode("utf-16-le"), None, None, "UTF-16"),
        ("name,dev_error\na,0.1\n".encode("utf-16-be"), None, None, "UTF-16"),
        (b"name,dev_error\na,0.1\nb,0.2,3\n", 3, None, "3 cells but the header has 2"),
        (b"name,dev_error\na,0.1\nb\n", 3, None, "1 cells but the header has 2"),
        (b'name,dev_error\na,0.1\n"b,0.2\nc,0.3\n', 3, None, "broken CSV quoting"),
        (b'name,dev_error\n"a"x,0.1\n', 2, None, "broken CSV quoting"),
        (b"", None, None, "empty"),
        (b" \n\n", None, None, "empty"),
        (b"name,dev_error\n", None, None, "header but no runs"),
        (b"name,dev_error\n\n\n", None, None, "header but no runs"),
        (b"name,dev_error,dev_error\na,0.1,0.2\n", 1, "dev_error", "twice"),
        (b"name,,dev_error\na,b,0.1\n", 1, None, "column 2 has no name"),
        (b'[{"name": "a"}]', None, None, "JSON"),
        (b"<html><body>runs</body></html>", None, None, "HTML"),
    ],
    ids=["latin-1-row-2", "latin-1-row-3-second-column", "utf-16", "utf-16-without-bom",
         "utf-16-big-endian-without-bom",
         "ragged-long-row", "ragged-short-row", "unterminated-quote", "text-after-quote",
         "empty-file", "blank-lines-only", "header-only", "header-and-blank-lines",
         "duplicate-header", "blank-header", "json", "html"],
)
def test_unreadable_files_are_refused_with_their_place(data, row, column, words):
    with pytest.raises(InputError) as caught:
        read_table(data)
    problem = caught.value
    assert (problem.row, problem.column) == (row, column)
    assert words in str(problem)
    if row is not None:
        assert f"row {row}" in str(problem)
    if column is not None:
        assert f"column '{column}'" in str(problem)


@pytest.mark.parametrize(
    "data",
    [
        "name,dev_error\ncafé,0.1\n".encode("utf-8-sig"),
        "name,dev_error\ncafé,0.1\n".encode(),
        "name,dev_error\r\ncafé,0.1\r\n".encode("utf-8-sig"),
    ],
    ids=["utf-8-with-bom", "utf-8-without-bom", "bom-and-crlf"],
)
def test_utf8_with_or_without_bom_is_accepted(data):
    table = read_table(data)
    assert table.headers == ("name", "dev_error")
    built = build_runs(table, propose_mapping(table))
    assert [(r.name, r.dev_error) for r in built.runs] == [("café", 0.1)]


def test_quoted_cells_may_hold_delimiters_and_newlines():
    table = table_of('name,dev_error,notes\n"a, the first",0.1,"two\nlines"\nb,0.2,x\n')
    assert table.rows[0] == ("a, the first", "0.1", "two\nlines")
    assert table.lines == (2, 4)


# --- mapping problems --------------------------------------------------------------------------


def test_two_columns_mapped_to_one_field_is_a_problem():
    table = table_of("name,dev_error,val_acc\na,0.1,0.9\n")
    mapping = [ColumnMapping("name", "name"), ColumnMapping("dev_error", "dev_error", "",
                                                            "error", "fraction"),
               ColumnMapping("val_acc", "dev_error", "", "accuracy", "fraction")]
    built = build_runs(table, mapping)
    assert not built.ok
    assert "'dev_error', 'val_acc' are all mapped to dev_error" in str(built.problems[0])


def test_unknown_role_is_a_problem():
    table = table_of("name,dev_error\na,0.1\n")
    built = build_runs(table, [ColumnMapping("name", "name"),
                               ColumnMapping("dev_error", "dev_err")])
    assert not built.ok
    assert built.problems[0].column == "dev_error"


def test_second_column_for_a_taken_field_becomes_a_metric():
    table = table_of("name,dev_error,val_error\na,0.1,0.2\n")
    roles = {m.column: m.role for m in propose_mapping(table)}
    assert roles == {"name": "name", "dev_error": "dev_error", "val_error": "metric"}


# --- the mapping editor round trip --------------------------------------------------------------


@pytest.mark.parametrize("file_name", SAMPLE_IDS, ids=SAMPLE_IDS)
def test_mapping_editor_round_trip_keeps_the_mapping(file_name):
    table = read_table((SAMPLES / file_name).read_bytes())
    mapping = propose_mapping(table)
    rows = mapping_rows(table, mapping)
    assert [r["column"] for r in rows] == list(table.headers)
    assert mapping_from_rows(table, rows) == mapping
    # As the page does it: through a pandas frame (None may come back as NaN).
    through_frame = pd.DataFrame(rows).to_dict("records")
    assert mapping_from_rows(table, through_frame) == mapping


def test_mapping_rows_show_examples_role_kind_and_scale():
    table = read_table((SAMPLES / "mlflow_ui_runs.csv").read_bytes())
    rows = {r["column"]: r for r in mapping_rows(table, propose_mapping(table))}
    assert rows["val_acc"] == {"column": "val_acc", "examples": "0.972, 0.97, 0.966",
                               "role": "dev_error", "values": "accuracy", "scale": "fraction",
                               "slice": "", "part": ""}
    assert rows["arch"]["role"] == "param" and rows["arch"]["values"] is None


def test_mapping_editor_changes_take_effect():
    table = read_table((SAMPLES / "mlflow_ui_runs.csv").read_bytes())
    rows = mapping_rows(table, propose_mapping(table))
    for row in rows:
        if row["column"] == "train_dev_acc":
            row["role"] = "ignore"
        if row["column"] == "latency_ms":
            row["role"] = "param"
        if row["column"] == "val_acc":
            row["role"], row["values"], row["scale"] = "test_error", "accuracy", "percent"
        if row["column"] == "test_acc":
            row["role"], row["values"], row["scale"] = "dev_error", math.nan, math.nan
    mapping = {m.column: m for m in mapping_from_rows(table, rows)}
    assert mapping["train_dev_acc"].role == "ignore"
    assert (mapping["test_acc"].role, mapping["test_acc"].kind,
            mapping["test_acc"].scale) == ("dev_error", "accuracy", "fraction")
    built = build_runs(table, list(mapping.values()))
    assert built.ok, built.problems
    run = built.runs[0]
    assert run.train_dev_error is None
    assert run.dev_error == pytest.approx(1 - 0.971)
    assert run.test_error == pytest.approx(1 - 0.00972)
    assert run.params["latency_ms"] == "140" and "latency_ms" not in run.metrics


def test_mapping_editor_unknown_role_falls_back_to_ignore():
    table = table_of("name,dev_error,extra\na,0.1,1\n")
    rows = mapping_rows(table, propose_mapping(table))
    rows[2]["role"] = "DROP TABLE runs"
    assert mapping_from_rows(table, rows)[2].role == "ignore"


def test_mapping_editor_kind_dropped_for_non_error_roles():
    table = table_of("name,dev_acc\na,0.9\n")
    rows = mapping_rows(table, propose_mapping(table))
    rows[1]["role"] = "metric"
    m = mapping_from_rows(table, rows)[1]
    assert (m.role, m.kind, m.scale, m.metric_name) == ("metric", None, None, "dev_acc")


# --- command-line overrides: --map, --values, --scale -------------------------------------------


def ui_sample():
    return read_table((SAMPLES / "mlflow_ui_runs.csv").read_bytes())


def test_map_moves_a_field_to_another_column_and_demotes_the_old_one():
    table = ui_sample()
    mapping = with_overrides(table, propose_mapping(table), {"dev_error": "test_acc"})
    roles = {m.column: m.role for m in mapping}
    assert roles["test_acc"] == "dev_error"
    assert roles["val_acc"] == "metric"
    built = build_runs(table, mapping)
    assert built.ok, built.problems
    run = built.runs[0]
    assert run.dev_error == pytest.approx(1 - 0.971)
    assert run.test_error is None
    assert run.metrics["val_acc"] == pytest.approx(0.972)


def test_map_name_to_the_run_id_column():
    table = ui_sample()
    mapping = with_overrides(table, propose_mapping(table), {"name": "Run ID"})
    roles = {m.column: m.role for m in mapping}
    assert roles["Run ID"] == "name" and roles["Name"] == "param"
    built = build_runs(table, mapping)
    assert built.runs[0].name == "b9562da2b82343aaa6979e66d8adfaf6"
    assert built.runs[0].run_id is None


def test_map_a_size_and_an_unrecognized_error_column():
    table = table_of("model,holdout_size,score,other\na,500,0.9,1\nb,600,0.8,2\n")
    mapping = with_overrides(table, propose_mapping(table),
                             {"n_test": "holdout_size", "test_error": "score"},
                             values="accuracy")
    built = build_runs(table, mapping)
    assert built.ok, built.problems
    assert [(r.name, r.n_test) for r in built.runs] == [("a", 500), ("b", 600)]
    assert [r.test_error for r in built.runs] == pytest.approx([0.1, 0.2])


@pytest.mark.parametrize(
    ("fields", "words"),
    [({"dev": "val_acc"}, "unknown field 'dev'"),
     ({"dev_error": "no_such_column"}, "no column 'no_such_column'")],
    ids=["unknown-field", "unknown-column"],
)
def test_map_rejects_unknown_fields_and_columns(fields, words):
    table = ui_sample()
    with pytest.raises(InputError, match=words):
        with_overrides(table, propose_mapping(table), fields)


@pytest.mark.parametrize(
    ("file_name", "values", "scale", "run_name", "expected_dev"),
    [
        ("wandb_export.csv", "error", "auto", "fluent-sun-1", 0.86),
        ("runs_generic.csv", "accuracy", "auto", "baseline-logreg", 0.82),
        ("runs_generic.csv", "auto", "percent", "baseline-logreg", 0.0018),
        ("mlflow_ui_runs.csv", "auto", "percent", "vit-b16-regularized", 1 - 0.00972),
        ("mlflow_ui_runs.csv", "auto", "fraction", "vit-b16-regularized", 0.028),
    ],
    ids=["values-error-keeps-raw", "values-accuracy-inverts", "scale-percent-divides",
         "scale-percent-on-accuracy", "scale-fraction-as-detected"],
)
def test_values_and_scale_overrides(file_name, values, scale, run_name, expected_dev):
    table = read_table((SAMPLES / file_name).read_bytes())
    mapping = with_overrides(table, propose_mapping(table), values=values, scale=scale)
    for m in mapping:
        if m.role in ERROR_FIELDS:
            assert m.kind == (values if values != "auto" else m.kind)
            assert m.scale == (scale if scale != "auto" else m.scale)
        else:
            assert m.kind is None and m.scale is None
    run = next(r for r in build_runs(table, mapping).runs if r.name == run_name)
    assert run.dev_error == pytest.approx(expected_dev, abs=1e-12)


@pytest.mark.parametrize(("values", "scale"), [("accuracies", "auto"), ("auto", "pct")],
                         ids=["bad-values", "bad-scale"])
def test_bad_values_or_scale_are_refused(values, scale):
    table = ui_sample()
    with pytest.raises(InputError):
        with_overrides(table, propose_mapping(table), values=values, scale=scale)


def test_demo_runs_import_cleanly():
    from strategy_core.usecases.demo import DEMO_DIR

    table = read_table((DEMO_DIR / "runs.csv").read_bytes())
    built = build_runs(table, propose_mapping(table))
    assert built.ok and built.warnings == ()
    assert len(built.runs) == len(table.rows)
    assert all(r.n_dev and r.dev_error is not None for r in built.runs)


def test_samples_folder_holds_the_runs_samples():
    assert {p.name for p in Path(SAMPLES).glob("*.csv")} >= set(SAMPLE_IDS)


def test_shared_names_are_told_apart_by_created_time_then_row():
    built = build("name,created,dev_error\na,2026-05-01T10:00:00,0.1\nb,,0.2\n"
                  "a,2026-05-02T10:00:00,0.3\n")
    assert [r.name for r in built.runs] == ["a (2026-05-01 10:00:00)", "b",
                                            "a (2026-05-02 10:00:00)"]
    assert "2 runs share a name" in built.warnings[0]
    built = build("name,dev_error\na,0.1\nb,0.2\na,0.3\n")
    assert [r.name for r in built.runs] == ["a (row 2)", "b", "a (row 4)"]


def test_a_file_without_a_name_column_names_runs_by_their_varying_params():
    built = build("lr,bsize,test_acc\n0.01,32,0.8\n0.001,32,0.82\n")
    assert [r.name for r in built.runs] == ["lr=0.01", "lr=0.001"]
    assert any("named after the parameters that vary" in w for w in built.warnings)


def test_a_file_without_a_name_column_or_varying_params_names_runs_by_row():
    built = build("bsize,test_acc\n32,0.8\n32,0.82\n")
    assert [r.name for r in built.runs] == ["row 2", "row 3"]


def test_a_header_name_given_twice_is_told_apart_unless_it_is_a_level():
    table = read_table(b"name,learning_rate,dev_error,learning_rate\na,0.1,0.2,0.05\n")
    assert table.headers == ("name", "learning_rate", "dev_error", "learning_rate (2)")
    assert any("'learning_rate' twice (columns 2 and 4)" in n for n in table.notes)
    same = read_table(b"name,dev_error,dev_error\na,0.1,0.1\n")
    assert same.headers == ("name", "dev_error", "dev_error (2)")
