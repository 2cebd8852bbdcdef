"""The run import's vocabulary and limits: the tracker formats, the roles a column can
take, the value kinds and scales of error columns, and the types passed between the steps
(the raw table, a column's mapping, the runs built)."""

from __future__ import annotations

from dataclasses import dataclass

from strategy_core.errors import InputError
from strategy_core.runs import RUN_FIELDS, Run
from strategy_core.values.runs import INFO_FIELDS

FORMATS: tuple[str, ...] = ("generic", "mlflow", "mlflow-ui", "wandb")
FORMAT_LABELS: dict[str, str] = {
    "generic": "Generic CSV (one row per run)",
    "mlflow": "MLflow search_runs() CSV",
    "mlflow-ui": "MLflow UI download",
    "wandb": "W&B runs-table export",
}
ROLES: tuple[str, ...] = (*RUN_FIELDS, *INFO_FIELDS, "metric", "param", "ignore")
# "value": the project metric's own units (a loss, MSE, WER...), stored as read
# (docs/rules.md §16).
VALUE_KINDS: tuple[str, ...] = ("error", "accuracy", "value")
SCALES: tuple[str, ...] = ("fraction", "percent")
MAX_PROBLEMS = 50
MAX_FILE_MB = 50
"""The largest run CSV read (5,000 runs with many metrics take a few MB)."""


@dataclass(frozen=True)
class RawTable:
    """A CSV file's header and records, with the file line each record starts on; `notes`
    say what reading changed (a header name given twice, made unique)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    lines: tuple[int, ...]
    delimiter: str = ","
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ColumnMapping:
    """What one column means: its role, and for error fields the value kind and scale."""

    column: str
    role: str
    metric_name: str = ""
    kind: str | None = None
    scale: str | None = None
    # A slice of a split (several columns mapped to one split are averaged, docs/rules.md
    # §9): its name, e.g. 'camera1'; '' for a column that is the split's level itself.
    # For the created column: the date order 'dmy' or 'mdy' of dates such as 04-08-2024.
    part: str = ""


@dataclass(frozen=True)
class RunBuild:
    """The runs as they will be stored, or the problems that stop the import."""

    runs: tuple[Run, ...]
    problems: tuple[InputError, ...]
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems
