"""`learning-curve`, `six-box`, `verify-optimization` and `plan-split`'s choices on the
command line (docs/rules.md §20–23): one JSON object with --json, the numbers the use cases
give the pages, exit 2 with one `error:` line on bad input and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from strategy_core.runs import Run
from strategy_core.store import Store
from strategy_core.usecases import learning_curve as curve_cases
from strategy_core.usecases import optimization as ov_cases
from strategy_core.usecases import six_box as six_box_cases
from strategy_core.usecases.runs import add_run, save_human_levels
from tests.cli.test_runs_cli import assert_refused, cli, cli_json
from tests.store.test_store import dump

CAT, SPEECH = "cat-classifier-demo", "speech-recognition-demo"
SIZES = (1_000, 2_000, 4_000, 8_000)


def seed_curves(store: Store) -> Store:
    """A project "Curves": four runs at training sizes SIZES, human level 2%."""
    project = store.projects.create("Curves")
    for size, train, dev in zip(SIZES, (0.005, 0.008, 0.010, 0.012), (0.12, 0.09, 0.07, 0.055),
                                strict=True):
        add_run(store, project.id, Run(name=f"r{size}", n_train=size, train_error=train,
                                       dev_error=dev, n_dev=10_000))
    save_human_levels(store, project.id, [("expert", 0.02)])
    return store


@pytest.fixture
def curves(store: Store) -> Store:
    return seed_curves(store)


# --- learning-curve --------------------------------------------------------------------------


def test_learning_curve_json_is_the_use_cases(curves: Store, capsys) -> None:
    data = cli_json(capsys, "learning-curve", "--project", "curves")
    project = curves.projects.by_slug("curves")
    assert data == {"project": "Curves",
                    **curve_cases.learning_curve(curves, project.id).as_dict()}
    assert data["verdict"] == "more_data" and data["desired_label"] == "human level, expert"
    assert [p["size"] for p in data["points"]] == list(SIZES)


def test_learning_curve_runs_desired_and_text(curves: Store, capsys) -> None:
    data = cli_json(capsys, "learning-curve", "--project", "curves", "--run", "r1000",
                    "--run", "r2000", "--desired", "5%")
    assert data["verdict"] == "too_few" and data["desired"] == 0.05
    code, out, _ = cli(capsys, "learning-curve", "--project", "curves")
    assert code == 0 and "More data is likely to help" in out and "8,000" in out


def test_learning_curve_on_the_demo_reads_the_runs_history(demo_store: Store, capsys) -> None:
    data = cli_json(capsys, "learning-curve", "--project", CAT)
    project = demo_store.projects.by_slug(CAT)
    assert data == {"project": project.name,
                    **curve_cases.learning_curve(demo_store, project.id).as_dict()}
    assert data["source"] == "history" and data["run"] == "efficientnet-b3-mobile"
    assert data["verdict"] == "bias" and data["more_data_helps"] is False
    assert [p["size"] for p in data["points"]][::7] == [25_000, 207_500]
    assert data["points"][-1]["train"] == 0.01 and data["points"][-1]["dev"] == 0.029
    named = cli_json(capsys, "learning-curve", "--project", CAT, "--from-history", "--run",
                     "efficientnet-b3-mobile")
    assert named == data
    code, out, _ = cli(capsys, "learning-curve", "--project", CAT, "--from-history")
    assert code == 0 and "From the history of run efficientnet-b3-mobile" in out
    assert "207,500" in out and "step 8" in out
    sizes = cli_json(capsys, "learning-curve", "--project", CAT, "--run", "cnn-small",
                     "--run", "resnet50-mobile-5k")
    assert sizes["source"] == "sizes" and sizes["verdict"] == "too_few"


# --- six-box ---------------------------------------------------------------------------------


def test_six_box_of_the_demo_is_the_use_cases(demo_store: Store, capsys) -> None:
    before = dump(demo_store)
    data = cli_json(capsys, "six-box", "--project", CAT)
    project = demo_store.projects.by_slug(CAT)
    assert data == {"project": project.name, "saved": [],
                    **six_box_cases.six_box_table(demo_store, project.id).as_dict()}
    assert data["boxes"] == {"human_training": 0.005, "human_target": 0.01, "train": 0.01,
                             "trained_target": 0.016, "train_dev": 0.015, "dev": 0.029}
    assert round(data["gaps"]["data_mismatch"]["value"], 6) == 0.014
    assert dump(demo_store) == before  # reading writes nothing


def test_six_box_records_boxes_b_and_d(demo_store: Store, capsys) -> None:
    data = cli_json(capsys, "six-box", "--project", CAT, "--run", "cnn-small",
                    "--set-human-target", "1.2%", "--set-trained-target", "9%",
                    "--n-trained-target", "1,000")
    assert data["saved"] == ["human_target", "trained_target"] and data["run"] == "cnn-small"
    assert data["boxes"]["human_target"] == 0.012 and data["n_trained_target"] == 1000
    cleared = cli_json(capsys, "six-box", "--project", CAT, "--run", "cnn-small",
                       "--set-trained-target", "none")
    assert cleared["boxes"]["trained_target"] is None


def test_six_box_from_levels_touches_no_database(capsys) -> None:
    data = cli_json(capsys, "six-box", "--human", "4%", "--human-target", "6%", "--train",
                    "7%", "--trained-target", "6%", "--train-dev", "10%", "--dev", "6%")
    assert {k: round(v["value"] * 100, 6) for k, v in data["gaps"].items()} == {
        "avoidable_bias": 3.0, "variance": 3.0, "data_mismatch": -4.0,
        "target_avoidable_bias": 0.0, "target_variance": 0.0, "human_difference": 2.0,
        "trained_difference": -1.0}
    code, out, _ = cli(capsys, "six-box", "--human", "0%", "--train", "10%", "--train-dev",
                       "11%", "--dev", "20%")
    assert code == 0 and "Data mismatch 9.0 pts (F − E)" in out and "To fill the empty" in out


@pytest.mark.parametrize(("args", "words"), [
    (["six-box"], "give some boxes"),
    (["six-box", "--project", CAT, "--train", "5%"], "cannot be combined with --project"),
    (["six-box", "--run", "x", "--train", "5%"], "need --project"),
    (["six-box", "--project", CAT, "--set-human-target", "150%"], "between 0% and 100%"),
    (["six-box", "--project", CAT, "--n-trained-target", "5"], "needs --set-trained-target"),
    (["six-box", "--project", CAT, "--set-trained-target", "2%", "--n-trained-target", "0"],
     "positive"),
    (["six-box", "--project", CAT, "--metric", "f1"], "own metric"),
    (["learning-curve", "--project", CAT, "--run", "ghost"], "no run named 'ghost'"),
    (["learning-curve", "--project", CAT, "--desired", "lots"], "not"),
    (["learning-curve", "--project", CAT, "--from-history", "--run", "cnn-small", "--run",
      "resnet50"], "name exactly one"),
    (["verify-optimization"], "give --csv FILE"),
    (["verify-optimization", "--csv", "missing.csv"], "no file"),
    (["verify-optimization", "--run", "x", "--csv", "missing.csv"], "no file"),
    (["plan-split", "--source", "web=100", "--source", "mobile=10", "--target", "mobile",
      "--exclude", "mobile"], "cannot be left out"),
    (["plan-split", "--source", "web=100", "--source", "mobile=10", "--target", "mobile",
      "--weight", "web=lots"], "not a number"),
    (["plan-split", "--source", "web=100", "--source", "mobile=10", "--target", "mobile",
      "--weight", "web=0"], "leave the source out"),
], ids=["six-box-nothing", "six-box-levels-and-project", "six-box-run-alone",
        "six-box-b-out-of-range", "six-box-n-alone", "six-box-n-zero", "six-box-metric",
        "curve-unknown-run", "curve-bad-desired", "curve-two-histories", "ov-nothing",
        "ov-no-file", "ov-run-without-project", "plan-exclude-target", "plan-weight-word",
        "plan-weight-zero"])
def test_bad_input_exits_2_and_writes_nothing(demo_store: Store, capsys, args, words) -> None:
    before = dump(demo_store)
    assert_refused(*cli(capsys, *args, "--json"), words=words)
    assert_refused(*cli(capsys, *args), words=words)
    assert dump(demo_store) == before


# --- verify-optimization ---------------------------------------------------------------------


def test_verify_optimization_of_the_speech_demo(demo_store: Store, capsys) -> None:
    data = cli_json(capsys, "verify-optimization", "--project", SPEECH)
    project = demo_store.projects.by_slug(SPEECH)
    answer = ov_cases.verification(demo_store, project.id)
    assert data == {"project": project.name, "saved": False, **answer.as_dict()}
    assert (data["verdict"], data["search_faults"], data["reviewed"]) == ("objective", 9, 40)


def test_verify_optimization_imports_a_file(demo_store: Store, tmp_path: Path, capsys) -> None:
    path = tmp_path / "scores.csv"
    path.write_text("example_id,score_correct,score_output\nu1,-1,-2\nu2,-1,-3\nu3,-5,-1\n")
    data = cli_json(capsys, "verify-optimization", "--project", CAT, "--run", "cnn-small",
                    "--csv", str(path))
    assert data["saved"] is True and (data["search_faults"], data["objective_faults"]) == (2, 1)
    assert data["run"] == "cnn-small" and data["tentative"] is True
    assert any("perfect search would remove at most" in r for r in data["reasons"])
    alone = cli_json(capsys, "verify-optimization", "--csv", str(path))
    assert alone["search_faults"] == 2 and "run" not in alone


def test_a_bad_file_names_the_row_and_writes_nothing(demo_store: Store, tmp_path: Path,
                                                     capsys) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("example_id,score_correct,score_output\nu1,-1,-2\nu2,x,-3\n")
    before = dump(demo_store)
    assert_refused(*cli(capsys, "verify-optimization", "--project", SPEECH, "--csv",
                        str(path), "--json"), words="row 3, column 'score_correct'")
    assert dump(demo_store) == before


# --- plan-split's choices --------------------------------------------------------------------


def test_plan_split_with_choices(capsys) -> None:
    data = cli_json(capsys, "plan-split", "--source", "web=200000", "--source", "mobile=10000",
                    "--source", "docs=50000", "--target", "mobile", "--exclude", "docs",
                    "--weight", "web=0.025", "--capacity", "small")
    assert data["left_out"] == {"docs": 50_000} and data["weights"] == {"web": 0.025,
                                                                         "mobile": 1.0}
    assert data["train"] == {"web": 197_561, "mobile": 4_939}
    assert round(data["objective_share"]["mobile"], 3) == 0.5
    assert any("limited size" in text for text in data["advice"])
    flagged = cli_json(capsys, "plan-split", "--source", "nyc=5000", "--source",
                       "detroit=20000", "--target", "nyc", "--inconsistent", "detroit")
    assert "inconsistent with 'nyc'" in flagged["warnings"][0]
    code, out, _ = cli(capsys, "plan-split", "--source", "web=200000", "--source",
                       "mobile=10000", "--target", "mobile", "--capacity", "large")
    assert code == 0 and "objective" in out and "unlikely to hurt" in out
