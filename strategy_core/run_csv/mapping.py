"""Detecting what a run CSV holds (docs/rules.md §9): which tracker wrote it, what each
column means, and whether error columns hold fractions or percents; the proposed mapping
of every column for the user to confirm or correct."""

from __future__ import annotations

import math
from collections.abc import Sequence

from strategy_core.errors import InputError
from strategy_core.run_csv.cells import NO_VALUE, _number, date_order, looks_like_date
from strategy_core.run_csv.common import FORMATS, ColumnMapping, RawTable
from strategy_core.run_csv.names import (
    FAMILY_ORDER,
    SPLIT_WORDS,
    VARIANT_WORDS,
    ColumnName,
    read_name,
    tokens,
)
from strategy_core.run_csv.reading import INDEX_COLUMN
from strategy_core.runs import RUN_FIELDS
from strategy_core.values.runs import INFO_FIELDS

# Columns each tracker writes that are not results: (format, header) -> role.
_FIXED_COLUMNS: dict[str, dict[str, str]] = {
    "mlflow": {
        "run_id": "run_id",
        "tags.mlflow.runName": "name",
        "start_time": "created",
        "experiment_id": "ignore",
        "status": "status",
        "artifact_uri": "ignore",
        "end_time": "ignore",
        "tags.mlflow.user": "user",
        "tags.mlflow.source.name": "source",
        "tags.mlflow.note.content": "notes",
        "tags.mlflow.parentRunId": "group",
        "mlflow.runName": "name",
        "mlflow.user": "user",
        "mlflow.source.name": "source",
        "mlflow.note.content": "notes",
    },
    "mlflow-ui": {
        "Run ID": "run_id",
        "Name": "name",
        "Start Time": "created",
        "Duration": "duration",
        "Source Type": "ignore",
        "Source Name": "source",
        "User": "user",
        "Status": "status",
        "Dataset": "ignore",
        "Models": "ignore",
    },
    "wandb": {
        "Name": "name",
        "ID": "run_id",
        "Created": "created",
        "State": "status",
        "Notes": "notes",
        "User": "user",
        "Tags": "tags",
        "Runtime": "duration",
        "Sweep": "group",
        "Group": "group",
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
_SIZE_TOKENS = {"n", "num", "size", "count", "examples", "samples", "nb"}
# Generic headers that hold what a tracker says about a run besides its results.
_INFO_HEADERS: dict[str, str] = {
    "status": "status", "state": "status", "run_status": "status", "user": "user",
    "author": "user", "owner": "user", "duration": "duration", "runtime": "duration",
    "elapsed": "duration", "tags": "tags", "tag": "tags", "notes": "notes", "note": "notes",
    "description": "notes", "group": "group", "sweep": "group", "source": "source",
    "url": "source", "link": "source",
}


def detect_format(headers: Sequence[str]) -> str:
    """Which tracker wrote the file, from its header (docs/rules.md §9)."""
    names = set(headers)
    if "run_id" in names and any(h.startswith("metrics.") for h in headers):
        return "mlflow"
    if {"run_id", "experiment_id", "artifact_uri"} <= names:
        return "mlflow"  # search_runs() with the metrics./params./tags. prefixes dropped
    if "Run ID" in names and ("Start Time" in names or "Source Type" in names):
        return "mlflow-ui"
    if {"Name", "State", "Created"} <= names or {"Name", "Runtime", "Sweep"} <= names:
        return "wandb"
    return "generic"


def classify_metric(name: str) -> tuple[str | None, str | None]:
    """The error field and value kind a metric name denotes, e.g. 'val_acc' ->
    ('dev_error', 'accuracy'); (None, kind) without a split word; (None, None) when it is
    not an error or accuracy."""
    read = read_name(name)
    if read.family not in ("error", "accuracy"):
        return None, None
    return (f"{read.split}_error" if read.split else None), read.family


def classify_value(name: str) -> tuple[str | None, str | None]:
    """The split field and metric preset a column of another metric denotes (docs/rules.md
    §16): 'val_loss' -> ('dev_error', 'loss'), 'test/wer' -> ('test_error', 'wer');
    (None, None) when the name holds no split or no known metric."""
    read = read_name(name)
    if read.split is None or read.family in (None, "error", "accuracy", "score"):
        return None, None
    return f"{read.split}_error", read.family


def _size_field(name: str) -> str | None:
    words = tokens(name)
    if not any(w in _SIZE_TOKENS for w in words):
        return None
    if set(words) - _SIZE_TOKENS - set().union(*SPLIT_WORDS.values()):
        return None
    split = read_name(name).split
    return f"n_{split}" if split else None


def _strip_prefix(column: str) -> str:
    for prefix in ("metrics.", "params.", "tags.", "summary.", "config."):
        if column.startswith(prefix):
            return column[len(prefix):]
    return column


def propose_mapping(table: RawTable, fmt: str | None = None) -> list[ColumnMapping]:
    """The automatic mapping of every column, for the user to confirm or correct
    (docs/rules.md §9): identity, status and other run information from the tracker's
    layout or the header's words, then the levels (`_level_columns`)."""
    fmt = fmt or detect_format(table.headers)
    if fmt not in FORMATS:
        raise InputError(f"unknown format '{fmt}' (one of {', '.join(FORMATS)})")
    fixed = _FIXED_COLUMNS[fmt]
    decimal_comma = table.delimiter != ","
    taken: set[str] = set()
    mapping: list[ColumnMapping] = []
    for index, column in enumerate(table.headers):
        cells = [row[index] for row in table.rows]
        role = _propose_role(fmt, column, cells, fixed, decimal_comma)
        if role in RUN_FIELDS or role in INFO_FIELDS:
            if role in taken:
                role = "metric" if _numeric_share(cells, decimal_comma) > 0 else "param"
            else:
                taken.add(role)
        part = (date_order(cells) or "") if role == "created" else ""
        mapping.append(ColumnMapping(column, role, _strip_prefix(column), part=part))
    return _level_columns(table, mapping)


def _level_columns(table: RawTable, mapping: list[ColumnMapping]) -> list[ColumnMapping]:
    """The split levels among the numeric columns (docs/rules.md §9): the metric family
    first in `FAMILY_ORDER` that any column names is the runs' levels; per split, the
    column with no other words (`val_acc` before `val_acc_step`), else several slices of
    one split (`test_acc-camera1`, `test_acc-PUC`) averaged; a family column with no split
    word is proposed as dev when no column names dev. Other columns stay extra metrics."""
    read = {i: read_name(m.metric_name) for i, m in enumerate(mapping) if m.role == "metric"}
    # A column of another family with no number at all is no level ('accuracy_metric'
    # holding 'None'); an error or accuracy column is one whatever it holds (its cells are
    # refused, with their row, when built).
    read = {i: r for i, r in read.items()
            if r.family in ("error", "accuracy") or _has_number(table, i)}
    family = _family(read)
    if family is None:
        return mapping
    by_split: dict[str, list[tuple[int, ColumnName]]] = {}
    for i, r in read.items():
        if r.family == family:
            by_split.setdefault(r.split or "", []).append((i, r))
    if "" in by_split and "dev" not in by_split:
        by_split["dev"] = by_split.pop("")
    elif "" in by_split and "train" not in by_split:
        by_split["train"] = by_split.pop("")  # Keras: 'accuracy' beside 'val_accuracy'
    by_split.pop("", None)
    out = list(mapping)
    decimal_comma = table.delimiter != ","
    for split, group in by_split.items():
        for i, part in _chosen(group, table):
            cells = [row[i] for row in table.rows]
            kind = _kind(family, cells, decimal_comma)
            scale = _value_scale(cells) if kind == "value" else detect_scale(cells,
                                                                                decimal_comma)
            m = out[i]
            out[i] = ColumnMapping(m.column, f"{split}_error", m.metric_name, kind, scale,
                                   part)
    return out


def _family(read: dict[int, ColumnName]) -> str | None:
    """The levels' metric family (docs/rules.md §9): the one that fills the most splits
    (a column with no split word fills dev, else train), ties going to the first in
    `FAMILY_ORDER`; a loss counts only its plain columns (`train/box_loss` is one part of a
    loss, not the loss). With no family filling a split, the first named in that order."""
    filled: dict[str, set[str]] = {}
    for r in read.values():
        if r.family and not (r.family == "loss" and r.rest):
            filled.setdefault(r.family, set()).add(r.split or "")
    coverage = {f: len(splits - {""}) + ("" in splits and not {"dev", "train"} <= splits)
                for f, splits in filled.items()}
    if coverage:
        return max(coverage, key=lambda f: (coverage[f], -FAMILY_ORDER.index(f)))
    named = {r.family for r in read.values() if r.family}
    return min(named, key=FAMILY_ORDER.index) if named else None


def _chosen(group: list[tuple[int, ColumnName]], table: RawTable) -> list[tuple[int, str]]:
    """The level column of one split, or its slices with their names: the column with the
    fewest other words (ties: the one with the most values, then the first); several
    columns tied on that, told apart only by their words, are slices averaged."""
    usable = [(i, r) for i, r in group if not set(r.rest) & VARIANT_WORDS] or group
    fewest = min(len(r.rest) for _, r in usable)
    best = [(i, r) for i, r in usable if len(r.rest) == fewest]
    if fewest == 0 or len(best) == 1:
        filled = {i: sum(bool(row[i].strip()) and row[i].strip().lower() not in NO_VALUE
                         for row in table.rows) for i, _ in best}
        return [(max(best, key=lambda c: (filled[c[0]], -c[0]))[0], "")]
    return [(i, "-".join(r.rest)) for i, r in best]


def _has_number(table: RawTable, index: int) -> bool:
    return any(_number(row[index], table.delimiter != ",") is not None for row in table.rows)


def _kind(family: str, cells: list[str], decimal_comma: bool) -> str:
    """How a level column's values are read: errors, accuracies (a bare "score" in
    [0, 1] or in percent reads as one), or the metric's own values."""
    if family in ("error", "accuracy"):
        return family
    if family == "score":
        numbers = _bare_numbers(cells, decimal_comma)
        return "accuracy" if numbers and min(numbers) >= 0 and max(numbers) <= 1 else "value"
    return "value"


def _value_scale(cells: list[str]) -> str:
    filled = [c.strip() for c in cells if c.strip()]
    return "percent" if filled and all(c.endswith("%") for c in filled) else "fraction"


def _propose_role(
    fmt: str, column: str, cells: list[str], fixed: dict[str, str], decimal_comma: bool
) -> str:
    if column == INDEX_COLUMN:
        return "ignore"
    if column in fixed:
        if fixed[column] == "created" and _dates_share(cells) < 0.5:
            return "param"  # a start time holding other numbers
        return fixed[column]
    bare = _strip_prefix(column)
    lowered = "_".join(tokens(bare))
    if fmt == "mlflow":
        if column.startswith("params."):
            return "param"
        if column.startswith(("tags.mlflow.", "mlflow.")):
            return "ignore"
        if column.startswith("tags."):
            return "param"
    if fmt == "wandb" and bare.startswith("_"):
        return "ignore"
    if fmt == "generic":
        if lowered in _NAME_HEADERS:
            return "name"
        if lowered in _ID_HEADERS:
            return "run_id"
        if lowered in _CREATED_HEADERS and _dates_share(cells) >= 0.5:
            return "created"
        if lowered in _INFO_HEADERS:
            return _INFO_HEADERS[lowered]
    size = _size_field(bare)
    if size:
        return size
    if lowered in _PARAM_NAMES:
        return "param"
    if read_name(bare).family is not None and _numeric_share(cells, decimal_comma) > 0 or \
            read_name(bare).family in ("error", "accuracy"):
        return "metric"  # a level's name: its cells are checked as numbers when built
    return "metric" if _numeric_share(cells, decimal_comma) == 1 else "param"


def _dates_share(cells: Sequence[str]) -> float:
    """The share of filled cells that read as dates or times, or as text (refused with its
    row when built); a bare small number, such as seconds elapsed, is no date."""
    filled = [c for c in cells if c.strip()]
    if not filled:
        return 1.0
    return sum(looks_like_date(c) or _number(c) is None for c in filled) / len(filled)


def _numeric_share(cells: Sequence[str], decimal_comma: bool = False) -> float:
    """The share of filled cells that are numbers (a written-out "None" is no value)."""
    filled = [c for c in cells if c.strip() and c.strip().lower() not in NO_VALUE]
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
