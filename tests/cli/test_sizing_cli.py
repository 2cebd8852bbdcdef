"""The sizing commands (docs/rules.md §6 and §6): `size ci|detect|eyeball|split`,
`plan-split`, `compare-dist`. JSON fields exactly as the issue states, exit codes 0/2, one
`error:` line on stderr, and nothing written to the database."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from scipy.stats import norm
from statsmodels.stats.proportion import proportion_confint

from strategy_core.sizing import EXAMPLE_PLAN, PLAN_SETTING
from strategy_core.store import Store
from tests.cli.test_runs_cli import assert_refused, cli, cli_json, json_error
from tests.conftest import REPO
from tests.store.test_store import dump


@pytest.fixture
def planned(store: Store) -> Store:
    """A project with a saved split plan: the commands must leave it as it is."""
    project = store.projects.create("Phone cats")
    store.projects.set_setting(project.id, PLAN_SETTING, EXAMPLE_PLAN.as_setting())
    return store


# --- size ci ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "n", "confidence", "p", "level"),
    [("2.9%", "2500", None, 0.029, 0.95), ("0.05", "2000", None, 0.05, 0.95),
     ("8%", "10000", "99%", 0.08, 0.99), ("0.1", "1", "0.9", 0.1, 0.9)],
    ids=["demo-dev-set", "eyeball-set-5pct", "99pct-confidence", "one-example"],
)
def test_size_ci_is_wilson(capsys, error, n, confidence, p, level):
    extra = [] if confidence is None else ["--confidence", confidence]
    payload = cli_json(capsys, "size", "ci", "--error", error, "--n", n, *extra)
    assert list(payload) == ["low", "high", "half_width"]
    low, high = proportion_confint(p * int(n), int(n), alpha=1 - level, method="wilson")
    assert payload["low"] == pytest.approx(max(0.0, low), abs=1e-12)
    assert payload["high"] == pytest.approx(min(1.0, high), abs=1e-12)
    assert payload["half_width"] == pytest.approx((payload["high"] - payload["low"]) / 2)


def test_size_ci_text(capsys):
    code, out, err = cli(capsys, "size", "ci", "--error", "2.9%", "--n", "2,500")
    assert code == 0 and err == ""
    assert "2.31%" in out and "3.63%" in out and "2,500" in out


# --- size detect -----------------------------------------------------------------------------


def test_size_detect_spec_paired_example(capsys):
    payload = cli_json(capsys, "size", "detect", "--error", "5%", "--delta", "0.1%",
                       "--disagreement", "0.1%")
    assert payload == {"n": 7847, "method": "mcnemar"}
    assert payload["n"] == pytest.approx(7850, rel=0.005)


def test_size_detect_spec_unpaired_example(capsys):
    payload = cli_json(capsys, "size", "detect", "--error", "10%", "--delta", "0.1%")
    assert payload["method"] == "two_proportion"
    assert payload["n"] == pytest.approx(1_400_000, rel=0.01)
    za, zb = norm.ppf(0.975), norm.ppf(0.8)
    p1, p2 = 0.10, 0.099
    pbar = (p1 + p2) / 2
    reference = (za * math.sqrt(2 * pbar * (1 - pbar))
                 + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / (p1 - p2) ** 2
    assert payload["n"] == math.ceil(round(reference, 9))


def test_size_detect_alpha_and_power_change_the_size(capsys):
    base = cli_json(capsys, "size", "detect", "--error", "10%", "--delta", "1%",
                    "--disagreement", "5%")
    strict = cli_json(capsys, "size", "detect", "--error", "10%", "--delta", "1%",
                      "--disagreement", "5%", "--alpha", "0.01", "--power", "90%")
    za, zb = norm.ppf(1 - 0.01 / 2), norm.ppf(0.9)
    expected = math.ceil(round((za * 0.05**0.5 + zb * (0.05 - 0.01**2) ** 0.5) ** 2 / 0.01**2,
                               9))
    assert strict == {"n": expected, "method": "mcnemar"}
    assert strict["n"] > base["n"]


def test_size_detect_text_explains_paired_vs_unpaired(capsys):
    code, out, _ = cli(capsys, "size", "detect", "--error", "10%", "--delta", "0.1%")
    assert code == 0
    assert "10,000 examples detect 0.1%" in out


# --- size eyeball / split --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "n"),
    [(["--error", "5%"], 2000), (["--error", "0.05", "--mistakes", "50"], 1000),
     (["--error", "3%"], 3334)],
    ids=["spec-100-mistakes-at-5pct", "fifty-mistakes", "rounds-up"],
)
def test_size_eyeball(capsys, args, n):
    assert cli_json(capsys, "size", "eyeball", *args) == {"n": n}


@pytest.mark.parametrize(
    ("examples", "expected"),
    [("10000", {"train": 6000, "dev": 2000, "test": 2000}),
     ("1000000", {"train": 980_000, "dev": 10_000, "test": 10_000}),
     ("0", {"train": 0, "dev": 0, "test": 0})],
    ids=["spec-10k-is-60-20-20", "spec-1M-is-98-1-1", "empty"],
)
def test_size_split(capsys, examples, expected):
    payload = cli_json(capsys, "size", "split", "--examples", examples)
    assert payload == expected
    assert list(payload) == ["train", "dev", "test"]


# --- plan-split ------------------------------------------------------------------------------


def test_plan_split_spec_web_and_mobile(capsys):
    payload = cli_json(capsys, "plan-split", "--source", "web=200000", "--source",
                       "mobile=10000", "--target", "mobile")
    assert list(payload) == ["train", "train_dev", "dev", "test", "shuffle_target_share",
                             "beta"]
    assert payload["dev"] == {"web": 0, "mobile": 2500}
    assert payload["test"] == {"web": 0, "mobile": 2500}
    # The training pool of docs/rules.md §6 (200,000 web + 5,000 mobile) is train + train-dev.
    pool = {s: payload["train"][s] + payload["train_dev"][s] for s in ("web", "mobile")}
    assert pool == {"web": 200_000, "mobile": 5_000}
    assert sum(payload["train_dev"].values()) == 2500
    assert payload["shuffle_target_share"] == pytest.approx(10_000 / 210_000)
    assert round(payload["shuffle_target_share"] * 100, 1) == 4.8
    assert payload["beta"] == pytest.approx(1 / 40)


def test_plan_split_overrides_and_text(capsys):
    payload = cli_json(capsys, "plan-split", "--source", "web=200,000", "--source",
                       "mobile=10_000", "--target", "mobile", "--dev", "4000", "--test", "1000")
    assert payload["dev"]["mobile"] == 4000 and payload["test"]["mobile"] == 1000
    for source, count in (("web", 200_000), ("mobile", 10_000)):
        assert sum(payload[s][source] for s in ("train", "train_dev", "dev", "test")) == count
    code, out, _ = cli(capsys, "plan-split", "--source", "web=200000", "--source",
                       "mobile=10000", "--target", "mobile")
    assert code == 0
    assert "2,381 of 2,500" in out and "1/40" in out and "train-dev" in out


def test_plan_split_single_source_has_no_beta(capsys):
    payload = cli_json(capsys, "plan-split", "--source", "mobile=10000", "--target", "mobile")
    assert payload["beta"] is None
    assert payload["shuffle_target_share"] == 1.0


# --- compare-dist ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dev", "test", "same"),
    [(["web=900", "mobile=100"], ["web=900", "mobile=100"], True),
     (["web=900", "mobile=100"], ["web=300", "mobile=700"], False),
     (["mobile=2500"], ["mobile=2500"], True)],
    ids=["same-mix", "different-mix-warns", "planned-target-only"],
)
def test_compare_dist(capsys, dev, test, same):
    args = [a for item in dev for a in ("--dev", item)] + \
        [a for item in test for a in ("--test", item)]
    payload = cli_json(capsys, "compare-dist", *args)
    assert list(payload) == ["p_value", "same_distribution"]
    assert payload["same_distribution"] is same
    assert (payload["p_value"] >= 0.05) is same


# --- bad input: exit 2, one error line, nothing written ---------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["size", "ci", "--error", "8", "--n", "100"], "ambiguous"),
        (["size", "ci", "--error", "5%", "--n", "0"], "positive"),
        (["size", "ci", "--error", "5%", "--n", "many"], "whole number"),
        (["size", "ci", "--error", "5%", "--n", "100", "--confidence", "1"], "confidence"),
        (["size", "ci", "--error", "5%"], "required"),
        (["size", "detect", "--error", "5%", "--delta", "0.2%", "--disagreement", "0.1%"],
         "at least the difference"),
        (["size", "detect", "--error", "5%", "--delta", "0"], "larger than 0"),
        (["size", "detect", "--error", "5%", "--delta", "1%", "--power", "1"], "power"),
        (["size", "eyeball", "--error", "0%"], "no mistakes"),
        (["size", "eyeball", "--error", "5%", "--mistakes", "-3"], "negative"),
        (["size", "split", "--examples", "-1"], "negative"),
        (["size", "split", "--examples", "1.5"], "whole number"),
        (["size", "median", "--error", "5%"], "invalid choice"),
        (["plan-split", "--source", "web=200000", "--source", "mobile=10000", "--target",
          "tablet"], "not one of the sources"),
        (["plan-split", "--source", "web=lots", "--target", "web"], "whole number"),
        (["plan-split", "--source", "web=-5", "--source", "mobile=10", "--target", "mobile"],
         "negative"),
        (["plan-split", "--source", "web", "--target", "web"], "NAME=VALUE"),
        (["plan-split", "--source", "web=1", "--source", "web=2", "--target", "web"], "twice"),
        (["plan-split", "--source", "web=100", "--source", "mobile=10", "--target", "mobile",
          "--dev", "8", "--test", "8"], "more than the 10"),
        (["plan-split", "--source", "web=100", "--source", "mobile=0", "--target", "mobile"],
         "no examples"),
        (["compare-dist", "--dev", "web=10", "--test", "web=x"], "whole number"),
        (["compare-dist", "--dev", "web=0", "--test", "web=5"], "at least one example"),
        (["compare-dist", "--dev", "web=5"], "required"),
    ],
    ids=[
        "ci-bare-8-is-ambiguous", "ci-zero-examples", "ci-text-size", "ci-confidence-1",
        "ci-missing-n", "detect-disagreement-below-delta", "detect-zero-delta",
        "detect-power-1", "eyeball-zero-error", "eyeball-negative-mistakes",
        "split-negative", "split-fraction", "size-unknown-kind", "plan-unknown-target",
        "plan-count-not-a-number", "plan-negative-count", "plan-source-without-count",
        "plan-source-twice", "plan-dev-test-exceed-target", "plan-empty-target",
        "dist-bad-count", "dist-empty-dev", "dist-missing-test",
    ],
)
def test_bad_input_exits_2_and_writes_nothing(planned: Store, capsys, args, words):
    before = dump(planned)
    for extra in ([], ["--json"]):
        code, out, err = cli(capsys, *args, *extra)
        assert_refused(code, out, err, words=words)
    assert dump(planned) == before


def test_commands_write_nothing(demo_store: Store, capsys):
    before = dump(demo_store)
    cli_json(capsys, "plan-split", "--source", "web=200000", "--source", "mobile=10000",
             "--target", "mobile")
    cli_json(capsys, "size", "ci", "--error", "3%", "--n", "2500")
    assert dump(demo_store) == before


def test_subprocess_prints_one_json_object(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "strategy_core", "--db", str(tmp_path / "cli.duckdb"),
         "plan-split", "--source", "web=200000", "--source", "mobile=10000", "--target",
         "mobile", "--json"],
        cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["beta"] == pytest.approx(0.025)
    bad = subprocess.run(
        [sys.executable, "-m", "strategy_core", "size", "detect", "--error", "12",
         "--delta", "1%", "--json"],
        cwd=REPO, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and json_error(bad) == bad.stderr.strip().removeprefix("error: ")
    assert bad.stderr.startswith("error: ") and "Traceback" not in bad.stderr
