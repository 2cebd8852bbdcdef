"""The worked examples of "one answer everywhere" in docs/rules.md: §1 (the focus rule, not
enough information, the runner-up, the actions), §2 (the focus link and the links next),
§4 (two sources of dev error, tentative readings) and §11 (the status paragraph).

`two_sources_project` builds the run of example 4.10 in a store; the surface-agreement
tests (tests/app/test_one_answer.py) reuse it.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import pytest

from strategy_core.checklist import RED, ChecklistSettings, chain_verdict, evaluate_chain
from strategy_core.diagnosis import (
    EARLY_STOPPING,
    FOCUS_UNKNOWN,
    INPUT_FEATURES,
    NOT_HELPFUL,
    ErrorLevels,
    choose_focus,
    decompose,
    focus_verdict,
    runner_up_note,
    summary,
)
from strategy_core.error_analysis import compare_dev_errors, summarize_review
from strategy_core.human_level import HumanLevel, HumanLevels
from strategy_core.runs import Run
from strategy_core.store import Store
from strategy_core.store.reviews import TagEdit
from strategy_core.usecases import error_analysis as ea
from strategy_core.usecases.status import StatusContext, checklist_lines, diagnosis_lines

approx = pytest.approx


# --- the focus rule itself (docs/rules.md §1) -------------------------------------------------


@pytest.mark.parametrize(
    ("gaps", "tolerance", "focus", "runner_up", "following"),
    [
        ({"avoidable_bias": 0.01, "variance": 0.10}, 0.0, "variance", None,
         ("avoidable_bias",)),
        ({"avoidable_bias": 0.03, "variance": 0.03 + 5e-10}, 0.0, "avoidable_bias",
         "variance", ("variance",)),
        ({"avoidable_bias": 0.03, "variance": 0.03 + 2e-9}, 0.0, "variance",
         "avoidable_bias", ("avoidable_bias",)),
        ({"variance": 0.02, "data_mismatch": 0.02, "dev_overfitting": 0.02}, 0.005,
         "variance", "data_mismatch", ("data_mismatch", "dev_overfitting")),
        ({"avoidable_bias": 0.083, "variance": 0.005, "data_mismatch": 0.052}, 0.005,
         "avoidable_bias", "data_mismatch", ("data_mismatch",)),
        ({"avoidable_bias": 0.10, "data_mismatch": 0.049}, 0.0, "avoidable_bias", None,
         ("data_mismatch",)),
        ({"avoidable_bias": 0.002, "variance": 0.001}, 0.005, "none", None, ()),
        ({"avoidable_bias": -0.01, "variance": 0.0}, 0.0, "none", None, ()),
    ],
    ids=["MLY_ch21-largest_not_first", "tie_within_1e-9-chain_order",
         "beyond_1e-9-larger_wins", "three_way_tie-chain_order",
         "bias_8.3_mismatch_5.2-runner_up", "under_half-no_runner_up",
         "within_tolerance-none", "nothing_positive-none"],
)
def test_choose_focus(gaps, tolerance, focus, runner_up, following):
    choice = choose_focus(gaps, tolerance)
    assert (choice.gap, choice.runner_up, choice.next) == (focus, runner_up, following)


@pytest.mark.parametrize(
    ("gaps", "bound", "focus"),
    [
        ({"avoidable_bias": None, "variance": 0.005}, 0.04, FOCUS_UNKNOWN),
        ({"avoidable_bias": None, "variance": 0.02}, 0.02, FOCUS_UNKNOWN),  # tie: bias first
        ({"avoidable_bias": None, "variance": 0.005, "data_mismatch": 0.085}, 0.01,
         "data_mismatch"),
        ({"avoidable_bias": None, "variance": 0.02}, float("inf"), FOCUS_UNKNOWN),
        ({"avoidable_bias": None, "variance": 0.001}, 0.004, "none"),  # all within 0.5 pts
    ],
    ids=["bound_above_gap", "bound_equal_gap", "bound_below_gap-focus_stands",
         "unbounded_metric", "bound_within_tolerance"],
)
def test_unmeasured_bias_decides_whether_there_is_enough_information(gaps, bound, focus):
    assert choose_focus(gaps, 0.005, bias_bound=bound).gap == focus


def test_tolerance_must_be_a_non_negative_number():
    from strategy_core.errors import InputError

    with pytest.raises(InputError):
        choose_focus({"variance": 0.01}, -0.001)


# --- §1 worked examples -----------------------------------------------------------------------


def test_example_1_19_mly_ch21_variance_not_link_1() -> None:
    levels = ErrorLevels(0.0, 0.01, None, 0.11)
    d = decompose(levels)
    assert (d.focus, d.runner_up) == ("variance", None)
    assert d.avoidable_bias == approx(0.01) and d.variance == approx(0.10)
    assert focus_verdict(d) == ("Work on variance: at 10.0 pts (dev − training) it is the "
                                "largest gap.")
    chain = evaluate_chain(levels)
    assert chain.link("training").status == RED
    assert (chain.focus, chain.next) == ("training_dev", ("training",))
    assert chain_verdict(chain).startswith("Work on link 2, generalize to the training-dev set")


def test_example_1_20_no_human_level_is_not_enough_information() -> None:
    d = decompose(ErrorLevels(None, 0.04, None, 0.045), tolerance=0.0)
    assert d.focus == FOCUS_UNKNOWN
    verdict = focus_verdict(d)
    assert verdict.startswith("Not enough information to choose between avoidable bias and "
                              "variance: no human level is recorded, so avoidable bias could "
                              "be anywhere from 0 to 4.0 pts")
    assert "work on variance" not in verdict.lower()
    assert "Record human-level error" in verdict
    assert d.actions[0].startswith("Record human-level error")
    # The same on a project at the default tolerance: variance (0.5 pts) is within it.
    assert decompose(ErrorLevels(None, 0.04, None, 0.045), tolerance=0.005).focus == \
        FOCUS_UNKNOWN


def test_example_1_21_bounded_bias_lets_the_focus_stand() -> None:
    d = decompose(ErrorLevels(None, 0.01, 0.015, 0.10))
    assert d.focus == "data_mismatch"
    assert d.choice.bias_bound == approx(0.01)
    assert "it is at most 1.0 pts" in summary(d) and "the focus stands" in summary(d)


def test_example_1_22_runner_up_named_on_diagnosis_and_checklist() -> None:
    levels = ErrorLevels(0.01, 0.093, 0.098, 0.15)
    d = decompose(levels, tolerance=0.005)
    assert [None if v is None else round(v, 6) for v in d.gaps.values()] == \
        [0.083, 0.005, 0.052, None]
    assert (d.focus, d.runner_up) == ("avoidable_bias", "data_mismatch")
    note = "Data mismatch (5.2 pts) is close behind: plan to work on it next."
    assert runner_up_note(d) == note and note in summary(d)
    chain = evaluate_chain(d, 0.005)
    assert (chain.focus, chain.next) == ("training", ("dev",))
    assert chain.link("training_dev").status == "green"
    assert chain.runner_up_note == note and note in chain.reasons


def test_example_1_23_actions_with_caveats() -> None:
    bias = decompose(ErrorLevels(0.01, 0.08, None, 0.09))
    assert bias.focus == "avoidable_bias"
    texts = " | ".join(bias.actions)
    assert "Increase the model size" in texts and "add regularization" in texts
    assert INPUT_FEATURES in bias.actions
    assert "Reduce or remove regularization (L2, L1, dropout): it cuts avoidable bias but " \
           "raises variance." in bias.actions
    assert not any(action.startswith("Add training data") for action in bias.actions)
    assert bias.not_helpful == NOT_HELPFUL["avoidable_bias"]
    assert "does not help" in bias.not_helpful[0]
    variance = decompose(ErrorLevels(0.01, 0.02, None, 0.09))
    assert variance.focus == "variance"
    assert variance.actions[0].startswith("Add training data")
    assert EARLY_STOPPING in variance.actions
    assert "raises avoidable bias" in EARLY_STOPPING and "not orthogonal" in EARLY_STOPPING
    assert any(a.startswith("Select features to decrease their number or type")
               for a in variance.actions)
    assert any(a.startswith("Decrease the model size (layers or units), with caution")
               and "regularization usually does better" in a for a in variance.actions)
    assert INPUT_FEATURES in variance.actions


# --- §2 --------------------------------------------------------------------------------------


def test_example_2_6_tie_goes_to_link_1_with_the_diagnosis_sentence() -> None:
    levels = ErrorLevels(0.04, 0.07, 0.10, 0.06, 0.06)
    chain = evaluate_chain(levels)
    assert (chain.focus, chain.next) == ("training", ("training_dev",))
    note = runner_up_note(decompose(levels))
    assert note is not None and note.startswith("Variance is tied with avoidable bias")
    assert note in chain.reasons


def test_example_2_7_a_focus_that_may_be_noise_is_tentative_on_the_checklist() -> None:
    d = decompose(ErrorLevels(0.01, 0.015, None, 0.03, n_train=200, n_dev=200),
                  tolerance=0.005)
    chain = evaluate_chain(d, 0.005)
    assert d.tentative and chain.tentative and chain.focus == "training_dev"
    assert chain_verdict(chain) == (
        "Tentatively, work on link 2, generalize to the training-dev set: its gap of 1.5 pts "
        "is the largest above the tolerance of 0.5 pts, though on these set sizes it is not "
        "significant.")


# --- §4 --------------------------------------------------------------------------------------


def test_example_4_10_two_dev_errors_beyond_noise() -> None:
    review = summarize_review(0.103, 100, {"Blurry": 47})
    blurry = review.category("Blurry")
    assert blurry.ceiling == approx(0.04841) and blurry.error_if_fixed == approx(0.05459)
    assert all(c.ceiling <= review.dev_error for c in review.categories)
    sources = compare_dev_errors(0.103, 0.052, used_n=10_000, recorded_n=2_500)
    assert sources.method == "newcombe" and sources.disagree is True
    assert sources.difference == approx(0.051)
    assert "95% interval 4.0 pts to 6.1 pts (two-proportion Newcombe interval, n = 10,000 " \
           "and n = 2,500); beyond noise" in sources.reasons[0]
    assert sources.reasons[1].startswith("This review uses 10.3%, from the uploaded "
                                         "predictions, because its categories are shares")
    assert sources.note == ("from the uploaded predictions; the run records 5.2%, a "
                            "difference beyond noise: check which is right")


def test_example_4_11_one_size_known_and_a_difference_that_may_be_noise() -> None:
    one = compare_dev_errors(0.103, 0.052, used_n=10_000)
    assert one.method == "wilson" and one.disagree is True
    assert "95% interval 4.5 pts to 5.7 pts (Wilson interval on n = 10,000" in one.reasons[0]
    noise = compare_dev_errors(0.103, 0.099, used_n=1_000, recorded_n=1_000)
    assert noise.disagree is False and noise.notable
    assert "-2.3 pts to 3.1 pts" in noise.reasons[0] and "may be noise" in noise.reasons[0]
    untested = compare_dev_errors(0.103, 0.052)
    assert untested.disagree is None and "record the dev set size" in untested.reasons[0]


def test_example_4_12_a_very_small_review_is_tentative() -> None:
    small = summarize_review(0.10, 15, {"Blurry": 9})
    assert small.tentative
    assert small.headline == ("Fixing Blurry could cut dev error from 10.0% to at best 4.0%, "
                              "a tentative reading of only 15 reviewed examples")
    enough = summarize_review(0.10, 20, {"Blurry": 12})
    assert not enough.tentative and "tentative" not in enough.headline


# --- §11 ------------------------------------------------------------------------------------


def _context(runs: list[Run], human: float) -> StatusContext:
    project = SimpleNamespace(name="Cats", id=1)
    context = StatusContext(store=None, project=project, runs=runs,  # type: ignore[arg-type]
                            human_levels=HumanLevels((HumanLevel("expert", human),)))
    context.__dict__["checklist"] = ChecklistSettings()
    return context


def test_example_11_5_status_names_one_place() -> None:
    context = _context([Run("r1", created=datetime(2026, 1, 5), train_error=0.01,
                            dev_error=0.11)], 0.0)
    text = " ".join(line.text for line in (*diagnosis_lines(context),
                                           *checklist_lines(context)))
    assert "Work on variance: at 10.0 pts (dev − training) it is the largest gap." in text
    assert "Work on link 2, generalize to the training-dev set: its gap of 10.0 pts is the " \
           "largest above the tolerance of 0.5 pts. Next: link 1." in text
    assert "Work on link 1" not in text and "Work on avoidable bias" not in text


def two_sources_project(store: Store, *, tagged: int = 47, reviewed: int = 100) -> int:
    """Example 4.10's project: run r1 records dev error 5.2% on 2,500 examples, its uploaded
    predictions err on 1,030 of 10,000 dev examples; a review of `reviewed` mistakes with
    Blurry on `tagged`. Returns the project id."""
    project = store.projects.create("Two sources")
    store.runs.import_runs(project.id, [Run("r1", created=datetime(2026, 1, 5),
                                            train_error=0.02, dev_error=0.052, n_dev=2_500)],
                           source="test", fmt="generic")
    store.projects.set_human_levels(project.id, [("expert", 0.01)])
    (run,) = store.runs.list(project.id)
    rows = ["example_id,label,prediction,split"]
    rows += [f"e{i:05d},cat,{'dog' if i < 1_030 else 'cat'},dev" for i in range(10_000)]
    ea.import_predictions(store, project.id, run.key, "\n".join(rows).encode(), source="t")
    sample = ea.draw_sample(store, project.id, run.key, name="review", size=100, seed=7)
    blurry = ea.add_category(store, project.id, "Blurry")
    tags = ea.tags(store, sample.id)
    ea.save_tags(store, sample.id, [
        TagEdit(eid, frozenset({blurry.id}) if i < tagged else frozenset(), "", i < reviewed,
                int(version))
        for i, (eid, version) in enumerate(zip(tags["example_id"], tags["version"],
                                               strict=True))])
    return project.id


def test_example_11_6_the_error_analysis_line_names_both_dev_errors(store: Store) -> None:
    project_id = two_sources_project(store)
    (sample,) = ea.samples(store, project_id)
    analysis = ea.analyze_sample(store, sample.id)
    assert analysis.dev_error == approx(0.103)
    assert analysis.sources is not None and analysis.sources.disagree is True
    assert ea.overview_line(store, project_id) == (
        "Top error category: Blurry, 47% of 100 reviewed mistakes (review 'review'); fixing it "
        "cuts dev error from 10.3% (from the uploaded predictions; the run records 5.2%, a "
        "difference beyond noise: check which is right) to at best 5.5%.")
