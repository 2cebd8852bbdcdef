"""F1 and slice averages from the metrics the runs record (docs/rules.md §3): precision/recall pairs
and F1 per run, metric families that differ only in the slice, and classifiers ranked on
their average over the slices."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from strategy_core.errors import InputError
from strategy_core.metrics.common import (
    TIE_TOLERANCE,
    _finite,
    _known_value,
    default_direction,
)
from strategy_core.metrics.selection import RunMetrics
from strategy_core.metrics.single_number import (
    ClassifierComparison,
    SliceAverage,
    compare_classifiers,
    slice_average,
)
from strategy_core.rates import format_pct


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
    is divided by 100 (the run CSV rule of docs/rules.md §9). Runs lacking a value are skipped, not
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
