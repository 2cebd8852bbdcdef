"""What the metric rules share: the tie tolerance, which metrics are rates and which are
maximized, and reading and showing metric values."""

from __future__ import annotations

import math
import re
from typing import Literal

from strategy_core.errors import InputError
from strategy_core.rates import format_pct

# Two metric values closer than this are a tie (float noise from CSV exports).
TIE_TOLERANCE = 1e-12

# Metrics whose values are error or accuracy rates: thresholds accept 5% or 0.05.
RATE_METRICS = frozenset({"train_error", "train_dev_error", "dev_error", "test_error"})
# Precision, recall and F1 are fractions too (SPEC 4.3 gives them as percentages).
_RATE_WORDS = frozenset({"err", "error", "errors", "acc", "accuracy", "precision", "recall",
                         "f1"})
# "mean_squared_error" is named like an error but is not a rate between 0 and 1.
_NOT_RATE_WORDS = frozenset({"squared", "absolute", "root", "log", "mse", "mae", "rmse"})


def is_rate_metric(metric: str) -> bool:
    """True for error/accuracy rates (dev_error, val_acc, error_rate), not for e.g. MSE."""
    if metric in RATE_METRICS:
        return True
    words = set(re.split(r"[^a-z0-9]+", metric.lower()))
    return bool(words & _RATE_WORDS) and not words & _NOT_RATE_WORDS


_MAXIMIZE_WORDS = frozenset({
    "acc", "accuracy", "precision", "recall", "f1", "auc", "map", "iou", "throughput", "fps",
    "qps", "bleu", "rouge", "score",
})


def default_direction(metric: str) -> Literal["min", "max"]:
    """'max' for accuracy-like metrics (accuracy, precision, recall, F1, AUC), else 'min'."""
    words = set(re.split(r"[^a-z0-9]+", metric.lower()))
    return "max" if words & _MAXIMIZE_WORDS else "min"


def _known_value(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _finite(value: object, *, what: str) -> float:
    if isinstance(value, bool):
        raise InputError(f"{what} must be a number, not {value}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"{what} '{value}' is not a number") from None
    if not math.isfinite(number):
        raise InputError(f"{what} '{value}' is not a finite number")
    return number


def _weight(value: object, *, what: str) -> float:
    weight = _finite(value, what=what)
    if weight < 0:
        raise InputError(f"{what} is {weight:g}: weights cannot be negative")
    return weight


def _plain_number(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    short = f"{value:g}"
    return short if float(short) == value else repr(value)


def _show(metric: str, value: float) -> str:
    return format_pct(value) if is_rate_metric(metric) else _plain_number(value)
