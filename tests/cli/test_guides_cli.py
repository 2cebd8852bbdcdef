"""The guide commands (docs/rules.md §7, §4.8 and §6): `guide transfer`,
`guide multitask`, `guide end-to-end`. JSON fields exactly as the issue states, the docs/rules.md
verdicts, exit codes 0/2 with one `error:` line, and nothing written to the database."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from strategy_core.guides import (
    END_TO_END_PRESETS,
    MULTITASK_PRESETS,
    TRANSFER_PRESETS,
    end_to_end_verdict,
    multitask_verdict,
    transfer_verdict,
)
from strategy_core.store import Store
from tests.cli.test_runs_cli import assert_refused, cli, cli_json, json_error
from tests.conftest import REPO
from tests.store.test_store import dump


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


# --- guide transfer ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preset", "verdict", "retrain"),
    [("image_to_radiology", "recommended", "last_layers"),
     ("speech_to_wake_word", "recommended", "last_layers")],
    ids=["image_to_radiology", "speech_to_wake_word"],
)
def test_transfer_reference_cases(capsys, preset, verdict, retrain):
    inputs = TRANSFER_PRESETS[preset]["inputs"]
    payload = cli_json(capsys, "guide", "transfer",
                       "--source-examples", inputs["source_examples"],
                       "--target-examples", inputs["target_examples"],
                       "--same-input", yes_no(inputs["same_input"]),
                       "--low-level-helpful", inputs["low_level_helpful"])
    assert list(payload) == ["verdict", "reasons", "retrain"]
    assert (payload["verdict"], payload["retrain"]) == (verdict, retrain)
    assert payload == transfer_verdict(**inputs).as_dict()


@pytest.mark.parametrize(
    ("source", "target", "same", "helpful", "verdict", "retrain"),
    [
        (1_000_000, 100, "no", "yes", "not_recommended", None),
        (1_000, 1_000, "yes", "yes", "not_recommended", None),
        (5_000, 1_000, "yes", "yes", "uncertain", "last_layers"),
        (10_000_000, 50_000, "yes", "yes", "recommended", "all_layers"),
        (1_000_000, 100, "yes", None, "uncertain", "last_layers"),
    ],
    ids=["different_input", "as_much_data", "A_5x_B", "much_B_data-all_layers",
         "helpful_defaults_to_unsure"],
)
def test_transfer_rule(capsys, source, target, same, helpful, verdict, retrain):
    extra = [] if helpful is None else ["--low-level-helpful", helpful]
    payload = cli_json(capsys, "guide", "transfer", "--source-examples", source,
                       "--target-examples", target, "--same-input", same, *extra)
    assert (payload["verdict"], payload["retrain"]) == (verdict, retrain)
    assert payload["reasons"] and all(isinstance(r, str) for r in payload["reasons"])


def test_transfer_text_output(capsys):
    code, out, err = cli(capsys, "guide", "transfer", "--source-examples", "1,000,000",
                         "--target-examples", "100", "--same-input", "yes",
                         "--low-level-helpful", "yes")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "verdict: Recommended (retrain only the last layer(s))"
    assert out.splitlines()[1].startswith("- ")


# --- guide multitask ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preset", "verdict"),
    [("driving_scene_detectors", "recommended"), ("one_dominant_task", "uncertain")],
    ids=["driving_scene_detectors", "one_dominant_task"],
)
def test_multitask_reference_cases(capsys, preset, verdict):
    inputs = MULTITASK_PRESETS[preset]["inputs"]
    tasks = [arg for name, count in inputs["tasks"].items()
             for arg in ("--task", f"{name}={count}")]
    payload = cli_json(capsys, "guide", "multitask", *tasks,
                       "--shared-low-level", inputs["shared_low_level"],
                       "--big-network", inputs["big_network"])
    assert list(payload) == ["verdict", "reasons"]
    assert payload["verdict"] == verdict
    assert payload == multitask_verdict(**inputs).as_dict()


@pytest.mark.parametrize(
    ("extra", "verdict"),
    [
        ([], "uncertain"),
        (["--shared-low-level", "no"], "not_recommended"),
        (["--shared-low-level", "yes", "--big-network", "no"], "not_recommended"),
        (["--shared-low-level", "yes", "--big-network", "yes"], "recommended"),
    ],
    ids=["answers_default_to_unsure", "no_shared_features", "network_too_small",
         "all_three_hold"],
)
def test_multitask_answers(capsys, extra, verdict):
    payload = cli_json(capsys, "guide", "multitask", "--task", "cars=1000",
                       "--task", "signs=1200", "--task", "lights=900", *extra)
    assert payload["verdict"] == verdict


# --- guide end-to-end --------------------------------------------------------------------


@pytest.mark.parametrize("preset", list(END_TO_END_PRESETS), ids=list(END_TO_END_PRESETS))
def test_end_to_end_reference_cases(capsys, preset):
    inputs = END_TO_END_PRESETS[preset]["inputs"]
    hand = inputs["hand_designed_useful"]
    extra = [] if hand is None else ["--hand-designed-useful", yes_no(hand)]
    payload = cli_json(capsys, "guide", "end-to-end", "--examples", inputs["examples"],
                       "--complexity", inputs["complexity"],
                       "--subtask-data", yes_no(inputs["subtask_data"]), *extra)
    assert list(payload) == ["verdict", "reasons"]
    assert payload == end_to_end_verdict(**inputs).as_dict()
    expected = {"machine_translation": "end_to_end", "face_recognition_turnstile": "pipeline",
                "child_age_hand_xray": "pipeline", "speech_recognition": "end_to_end"}
    assert payload["verdict"] == expected[preset]


@pytest.mark.parametrize(
    ("examples", "complexity", "subtask", "hand", "verdict"),
    [
        (10_000, "low", "no", None, "end_to_end"),
        (9_999, "low", "no", None, "uncertain"),
        (500_000, "high", "no", "yes", "pipeline"),
        (500_000, "high", "no", "no", "uncertain"),
    ],
    ids=["low_at_threshold", "low_one_short", "hand_designed_parts-pipeline",
         "nothing_to_build_on-uncertain"],
)
def test_end_to_end_rule(capsys, examples, complexity, subtask, hand, verdict):
    extra = [] if hand is None else ["--hand-designed-useful", hand]
    payload = cli_json(capsys, "guide", "end-to-end", "--examples", examples, "--complexity",
                       complexity, "--subtask-data", subtask, *extra)
    assert payload["verdict"] == verdict


# --- bad input ---------------------------------------------------------------------------


TRANSFER = ["guide", "transfer", "--same-input", "yes"]
END_TO_END = ["guide", "end-to-end", "--complexity", "high", "--subtask-data", "yes"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ([*TRANSFER, "--source-examples", "-5", "--target-examples", "10"], "negative"),
        ([*TRANSFER, "--source-examples", "1000", "--target-examples", "2.5"],
         "not a whole number"),
        ([*TRANSFER, "--source-examples", "many", "--target-examples", "10"],
         "not a whole number"),
        ([*TRANSFER, "--source-examples", "1000", "--target-examples", "0"], "at least one"),
        (["guide", "transfer", "--source-examples", "1000", "--target-examples", "10",
          "--same-input", "maybe"], "invalid choice"),
        ([*TRANSFER, "--source-examples", "1000"], "required"),
        ([*END_TO_END, "--examples", "-1"], "negative"),
        ([*END_TO_END, "--examples", "1e6"], "not a whole number"),
        (["guide", "end-to-end", "--examples", "10", "--complexity", "extreme",
          "--subtask-data", "yes"], "invalid choice"),
        (["guide", "multitask", "--task", "cars=-3", "--task", "signs=10"], "negative"),
        (["guide", "multitask", "--task", "cars=3.5", "--task", "signs=10"],
         "not a whole number"),
        (["guide", "multitask", "--task", "cars=10"], "at least 2 tasks"),
        (["guide", "multitask", "--task", "cars", "--task", "signs=10"], "NAME=VALUE"),
        (["guide", "multitask", "--task", "cars=1", "--task", "cars=2"], "twice"),
        (["guide", "multitask", "--task", "cars=0", "--task", "signs=0"], "no task"),
        (["guide"], "required"),
    ],
    ids=["negative_source", "fractional_target", "text_source", "no_target_data",
         "same_input_not_yes_no", "missing_target", "negative_examples",
         "exponent_examples", "unknown_complexity", "negative_task_count",
         "fractional_task_count", "one_task", "task_without_count", "task_twice",
         "no_data_at_all", "no_guide_named"],
)
def test_bad_input_exits_2_and_writes_nothing(capsys, store: Store, args, words):
    store.projects.create("Untouched")
    before = dump(store)
    code, out, err = cli(capsys, *args, "--json")
    assert_refused(code, out, err, words=words)
    assert dump(store) == before


def test_subprocess_prints_one_json_object(isolated_db):
    done = subprocess.run(
        [sys.executable, "-m", "strategy_core", "--db", str(isolated_db), "guide",
         "end-to-end", "--examples", "2000", "--complexity", "high", "--subtask-data", "yes",
         "--hand-designed-useful", "yes", "--json"],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["verdict"] == "pipeline"
    bad = subprocess.run(
        [sys.executable, "-m", "strategy_core", "guide", "transfer", "--source-examples",
         "-3", "--target-examples", "10", "--same-input", "yes", "--json"],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert bad.returncode == 2
    assert json_error(bad) == bad.stderr.strip().removeprefix("error: ")
    assert bad.stderr.startswith("error: ") and "Traceback" not in bad.stderr
