"""The six-box table (docs/rules.md §21; MLY ch. 41): human level and the model's level on
the training distribution and on the dev/test distribution, on examples the model trained
on and on examples it did not, and what the gap between each pair of boxes measures.

            training distribution        dev/test distribution
  human     A  human level               B  human level on dev/test data
  trained   C  training error            D  error on dev/test examples put in training
  held out  E  training-dev error        F  dev/test error

Every box is optional; a gap needs both of its boxes. A gap is signed so that a positive
gap is room to improve (or, for the two differences between distributions, the dev/test
data being harder), in the direction of the project metric (§16).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from strategy_core.errors import InputError
from strategy_core.stats import Interval, newcombe_difference, wilson_interval
from strategy_core.values.project_metric import ERROR_RATE, ProjectMetric


class Box(NamedTuple):
    name: str
    row: str
    column: str
    label: str


ROWS: dict[str, str] = {"human": "Human level",
                        "trained": "Error on examples the model trained on",
                        "held_out": "Error on examples the model did not train on"}
COLUMNS: dict[str, str] = {"training": "Training distribution",
                           "target": "Dev/test distribution"}
BOXES: tuple[Box, ...] = (
    Box("human_training", "human", "training", "Human level (A)"),
    Box("human_target", "human", "target", "Human level on dev/test data (B)"),
    Box("train", "trained", "training", "Training (C)"),
    Box("trained_target", "trained", "target", "Dev/test examples trained on (D)"),
    Box("train_dev", "held_out", "training", "Training-dev (E)"),
    Box("dev", "held_out", "target", "Dev/test (F)"),
)
BOX_NAMES: tuple[str, ...] = tuple(box.name for box in BOXES)
_LETTER = {box.name: box.label[-2] for box in BOXES}
# The boxes measured on examples (their set sizes give intervals); human levels are
# constants.
_SIZES = {"train": "n_train", "trained_target": "n_trained_target",
          "train_dev": "n_train_dev", "dev": "n_dev"}


class PairGap(NamedTuple):
    """A pair of boxes: the gap `worse` − `better` (in the metric's direction), what it is
    called and what it measures."""

    name: str
    label: str
    worse: str
    better: str
    meaning: str


PAIR_GAPS: tuple[PairGap, ...] = (
    PairGap("avoidable_bias", "Avoidable bias", "train", "human_training",
            "how far the model's fit of the training distribution is from human level "
            "there: a bigger model, longer training, better features"),
    PairGap("variance", "Variance", "train_dev", "train",
            "how much worse the model does on training-distribution examples it did not "
            "train on: it does not generalize; more data, regularization"),
    PairGap("data_mismatch", "Data mismatch", "dev", "train_dev",
            "how much worse the model does on the dev/test distribution than on held-out "
            "training-distribution data: error analysis of how they differ, training data "
            "more like dev/test"),
    PairGap("target_avoidable_bias", "Avoidable bias on dev/test data", "trained_target",
            "human_target",
            "how far the model's fit of the dev/test examples it trained on is from human "
            "level on that distribution"),
    PairGap("target_variance", "Variance on dev/test data", "dev", "trained_target",
            "how much worse the model does on dev/test examples it did not train on than "
            "on those it did"),
    PairGap("human_difference", "Human-level difference", "human_target", "human_training",
            "how much harder the dev/test distribution is for people: that much of the data "
            "mismatch is harder data, not something the model can learn away"),
    PairGap("trained_difference", "Model's difference on trained-on data", "trained_target",
            "train",
            "how much harder the dev/test distribution is for the model even on examples it "
            "trained on; compare it with the human-level difference"),
)
GAP_NAMES: tuple[str, ...] = tuple(gap.name for gap in PAIR_GAPS)


@dataclass(frozen=True)
class SixBoxLevels:
    """The six boxes (None: not recorded) in the metric's stored units, and the sizes of
    the sets the measured ones come from."""

    human_training: float | None = None
    human_target: float | None = None
    train: float | None = None
    trained_target: float | None = None
    train_dev: float | None = None
    dev: float | None = None
    n_train: int | None = None
    n_trained_target: int | None = None
    n_train_dev: int | None = None
    n_dev: int | None = None
    metric: ProjectMetric = ERROR_RATE

    def __post_init__(self) -> None:
        for box in BOXES:
            value = getattr(self, box.name)
            if value is not None:
                object.__setattr__(self, box.name, self.metric.check(value, box.label))
        for name in _SIZES.values():
            size = getattr(self, name)
            if size is not None and (isinstance(size, bool) or not isinstance(size, int)
                                     or size <= 0):
                raise InputError(f"{name} must be a positive whole number, not {size!r}")


@dataclass(frozen=True)
class GapReading:
    """One pair's gap (None when a box is missing), its interval and what it says."""

    name: str
    label: str
    formula: str
    value: float | None
    interval: Interval | None
    sentence: str

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "formula": self.formula, "value": _tidy(self.value),
                "interval": None if self.interval is None else
                [_tidy(self.interval.low), _tidy(self.interval.high)],
                "sentence": self.sentence}


@dataclass(frozen=True)
class SixBox:
    """The table, every pair's gap and what is missing (docs/rules.md §21)."""

    levels: SixBoxLevels
    gaps: tuple[GapReading, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    to_record: tuple[str, ...] = field(default_factory=tuple)

    @property
    def metric(self) -> ProjectMetric:
        return self.levels.metric

    def gap(self, name: str) -> GapReading:
        return next(g for g in self.gaps if g.name == name)

    def as_dict(self) -> dict[str, Any]:
        return {**self.metric.as_json(),
                "boxes": {box.name: _tidy(getattr(self.levels, box.name)) for box in BOXES},
                "gaps": {g.name: g.as_dict() for g in self.gaps},
                "notes": list(self.notes), "to_record": list(self.to_record)}


def _tidy(value: float | None) -> float | None:
    return None if value is None else float(f"{value:.10g}")


def formula(gap: PairGap) -> str:
    """'C − A': the letters of the two boxes, the worse one first."""
    return f"{_LETTER[gap.worse]} − {_LETTER[gap.better]}"


def six_box(levels: SixBoxLevels, confidence: float = 0.95) -> SixBox:
    """Every pair's gap with its meaning, interval (a rate with both set sizes known; a
    human level is a constant) and the boxes worth recording (docs/rules.md §21)."""
    if not 0 < confidence < 1:
        raise InputError("confidence must be between 0 and 1 (e.g. 0.95)")
    readings = tuple(_reading(gap, levels, confidence) for gap in PAIR_GAPS)
    result = SixBox(levels, readings)
    return SixBox(levels, readings, _notes(result), _to_record(levels))


def _reading(gap: PairGap, levels: SixBoxLevels, confidence: float) -> GapReading:
    metric = levels.metric
    worse, better = getattr(levels, gap.worse), getattr(levels, gap.better)
    value = metric.gap(worse, better)
    if value is None:
        missing = " and ".join(f"{_LETTER[n]}" for n in (gap.worse, gap.better)
                               if getattr(levels, n) is None)
        sentence = f"{gap.label} ({formula(gap)}) needs box {missing}."
        return GapReading(gap.name, gap.label, formula(gap), None, None, sentence)
    interval = _interval(gap, levels, confidence)
    sign = "" if value >= 0 else "−"
    text = (f"{gap.label} {sign}{metric.format_gap(abs(value))} ({formula(gap)}): "
            f"{gap.meaning}.")
    if value < 0:
        text += " It is negative: " + _negative(gap)
    return GapReading(gap.name, gap.label, formula(gap), value, interval, text)


def _negative(gap: PairGap) -> str:
    if gap.name in ("human_difference", "trained_difference"):
        return "the dev/test distribution is the easier one."
    return (f"box {_LETTER[gap.worse]} is better than box {_LETTER[gap.better]}, so this "
            "gap shows no room to improve (or noise).")


def _interval(gap: PairGap, levels: SixBoxLevels, confidence: float) -> Interval | None:
    """Wilson (one measured box less a human level) or Newcombe (two measured boxes) when
    the metric is a rate and the sizes are known; signed like the gap."""
    metric = levels.metric
    if not metric.has_binomial_intervals:
        return None
    measured = [n for n in (gap.worse, gap.better) if n in _SIZES]
    sizes = {n: getattr(levels, _SIZES[n]) for n in measured}
    if not measured or not all(sizes.values()):
        return None
    worse, better = getattr(levels, gap.worse), getattr(levels, gap.better)
    if len(measured) == 2:
        raw = newcombe_difference(worse, sizes[gap.worse], better, sizes[gap.better],
                                  confidence)
    elif gap.worse in sizes:
        w = wilson_interval(worse, sizes[gap.worse], confidence)
        raw = Interval(w.low - better, w.high - better)
    else:
        w = wilson_interval(better, sizes[gap.better], confidence)
        raw = Interval(worse - w.high, worse - w.low)
    return raw if metric.sign > 0 else Interval(-raw.high, -raw.low)


def _notes(result: SixBox) -> tuple[str, ...]:
    """What the pairs say together: data mismatch beyond the difference in difficulty."""
    metric = result.metric
    mismatch = result.gap("data_mismatch").value
    harder = result.gap("human_difference").value
    notes = []
    if mismatch is not None and harder is not None and mismatch > 0 and harder > 0:
        rest = mismatch - harder
        if rest > 0:
            notes.append(
                f"Of the {metric.format_gap(mismatch)} data mismatch, "
                f"{metric.format_gap(harder)} matches the dev/test data being harder for "
                f"people too; the other {metric.format_gap(rest)} is mismatch the model can "
                "still close.")
        else:
            notes.append(
                f"The dev/test data is harder for people by {metric.format_gap(harder)}, at "
                f"least the whole {metric.format_gap(mismatch)} data mismatch: it is harder "
                "data more than a mismatch the model can learn away.")
    return tuple(notes)


def _to_record(levels: SixBoxLevels) -> tuple[str, ...]:
    """How to fill the boxes that are empty (MLY ch. 41)."""
    how = {
        "human_training": "A: record human level (the project's human levels).",
        "human_target": "B: have people label a sample of dev/test-distribution data and "
                        "record their error.",
        "train": "C: record the run's training error.",
        "trained_target": "D: put a small share of dev/test-distribution data into the "
                          "training set and record the model's error on it.",
        "train_dev": "E: hold out a training-dev set (training distribution, not trained "
                     "on) and record the error on it.",
        "dev": "F: record the run's dev error.",
    }
    return tuple(how[box.name] for box in BOXES if getattr(levels, box.name) is None)
