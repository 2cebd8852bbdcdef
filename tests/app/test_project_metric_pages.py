"""The project metric through AppTest (docs/rules.md §16): importing a loss export sets the
metric after the user confirms it, the metric editor saves and logs a change or refuses
one that leaves a value out of range, and the Diagnosis, Overview, Checklist and Runs pages
speak the metric's units; the page's focus verdict is the command line's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from strategy_core.cli import main as cli_main
from strategy_core.diagnosis import focus_verdict
from strategy_core.markdown import escape
from strategy_core.project_metric import PRESETS, with_changes
from strategy_core.runs import Run
from strategy_core.store import Store, open_store
from strategy_core.usecases import project_metric as metric_cases
from strategy_core.usecases import runs as run_cases
from tests.app.conftest import assert_no_exception, boxes, open_page, project_id
from tests.app.test_runs_page import flashes, runs_table, upload

LOSS_EXPORT = (b"Name,State,Created,train/loss,val/loss,test/loss,val/mse\n"
               b"sunny-1,finished,2026-11-01T10:00:00,0.412,0.655,0.702,0.31\n"
               b"misty-2,finished,2026-11-03T10:00:00,0.301,0.588,0.61,0.27\n")
YEARS = with_changes(PRESETS["mae"], unit="years", precision=2)


@pytest.fixture
def store(isolated_db: Path) -> Iterator[Store]:
    opened = open_store(str(isolated_db))
    opened.projects.create("Losses")
    opened.projects.create("Ages")
    yield opened
    opened.database.close()


def test_a_loss_export_is_imported_in_the_loss_after_confirming_it(store: Store) -> None:
    at = upload(open_page("runs", "losses", "Runs"), "wandb_loss.csv", LOSS_EXPORT)
    assert at.selectbox(key="runs_metric_0").value == "loss"
    assert "The split columns hold **Loss** values" in boxes(at)
    at.button(key="runs_import").click().run()
    assert_no_exception(at)
    assert flashes(at) == [f"Imported {escape('wandb_loss.csv')}: 2 added, 0 updated, "
                           "0 unchanged."]
    pid = project_id(store, "losses")
    assert metric_cases.project_metric(store, pid) == PRESETS["loss"]
    assert sorted(runs_table(at)["dev_error"].round(3)) == [0.588, 0.655]  # not ×100
    assert [c.what for c in store.metric_log.list(pid)][0].startswith("project metric: Loss")


def test_an_export_whose_level_is_out_of_range_is_refused_whole(store: Store) -> None:
    pid = project_id(store, "losses")
    metric_cases.save_project_metric(store, pid, PRESETS["dice"], expected=0)
    bad = b"name,train_dice,val_dice\na,0.91,0.85\nb,0.93,1.4\n"
    at = upload(open_page("runs", "losses", "Runs"), "dice.csv", bad)
    assert escape("row 3, column 'val_dice': Dev error 1.400 is outside the range of Dice") \
        in boxes(at)
    assert "cannot be imported; nothing was written" in boxes(at)
    assert not [b for b in at.button if b.key == "runs_import"]
    assert run_cases.runs(store, pid) == []


def test_the_metric_editor_saves_and_logs_and_refuses_out_of_range(store: Store) -> None:
    pid = project_id(store, "ages")
    run_cases.add_run(store, pid, Run(name="r", train_error=0.05, dev_error=0.10))
    at = open_page("runs", "ages", "Runs")
    assert any("**Project metric:** Error rate" in m.value for m in at.markdown)
    at.selectbox(key="project_metric_preset").set_value("mae").run()
    at.text_input(key="project_metric_unit_mae").set_value("years")
    at.text_input(key="project_metric_reason").set_value("We predict age in years.")
    at.button(key="FormSubmitter:project_metric_form-Save metric").click().run()
    assert_no_exception(at)
    saved = metric_cases.project_metric(store, pid)
    assert (saved.name, saved.unit, saved.key) == ("MAE", "years", "custom")
    (change,) = store.metric_log.list(pid)
    assert change.reason == "We predict age in years."

    run_cases.edit_run(store, pid, run_cases.runs(store, pid)[0].key, {"train_error": 3.5},
                       expected_version=None)
    at = open_page("runs", "ages", "Runs")
    at.selectbox(key="project_metric_preset").set_value("accuracy").run()
    at.button(key="FormSubmitter:project_metric_form-Save metric").click().run()
    assert_no_exception(at)
    assert any("Not saved" in e.value and "outside the range of Accuracy" in e.value
               for e in at.error)
    assert metric_cases.project_metric(store, pid).unit == "years"


def test_pages_speak_the_metric_and_agree_with_the_command_line(
        store: Store, isolated_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pid = project_id(store, "ages")
    metric_cases.save_project_metric(store, pid, YEARS, expected=0)
    run_cases.add_run(store, pid, Run(name="r1", train_error=2.6, dev_error=3.4))
    run_cases.save_human_levels(store, pid, [("radiologist", 2.1)])

    at = open_page("diagnosis", "ages", "Human-level & bias/variance")
    cards = {m.label: m.value for m in at.metric}
    assert cards["Avoidable bias"] == "0.50 years"
    assert cards["Variance · focus"] == "0.80 years"
    verdict = next(m.value for m in at.markdown if m.value.startswith("Work on"))
    assert "no interval" in " ".join(c.value for c in at.caption)

    code = cli_main(["--db", str(isolated_db), "diagnose", "--project", "ages", "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 0 and payload["unit"] == "years" and payload["focus"] == "variance"
    assert verdict.startswith(escape("Work on variance for run r1: at 0.80 years "
                                     "(dev − training)"))

    overview = open_page("overview", "ages")
    text = " ".join(m.value for m in overview.markdown) + " ".join(
        c.value for c in overview.caption)
    assert "3.40 years" in text and "0.80 years, the largest gap" in text

    checklist = open_page("checklist", "ages", None)
    assert checklist.number_input(key="checklist_tolerance").label == "Tolerance (years)"
    assert any("0.80 years" in m.value for m in checklist.markdown)


@pytest.mark.parametrize(("metric", "levels", "gap_text"), [
    (YEARS, (2.1, 2.6, 3.4), "0.80 years"),                     # an unbounded quantity
    (PRESETS["dice"], (0.95, 0.91, 0.80), "0.110"),             # a bounded score, higher
    (PRESETS["accuracy"], (0.99, 0.95, 0.93), "4.0 pts"),        # a rate, higher is better
])
def test_the_report_and_the_command_line_give_the_page_s_answer(
        store: Store, isolated_db: Path, capsys: pytest.CaptureFixture[str], metric,
        levels, gap_text) -> None:
    from strategy_core.report.markdown import to_markdown
    from strategy_core.usecases.diagnosis import diagnose_run
    from strategy_core.usecases.report import build_report

    pid = project_id(store, "ages")
    metric_cases.save_project_metric(store, pid, metric, expected=0)
    human, train, dev = levels
    run_cases.add_run(store, pid, Run(name="r1", train_error=train, dev_error=dev))
    run_cases.save_human_levels(store, pid, [("expert", human)])
    project = store.projects.resolve("ages")
    result = diagnose_run(store, project).decomposition
    verdict = escape(focus_verdict(result, "r1"))
    assert escape(gap_text) in verdict

    page = open_page("diagnosis", "ages", "Human-level & bias/variance")
    assert any(m.value == verdict for m in page.markdown)
    report = to_markdown(build_report(store, project))
    assert f"**{verdict}**" in report and escape(metric.describe()) in report
    assert cli_main(["--db", str(isolated_db), "diagnose", "--project", "ages",
                     "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert (payload["focus"], payload["metric"]) == (result.focus, metric.name)
