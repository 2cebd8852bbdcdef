"""The workbook on stored samples: the demo's summary, mislabel verdict,
eyeball / blackbox report, label audit, and the overview line."""

from __future__ import annotations

import pytest

from strategy_core.error_analysis import INCORRECTLY_LABELED
from strategy_core.store import Store
from strategy_core.store.reviews import TagEdit
from strategy_core.usecases.demo import PREDICTION_RUNS, REVIEW_NAME, REVIEW_SIZE
from strategy_core.usecases.error_analysis import (
    analyze_sample,
    audit_of,
    eyeball_report,
    overview_line,
)
from tests.store.test_predictions_store import make_project


def demo_sample(store: Store):
    project = store.projects.list()[0]
    (sample,) = store.reviews.samples(project.id)
    return project.id, sample


def test_demo_has_predictions_matching_the_runs_and_a_tagged_review(demo_store: Store):
    project_id, sample = demo_sample(demo_store)
    runs = {run.key: run for run in demo_store.runs.list(project_id)}
    sets = demo_store.predictions.sets(project_id)
    assert [runs[s.run_key].name for s in sets] == list(PREDICTION_RUNS)
    for prediction_set in sets:
        run = runs[prediction_set.run_key]
        for split, field in (("dev", "dev_error"), ("test", "test_error"),
                             ("train_dev", "train_dev_error")):
            count = prediction_set.splits[split]
            assert count.n == 2500
            assert count.error == pytest.approx(getattr(run, field), abs=0.0003)
    sources = demo_store.predictions.source_counts(project_id, sets[-1].run_key,
                                                   ("dev", "test", "train_dev"))
    assert sources["dev"] == {"mobile": 2500} and sources["test"] == {"mobile": 2500}
    assert set(sources["train_dev"]) == {"web", "mobile"}
    assert (sample.name, sample.size, sample.run_key) == (REVIEW_NAME, REVIEW_SIZE,
                                                           sets[-1].run_key)
    assert demo_store.reviews.counts(sample.id).reviewed == REVIEW_SIZE


def test_demo_analysis_names_the_top_category_and_does_not_fix_labels(demo_store: Store):
    _, sample = demo_sample(demo_store)
    result = analyze_sample(demo_store, sample.id)
    summary = result.summary
    assert summary is not None and result.mislabel is not None
    assert summary.dev_error == pytest.approx(73 / 2500)
    assert summary.adequacy == "good"
    assert summary.top_category == "Blurry"
    assert summary.priority_order  # efforts are entered in the demo
    assert result.mislabel.verdict == "not_a_priority"
    top = summary.category("Blurry")
    assert top.ceiling == pytest.approx(summary.dev_error * top.count / REVIEW_SIZE)


def test_demo_eyeball_report_compares_both_runs(demo_store: Store):
    _, sample = demo_sample(demo_store)
    report = eyeball_report(demo_store, sample)
    assert report.check is not None and report.missing is None
    assert [run.run for run in report.check.runs] == list(PREDICTION_RUNS)
    newest = report.check.runs[-1]
    assert newest.eyeball_n == sample.eyeball_n
    assert newest.eyeball_error == pytest.approx(REVIEW_SIZE / sample.eyeball_n)
    assert report.check.overfit is False


def test_review_of_every_mistake_has_no_blackbox(demo_store: Store):
    project_id, _ = demo_sample(demo_store)
    newest = demo_store.predictions.runs_with_predictions(project_id)[-1]
    every = demo_store.reviews.draw(project_id, newest, name="all", seed=1)
    assert every.eyeball_n == every.dev_n == 2500
    report = eyeball_report(demo_store, every)
    assert report.check is None and "no blackbox set" in report.missing


def test_nothing_reviewed_and_unknown_dev_error_say_what_is_missing(store: Store):
    project_id, (key, _) = make_project(store)
    store.predictions.import_bytes(project_id, key,
                                   b"example_id,label,prediction\na,1,0\nb,1,1\n", source="x")
    sample = store.reviews.draw(project_id, key, name="s", seed=1)
    assert "No example" in analyze_sample(store, sample.id).missing
    assert overview_line(store, project_id) is None
    from strategy_core.tag_sheet import parse_sheet

    imported = store.reviews.import_sheet(project_id, parse_sheet(b"example_id,Dog\nz,x\n"),
                                          name="sheet")
    result = analyze_sample(store, imported.sample_id)
    assert result.summary is None and "dev error" in result.missing
    assert analyze_sample(store, imported.sample_id, dev_error=0.1).summary.top_category == "Dog"


def test_label_audit_of_the_demo_run(demo_store: Store):
    project_id, sample = demo_sample(demo_store)
    audit = demo_store.reviews.draw(project_id, sample.run_key, name="audit", kind="audit",
                                    size=50, seed=9)
    assert audit_of(demo_store, audit, sample) is None  # nothing audited yet
    reserved = next(c for c in demo_store.reviews.categories(project_id)
                    if c.name == INCORRECTLY_LABELED)
    ids = list(demo_store.reviews.tags(audit.id)["example_id"])
    demo_store.reviews.save_tags(audit.id, [
        TagEdit(ids[0], frozenset({reserved.id}), "", True, 0),
        *[TagEdit(i, frozenset(), "", True, 0) for i in ids[1:]]])
    result = audit_of(demo_store, audit, sample)
    assert (result.audited, result.mislabeled) == (50, 1)
    assert result.hidden_error == pytest.approx((1 - 73 / 2500) * 0.02)
    assert result.corrected_error is not None


def test_overview_line_names_the_top_category_and_its_ceiling(demo_store: Store):
    project_id, _ = demo_sample(demo_store)
    line = overview_line(demo_store, project_id)
    assert line is not None
    assert line.startswith("Top error category: Blurry")
    assert "dev error from 2.9% to at best" in line
    assert REVIEW_NAME in line
