"""`ceiling --project P --sample S` names the two dev errors the Error analysis page shows
(issue 17, one number per quantity; docs/rules.md §4): the run's imported 5.2% against the
uploaded predictions' 10.3%, whether the difference is noise, and which one the review uses
and why, from the use case's result the page shows."""

from __future__ import annotations

import pytest

from strategy_core.store import Store
from strategy_core.usecases import error_analysis as ea
from tests.cli.test_runs_cli import cli, cli_json
from tests.core.test_rules_examples_focus import two_sources_project

ARGS = ("ceiling", "--project", "two-sources", "--sample", "review")


def test_ceiling_names_both_dev_errors_as_the_page_does(store: Store, capsys) -> None:
    project_id = two_sources_project(store)
    (sample,) = ea.samples(store, project_id)
    sources = ea.analyze_sample(store, sample.id).sources
    assert sources is not None
    data = cli_json(capsys, *ARGS)
    assert data["dev_error"] == pytest.approx(0.103)
    got = data["dev_error_sources"]
    assert got == {"imported": pytest.approx(0.052), "predictions": pytest.approx(0.103),
                   "used": pytest.approx(0.103), "source": "predictions",
                   "difference": pytest.approx(0.051), "noise": False,
                   "why": sources.reasons[-1], "reasons": list(sources.reasons)}
    assert got["why"].startswith("This review uses 10.3%, from the uploaded predictions")
    code, out, _ = cli(capsys, *ARGS)
    assert code == 0
    # The page's warning, word for word (tests/app/test_one_answer.py).
    assert "Two dev errors: " + " ".join(sources.reasons) in out
    assert "recorded with the run: 5.2% on 2,500 dev examples" in out
    assert ("(two-proportion Newcombe interval, n = 10,000 and n = 2,500); beyond noise"
            in out)


def test_typed_counts_have_no_sources(capsys) -> None:
    data = cli_json(capsys, "ceiling", "--dev-error", "10%", "--reviewed", "100",
                    "--count", "Blurry=40")
    assert "dev_error_sources" not in data
