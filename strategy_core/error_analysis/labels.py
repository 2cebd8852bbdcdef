"""Incorrect labels (docs/rules.md §5): whether fixing the labels of dev mistakes is worth it now,
and what an audit of correctly classified examples says about dev error."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from strategy_core.error_analysis.categories import (
    INCORRECTLY_LABELED,
    _category_name,
    _is_reserved,
)
from strategy_core.error_analysis.common import (
    _clean,
    _count,
    _reviewed,
    _share_interval,
    _tag_count,
)
from strategy_core.errors import InputError
from strategy_core.rates import format_pct, format_points, parse_rate

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

# Gaps that differ by no more than this are treated as equal (as in docs/rules.md §1).
_EPS = 1e-9


@dataclass(frozen=True)
class MislabelVerdict:
    """Whether fixing incorrect labels is worth it now (docs/rules.md §5)."""

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
    """Fix labels or not (docs/rules.md §5).

    Error due to labels = E·s_label. ``fix_labels`` when s_label ≥ 20%, or when other
    categories were tagged (some count > 0) and none has a larger share (a tie counts as
    not larger); else ``not_a_priority``. ``other_counts`` may include the reserved
    category itself, which is then ignored (it must equal ``mislabeled``).
    """
    error = parse_rate(dev_error, what="dev error")
    reviewed = _reviewed(reviewed)
    labels = _tag_count(INCORRECTLY_LABELED, mislabeled, reviewed)
    others = _other_counts(other_counts, labels, reviewed)

    share = labels / reviewed
    interval = _share_interval(labels, reviewed)
    from_labels = error * share
    reasons = [
        f"{labels} of {reviewed} reviewed mistakes ({format_pct(share)}, 95% interval "
        f"{format_pct(interval.low)} to {format_pct(interval.high)}) are incorrectly "
        f"labeled: {format_points(from_labels)} of the {format_pct(error)} dev error comes "
        "from labels."
    ]
    verdict, why = _fix_labels_or_not(labels, reviewed, others)
    reasons.append(why)
    reasons.extend(LABEL_FIX_REMINDERS)
    return MislabelVerdict(
        share=share,
        share_low=interval.low,
        share_high=interval.high,
        error_from_labels=from_labels,
        verdict=verdict,
        reasons=tuple(reasons),
    )


def _other_counts(
    other_counts: Mapping[str, int] | None, labels: int, reviewed: int
) -> dict[str, int]:
    """The other categories' counts, checked; the reserved category must match ``labels``."""
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
    return others


def _fix_labels_or_not(labels: int, reviewed: int, others: Mapping[str, int]) -> tuple[str, str]:
    """``fix_labels`` or ``not_a_priority``, and the sentence that says why."""
    tagged_others = {name: count for name, count in others.items() if count > 0}
    larger = sorted(
        (name for name, count in tagged_others.items() if count > labels),
        key=lambda name: (-tagged_others[name], name.casefold(), name),
    )
    # Compare counts, not float shares: same denominator, no rounding at the 20% line.
    if labels >= MISLABEL_SHARE_THRESHOLD * reviewed - _EPS:
        return "fix_labels", (
            f"That is at least {format_pct(MISLABEL_SHARE_THRESHOLD, 0)} of the mistakes, "
            "enough to distort the comparison of models on dev: fix the labels."
        )
    if tagged_others and not larger:
        return "fix_labels", (
            "No other tagged category has a larger share, so incorrect labels are the "
            "biggest known cause of error: fix the labels."
        )
    if larger:
        biggest = larger[0]
        return "not_a_priority", (
            f"That is under {format_pct(MISLABEL_SHARE_THRESHOLD, 0)} and {biggest} "
            f"({format_pct(tagged_others[biggest] / reviewed)}) is larger: work on the "
            "larger categories first."
        )
    return "not_a_priority", (
        f"That is under {format_pct(MISLABEL_SHARE_THRESHOLD, 0)} of the mistakes: "
        "fixing labels is not a priority yet. Tag the other causes to compare."
    )


@dataclass(frozen=True)
class LabelAudit:
    """Incorrect labels among correctly classified dev examples (docs/rules.md §5: "consider
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
    """What an audit of correctly classified dev examples says about dev error (docs/rules.md §5).

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
