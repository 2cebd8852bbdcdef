"""A training run as a value: error rates per split, split sizes, extra metrics.

Error rates are fractions (0.08). The four error fields and four size fields are fixed;
everything else a tracker exported is kept as a named metric (number) or param (text).
The rules (`strategy_core.runs`) and the store share these.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ERROR_FIELDS: tuple[str, ...] = ("train_error", "train_dev_error", "dev_error", "test_error")
SIZE_FIELDS: tuple[str, ...] = ("n_train", "n_train_dev", "n_dev", "n_test")
RUN_FIELDS: tuple[str, ...] = ("name", "run_id", "created", *ERROR_FIELDS, *SIZE_FIELDS)

FIELD_LABELS: dict[str, str] = {
    "name": "Run name",
    "run_id": "Run id",
    "created": "Created",
    "train_error": "Train error",
    "train_dev_error": "Train-dev error",
    "dev_error": "Dev error",
    "test_error": "Test error",
    "n_train": "Train size",
    "n_train_dev": "Train-dev size",
    "n_dev": "Dev size",
    "n_test": "Test size",
}

MAX_NAME_LENGTH = 200

# What a tracker records about a run besides its results, kept as text (docs/rules.md §9).
INFO_FIELDS: tuple[str, ...] = ("status", "user", "duration", "tags", "notes", "group",
                                "source")
INFO_LABELS: dict[str, str] = {
    "status": "Status", "user": "User", "duration": "Duration", "tags": "Tags",
    "notes": "Notes", "group": "Group / sweep", "source": "Source",
}
# Run states that mean the run ran to the end; '' is a file with no status column.
# Trackers write FINISHED (MLflow), finished (W&B), completed / success elsewhere.
FINISHED_STATES: frozenset[str] = frozenset({"", "finished", "completed", "complete",
                                             "success", "succeeded", "done", "ok"})


@dataclass(frozen=True)
class Run:
    """One run. `key` is the store's identity for the run (None before it is stored)."""

    name: str
    run_id: str | None = None
    created: datetime | None = None
    train_error: float | None = None
    train_dev_error: float | None = None
    dev_error: float | None = None
    test_error: float | None = None
    n_train: int | None = None
    n_train_dev: int | None = None
    n_dev: int | None = None
    n_test: int | None = None
    metrics: Mapping[str, float] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)
    # What the tracker said about the run besides its results (INFO_FIELDS: status, user,
    # duration, tags, notes, group, source), as text.
    info: Mapping[str, str] = field(default_factory=dict)
    # The per-slice values a split's level is the average of: "dev_error/camera1" -> value
    # (docs/rules.md §9, slices).
    slices: Mapping[str, float] = field(default_factory=dict)
    key: int | None = None
    # The store's edit version of the run (its current version's id): a save names the
    # version it started from, so a stale one is refused. Not part of the run's content.
    version: int | None = field(default=None, compare=False)

    def errors(self) -> dict[str, float | None]:
        return {f: getattr(self, f) for f in ERROR_FIELDS}

    def value(self, metric: str) -> float | None:
        """A run error field or an extra metric by name; None when the run lacks it."""
        if metric in ERROR_FIELDS or metric in SIZE_FIELDS:
            raw = getattr(self, metric)
            return None if raw is None else float(raw)
        return self.metrics.get(metric)

    def content(self) -> tuple:
        """Everything an import compares to decide updated vs unchanged."""
        fixed = tuple(_normal(getattr(self, f)) for f in RUN_FIELDS)
        return fixed + (
            tuple(sorted((k, _normal(v)) for k, v in self.metrics.items())),
            tuple(sorted(self.params.items())),
            tuple(sorted(self.info.items())),
            tuple(sorted((k, _normal(v)) for k, v in self.slices.items())),
        )

    @property
    def status(self) -> str:
        """The tracker's run state in lower case ('finished', 'failed', 'crashed',
        'killed', 'running'), or '' when the file had none."""
        return self.info.get("status", "").strip().lower()

    @property
    def finished(self) -> bool:
        """Whether the run ran to the end: no status recorded counts as finished
        (docs/rules.md §9, run status)."""
        return self.status in FINISHED_STATES

    def as_dict(self) -> dict[str, Any]:
        """The command line's JSON shape of a run (errors as fractions or null)."""
        out: dict[str, Any] = {"run_id": self.run_id, "name": self.name}
        out["created"] = self.created.isoformat() if self.created else None
        for f in ERROR_FIELDS + SIZE_FIELDS:
            out[f] = getattr(self, f)
        out["metrics"] = dict(self.metrics)
        out["params"] = dict(self.params)
        out["info"] = dict(self.info)
        out["slices"] = dict(self.slices)
        out["finished"] = self.finished
        return out


EDITABLE_FIELDS: tuple[str, ...] = ("name", "created", *ERROR_FIELDS, *SIZE_FIELDS)


def changed_fields(before: Run, after: Run) -> dict[str, Any]:
    """The editable fields whose value differs between two versions of a run, with the
    value in `after` (representation noise in rates does not count as a change)."""
    return {f: getattr(after, f) for f in EDITABLE_FIELDS
            if _normal(getattr(before, f)) != _normal(getattr(after, f))}


def describe_field(name: str, value: Any) -> str:
    """A field's value as people read it: rates as percent, sizes with separators."""
    if value is None or value == "":
        return "empty"
    if name in ERROR_FIELDS:
        return f"{value * 100:.2f}%"
    if name in SIZE_FIELDS:
        return f"{int(value):,}"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    return str(value)


def describe_changes(before: Run, after: Run) -> str:
    """'Dev error 10.00% → 12.00%; Train size empty → 5,000', or 'nothing'."""
    parts = [f"{FIELD_LABELS[f]} {describe_field(f, getattr(before, f))} → "
             f"{describe_field(f, value)}" for f, value in changed_fields(before, after).items()]
    return "; ".join(parts) or "nothing"


def _normal(value: Any) -> Any:
    """Make floats that differ only by representation noise compare equal."""
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 12)
    return value
