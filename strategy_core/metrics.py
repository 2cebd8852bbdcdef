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
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from strategy_core.errors import InputError
from strategy_core.rates import format_pct, parse_rate
from strategy_core.runs import ERROR_FIELDS, Run

# Two metric values closer than this are a tie (float noise from CSV exports).
TIE_TOLERANCE = 1e-12

# Metrics whose values are error or accuracy rates: thresholds accept 5% or 0.05.
RATE_METRICS = frozenset({"train_error", "train_dev_error", "dev_error", "test_error"})
# Precision, recall and F1 are fractions too (SPEC 4.3 gives them as percentages).
_RATE_WORDS = frozenset({"err", "error", "errors", "acc", "accuracy", "precision", "recall",
                         "f1"})
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
    # Runs left out of a comparison built from run metrics, each with the reason.
    skipped: tuple[tuple[str, str], ...] = ()
    # The one sentence that states the outcome (also among the reasons).
    verdict: str = ""

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
        return ClassifierComparison((), None, False, ("No classifiers to compare.",),
                                    verdict="No classifiers to compare.")
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
    return ClassifierComparison(tuple(scores), winner.name, len(leaders) > 1, tuple(reasons),
                                verdict=reasons[-1])


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
                f"{c.metric} is {_show(c.metric, values[c.metric])}, needs "
                f"{c.describe().removeprefix(c.metric).strip()}"
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
        runs_text = f"{len(ranked)} run{'s' if len(ranked) != 1 else ''}"
        if constraints:
            scope = (f"among {runs_text} that meet every threshold (thresholds: "
                     f"{', '.join(c.describe() for c in constraints)})")
        else:
            scope = f"among {runs_text} (no thresholds set)"
        sentence = (
            f"{winner} wins with the {best} {objective.metric} "
            f"({_show(objective.metric, ranked[0][2])}) {scope}."
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


# --- the project's runs as metric values ---------------------------------------------------


def run_metrics(runs: Sequence[Run]) -> list[RunMetrics]:
    """Each run's error fields and extra metrics by name, ready for selection (4.3)."""
    out = []
    for run in runs:
        values: dict[str, float | None] = dict(run.errors())
        values.update(run.metrics)
        out.append(RunMetrics(run.name, values))
    return out


def selectable_metrics(runs: Sequence[Run]) -> list[str]:
    """Metrics a selection can use: the error fields some run has, then the extra metrics."""
    recorded = known_metrics(run_metrics(runs))
    fields = [f for f in ERROR_FIELDS if f in recorded]
    return fields + sorted(m for m in recorded if m not in ERROR_FIELDS)


def extra_metrics(runs: Sequence[Run]) -> list[str]:
    """The extra metrics (beyond the error fields) some run records, sorted by name."""
    return sorted(known_metrics([RunMetrics(r.name, r.metrics) for r in runs]))


def check_known_metrics(metrics: Sequence[str], runs: Sequence[Run]) -> None:
    """A metric is known when it is a run error field or an extra metric of some run.

    An unknown name is a typo, not a missing value: raise InputError listing the known ones.
    """
    extras = {name for run in runs for name in run.metrics}
    for metric in metrics:
        if metric in ERROR_FIELDS or metric in extras:
            continue
        known = ", ".join([*ERROR_FIELDS, *sorted(extras)])
        raise InputError(f"unknown metric '{metric}': use a run error field or an extra "
                         f"metric of this project ({known})")


_MAXIMIZE_WORDS = frozenset({
    "acc", "accuracy", "precision", "recall", "f1", "auc", "map", "iou", "throughput", "fps",
    "qps", "bleu", "rouge", "score",
})


def default_direction(metric: str) -> Literal["min", "max"]:
    """'max' for accuracy-like metrics (accuracy, precision, recall, F1, AUC), else 'min'."""
    words = set(re.split(r"[^a-z0-9]+", metric.lower()))
    return "max" if words & _MAXIMIZE_WORDS else "min"


# --- the team's definition -----------------------------------------------------------------


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


def suggest_definition(metrics: Sequence[str]) -> SelectionDefinition:
    """The usual starting point: minimize dev_error; when a latency metric is recorded, keep
    it ≤ 100 ms (SPEC 4.3's example threshold; 0.1 when the metric is in seconds)."""
    objective = Objective("dev_error", "min")
    if "dev_error" not in metrics:
        for metric in metrics:
            objective = Objective(metric, default_direction(metric))
            break
    for metric in metrics:
        words = re.split(r"[^a-z0-9]+", metric.lower())
        if "latency" in words and metric != objective.metric:
            seconds = bool({"s", "sec", "secs", "seconds"} & set(words))
            return SelectionDefinition(objective, (Constraint(metric, "<=", 0.1 if seconds
                                                              else 100.0),))
    return SelectionDefinition(objective)


def select_from_runs(runs: Sequence[Run], definition: SelectionDefinition) -> Selection:
    """Optimizing + satisficing over a project's runs; an unknown metric is an InputError."""
    check_known_metrics(definition.metrics(), runs)
    return select_run(run_metrics(runs), definition.objective, definition.constraints)


def pareto_front(points: Sequence[tuple[str, float, float]], x_direction: str,
                 y_direction: str) -> list[str]:
    """Names of the points no other point beats on both axes (ties on both keep both).

    Directions are 'min' or 'max' per axis; the front is returned sorted along x. One sort
    and one sweep, so thousands of runs stay fast.
    """
    sx = 1.0 if x_direction == "min" else -1.0
    sy = 1.0 if y_direction == "min" else -1.0
    ordered = sorted(points, key=lambda p: (sx * p[1], sy * p[2]))
    front: list[tuple[float, float, str]] = []
    best: tuple[float, float] | None = None
    for name, x, y in ordered:
        key = (sx * x, sy * y)
        if best is None or key[1] < best[1] or key == best:
            front.append((x, y, name))
            best = key
    return [name for _, _, name in sorted(front)]


# --- F1 and slices from run metrics --------------------------------------------------------


def precision_recall_pairs(metrics: Sequence[str]) -> list[tuple[str, str]]:
    """Metric pairs named alike but for precision/recall: (precision, recall),
    (val_precision, val_recall); the plain pair first."""
    names = set(metrics)
    pairs = []
    for metric in metrics:
        for word in ("precision", "Precision", "PRECISION"):
            if word in metric:
                partner = metric.replace(word, {"precision": "recall", "Precision": "Recall",
                                                "PRECISION": "RECALL"}[word])
                if partner in names:
                    pairs.append((metric, partner))
                break
    return sorted(dict.fromkeys(pairs), key=lambda pair: (pair[0].lower() != "precision", pair))


def compare_run_f1(runs: Sequence[RunMetrics], precision: str = "precision",
                   recall: str = "recall") -> ClassifierComparison:
    """F1 of every run that records both metrics; the highest F1 wins (4.3).

    If any recorded value is above 1 the metric was exported in percent: every value of it
    is divided by 100 (the run CSV rule of SPEC 5). Runs lacking a value are skipped, not
    dropped silently: `skipped` names them.
    """
    scale = {m: 100.0 if any((v := _known_value(r.values.get(m))) is not None and v > 1
                             for r in runs) else 1.0
             for m in (precision, recall)}
    entries: list[tuple[str, float, float]] = []
    skipped: list[tuple[str, str]] = []
    for run in runs:
        p, r = _known_value(run.values.get(precision)), _known_value(run.values.get(recall))
        absent = [m for m, v in ((precision, p), (recall, r)) if v is None]
        if absent:
            skipped.append((run.name, f"no {' or '.join(absent)} recorded"))
            continue
        p, r = p / scale[precision], r / scale[recall]
        if not (0 <= p <= 1 and 0 <= r <= 1):
            skipped.append((run.name, f"{precision} or {recall} is not a rate between 0 and 1"))
            continue
        entries.append((run.name, p, r))
    result = compare_classifiers(entries)
    reasons = list(result.reasons)
    percent = [m for m, factor in scale.items() if factor != 1.0]
    if percent:
        reasons.append(f"{' and '.join(percent)} were recorded in percent and read as such.")
    if skipped:
        reasons.append(f"{len(skipped)} run{'s' if len(skipped) != 1 else ''} left out for "
                       f"lack of {precision} or {recall}.")
    return replace(result, reasons=tuple(reasons), skipped=tuple(skipped))


@dataclass(frozen=True)
class SliceFamily:
    """Extra metrics that differ only in one name part, the slice: region_{slice}_error."""

    pattern: str
    slices: tuple[tuple[str, str], ...]  # (slice label, metric name)

    @property
    def higher_is_better(self) -> bool:
        return default_direction(self.slices[0][1]) == "max"


_NAME_PART = re.compile(r"[A-Za-z0-9]+|[^A-Za-z0-9]+")


def slice_families(metrics: Sequence[str]) -> list[SliceFamily]:
    """Groups of two or more metrics whose names differ in exactly one word.

    `region_us_error`, `region_eu_error` → pattern `region_{slice}_error`. Families where
    the slice is not the last word (so the measured quantity stays fixed) come first, then
    bigger families.
    """
    groups: dict[tuple[str, bool], list[tuple[str, str]]] = {}
    for metric in dict.fromkeys(metrics):
        parts = _NAME_PART.findall(metric)
        words = [i for i, part in enumerate(parts) if part[0].isalnum()]
        if len(words) < 2:
            continue
        for i in words:
            pattern = "".join(parts[:i]) + "{slice}" + "".join(parts[i + 1:])
            groups.setdefault((pattern, i == words[-1]), []).append((parts[i], metric))
    families = [(last, -len(members), pattern, SliceFamily(pattern, tuple(members)))
                for (pattern, last), members in groups.items() if len(members) >= 2]
    return [family for *_, family in sorted(families, key=lambda f: f[:3])]


def slice_rows_from_runs(runs: Sequence[RunMetrics], family: SliceFamily
                         ) -> list[tuple[str, str, float]]:
    """(run, slice, value) for every slice value the runs record."""
    rows = []
    for run in runs:
        for label, metric in family.slices:
            value = _known_value(run.values.get(metric))
            if value is not None:
                rows.append((run.name, label, value))
    return rows


@dataclass(frozen=True)
class SliceComparison:
    """Classifiers ranked on their average over slices, with the per-slice values (4.3).

    Classifiers missing a slice are `incomplete`: their average would not be comparable.
    """

    slices: tuple[str, ...]
    classifiers: tuple[tuple[str, SliceAverage], ...]
    winner: str | None
    tied: bool
    incomplete: tuple[tuple[str, tuple[str, ...]], ...]
    higher_is_better: bool
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "winner": self.winner,
            "slices": list(self.slices),
            "classifiers": [
                {"name": name, "average": result.average, "worst": result.worst,
                 "values": dict(result.slices)}
                for name, result in self.classifiers
            ],
            "incomplete": [{"name": name, "missing": list(missing)}
                           for name, missing in self.incomplete],
        }


def compare_slice_averages(rows: Sequence[tuple[str, str, float]], *,
                           higher_is_better: bool = False, rates: bool = False
                           ) -> SliceComparison:
    """Rank classifiers by their unweighted mean over the slices (4.3: the single number).

    `rows` are (classifier, slice, value). Errors by default (lowest average wins); ties go
    to the classifier listed first. A classifier missing some slice is listed as incomplete.
    `rates` shows the average as a percentage in the reasons.
    """
    values: dict[str, dict[str, float]] = {}
    slices: dict[str, None] = {}
    for i, (name, label, value) in enumerate(rows, start=1):
        name, label = str(name).strip(), str(label).strip()
        if not name or not label:
            raise InputError("every row needs a classifier and a slice name", row=i)
        number = _finite(value, what=f"value of {name} on slice '{label}'")
        if label in values.setdefault(name, {}):
            raise InputError(f"{name} has two values for slice '{label}'", row=i)
        values[name][label] = number
        slices.setdefault(label, None)
    complete: list[tuple[str, SliceAverage]] = []
    incomplete: list[tuple[str, tuple[str, ...]]] = []
    for name, by_slice in values.items():
        missing = tuple(label for label in slices if label not in by_slice)
        if missing:
            incomplete.append((name, missing))
            continue
        ordered = {label: by_slice[label] for label in slices}
        complete.append((name, slice_average(ordered, higher_is_better=higher_is_better)))
    reasons: list[str] = []
    winner, tied = None, False
    if complete:
        pick = max if higher_is_better else min
        best = pick(result.average for _, result in complete)
        leaders = [name for name, result in complete
                   if abs(result.average - best) <= TIE_TOLERANCE]
        winner, tied = leaders[0], len(leaders) > 1
        worst = dict(complete)[winner].worst
        shown = format_pct(best) if rates else f"{best:.4g}"
        reasons.append(
            f"{winner} wins with the {'highest' if higher_is_better else 'lowest'} average "
            f"over {len(slices)} slices ({shown}); its worst slice is {worst}.")
        if tied:
            reasons.append(f"It ties with {', '.join(leaders[1:])}; ties go to the first "
                           "one listed.")
        reasons.append("The average counts every slice equally; the per-slice table shows "
                       "where a model is weak.")
    else:
        reasons.append("No classifier has a value for every slice yet.")
    for name, missing in incomplete:
        reasons.append(f"{name} is not ranked: no value for {', '.join(missing)}.")
    return SliceComparison(tuple(slices), tuple(complete), winner, tied, tuple(incomplete),
                           higher_is_better, tuple(reasons))


# --- weighted error per run ----------------------------------------------------------------

WEIGHT_ATTRIBUTES: tuple[str, ...] = ("source", "label", "prediction")


def parse_weight_map(text: str) -> dict[str, float]:
    """'web=10, mobile=1' → {'web': 10.0, 'mobile': 1.0} (commas or new lines between pairs)."""
    weights: dict[str, float] = {}
    for item in re.split(r"[,\n;]", text or ""):
        if not item.strip():
            continue
        value_name, sep, number = item.rpartition("=")
        if not sep or not value_name.strip():
            raise InputError(f"weight '{item.strip()}' must look like value=weight "
                             "(e.g. web=10)")
        value_name = value_name.strip()
        if value_name in weights:
            raise InputError(f"the weight for '{value_name}' is given twice")
        weights[value_name] = _weight(number.strip(), what=f"weight for '{value_name}'")
    return weights


def describe_weighting(weight_by: str | None, weight_map: Mapping[str, float] | None = None,
                       default_weight: float = 1.0) -> str:
    """'the weight column' or 'source: web ×10, other values ×1'."""
    if weight_by is None:
        return "the file's weight column (blank counts as 1)"
    listed = ", ".join(f"{value} ×{_plain_number(float(w))}"
                       for value, w in (weight_map or {}).items())
    rest = f"other values ×{_plain_number(float(default_weight))}"
    return f"{weight_by}: {listed + ', ' if listed else ''}{rest}"


@dataclass(frozen=True)
class WeightedRow:
    """One run's plain and weighted error on the predictions of one split."""

    run_name: str
    n: int
    unweighted_error: float | None
    weighted_error: float | None


@dataclass(frozen=True)
class WeightedComparison:
    """Plain and weighted error side by side per run, and whether the weights change the pick."""

    weighting: str
    rows: tuple[WeightedRow, ...]
    best_weighted: str | None
    best_unweighted: str | None
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "weighting": self.weighting,
            "best_weighted": self.best_weighted,
            "best_unweighted": self.best_unweighted,
            "runs": [{"name": r.run_name, "n": r.n, "unweighted_error": r.unweighted_error,
                      "weighted_error": r.weighted_error} for r in self.rows],
        }


def compare_weighted(rows: Sequence[Any], weighting: str) -> WeightedComparison:
    """Weighted error = Σ w·[wrong] / Σ w per run next to the plain error (4.3).

    `rows` carry run_name, n, unweighted_error, weighted_error (the store's WeightedError).
    The run with the lowest weighted error is the pick; ties go to the first listed.
    """
    table = tuple(WeightedRow(str(r.run_name), int(r.n), r.unweighted_error, r.weighted_error)
                  for r in rows)
    best_w = _lowest(table, "weighted_error")
    best_u = _lowest(table, "unweighted_error")
    reasons = [f"Weights: {weighting}."]
    if best_w is None:
        reasons.append("No run has predictions with a positive total weight on this split.")
    else:
        row = next(r for r in table if r.run_name == best_w)
        reasons.insert(0, f"{best_w} has the lowest weighted error, "
                          f"{format_pct(row.weighted_error)} (plain error "
                          f"{format_pct(row.unweighted_error)}).")
        if best_u is not None and best_u != best_w:
            plain = next(r for r in table if r.run_name == best_u)
            reasons.append(
                f"The weights change the pick: on the plain error {best_u} is best "
                f"({format_pct(plain.unweighted_error)}), but its mistakes fall on examples "
                f"that weigh more ({format_pct(plain.weighted_error)} weighted).")
        heavier = [r.run_name for r in table if r.weighted_error is not None
                   and r.unweighted_error is not None
                   and r.weighted_error > r.unweighted_error + 0.005]
        if heavier:
            reasons.append(f"Weighted error above plain error (by more than half a point) for "
                           f"{', '.join(heavier[:5])}{'…' if len(heavier) > 5 else ''}: "
                           "these runs miss the examples that matter most.")
    missing = [r.run_name for r in table if r.weighted_error is None]
    if missing:
        reasons.append(f"No weighted error for {', '.join(missing[:5])}"
                       f"{'…' if len(missing) > 5 else ''}: no predictions with weight on "
                       "this split.")
    return WeightedComparison(weighting, table, best_w, best_u, tuple(reasons))


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


def _lowest(rows: Sequence[WeightedRow], attribute: str) -> str | None:
    best: tuple[float, str] | None = None
    for row in rows:
        value = getattr(row, attribute)
        if value is None:
            continue
        if best is None or value < best[0] - TIE_TOLERANCE:
            best = (value, row.run_name)
    return None if best is None else best[1]
