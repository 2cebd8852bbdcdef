"""Runs: read a project's runs, import a run file, add, edit and delete runs, undo an import,
and the project's human levels (docs/rules.md sections 9 and 14)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import pandas as pd

from strategy_core.errors import InputError
from strategy_core.human_level import HumanLevels
from strategy_core.report.model import NEWEST_RUNS, SECTION_TITLES, Paragraph, Section, Table
from strategy_core.run_csv import (
    ColumnMapping,
    RawTable,
    RunBuild,
    build_runs,
    detect_format,
    propose_mapping,
    read_table,
    with_overrides,
)
from strategy_core.run_csv.histories import DEFAULT_PICK, History, collapse, history_kind
from strategy_core.runs import ERROR_FIELDS, FIELD_LABELS, Run, runs_table
from strategy_core.store import Store
from strategy_core.store.runs import Curves, ImportRecord, ImportResult, curve_key
from strategy_core.usecases.project_metric import (
    level_metric,
    project_metric,
    project_metric_entry,
    save_project_metric,
)
from strategy_core.values.project_metric import ERROR_RATE, ProjectMetric


def runs(store: Store, project_id: int) -> list[Run]:
    """The project's current runs, oldest first."""
    return store.runs.list(project_id)


def runs_frame(store: Store, project_id: int) -> pd.DataFrame:
    """The project's runs as a table (fixed fields, then metrics, then params)."""
    return runs_table(store.runs.list(project_id))


def run_by_name(store: Store, project_id: int, name: str) -> Run:
    """The newest current run with this name or run id."""
    return store.runs.by_name(project_id, name)


def history(store: Store, project_id: int) -> list[ImportRecord]:
    """Every import, manual edit and delete of the project, newest first."""
    return store.runs.history(project_id)


# --- importing a run file: one path for the Runs page, the command line and the demo ------


def read_run_file(data: bytes) -> RawTable:
    """The file's cells, refused whole (with the row) when it is larger than
    `strategy_core.run_csv.MAX_FILE_MB`, not UTF-8 text, or not a table (docs/rules.md
    section 9)."""
    return read_table(data)


@dataclass(frozen=True)
class ImportPlan:
    """A run file read and mapped: the format (detected unless chosen), the mapping of every
    column and the runs exactly as they would be stored, or the problems."""

    table: RawTable
    fmt: str
    detected: str
    mapping: tuple[ColumnMapping, ...]
    built: RunBuild
    # A history export collapsed to one row per run: how, and the runs' curves.
    history: History | None = None

    @property
    def proposed_metric(self) -> ProjectMetric | None:
        """The metric the split columns are in when they hold another metric's values (a
        loss, MSE, WER: kind "value"), for the user to confirm (docs/rules.md §16); None
        when they are errors or accuracies."""
        named = [m.column for m in self.mapping if m.role in ERROR_FIELDS and m.kind == "value"]
        if not named:
            return None
        return level_metric(named)

    @property
    def curves(self) -> dict[str, Curves]:
        """The runs' per-step values by the key the store matches them on."""
        if self.history is None:
            return {}
        found = {}
        for run in self.built.runs:
            curve = self.history.curves.get(run.run_id or "") or \
                self.history.curves.get(run.name)
            if curve:
                found[curve_key(run)] = curve
        return found

    @property
    def notes(self) -> tuple[str, ...]:
        """What the user should know before importing: how a history was read, then the
        build's warnings."""
        return ((self.history.note,) if self.history else ()) + self.built.warnings

    def metric_problem(self, current: ProjectMetric) -> str | None:
        """Why these runs cannot go into a project with the `current` metric as they are,
        or None: errors and accuracies need a rate metric, other values the metric they
        are in."""
        proposed = self.proposed_metric
        if proposed is None and current.kind != "rate" and not current.percent:
            return (f"the file's columns hold errors or accuracies but the project's metric "
                    f"is {current.name}; map the {current.name} columns instead")
        if proposed is not None and current.kind == "rate":
            return (f"the file's split columns hold {proposed.name} values, not "
                    f"{current.name.lower()}s: set the project metric to {proposed.name} to "
                    "import them")
        return None


def plan_import(table: RawTable, fmt: str = "auto",
                mapping: Sequence[ColumnMapping] | None = None,
                overrides: Mapping[str, str] | None = None, values: str = "auto",
                scale: str = "auto", metric: ProjectMetric = ERROR_RATE, *,
                pick: str = DEFAULT_PICK, name_hint: str = "run",
                dates: str = "auto") -> ImportPlan:
    """Detect the format, propose the mapping (or take the confirmed one), apply `--map`
    style overrides and build the runs (nothing is stored). `metric` is the project's:
    an accuracy project keeps accuracies as they are (docs/rules.md §16). A history
    export becomes one row per run first, its values picked by `pick` (§9, Histories);
    `dates`: 'dmy' or 'mdy' for dates whose order the column does not settle."""
    history = None
    if history_kind(table) is not None:
        table, history = collapse(table, pick, name_hint)
    detected = detect_format(table.headers)
    chosen = detected if fmt == "auto" else fmt
    if mapping is None:
        mapping = propose_mapping(table, chosen)
        if overrides or values != "auto" or scale != "auto" or dates != "auto":
            mapping = with_overrides(table, mapping, overrides, values, scale, dates)
    keep = metric.kind == "rate" and metric.direction == "higher"
    return ImportPlan(table, chosen, detected, tuple(mapping),
                      build_runs(table, mapping, keep_accuracy=keep), history)


def import_plan(store: Store, project_id: int, plan: ImportPlan, *, source: str,
                metric: ProjectMetric | None = None, author: str = "") -> ImportResult:
    """Store a plan's runs in one transaction (added, updated, unchanged); refused whole
    when the plan has problems, or when a level lies outside the project metric's range
    (naming the row and column). `metric`: the metric the user confirmed for these runs;
    when it differs from the project's, the project metric is changed first and the
    change logged (docs/rules.md §16)."""
    if not plan.built.ok:
        raise plan.built.problems[0]
    current, version = project_metric_entry(store, project_id)
    target = metric or current
    problem = plan.metric_problem(target)
    if problem is not None:
        raise InputError(problem)
    check_levels(plan, target)
    if target != current:
        save_project_metric(store, project_id, target, expected=version, author=author,
                            reason=f"Set from the import of {source or 'a run file'}.")
    return store.runs.import_runs(project_id, plan.built.runs, source=source, fmt=plan.fmt,
                                  curves=plan.curves)


def check_levels(plan: ImportPlan, metric: ProjectMetric) -> None:
    """Every level of the plan's runs within the metric's range, or InputError naming the
    file row and the column (docs/rules.md §16)."""
    columns = {m.role: m.column for m in plan.mapping if m.role in ERROR_FIELDS}
    for run, line in zip(plan.built.runs, plan.table.lines, strict=False):
        for field_name, column in columns.items():
            value = getattr(run, field_name)
            if value is not None:
                metric.check(value, FIELD_LABELS[field_name], row=line, column=column)


def import_run_file(store: Store, project_id: int, data: bytes, *, source: str,
                    fmt: str = "auto", overrides: Mapping[str, str] | None = None,
                    values: str = "auto", scale: str = "auto",
                    metric: ProjectMetric | None = None, pick: str = DEFAULT_PICK,
                    dates: str = "auto") -> tuple[ImportPlan, ImportResult]:
    """Read, map and store a run file in one go (the command line, the demo)."""
    current = project_metric(store, project_id)
    plan = plan_import(read_run_file(data), fmt, overrides=overrides, values=values,
                       scale=scale, metric=metric or current, pick=pick,
                       name_hint=file_stem(source), dates=dates)
    return plan, import_plan(store, project_id, plan, source=source, metric=metric)


# --- editing --------------------------------------------------------------------------------


def add_run(store: Store, project_id: int, run: Run) -> ImportResult:
    """A run added by hand (a manual entry in the history)."""
    if not run.name.strip():
        raise InputError("a run needs a name")
    metric = project_metric(store, project_id)
    for name in ERROR_FIELDS:
        if getattr(run, name) is not None:
            metric.check(getattr(run, name), FIELD_LABELS[name], column=name)
    return store.runs.save_run(project_id, run)


def edit_run(store: Store, project_id: int, key: int, changes: Mapping[str, Any], *,
             expected_version: int | None) -> ImportResult:
    """Change only the given fields of a run, against the version the editor read
    (docs/rules.md section 14); levels in the project metric's range (§16)."""
    metric = project_metric(store, project_id)
    for name, value in changes.items():
        if name in ERROR_FIELDS and value is not None:
            metric.check(value, FIELD_LABELS[name], column=name)
    return store.runs.edit_run(project_id, key, changes, expected_version=expected_version)


def delete_runs(store: Store, project_id: int, keys: Sequence[int]) -> ImportResult:
    """Delete runs (undoable from the history)."""
    return store.runs.delete_runs(project_id, keys)


def undo_import(store: Store, project_id: int, import_id: int) -> None:
    """Remove what one import wrote; runs fall back to their previous versions."""
    store.runs.undo_import(project_id, import_id)


# --- human levels ---------------------------------------------------------------------------


def human_levels(store: Store, project_id: int) -> HumanLevels:
    """The project's human levels and the chosen Bayes proxy (the best level unless one is
    chosen, in the direction of the project metric)."""
    levels = store.projects.human_levels(project_id)
    if project_metric(store, project_id).direction == "higher":
        return replace(levels, higher_is_better=True)
    return levels


def save_human_levels(store: Store, project_id: int, rows: list[tuple[str, float | None]],
                      chosen: str | None = None, *, expected: HumanLevels | None = None
                      ) -> HumanLevels:
    """Replace the human levels (in the project metric's units and range), refusing a save
    someone else's overtook."""
    return store.projects.set_human_levels(project_id, rows, chosen, expected=expected,
                                           metric=project_metric(store, project_id))


# --- the report's runs section --------------------------------------------------------------


def _day(value: datetime | None) -> str:
    return "–" if value is None else f"{value:%Y-%m-%d}"


def _runs(n: int) -> str:
    return f"{n:,} run{'' if n == 1 else 's'}"


def runs_report_section(runs: Sequence[Run], metric: ProjectMetric = ERROR_RATE) -> Section:
    """The report's runs: how many and when, and the newest ones' levels in the project
    metric."""
    if not runs:
        return Section("runs", SECTION_TITLES["runs"], (Paragraph(
            "No runs are recorded yet. Upload the team's training runs (a CSV exported from "
            "MLflow, W&B or a notebook) on the Runs page; this report then summarizes them.",
            style="empty"),), has_data=False)
    dated = [run.created for run in runs if run.created is not None]
    span = ""
    if dated:
        first, last = min(dated), max(dated)
        span = (f", created on {_day(first)}" if _day(first) == _day(last)
                else f", created between {_day(first)} and {_day(last)}")
    undated = len(runs) - len(dated)
    if undated:
        span += f" ({_runs(undated)} without a date)"
    newest = list(reversed(runs))[:NEWEST_RUNS]
    digits = metric.digits_for(getattr(run, name) for run in newest for name in ERROR_FIELDS)
    rows = tuple(
        (run.name, _day(run.created),
         *(metric.format(getattr(run, name), digits) for name in ERROR_FIELDS),
         "–" if run.n_dev is None else f"{run.n_dev:,}")
        for run in newest)
    caption = (f"The newest {len(newest)} of {len(runs):,} runs, newest first."
               if len(runs) > len(newest) else f"All {_runs(len(runs))}, newest first.")
    return Section("runs", SECTION_TITLES["runs"], (
        Paragraph(f"{_runs(len(runs))} recorded{span}."),
        Table(("Run", "Created", "Training", "Training-dev", "Dev", "Test", "Dev examples"),
              rows, (False, False, True, True, True, True, True), caption),
        Paragraph("Each run's error on four sets: training (what the model learned from), "
                  "training-dev (same kind of data, held out from training), dev (the data "
                  "the team tunes on, like what the product sees) and test (kept for a final "
                  "check). A dash means the run did not record it.", style="note"),
    ))


def file_stem(source: str) -> str:
    """A run name from an upload's file name: 'results.csv' -> 'results'."""
    stem = (source or "").replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0].strip()
    return stem or "run"


def curves(store: Store, project_id: int, key: int) -> dict[str, tuple[tuple[int, float], ...]]:
    """A run's per-step values from an imported history, by column (docs/rules.md §9)."""
    return store.runs.curves(project_id, key)


def runs_with_curves(store: Store, project_id: int) -> frozenset[int]:
    """The keys of the runs that have per-step curves."""
    return store.runs.with_curves(project_id)
