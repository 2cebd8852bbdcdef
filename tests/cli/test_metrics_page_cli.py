"""The Metrics page's other decisions on the command line (issue 17, command-line parity):
`weighted-error` (`usecases.metrics.weighted_comparison`), `slice-average`
(`usecases.metrics.run_slices`, or the typed table's `compare_slice_averages`) and
`change-log` (`usecases.metrics.changes`, `add_change`, `delete_change`). Each checks the
figures, the page's answer against the command's, and bad input: exit 2, one `error:` line,
the JSON error object, nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from strategy_core.markdown import escape
from strategy_core.runs import Run
from strategy_core.store import Store
from tests.app.conftest import DEMO_SLUG, assert_no_exception, open_page
from tests.app.test_metrics_page import PREDICTIONS, submit, table
from tests.cli.parity import fresh_json, navigation_only  # noqa: F401 - autouse
from tests.cli.test_runs_cli import assert_refused, cli, cli_json, json_error
from tests.conftest import REPO
from tests.store.test_store import dump
from ui.metrics_single import SLICE_EXAMPLE

SLUG = "weights"
# The page's typed slice table as it opens (docs/rules.md §3), as `--value` arguments.
TYPED = [f"--value={row['classifier']}:{row['slice']}={row['value']}%" for row in SLICE_EXAMPLE]


@pytest.fixture
def weights(store: Store) -> Store:
    """Runs A and B with the per-example predictions of the Metrics page's tests: A misses
    the one web example (weight 10), B two mobile ones (docs/rules.md §3)."""
    project = store.projects.create("Weights")
    store.runs.import_runs(project.id, [Run(name="A", dev_error=0.25),
                                        Run(name="B", dev_error=0.5)],
                           source="x.csv", fmt="generic")
    for run in store.runs.list(project.id):
        store.predictions.import_bytes(project.id, run.key, PREDICTIONS[run.name].encode(),
                                       source=f"{run.name}.csv")
    return store


def successes(at) -> list[str]:  # noqa: ANN001 - an AppTest
    return [s.value for s in at.success]


# --- weighted-error ---------------------------------------------------------------------


def test_weighted_error_from_the_weight_column(weights: Store, capsys):
    result = cli_json(capsys, "weighted-error", "--project", SLUG)
    assert list(result) == ["project", "split", "weighting", "best_weighted",
                            "best_unweighted", "runs", "reasons"]
    assert (result["best_weighted"], result["best_unweighted"]) == ("B", "A")
    assert [(r["name"], r["n"]) for r in result["runs"]] == [("A", 4), ("B", 4)]
    assert [r["unweighted_error"] for r in result["runs"]] == pytest.approx([0.25, 0.5])
    assert [r["weighted_error"] for r in result["runs"]] == pytest.approx([10 / 13, 2 / 13])
    assert result["reasons"][0].startswith("B has the lowest weighted error, 15.4%")


def test_weighted_error_by_source_and_an_empty_split(weights: Store, capsys):
    result = cli_json(capsys, "weighted-error", "--project", SLUG, "--by", "source",
                      "--weights", "web=4", "--default", "1")
    assert [r["weighted_error"] for r in result["runs"]] == pytest.approx([4 / 7, 2 / 7])
    assert result["weighting"] == "source: web ×4, other values ×1"
    empty = cli_json(capsys, "weighted-error", "--project", SLUG, "--split", "test")
    assert (empty["runs"], empty["best_weighted"]) == ([], None)
    assert empty["reasons"] == ["No predictions on the test split."]


def test_weighted_error_is_the_page_s(weights: Store, capsys):
    at = open_page("metrics", SLUG, "Metrics")
    result = fresh_json(capsys, "weighted-error", "--project", SLUG)
    shown = table(at, "weighted")
    assert shown["run"].tolist() == [r["name"] for r in result["runs"]]
    assert (shown["weighted"] / 100).tolist() == pytest.approx(
        [r["weighted_error"] for r in result["runs"]])
    assert escape(result["reasons"][0]) in successes(at)

    at.radio(key="metrics_weighted_how").set_value("attribute").run()
    at.selectbox(key="metrics_weighted_by").set_value("source")
    at.text_input(key="metrics_weighted_map").input("web=4, mobile=2").run()
    assert_no_exception(at)
    result = fresh_json(capsys, "weighted-error", "--project", SLUG, "--by", "source",
                      "--weights", "web=4, mobile=2")
    assert (table(at, "weighted")["weighted"] / 100).tolist() == pytest.approx(
        [r["weighted_error"] for r in result["runs"]])
    assert any(escape(result["reasons"][0]) == s for s in successes(at))


@pytest.mark.parametrize(
    ("args", "words"),
    [(["--weights", "web=4"], "go with --by"),
     (["--default", "2"], "go with --by"),
     (["--by", "source", "--weights", "web=-1"], "negative"),
     (["--by", "source", "--weights", "web"], "value=weight"),
     (["--by", "source", "--default", "-1"], "at least 0"),
     (["--by", "source", "--default", "x"], "must be a number"),
     (["--by", "colour"], "invalid choice"),
     (["--split", "train"], "invalid choice")],
    ids=["weights_without_by", "default_without_by", "negative_weight", "no_equals",
         "negative_default", "default_not_a_number", "unknown_attribute", "unknown_split"])
def test_bad_weighted_error_input_exits_2(weights: Store, capsys, args, words):
    before = dump(weights)
    assert_refused(*cli(capsys, "weighted-error", "--project", SLUG, *args, "--json"),
                   words=words)
    assert dump(weights) == before


# --- slice-average ----------------------------------------------------------------------


def test_slice_average_of_the_demo_runs(demo_store: Store, capsys):
    result = cli_json(capsys, "slice-average", "--project", DEMO_SLUG)
    assert list(result) == ["project", "family", "higher_is_better", "winner", "slices",
                            "classifiers", "incomplete", "reasons"]
    assert (result["family"], result["winner"]) == ("region_{slice}_error",
                                                    "efficientnet-b3-mobile")
    best = next(c for c in result["classifiers"] if c["name"] == result["winner"])
    assert best["average"] == pytest.approx((0.027 + 0.028 + 0.032) / 3)
    assert best["worst"] == "asia"
    assert cli_json(capsys, "slice-average", "--project", DEMO_SLUG, "--family",
                    "region_{slice}_error") == result


def test_slice_average_of_typed_values(capsys):
    result = cli_json(capsys, "slice-average", *TYPED)
    assert (result["winner"], result["family"]) == ("B", None)
    assert [c["average"] for c in result["classifiers"]] == pytest.approx([0.04, 11.5 / 300])
    assert result["reasons"][0].startswith("B wins with the lowest average over 3 slices "
                                           "(3.8%)")
    assert cli_json(capsys, "slice-average", *TYPED, "--higher-is-better")["winner"] == "A"


def test_slice_average_is_the_page_s(demo_store: Store, capsys):
    at = open_page("metrics", DEMO_SLUG, "Metrics")
    result = fresh_json(capsys, "slice-average", "--project", DEMO_SLUG)
    shown = table(at, "slices")
    averages = {c["name"]: c["average"] * 100 for c in result["classifiers"]}
    assert shown["classifier"].iloc[0] == result["winner"]
    assert dict(zip(shown["classifier"], shown["average"], strict=True)) == pytest.approx(
        averages)
    assert escape(result["reasons"][0]) in successes(at)

    at.radio(key="metrics_slices_source").set_value("table").run()
    typed = fresh_json(capsys, "slice-average", *TYPED)
    assert table(at, "slices")["classifier"].iloc[0] == typed["winner"]
    assert escape(typed["reasons"][0]) in successes(at)
    at.toggle(key="metrics_slices_higher").set_value(True).run()
    higher = fresh_json(capsys, "slice-average", "--higher-is-better", *TYPED)
    assert table(at, "slices")["classifier"].iloc[0] == higher["winner"] == "A"


@pytest.mark.parametrize(
    ("args", "words"),
    [([], "give --project"),
     (["--project", DEMO_SLUG, "--value", "A:US=3%"], "give --project"),
     (["--value", "A=3%"], "NAME:SLICE=R"),
     (["--value", "A:US=8"], "ambiguous"),
     (["--value", "A:US=3%", "--family", "x"], "--family goes with --project"),
     (["--project", DEMO_SLUG, "--family", "nope"], "region_{slice}_error"),
     (["--project", DEMO_SLUG, "--higher-is-better"], "goes with --value"),
     (["--project", "Empty"], "no run metrics"),
     (["--project", "nope"], "nope")],
    ids=["nothing", "both", "no_slice", "bare_number", "family_without_project",
         "unknown_family", "direction_with_project", "no_slice_metrics", "unknown_project"])
def test_bad_slice_average_input_exits_2(demo_store: Store, capsys, args, words):
    demo_store.projects.create("Empty")
    before = dump(demo_store)
    assert_refused(*cli(capsys, "slice-average", *args, "--json"), words=words)
    assert dump(demo_store) == before


# --- change-log -------------------------------------------------------------------------


def test_change_log_list_add_filter_and_remove(demo_store: Store, capsys):
    result = cli_json(capsys, "change-log", "--project", DEMO_SLUG)
    assert list(result) == ["project", "changes"]
    (entry,) = result["changes"]
    assert (entry["kind"], entry["what"], entry["author"], entry["changed_on"]) == (
        "dev_set", "Dev and test sets are mobile photos only", "Ana", "2026-09-20")
    added = cli_json(capsys, "change-log", "--project", DEMO_SLUG, "--add", "--kind",
                     "metric", "--what", "F1 instead of error", "--why", "class imbalance",
                     "--who", "Wei", "--when", "2026-10-01")
    assert added["added"]["what"] == "F1 instead of error"
    assert [c["id"] for c in added["changes"]] == [added["added"]["id"], entry["id"]]
    only = cli_json(capsys, "change-log", "--project", DEMO_SLUG, "--kind", "dev_set")
    assert [c["id"] for c in only["changes"]] == [entry["id"]]
    removed = cli_json(capsys, "change-log", "--project", DEMO_SLUG, "--remove",
                       str(added["added"]["id"]))
    assert removed["removed"] == added["added"]["id"]
    assert [c["id"] for c in removed["changes"]] == [entry["id"]]
    code, out, _ = cli(capsys, "change-log", "--project", DEMO_SLUG)
    assert code == 0 and out.startswith("2026-09-20")


def test_change_log_is_the_page_s(demo_store: Store, capsys):
    fresh_json(capsys, "change-log", "--project", DEMO_SLUG, "--add", "--kind", "metric",
             "--what", "F1 instead of error", "--why", "class imbalance", "--who", "Wei",
             "--when", "2026-10-01")
    at = open_page("metrics", DEMO_SLUG, "Metrics")
    listed = fresh_json(capsys, "change-log", "--project", DEMO_SLUG)["changes"]
    shown = table(at, "log")
    assert shown["what"].tolist() == [c["what"] for c in listed]
    assert shown["why"].tolist() == [c["reason"] for c in listed]
    assert shown["who"].tolist() == [c["author"] for c in listed]
    assert [pd.Timestamp(d).date().isoformat() for d in shown["when"]] == [
        c["changed_on"] for c in listed]

    at.radio(key="metrics_log_kind").set_value("dev_set")
    at.text_input(key="metrics_log_what").input("test set of tablet photos")
    at.text_area(key="metrics_log_why").input("the app now runs on tablets")
    at.text_input(key="metrics_log_who").input("Ana")
    at = submit(at, "metrics_log_add")
    assert_no_exception(at)
    after = fresh_json(capsys, "change-log", "--project", DEMO_SLUG, "--kind", "dev_set")
    assert "test set of tablet photos" in [c["what"] for c in after["changes"]]
    assert table(at, "log")["what"].tolist() == [
        c["what"] for c in fresh_json(capsys, "change-log", "--project", DEMO_SLUG)["changes"]]


@pytest.mark.parametrize(
    ("args", "words"),
    [(["--add", "--what", "x", "--why", "y"], "needs --kind"),
     (["--add", "--kind", "metric", "--what", "x"], "say why"),
     (["--add", "--kind", "metric", "--why", "y"], "say what changed"),
     (["--add", "--kind", "metric", "--what", "x", "--why", "y", "--when", "2026-13-01"],
      "must look like"),
     (["--what", "x"], "go with --add"),
     (["--remove", "999"], "no change log entry 999"),
     (["--remove", "one"], "--remove"),
     (["--add", "--kind", "metric", "--what", "x", "--why", "y", "--remove", "1"],
      "not both"),
     (["--kind", "model"], "invalid choice")],
    ids=["add_without_kind", "no_reason", "no_what", "bad_date", "what_without_add",
         "remove_unknown", "remove_not_a_number", "add_and_remove", "unknown_kind"])
def test_bad_change_log_input_exits_2(demo_store: Store, capsys, args, words):
    before = dump(demo_store)
    assert_refused(*cli(capsys, "change-log", "--project", DEMO_SLUG, *args, "--json"),
                   words=words)
    assert dump(demo_store) == before


def test_a_refused_change_in_a_real_process(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "strategy_core", "--db", str(tmp_path / "x.duckdb"),
         "change-log", "--project", "nope", "--add", "--kind", "metric", "--what", "x",
         "--json"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "say why" in json_error(done)
