"""Error analysis of reviewed dev mistakes: shares, ceilings, priority, labels, eyeball set.

The rules of SPEC sections 4.4 (error analysis) and 4.5 (mislabeled examples). Every
function here is pure: counts and rates in, a frozen result with the numbers, the verdict
and the reasons out.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from strategy_core.counts import whole_count
from strategy_core.errors import InputError
from strategy_core.rates import format_pct, format_points, parse_rate
from strategy_core.stats import Interval, newcombe_difference, wilson_interval

INCORRECTLY_LABELED = "Incorrectly labeled"
"""The reserved category for reviewed examples whose label is wrong (SPEC 4.5)."""

# (key, smallest number reviewed, display label, what it means), smallest first (SPEC 4.4).
ADEQUACY_LEVELS: tuple[tuple[str, int, str, str], ...] = (
    (
        "very_small",
        0,
        "very small",
        "Too few examples to rank the categories: treat the shares as anecdotes and "
        "review more before deciding.",
    ),
    (
        "rough",
        20,
        "rough",
        "Enough to spot a dominant category, but shares of neighbouring categories are "
        "not told apart yet.",
    ),
    (
        "good",
        50,
        "good",
        "Enough to rank the main categories; small categories stay uncertain.",
    ),
    (
        "very_good",
        100,
        "very good",
        "Enough for a confident ranking: the usual target for a review.",
    ),
)
ADEQUACY_LABELS: dict[str, str] = {key: label for key, _, label, _ in ADEQUACY_LEVELS}
ADEQUACY_MEANINGS: dict[str, str] = {key: meaning for key, _, _, meaning in ADEQUACY_LEVELS}

MISLABEL_SHARE_THRESHOLD = 0.20
"""Share of reviewed mistakes tagged "Incorrectly labeled" from which labels are fixed."""

LABEL_FIX_REMINDERS: tuple[str, ...] = (
    "Fix the dev and test sets together with the same process, so they keep coming from "
    "the same distribution.",
    "Consider auditing examples the model got right too, not only its mistakes; otherwise "
    "the corrected error is biased in the model's favour.",
    "Fixing the (much larger) training set is optional: random label noise hurts far less "
    "than systematic noise, so leave it unless the errors are systematic.",
)

_MARKED = frozenset({"x", "1", "yes", "true", "y", "✓", "✔"})
_UNMARKED = frozenset({"", "0", "no", "false", "n"})

# Gaps that differ by no more than this are treated as equal (as in SPEC 4.1).
_EPS = 1e-9


def _count(value: object, what: str) -> int:
    """A whole, non-negative count; ``what`` names it in the error message."""
    return whole_count(value, what)


def _reviewed(value: object) -> int:
    reviewed = _count(value, "the number of reviewed examples")
    if reviewed <= 0:
        raise InputError("the number of reviewed examples must be at least 1")
    return reviewed


def _category_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"a category name must be non-empty text, got {name!r}")
    return name.strip()


def _is_reserved(name: str) -> bool:
    return " ".join(name.split()).casefold() == INCORRECTLY_LABELED.casefold()


def category_name(name: object) -> str:
    """A category name as stored: trimmed, inner spaces collapsed, and any spelling of the
    reserved "Incorrectly labeled" category (SPEC 4.5) written the one way."""
    clean = " ".join(_category_name(name).split())
    return INCORRECTLY_LABELED if _is_reserved(clean) else clean


def _tag_count(name: str, value: object, reviewed: int) -> int:
    count = _count(value, f"the count of category '{name}'")
    if count > reviewed:
        raise InputError(
            f"category '{name}' is tagged on {count} examples but only {reviewed} were reviewed"
        )
    return count


def _share_interval(count: int, reviewed: int) -> Interval:
    """Wilson 95% interval of count / reviewed, holding the share itself.

    statsmodels leaves float noise at the ends (a low of 3e-18 for 0 of n).
    """
    share = count / reviewed
    interval = wilson_interval(share, reviewed)
    return Interval(min(interval.low, share), max(interval.high, share))


def adequacy(reviewed: int) -> str:
    """Adequacy of a review by the number of mistakes reviewed (SPEC 4.4).

    Fewer than 20 ``very_small``, 20–49 ``rough``, 50–99 ``good``, 100 or more
    ``very_good``. Labels and meanings are in ``ADEQUACY_LABELS`` / ``ADEQUACY_MEANINGS``.
    """
    reviewed = _count(reviewed, "the number of reviewed examples")
    level = ADEQUACY_LEVELS[0][0]
    for key, smallest, _, _ in ADEQUACY_LEVELS:
        if reviewed >= smallest:
            level = key
    return level


@dataclass(frozen=True)
class CategoryShare:
    """One error category of a review: its share of the reviewed mistakes and its ceiling."""

    name: str
    count: int
    share: float
    share_low: float
    share_high: float
    ceiling: float
    error_if_fixed: float
    effort: float | None
    priority: float | None

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "count": self.count,
            "share": self.share,
            "share_low": self.share_low,
            "share_high": self.share_high,
            "ceiling": self.ceiling,
            "error_if_fixed": self.error_if_fixed,
            "effort": self.effort,
            "priority": self.priority,
        }


@dataclass(frozen=True)
class ReviewSummary:
    """Shares, ceilings and priority of the categories tagged in a review (SPEC 4.4)."""

    dev_error: float
    reviewed: int
    adequacy: str
    categories: tuple[CategoryShare, ...]
    top_category: str | None
    priority_order: tuple[str, ...]
    headline: str
    reasons: tuple[str, ...]

    @property
    def adequacy_label(self) -> str:
        return ADEQUACY_LABELS[self.adequacy]

    def category(self, name: str) -> CategoryShare:
        for category in self.categories:
            if category.name == name:
                return category
        raise KeyError(name)

    def as_dict(self) -> dict:
        return {
            "dev_error": self.dev_error,
            "reviewed": self.reviewed,
            "adequacy": self.adequacy,
            "categories": [category.as_dict() for category in self.categories],
            "top_category": self.top_category,
            "priority_order": list(self.priority_order),
            "headline": self.headline,
            "reasons": list(self.reasons),
        }


def _efforts(efforts: Mapping[str, float] | None, names: set[str]) -> dict[str, float]:
    result: dict[str, float] = {}
    for raw_name, raw_effort in (efforts or {}).items():
        name = _category_name(raw_name)
        if _is_reserved(name):
            name = INCORRECTLY_LABELED
        if name not in names:
            raise InputError(f"an effort was given for category '{name}', which was not tagged")
        if raw_effort is None:
            continue
        if isinstance(raw_effort, bool) or not isinstance(raw_effort, numbers.Real):
            raise InputError(f"the effort of category '{name}' must be a number")
        effort = float(raw_effort)
        if math.isnan(effort):
            continue
        if not math.isfinite(effort) or effort <= 0:
            raise InputError(
                f"the effort of category '{name}' must be a positive number, got {raw_effort!r}"
            )
        result[name] = effort
    return result


def summarize_review(
    dev_error: float | str,
    reviewed: int,
    counts: Mapping[str, int],
    efforts: Mapping[str, float] | None = None,
) -> ReviewSummary:
    """Share, Wilson 95% interval and ceiling of each tagged category (SPEC 4.4).

    share s = examples tagged / examples reviewed (an example may carry several categories,
    so shares need not add to 100%); fixing a category removes at most E·s of dev error E
    (``ceiling``), leaving at best E − E·s (``error_if_fixed``). With an effort per
    category, priority = ceiling / effort. The reserved "Incorrectly labeled" category is
    always present. Categories are sorted by share, largest first, ties by name.
    """
    error = parse_rate(dev_error, what="dev error")
    reviewed = _reviewed(reviewed)

    tagged: dict[str, int] = {}
    for raw_name, raw_count in counts.items():
        name = _category_name(raw_name)
        if _is_reserved(name):
            name = INCORRECTLY_LABELED
        if name in tagged:
            raise InputError(f"category '{name}' is listed twice")
        tagged[name] = _tag_count(name, raw_count, reviewed)
    tagged.setdefault(INCORRECTLY_LABELED, 0)
    effort_of = _efforts(efforts, set(tagged))

    categories = []
    for name, count in tagged.items():
        share = count / reviewed
        interval = _share_interval(count, reviewed)
        ceiling = error * share
        effort = effort_of.get(name)
        categories.append(
            CategoryShare(
                name=name,
                count=count,
                share=share,
                share_low=interval.low,
                share_high=interval.high,
                ceiling=ceiling,
                error_if_fixed=error - ceiling,
                effort=effort,
                priority=None if effort is None else ceiling / effort,
            )
        )
    categories.sort(key=lambda c: (-c.count, c.name.casefold(), c.name))
    ranked = sorted(
        (c for c in categories if c.priority is not None),
        key=lambda c: (-c.priority, c.name.casefold(), c.name),
    )
    top = categories[0] if categories[0].count > 0 else None
    level = adequacy(reviewed)

    reasons = [
        f"{reviewed} misclassified dev examples reviewed: a {ADEQUACY_LABELS[level]} "
        f"review. {ADEQUACY_MEANINGS[level]}"
    ]
    if top is None:
        headline = f"No category was tagged on the {reviewed} reviewed examples yet."
    else:
        headline = (
            f"Fixing {top.name} could cut dev error from {format_pct(error)} to at best "
            f"{format_pct(top.error_if_fixed)}"
        )
        reasons.append(
            f"{top.name} was tagged on {top.count} of {reviewed} reviewed examples "
            f"({format_pct(top.share)}, 95% interval {format_pct(top.share_low)} to "
            f"{format_pct(top.share_high)}): fixing it entirely removes at most "
            f"{format_points(top.ceiling)} of the {format_pct(error)} dev error."
        )
        runner_up = categories[1] if len(categories) > 1 and categories[1].count > 0 else None
        if runner_up is not None and runner_up.share_high >= top.share_low:
            reasons.append(
                f"The 95% intervals of {top.name} and {runner_up.name} overlap, so this "
                "review does not settle which of the two is larger; review more examples "
                "if the choice matters."
            )
    if sum(tagged.values()) > reviewed:
        reasons.append(
            "Shares add to more than 100% because an example can carry several categories."
        )
    if ranked:
        best = ranked[0]
        reasons.append(
            f"Ranked by ceiling per unit of effort, {best.name} comes first "
            f"({format_points(best.ceiling)} for an effort of {best.effort:g})."
        )
        unranked = [c.name for c in categories if c.priority is None and c.count > 0]
        if unranked:
            reasons.append(
                "Not ranked by priority because no effort was entered: " + ", ".join(unranked) + "."
            )

    return ReviewSummary(
        dev_error=error,
        reviewed=reviewed,
        adequacy=level,
        categories=tuple(categories),
        top_category=None if top is None else top.name,
        priority_order=tuple(c.name for c in ranked),
        headline=headline,
        reasons=tuple(reasons),
    )


@dataclass(frozen=True)
class MislabelVerdict:
    """Whether fixing incorrect labels is worth it now (SPEC 4.5)."""

    share: float
    share_low: float
    share_high: float
    error_from_labels: float
    verdict: str  # "fix_labels" | "not_a_priority"
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "share": self.share,
            "error_from_labels": self.error_from_labels,
            "verdict": self.verdict,
            "reasons": list(self.reasons),
        }


def mislabel_verdict(
    dev_error: float | str,
    reviewed: int,
    mislabeled: int,
    other_counts: Mapping[str, int] | None = None,
) -> MislabelVerdict:
    """Fix labels or not (SPEC 4.5).

    Error due to labels = E·s_label. ``fix_labels`` when s_label ≥ 20%, or when other
    categories were tagged (some count > 0) and none has a larger share (a tie counts as
    not larger); else ``not_a_priority``. ``other_counts`` may include the reserved
    category itself, which is then ignored (it must equal ``mislabeled``).
    """
    error = parse_rate(dev_error, what="dev error")
    reviewed = _reviewed(reviewed)
    labels = _tag_count(INCORRECTLY_LABELED, mislabeled, reviewed)
    others: dict[str, int] = {}
    for raw_name, raw_count in (other_counts or {}).items():
        name = _category_name(raw_name)
        count = _tag_count(name, raw_count, reviewed)
        if _is_reserved(name):
            if count != labels:
                raise InputError(
                    f"category '{INCORRECTLY_LABELED}' is given as {labels} and as {count}"
                )
            continue
        others[name] = count

    share = labels / reviewed
    interval = _share_interval(labels, reviewed)
    from_labels = error * share
    reasons = [
        f"{labels} of {reviewed} reviewed mistakes ({format_pct(share)}, 95% interval "
        f"{format_pct(interval.low)} to {format_pct(interval.high)}) are incorrectly "
        f"labeled: {format_points(from_labels)} of the {format_pct(error)} dev error comes "
        "from labels."
    ]
    tagged_others = {name: count for name, count in others.items() if count > 0}
    larger = sorted(
        (name for name, count in tagged_others.items() if count > labels),
        key=lambda name: (-tagged_others[name], name.casefold(), name),
    )
    # Compare counts, not float shares: same denominator, no rounding at the 20% line.
    if labels >= MISLABEL_SHARE_THRESHOLD * reviewed - _EPS:
        verdict = "fix_labels"
        reasons.append(
            f"That is at least {format_pct(MISLABEL_SHARE_THRESHOLD, 0)} of the mistakes, "
            "enough to distort the comparison of models on dev: fix the labels."
        )
    elif tagged_others and not larger:
        verdict = "fix_labels"
        reasons.append(
            "No other tagged category has a larger share, so incorrect labels are the "
            "biggest known cause of error: fix the labels."
        )
    else:
        verdict = "not_a_priority"
        if larger:
            biggest = larger[0]
            reasons.append(
                f"That is under {format_pct(MISLABEL_SHARE_THRESHOLD, 0)} and {biggest} "
                f"({format_pct(tagged_others[biggest] / reviewed)}) is larger: work on the "
                "larger categories first."
            )
        else:
            reasons.append(
                f"That is under {format_pct(MISLABEL_SHARE_THRESHOLD, 0)} of the mistakes: "
                "fixing labels is not a priority yet. Tag the other causes to compare."
            )
    reasons.extend(LABEL_FIX_REMINDERS)
    return MislabelVerdict(
        share=share,
        share_low=interval.low,
        share_high=interval.high,
        error_from_labels=from_labels,
        verdict=verdict,
        reasons=tuple(reasons),
    )


@dataclass(frozen=True)
class RunSplitErrors:
    """Errors of one run on the eyeball and the blackbox part of the dev set.

    ``order`` is the run's position in creation order (smaller is older).
    """

    run: str
    order: int
    eyeball_errors: int
    eyeball_n: int
    blackbox_errors: int
    blackbox_n: int


@dataclass(frozen=True)
class EyeballRun:
    """Eyeball and blackbox error of one run and the gap blackbox − eyeball."""

    run: str
    order: int
    eyeball_error: float
    eyeball_n: int
    blackbox_error: float
    blackbox_n: int
    gap: float
    gap_low: float
    gap_high: float

    def as_dict(self) -> dict:
        return {
            "run": self.run,
            "order": self.order,
            "eyeball_error": self.eyeball_error,
            "eyeball_n": self.eyeball_n,
            "blackbox_error": self.blackbox_error,
            "blackbox_n": self.blackbox_n,
            "gap": self.gap,
            "gap_low": self.gap_low,
            "gap_high": self.gap_high,
        }


@dataclass(frozen=True)
class EyeballCheck:
    """Whether the eyeball dev set is overfit (SPEC 4.4); see ``eyeball_blackbox``."""

    runs: tuple[EyeballRun, ...]
    growth: float | None
    growth_low: float | None
    growth_high: float | None
    overfit: bool
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "runs": [run.as_dict() for run in self.runs],
            "growth": self.growth,
            "growth_low": self.growth_low,
            "growth_high": self.growth_high,
            "overfit": self.overfit,
            "reasons": list(self.reasons),
        }


def _clean(value: float) -> float:
    """Drop float noise (and -0.0) from a difference of rates, so it prints as people expect."""
    return round(value, 12) + 0.0


def _eyeball_run(point: RunSplitErrors) -> EyeballRun:
    label = f"run '{point.run}'"
    eyeball_n = _count(point.eyeball_n, f"the eyeball set size of {label}")
    blackbox_n = _count(point.blackbox_n, f"the blackbox set size of {label}")
    if eyeball_n == 0 or blackbox_n == 0:
        raise InputError(f"{label} needs at least one example in both the eyeball and blackbox set")
    eyeball_errors = _count(point.eyeball_errors, f"the eyeball errors of {label}")
    blackbox_errors = _count(point.blackbox_errors, f"the blackbox errors of {label}")
    if eyeball_errors > eyeball_n:
        raise InputError(f"{label} has more eyeball errors than eyeball examples")
    if blackbox_errors > blackbox_n:
        raise InputError(f"{label} has more blackbox errors than blackbox examples")
    eyeball = eyeball_errors / eyeball_n
    blackbox = blackbox_errors / blackbox_n
    interval = newcombe_difference(blackbox, blackbox_n, eyeball, eyeball_n)
    return EyeballRun(
        run=str(point.run),
        order=_count(point.order, f"the position in creation order of {label}"),
        eyeball_error=eyeball,
        eyeball_n=eyeball_n,
        blackbox_error=blackbox,
        blackbox_n=blackbox_n,
        gap=_clean(blackbox - eyeball),
        gap_low=interval.low,
        gap_high=interval.high,
    )


def _growth_interval(first: EyeballRun, newest: EyeballRun) -> Interval:
    # MOVER (Zou & Donner 2008) on the two Newcombe intervals, as if the runs were
    # independent. The same examples are scored in both runs, and a team's successive
    # models err on much the same examples, so the true interval is narrower: this one
    # errs on the side of not raising the alarm.
    growth = newest.gap - first.gap
    low = growth - math.hypot(newest.gap - newest.gap_low, first.gap_high - first.gap)
    high = growth + math.hypot(newest.gap_high - newest.gap, first.gap - first.gap_low)
    return Interval(low, high)


def eyeball_blackbox(points: Sequence[RunSplitErrors]) -> EyeballCheck:
    """Is the eyeball dev set overfit? (SPEC 4.4: eyeball error falls clearly faster.)

    The eyeball and blackbox sets are random parts of the same dev set, so without
    overfitting a model errs equally often on both. Per run, gap = blackbox − eyeball
    error with a Newcombe 95% interval. Comparing the oldest and the newest run (by
    ``order``), the eyeball set is overfit when both hold:

    1. on the newest run the gap's 95% interval lies above 0 (eyeball error clearly
       lower than blackbox error now), and
    2. the growth of the gap since the oldest run (= how much faster eyeball error fell
       than blackbox error) has a 95% interval above 0 (MOVER combination of the two
       Newcombe intervals, treating the runs as independent, which is conservative).

    Condition 2 keeps a gap that was there from the first run (an unlucky draw) from
    raising the alarm; condition 1 keeps a gap that grew from below zero to about zero
    from doing so. Fewer than 2 runs: not overfit, with a reason.
    """
    runs = sorted((_eyeball_run(point) for point in points), key=lambda r: r.order)
    orders = [run.order for run in runs]
    if len(set(orders)) != len(orders):
        raise InputError("two runs have the same position in creation order")
    if len(runs) < 2:
        return EyeballCheck(
            runs=tuple(runs),
            growth=None,
            growth_low=None,
            growth_high=None,
            overfit=False,
            reasons=(
                "At least 2 runs scored on the same eyeball and blackbox sets are needed "
                "to see whether eyeball error falls faster than blackbox error.",
            ),
        )

    first, newest = runs[0], runs[-1]
    growth = _growth_interval(first, newest)
    growth_value = _clean(newest.gap - first.gap)
    clearly_lower = newest.gap_low > 0
    clearly_faster = growth.low > 0
    overfit = clearly_lower and clearly_faster
    reasons = [
        f"From run '{first.run}' to run '{newest.run}', eyeball error went from "
        f"{format_pct(first.eyeball_error)} to {format_pct(newest.eyeball_error)} and "
        f"blackbox error from {format_pct(first.blackbox_error)} to "
        f"{format_pct(newest.blackbox_error)}.",
        f"The gap (blackbox − eyeball) grew by {format_points(growth_value)} "
        f"(95% interval {format_points(growth.low)} to {format_points(growth.high)}); on "
        f"run '{newest.run}' it is {format_points(newest.gap)} (95% interval "
        f"{format_points(newest.gap_low)} to {format_points(newest.gap_high)}).",
    ]
    if overfit:
        reasons.append(
            "Eyeball error is falling clearly faster than blackbox error: the eyeball set is "
            "overfit. Refresh it with new dev examples (move them from the blackbox set or "
            "collect more), and keep tuning on the blackbox set."
        )
    elif clearly_lower and growth_value > 0:
        reasons.append(
            "Eyeball error is clearly below blackbox error on the newest run and the gap has "
            "grown, but not clearly beyond chance: not overfit so far. Keep watching; "
            "larger eyeball and blackbox sets would settle it sooner."
        )
    elif clearly_lower:
        reasons.append(
            "Eyeball error is clearly below blackbox error on the newest run, but the gap has "
            f"not grown since run '{first.run}': it was there from the start, so it is not "
            "overfitting. Check that the eyeball set was drawn at random."
        )
    elif clearly_faster:
        reasons.append(
            "Eyeball error fell faster than blackbox error, but it is not clearly below it yet: "
            "not overfit so far; keep watching."
        )
    else:
        reasons.append(
            "Eyeball and blackbox error move together: no sign that the eyeball set is overfit."
        )
    return EyeballCheck(
        runs=tuple(runs),
        growth=growth_value,
        growth_low=growth.low,
        growth_high=growth.high,
        overfit=overfit,
        reasons=tuple(reasons),
    )


def parse_tag_mark(cell: object) -> bool:
    """Whether a cell of the wide error-analysis spreadsheet marks the category (SPEC 4.4).

    Marked: x, 1, yes, true, y, ✓ (any case). Not marked: empty, 0, no, false, n, and a
    missing cell (None or NaN, as pandas reads an empty cell). Anything else is an
    InputError; the caller adds the row and column.
    """
    if cell is None:
        return False
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, numbers.Real):
        number = float(cell)
        if math.isnan(number):
            return False
        if number in (0.0, 1.0):
            return number == 1.0
        raise InputError(f"{cell!r} is not a tag mark: use x or 1 for tagged, 0 or empty for not")
    text = str(cell).strip().casefold()
    if text in _MARKED:
        return True
    if text in _UNMARKED:
        return False
    shown = str(cell).strip()
    if len(shown) > 40:
        shown = shown[:40] + "…"
    raise InputError(
        f"'{shown}' is not a tag mark: use x (or 1, yes, ✓) for tagged and leave the cell "
        "empty (or 0, no) for not tagged"
    )


@dataclass(frozen=True)
class LabelAudit:
    """Incorrect labels among correctly classified dev examples (SPEC 4.5: "consider
    auditing examples the model got right too")."""

    dev_error: float
    audited: int
    mislabeled: int
    share: float
    share_low: float
    share_high: float
    hidden_error: float
    corrected_error: float | None
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "dev_error": self.dev_error,
            "audited": self.audited,
            "mislabeled": self.mislabeled,
            "share": self.share,
            "share_low": self.share_low,
            "share_high": self.share_high,
            "hidden_error": self.hidden_error,
            "corrected_error": self.corrected_error,
            "reasons": list(self.reasons),
        }


def label_audit(
    dev_error: float | str,
    audited: int,
    mislabeled: int,
    errors_reviewed: int | None = None,
    errors_mislabeled: int | None = None,
) -> LabelAudit:
    """What an audit of correctly classified dev examples says about dev error (SPEC 4.5).

    A "correct" example whose label is wrong is a hidden mistake: about (1 − E)·s_audit of
    the dev set. With the review of mistakes as well (s_label of them incorrectly labeled,
    E·s_label of dev error), fixing every label would move dev error to about
    E − E·s_label + (1 − E)·s_audit (``corrected_error``); this is why fixing only the
    mistakes' labels biases the estimate in the model's favour.
    """
    error = parse_rate(dev_error, what="dev error")
    audited = _count(audited, "the number of audited examples")
    if audited <= 0:
        raise InputError("the number of audited examples must be at least 1")
    wrong_labels = _count(mislabeled, "the number of incorrectly labeled audited examples")
    if wrong_labels > audited:
        raise InputError(
            f"{wrong_labels} audited examples are marked incorrectly labeled but only "
            f"{audited} were audited"
        )
    share = wrong_labels / audited
    interval = _share_interval(wrong_labels, audited)
    hidden = (1 - error) * share
    reasons = [
        f"{wrong_labels} of {audited} audited correctly classified examples "
        f"({format_pct(share)}, 95% interval {format_pct(interval.low)} to "
        f"{format_pct(interval.high)}) carry a wrong label: about {format_points(hidden)} of "
        "the dev set is counted as right although the model is wrong there."
    ]
    corrected = None
    if errors_reviewed is not None and errors_mislabeled is not None:
        reviewed = _reviewed(errors_reviewed)
        from_labels = error * _tag_count(INCORRECTLY_LABELED, errors_mislabeled, reviewed) / (
            reviewed
        )
        corrected = _clean(error - from_labels + hidden)
        reasons.append(
            f"Fixing every dev label would move dev error from {format_pct(error)} to about "
            f"{format_pct(corrected)}: −{format_points(from_labels)} from mistakes that were "
            f"label errors, +{format_points(hidden)} from hidden mistakes."
        )
    if wrong_labels == 0:
        reasons.append("No hidden label errors found among the audited examples.")
    return LabelAudit(
        dev_error=error,
        audited=audited,
        mislabeled=wrong_labels,
        share=share,
        share_low=interval.low,
        share_high=interval.high,
        hidden_error=hidden,
        corrected_error=corrected,
        reasons=tuple(reasons),
    )


def overview_line(store: object, project_id: int) -> str | None:
    """The top error category and its ceiling for the overview page (SPEC 3); see
    `strategy_core.error_workbook.overview_line`."""
    from strategy_core.error_workbook import overview_line as line

    return line(store, project_id)  # type: ignore[arg-type]
