"""Per-example predictions of runs: upload, replace, and the aggregates other pages read.

A predictions file is read by DuckDB's own CSV reader from the database's staging folder
(`Database.work_dir`, the only folder SQL may read), checked in SQL and written in one
transaction: every row or none. Uploading again for the same run replaces that run's
predictions. Everything that reads predictions aggregates in SQL (a project may hold
1,000,000 of them); nothing walks rows in Python.
"""

from __future__ import annotations

import math
import shutil
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from strategy_core.errors import InputError, NotFoundError
from strategy_core.store.prediction_files import (
    CLASSIFICATION,
    ValueRule,
    _insert_clean,
    _load,
    _NotClean,
    _problems,
)
from strategy_core.values.predictions import (
    HEADER_BYTES,
    SPLITS,
    PredictionFileError,
    PredictionLayout,
    check_text,
    layout_kind,
    read_layout,
)
from strategy_core.values.project_metric import ProjectMetric

if TYPE_CHECKING:
    from strategy_core.store import Store
    from strategy_core.store.database import Cursor

Progress = Callable[[float, str], None]

# The weight attributes `weighted_errors` may look up, mapped to columns here in code.
WEIGHT_ATTRIBUTES: dict[str, str] = {"source": "p.source", "label": "p.label",
                                     "prediction": "p.prediction"}

# The key that orders examples for seeded sampling: a hash of the seed and the example id,
# so a sample depends only on the seed and the examples, never on the file's row order.
SAMPLE_KEY_SQL = "md5(CAST(? AS VARCHAR) || ':' || p.example_id)"

# Rows of a project's current (not deleted) runs' prediction sets.
_PROJECT_PREDICTIONS = """
    predictions p JOIN prediction_sets s ON s.id = p.set_id
    JOIN current_run_versions v ON v.run_id = s.run_id AND NOT v.deleted
"""


@dataclass(frozen=True)
class SplitCount:
    """Examples and misclassified examples of one split; for per-example values
    (docs/rules.md §18) ``mean`` is the mean value (absolute error of a regression)."""

    n: int
    errors: int
    mean: float | None = None

    @property
    def error(self) -> float | None:
        return self.errors / self.n if self.n else None


@dataclass(frozen=True)
class PredictionImport:
    """What an upload did: rows per split, misclassified rows, and how long it took."""

    run_key: int
    set_id: int
    rows: int
    misclassified: int
    splits: dict[str, int]
    replaced: bool
    seconds: float
    warnings: tuple[str, ...] = ()
    kind: str = "classification"
    value_name: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rows": self.rows, "misclassified": self.misclassified,
                               "splits": dict(self.splits)}
        if self.kind != "classification":
            out.update(kind=self.kind, value_name=self.value_name)
        return out


@dataclass(frozen=True)
class PredictionSet:
    """The predictions stored for one run."""

    id: int
    run_key: int
    source: str | None
    created_at: datetime
    created_by: str
    rows: int
    misclassified: int
    splits: dict[str, SplitCount] = field(default_factory=dict)
    kind: str = "classification"
    value_name: str | None = None


@dataclass(frozen=True)
class Disagreement:
    """Two runs on the examples they share in one split.

    ``disagree`` counts examples exactly one of the two runs got wrong (McNemar's
    discordant pairs; for two classes, the examples where the predictions differ).
    """

    n_common: int
    disagree: int
    rate: float | None
    errors_a: int
    errors_b: int


@dataclass(frozen=True)
class WeightedError:
    """A run's error on one split, plain and weighted (Σw·[wrong] / Σw)."""

    run_key: int
    run_name: str
    n: int
    unweighted_error: float | None
    weighted_error: float | None


@dataclass(frozen=True)
class EyeballCounts:
    """A run's dev errors inside and outside an eyeball set."""

    run_key: int
    eyeball_n: int
    eyeball_errors: int
    blackbox_n: int
    blackbox_errors: int


class PredictionRepo:
    def __init__(self, store: Store):
        self._store = store

    # -- uploading -------------------------------------------------------------------
    def stage(self, data: bytes | Path) -> Path:
        """Copy an uploaded file (bytes or a path) into the staging folder SQL may read."""
        target = self._store.database.work_dir / f"predictions-{uuid.uuid4().hex}.csv"
        if isinstance(data, Path):
            try:
                shutil.copyfile(data, target)
            except OSError as exc:
                raise InputError(f"cannot read {data.name}: {exc.strerror}") from None
        else:
            target.write_bytes(data)
        return target

    def import_bytes(self, project_id: int, run_key: int, data: bytes, *, source: str,
                     created_by: str = "", progress: Progress | None = None,
                     metric: ProjectMetric | None = None) -> PredictionImport:
        """Stage `data` and import it (see `import_file`); the staged copy is removed."""
        staged = self.stage(data)
        try:
            return self.import_file(project_id, run_key, staged, source=source,
                                    created_by=created_by, progress=progress, metric=metric)
        finally:
            staged.unlink(missing_ok=True)

    def import_file(self, project_id: int, run_key: int, path: Path, *, source: str,
                    created_by: str = "", progress: Progress | None = None,
                    metric: ProjectMetric | None = None) -> PredictionImport:
        """Load a staged predictions CSV for run `run_key`, replacing its earlier upload.

        All or nothing (docs/rules.md §13): the file is read by DuckDB's CSV reader, every row is
        checked in SQL (ids, labels and predictions present; a known split; weights
        non-negative numbers; http(s) URLs; no example id twice in a split), and only a
        clean file is written, in one transaction with the removal of the run's old rows.
        Problems raise `PredictionFileError` naming the row (header = row 1) and column.
        With a `metric` that is not a rate (docs/rules.md §18) the rows hold a numeric
        label and prediction (regression) or a value column, every value a finite number
        (a value in the metric's range).
        """
        started = time.perf_counter()
        report = progress or (lambda fraction, message: None)
        path = Path(path)
        if path.resolve().parent != self._store.database.work_dir.resolve():
            raise InputError("stage the file first: only the staging folder can be read")
        report(0.02, "Reading the header")
        values = metric is not None and metric.kind != "rate"
        with path.open("rb") as handle:
            layout = read_layout(handle.readline(HEADER_BYTES), values=values)
            handle.seek(0)
            check_text(handle, layout)
        rule = _value_rule(layout, metric) if values and metric is not None else CLASSIFICATION
        value_name = layout.headers[layout.positions["value"]] if rule.kind == "value" \
            else None
        meta = (source[:200], created_by[:80], rule, value_name)
        report(0.08, f"Reading {path.stat().st_size / 1e6:,.1f} MB with DuckDB")
        clean = self._import_clean(project_id, run_key, path, layout, meta, report)
        if clean is not None:
            set_id, rows, misclassified, splits, replaced = clean
            report(1.0, f"Loaded {rows:,} predictions")
            return PredictionImport(run_key, set_id, rows, misclassified,
                                    {s: splits[s] for s in SPLITS if s in splits}, replaced,
                                    time.perf_counter() - started, layout.warnings,
                                    rule.kind, value_name)
        # The file breaks a rule (nothing was written): read it again into a staging table
        # with line numbers, to name every problem's row and column.
        with self._store.write() as cur:
            _require_run(cur, project_id, run_key)
            _load(cur, path, layout, rule)
            report(0.45, "Checking every row")
            problems = _problems(cur, layout, path, rule)
            if problems:
                raise PredictionFileError(problems)
            rows = int(cur.scalar("SELECT count(*) FROM incoming_predictions"))
            if rows == 0:
                raise PredictionFileError([InputError("the file has a header but no rows")])
            report(0.65, f"Writing {rows:,} predictions")
            old = _remove_sets(cur, project_id, run_key)
            misclassified = int(cur.scalar(
                "SELECT count(*) FROM incoming_predictions WHERE label <> prediction "
                "AND value IS NULL"))
            set_id = _insert_set(cur, project_id, run_key, meta, rows, misclassified)
            cur.execute(
                "INSERT INTO predictions (set_id, split, example_id, label, prediction, "
                "source, text, url, weight, value) SELECT ?, split, example_id, "
                "coalesce(label, ''), coalesce(prediction, ''), source, text, url, weight, "
                "value FROM incoming_predictions ORDER BY line", [set_id])
            splits = {split: int(n) for split, n in cur.execute(
                "SELECT split, count(*) FROM incoming_predictions GROUP BY split").fetchall()}
            cur.execute("DROP TABLE incoming_predictions")
            report(0.95, "Committing")
        report(1.0, f"Loaded {rows:,} predictions")
        ordered = {s: splits[s] for s in SPLITS if s in splits}
        return PredictionImport(run_key, set_id, rows, misclassified, ordered, bool(old),
                                time.perf_counter() - started, layout.warnings, rule.kind,
                                value_name)

    def _import_clean(self, project_id: int, run_key: int, path: Path,
                      layout: PredictionLayout, meta: tuple[str, str, ValueRule, str | None],
                      report: Progress) -> tuple[int, int, int, dict[str, int], bool] | None:
        """The fast path for a clean file: one transaction that reads the file straight into
        `predictions` (DuckDB's parallel reader, no staging table, no sort) and then checks
        every rule of `_problems` on the stored rows. None, with nothing written, when any
        rule fails or DuckDB cannot read the file; the caller then finds the problems.
        (1,000,000 rows: about the time of DuckDB's own read_csv into a table, where the
        staged path took 3×; benchmarks/results.md.)"""
        try:
            with self._store.write() as cur:
                _require_run(cur, project_id, run_key)
                old = _remove_sets(cur, project_id, run_key)
                set_id = _insert_set(cur, project_id, run_key, meta, 0, 0)
                counted = _insert_clean(cur, path, layout, set_id, report, meta[2])
                if counted is None:
                    raise _NotClean
                rows, misclassified, splits = counted
                cur.execute("UPDATE prediction_sets SET rows = ?, misclassified = ? "
                            "WHERE id = ?", [rows, misclassified, set_id])
                report(0.95, "Committing")
        except _NotClean:
            return None
        return set_id, rows, misclassified, splits, bool(old)

    def delete(self, project_id: int, run_key: int) -> int:
        """Remove the predictions of one run; returns how many rows were removed."""
        with self._store.write() as cur:
            removed = int(cur.scalar(
                "SELECT count(*) FROM predictions p JOIN prediction_sets s ON s.id = p.set_id "
                "WHERE s.project_id = ? AND s.run_id = ?", [project_id, run_key]))
            if not _remove_sets(cur, project_id, run_key):
                raise NotFoundError("this run has no predictions")
        return removed

    # -- reading ---------------------------------------------------------------------
    def sets(self, project_id: int) -> list[PredictionSet]:
        """The prediction sets of the project's current runs, in run order (oldest first)."""
        with self._store.read() as cur:
            rows = cur.execute(
                "SELECT s.id, s.run_id, s.source, s.created_at, s.created_by, s.rows, "
                "s.misclassified, coalesce(s.kind, 'classification'), s.value_name "
                "FROM prediction_sets s JOIN current_run_versions v "
                "ON v.run_id = s.run_id AND NOT v.deleted WHERE s.project_id = ?",
                [project_id]).fetchall()
            counts = cur.execute(
                "SELECT p.set_id, p.split, count(*), count(*) FILTER (p.label <> p.prediction "
                "AND p.value IS NULL), avg(p.value) "
                "FROM predictions p JOIN prediction_sets s ON s.id = p.set_id "
                "WHERE s.project_id = ? GROUP BY ALL", [project_id]).fetchall()
        by_set: dict[int, dict[str, SplitCount]] = {}
        for set_id, split, n, errors, mean in counts:
            by_set.setdefault(set_id, {})[split] = SplitCount(
                int(n), int(errors), None if mean is None else float(mean))
        order = self._run_order(project_id)
        sets = [PredictionSet(*row[:5], int(row[5]), int(row[6]),
                              {s: by_set.get(row[0], {})[s] for s in SPLITS
                               if s in by_set.get(row[0], {})}, row[7], row[8])
                for row in rows]
        return sorted(sets, key=lambda s: order.get(s.run_key, len(order)))

    def runs_with_predictions(self, project_id: int) -> list[int]:
        """Keys of the project's current runs that have predictions, oldest run first."""
        return [s.run_key for s in self.sets(project_id)]

    def split_counts(self, project_id: int, run_key: int) -> dict[str, SplitCount]:
        """Examples and misclassified examples per split of one run's predictions."""
        for prediction_set in self.sets(project_id):
            if prediction_set.run_key == run_key:
                return prediction_set.splits
        return {}

    def values_by_split(self, project_id: int, run_key: int) -> dict[str, list[float]]:
        """One run's per-example values (a loss, an absolute error…) by split."""
        with self._store.read() as cur:
            rows = cur.execute(
                "SELECT p.split, list(p.value ORDER BY p.example_id) FROM predictions p "
                "JOIN prediction_sets s ON s.id = p.set_id WHERE s.project_id = ? AND "
                "s.run_id = ? AND p.value IS NOT NULL GROUP BY p.split",
                [project_id, run_key]).fetchall()
        return {split: [float(v) for v in values] for split, values in rows}

    def count(self, project_id: int) -> int:
        """All stored predictions of the project."""
        with self._store.read() as cur:
            return int(cur.scalar(f"SELECT count(*) FROM {_PROJECT_PREDICTIONS} "
                                  "WHERE s.project_id = ?", [project_id]))

    def disagreement(self, project_id: int, run_a: int, run_b: int,
                     split: str = "dev") -> Disagreement:
        """How often two runs disagree on the examples both scored (matched by example id)."""
        with self._store.read() as cur:
            row = cur.execute(
                """WITH a AS (SELECT p.example_id, p.label <> p.prediction AS wrong
                              FROM predictions p JOIN prediction_sets s ON s.id = p.set_id
                              WHERE s.project_id = ? AND s.run_id = ? AND p.split = ?),
                        b AS (SELECT p.example_id, p.label <> p.prediction AS wrong
                              FROM predictions p JOIN prediction_sets s ON s.id = p.set_id
                              WHERE s.project_id = ? AND s.run_id = ? AND p.split = ?)
                   SELECT count(*), count(*) FILTER (a.wrong <> b.wrong),
                          count(*) FILTER (a.wrong), count(*) FILTER (b.wrong)
                   FROM a JOIN b USING (example_id)""",
                [project_id, run_a, split, project_id, run_b, split]).fetchone()
        n_common, disagree, errors_a, errors_b = (int(v) for v in row)  # type: ignore[union-attr]
        return Disagreement(n_common, disagree, disagree / n_common if n_common else None,
                            errors_a, errors_b)

    def source_counts(self, project_id: int, run_key: int,
                      splits: Sequence[str] = ("dev", "test")) -> dict[str, dict[str, int]]:
        """Examples per `source` value in each split of a run ('(none)' when missing)."""
        with self._store.read() as cur:
            rows = cur.execute(
                "SELECT p.split, coalesce(nullif(p.source, ''), '(none)') AS source, count(*) "
                "FROM predictions p JOIN prediction_sets s ON s.id = p.set_id "
                "WHERE s.project_id = ? AND s.run_id = ? AND p.split IN (SELECT unnest(?)) "
                "GROUP BY ALL ORDER BY 1, 3 DESC, 2",
                [project_id, run_key, list(splits)]).fetchall()
        out: dict[str, dict[str, int]] = {split: {} for split in splits}
        for split, source, n in rows:
            out[split][source] = int(n)
        return out

    def weighted_errors(self, project_id: int, split: str = "dev",
                        weight_by: str | None = None,
                        weight_map: Mapping[str, float] | None = None,
                        default_weight: float = 1.0) -> list[WeightedError]:
        """Each run's plain and weighted error on `split`, computed in SQL.

        Weights: the file's `weight` column when `weight_by` is None (missing → 1); else
        `weight_map[value of weight_by]` (one of source, label, prediction), falling back to
        `default_weight`. Weighted error = Σw·[wrong] / Σw (None when Σw = 0).
        """
        weights = _weight_values(weight_map, default_weight)
        with self._store.read() as cur:
            if weight_by is None:
                weight_sql, join_sql, params = "coalesce(p.weight, 1.0)", "", []
            else:
                if weight_by not in WEIGHT_ATTRIBUTES:
                    raise InputError(f"weights can be looked up by {', '.join(WEIGHT_ATTRIBUTES)}"
                                     f", not '{weight_by}'")
                cur.register("weight_map_values", pd.DataFrame(
                    {"value": list(weights), "weight": list(weights.values())},
                    columns=["value", "weight"]).astype({"value": "object",
                                                          "weight": "float64"}))
                weight_sql = "coalesce(m.weight, ?)"
                join_sql = (f"LEFT JOIN weight_map_values m ON m.value = "
                            f"{WEIGHT_ATTRIBUTES[weight_by]}")
                params = [float(default_weight)]
            rows = cur.execute(
                f"""SELECT s.run_id, count(*),
                           avg(CASE WHEN p.label <> p.prediction THEN 1.0 ELSE 0.0 END),
                           sum(w * CASE WHEN p.label <> p.prediction THEN 1.0 ELSE 0.0 END),
                           sum(w)
                    FROM (SELECT p.*, {weight_sql} AS w FROM predictions p {join_sql}) p
                    JOIN prediction_sets s ON s.id = p.set_id
                    WHERE s.project_id = ? AND p.split = ? GROUP BY s.run_id""",
                [*params, project_id, split]).fetchall()
        by_run = {row[0]: row for row in rows}
        out = []
        for run in self._store.runs.list(project_id):
            row = by_run.get(run.key)
            if row is None:
                continue
            _, n, plain, wrong_weight, total_weight = row
            weighted = None if not total_weight else float(wrong_weight) / float(total_weight)
            out.append(WeightedError(run.key, run.name, int(n),  # type: ignore[arg-type]
                                     None if plain is None else float(plain), weighted))
        return out

    def eyeball_counts(self, project_id: int, seed: int, eyeball_key: str
                       ) -> list[EyeballCounts]:
        """Per run, dev errors inside the eyeball set (sampling key ≤ `eyeball_key` for
        `seed`) and in the rest of dev, the blackbox set (docs/rules.md §4). Oldest run first."""
        with self._store.read() as cur:
            rows = cur.execute(
                f"""SELECT run_id,
                           count(*) FILTER (k <= ?), count(*) FILTER (k <= ? AND wrong),
                           count(*) FILTER (k > ?), count(*) FILTER (k > ? AND wrong)
                    FROM (SELECT s.run_id, {SAMPLE_KEY_SQL} AS k,
                                 p.label <> p.prediction AS wrong
                          FROM {_PROJECT_PREDICTIONS}
                          WHERE s.project_id = ? AND p.split = 'dev')
                    GROUP BY run_id""",
                [eyeball_key] * 4 + [str(seed), project_id]).fetchall()
        order = self._run_order(project_id)
        counts = [EyeballCounts(int(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4]))
                  for r in rows]
        return sorted(counts, key=lambda c: order.get(c.run_key, len(order)))

    def examples(self, project_id: int, run_key: int, example_ids: Sequence[str],
                 split: str = "dev") -> pd.DataFrame:
        """Label, prediction, source, text and URL of some examples of one run."""
        with self._store.read() as cur:
            return cur.df(
                "SELECT p.example_id, p.label, p.prediction, p.source, p.text, p.url "
                "FROM predictions p JOIN prediction_sets s ON s.id = p.set_id "
                "WHERE s.project_id = ? AND s.run_id = ? AND p.split = ? "
                "AND p.example_id IN (SELECT unnest(?))",
                [project_id, run_key, split, list(example_ids)])

    def _run_order(self, project_id: int) -> dict[int, int]:
        return {run.key: i for i, run in enumerate(self._store.runs.list(project_id))
                if run.key is not None}


# -- loading and checking --------------------------------------------------------------


def _value_rule(layout: PredictionLayout, metric: ProjectMetric) -> ValueRule:
    """What the rows of a file for a project measured in `metric` hold (docs/rules.md §18)."""
    kind = layout_kind(layout, True)
    if kind == "value":
        return ValueRule(kind, metric.minimum, metric.maximum,
                         f"{metric.name} ({metric.range_text()})")
    return ValueRule(kind, None, None, f"a project measured in {metric.name}")


def _remove_sets(cur: Cursor, project_id: int, run_key: int) -> list[int]:
    """Remove a run's earlier predictions; the ids of the sets removed."""
    old = [r[0] for r in cur.execute(
        "SELECT id FROM prediction_sets WHERE project_id = ? AND run_id = ?",
        [project_id, run_key]).fetchall()]
    if old:
        cur.execute("DELETE FROM predictions WHERE set_id IN (SELECT unnest(?))", [old])
        cur.execute("DELETE FROM prediction_sets WHERE id IN (SELECT unnest(?))", [old])
    return old


def _insert_set(cur: Cursor, project_id: int, run_key: int,
                meta: tuple[str, str, ValueRule, str | None], rows: int,
                misclassified: int) -> int:
    source, created_by, rule, value_name = meta
    return int(cur.scalar(
        "INSERT INTO prediction_sets (project_id, run_id, source, created_by, rows, "
        "misclassified, kind, value_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [project_id, run_key, source, created_by, rows, misclassified, rule.kind,
         value_name]))


def _require_run(cur: Cursor, project_id: int, run_key: int) -> None:
    if not cur.scalar("SELECT count(*) FROM current_run_versions WHERE project_id = ? "
                      "AND run_id = ? AND NOT deleted", [project_id, run_key]):
        raise NotFoundError(f"no run {run_key} in this project")


def _weight_values(weight_map: Mapping[str, float] | None,
                   default_weight: float) -> dict[str, float]:
    values: dict[str, float] = {}
    for name, weight in [*(weight_map or {}).items(), ("(default)", default_weight)]:
        try:
            number = float(weight)
        except (TypeError, ValueError):
            raise InputError(f"the weight of '{name}' is not a number") from None
        if not math.isfinite(number) or number < 0:
            raise InputError(f"the weight of '{name}' must be a non-negative number")
        if name != "(default)":
            values[str(name)] = number
    return values
