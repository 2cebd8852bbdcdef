"""A learning curve from one run's history (docs/rules.md §20, "From a run's history"; MLY
ch. 28–32): when the per-step values a run was imported with count the training examples
seen at each step beside the run's training and/or dev level, the checkpoints are the points.

- x: the value of the examples-seen column at a step (`EXAMPLE_COUNT_NAMES`); y: the
  training and dev level logged at that same step (joined on the step).
- The level columns are those of the project's metric family (§9 reads the names): for an
  error rate or an accuracy, an `error` or `accuracy` column of the split, the metric's own
  family first, the other read as 1 − value; a column with any value above 1 holds
  percents. Any other metric: a column of its own family, as written. A column with words
  left over (a slice, `_step`, `_std`) is not the level; of several, the shortest name.
- Several steps at one count keep the last; checkpoints past the run's `n_train` repeat
  examples instead of adding them and are left out.
- The reading is §20's, on these points.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from strategy_core.diagnosis.learning_curve import (
    CurvePoint,
    LearningCurve,
    check_confidence,
    point_interval,
    read_points,
)
from strategy_core.run_csv.names import read_name, tokens
from strategy_core.values.project_metric import ERROR_RATE, ProjectMetric
from strategy_core.values.runs import Run

# Column names (read as lower-case words joined by "_") that count the training examples a
# run had seen at a step; a tracker's prefix ('metrics.examples_seen') is dropped.
EXAMPLE_COUNT_NAMES: frozenset[str] = frozenset({
    "examples_seen", "num_examples_seen", "seen_examples", "samples_seen", "num_samples_seen",
    "train_examples", "training_examples", "num_train_examples", "n_train_examples",
    "trained_examples", "train_samples", "num_train_samples", "n_train", "train_size",
    "training_set_size",
})
_PREFIXES = frozenset({"metrics", "metric", "summary", "charts"})
# The two rate families and how each reads the other (1 − value).
_RATE_FAMILIES = {"error_rate": ("error", "accuracy"), "accuracy": ("accuracy", "error")}
SPLITS = ("train", "dev")

Points = Sequence[tuple[int, float]]

CHECKPOINT_NOTE = (
    "The points are checkpoints of one run, not models trained to the end on sets of each "
    "size: an early checkpoint is less trained than a model fit to that many examples, so "
    "the small-size end reads pessimistic. Confirm the verdict with a few runs at smaller "
    "training-set sizes (MLY ch. 28, 32).")


def is_example_count(column: str) -> bool:
    """Whether a curve column counts the training examples seen (`EXAMPLE_COUNT_NAMES`)."""
    words = tokens(column)
    while words and words[0] in _PREFIXES:
        words = words[1:]
    return "_".join(words) in EXAMPLE_COUNT_NAMES


def history_columns(columns: Sequence[str], metric: ProjectMetric = ERROR_RATE
                    ) -> tuple[str | None, dict[str, str]]:
    """The examples-seen column (None: none) and the level column of each split found."""
    counts = sorted(c for c in columns if is_example_count(c))
    families = _RATE_FAMILIES.get(metric.key, (metric.key,))
    levels: dict[str, str] = {}
    for split in SPLITS:
        found = []
        for column in columns:
            name = read_name(column)
            if column in counts or name.split != split or name.rest or \
                    name.family is None:
                continue
            if name.family in families:
                found.append((families.index(name.family), len(tokens(column)), column))
        if found:
            levels[split] = min(found)[2]
    return (counts[0] if counts else None), levels


def has_history_curve(curves: Mapping[str, Points], metric: ProjectMetric = ERROR_RATE) -> bool:
    """Whether a run's curves hold examples seen and a training or dev level."""
    count, levels = history_columns(list(curves), metric)
    return count is not None and bool(levels)


def _stored(points: Points, column: str, metric: ProjectMetric) -> dict[int, float]:
    """A level column's values by step, in the metric's stored units."""
    values = {int(step): float(value) for step, value in points}
    families = _RATE_FAMILIES.get(metric.key)
    if families is None:
        return values
    family = read_name(column).family
    scale = 100.0 if any(v > 1 for v in values.values()) else 1.0
    flip = family != families[0]
    return {step: round(1.0 - v / scale, 12) if flip else v / scale
            for step, v in values.items()}


def history_points(run: Run, curves: Mapping[str, Points], metric: ProjectMetric = ERROR_RATE,
                   confidence: float = 0.95) -> tuple[tuple[CurvePoint, ...], int]:
    """The run's checkpoints as curve points, smallest count first, and how many were left
    out past its `n_train`."""
    count, levels = history_columns(list(curves), metric)
    if count is None or not levels:
        return (), 0
    by_split = {split: _stored(curves[column], column, metric)
                for split, column in levels.items()}
    at: dict[int, tuple[int, float | None, float | None]] = {}
    beyond = set()
    for step, seen in sorted(curves[count]):
        size = int(round(seen))
        train, dev = (by_split.get(s, {}).get(int(step)) for s in SPLITS)
        if size <= 0 or (train is None and dev is None):
            continue
        if run.n_train and size > run.n_train:
            beyond.add(size)
            continue
        at[size] = (int(step), train, dev)
    shown = metric.to_shown
    points = tuple(
        CurvePoint(size, (f"{run.name}, step {step:,}",), shown(train), shown(dev),
                   point_interval([shown(train)] if train is not None else [], [size],
                                  metric, confidence),
                   point_interval([shown(dev)] if dev is not None else [], [run.n_dev],
                                  metric, confidence))
        for size, (step, train, dev) in sorted(at.items()))
    return points, len(beyond)


def history_curve(run: Run, curves: Mapping[str, Points], desired: float | None = None,
                  desired_label: str | None = None, metric: ProjectMetric = ERROR_RATE,
                  confidence: float = 0.95) -> LearningCurve:
    """The learning curve of `run`'s history read as §20 reads runs by training-set size."""
    check_confidence(confidence)
    points, beyond = history_points(run, curves, metric, confidence)
    curve = read_points(points, desired, desired_label, metric, source="history",
                        run=run.name)
    if curve.verdict == "no_runs":
        names = ", ".join(sorted(EXAMPLE_COUNT_NAMES)[:4])
        return replace(curve, reasons=(
            f"Run '{run.name}' has no history with a count of training examples seen "
            f"(a column such as {names}) beside its training or dev level at the same "
            "steps.",))
    if curve.verdict == "too_few":
        with_dev = sum(p.dev is not None for p in points)
        return replace(curve, reasons=(
            f"{with_dev} checkpoint{'' if with_dev == 1 else 's'} of '{run.name}' "
            "with a dev level: at least 3 are needed to see whether the dev curve is still "
            "falling.",))
    notes = (CHECKPOINT_NOTE,) + ((
        f"{beyond} checkpoint{'' if beyond == 1 else 's'} past the run's {run.n_train:,} "
        "training examples left out: they repeat examples rather than add them.",)
        if beyond else ())
    return replace(curve, reasons=curve.reasons + notes)
