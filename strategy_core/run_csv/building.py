"""Building runs from a run CSV and its confirmed mapping (docs/rules.md §9): every row
validated into a run exactly as it will be stored, or the problems, each naming the row
and the column; and warnings about scales that look wrong."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from strategy_core.errors import InputError
from strategy_core.run_csv.cells import (
    NO_VALUE,
    _clip,
    _error_value,
    _number,
    _size_value,
    date_order,
    parse_created,
)
from strategy_core.run_csv.common import MAX_PROBLEMS, ROLES, ColumnMapping, RawTable, RunBuild
from strategy_core.run_csv.mapping import _bare_numbers
from strategy_core.run_csv.names import read_name
from strategy_core.runs import (
    ERROR_FIELDS,
    FIELD_LABELS,
    MAX_NAME_LENGTH,
    RUN_FIELDS,
    SIZE_FIELDS,
    Run,
)
from strategy_core.values.runs import INFO_FIELDS


def build_runs(table: RawTable, mapping: Sequence[ColumnMapping], *,
               keep_accuracy: bool = False) -> RunBuild:
    """Apply the mapping and validate every row (docs/rules.md §9, rules).

    Errors must lie in [0, 1] after conversion, with no NaN or infinity; sizes are positive
    whole numbers; at least one error column and a run name or id; no run id or name twice.
    Values of another metric (kind "value") are kept as written; the project metric's
    range checks them when they are stored (§16). `keep_accuracy`: the project metric is
    an accuracy, so accuracies are kept and errors turned into 1 − error.
    """
    by_role, problems = _mapping_problems(mapping)
    if problems:
        return RunBuild((), tuple(problems))

    index = {h: i for i, h in enumerate(table.headers)}
    decimal_comma = table.delimiter != ","
    mixed_accuracy = _mixed_accuracy_columns(table, mapping)
    runs: list[Run] = []
    run_lines: list[int] = []
    warnings: list[str] = []
    seen_ids: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    names_from_params = _names_from_params(table, mapping)
    for row, line in zip(table.rows, table.lines, strict=True):
        cells = {m.column: row[index[m.column]].strip() for m in mapping}
        values, row_problems = _field_values(cells, line, mapping, mixed_accuracy,
                                             decimal_comma, keep_accuracy)
        run_id = values.get("run_id")
        name = values.get("name") or run_id
        if not by_role.get("name") and not by_role.get("run_id"):
            name = names_from_params.get(line) or f"row {line}"
        row_problems += _identity_problems(name, run_id, line, by_role, seen_ids, seen_names)
        metrics, params, extra_problems = _extra_values(cells, line, mapping, decimal_comma)
        row_problems += extra_problems
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
                info=values.get("info") or {},  # type: ignore[arg-type]
                slices=values.get("slices") or {},  # type: ignore[arg-type]
            ))
            run_lines.append(line)
    warnings.extend(_scale_warnings(table, mapping))
    runs, renamed = _unique_names(runs, run_lines)
    warnings.extend(renamed)
    if not by_role.get("name") and not by_role.get("run_id"):
        warnings.append(
            "no column names the runs (a TensorBoard HParams table has none): each run is "
            "named after the parameters that vary between rows ('lr=0.01 bsize=32'), or "
            "its row when none do; map a name column if the file has one")
    warnings = [*table.notes, *warnings, *_reading_notes(table, mapping)]
    if problems:
        return RunBuild((), tuple(problems[:MAX_PROBLEMS]), tuple(warnings))
    return RunBuild(tuple(runs), (), tuple(warnings))


def _mapping_problems(
    mapping: Sequence[ColumnMapping],
) -> tuple[dict[str, list[ColumnMapping]], list[InputError]]:
    """The columns mapped to each role, and what is wrong with the mapping as a whole:
    unknown roles, a run field mapped twice, no error column, no run name or id."""
    problems: list[InputError] = []
    by_role: dict[str, list[ColumnMapping]] = {}
    for m in mapping:
        if m.role not in ROLES:
            problems.append(InputError(f"unknown role '{m.role}'", column=m.column))
        by_role.setdefault(m.role, []).append(m)
    for role in (*RUN_FIELDS, *INFO_FIELDS):
        mapped = by_role.get(role, [])
        if role in ERROR_FIELDS and len(mapped) > 1 and all(m.part for m in mapped):
            parts = [m.part for m in mapped]
            for part in sorted({p for p in parts if parts.count(p) > 1}):
                problems.append(InputError(f"two slices of {role} are both named '{part}'"))
            continue
        if len(mapped) > 1:
            columns = ", ".join(f"'{m.column}'" for m in by_role[role])
            problems.append(InputError(f"{columns} are all mapped to {role}; keep one"))
    if not any(by_role.get(f) for f in ERROR_FIELDS):
        problems.append(InputError(
            "no column is mapped to an error field (train, train-dev, dev or test error); "
            "map at least one"))
    names = [m.metric_name or m.column for m in mapping if m.role in ("metric", "param")]
    for duplicate in sorted({n for n in names if names.count(n) > 1}):
        problems.append(InputError(f"two columns would both be stored as '{duplicate}'"))
    return by_role, problems


def _field_values(
    cells: dict[str, str],
    line: int,
    mapping: Sequence[ColumnMapping],
    mixed_accuracy: dict[str, float],
    decimal_comma: bool,
    keep_accuracy: bool = False,
) -> tuple[dict[str, object], list[InputError]]:
    """One row's run fields (errors, sizes, created, name, run id) and the cells refused."""
    values: dict[str, object] = {}
    problems: list[InputError] = []
    for m in mapping:
        raw = cells[m.column]
        try:
            if m.role in ERROR_FIELDS and m.part:
                if raw:
                    values.setdefault("slices", {})[f"{m.role}/{m.part}"] = \
                        _error_value(raw, m, decimal_comma, keep_accuracy)
            elif m.role in ERROR_FIELDS:
                if m.column in mixed_accuracy:
                    _refuse_fraction_among_percents(raw, mixed_accuracy[m.column],
                                                    decimal_comma)
                values[m.role] = _error_value(raw, m, decimal_comma, keep_accuracy)
            elif m.role in SIZE_FIELDS:
                values[m.role] = _size_value(raw, decimal_comma)
            elif m.role == "created":
                values["created"] = parse_created(raw, m.part)
            elif m.role in ("name", "run_id"):
                values[m.role] = raw or None
            elif m.role in INFO_FIELDS and raw:
                values.setdefault("info", {})[m.role] = raw
        except InputError as exc:
            problems.append(InputError(exc.problem, row=line, column=m.column))
    _average_slices(values, mapping)
    return values, problems


def _average_slices(values: dict[str, object], mapping: Sequence[ColumnMapping]) -> None:
    """A split mapped to slices gets their mean as its level (docs/rules.md §9, slices);
    a row missing one of its slices leaves the level empty rather than average fewer."""
    sliced: dict[str, int] = {}
    for m in mapping:
        if m.role in ERROR_FIELDS and m.part:
            sliced[m.role] = sliced.get(m.role, 0) + 1
    found: dict[str, float] = values.get("slices") or {}  # type: ignore[assignment]
    for field_name, count in sliced.items():
        mine = [v for k, v in found.items() if k.startswith(f"{field_name}/")]
        if len(mine) == count and mine:
            values[field_name] = sum(mine) / count


def _identity_problems(
    name: object,
    run_id: object,
    line: int,
    by_role: dict[str, list[ColumnMapping]],
    seen_ids: dict[str, int],
    seen_names: dict[str, int],
) -> list[InputError]:
    """A row without a name or id, a name too long, or an id or name seen on an earlier
    row; records the row's id or name in ``seen_ids`` / ``seen_names``."""
    problems: list[InputError] = []
    if not name:
        problems.append(InputError(
            "the run has neither a name nor an id", row=line,
            column=(by_role.get("name") or by_role["run_id"])[0].column))
    elif len(str(name)) > MAX_NAME_LENGTH:
        problems.append(InputError(
            f"the run name is {len(str(name))} characters long (at most "
            f"{MAX_NAME_LENGTH})", row=line,
            column=(by_role.get("name") or by_role["run_id"])[0].column))
    if run_id is not None:
        if run_id in seen_ids:
            problems.append(InputError(
                f"run id '{run_id}' appears twice (rows {seen_ids[run_id]} and {line})",
                row=line, column=by_role["run_id"][0].column))
        seen_ids.setdefault(str(run_id), line)
    elif name:
        seen_names.setdefault(str(name), line)
    return problems


def _unique_names(runs: list[Run], lines: list[int]) -> tuple[list[Run], list[str]]:
    """Runs without an id that share a name (W&B repeats a display name across seeds) told
    apart by their created time, else by their row: 'seed-run (2026-05-25 14:08:33)',
    'seed-run (row 18)' (docs/rules.md §9); with the warning that says so."""
    from collections import Counter
    from dataclasses import replace

    counts = Counter(run.name for run in runs if run.run_id is None)
    shared = {name for name, n in counts.items() if n > 1}
    if not shared:
        return runs, []
    out = []
    for run, line in zip(runs, lines, strict=True):
        if run.name in shared and run.run_id is None:
            when = run.created
            same_time = sum(1 for r in runs if r.name == run.name and r.created == when)
            tag = f"{when:%Y-%m-%d %H:%M:%S}" if when is not None and same_time == 1 \
                else f"row {line}"
            run = replace(run, name=f"{run.name} ({tag})"[:MAX_NAME_LENGTH])
        out.append(run)
    return out, [f"{sum(counts[n] for n in shared)} runs share a name with another run "
                 f"({', '.join(sorted(shared)[:3])}{'…' if len(shared) > 3 else ''}); "
                 "each is named with its created time (or its row) to tell them apart"]


def _extra_values(
    cells: dict[str, str], line: int, mapping: Sequence[ColumnMapping], decimal_comma: bool
) -> tuple[dict[str, float], dict[str, str], list[InputError]]:
    """One row's extra metrics and params by name, and the metric cells that are not
    numbers (a non-finite metric is left out)."""
    metrics: dict[str, float] = {}
    params: dict[str, str] = {}
    problems: list[InputError] = []
    for m in mapping:
        raw = cells[m.column]
        key = m.metric_name or m.column
        if m.role == "metric" and raw and raw.lower() not in NO_VALUE:
            number = _number(raw, decimal_comma)
            if number is None:
                problems.append(InputError(
                    f"'{_clip(raw)}' is not a number; map the column as a param if it "
                    "holds text", row=line, column=m.column))
            elif math.isfinite(number):
                metrics[key] = number
        elif m.role == "param" and raw:
            params[key] = raw
    return metrics, params, problems


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
        if m.role in ERROR_FIELDS and m.scale == "percent" and m.kind == "error":
            numbers = _bare_numbers([r[index[m.column]] for r in table.rows], decimal_comma)
            if numbers and min(numbers) < 1 < max(numbers):
                out.append(
                    f"column '{m.column}' mixes values below and above 1 "
                    f"({min(numbers):g} to {max(numbers):g}); they are read as percents — "
                    "check the scale")
    return out


def _names_from_params(table: RawTable, mapping: Sequence[ColumnMapping]) -> dict[int, str]:
    """Names for the rows of a file with no name column (docs/rules.md §9): the params
    that vary between rows, 'lr=0.01 bsize=32', by file line; {} when none vary."""
    index = {h: i for i, h in enumerate(table.headers)}
    varying = [m for m in mapping if m.role == "param"
               and len({row[index[m.column]].strip() for row in table.rows}) > 1]
    if not varying:
        return {}
    return {line: " ".join(f"{m.metric_name or m.column}={row[index[m.column]].strip()}"
                           for m in varying)[:MAX_NAME_LENGTH]
            for row, line in zip(table.rows, table.lines, strict=True)}


def _reading_notes(table: RawTable, mapping: Sequence[ColumnMapping]) -> list[str]:
    """What the user should confirm: a level read from a column with no split word, slices
    averaged, dates whose day and month order the column does not settle."""
    notes = []
    index = {h: i for i, h in enumerate(table.headers)}
    for m in mapping:
        if m.role == "dev_error" and not m.part and read_name(m.metric_name or m.column).split \
                is None:
            notes.append(f"column '{m.column}' names no split: it is taken as the dev level "
                         "(map it to another split if it is not)")
        if m.role == "created" and not m.part and \
                date_order([row[index[m.column]] for row in table.rows]) is None and any(
                    re.match(r"\s*\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", row[index[m.column]])
                    for row in table.rows):
            notes.append(f"the dates in '{m.column}' fit both day-first and month-first "
                         "(04-08-2024): read month first; choose day first if that is wrong")
    for field_name in ERROR_FIELDS:
        parts = [m for m in mapping if m.role == field_name and m.part]
        if parts:
            notes.append(f"{FIELD_LABELS[field_name].lower()} is the average of "
                         f"{len(parts)} slices ({', '.join(m.part for m in parts[:6])}"
                         f"{'…' if len(parts) > 6 else ''}); each slice's value is kept")
    return notes
