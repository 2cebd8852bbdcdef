"""The error-analysis workbook: the rules of SPEC 4.4 and 4.5 applied to stored samples.

The page, the command line and the overview read review samples through these functions,
so they all show the same numbers: the store counts in SQL, `error_analysis` decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from strategy_core.error_analysis import (
    INCORRECTLY_LABELED,
    EyeballCheck,
    LabelAudit,
    MislabelVerdict,
    ReviewSummary,
    RunSplitErrors,
    eyeball_blackbox,
    label_audit,
    mislabel_verdict,
    summarize_review,
)
from strategy_core.rates import format_pct
from strategy_core.store.reviews import ReviewCounts, ReviewSample

if TYPE_CHECKING:
    from strategy_core.store import Store


@dataclass(frozen=True)
class SampleAnalysis:
    """A sample's counts and, once something is reviewed and dev error is known, its
    summary (SPEC 4.4) and the mislabeled-data verdict (SPEC 4.5). ``missing`` says why
    a part is absent."""

    sample: ReviewSample
    counts: ReviewCounts
    dev_error: float | None
    summary: ReviewSummary | None
    mislabel: MislabelVerdict | None
    missing: str | None


def sample_dev_error(store: Store, sample: ReviewSample) -> float | None:
    """Dev error E behind a sample: the run's per-example predictions when the sample was
    drawn, else the run's recorded dev error, else None."""
    if sample.dev_error is not None:
        return float(sample.dev_error)
    if sample.run_key is not None:
        for run in store.runs.list(store.reviews.project_of(sample.id)):
            if run.key == sample.run_key:
                return run.dev_error
    return None


def analyze_sample(store: Store, sample_id: int, dev_error: float | None = None
                   ) -> SampleAnalysis:
    """Summary and mislabel verdict of a review sample (SPEC 4.4, 4.5). `dev_error`
    overrides the sample's own E (for an imported sheet without a run)."""
    sample = store.reviews.get(sample_id)
    counts = store.reviews.counts(sample_id)
    error = dev_error if dev_error is not None else sample_dev_error(store, sample)
    if counts.reviewed == 0:
        return SampleAnalysis(sample, counts, error, None, None,
                              "No example of this sample is reviewed yet: tag some in the grid.")
    if error is None:
        return SampleAnalysis(sample, counts, None, None, None,
                              "The dev error behind this sample is unknown: enter it.")
    tagged = dict(counts.counts)
    efforts = {name: effort for name, effort in counts.efforts.items() if name in tagged}
    summary = summarize_review(error, counts.reviewed, tagged, efforts)
    mislabel = None
    if sample.kind != "audit":
        mislabel = mislabel_verdict(error, counts.reviewed, tagged.get(INCORRECTLY_LABELED, 0),
                                    tagged)
    return SampleAnalysis(sample, counts, error, summary, mislabel, None)


def audit_of(store: Store, audit: ReviewSample, errors: ReviewSample | None = None
             ) -> LabelAudit | None:
    """The label audit of an audit sample, with the mistakes' review when given
    (SPEC 4.5); None until something is audited or when dev error is unknown."""
    counts = store.reviews.counts(audit.id)
    error = sample_dev_error(store, audit)
    if counts.reviewed == 0 or error is None:
        return None
    errors_reviewed = errors_mislabeled = None
    if errors is not None:
        errors_counts = store.reviews.counts(errors.id)
        if errors_counts.reviewed:
            errors_reviewed = errors_counts.reviewed
            errors_mislabeled = errors_counts.counts.get(INCORRECTLY_LABELED, 0)
    return label_audit(error, counts.reviewed, counts.counts.get(INCORRECTLY_LABELED, 0),
                       errors_reviewed, errors_mislabeled)


@dataclass(frozen=True)
class EyeballReport:
    """Eyeball vs blackbox error per run for a sample's eyeball set, or why there is none."""

    check: EyeballCheck | None
    runs_skipped: tuple[str, ...]
    missing: str | None


def eyeball_report(store: Store, sample: ReviewSample) -> EyeballReport:
    """Eyeball / blackbox dev error of every run with predictions (SPEC 4.4): the eyeball
    set is the sample's, the blackbox set the rest of dev."""
    if sample.kind != "errors" or sample.eyeball_key is None or sample.seed is None:
        return EyeballReport(None, (), "Only a sample drawn from predictions defines an "
                                       "eyeball set.")
    project_id = store.reviews.project_of(sample.id)
    names = {run.key: run.name for run in store.runs.list(project_id)}
    points = []
    skipped = []
    for order, counts in enumerate(store.predictions.eyeball_counts(
            project_id, sample.seed, sample.eyeball_key)):
        name = names.get(counts.run_key, str(counts.run_key))
        if counts.eyeball_n == 0 or counts.blackbox_n == 0:
            skipped.append(name)
            continue
        points.append(RunSplitErrors(name, order, counts.eyeball_errors, counts.eyeball_n,
                                     counts.blackbox_errors, counts.blackbox_n))
    if not points:
        return EyeballReport(None, tuple(skipped),
                             "This review covers every mistake, so the eyeball set is the "
                             "whole dev set and there is no blackbox set. Draw a smaller "
                             "sample to keep a blackbox part for tuning.")
    return EyeballReport(eyeball_blackbox(points), tuple(skipped), None)


def overview_line(store: Store, project_id: int) -> str | None:
    """One sentence for the overview: the top category of the newest reviewed sample of
    mistakes and its ceiling (SPEC 3, 4.4); None when nothing has been reviewed."""
    for sample in store.reviews.samples(project_id):
        if sample.kind == "audit":
            continue
        analysis = analyze_sample(store, sample.id)
        summary = analysis.summary
        if summary is None or summary.top_category is None:
            continue
        top = summary.category(summary.top_category)
        return (f"Top error category: {top.name}, {format_pct(top.share, 0)} of "
                f"{summary.reviewed} reviewed mistakes (review '{sample.name}'); fixing it "
                f"cuts dev error from {format_pct(summary.dev_error)} to at best "
                f"{format_pct(top.error_if_fixed)}.")
    return None
