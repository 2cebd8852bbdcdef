"""Single-number evaluation metrics and optimizing + satisficing run selection (SPEC 4.3).

A team needs one number to rank models: F1 instead of precision and recall, the mean over
slices instead of one error per region, a weighted error when some mistakes cost more.
When several things matter (accuracy and latency), one metric is optimized and every
other one only has to meet a threshold.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from strategy_core.errors import InputError
from strategy_core.rates import format_pct, parse_rate

# Two metric values closer than this are a tie (float noise from CSV exports).
TIE_TOLERANCE = 1e-12

# Metrics whose values are error or accuracy rates: thresholds accept 5% or 0.05.
RATE_METRICS = frozenset({"train_error", "train_dev_error", "dev_error", "test_error"})
_RATE_WORDS = frozenset({"err", "error", "errors", "acc", "accuracy"})
# "mean_squared_error" is named like an error but is not a rate between 0 and 1.
_NOT_RATE_WORDS = frozenset({"squared", "absolute", "root", "log", "mse", "mae", "rmse"})


# --- single-number metrics -------------------------------------------------------------


def f1(precision: float, recall: float) -> float:
    """F1 = 2PR / (P + R), the harmonic mean of precision and recall; 0 when both are 0 (4.3)."""
    p = parse_rate(precision, what="precision")
    r = parse_rate(recall, what="recall")
    if p + r == 0:
        return 0.0
    return 2 * p * r / (p + r)


@dataclass(frozen=True)
class ClassifierScore:
    """One classifier's precision, recall and F1."""

    name: str
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class ClassifierComparison:
    """Classifiers ranked by F1 in the caller's order; the highest F1 wins."""

    classifiers: tuple[ClassifierScore, ...]
    winner: str | None
    tied: bool
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "winner": self.winner,
            "classifiers": [
                {"name": c.name, "precision": c.precision, "recall": c.recall, "f1": c.f1}
                for c in self.classifiers
            ],
        }


def compare_classifiers(
    classifiers: Sequence[tuple[str, float, float]],
) -> ClassifierComparison:
    """Pick the classifier with the highest F1 (4.3: P 95% R 90% → 92.4% beats P 98% R 85%).

    Ties (F1 within 1e-12) go to the first classifier in the caller's order.
    """
    scores = []
    for name, precision, recall in classifiers:
        p = parse_rate(precision, what=f"precision of {name}")
        r = parse_rate(recall, what=f"recall of {name}")
        scores.append(ClassifierScore(str(name), p, r, f1(p, r)))
    if not scores:
        return ClassifierComparison((), None, False, ("No classifiers to compare.",))
    best = max(s.f1 for s in scores)
    leaders = [s for s in scores if best - s.f1 <= TIE_TOLERANCE]
    winner = leaders[0]
    reasons = [
        f"{s.name}: precision {format_pct(s.precision)}, recall {format_pct(s.recall)}, "
        f"F1 {format_pct(s.f1)}."
        for s in scores
    ]
    if len(leaders) > 1:
        others = ", ".join(s.name for s in leaders[1:])
        reasons.append(
            f"{winner.name} wins a tie with {others} at F1 {format_pct(winner.f1)} "
            "(ties go to the first one listed)."
        )
    else:
        reasons.append(
            f"{winner.name} wins with the highest F1, {format_pct(winner.f1)}: F1 combines "
            "precision and recall into the single number to rank by."
        )
    return ClassifierComparison(tuple(scores), winner.name, len(leaders) > 1, tuple(reasons))


@dataclass(frozen=True)
class SliceAverage:
    """The mean of a metric over slices (e.g. regions), the per-slice rows and the worst one."""

    average: float
    slices: tuple[tuple[str, float], ...]
    worst: str
    higher_is_better: bool
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "average": self.average,
            "slices": [{"slice": name, "value": value} for name, value in self.slices],
            "worst": self.worst,
        }


def slice_average(values: Mapping[str, float], *, higher_is_better: bool = False) -> SliceAverage:
    """Single number = unweighted mean over slices; also the per-slice rows and the worst (4.3).

    Values are errors by default (worst = highest); pass ``higher_is_better=True`` for
    accuracy-like metrics. Ties for worst go to the first slice listed.
    """
    if not values:
        raise InputError("give at least one slice and its value")
    rows = []
    for name, value in values.items():
        number = _finite(value, what=f"value of slice '{name}'")
        rows.append((str(name), number))
    average = math.fsum(v for _, v in rows) / len(rows)
    pick = max if not higher_is_better else min
    worst_value = pick(v for _, v in rows)
    worst = next(name for name, v in rows if v == worst_value)
    reasons = (
        f"The average over {len(rows)} slice{'s' if len(rows) != 1 else ''} is {average:.4g}; "
        "every slice counts equally.",
        f"The worst slice is {worst} ({worst_value:.4g}).",
    )
    return SliceAverage(average, tuple(rows), worst, higher_is_better, reasons)


def weighted_error(wrong: Sequence[bool], weights: Sequence[float]) -> float:
    """Weighted error = Σ wᵢ·[ŷᵢ ≠ yᵢ] / Σ wᵢ (4.3); the store's SQL version must agree."""
    if len(wrong) != len(weights):
        raise InputError(
            f"{len(wrong)} predictions but {len(weights)} weights: give one weight per example"
        )
    total = 0.0
    mistakes = 0.0
    for i, (is_wrong, weight) in enumerate(zip(wrong, weights, strict=True), start=1):
        w = _weight(weight, what=f"weight of example {i}")
        total += w
        if is_wrong:
            mistakes += w
    if total <= 0:
        raise InputError("the weights add up to 0: at least one example needs a positive weight")
    return mistakes / total


def attribute_weights(
    values: Sequence[str], weight_by_value: Mapping[str, float], default: float = 1.0
) -> list[float]:
    """Per-example weights from a per-category table (e.g. source 'adult' → 10), else default."""
    checked = {key: _weight(weight, what=f"weight for '{key}'")
               for key, weight in weight_by_value.items()}
    fallback = _weight(default, what="default weight")
    return [checked.get(value, fallback) for value in values]


# --- optimizing + satisficing --------------------------------------------------------------


def is_rate_metric(metric: str) -> bool:
    """True for error/accuracy rates (dev_error, val_acc, error_rate), not for e.g. MSE."""
    if metric in RATE_METRICS:
        return True
    words = set(re.split(r"[^a-z0-9]+", metric.lower()))
    return bool(words & _RATE_WORDS) and not words & _NOT_RATE_WORDS


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
class RunMetrics:
    """A run's name and its metric values (None or absent when the run did not record it)."""

    name: str
    values: Mapping[str, float | None]


@dataclass(frozen=True)
class Selection:
    """Outcome of optimizing + satisficing selection (4.3).

    ``feasible`` is best first; ``infeasible`` lists the thresholds each run misses;
    ``missing`` lists runs that lack the optimizing metric or a constrained one.
    """

    objective: Objective
    constraints: tuple[Constraint, ...]
    winner: str | None
    tied: bool
    tied_with: tuple[str, ...]
    feasible: tuple[tuple[str, float], ...]
    infeasible: tuple[tuple[str, tuple[str, ...]], ...]
    missing: tuple[tuple[str, tuple[str, ...]], ...]
    reasons: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict:
        return {
            "winner": self.winner,
            "feasible": [{"name": name, "value": value} for name, value in self.feasible],
            "infeasible": [
                {"name": name, "violations": list(violations)}
                for name, violations in self.infeasible
            ],
            "missing": [{"name": name, "metrics": list(metrics)} for name, metrics in self.missing],
        }


def select_run(
    runs: Sequence[RunMetrics], objective: Objective, constraints: Sequence[Constraint] = ()
) -> Selection:
    """Best run on the optimizing metric among runs meeting every threshold (4.3).

    Example: accuracy 90%/80 ms, 92%/95 ms, 95%/1,500 ms with latency_ms<=100 → the 92% run
    wins; the 95% run is infeasible. A run lacking a needed metric is listed as missing.
    Ties: values within 1e-12 of each other keep the caller's order, so the first such run
    listed wins, and ``tied``/``tied_with`` say so.
    """
    constraints = tuple(constraints)
    needed = list(dict.fromkeys([objective.metric, *(c.metric for c in constraints)]))
    feasible: list[tuple[int, str, float]] = []
    infeasible: list[tuple[str, tuple[str, ...]]] = []
    missing: list[tuple[str, tuple[str, ...]]] = []
    reasons: list[str] = []
    for index, run in enumerate(runs):
        values = {m: _known_value(run.values.get(m)) for m in needed}
        absent = tuple(m for m in needed if values[m] is None)
        if absent:
            missing.append((run.name, absent))
            reasons.append(
                f"{run.name} has no {', '.join(absent)}, so it cannot be judged; record "
                f"{'it' if len(absent) == 1 else 'them'} to include the run."
            )
            continue
        violations = tuple(str(c) for c in constraints if not c.satisfied_by(values[c.metric]))
        if violations:
            infeasible.append((run.name, violations))
            misses = "; ".join(
                f"{c.metric} is {_show(c.metric, values[c.metric])}, needs {c.op} "
                f"{_show(c.metric, c.threshold)}"
                for c in constraints
                if str(c) in violations
            )
            reasons.append(f"{run.name} is infeasible: {misses}.")
            continue
        feasible.append((index, run.name, values[objective.metric]))

    ranked = _rank(feasible, objective.direction)
    winner = ranked[0][1] if ranked else None
    leaders = [name for _, name, value in ranked if abs(value - ranked[0][2]) <= TIE_TOLERANCE]
    tied = len(leaders) > 1
    if winner is None:
        if not runs:
            reasons.insert(0, "There are no runs to choose from.")
        else:
            reasons.insert(
                0,
                "No run meets every threshold with the metrics recorded: relax a threshold "
                "or record the missing metrics.",
            )
    else:
        best = "lowest" if objective.direction == "min" else "highest"
        thresholds = ", ".join(str(c) for c in constraints) or "none"
        sentence = (
            f"{winner} wins with the {best} {objective.metric} "
            f"({_show(objective.metric, ranked[0][2])}) among {len(ranked)} run"
            f"{'s' if len(ranked) != 1 else ''} that meet every threshold "
            f"(thresholds: {thresholds})."
        )
        if tied:
            sentence += (
                f" It ties with {', '.join(leaders[1:])}; ties go to the run listed first."
            )
        reasons.insert(0, sentence)
    return Selection(
        objective=objective,
        constraints=constraints,
        winner=winner,
        tied=tied,
        tied_with=tuple(leaders[1:]) if tied else (),
        feasible=tuple((name, value) for _, name, value in ranked),
        infeasible=tuple(infeasible),
        missing=tuple(missing),
        reasons=tuple(reasons),
    )


def known_metrics(runs: Sequence[RunMetrics]) -> list[str]:
    """Every metric name some run has a value for, in first-seen order."""
    seen: dict[str, None] = {}
    for run in runs:
        for metric, value in run.values.items():
            if _known_value(value) is not None:
                seen.setdefault(metric, None)
    return list(seen)


# --- private ---------------------------------------------------------------------------


def _rank(
    feasible: list[tuple[int, str, float]], direction: str
) -> list[tuple[int, str, float]]:
    """Sort best first; runs within TIE_TOLERANCE of a group's best keep the caller's order."""
    sign = 1.0 if direction == "min" else -1.0
    ordered = sorted(feasible, key=lambda row: (sign * row[2], row[0]))
    ranked: list[tuple[int, str, float]] = []
    group: list[tuple[int, str, float]] = []
    for row in ordered:
        if group and abs(row[2] - group[0][2]) > TIE_TOLERANCE:
            ranked.extend(sorted(group))
            group = []
        group.append(row)
    ranked.extend(sorted(group))
    return ranked


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


def _check_metric_name(metric: str) -> None:
    if not isinstance(metric, str) or not metric.strip():
        raise InputError("a metric name is needed (e.g. dev_error or latency_ms)")
    if metric != metric.strip() or any(ch in metric for ch in "<>=≤≥:"):
        raise InputError(f"metric name '{metric}' cannot contain spaces at the ends or <>=:")


def _plain_number(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    short = f"{value:g}"
    return short if float(short) == value else repr(value)


def _show(metric: str, value: float) -> str:
    return format_pct(value) if is_rate_metric(metric) else _plain_number(value)
