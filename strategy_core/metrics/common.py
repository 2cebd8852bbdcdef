"""What the metric rules share: the tie tolerance, which metrics are rates and which are
maximized, and reading and showing metric values."""

from __future__ import annotations

import math
import re
from typing import Literal

from strategy_core.errors import InputError
from strategy_core.values.metrics import (
    RATE_METRICS,
    TIE_TOLERANCE,
    _finite,
    _plain_number,
    _show,
    is_rate_metric,
)

# The tie tolerance, the rate metrics and showing a metric value live in
# `strategy_core.values.metrics` (the team's definition needs them); re-exported here.
__all__ = [
    "RATE_METRICS",
    "TIE_TOLERANCE",
    "_finite",
    "_known_value",
    "_plain_number",
    "_show",
    "_weight",
    "default_direction",
    "is_rate_metric",
]

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


def _weight(value: object, *, what: str) -> float:
    weight = _finite(value, what=what)
    if weight < 0:
        raise InputError(f"{what} is {weight:g}: weights cannot be negative")
    return weight
