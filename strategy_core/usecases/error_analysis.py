"""The error-analysis workbook: the rules of docs/rules.md §4 and §5 applied to stored samples.

The page, the command line and the overview read review samples through these functions,
so they all show the same numbers: the store counts in SQL, `error_analysis` decides. The
page's reads (prediction sets, samples, categories, tags) and saves (predictions, samples,
tags, categories, efforts, tag sheets) are here too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from strategy_core.csv_export import safe_csv_bytes
from strategy_core.error_analysis import (
    INCORRECTLY_LABELED,
    DevErrorSources,
    EyeballCheck,
    LabelAudit,
    MislabelVerdict,
    ReviewSummary,
    RunSplitErrors,
    ValueReviewSummary,
    best_value,
    compare_dev_errors,
    eyeball_blackbox,
    label_audit,
    measure_for,
    mislabel_verdict,
    sample_rule,
    summarize_review,
    summarize_value_review,
    tentative_words,
)
from strategy_core.errors import InputError
from strategy_core.rates import format_pct
from strategy_core.store.predictions import PredictionImport, PredictionSet, Progress
from strategy_core.store.reviews import (
    DEFAULT_SAMPLE_SIZE,
    MAX_SAMPLE_SIZE,
    Category,
    ReviewCounts,
    ReviewSample,
    SheetImport,
    TagEdit,
)
from strategy_core.tag_grid import grid_changes
from strategy_core.tag_sheet import TagSheet, wide_frame
from strategy_core.usecases.project_metric import project_metric
from strategy_core.values.project_metric import ProjectMetric

if TYPE_CHECKING:
    from strategy_core.store import Store

__all__ = ["DEFAULT_SAMPLE_SIZE", "MAX_SAMPLE_SIZE"]  # re-exported for the page's inputs


@dataclass(frozen=True)
class SampleAnalysis:
    """A sample's counts and, once something is reviewed and dev error is known, its
    summary (docs/rules.md §4) and the mislabeled-data verdict (docs/rules.md §5). ``missing`` says
    why
    a part is absent."""

    sample: ReviewSample
    counts: ReviewCounts
    dev_error: float | None
    summary: ReviewSummary | None
    mislabel: MislabelVerdict | None
    missing: str | None
    # A sample of per-example values (docs/rules.md §18): its rule in plain English and,
    # once something is reviewed, the summary in the project metric's units.
    values: ValueReviewSummary | None = None
    rule: str | None = None
    # The review's dev error against the one recorded with its run (docs/rules.md §4):
    # None when the run records none, or the review has no error of its own.
    sources: DevErrorSources | None = None


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
    """Summary and mislabel verdict of a review sample (docs/rules.md §4, §5). `dev_error`
    overrides the sample's own E (for an imported sheet without a run)."""
    sample = store.reviews.get(sample_id)
    counts = store.reviews.counts(sample_id)
    if sample.of_values:
        return _analyze_values(store, sample, counts)
    error = dev_error if dev_error is not None else sample_dev_error(store, sample)
    sources = dev_error_sources(store, sample, dev_error)
    if counts.reviewed == 0:
        return SampleAnalysis(sample, counts, error, None, None,
                              "No example of this sample is reviewed yet: tag some in the grid.",
                              sources=sources)
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
    return SampleAnalysis(sample, counts, error, summary, mislabel, None, sources=sources)


def dev_error_sources(store: Store, sample: ReviewSample, entered: float | None = None
                      ) -> DevErrorSources | None:
    """The review's own dev error (its predictions', or the one entered) against the dev
    error recorded with its run, tested for noise (docs/rules.md §4); None when either is
    missing. A run in a rate where higher is better records 1 − its error."""
    own = entered if entered is not None else sample.dev_error
    if own is None or sample.run_key is None:
        return None
    project_id = store.reviews.project_of(sample.id)
    run = next((r for r in store.runs.list(project_id) if r.key == sample.run_key), None)
    metric = project_metric(store, project_id)
    if run is None or run.dev_error is None or metric.kind != "rate":
        return None
    recorded = run.dev_error if metric.direction == "lower" else 1.0 - run.dev_error
    from_predictions = entered is None and sample.dev_n is not None
    return compare_dev_errors(
        float(own), round(recorded, 12), used_n=sample.dev_n if from_predictions else None,
        recorded_n=run.n_dev, source="predictions" if from_predictions else "entered")


def sample_rule_text(store: Store, sample: ReviewSample,
                     metric: ProjectMetric | None = None) -> str | None:
    """How a sample of per-example values was drawn, in plain English (docs/rules.md §18),
    e.g. 'the 100 dev examples with the largest absolute error (≥ 3.1 years)'; None for a
    sample of misclassified examples."""
    if not sample.of_values:
        return None
    metric = metric or project_metric(store, store.reviews.project_of(sample.id))
    return sample_rule(metric, measure=sample.measure or "value",
                       selection=sample.selection or "worst", size=sample.size,
                       population=sample.population or sample.size,
                       threshold=sample.threshold, cutoff=sample.cutoff, seed=sample.seed,
                       value_name=sample.value_name)


def _analyze_values(store: Store, sample: ReviewSample, counts: ReviewCounts
                    ) -> SampleAnalysis:
    metric = project_metric(store, store.reviews.project_of(sample.id))
    rule = sample_rule_text(store, sample, metric)
    if counts.reviewed == 0:
        return SampleAnalysis(sample, counts, None, None, None,
                              "No example of this sample is reviewed yet: tag some in the grid.",
                              None, rule)
    tagged = dict(counts.counts)
    summary = summarize_value_review(
        metric, measure=sample.measure or "value", dev_n=int(sample.dev_n or 0),
        dev_total=float(sample.dev_total or 0.0),
        population_gain=float(sample.population_gain or 0.0), reviewed=counts.reviewed,
        reviewed_gain=counts.reviewed_gain, counts=tagged, gains=counts.gains,
        efforts={name: e for name, e in counts.efforts.items() if name in tagged},
        value_name=sample.value_name)
    return SampleAnalysis(sample, counts, None, None, None, None, summary, rule)


def audit_of(store: Store, audit: ReviewSample, errors: ReviewSample | None = None
             ) -> LabelAudit | None:
    """The label audit of an audit sample, with the mistakes' review when given
    (docs/rules.md §5); None until something is audited or when dev error is unknown."""
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
    """Eyeball / blackbox dev error of every run with predictions (docs/rules.md §4): the eyeball
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
    mistakes and its ceiling (README "Pages", docs/rules.md §4), naming where the dev error
    comes from when the run records another figure, and tentative on a very small review;
    None when nothing has been reviewed."""
    for sample in store.reviews.samples(project_id):
        if sample.kind == "audit":
            continue
        analysis = analyze_sample(store, sample.id)
        if analysis.values is not None and analysis.values.top_category is not None:
            return _overview_values(analysis.values, sample.name)
        summary = analysis.summary
        if summary is None or summary.top_category is None:
            continue
        top = summary.category(summary.top_category)
        start = format_pct(summary.dev_error)
        sources = analysis.sources
        if sources is not None and sources.notable:
            start += f" ({sources.note})"
        return (f"Top error category: {top.name}, {format_pct(top.share, 0)} of "
                f"{summary.reviewed} reviewed mistakes (review '{sample.name}'); fixing it "
                f"cuts dev error from {start} to at best "
                f"{format_pct(top.error_if_fixed)}{tentative_words(summary.reviewed)}.")
    return None


def _overview_values(summary: ValueReviewSummary, name: str) -> str:
    top = summary.category(summary.top_category or "")
    metric = summary.metric
    return (f"Top error category: {top.name}, {top.count} of {summary.reviewed} reviewed "
            f"examples (review '{name}'); fixing it improves dev {metric.name} from "
            f"{metric.format(summary.dev_value)} to at best "
            f"{metric.format(top.metric_if_fixed)} ({metric.format_gap(top.ceiling)}).")


# --- the page's reads -----------------------------------------------------------------------


def prediction_sets(store: Store, project_id: int) -> list[PredictionSet]:
    """Prediction sets of the project's runs, oldest run first."""
    return store.predictions.sets(project_id)


def samples(store: Store, project_id: int) -> list[ReviewSample]:
    """Review samples, newest first."""
    return store.reviews.samples(project_id)


def categories(store: Store, project_id: int) -> list[Category]:
    """The project's error categories (shared by every sample)."""
    return store.reviews.categories(project_id)


def tags(store: Store, sample_id: int) -> pd.DataFrame:
    """The sample's examples with their tags and edit versions, in sample order."""
    return store.reviews.tags(sample_id)


def sample_examples(store: Store, sample_id: int) -> pd.DataFrame:
    """The sample's examples (example_id, label, prediction, source, text, url, position)."""
    return store.reviews.sample_examples(sample_id)


def sample_eyeball(store: Store, sample_id: int) -> EyeballReport:
    """`eyeball_report` of the sample with this id."""
    return eyeball_report(store, store.reviews.get(sample_id))


def tag_sheet_csv(store: Store, project_id: int, sample_id: int) -> bytes:
    """The sample's tags as the wide spreadsheet (CSV, formula cells neutralized)."""
    cats = [(c.id, c.name) for c in store.reviews.categories(project_id)]
    return safe_csv_bytes(wide_frame(store.reviews.tags(sample_id), cats))


# --- predictions ------------------------------------------------------------------------------


def import_predictions(store: Store, project_id: int, run_key: int, data: bytes, *,
                       source: str, created_by: str = "", progress: Progress | None = None
                       ) -> PredictionImport:
    """Load a run's per-example predictions (all or nothing), replacing its earlier upload.
    Under a project metric that is not a rate the rows are regression rows or per-example
    values (docs/rules.md §18)."""
    return store.predictions.import_bytes(project_id, run_key, data, source=source,
                                          created_by=created_by, progress=progress,
                                          metric=project_metric(store, project_id))


def import_prediction_file(store: Store, project_id: int, run_key: int, path: Path, *,
                           source: str) -> PredictionImport:
    """Load a predictions file from disk (the command line): copied into the database's
    staging folder, read by DuckDB, and the staged copy removed whatever happens."""
    staged = store.predictions.stage(path)
    try:
        return store.predictions.import_file(project_id, run_key, staged, source=source,
                                             metric=project_metric(store, project_id))
    finally:
        staged.unlink(missing_ok=True)


def sample_by_name(store: Store, project_id: int, name: str) -> ReviewSample:
    """A review sample of the project by its name."""
    return store.reviews.by_name(project_id, name)


def delete_predictions(store: Store, project_id: int, run_key: int) -> int:
    """Remove one run's predictions; how many rows were removed."""
    return store.predictions.delete(project_id, run_key)


# --- samples ------------------------------------------------------------------------------------


def draw_sample(store: Store, project_id: int, run_key: int, *, name: str,
                kind: str = "errors", size: int | None = DEFAULT_SAMPLE_SIZE,
                eyeball_size: int | None = None, seed: int | None = None,
                created_by: str = "") -> ReviewSample:
    """A seeded random sample of a run's misclassified dev examples (``errors``) or of its
    correctly classified ones (``audit``) (docs/rules.md §4, §5)."""
    return store.reviews.draw(project_id, run_key, name=name, kind=kind, size=size,
                              eyeball_size=eyeball_size, seed=seed, created_by=created_by)


def draw_value_sample(store: Store, project_id: int, run_key: int, *, name: str,
                      selection: str | None = None, size: int = DEFAULT_SAMPLE_SIZE,
                      threshold: float | None = None, seed: int | None = None,
                      created_by: str = "") -> ReviewSample:
    """A sample of a run's dev examples by their per-example values (docs/rules.md §18): the
    ``size`` worst under the project metric's direction, or ``size`` of those past
    ``threshold`` (in the metric's units) drawn at random with ``seed``."""
    metric = project_metric(store, project_id)
    selection = selection or ("worst" if threshold is None else "threshold")
    kind = value_kind(store, project_id, run_key)
    if kind == "classification":
        raise InputError("this run's predictions are classification rows: draw a sample of "
                         "its mistakes instead")
    measure = measure_for(metric, kind)
    if threshold is not None:
        threshold = metric.check(threshold, "the threshold") if measure == "value" else \
            _finite(threshold)
    return store.reviews.draw_values(
        project_id, run_key, name=name, measure=measure, sign=metric.sign,
        best=best_value(metric, measure), selection=selection, size=size,
        threshold=threshold, seed=seed, created_by=created_by)


def value_kind(store: Store, project_id: int, run_key: int) -> str:
    """'classification', 'regression' or 'value': what a run's stored predictions hold."""
    for prediction_set in store.predictions.sets(project_id):
        if prediction_set.run_key == run_key:
            return prediction_set.kind
    raise InputError("this run has no predictions: upload its per-example values first")


def _finite(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"the threshold must be a number, not {value!r}") from None
    if not math.isfinite(number) or number < 0:
        raise InputError("the threshold of an error must be a finite number of at least 0")
    return number


def rename_sample(store: Store, sample_id: int, name: str) -> ReviewSample:
    return store.reviews.rename_sample(sample_id, name)


def delete_sample(store: Store, sample_id: int) -> None:
    """Delete a sample with its examples and tags."""
    store.reviews.delete_sample(sample_id)


def set_dev_error(store: Store, sample_id: int, dev_error: float | None) -> ReviewSample:
    """Record the dev error behind a sample (for a sheet imported without a run)."""
    return store.reviews.set_dev_error(sample_id, dev_error)


def import_tag_sheet(store: Store, project_id: int, sheet: TagSheet, *,
                     sample_id: int | None = None, name: str | None = None,
                     run_key: int | None = None, dev_error: float | None = None,
                     updated_by: str = "") -> SheetImport:
    """Import a wide tag spreadsheet into a sample or as a new one (one transaction)."""
    return store.reviews.import_sheet(project_id, sheet, sample_id=sample_id, name=name,
                                      run_key=run_key, dev_error=dev_error,
                                      updated_by=updated_by)


# --- tags and categories ----------------------------------------------------------------------


def grid_edits(original: pd.DataFrame, edited: pd.DataFrame, category_ids: Sequence[int]
               ) -> list[TagEdit]:
    """The grid's changed rows as edits for `save_tags`, each with the version it was
    edited from (`original` is the `tags` snapshot the grid was built from)."""
    return [TagEdit(*edit) for edit in grid_changes(original, edited, category_ids)]


def save_tags(store: Store, sample_id: int, edits: Sequence[TagEdit], updated_by: str = ""
              ) -> int:
    """Save edited tags in one transaction, or none of them (ConflictError, with the
    current rows, when someone else saved one of the examples since)."""
    return store.reviews.save_tags(sample_id, edits, updated_by)


def add_category(store: Store, project_id: int, name: str) -> Category:
    return store.reviews.add_category(project_id, name)


def rename_category(store: Store, project_id: int, category_id: int, name: str) -> Category:
    return store.reviews.rename_category(project_id, category_id, name)


def remove_category(store: Store, project_id: int, category_id: int) -> int:
    """Remove a category and untag its examples; how many were untagged."""
    return store.reviews.remove_category(project_id, category_id)


def set_efforts(store: Store, project_id: int, efforts: Mapping[int, float | None], *,
                expected: Mapping[int, int] | None = None) -> None:
    """Effort per category id, refused (ConflictError) when someone else changed one since
    `expected` (each category's edit version as read)."""
    store.reviews.set_efforts(project_id, efforts, expected=expected)
