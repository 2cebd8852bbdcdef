"""The labels of a multi-task data set (docs/rules.md §8): how many examples carry a label for each
task, and reading a label matrix CSV with its missing-label marks and its task columns."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from strategy_core.errors import InputError
from strategy_core.guides.multitask import MISSING_LABELS_SKIPPED


@dataclass(frozen=True)
class TaskCoverage:
    """How many examples carry a label for one task."""

    name: str
    labeled: int
    missing: int
    coverage: float

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "labeled": self.labeled,
            "missing": self.missing,
            "coverage": self.coverage,
        }


@dataclass(frozen=True)
class LabelCoverage:
    """Label coverage per task of a multi-task data set (docs/rules.md §8)."""

    tasks: tuple[TaskCoverage, ...]
    examples: int
    unlabeled_examples: int
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "tasks": [task.as_dict() for task in self.tasks],
            "examples": self.examples,
            "unlabeled_examples": self.unlabeled_examples,
            "reasons": list(self.reasons),
        }


def label_coverage(
    matrix: pd.DataFrame | Iterable[Mapping[str, object]],
    tasks: Sequence[str] | None = None,
) -> LabelCoverage:
    """Labeled and missing count per task (docs/rules.md §8).

    ``matrix`` holds one row per example and one column (or key) per task; None, NaN and
    empty text mean the label is missing, as does a key absent from a row. ``tasks``
    picks the task columns (default: all). Missing labels are skipped in the loss.
    """
    if isinstance(matrix, pd.DataFrame):
        frame = matrix
    else:
        rows = list(matrix)
        for index, row in enumerate(rows, start=1):
            if not isinstance(row, Mapping):
                raise InputError(f"example {index} must map task names to labels")
        frame = pd.DataFrame.from_records(rows) if rows else pd.DataFrame()
    if len(frame) == 0:
        raise InputError("there are no examples to count labels in")
    columns = list(frame.columns) if tasks is None else list(tasks)
    if not columns:
        raise InputError("there are no task columns to count labels in")
    for column in columns:
        if column not in frame.columns:
            raise InputError(f"task '{column}' is not a column of the label matrix")
    if len(set(columns)) != len(columns):
        raise InputError("a task is listed twice")

    present = frame[columns].notna()
    for column in columns:
        values = frame[column]
        if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)):
            blank = values.astype("string").str.strip().eq("").fillna(False).astype(bool)
            present[column] = present[column] & ~blank

    examples = len(frame)
    labeled_counts = present.sum()
    coverage = []
    for column in columns:
        labeled = int(labeled_counts[column])
        coverage.append(TaskCoverage(str(column), labeled, examples - labeled, labeled / examples))
    unlabeled = int((~present.any(axis=1)).sum())

    reasons = [MISSING_LABELS_SKIPPED]
    empty = [task.name for task in coverage if task.labeled == 0]
    if empty:
        reasons.append(
            "No labels at all for " + ", ".join(empty) + ": the network cannot learn that task."
        )
    if unlabeled:
        reasons.append(
            f"{unlabeled:,} of {examples:,} examples have no label for any task and add "
            "nothing to the loss."
        )
    return LabelCoverage(tuple(coverage), examples, unlabeled, tuple(reasons))


MISSING_LABEL_MARKS = frozenset({"", "?", "-", "na", "n/a", "nan", "null", "none"})
"""Cells of a label matrix that mean "no label for this task" (case-insensitive)."""

_ID_TOKENS = frozenset(
    {"id", "uid", "uuid", "guid", "idx", "index", "row", "example", "sample", "image",
     "img", "photo", "picture", "file", "filename", "path", "url", "uri", "name", "split",
     "source", "key"}
)


def read_label_matrix(payload: bytes) -> pd.DataFrame:
    """A label matrix CSV (one row per example, one column per task) as text cells.

    The cells listed in MISSING_LABEL_MARKS become missing (None). Rejects, naming the row,
    what ``run_csv.read_table`` rejects: empty, binary, non-UTF-8, broken or ragged files.
    """
    from strategy_core.run_csv import read_table  # the one CSV reader of the product

    try:
        table = read_table(payload)
    except InputError as exc:
        if exc.problem == "the file has a header but no runs":
            raise InputError("the label matrix has a header but no examples") from None
        raise
    twice = [note for note in table.notes if "twice" in note]
    if twice:  # a task named twice has no one label column
        raise InputError(twice[0].split(":")[0], row=1)
    frame = pd.DataFrame(list(table.rows), columns=list(table.headers), dtype=object)
    for column in frame.columns:
        cells = frame[column].astype("string").str.strip().str.casefold()
        frame[column] = frame[column].where(~cells.isin(MISSING_LABEL_MARKS), None)
    return frame


def default_task_columns(frame: pd.DataFrame) -> list[str]:
    """The columns of a label matrix that look like tasks: not ids, file names or paths."""
    tasks = []
    for column in frame.columns:
        words = {w for w in re.split(r"[^a-z0-9]+", str(column).casefold()) if w}
        if words & _ID_TOKENS:
            continue
        values = frame[column]
        if len(frame) >= 10 and values.notna().all() and values.nunique() == len(frame):
            continue  # every example has its own value: an identifier, not a label
        tasks.append(str(column))
    return tasks
