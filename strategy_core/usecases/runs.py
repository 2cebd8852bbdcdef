"""Runs: read a project's runs, import a run file, add, edit and delete runs, undo an import,
and the project's human levels (docs/rules.md sections 9 and 14)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from strategy_core.errors import InputError
from strategy_core.human_level import HumanLevels
from strategy_core.rates import format_pct
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
from strategy_core.runs import Run, runs_table
from strategy_core.store import Store
from strategy_core.store.runs import ImportRecord, ImportResult


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


def plan_import(table: RawTable, fmt: str = "auto",
                mapping: Sequence[ColumnMapping] | None = None,
                overrides: Mapping[str, str] | None = None, values: str = "auto",
                scale: str = "auto") -> ImportPlan:
    """Detect the format, propose the mapping (or take the confirmed one), apply `--map`
    style overrides and build the runs (nothing is stored)."""
    detected = detect_format(table.headers)
    chosen = detected if fmt == "auto" else fmt
    if mapping is None:
        mapping = propose_mapping(table, chosen)
        if overrides or values != "auto" or scale != "auto":
            mapping = with_overrides(table, mapping, overrides, values, scale)
    return ImportPlan(table, chosen, detected, tuple(mapping), build_runs(table, mapping))


def import_plan(store: Store, project_id: int, plan: ImportPlan, *, source: str
                ) -> ImportResult:
    """Store a plan's runs in one transaction (added, updated, unchanged); refused whole
    when the plan has problems."""
    if not plan.built.ok:
        raise plan.built.problems[0]
    return store.runs.import_runs(project_id, plan.built.runs, source=source, fmt=plan.fmt)


def import_run_file(store: Store, project_id: int, data: bytes, *, source: str,
                    fmt: str = "auto", overrides: Mapping[str, str] | None = None,
                    values: str = "auto",
                    scale: str = "auto") -> tuple[ImportPlan, ImportResult]:
    """Read, map and store a run file in one go (the command line, the demo)."""
    plan = plan_import(read_run_file(data), fmt, overrides=overrides, values=values,
                       scale=scale)
    return plan, import_plan(store, project_id, plan, source=source)


# --- editing --------------------------------------------------------------------------------


def add_run(store: Store, project_id: int, run: Run) -> ImportResult:
    """A run added by hand (a manual entry in the history)."""
    if not run.name.strip():
        raise InputError("a run needs a name")
    return store.runs.save_run(project_id, run)


def edit_run(store: Store, project_id: int, key: int, changes: Mapping[str, Any], *,
             expected_version: int | None) -> ImportResult:
    """Change only the given fields of a run, against the version the editor read
    (docs/rules.md section 14)."""
    return store.runs.edit_run(project_id, key, changes, expected_version=expected_version)


def delete_runs(store: Store, project_id: int, keys: Sequence[int]) -> ImportResult:
    """Delete runs (undoable from the history)."""
    return store.runs.delete_runs(project_id, keys)


def undo_import(store: Store, project_id: int, import_id: int) -> None:
    """Remove what one import wrote; runs fall back to their previous versions."""
    store.runs.undo_import(project_id, import_id)


# --- human levels ---------------------------------------------------------------------------


def human_levels(store: Store, project_id: int) -> HumanLevels:
    """The project's human levels and the chosen Bayes proxy."""
    return store.projects.human_levels(project_id)


def save_human_levels(store: Store, project_id: int, rows: list[tuple[str, float | None]],
                      chosen: str | None = None, *, expected: HumanLevels | None = None
                      ) -> HumanLevels:
    """Replace the human levels, refusing a save someone else's overtook."""
    return store.projects.set_human_levels(project_id, rows, chosen, expected=expected)


# --- the report's runs section --------------------------------------------------------------


def _day(value: datetime | None) -> str:
    return "–" if value is None else f"{value:%Y-%m-%d}"


def _runs(n: int) -> str:
    return f"{n:,} run{'' if n == 1 else 's'}"


def runs_report_section(runs: Sequence[Run]) -> Section:
    """The report's runs: how many and when, and the newest ones' error levels."""
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
    rows = tuple(
        (run.name, _day(run.created), format_pct(run.train_error),
         format_pct(run.train_dev_error), format_pct(run.dev_error), format_pct(run.test_error),
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
