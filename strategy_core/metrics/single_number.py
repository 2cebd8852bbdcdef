"""Single-number evaluation metrics (docs/rules.md §3): F1 instead of precision and recall, the mean
over slices instead of one error per region, a weighted error when some mistakes cost
more."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from strategy_core.errors import InputError
from strategy_core.metrics.common import TIE_TOLERANCE, _finite, _weight
from strategy_core.rates import format_pct, parse_rate


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
