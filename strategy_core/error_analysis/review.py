"""The review of dev mistakes (docs/rules.md §4): how adequate a review of n mistakes is, and each
tagged category's share, ceiling and priority."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass

from strategy_core.error_analysis.categories import (
    INCORRECTLY_LABELED,
    _category_name,
    _is_reserved,
)
from strategy_core.error_analysis.common import (
    _count,
    _reviewed,
    _share_interval,
    _tag_count,
    by_name,
)
from strategy_core.errors import InputError
from strategy_core.rates import format_pct, format_points, parse_rate

# (key, smallest number reviewed, display label, what it means), smallest first (docs/rules.md §4).
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


def adequacy(reviewed: int) -> str:
    """Adequacy of a review by the number of mistakes reviewed (docs/rules.md §4).

    Fewer than 20 ``very_small``, 20–49 ``rough``, 50–99 ``good``, 100 or more
    ``very_good``. Labels and meanings are in ``ADEQUACY_LABELS`` / ``ADEQUACY_MEANINGS``.
    """
    reviewed = _count(reviewed, "the number of reviewed examples")
    level = ADEQUACY_LEVELS[0][0]
    for key, smallest, _, _ in ADEQUACY_LEVELS:
        if reviewed >= smallest:
            level = key
    return level


def tentative_review(reviewed: int) -> bool:
    """A review in the lowest adequacy band (fewer than 20 reviewed, "very small",
    docs/rules.md §4, MLY ch. 18): its shares are anecdotes, so a verdict resting on it is
    worded and shown as tentative, never as a settled answer."""
    return adequacy(reviewed) == ADEQUACY_LEVELS[0][0]


def tentative_words(reviewed: int) -> str:
    """What a headline resting on a very small review adds (empty for a larger review)."""
    if not tentative_review(reviewed):
        return ""
    plural = "s" if reviewed != 1 else ""
    return f", a tentative reading of only {reviewed} reviewed example{plural}"


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
    """Shares, ceilings and priority of the categories tagged in a review (docs/rules.md §4)."""

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

    @property
    def tentative(self) -> bool:
        """The review is very small: its headline is a tentative reading (docs/rules.md §4)."""
        return tentative_review(self.reviewed)

    def category(self, name: str) -> CategoryShare:
        return by_name(self.categories, name)

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
    """Share, Wilson 95% interval and ceiling of each tagged category (docs/rules.md §4).

    share s = examples tagged / examples reviewed (an example may carry several categories,
    so shares need not add to 100%); fixing a category removes at most E·s of dev error E
    (``ceiling``, never above E), leaving at best E − E·s (``error_if_fixed``, never below
    0). A very small review (fewer than 20) words its headline as tentative. With an effort per
    category, priority = ceiling / effort. The reserved "Incorrectly labeled" category is
    always present. Categories are sorted by share, largest first, ties by name.
    """
    error = parse_rate(dev_error, what="dev error")
    reviewed = _reviewed(reviewed)
    tagged = _tagged_counts(counts, reviewed)
    categories = _category_shares(error, reviewed, tagged, _efforts(efforts, set(tagged)))
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
            f"{format_pct(top.error_if_fixed)}{tentative_words(reviewed)}"
        )
        reasons.extend(_top_category_reasons(error, reviewed, categories))
    if sum(tagged.values()) > reviewed:
        reasons.append(
            "Shares add to more than 100% because an example can carry several categories."
        )
    if ranked:
        reasons.extend(_priority_reasons(ranked, categories))

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


def _tagged_counts(counts: Mapping[str, int], reviewed: int) -> dict[str, int]:
    """Examples tagged per category, checked, with the reserved category always present."""
    tagged: dict[str, int] = {}
    for raw_name, raw_count in counts.items():
        name = _category_name(raw_name)
        if _is_reserved(name):
            name = INCORRECTLY_LABELED
        if name in tagged:
            raise InputError(f"category '{name}' is listed twice")
        tagged[name] = _tag_count(name, raw_count, reviewed)
    tagged.setdefault(INCORRECTLY_LABELED, 0)
    return tagged


def _category_shares(
    error: float, reviewed: int, tagged: Mapping[str, int], effort_of: Mapping[str, float]
) -> list[CategoryShare]:
    """Each category's share, interval, ceiling and priority, largest share first."""
    categories = []
    for name, count in tagged.items():
        share = count / reviewed
        interval = _share_interval(count, reviewed)
        ceiling = min(error * share, error)  # a share is at most 1: never above E itself
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
    return categories


def _top_category_reasons(
    error: float, reviewed: int, categories: list[CategoryShare]
) -> list[str]:
    """What fixing the largest category can gain, and whether the runner-up may be larger."""
    top = categories[0]
    reasons = [
        f"{top.name} was tagged on {top.count} of {reviewed} reviewed examples "
        f"({format_pct(top.share)}, 95% interval {format_pct(top.share_low)} to "
        f"{format_pct(top.share_high)}): fixing it entirely removes at most "
        f"{format_points(top.ceiling)} of the {format_pct(error)} dev error."
    ]
    runner_up = categories[1] if len(categories) > 1 and categories[1].count > 0 else None
    if runner_up is not None and runner_up.share_high >= top.share_low:
        reasons.append(
            f"The 95% intervals of {top.name} and {runner_up.name} overlap, so this "
            "review does not settle which of the two is larger; review more examples "
            "if the choice matters."
        )
    return reasons


def _priority_reasons(ranked: list[CategoryShare], categories: list[CategoryShare]) -> list[str]:
    """Which category comes first by ceiling per unit of effort, and which are not ranked."""
    best = ranked[0]
    reasons = [
        f"Ranked by ceiling per unit of effort, {best.name} comes first "
        f"({format_points(best.ceiling)} for an effort of {best.effort:g})."
    ]
    unranked = [c.name for c in categories if c.priority is None and c.count > 0]
    if unranked:
        reasons.append(
            "Not ranked by priority because no effort was entered: " + ", ".join(unranked) + "."
        )
    return reasons
