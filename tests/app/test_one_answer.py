"""One answer everywhere (issue 17, docs/rules.md §1, §2, §4, §11): for a project built in a
temporary store, the diagnosis page, the checklist page, the overview page (AppTest), the
status paragraph, the report and the `diagnose` / `checklist` commands name the same focus,
the same runner-up and the same checklist link; and the error-analysis surfaces name the
dev error they start from when the run records another one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from strategy_core.diagnosis import decompose, focus_verdict, levels_of_run, runner_up_note
from strategy_core.markdown import escape
from strategy_core.report.model import Badge, Bullets, Paragraph, Section, Table
from strategy_core.runs import Run
from strategy_core.store import Store
from strategy_core.usecases.report import build_report
from strategy_core.usecases.status import project_status
from tests.app.conftest import boxes, open_page
from tests.cli.test_runs_cli import cli_json
from tests.core.test_rules_examples_focus import two_sources_project


@dataclass(frozen=True)
class Case:
    """A one-run project and the one answer every surface must give."""

    name: str
    human: float | None
    levels: tuple[float | None, ...]  # train, train-dev, dev, test
    focus: str
    label: str  # how the pages title the focus
    runner_up: str | None
    link: int | None  # the checklist's focus link
    runner_up_text: str | None

    @property
    def slug(self) -> str:
        return self.name.lower().replace(" ", "-")


CASES = [
    Case("MLY ch21", 0.0, (0.01, None, 0.11, None), "variance", "Variance", None, 2, None),
    Case("Two big gaps", 0.01, (0.093, 0.098, 0.15, None), "avoidable_bias", "Avoidable bias",
         "data_mismatch", 1, "Data mismatch (5.2 pts) is close behind: plan to work on it next."),
    Case("No human level", None, (0.04, None, 0.045, None), "not_enough_information",
         "Not enough information", None, None, None),
    Case("Tied", 0.04, (0.07, 0.10, 0.06, 0.06), "avoidable_bias", "Avoidable bias",
         "variance", 1, "Variance is tied with avoidable bias; avoidable bias comes first in "
         "the chain, and fixing it moves the later gaps anyway."),
]
IDS = ["mly_ch21-variance_not_link_1", "bias_with_mismatch_runner_up",
       "no_human_level-not_enough_information", "tie-chain_order"]


def build(store: Store, case: Case) -> int:
    project = store.projects.create(case.name)
    train, train_dev, dev, test = case.levels
    store.runs.import_runs(project.id, [Run("r1", created=datetime(2026, 1, 5),
                                            train_error=train, train_dev_error=train_dev,
                                            dev_error=dev, test_error=test)],
                           source="test", fmt="generic")
    if case.human is not None:
        store.projects.set_human_levels(project.id, [("expert", case.human)])
    return project.id


def section_text(section: Section) -> str:
    parts: list[str] = []
    for block in section.blocks:
        if isinstance(block, Paragraph):
            parts.append(block.text)
        elif isinstance(block, Bullets):
            parts.extend(block.items)
        elif isinstance(block, Table):
            parts.extend(cell.text if isinstance(cell, Badge) else str(cell)
                         for row in block.rows for cell in row)
    return "\n".join(parts)


def expected_verdict(store: Store, project_id: int, case: Case, run_name: str | None = None
                     ) -> str:
    """The diagnosis verdict the rule gives at the project's default tolerance."""
    (run,) = store.runs.list(project_id)
    return focus_verdict(decompose(levels_of_run(run, case.human), tolerance=0.005), run_name)


def link_sentence(case: Case) -> str:
    return f"Work on link {case.link}" if case.link is not None else \
        "Not enough information to choose a link"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_surface_names_the_same_focus_and_runner_up(store: Store, capsys, case: Case):
    project_id = build(store, case)
    project = store.projects.get(project_id)
    verdict = expected_verdict(store, project_id, case)
    of_run = expected_verdict(store, project_id, case, "r1")  # pages and report name the run
    assert (case.focus == "variance") == verdict.startswith("Work on variance")

    # The command line.
    diagnosed = cli_json(capsys, "diagnose", "--project", case.name)
    checklist = cli_json(capsys, "checklist", "--project", case.name)
    assert (diagnosed["focus"], diagnosed["runner_up"]) == (case.focus, case.runner_up)
    assert (checklist["focus"], checklist["runner_up"]) == (case.focus, case.runner_up)
    names = {1: "training", 2: "training_dev"}
    assert checklist["focus_link"] == names.get(case.link)  # type: ignore[arg-type]

    # The status paragraph.
    paragraph = project_status(store, project).paragraph
    assert verdict in paragraph and link_sentence(case) in paragraph
    assert (case.runner_up_text or "close behind") in paragraph or case.runner_up is None
    other_links = {1, 2} - {case.link}
    assert not any(f"Work on link {n}" in paragraph for n in other_links)

    # The report.
    report = build_report(store, project)
    diagnosis = section_text(report.section("diagnosis"))
    chain = section_text(report.section("checklist"))
    assert of_run in diagnosis and link_sentence(case) in chain
    if case.runner_up_text:
        assert case.runner_up_text in diagnosis and case.runner_up_text in chain
        assert case.runner_up_text in section_text(report.section("status"))
    else:
        assert "close behind" not in diagnosis + chain

    # The pages.
    page = open_page("diagnosis", case.slug)
    shown = "\n".join(m.value for m in page.markdown) + boxes(page)
    assert f"Focus: {case.label}" in shown and escape(of_run) in shown
    if case.runner_up_text:
        assert case.runner_up_text in shown
    page = open_page("checklist", case.slug)
    shown = "\n".join(m.value for m in page.markdown) + boxes(page)
    assert escape(link_sentence(case)) in shown
    for number in other_links:
        assert escape(f"Work on link {number}") not in shown
    if case.runner_up_text:
        assert escape(case.runner_up_text) in shown
    page = open_page("overview", case.slug)
    shown = "\n".join(m.value for m in page.markdown)
    assert f"#### {case.label}" in shown
    if case.link is not None:
        assert f"#### :red[Link {case.link} red]" in shown
    assert page.code[0].value == paragraph


def test_the_overview_card_names_the_runner_up(store: Store):
    case = CASES[1]
    build(store, case)
    page = open_page("overview", case.slug)
    assert any("data mismatch close behind" in c.value for c in page.caption)
    result = decompose(levels_of_run(store.runs.list(store.projects.by_slug(case.slug).id)[0],
                                     0.01), tolerance=0.005)
    assert runner_up_note(result) == case.runner_up_text


# --- one number per quantity: two dev errors (docs/rules.md §4) ------------------------------


def test_error_analysis_surfaces_name_the_dev_error_they_start_from(store: Store):
    project_id = two_sources_project(store)
    project = store.projects.get(project_id)
    page = open_page("error_analysis", "two-sources")
    metrics = {m.label: m.value for m in page.metric}
    assert metrics["Dev error"] == "10.3%"
    warnings = "\n".join(w.value for w in page.warning)
    assert escape("recorded with the run: 5.2% on 2,500 dev examples") in warnings
    assert escape("(two-proportion Newcombe interval, n = 10,000 and n = 2,500); beyond "
                  "noise") in warnings
    assert escape("This review uses 10.3%, from the uploaded predictions") in warnings
    assert escape("Fixing Blurry could cut dev error from 10.3% to at best 5.5%") in \
        "\n".join(s.value for s in page.success)
    line = "cuts dev error from 10.3% (from the uploaded predictions; the run records 5.2%, " \
           "a difference beyond noise: check which is right) to at best 5.5%."
    assert line in project_status(store, project).paragraph
    overview = open_page("overview", "two-sources")
    assert escape(line) in "\n".join(m.value for m in overview.markdown)
    assert "#### 5.2%" in "\n".join(m.value for m in overview.markdown)  # the run's figure
    report = section_text(build_report(store, project).section("error_analysis"))
    assert "beyond noise: the two sources disagree" in report


def test_a_very_small_review_is_a_warning_not_a_success(store: Store):
    two_sources_project(store, tagged=9, reviewed=15)
    page = open_page("error_analysis", "two-sources")
    assert not [s for s in page.success if "Fixing Blurry" in s.value]
    headline = next(w.value for w in page.warning if "Fixing Blurry" in w.value)
    assert escape("a tentative reading of only 15 reviewed examples") in headline
    assert "**Fixing labels is not a priority.**" not in "\n".join(s.value for s in page.success)
