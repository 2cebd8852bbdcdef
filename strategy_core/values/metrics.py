"""The team's metric definition as a value (docs/rules.md §3): the objective it optimizes, the
thresholds every other metric must meet, how each is parsed from text and shown, and the
small helpers they need (which metrics are rates, the tie tolerance). Shared by the rules
(`strategy_core.metrics`) and the store, which keeps the definition in a project's settings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from strategy_core.errors import InputError
from strategy_core.rates import format_pct, parse_rate

# Two metric values closer than this are a tie (float noise from CSV exports).
TIE_TOLERANCE = 1e-12

# Metrics whose values are error or accuracy rates: thresholds accept 5% or 0.05.
RATE_METRICS = frozenset({"train_error", "train_dev_error", "dev_error", "test_error"})
# Precision, recall and F1 are fractions too (docs/rules.md §3 gives them as percentages).
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


def _plain_number(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    short = f"{value:g}"
    return short if float(short) == value else repr(value)


def _show(metric: str, value: float) -> str:
    return format_pct(value) if is_rate_metric(metric) else _plain_number(value)


@dataclass(frozen=True)
class Objective:
    """The one metric to optimize: ``direction`` is 'min' (errors, latency) or 'max'."""

    metric: str
    direction: Literal["min", "max"]

    def __post_init__(self) -> None:
        _check_metric_name(self.metric)
        if self.direction not in ("min", "max"):
            raise InputError(
                f"direction '{self.direction}' for {self.metric}: use 'min' or 'max'"
            )

    def __str__(self) -> str:
        return f"{self.metric}:{self.direction}"


@dataclass(frozen=True)
class Constraint:
    """A satisficing threshold: the metric only has to satisfy ``metric op threshold``."""

    metric: str
    op: Literal["<=", ">="]
    threshold: float

    def __post_init__(self) -> None:
        _check_metric_name(self.metric)
        if self.op not in ("<=", ">="):
            raise InputError(f"operator '{self.op}' for {self.metric}: use <= or >=")
        _finite(self.threshold, what=f"threshold for {self.metric}")

    def satisfied_by(self, value: float) -> bool:
        """Whether ``value`` meets the threshold (a difference under 1e-12 counts as met)."""
        if self.op == "<=":
            return value <= self.threshold + TIE_TOLERANCE
        return value >= self.threshold - TIE_TOLERANCE

    def __str__(self) -> str:
        return f"{self.metric}{self.op}{_plain_number(self.threshold)}"

    def describe(self) -> str:
        """'latency_ms ≤ 100' or 'dev_error ≤ 5.0%': the threshold as a reader sees it."""
        sign = "≤" if self.op == "<=" else "≥"
        return f"{self.metric} {sign} {_show(self.metric, self.threshold)}"

    def threshold_text(self) -> str:
        """The threshold as a person types it: '5%' for a rate, '100' otherwise."""
        if is_rate_metric(self.metric):
            return f"{_plain_number(round(self.threshold * 100, 10))}%"
        return _plain_number(self.threshold)


def parse_objective(text: str) -> Objective:
    """Parse ``dev_error:min`` or ``accuracy:max`` into an Objective."""
    raw = str(text).strip()
    metric, sep, direction = raw.rpartition(":")
    if not sep:
        raise InputError(
            f"objective '{text}' needs a direction: write it as metric:min or metric:max "
            "(e.g. dev_error:min)"
        )
    direction = direction.strip().lower()
    if direction not in ("min", "max"):
        raise InputError(
            f"objective '{text}': direction '{direction}' must be min or max (e.g. accuracy:max)"
        )
    return Objective(metric.strip(), direction)  # type: ignore[arg-type]


_CONSTRAINT = re.compile(
    r"^\s*(?P<metric>[^<>=≤≥]+?)\s*(?P<op><=|>=|≤|≥|<|>|==|=)\s*(?P<value>.*?)\s*$"
)


def parse_constraint(text: str) -> Constraint:
    """Parse ``latency_ms<=100`` (also ``≤``/``≥``) into a Constraint.

    Error and accuracy rates take ``5%`` or ``0.05``; other metrics take plain numbers.
    """
    match = _CONSTRAINT.match(str(text))
    if not match:
        raise InputError(
            f"constraint '{text}' must look like metric<=number or metric>=number "
            "(e.g. latency_ms<=100)"
        )
    metric, op, value = match["metric"], match["op"], match["value"]
    op = {"≤": "<=", "≥": ">="}.get(op, op)
    if op not in ("<=", ">="):
        raise InputError(f"constraint '{text}': use <= or >= (a threshold includes its bound)")
    if not value:
        raise InputError(f"constraint '{text}' has no threshold after {op}")
    if is_rate_metric(metric):
        threshold = parse_rate(value, what=f"threshold for {metric}")
    else:
        if value.endswith("%"):
            raise InputError(
                f"constraint '{text}': {metric} is not a rate, so write a plain number "
                "without %"
            )
        try:
            threshold = float(value)
        except ValueError:
            raise InputError(
                f"constraint '{text}': threshold '{value}' is not a number"
            ) from None
    return Constraint(metric, op, threshold)  # type: ignore[arg-type]


@dataclass(frozen=True)
class SelectionDefinition:
    """What the team optimizes and which thresholds every other metric must meet (4.3)."""

    objective: Objective
    constraints: tuple[Constraint, ...] = ()

    def metrics(self) -> list[str]:
        """Every metric the definition names, objective first."""
        return list(dict.fromkeys([self.objective.metric, *(c.metric for c in self.constraints)]))

    def statement(self) -> str:
        """'Optimize dev_error (lower is better) subject to latency_ms ≤ 100.'"""
        better = "lower" if self.objective.direction == "min" else "higher"
        text = f"Optimize {self.objective.metric} ({better} is better)"
        if self.constraints:
            text += " subject to " + " and ".join(c.describe() for c in self.constraints)
        return text + "."

    def as_setting(self) -> dict[str, Any]:
        """The JSON kept in the project's settings (and given to the command line)."""
        return {"optimize": str(self.objective), "satisfy": [str(c) for c in self.constraints]}

    @classmethod
    def from_setting(cls, value: Mapping[str, Any]) -> SelectionDefinition:
        """Read back what `as_setting` wrote."""
        if not isinstance(value, Mapping) or "optimize" not in value:
            raise InputError("a saved metric definition needs an 'optimize' entry")
        return cls(parse_objective(value["optimize"]),
                   tuple(parse_constraint(text) for text in value.get("satisfy", ())))


def _check_metric_name(metric: str) -> None:
    if not isinstance(metric, str) or not metric.strip():
        raise InputError("a metric name is needed (e.g. dev_error or latency_ms)")
    if metric != metric.strip() or any(ch in metric for ch in "<>=≤≥:"):
        raise InputError(f"metric name '{metric}' cannot contain spaces at the ends or <>=:")
