"""Effort and priority in the ceilings on the command line (issue 17, command-line parity):
`ceiling … --effort NAME=N` gives each category's priority (ceiling per unit of effort,
docs/rules.md §4) and the priority order; with `--project` it records the efforts as the Error
analysis page's effort editor does (`usecases.error_analysis.set_efforts`), and both read
the summary from `usecases.error_analysis.analyze_sample`."""

from __future__ import annotations

import pandas as pd
import pytest

from strategy_core.store import Store
from strategy_core.usecases import error_analysis as usecase
from strategy_core.usecases.demo import REVIEW_EFFORTS, REVIEW_NAME
from tests.app.conftest import DEMO_SLUG, assert_no_exception, open_page, project_id
from tests.cli.parity import fresh_json, navigation_only  # noqa: F401 - autouse
from tests.cli.test_runs_cli import assert_refused, cli, cli_json
from tests.store.test_store import dump

COUNTS = ["--dev-error", "10%", "--reviewed", "100", "--count", "Dog=8", "--count",
          "Great cat=43", "--count", "Blurry=61", "--count", "Incorrectly labeled=6"]


def stored(*args: str) -> list[str]:
    return ["ceiling", "--project", DEMO_SLUG, "--sample", REVIEW_NAME, *args]


def test_priority_of_typed_counts(capsys):
    """The cat review (docs/rules.md §4): Blurry removes at most 6.1 points for 4 weeks, Dog 0.8
    for 1, so Blurry comes first; a category without an effort has no priority."""
    result = cli_json(capsys, "ceiling", *COUNTS, "--effort", "Blurry=4", "--effort", "Dog=1")
    assert list(result) == ["dev_error", "reviewed", "adequacy", "categories",
                            "priority_order"]
    by_name = {c["name"]: c for c in result["categories"]}
    assert (by_name["Blurry"]["effort"], by_name["Blurry"]["priority"]) == (
        4.0, pytest.approx(0.061 / 4))
    assert by_name["Dog"]["priority"] == pytest.approx(0.008)
    assert (by_name["Great cat"]["effort"], by_name["Great cat"]["priority"]) == (None, None)
    assert result["priority_order"] == ["Blurry", "Dog"]
    code, out, _ = cli(capsys, "ceiling", *COUNTS, "--effort", "Blurry=4")
    assert code == 0 and "effort 4  priority 1.525 pts" in out
    assert "Priority (ceiling per unit of effort): Blurry" in out


def test_the_demo_efforts_and_recording_new_ones(demo_store: Store, capsys):
    result = cli_json(capsys, *stored())
    assert {c["name"]: c["effort"] for c in result["categories"]} == REVIEW_EFFORTS
    for category in result["categories"]:
        assert category["priority"] == pytest.approx(category["ceiling"] /
                                                     category["effort"])
    assert result["priority_order"][0] == "Instagram filter"  # 0.49 pts for 1 week
    result = cli_json(capsys, *stored("--effort", "blurry=1", "--effort", "Dog="))
    by_name = {c["name"]: c for c in result["categories"]}
    assert (by_name["Blurry"]["effort"], by_name["Dog"]["effort"]) == (1.0, None)
    assert result["priority_order"][0] == "Blurry" and "Dog" not in result["priority_order"]
    efforts = {c.name: c.effort for c in usecase.categories(
        demo_store, project_id(demo_store, DEMO_SLUG))}
    assert (efforts["Blurry"], efforts["Dog"]) == (1.0, None)


def summary_table(at) -> pd.DataFrame:  # noqa: ANN001 - an AppTest
    return next(pd.DataFrame(d.value) for d in at.dataframe
                if {"category", "effort", "priority"} <= set(pd.DataFrame(d.value).columns)
                and "share_low" in pd.DataFrame(d.value).columns)


def test_priorities_are_the_page_s(demo_store: Store, capsys):
    fresh_json(capsys, *stored("--effort", "Blurry=2"))
    at = open_page("error_analysis", DEMO_SLUG, "Error analysis")
    result = fresh_json(capsys, *stored())
    shown = summary_table(at)
    assert shown["category"].tolist() == [c["name"] for c in result["categories"]]
    assert shown["effort"].tolist() == [c["effort"] for c in result["categories"]]
    assert (shown["priority"] / 100).tolist() == pytest.approx(
        [c["priority"] for c in result["categories"]])

    # the page's effort editor saves; the command reads what it saved
    names = [c.name for c in usecase.categories(demo_store, project_id(demo_store, DEMO_SLUG))]
    at.session_state["ea_efforts"] = {"edited_rows": {names.index("Great cat"): {"effort": 0.5}},
                                      "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="ea_efforts_save").click().run()
    assert_no_exception(at)
    result = fresh_json(capsys, *stored())
    great = next(c for c in result["categories"] if c["name"] == "Great cat")
    assert great["effort"] == 0.5 and result["priority_order"][0] == "Great cat"
    shown = summary_table(at)
    assert (shown["priority"] / 100).tolist() == pytest.approx(
        [c["priority"] for c in result["categories"]])


@pytest.mark.parametrize(
    ("args", "words"),
    [(stored("--effort", "Dog=0"), "positive"),
     (stored("--effort", "Dog=-1"), "positive"),
     (stored("--effort", "Dog=inf"), "positive"),
     (stored("--effort", "Dog=soon"), "must be a number"),
     (stored("--effort", "Cats=2"), "no category named 'Cats'"),
     (stored("--effort", "Dog=1", "--effort", "Dog=2"), "given twice"),
     (stored("--effort", "Dog"), "NAME=VALUE"),
     (["ceiling", "--project", DEMO_SLUG, "--sample", "nope", "--effort", "Dog=1"], "nope"),
     (["ceiling", *COUNTS, "--effort", "Sky=1"], "which was not tagged")],
    ids=["zero", "negative", "infinite", "word", "unknown_category", "twice", "no_value",
         "unknown_sample", "untagged_in_counts"])
def test_bad_efforts_exit_2_and_write_nothing(demo_store: Store, capsys, args, words):
    before = dump(demo_store)
    assert_refused(*cli(capsys, *args, "--json"), words=words)
    assert dump(demo_store) == before


def test_a_refused_summary_records_no_effort(demo_store: Store, capsys):
    """Efforts are saved only once the summary can be given: a sample with nothing reviewed
    is refused and the efforts stay as they were."""
    pid = project_id(demo_store, DEMO_SLUG)
    run = next(r for r in demo_store.runs.list(pid) if r.name == "efficientnet-b3-mobile")
    usecase.draw_sample(demo_store, pid, run.key, name="fresh", size=10, seed=1)
    before = dump(demo_store)
    assert_refused(*cli(capsys, "ceiling", "--project", DEMO_SLUG, "--sample", "fresh",
                        "--effort", "Dog=9", "--json"), words="reviewed")
    assert dump(demo_store) == before
