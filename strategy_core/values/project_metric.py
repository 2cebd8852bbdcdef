"""The project metric as a value (docs/rules.md §16): the number a team tracks per split,
with its direction (lower or higher is better), kind (rate, bounded score, unbounded
quantity), unit, display precision and range; how its values and gaps read; and the
presets a proposal starts from. Shared by the rules, the store and the use cases.

Values are stored in the metric's own units. A unit of "%" means the values are fractions
shown as percentages (0.08 reads 8.0%, a difference of 0.02 reads 2.0 pts).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from typing import Any

from strategy_core.errors import InputError

DIRECTIONS: dict[str, str] = {"lower": "Lower is better", "higher": "Higher is better"}
KINDS: dict[str, str] = {
    "rate": "A rate between 0 and 1 (error, accuracy, pass rate)",
    "score": "A bounded score (F1, AUC, mAP, dice, IoU, R²)",
    "quantity": "An unbounded quantity (loss, MSE, MAE, WER, perplexity)",
}
PERCENT = "%"
MAX_NAME = 40
MAX_UNIT = 20
MAX_PRECISION = 6
# The settings key holding a project's metric (absent: the error rate).
PROJECT_METRIC_SETTING = "project.metric"


@dataclass(frozen=True)
class ProjectMetric:
    """What the numbers of a project's runs mean (docs/rules.md §16)."""

    key: str = "error_rate"
    name: str = "Error rate"
    direction: str = "lower"
    kind: str = "rate"
    unit: str = PERCENT
    precision: int = 1
    minimum: float | None = 0.0
    maximum: float | None = 1.0
    # An accuracy-like rate (higher is better) read as its error, 1 − value, when the
    # team prefers to reason in errors; the values stay stored as the rate.
    shown_as_error: bool = False

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise InputError(f"direction '{self.direction}' is not one of "
                             f"{', '.join(DIRECTIONS)}", column="direction")
        if self.kind not in KINDS:
            raise InputError(f"kind '{self.kind}' is not one of {', '.join(KINDS)}",
                             column="kind")
        name = " ".join((self.name or "").split())
        if not name or len(name) > MAX_NAME:
            raise InputError(f"a metric needs a name of 1 to {MAX_NAME} characters",
                             column="name")
        object.__setattr__(self, "name", name)
        unit = " ".join((self.unit or "").split())
        if len(unit) > MAX_UNIT:
            raise InputError(f"a unit has at most {MAX_UNIT} characters", column="unit")
        if self.kind == "rate":
            unit = PERCENT
            object.__setattr__(self, "minimum", 0.0)
            object.__setattr__(self, "maximum", 1.0)
        object.__setattr__(self, "unit", unit)
        if (isinstance(self.precision, bool) or not isinstance(self.precision, int)
                or not 0 <= self.precision <= MAX_PRECISION):
            raise InputError(f"precision is a whole number of decimals from 0 to "
                             f"{MAX_PRECISION}", column="precision")
        low, high = self.minimum, self.maximum
        if low is not None and high is not None and low >= high:
            raise InputError("the metric's minimum must be below its maximum",
                             column="minimum")
        if self.shown_as_error and not (self.kind == "rate" and self.direction == "higher"):
            raise InputError("only a rate where higher is better (an accuracy) can be shown "
                             "as its error", column="shown_as_error")

    # -- what the metric is ----------------------------------------------------------
    @property
    def is_error_rate(self) -> bool:
        """The metric every project had before §16: an error rate, lower is better."""
        return self.kind == "rate" and self.direction == "lower"

    @property
    def percent(self) -> bool:
        return self.unit == PERCENT

    @property
    def sign(self) -> int:
        """+1 when lower is better, −1 when higher is better: a gap is sign × (a − b)."""
        return 1 if self.direction == "lower" else -1

    @property
    def has_binomial_intervals(self) -> bool:
        """Wilson and Newcombe intervals apply to rates with known set sizes only."""
        return self.kind == "rate"

    def gap(self, worse_split: float | None, better_split: float | None) -> float | None:
        """How much `worse_split` trails `better_split` in the direction of the metric: a
        positive gap is room to improve (training − human for an error; human − training
        for an accuracy). None when either is missing."""
        if worse_split is None or better_split is None:
            return None
        return self.sign * (worse_split - better_split)

    def shown(self) -> ProjectMetric:
        """The metric pages reason in: the error (1 − value) of an accuracy shown as error,
        else the metric itself."""
        if not self.shown_as_error:
            return self
        return ProjectMetric(key=f"{self.key}_as_error", name=f"Error (1 − {self.name})",
                             precision=self.precision)

    def to_shown(self, value: float | None) -> float | None:
        """A stored value in the units `shown()` reasons in."""
        if value is None or not self.shown_as_error:
            return value
        return round(1.0 - value, 12)

    # -- checking values ------------------------------------------------------------
    def range_text(self) -> str:
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            return f"between {self.format(low)} and {self.format(high)}"
        if low is not None:
            return f"at least {self.format(low)}"
        if high is not None:
            return f"at most {self.format(high)}"
        return "a finite number"

    def check(self, value: Any, what: str, *, row: int | None = None,
              column: str | None = None) -> float:
        """The value as a float in the metric's range, or InputError naming what it is."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(f"{what} must be a number, not {value!r}", row=row, column=column)
        number = float(value)
        low, high = self.minimum, self.maximum
        if (not math.isfinite(number) or (low is not None and number < low - 1e-12)
                or (high is not None and number > high + 1e-12)):
            raise InputError(f"{what} {self.format(number)} is outside the range of "
                             f"{self.name} ({self.range_text()})", row=row, column=column)
        if low is not None:
            number = max(number, low)
        if high is not None:
            number = min(number, high)
        return number

    # -- reading values -------------------------------------------------------------
    def format(self, value: float | None, digits: int | None = None) -> str:
        """A value as people read it: '8.0%' for a rate, '0.912' for a score, '3.2 years'."""
        return self._shown(value, digits, "%")

    def format_gap(self, value: float | None, digits: int | None = None) -> str:
        """A difference as people read it: '2.0 pts' for a percentage, '0.031' otherwise."""
        return self._shown(value, digits, " pts")

    def _shown(self, value: float | None, digits: int | None, percent_suffix: str) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        digits = self.precision if digits is None else digits
        if self.percent:
            return f"{value * 100:.{digits}f}{percent_suffix}"
        text = f"{value:,.{digits}f}"
        return f"{text} {self.unit}" if self.unit else text

    def digits_for(self, values: Iterable[float | None]) -> int:
        """The fewest decimals, from the metric's precision up, at which distinct values
        read differently and no non-zero value reads as zero (docs/rules.md §16)."""
        known = sorted({round(v, 12) for v in values if v is not None and math.isfinite(v)})
        digits = self.precision
        while digits < self.precision + 4:
            shown = [self.format(v, digits) for v in known]
            zero = self.format(0.0, digits)
            if len(set(shown)) == len(known) and all(
                    text != zero or v == 0 for v, text in zip(known, shown, strict=True)):
                break
            digits += 1
        return digits

    @property
    def axis_title(self) -> str:
        return f"{self.name} ({self.unit})" if self.unit and not self.percent else self.name

    def as_setting(self) -> dict[str, Any]:
        return asdict(self)

    def as_json(self) -> dict[str, Any]:
        """The command line's description of the metric: name, unit, direction, kind."""
        return {"metric": self.name, "unit": self.unit, "direction": self.direction,
                "kind": self.kind, "shown_as_error": self.shown_as_error}

    def describe(self) -> str:
        """'WER (%, lower is better, unbounded quantity)'."""
        unit = f"{self.unit}, " if self.unit else ""
        kind = {"rate": "rate", "score": "bounded score", "quantity": "unbounded quantity"}
        text = f"{self.name} ({unit}{DIRECTIONS[self.direction].lower()}, {kind[self.kind]})"
        return text + (", shown as error" if self.shown_as_error else "")


ERROR_RATE = ProjectMetric()


def _preset(key: str, name: str, direction: str, kind: str, unit: str = "",
            precision: int = 3, minimum: float | None = 0.0,
            maximum: float | None = None) -> ProjectMetric:
    if kind == "score" and maximum is None:
        maximum = 1.0
    return ProjectMetric(key, name, direction, kind, unit, precision, minimum, maximum)


PRESETS: dict[str, ProjectMetric] = {m.key: m for m in (
    ERROR_RATE,
    _preset("accuracy", "Accuracy", "higher", "rate", precision=1),
    _preset("pass_rate", "Pass rate", "higher", "rate", precision=1),
    _preset("f1", "F1", "higher", "score"),
    _preset("auc", "AUC", "higher", "score"),
    _preset("map", "mAP", "higher", "score"),
    _preset("dice", "Dice", "higher", "score"),
    _preset("iou", "IoU", "higher", "score"),
    _preset("r2", "R²", "higher", "score", minimum=None),
    _preset("loss", "Loss", "lower", "quantity", precision=4),
    _preset("mse", "MSE", "lower", "quantity", precision=4),
    _preset("rmse", "RMSE", "lower", "quantity"),
    _preset("mae", "MAE", "lower", "quantity"),
    _preset("wer", "Word error rate", "lower", "quantity", PERCENT, 1),
    _preset("cer", "Character error rate", "lower", "quantity", PERCENT, 1),
    _preset("perplexity", "Perplexity", "lower", "quantity", precision=2, minimum=1.0),
    _preset("reward", "Reward", "higher", "quantity", precision=2, minimum=None),
)}

# Name tokens that suggest a preset (docs/rules.md §16, proposal from the import mapping).
PRESET_TOKENS: dict[str, tuple[str, ...]] = {
    "error_rate": ("err", "error", "errors", "errorrate"),
    "accuracy": ("acc", "accuracy", "top1"),
    "wer": ("wer",),
    "cer": ("cer",),
    "f1": ("f1", "fscore", "f1score"),
    "auc": ("auc", "auroc", "roc"),
    "map": ("map", "map50", "map5095", "ap", "ap50", "ap5095"),
    "dice": ("dice",),
    "iou": ("iou", "miou", "jaccard"),
    "r2": ("r2",),
    "mse": ("mse",),
    "rmse": ("rmse",),
    "mae": ("mae",),
    "perplexity": ("perplexity", "ppl"),
    "reward": ("reward", "return"),
    "loss": ("loss", "nll", "xent"),
}


def metric_from_setting(raw: Any) -> ProjectMetric:
    """A stored setting back as a metric; the error rate when nothing was saved."""
    if not isinstance(raw, dict):
        return ERROR_RATE
    fields = {k: raw[k] for k in ProjectMetric.__dataclass_fields__ if k in raw}
    return ProjectMetric(**fields)


def with_changes(metric: ProjectMetric, **changes: Any) -> ProjectMetric:
    """The metric with some fields changed (and checked again); a changed name or unit
    makes it the team's own metric rather than a preset."""
    changed = replace(metric, **changes)
    preset = PRESETS.get(changed.key)
    if preset is not None and replace(changed, shown_as_error=False) != preset:
        changed = replace(changed, key="custom")
    return changed
