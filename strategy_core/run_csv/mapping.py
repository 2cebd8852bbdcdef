"""Detecting what a run CSV holds (docs/rules.md §9): which tracker wrote it, what each
column means, and whether error columns hold fractions or percents; the proposed mapping
of every column for the user to confirm or correct."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from strategy_core.errors import InputError
from strategy_core.run_csv.cells import _number
from strategy_core.run_csv.common import FORMATS, ColumnMapping, RawTable
from strategy_core.runs import ERROR_FIELDS, RUN_FIELDS
from strategy_core.values.project_metric import PRESET_TOKENS

# Columns each tracker writes that are not results: (format, header) -> role.
_FIXED_COLUMNS: dict[str, dict[str, str]] = {
    "mlflow": {
        "run_id": "run_id",
        "tags.mlflow.runName": "name",
        "start_time": "created",
        "experiment_id": "ignore",
        "status": "ignore",
        "artifact_uri": "ignore",
        "end_time": "ignore",
    },
    "mlflow-ui": {
        "Run ID": "run_id",
        "Name": "name",
        "Start Time": "created",
        "Duration": "ignore",
        "Source Type": "ignore",
        "Source Name": "ignore",
        "User": "ignore",
        "Status": "ignore",
        "Dataset": "ignore",
        "Models": "ignore",
    },
    "wandb": {
        "Name": "name",
        "ID": "run_id",
        "Created": "created",
        "State": "ignore",
        "Notes": "ignore",
        "User": "ignore",
        "Tags": "ignore",
        "Runtime": "ignore",
        "Sweep": "ignore",
        "Group": "ignore",
        "Job Type": "ignore",
        "Hostname": "ignore",
        "GPU Type": "ignore",
        "GPU Count": "ignore",
    },
    "generic": {},
}
_NAME_HEADERS = {"name", "run", "run_name", "runname", "model", "model_name", "experiment"}
_ID_HEADERS = {"run_id", "runid", "id", "run_uuid"}
_CREATED_HEADERS = {"created", "created_at", "date", "timestamp", "start_time", "started", "time",
                    "start"}
# Hyperparameter names that are numbers but are settings, not results.
_PARAM_NAMES = {
    "lr", "learning_rate", "epochs", "epoch", "batch_size", "seed", "dropout", "weight_decay",
    "momentum", "warmup_steps", "max_steps", "num_layers", "layers", "hidden_size",
    "image_size", "patience", "label_smoothing", "beta1", "beta2", "eps", "num_workers",
}
_TRUE_SPLIT_TOKENS = {
    "train": {"train", "training", "trn"},
    "dev": {"dev", "val", "valid", "validation", "eval"},
    "test": {"test", "testing", "holdout"},
}
_SIZE_TOKENS = {"n", "num", "size", "count", "examples", "samples", "nb"}


def detect_format(headers: Sequence[str]) -> str:
    """Which tracker wrote the file, from its header (docs/rules.md §9)."""
    names = set(headers)
    if "run_id" in names and any(h.startswith("metrics.") for h in headers):
        return "mlflow"
    if "Run ID" in names and ("Start Time" in names or "Source Type" in names):
        return "mlflow-ui"
    if {"Name", "State", "Created"} <= names or {"Name", "Runtime", "Sweep"} <= names:
        return "wandb"
    return "generic"


def tokens(name: str) -> list[str]:
    """Lower-case word tokens of a column or metric name: 'metrics.train-dev Acc' ->
    ['metrics', 'train', 'dev', 'acc']."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1_\2", name)
    return [t for t in re.split(r"[^a-z0-9]+", spaced.lower()) if t]


def classify_metric(name: str) -> tuple[str | None, str | None]:
    """The error field and value kind a metric name denotes, e.g. 'val_acc' ->
    ('dev_error', 'accuracy'); ('', None) when it is not a split error or accuracy."""
    words = tokens(name)
    if any(w in {"err", "error", "errors", "errorrate"} for w in words):
        kind = "error"
    elif any(w in {"acc", "accuracy", "top1"} for w in words):
        kind = "accuracy"
    else:
        return None, None
    split = _split_of(words)
    return (f"{split}_error", kind) if split else (None, kind)


def classify_value(name: str) -> tuple[str | None, str | None]:
    """The split field and metric preset a column of another metric denotes (docs/rules.md
    §16): 'val_loss' -> ('dev_error', 'loss'), 'test/wer' -> ('test_error', 'wer');
    (None, None) when the name holds no split or no known metric."""
    words = set(tokens(name))
    split = _split_of(list(tokens(name)))
    if split is None:
        return None, None
    for key, hints in PRESET_TOKENS.items():
        if key not in ("error_rate", "accuracy") and words & set(hints):
            return f"{split}_error", key
    return None, None


def _split_of(words: list[str]) -> str | None:
    for a, b in zip(words, words[1:], strict=False):
        if a in _TRUE_SPLIT_TOKENS["train"] and b in _TRUE_SPLIT_TOKENS["dev"]:
            return "train_dev"
    if "traindev" in words or "trainingdev" in words:
        return "train_dev"
    for split in ("test", "dev", "train"):
        if any(w in _TRUE_SPLIT_TOKENS[split] for w in words):
            return split
    return None


def _size_field(name: str) -> str | None:
    words = tokens(name)
    if not any(w in _SIZE_TOKENS for w in words):
        return None
    if set(words) - _SIZE_TOKENS - set().union(*_TRUE_SPLIT_TOKENS.values()):
        return None
    split = _split_of(words)
    return f"n_{split}" if split else None


def _strip_prefix(column: str) -> str:
    for prefix in ("metrics.", "params.", "tags.", "summary.", "config."):
        if column.startswith(prefix):
            return column[len(prefix):]
    return column


def propose_mapping(table: RawTable, fmt: str | None = None) -> list[ColumnMapping]:
    """The automatic mapping of every column, for the user to confirm or correct."""
    fmt = fmt or detect_format(table.headers)
    if fmt not in FORMATS:
        raise InputError(f"unknown format '{fmt}' (one of {', '.join(FORMATS)})")
    fixed = _FIXED_COLUMNS[fmt]
    decimal_comma = table.delimiter != ","
    taken: set[str] = set()
    mapping: list[ColumnMapping] = []
    for index, column in enumerate(table.headers):
        cells = [row[index] for row in table.rows]
        role, kind = _propose_role(fmt, column, cells, fixed, decimal_comma)
        if role in RUN_FIELDS:
            if role in taken:
                role, kind = ("metric" if _numeric_share(cells, decimal_comma) > 0
                              else "param"), None
            else:
                taken.add(role)
        scale = detect_scale(cells, decimal_comma) if role in ERROR_FIELDS else None
        mapping.append(
            ColumnMapping(column, role, _strip_prefix(column), kind if role in ERROR_FIELDS
                          else None, scale)
        )
    if not taken & set(ERROR_FIELDS):
        mapping = _value_columns(table, mapping)
    return mapping


def _value_columns(table: RawTable, mapping: list[ColumnMapping]) -> list[ColumnMapping]:
    """Without an error or accuracy column, the split columns of one other metric (the
    first named: 'val_loss' before 'val_mse') are the runs' levels, kind "value"
    (docs/rules.md §16); a second metric stays an extra metric, never mixed in."""
    family = None
    taken: set[str] = set()
    out = []
    for m in mapping:
        field_name, key = classify_value(_strip_prefix(m.column))
        if m.role == "metric" and field_name and (family in (None, key)) \
                and field_name not in taken:
            family = key
            taken.add(field_name)
            cells = [row[table.headers.index(m.column)] for row in table.rows]
            signed = all(c.strip().endswith("%") for c in cells if c.strip())
            m = ColumnMapping(m.column, field_name, m.metric_name, "value",
                              "percent" if signed and any(c.strip() for c in cells)
                              else "fraction")
        out.append(m)
    return out


def _propose_role(
    fmt: str, column: str, cells: list[str], fixed: dict[str, str], decimal_comma: bool
) -> tuple[str, str | None]:
    if column in fixed:
        return fixed[column], None
    bare = _strip_prefix(column)
    lowered = "_".join(tokens(bare))
    if fmt == "mlflow":
        if column.startswith("params."):
            return "param", None
        if column.startswith("tags."):
            return ("ignore" if column.startswith("tags.mlflow.") else "param"), None
    if fmt == "wandb" and bare.startswith("_"):
        return "ignore", None
    if fmt == "generic":
        if lowered in _NAME_HEADERS:
            return "name", None
        if lowered in _ID_HEADERS:
            return "run_id", None
        if lowered in _CREATED_HEADERS:
            return "created", None
    size = _size_field(bare)
    if size:
        return size, None
    field_name, kind = classify_metric(bare)
    if field_name:
        return field_name, kind
    if lowered in _PARAM_NAMES:
        return "param", None
    return ("metric" if _numeric_share(cells, decimal_comma) >= 0.5 else "param"), None


def _numeric_share(cells: Sequence[str], decimal_comma: bool = False) -> float:
    filled = [c for c in cells if c.strip()]
    if not filled:
        return 0.0
    return sum(_number(c, decimal_comma) is not None for c in filled) / len(filled)


def detect_scale(cells: Sequence[str], decimal_comma: bool = False) -> str:
    """How the column's bare numbers are read (docs/rules.md §9): 'percent' when any of them is
    above
    1, else 'fraction'; a column whose values all carry % shows as 'percent'.

    A value written with % is a percent whatever the scale, so `0.08` beside `12%` is a
    fraction (8%), not 0.08%.
    """
    bare = signed = False
    for cell in cells:
        if cell.strip().endswith("%"):
            signed = True
            continue
        value = _number(cell, decimal_comma)
        if value is None or not math.isfinite(value):
            continue
        if value > 1:
            return "percent"
        bare = True
    return "percent" if signed and not bare else "fraction"


def _bare_numbers(cells: Sequence[str], decimal_comma: bool) -> list[float]:
    """The finite numbers of a column written without a % sign."""
    numbers = [_number(c, decimal_comma) for c in cells if not c.strip().endswith("%")]
    return [n for n in numbers if n is not None and math.isfinite(n)]
