"""History exports, one row per logged step, turned into one row per run (docs/rules.md
§9, "Histories"): W&B run-history downloads (`_step`), W&B chart downloads
(`"<run> - <metric>"` with `__MIN` / `__MAX`), MLflow metric histories in long form
(`key, value, step`) and per-epoch result tables (YOLO's `results.csv`).

Each run's value of a column is taken at its best dev step (the checkpoint early stopping
keeps: every column read at the step where the dev level is best), at its last step, or
as each column's own best; the per-step values are kept as the run's curves.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from strategy_core.errors import InputError
from strategy_core.run_csv.cells import _number
from strategy_core.run_csv.common import RawTable
from strategy_core.run_csv.mapping import detect_format
from strategy_core.run_csv.names import FAMILY_ORDER, read_name, tokens

HISTORY_PICKS: dict[str, str] = {
    "best_dev": "at the best dev step",
    "last": "at the last step",
    "best": "each column's best",
}
DEFAULT_PICK = "best_dev"
HISTORY_KINDS: dict[str, str] = {
    "chart": "A W&B chart download",
    "long": "A metric history (one value per row)",
    "steps": "A history (one row per step)",
    "mlflow": "An MLflow experiment",
}
_STEP_NAMES = ("_step", "step", "global_step", "epoch", "iteration", "iter", "steps")
_CLOCK_NAMES = {"_runtime", "_timestamp", "timestamp", "wall_time", "time", "relative_time",
                "row_index"}
_RUN_NAMES = ("name", "run", "run_name", "run_id", "runid", "run_uuid")
_CHART = re.compile(r"^(?P<run>.+) - (?P<metric>.+?)(?P<band>__MIN|__MAX)?$")

Points = tuple[tuple[int, float], ...]


@dataclass(frozen=True)
class History:
    """What a history file held: its layout, step column, how values were picked, and
    every run's per-step values (run name -> column -> points)."""

    kind: str
    step_column: str
    pick: str
    curves: dict[str, dict[str, Points]]
    note: str = ""

    @property
    def runs(self) -> int:
        return len(self.curves)


def history_kind(table: RawTable) -> str | None:
    """'chart', 'long', 'steps' or None (a table of runs), from the header and cells."""
    headers = table.headers
    step = _step_column(headers)
    if step is None or detect_format(headers) != "generic":
        return None
    if sum(bool(_CHART.match(h)) for h in headers if h != step) >= 1 and \
            all(_CHART.match(h) or h == step or _norm(h) in _CLOCK_NAMES for h in headers):
        return "chart"
    lowered = {_norm(h) for h in headers}
    if {"key", "value"} <= lowered:
        return "long"
    identity = _identity_column(headers)
    steps = _column(table, step)
    if identity is None:
        return "steps" if _increasing(steps) and len(steps) > 1 else None
    groups: dict[str, list[str]] = {}
    for name, cell in zip(_column(table, identity), steps, strict=True):
        groups.setdefault(name, []).append(cell)
    repeated = [cells for cells in groups.values() if len(cells) > 1]
    return "steps" if repeated and all(len(set(c)) == len(c) for c in repeated) else None


def collapse(table: RawTable, pick: str = DEFAULT_PICK, name_hint: str = "run"
             ) -> tuple[RawTable, History]:
    """One row per run from a history export, the values picked by `pick` (one of
    HISTORY_PICKS), and the curves (docs/rules.md §9, Histories). `name_hint` names the
    run of a file that logs one run and names none (its file name)."""
    if pick not in HISTORY_PICKS:
        raise InputError(f"pick must be one of {', '.join(HISTORY_PICKS)}, not '{pick}'")
    kind = history_kind(table)
    if kind is None:
        raise InputError("this file is not a history (no step column)")
    step = _step_column(table.headers) or ""
    long_rows = _long_rows(table, kind, step, name_hint)
    params: dict[str, dict[str, str]] = {}
    series: dict[str, dict[str, list[tuple[int, float]]]] = {}
    first_line: dict[str, int] = {}
    for run, column, step_value, cell, line in long_rows:
        first_line.setdefault(run, line)
        number = _number(cell)
        if number is None or not math.isfinite(number) or column in (step,):
            if cell.strip() and number is None:
                params.setdefault(run, {}).setdefault(column, cell.strip())
            continue
        series.setdefault(run, {}).setdefault(column, []).append((step_value, number))
    if not series:
        raise InputError("the history holds no numeric values to take")
    columns = sorted({c for per_run in series.values() for c in per_run}, key=_order(table))
    param_columns = sorted({c for per_run in params.values() for c in per_run} - set(columns),
                           key=_order(table))
    dev = _dev_column(columns)
    rows, lines, curves = [], [], {}
    order = list(series)
    if kind == "chart":  # W&B lists a chart's runs newest first; runs are kept oldest first
        order.reverse()
    for run in sorted(order, key=lambda r: first_line[r]):
        per_run = {c: tuple(dict(points).items()) for c, points in series[run].items()}
        per_run = {c: tuple(sorted(points)) for c, points in per_run.items()}  # last per step
        curves[run] = per_run
        values = _picked(per_run, pick, dev)
        rows.append((run, *(params.get(run, {}).get(c, "") for c in param_columns),
                     *(_cell(values.get(c)) for c in columns)))
        lines.append(first_line[run])
    out = RawTable(("name", *param_columns, *columns), tuple(rows), tuple(lines), ",",
                   table.notes)
    note = (f"{HISTORY_KINDS[kind]}: {len(curves)} run{'s' if len(curves) != 1 else ''} "
            f"from {len(long_rows):,} logged values; each run's values are taken "
            f"{HISTORY_PICKS[pick if dev or pick != 'best_dev' else 'last']}"
            + (f" ('{dev}')" if pick == "best_dev" and dev else "")
            + ("" if dev or pick != "best_dev" else " (no dev column to pick a step by)"))
    return out, History(kind, step, pick, curves, note)


def _long_rows(table: RawTable, kind: str, step: str, name_hint: str
               ) -> list[tuple[str, str, int, str, int]]:
    """Every value of the file as (run, column, step, cell, file line)."""
    index = {h: i for i, h in enumerate(table.headers)}
    out = []
    identity = _identity_column(table.headers)
    key = next((h for h in table.headers if _norm(h) == "key"), "")
    value = next((h for h in table.headers if _norm(h) == "value"), "")
    for row, line in zip(table.rows, table.lines, strict=True):
        step_value = _step_value(row[index[step]], line, step)
        if kind == "chart":
            for header, cell in zip(table.headers, row, strict=True):
                match = _CHART.match(header)
                if match and not match.group("band") and cell.strip():
                    out.append((match.group("run"), match.group("metric"), step_value, cell,
                                line))
            continue
        run = row[index[identity]].strip() if identity else name_hint
        if kind == "long":
            out.append((run, row[index[key]].strip(), step_value, row[index[value]], line))
            continue
        for header, cell in zip(table.headers, row, strict=True):
            if header not in (step, identity) and _norm(header) not in _CLOCK_NAMES:
                out.append((run, header, step_value, cell, line))
    return out


def _picked(per_run: dict[str, Points], pick: str, dev: str | None) -> dict[str, float]:
    """Each column's value for the run: at the best dev step, the last, or its best."""
    if pick == "best_dev" and dev and per_run.get(dev):
        higher = read_name(dev).higher_is_better
        points = per_run[dev]
        best_step = (max if higher else min)(points, key=lambda p: p[1])[0]
        return {c: _at(points_of, best_step) for c, points_of in per_run.items()}
    if pick == "best":
        out = {}
        for c, points in per_run.items():
            higher = read_name(c).higher_is_better
            chooser = max if higher else min
            out[c] = chooser(v for _, v in points) if higher is not None else points[-1][1]
        return out
    return {c: points[-1][1] for c, points in per_run.items()}


def _at(points: Points, step: int) -> float:
    """The value at `step`, else the last one before it, else the first one after."""
    before = [v for s, v in points if s <= step]
    return before[-1] if before else points[0][1]


def _dev_column(columns: Sequence[str]) -> str | None:
    """The column whose best step a run's values are read at: the dev (or split-less)
    column of the first metric family, as the mapping would choose it."""
    read = {c: read_name(c) for c in columns}
    for family in FAMILY_ORDER:
        mine = [c for c, r in read.items() if r.family == family and r.split in ("dev", None)]
        if mine:
            return min(mine, key=lambda c: (read[c].split is None, len(read[c].rest)))
    return None


def _step_column(headers: Sequence[str]) -> str | None:
    by_norm = {_norm(h): h for h in headers}
    return next((by_norm[n] for n in _STEP_NAMES if n in by_norm), None)


def _identity_column(headers: Sequence[str]) -> str | None:
    by_norm = {_norm(h): h for h in headers}
    return next((by_norm[n] for n in _RUN_NAMES if n in by_norm), None)


def _norm(header: str) -> str:
    return "_" + "_".join(tokens(header)) if header.startswith("_") else "_".join(tokens(header))


def _column(table: RawTable, header: str) -> list[str]:
    position = table.headers.index(header)
    return [row[position].strip() for row in table.rows]


def _increasing(cells: list[str]) -> bool:
    numbers = [_number(c) for c in cells if c]
    return bool(numbers) and all(n is not None for n in numbers) and all(
        a < b for a, b in zip(numbers, numbers[1:], strict=False))  # type: ignore[operator]


def _step_value(cell: str, line: int, column: str) -> int:
    number = _number(cell)
    if number is None or not math.isfinite(number):
        raise InputError(f"'{cell.strip()[:40]}' is not a step number", row=line,
                         column=column)
    return int(number)


def _cell(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def _order(table: RawTable):  # noqa: ANN202 - a sort key
    positions = {h: i for i, h in enumerate(table.headers)}
    return lambda c: (positions.get(c, len(positions)), c)
