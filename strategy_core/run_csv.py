"""Run CSV import: read the file, detect the tracker's format, propose a column mapping,
and build validated runs (SPEC section 5).

The mapping says, for every column, its role (a run field, an extra metric, a param, or
ignored) and for error columns whether the values are errors or accuracies and fractions or
percents. The user confirms or corrects it; `build_runs` then either returns runs exactly as
they will be stored, or the problems, each naming the row and the column.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from strategy_core.errors import InputError
from strategy_core.runs import ERROR_FIELDS, MAX_NAME_LENGTH, RUN_FIELDS, SIZE_FIELDS, Run

FORMATS: tuple[str, ...] = ("generic", "mlflow", "mlflow-ui", "wandb")
FORMAT_LABELS: dict[str, str] = {
    "generic": "Generic CSV (one row per run)",
    "mlflow": "MLflow search_runs() CSV",
    "mlflow-ui": "MLflow UI download",
    "wandb": "W&B runs-table export",
}
ROLES: tuple[str, ...] = (*RUN_FIELDS, "metric", "param", "ignore")
VALUE_KINDS: tuple[str, ...] = ("error", "accuracy")
SCALES: tuple[str, ...] = ("fraction", "percent")
MAX_PROBLEMS = 50
MAX_FILE_MB = 50
"""The largest run CSV read (5,000 runs with many metrics take a few MB)."""

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


@dataclass(frozen=True)
class RawTable:
    """A CSV file's header and records, with the file line each record starts on."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    lines: tuple[int, ...]
    delimiter: str = ","


@dataclass(frozen=True)
class ColumnMapping:
    """What one column means: its role, and for error fields the value kind and scale."""

    column: str
    role: str
    metric_name: str = ""
    kind: str | None = None
    scale: str | None = None


@dataclass(frozen=True)
class RunBuild:
    """The runs as they will be stored, or the problems that stop the import."""

    runs: tuple[Run, ...]
    problems: tuple[InputError, ...]
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


# -- reading ---------------------------------------------------------------------------


def read_table(data: bytes) -> RawTable:
    """Decode UTF-8 (BOM allowed) CSV text and split it into cells.

    Rejects, with the row: files over MAX_FILE_MB, empty files, UTF-16, binary or non-UTF-8
    text, broken quoting and rows whose number of cells differs from the header. Blank lines
    are skipped.
    """
    if len(data) > MAX_FILE_MB * 1024 * 1024:
        raise InputError(f"the file is larger than the {MAX_FILE_MB} MB limit")
    if not data or not data.strip():
        raise InputError("the file is empty")
    if is_utf16(data):
        raise InputError("the file is UTF-16 text; save it as UTF-8 CSV and upload it again")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError("the file holds binary data (a NUL byte), not CSV text", row=line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02X}); "
            "save it as UTF-8 CSV and upload it again",
            row=line, column=_column_at(data, exc.start) if line > 1 else None,
        ) from None
    first_line = text.lstrip().splitlines()[0] if text.strip() else ""
    if first_line.startswith(("{", "[")):
        raise InputError("this looks like JSON, not CSV: export the runs table as CSV")
    if first_line.lower().startswith(("<!doctype", "<html", "<?xml", "<")):
        raise InputError("this looks like HTML or XML, not CSV: export the runs table as CSV")
    delimiter = _delimiter(first_line)
    csv.field_size_limit(max(len(text), 131072))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[str, ...]] = []
    lines: list[int] = []
    previous_end = 0
    try:
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not record or all(not cell.strip() for cell in record):
                continue
            records.append(tuple(record))
            lines.append(start)
    except csv.Error as exc:
        raise InputError(f"broken CSV quoting ({exc})", row=previous_end + 1) from None
    if not records:
        raise InputError("the file is empty")
    headers = tuple(h.strip() for h in records[0])
    for position, header in enumerate(headers, start=1):
        if not header:
            raise InputError(f"column {position} has no name in the header", row=lines[0])
    seen: dict[str, int] = {}
    for position, header in enumerate(headers, start=1):
        if header in seen:
            raise InputError(
                f"the header names this column twice (columns {seen[header]} and {position})",
                row=lines[0], column=header,
            )
        seen[header] = position
    body = records[1:]
    if not body:
        raise InputError("the file has a header but no runs")
    for record, line in zip(body, lines[1:], strict=True):
        if len(record) != len(headers):
            raise InputError(
                f"this row has {len(record)} cells but the header has {len(headers)} "
                "(a ragged row or a stray delimiter)",
                row=line,
            )
    return RawTable(headers, tuple(body), tuple(lines[1:]), delimiter)


def is_utf16(head: bytes) -> bool:
    """UTF-16 text, with a byte-order mark or without one (a NUL byte beside every ASCII
    character), rather than UTF-8 or binary data."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    sample = head[:400]
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 8:
        return False
    even, odd = sample[0::2], sample[1::2]
    return (odd.count(0) == len(odd) and 0 not in even) or (
        even.count(0) == len(even) and 0 not in odd)


def _column_at(data: bytes, offset: int) -> str | None:
    """The header name of the cell holding byte `offset` (for an encoding error)."""
    header_line = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").rstrip("\r")
    delimiter = _delimiter(header_line)
    headers = next(csv.reader([header_line], delimiter=delimiter), [])
    before = data[:offset].decode("utf-8", errors="replace")
    partial = before[before.rfind("\n") + 1:]
    cells = next(csv.reader([partial], delimiter=delimiter), [])
    position = max(len(cells) - 1, 0)
    return (headers[position].strip() or None) if position < len(headers) else None


def _delimiter(header_line: str) -> str:
    """Comma, unless the header clearly uses semicolons or tabs (European spreadsheets)."""
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


# -- detection -------------------------------------------------------------------------


def detect_format(headers: Sequence[str]) -> str:
    """Which tracker wrote the file, from its header (SPEC section 5)."""
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
    return mapping


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
    """How the column's bare numbers are read (SPEC §5): 'percent' when any of them is above
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


# -- building runs ---------------------------------------------------------------------


def build_runs(table: RawTable, mapping: Sequence[ColumnMapping]) -> RunBuild:
    """Apply the mapping and validate every row (SPEC section 5, issue 2 rules).

    Errors must lie in [0, 1] after conversion, with no NaN or infinity; sizes are positive
    whole numbers; at least one error column and a run name or id; no run id or name twice.
    """
    problems: list[InputError] = []
    warnings: list[str] = []
    by_role: dict[str, list[ColumnMapping]] = {}
    for m in mapping:
        if m.role not in ROLES:
            problems.append(InputError(f"unknown role '{m.role}'", column=m.column))
        by_role.setdefault(m.role, []).append(m)
    for role in RUN_FIELDS:
        if len(by_role.get(role, [])) > 1:
            columns = ", ".join(f"'{m.column}'" for m in by_role[role])
            problems.append(InputError(f"{columns} are all mapped to {role}; keep one"))
    if not any(by_role.get(f) for f in ERROR_FIELDS):
        problems.append(InputError(
            "no column is mapped to an error field (train, train-dev, dev or test error); "
            "map at least one"))
    if not by_role.get("name") and not by_role.get("run_id"):
        problems.append(InputError("no column is mapped to the run name or run id; map one"))
    names = [m.metric_name or m.column for m in mapping if m.role in ("metric", "param")]
    for duplicate in sorted({n for n in names if names.count(n) > 1}):
        problems.append(InputError(f"two columns would both be stored as '{duplicate}'"))
    if problems:
        return RunBuild((), tuple(problems))

    index = {h: i for i, h in enumerate(table.headers)}
    decimal_comma = table.delimiter != ","
    mixed_accuracy = _mixed_accuracy_columns(table, mapping)
    runs: list[Run] = []
    seen_ids: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for row, line in zip(table.rows, table.lines, strict=True):
        row_problems: list[InputError] = []

        def cell(m: ColumnMapping, row: tuple[str, ...] = row) -> str:
            return row[index[m.column]].strip()

        values: dict[str, object] = {}
        for m in mapping:
            raw = cell(m)
            try:
                if m.role in ERROR_FIELDS:
                    if m.column in mixed_accuracy:
                        _refuse_fraction_among_percents(raw, mixed_accuracy[m.column],
                                                        decimal_comma)
                    values[m.role] = _error_value(raw, m, decimal_comma)
                elif m.role in SIZE_FIELDS:
                    values[m.role] = _size_value(raw, decimal_comma)
                elif m.role == "created":
                    values["created"] = parse_created(raw)
                elif m.role in ("name", "run_id"):
                    values[m.role] = raw or None
            except InputError as exc:
                row_problems.append(InputError(exc.problem, row=line, column=m.column))
        run_id = values.get("run_id")
        name = values.get("name") or run_id
        if not name:
            row_problems.append(InputError(
                "the run has neither a name nor an id", row=line,
                column=(by_role.get("name") or by_role["run_id"])[0].column))
        elif len(str(name)) > MAX_NAME_LENGTH:
            row_problems.append(InputError(
                f"the run name is {len(str(name))} characters long (at most "
                f"{MAX_NAME_LENGTH})", row=line,
                column=(by_role.get("name") or by_role["run_id"])[0].column))
        if run_id is not None:
            if run_id in seen_ids:
                row_problems.append(InputError(
                    f"run id '{run_id}' appears twice (rows {seen_ids[run_id]} and {line})",
                    row=line, column=by_role["run_id"][0].column))
            seen_ids.setdefault(str(run_id), line)
        elif name:
            if name in seen_names:
                row_problems.append(InputError(
                    f"run name '{name}' appears twice (rows {seen_names[str(name)]} and "
                    f"{line}); add a run id column to tell them apart", row=line,
                    column=by_role["name"][0].column))
            seen_names.setdefault(str(name), line)
        metrics: dict[str, float] = {}
        params: dict[str, str] = {}
        for m in mapping:
            raw = cell(m)
            key = m.metric_name or m.column
            if m.role == "metric" and raw:
                number = _number(raw, decimal_comma)
                if number is None:
                    row_problems.append(InputError(
                        f"'{_clip(raw)}' is not a number; map the column as a param if it "
                        "holds text", row=line, column=m.column))
                elif math.isfinite(number):
                    metrics[key] = number
            elif m.role == "param" and raw:
                params[key] = raw
        if not any(values.get(f) is not None for f in ERROR_FIELDS) and not row_problems:
            warnings.append(f"row {line}: run '{name}' has no error values")
        problems.extend(row_problems)
        if len(problems) >= MAX_PROBLEMS:
            break
        if not row_problems:
            runs.append(Run(
                name=str(name), run_id=str(run_id) if run_id else None,
                created=values.get("created"),  # type: ignore[arg-type]
                **{f: values.get(f) for f in ERROR_FIELDS + SIZE_FIELDS},  # type: ignore[arg-type]
                metrics=metrics, params=params,
            ))
    warnings.extend(_scale_warnings(table, mapping))
    if problems:
        return RunBuild((), tuple(problems[:MAX_PROBLEMS]), tuple(warnings))
    return RunBuild(tuple(runs), (), tuple(warnings))


def _mixed_accuracy_columns(table: RawTable, mapping: Sequence[ColumnMapping]
                            ) -> dict[str, float]:
    """Accuracy columns read as percents whose bare values include some at most 1 beside
    some above 1, with their largest value. An accuracy of 0.92% is no real run: such a
    value is a fraction written among percents, and reading it either way is a guess."""
    out = {}
    index = {h: i for i, h in enumerate(table.headers)}
    decimal_comma = table.delimiter != ","
    for m in mapping:
        if m.role in ERROR_FIELDS and m.kind == "accuracy" and m.scale == "percent":
            numbers = _bare_numbers([r[index[m.column]] for r in table.rows], decimal_comma)
            if numbers and max(numbers) > 1 and any(0 < n <= 1 for n in numbers):
                out[m.column] = max(numbers)
    return out


def _refuse_fraction_among_percents(raw: str, largest: float, decimal_comma: bool) -> None:
    if not raw or raw.strip().endswith("%"):
        return
    number = _number(raw, decimal_comma)
    if number is not None and 0 < number <= 1:
        raise InputError(
            f"{raw} looks like a fraction but this accuracy column also holds percents (up "
            f"to {largest:g}); write every value the same way")


def _scale_warnings(table: RawTable, mapping: Sequence[ColumnMapping]) -> list[str]:
    out = []
    index = {h: i for i, h in enumerate(table.headers)}
    decimal_comma = table.delimiter != ","
    for m in mapping:
        if m.role in ERROR_FIELDS and m.scale == "percent" and m.kind != "accuracy":
            numbers = _bare_numbers([r[index[m.column]] for r in table.rows], decimal_comma)
            if numbers and min(numbers) < 1 < max(numbers):
                out.append(
                    f"column '{m.column}' mixes values below and above 1 "
                    f"({min(numbers):g} to {max(numbers):g}); they are read as percents — "
                    "check the scale")
    return out


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(cell: str, decimal_comma: bool = False) -> float | None:
    """A number from a cell: strips MLflow's leading `'` and a trailing %; None if not one."""
    text = cell.strip()
    if text.startswith("'"):
        text = text[1:].strip()
    if text.endswith("%"):
        text = text[:-1].strip()
    if decimal_comma:
        text = text.replace(",", ".")
    if not text or not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?(nan|inf|"
                                    r"infinity)", text, flags=re.IGNORECASE):
        return None
    return float(text)


def _error_value(raw: str, m: ColumnMapping, decimal_comma: bool) -> float | None:
    if not raw:
        return None
    number = _number(raw, decimal_comma)
    if number is None:
        raise InputError(f"'{_clip(raw)}' is not a number")
    if not math.isfinite(number):
        raise InputError(f"'{raw}' is not a finite number")
    percent = raw.strip().endswith("%") or m.scale == "percent"
    value = number / 100 if percent else number
    if value < 0:
        raise InputError(f"{raw} is negative; an error or accuracy lies between 0% and 100%")
    if value > 1 + 1e-12:
        raise InputError(
            f"{raw} is above 100%" if percent else
            f"{raw} is above 1 but the column is read as fractions; choose percent")
    value = min(value, 1.0)
    return round(1.0 - value, 12) if m.kind == "accuracy" else value


def _size_value(raw: str, decimal_comma: bool) -> int | None:
    if not raw:
        return None
    number = _number(raw.replace("_", ""), decimal_comma=False)
    if number is None or not math.isfinite(number) or number != int(number):
        raise InputError(f"'{_clip(raw)}' is not a whole number of examples")
    if number <= 0:
        raise InputError(f"{raw} examples: a split size must be a positive whole number")
    return int(number)


def parse_created(raw: str) -> datetime | None:
    """ISO dates and times (with `Z` or an offset, stored as UTC) or epoch seconds / ms."""
    text = raw.strip()
    if not text:
        return None
    number = _number(text)
    if number is not None and math.isfinite(number) and number > 1e8:
        seconds = number / 1000 if number > 1e11 else number
        return datetime.fromtimestamp(seconds, tz=UTC).replace(tzinfo=None)
    candidate = text.replace("Z", "+00:00") if text.endswith("Z") else text
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        raise InputError(f"'{_clip(text)}' is not a date or time (use ISO 8601)") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def with_overrides(
    table: RawTable,
    mapping: Sequence[ColumnMapping],
    fields: dict[str, str] | None = None,
    values: str = "auto",
    scale: str = "auto",
) -> list[ColumnMapping]:
    """The CLI's corrections: `--map FIELD=COLUMN`, `--values`, `--scale`."""
    out = list(mapping)
    columns = {m.column for m in out}
    for field_name, column in (fields or {}).items():
        if field_name not in RUN_FIELDS:
            raise InputError(f"--map: unknown field '{field_name}' (one of "
                             f"{', '.join(RUN_FIELDS)})")
        if column not in columns:
            raise InputError(f"--map: the file has no column '{column}'")
        out = [replace(m, role="metric" if _is_number_role(m) else "param", kind=None,
                       scale=None) if m.role == field_name else m for m in out]
        out = [replace(m, role=field_name,
                       kind=(m.kind or classify_metric(m.column)[1] or "error")
                       if field_name in ERROR_FIELDS else None,
                       scale=detect_scale([r[table.headers.index(column)] for r in table.rows],
                                          table.delimiter != ",")
                       if field_name in ERROR_FIELDS else None)
               if m.column == column else m for m in out]
    if values not in ("auto", *VALUE_KINDS):
        raise InputError(f"--values must be auto, error or accuracy, not '{values}'")
    if scale not in ("auto", *SCALES):
        raise InputError(f"--scale must be auto, fraction or percent, not '{scale}'")
    return [replace(m, kind=m.kind if values == "auto" else values,
                    scale=m.scale if scale == "auto" else scale)
            if m.role in ERROR_FIELDS else m for m in out]


def _is_number_role(m: ColumnMapping) -> bool:
    return m.role in ERROR_FIELDS or m.role in SIZE_FIELDS or m.role == "metric"


# -- the mapping as an editable table (the Runs page) ----------------------------------

MAPPING_COLUMNS: tuple[str, ...] = ("column", "examples", "role", "values", "scale")


def mapping_rows(table: RawTable, mapping: Sequence[ColumnMapping]) -> list[dict[str, object]]:
    """One row per column for the mapping editor: examples, role, value kind and scale."""
    rows = []
    for position, m in enumerate(mapping):
        examples = [r[position] for r in table.rows if r[position].strip()][:3]
        rows.append({
            "column": m.column,
            "examples": _clip(", ".join(examples), 60),
            "role": m.role,
            "values": m.kind,
            "scale": m.scale,
        })
    return rows


def mapping_from_rows(table: RawTable, rows: Sequence[dict[str, object]]) -> list[ColumnMapping]:
    """The user's edited mapping. An error field without a kind or scale gets the detected
    one; unknown roles fall back to 'ignore' (the editor only offers valid ones)."""
    out = []
    for row in rows:
        column = str(row["column"])
        role = str(row.get("role") or "ignore")
        role = role if role in ROLES else "ignore"
        kind = row.get("values") if row.get("values") in VALUE_KINDS else None
        scale = row.get("scale") if row.get("scale") in SCALES else None
        if role in ERROR_FIELDS:
            position = table.headers.index(column)
            kind = kind or classify_metric(column)[1] or "error"
            scale = scale or detect_scale([r[position] for r in table.rows],
                                          table.delimiter != ",")
        else:
            kind = scale = None
        out.append(ColumnMapping(column, role, _strip_prefix(column), kind, scale))  # type: ignore[arg-type]
    return out
