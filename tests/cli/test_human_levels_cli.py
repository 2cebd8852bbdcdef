"""`human-levels` (issue 17, command-line parity): the Runs page's Human level tab on the
command line. Both read and save through `usecases.runs.human_levels` and
`save_human_levels`; levels are typed in the project metric's units (`parse_level`, as
`diagnose` does), and a refusal exits 2 with one `error:` line and writes nothing."""

from __future__ import annotations

import subprocess
import sys

import pytest

from strategy_core.markdown import escape
from strategy_core.project_metric import PRESETS, with_changes
from strategy_core.store import Store
from strategy_core.usecases import project_metric as metric_cases
from strategy_core.usecases import runs as run_cases
from tests.app.conftest import DEMO_SLUG, assert_no_exception, open_page, project_id
from tests.cli.parity import fresh_json, navigation_only  # noqa: F401 - autouse
from tests.cli.test_runs_cli import assert_refused, cli, cli_json, json_error
from tests.conftest import REPO
from tests.store.test_store import dump

YEARS = with_changes(PRESETS["mae"], unit="years", precision=2)


def levels_of(result: dict) -> dict[str, float]:
    return {level["label"]: level["error"] for level in result["levels"]}


def test_the_demo_levels_and_the_best_as_proxy(demo_store: Store, capsys):
    result = cli_json(capsys, "human-levels", "--project", DEMO_SLUG)
    assert list(result) == ["project", "metric", "unit", "direction", "kind", "shown_as_error",
                            "levels", "chosen", "proxy", "saved"]
    assert levels_of(result) == {"typical person": 0.03, "expert": 0.01,
                                 "team of experts": 0.005}
    assert (result["chosen"], result["saved"]) == (None, False)
    assert result["proxy"] == {"label": "team of experts", "error": 0.005}
    code, out, err = cli(capsys, "human-levels", "--project", DEMO_SLUG)
    assert (code, err) == (0, "")
    assert "Proxy in use: team of experts at 0.50% (the best level)." in out


def test_set_remove_and_choose_the_proxy(demo_store: Store, capsys):
    result = cli_json(capsys, "human-levels", "--project", DEMO_SLUG, "--set", "expert=0.8%",
                      "--set", "radiologist panel=0.004", "--remove", "Typical person",
                      "--proxy", "EXPERT")
    assert levels_of(result) == {"expert": 0.008, "team of experts": 0.005,
                                 "radiologist panel": 0.004}
    assert result["chosen"] == "expert" and result["saved"] is True
    assert result["proxy"] == {"label": "expert", "error": 0.008}
    stored = run_cases.human_levels(demo_store, project_id(demo_store, DEMO_SLUG))
    assert (stored.proxy.label, stored.proxy_error) == ("expert", 0.008)
    # removing the chosen level falls back to the best, as the page's proxy box does
    result = cli_json(capsys, "human-levels", "--project", DEMO_SLUG, "--remove", "expert")
    assert result["chosen"] is None and result["proxy"]["label"] == "radiologist panel"
    result = cli_json(capsys, "human-levels", "--project", DEMO_SLUG, "--proxy",
                      "team of experts")
    assert result["chosen"] == "team of experts"
    assert cli_json(capsys, "human-levels", "--project", DEMO_SLUG, "--proxy",
                    "best")["chosen"] is None


def test_levels_in_the_project_metric_s_units(store: Store, capsys):
    project = store.projects.create("Ages")
    metric_cases.save_project_metric(store, project.id, YEARS, expected=0)
    result = cli_json(capsys, "human-levels", "--project", "Ages", "--set", "radiologist=2.1",
                      "--set", "student=3.4")
    assert (result["metric"], result["unit"]) == ("MAE", "years")
    assert levels_of(result) == {"radiologist": 2.1, "student": 3.4}
    assert result["proxy"]["label"] == "radiologist"
    code, out, _ = cli(capsys, "human-levels", "--project", "Ages")
    assert code == 0 and "Proxy in use: radiologist at 2.100 years" in out
    before = dump(store)
    assert_refused(*cli(capsys, "human-levels", "--project", "Ages", "--set", "student=-1",
                        "--json"))
    assert dump(store) == before


def test_the_page_shows_what_the_command_saved_and_the_reverse(demo_store: Store, capsys):
    result = fresh_json(capsys, "human-levels", "--project", DEMO_SLUG, "--set", "expert=0.8%",
                      "--proxy", "expert")
    at = open_page("runs", DEMO_SLUG, "Runs")
    shown = at.dataframe(key="runs_human_levels").value
    assert dict(zip(shown["label"], shown["error"].round(6), strict=True)) == {
        label: round(error * 100, 6) for label, error in levels_of(result).items()}
    assert any(c.value == f"Proxy in use: **{escape(result['proxy']['label'])}** at 0.80%."
               for c in at.caption)
    assert at.selectbox(key="runs_human_proxy").value == result["chosen"]

    at.selectbox(key="runs_human_proxy").set_value("team of experts").run()
    at.button(key="runs_human_save").click().run()
    assert_no_exception(at)
    after = fresh_json(capsys, "human-levels", "--project", DEMO_SLUG)
    assert after["chosen"] == "team of experts"
    assert after["proxy"] == {"label": "team of experts", "error": 0.005}
    assert any(c.value == "Proxy in use: **team of experts** at 0.50%." for c in at.caption)


@pytest.mark.parametrize(
    ("args", "words"),
    [(["--set", "expert=8"], "ambiguous"),
     (["--set", "expert=150%"], "between 0% and 100%"),
     (["--set", "expert"], "NAME=VALUE"),
     (["--set", "expert=1%", "--set", "expert=2%"], "given twice"),
     (["--remove", "nobody"], "no human level named 'nobody'"),
     (["--proxy", "nobody"], "no human level named 'nobody'"),
     (["--set", "Expert=1%", "--remove", "expert"], "both --set and --remove"),
     (["--set", "=1%"], "NAME=VALUE")],
    ids=["bare_number", "above_100", "no_value", "twice", "remove_unknown", "proxy_unknown",
         "set_and_remove", "no_label"])
def test_bad_input_exits_2_and_writes_nothing(demo_store: Store, capsys, args, words):
    before = dump(demo_store)
    code, out, err = cli(capsys, "human-levels", "--project", DEMO_SLUG, *args, "--json")
    assert_refused(code, out, err, words=words)
    assert dump(demo_store) == before


def test_unknown_project_in_a_real_process(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "strategy_core", "--db", str(tmp_path / "x.duckdb"),
         "human-levels", "--project", "nope", "--set", "expert=1%", "--json"],
        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "nope" in json_error(done)
    assert done.stderr.startswith("error: ") and len(done.stderr.splitlines()) == 1
