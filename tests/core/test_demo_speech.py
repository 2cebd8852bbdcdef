"""The second demo project, "Speech recognition (demo)": seeded beside the cat classifier
on first start, once, in word error rate (docs/rules.md §16), with a data-mismatch story."""

from __future__ import annotations

from datetime import date

import pytest

from strategy_core.store import Store
from strategy_core.usecases.decisions import list_decisions
from strategy_core.usecases.demo import DEMO_NAME, DEMO_NAMES, seed_demo
from strategy_core.usecases.demo_speech import (
    NEWEST_RUN,
    SPEECH_DEMO_NAME,
    SPEECH_DEMO_SLUG,
)
from strategy_core.usecases.diagnosis import diagnose_run, diagnoses
from strategy_core.usecases.metrics import definition, select
from strategy_core.usecases.project_metric import project_metric
from strategy_core.usecases.projects import list_projects, project_by_slug
from strategy_core.usecases.runs import human_levels, runs
from strategy_core.values.project_metric import PRESETS


@pytest.fixture
def speech(demo_store: Store):
    project = project_by_slug(demo_store, SPEECH_DEMO_SLUG)
    assert project is not None
    return demo_store, project


def test_both_demo_projects_are_seeded_the_cat_first(demo_store: Store):
    assert DEMO_NAMES == (DEMO_NAME, SPEECH_DEMO_NAME)
    projects = list_projects(demo_store)
    assert [p.name for p in projects] == [DEMO_NAME, SPEECH_DEMO_NAME]
    assert [p.slug for p in projects] == ["cat-classifier-demo", "speech-recognition-demo"]
    assert all(p.runs > 0 for p in projects)


def test_seeding_is_idempotent(demo_store: Store):
    before = [(p.name, p.runs) for p in list_projects(demo_store)]
    speech = project_by_slug(demo_store, SPEECH_DEMO_SLUG)
    changes = demo_store.metric_log.list(speech.id)
    assert seed_demo(demo_store) is False
    assert [(p.name, p.runs) for p in list_projects(demo_store)] == before
    assert demo_store.metric_log.list(speech.id) == changes


def test_the_speech_demo_is_tracked_in_word_error_rate_with_a_logged_reason(speech):
    store, project = speech
    metric = project_metric(store, project.id)
    assert metric == PRESETS["wer"]
    assert (metric.name, metric.unit, metric.direction) == ("Word error rate", "%", "lower")
    changes = sorted(store.metric_log.list(project.id), key=lambda c: c.changed_on)
    assert [(c.kind, c.changed_on) for c in changes] == [
        ("metric", date(2026, 9, 28)), ("metric", date(2026, 10, 8)),
        ("dev_set", date(2026, 10, 22))]  # the story's days, not the day of seeding
    logged = changes[0]
    assert logged.what.startswith("project metric: Word error rate")
    assert "word error rate" in logged.reason and logged.author == "Priya"
    assert logged.changed_on < runs(store, project.id)[0].created.date()


def test_the_team_optimizes_dev_wer_within_a_latency_budget(speech):
    store, project = speech
    saved = definition(store, project.id)
    assert saved is not None
    assert saved.definition.statement() == \
        "Optimize dev_error (lower is better) subject to latency_ms ≤ 450."
    best = select(store, project.id, saved.definition)
    assert best.problem is None and best.selection.winner == NEWEST_RUN


def test_runs_span_weeks_in_wer_with_utterance_counts(speech):
    store, project = speech
    seeded = runs(store, project.id)
    assert len(seeded) == 8
    assert (seeded[-1].created - seeded[0].created).days >= 28
    assert seeded[0].dev_error == pytest.approx(0.31)
    assert all(r.train_error < r.train_dev_error < r.dev_error < r.test_error for r in seeded)
    assert all(r.n_train >= 2_400_000 and r.n_dev in (1000, 4000) and r.n_test == 4000
               for r in seeded)
    assert {"audio_hours", "latency_ms", "highway_wer"} <= set(seeded[0].metrics)


def test_human_levels_are_transcribers(speech):
    store, project = speech
    levels = human_levels(store, project.id)
    assert {(lv.label, lv.error) for lv in levels.levels} == {
        ("typical transcriber", 0.055), ("expert transcriber", 0.045)}
    assert levels.proxy_error == pytest.approx(0.045)


def test_two_decisions_the_first_superseded(speech):
    store, project = speech
    decisions = list_decisions(store, project.id)
    assert len(decisions) == 2
    active = list_decisions(store, project.id, status="active")
    assert [d.verdict for d in active] == [
        "Work on data mismatch: add car-noise augmentation, synthesized and real in-car audio"]
    superseded = list_decisions(store, project.id, status="superseded")
    assert superseded[0].verdict.startswith("Work on avoidable bias")


def test_newest_run_diagnoses_to_data_mismatch_in_wer(speech):
    store, project = speech
    result = diagnose_run(store, project)
    assert result.run.name == NEWEST_RUN
    decomposition = result.decomposition
    assert decomposition.metric == PRESETS["wer"]
    assert decomposition.focus == "data_mismatch"
    out = decomposition.as_dict()
    assert (out["metric"], out["unit"], out["direction"]) == ("Word error rate", "%", "lower")
    assert (out["human"], out["train"], out["train_dev"], out["dev"], out["test"]) == \
        pytest.approx((0.045, 0.061, 0.070, 0.140, 0.146))
    assert out["data_mismatch"] == pytest.approx(0.070)
    assert "intervals" not in out  # WER is not a binomial rate: no Wilson intervals
    assert any("7.0 pts" in reason for reason in decomposition.reasons)


def test_the_story_moves_from_bias_to_data_mismatch(speech):
    store, project = speech
    foci = [item.decomposition.focus for item in diagnoses(store, project.id)]
    assert foci[:2] == ["avoidable_bias", "avoidable_bias"]
    assert set(foci[2:]) == {"data_mismatch"}


def test_the_checklist_and_the_diagnosis_point_at_the_same_link(speech):
    """The checklist's focus link is the diagnosis focus gap's link (one rule, §1 and §2)."""
    from strategy_core.usecases.runs import human_levels as levels_of
    from strategy_core.usecases.status import StatusContext

    store, project = speech
    context = StatusContext(store, project, runs(store, project.id),
                            levels_of(store, project.id))
    assert context.chain.tolerance == 0.02
    assert context.chain.focus == "dev"
    assert context.newest.decomposition.focus == "data_mismatch"
