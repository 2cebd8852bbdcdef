"""The project status (overview page): lines from contributors, the pasteable paragraph."""

from __future__ import annotations

from datetime import date, datetime

from strategy_core.checklist import RealWorld
from strategy_core.runs import Run
from strategy_core.usecases.checklist import save_real_world, save_tolerance
from strategy_core.usecases.status import (
    CONTRIBUTORS,
    StatusContext,
    StatusLine,
    checklist_lines,
    diagnosis_lines,
    project_status,
)


def demo_project(store):
    return store.projects.by_name("Cat classifier (demo)")


def test_demo_status_tells_the_story_a_team_lead_would_paste(demo_store):
    status = project_status(demo_store, demo_project(demo_store))
    assert status.skipped == ()
    assert [line.topic for line in status.lines] == \
        ["diagnosis"] * 3 + ["checklist", "error_analysis", "sizing", "decisions"]
    assert status.paragraph == (
        "Cat classifier (demo): Newest of 10 runs, efficientnet-b3-mobile (2026-11-16): "
        "training 1.0%, training-dev 1.5%, dev 2.9%, test 3.3% against human level 0.5% "
        "(team of experts). Work on data mismatch: at 1.4 pts (dev − training-dev) it is the "
        "largest gap. Data mismatch has been the focus for the last 5 runs: fell from 3.4 pts "
        "to 1.4 pts since resnet50-dropout. Orthogonalization checklist: 3 of 5 links green, "
        "1 red, 1 unknown. Work on link 3, generalize to the dev set: its gap of 1.4 pts is "
        "the largest above the tolerance of 0.5 pts. Top error category: Blurry, 43% of 60 "
        "reviewed mistakes (review 'efficientnet-b3-mobile: first review'); fixing it cuts "
        "dev error from 2.9% to at best 1.7%. The dev set (2,500 examples) is too small to "
        "tell the two best runs apart: efficientnet-b3-mobile (2.9%) and resnet50-mobile-5k (3.2%) "
        "differ by 0.3 pts, which needs about 14,815 examples (paired). Treat them as equally "
        "good or grow the dev set. Latest decisions: "
        f"{date.today():%Y-%m-%d} · Human-level & bias/variance: Work on data mismatch: "
        "collect and synthesize mobile-like training photos (Ana)."
    )
    assert status.as_dict()["lines"][0]["page"] == "diagnosis"


def test_the_project_settings_change_the_chain_line(demo_store):
    project = demo_project(demo_store)
    save_tolerance(demo_store, project.id, 0.015)
    save_real_world(demo_store, project.id, RealWorld("not_ok"))
    lines = [line.text for line in project_status(demo_store, project).lines
             if line.topic == "checklist"]
    assert lines == [
        "Orthogonalization checklist: 4 of 5 links green, 1 red. Work on link 5, do well in "
        "the real world: the team judges that the model falls short there."
    ]


def test_a_project_without_runs_says_what_to_do(store):
    project = store.projects.create("Empty")
    status = project_status(store, project)
    assert status.paragraph == ("Empty: No runs are recorded yet: upload the team's run "
                                "results to get a diagnosis.")
    assert [line.page for line in status.lines] == ["runs"]


def test_without_human_level_the_line_says_so(store):
    project = store.projects.create("No human")
    store.runs.import_runs(project.id, [Run("only", created=datetime(2026, 1, 5),
                                            train_error=0.02, dev_error=0.1)], source="t",
                           fmt="generic")
    text = project_status(store, project).paragraph
    assert "Only run, only (2026-01-05): training 2.0%, dev 10.0%, with no human level " \
           "recorded." in text
    assert "Work on variance: at 8.0 pts (dev − training)" in text


def test_contributors_add_lines_in_order_and_a_failing_one_is_skipped(demo_store):
    def error_analysis_lines(context: StatusContext):
        assert context.newest.run.name == "efficientnet-b3-mobile"  # shared, computed once
        return [StatusLine("error_analysis", "Top category: blurry photos.", "error-analysis")]

    def broken(context: StatusContext):
        raise RuntimeError("no table yet")

    status = project_status(demo_store, demo_project(demo_store),
                            contributors=[checklist_lines, broken, error_analysis_lines])
    assert [line.topic for line in status.lines] == ["checklist", "error_analysis"]
    assert status.paragraph.endswith("Top category: blurry photos.")
    assert status.skipped == ("broken: RuntimeError: no table yet",)


def test_default_contributors_are_the_diagnosis_and_the_checklist():
    assert CONTRIBUTORS[:2] == (diagnosis_lines, checklist_lines)


def test_without_any_line_the_paragraph_says_nothing_to_report(store):
    project = store.projects.create("Empty")
    assert project_status(store, project, runs=[], contributors=[]).paragraph == \
        "Empty: nothing to report yet."


def test_latest_decisions_join_the_status(demo_store):
    project = demo_project(demo_store)
    demo_store.decisions.record(project.id, "error_analysis", "Fix blurry photos first",
                                {"category": "Blurry"}, "largest ceiling", "Bo")
    lines = [line for line in project_status(demo_store, project).lines
             if line.topic == "decisions"]
    assert len(lines) == 1 and lines[0].text.startswith("Latest decisions: ")
    assert "Fix blurry photos first (Bo)" in lines[0].text
    assert "add dropout" not in lines[0].text  # superseded decisions are not listed
    assert lines[0].page == "decisions"
