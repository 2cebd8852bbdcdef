"""Every worked example of docs/rules.md §23 (data to leave out or weight), one test per
"Example 23.N", named `test_example_23_N_…`, plus the rules around them: the saved plan,
the table's rows, bad input."""

from __future__ import annotations

import pytest

from strategy_core.errors import InputError
from strategy_core.sizing import EXAMPLE_PLAN, PlanInputs, plan_inputs, plan_split
from strategy_core.sizing.source_choices import (
    SourceChoices,
    choices_from_rows,
    plan_with_choices,
)
from strategy_core.store import Store
from strategy_core.usecases import sizing as sizing_cases

WEB_MOBILE = {"web": 200_000, "mobile": 10_000}


def test_example_23_1_web_weighted_one_fortieth_balances_the_objective() -> None:
    chosen = plan_with_choices(WEB_MOBILE, "mobile",
                               choices=SourceChoices(weights={"web": 1 / 40}))
    assert chosen.plan.train == {"web": 197_561, "mobile": 4_939}
    assert chosen.weights == {"web": 0.025, "mobile": 1.0}
    assert {k: round(v * 100, 1) for k, v in chosen.objective_share.items()} == {
        "web": 50.0, "mobile": 50.0}
    assert "In the training objective 'mobile' counts for 50.0% (web 50.0%)." in chosen.advice
    assert not any("outnumber" in text for text in chosen.advice)  # already weighted


def test_example_23_2_unweighted_web_outnumbers_mobile_forty_to_one() -> None:
    chosen = plan_with_choices(WEB_MOBILE, "mobile")
    assert {k: round(v * 100, 1) for k, v in chosen.objective_share.items()} == {
        "web": 97.6, "mobile": 2.4}
    assert any("outnumber 'mobile' 40 to 1 in the training pool" in text
               and "β = 0.025" in text for text in chosen.advice)
    assert chosen.warnings == () and chosen.left_out == {}


def test_example_23_3_inconsistent_detroit_prices() -> None:
    sources = {"nyc": 5_000, "detroit": 20_000}
    kept = plan_with_choices(sources, "nyc",
                             choices=SourceChoices(inconsistent=frozenset({"detroit"})))
    assert len(kept.warnings) == 1 and "'detroit' is flagged as inconsistent with 'nyc'" in \
        kept.warnings[0] and "add an input feature" in kept.warnings[0]
    left = plan_with_choices(sources, "nyc", choices=SourceChoices(
        excluded=frozenset({"detroit"}), inconsistent=frozenset({"detroit"})))
    assert left.warnings == () and left.left_out == {"detroit": 20_000}
    assert (left.plan.dev, left.plan.test) == ({"nyc": 1_250}, {"nyc": 1_250})
    assert (left.plan.train_dev, left.plan.train) == ({"nyc": 1_250}, {"nyc": 1_250})
    assert "it is inconsistent with the target" in left.advice[0]


def test_example_23_4_historical_documents_left_out() -> None:
    sources = {**WEB_MOBILE, "documents": 50_000}
    chosen = plan_with_choices(sources, "mobile",
                               choices=SourceChoices(excluded=frozenset({"documents"})))
    assert chosen.plan == plan_split(WEB_MOBILE, "mobile")
    assert chosen.left_out == {"documents": 50_000}
    assert "historical documents" in chosen.advice[0]
    assert chosen.verdict.endswith("Left out: documents.")


@pytest.mark.parametrize(("choices", "words"), [
    (SourceChoices(excluded=frozenset({"mobile"})), "cannot be left out"),
    (SourceChoices(weights={"web": 0}), "leave the source out instead"),
    (SourceChoices(weights={"mobile": 0.5}), "has weight 1"),
    (SourceChoices(excluded=frozenset({"tablet"})), "'tablet' is not one of the sources"),
], ids=["target-left-out", "weight-zero", "target-weighted", "unknown-source"])
def test_example_23_5_refusals(choices: SourceChoices, words: str) -> None:
    with pytest.raises(InputError, match=words):
        plan_with_choices(WEB_MOBILE, "mobile", choices=choices)


def test_example_23_6_the_models_capacity_decides_whether_more_data_hurts() -> None:
    large = plan_with_choices(WEB_MOBILE, "mobile", choices=SourceChoices(capacity="large"))
    small = plan_with_choices(WEB_MOBILE, "mobile", choices=SourceChoices(capacity="small"))
    assert "unlikely to hurt and likely to help" in large.advice[0]
    assert "may do worse on 'mobile'" in small.advice[0] and "Weight them down" in \
        small.advice[0]
    assert "It hurts when the model is too small" in plan_with_choices(
        WEB_MOBILE, "mobile").advice[0]


# --- around the examples ---------------------------------------------------------------------


def test_more_than_one_warning_and_json_shape() -> None:
    chosen = plan_with_choices(WEB_MOBILE, "mobile", choices=SourceChoices(
        weights={"web": 2}, inconsistent=frozenset({"web"})))
    assert len(chosen.warnings) == 2 and "counts more than a 'mobile' example" in \
        chosen.warnings[1]
    data = chosen.as_dict()
    assert list(data)[:6] == ["train", "train_dev", "dev", "test", "shuffle_target_share",
                              "beta"]
    assert {"left_out", "weights", "objective_share", "warnings", "advice"} <= set(data)


def test_saved_plans_keep_their_choices_and_old_plans_read_as_before() -> None:
    plan = PlanInputs((("web", 200_000), ("mobile", 10_000), ("docs", 50_000)), "mobile",
                      excluded=("docs",), inconsistent=("docs",), weights=(("web", 0.025),),
                      capacity="small")
    assert plan_inputs(plan.as_setting()) == plan
    assert plan.choices().excluded == frozenset({"docs"})
    assert EXAMPLE_PLAN.as_setting() == {
        "sources": [{"source": "web", "count": 200_000},
                    {"source": "mobile", "count": 10_000}],
        "target": "mobile", "dev": None, "test": None}
    assert plan_inputs(EXAMPLE_PLAN.as_setting()) == EXAMPLE_PLAN


def test_the_planner_table_rows_name_the_bad_cell() -> None:
    rows = [{"source": "web", "use": True, "weight": 0.5, "inconsistent": False},
            {"source": "docs", "use": False, "weight": None, "inconsistent": "yes"},
            {"source": "mobile", "use": None, "weight": float("nan"), "inconsistent": None}]
    choices = choices_from_rows(rows, "mobile", "large")
    assert choices == SourceChoices(frozenset({"docs"}), frozenset({"docs"}), {"web": 0.5},
                                    "large")
    with pytest.raises(InputError) as refused:
        choices_from_rows([{"source": "web", "weight": -1}], "mobile")
    assert (refused.value.row, refused.value.column) == (1, "weight")
    with pytest.raises(InputError) as refused:
        choices_from_rows([{"source": "web", "use": "maybe"}], "mobile")
    assert (refused.value.row, refused.value.column) == (1, "use")
    with pytest.raises(InputError, match="capacity"):
        choices_from_rows([], "mobile", "huge")


def test_the_report_uses_the_saved_choices(demo_store: Store) -> None:
    from strategy_core.report.model import Table
    from strategy_core.usecases.report import build_report

    project = demo_store.projects.by_slug("cat-classifier-demo")
    plan = PlanInputs((("web", 200_000), ("mobile", 10_000), ("docs", 50_000)), "mobile",
                      excluded=("docs",))
    sizing_cases.save_plan(demo_store, project.id, plan)
    assert sizing_cases.saved_plan(demo_store, project.id).inputs == plan
    report = build_report(demo_store, demo_store.projects.get(project.id))
    table = next(b for b in report.section("sizing").blocks
                 if isinstance(b, Table) and b.columns[0] == "Source")
    assert [row[0] for row in table.rows] == ["web", "mobile"]
