"""Orthogonalization chain (docs/rules.md §2): link status, tolerance, link 5, the focus link
(the diagnosis focus, §1) and the links next, knobs."""

from __future__ import annotations

import pytest

from strategy_core.checklist import (
    LINK_NAMES,
    REAL_WORLD_ADVICE,
    REAL_WORLD_KNOBS,
    RealWorld,
    chain_verdict,
    evaluate_chain,
)
from strategy_core.diagnosis import GAP_ACTIONS, ErrorLevels, decompose
from strategy_core.errors import InputError
from strategy_core.rates import parse_rate


def levels(h=None, t=None, td=None, d=None, x=None) -> ErrorLevels:
    rates = [None if text is None else parse_rate(text) for text in (h, t, td, d, x)]
    return ErrorLevels(*rates)


def statuses(chain) -> list[str]:
    return [link.status for link in chain.links]


# docs/rules.md §1 worked examples read as a chain at the default tolerance (0.5 points).
@pytest.mark.parametrize(
    ("rates", "expected_statuses", "focus", "following"),
    [
        (
            ("1%", "8%", None, "10%", None),
            ["red", "red", "unknown", "unknown", "unknown"],
            "training", ("training_dev",),
        ),
        (
            ("7.5%", "8%", None, "10%", None),
            ["green", "red", "unknown", "unknown", "unknown"],
            "training_dev", (),
        ),
        (
            ("0.5%", "0.7%", None, "0.8%", None),
            ["green", "green", "unknown", "unknown", "unknown"],
            None, (),
        ),
        (
            ("0%", "1%", "1.5%", "10%", None),
            ["red", "green", "red", "unknown", "unknown"],
            "dev", ("training",),
        ),
        (
            ("0%", "0.3%", "0.6%", "10%", None),
            ["green", "green", "red", "unknown", "unknown"],
            "dev", (),
        ),
        (("4%", "7%", "10%", "6%", "6%"), ["red", "red", "green", "green", "unknown"],
         "training", ("training_dev",)),
        (("1%", "1%", "1%", "1.2%", "5%"), ["green", "green", "green", "red", "unknown"],
         "test", ()),
        (("0%", "1%", None, "11%", None), ["red", "red", "unknown", "unknown", "unknown"],
         "training_dev", ("training",)),
    ],
    ids=[
        "H1_T8_D10-bias_largest",
        "H7.5_T8_D10-bias_at_tolerance_green_variance_red",
        "H0.5_T0.7_D0.8-all_known_links_green",
        "H0_T1_TD1.5_D10-mismatch_largest_bias_1pt_next",
        "mismatch_only-dev_link_red",
        "H4_T7_TD10_D6_X6-tie_goes_to_link_1",
        "dev_overfitting_only-test_link_red",
        "MLY_ch21_H0_T1_D11-variance_not_link_1",
    ],
)
def test_link_statuses_focus_and_next(rates, expected_statuses, focus, following):
    chain = evaluate_chain(levels(*rates))
    assert [link.name for link in chain.links] == list(LINK_NAMES)
    assert statuses(chain) == expected_statuses
    assert chain.focus == focus
    assert chain.next == following


@pytest.mark.parametrize(
    ("h", "t", "tolerance", "status"),
    [
        (0.075, 0.08, 0.005, "green"),  # 0.0050000000000000044: equal, within slack
        (0.0, 0.005, 0.005, "green"),
        (0.0, 0.005 + 2e-9, 0.005, "red"),  # beyond the 1e-9 slack
        (0.0, 0.0051, 0.005, "red"),
        (0.0, 0.02, 0.02, "green"),
        (0.0, 0.0201, 0.02, "red"),
        (0.0, 0.0, 0.0, "green"),
        (0.0, 0.001, 0.0, "red"),
        (0.05, 0.04, 0.0, "green"),  # below human: negative gap is within tolerance
    ],
    ids=[
        "gap_equal_to_default_tolerance_typed_as_7.5_and_8",
        "gap_exactly_default_tolerance",
        "gap_2e-9_above_tolerance",
        "gap_0.51_points",
        "edited_tolerance_2_points-equal",
        "edited_tolerance_2_points-above",
        "zero_tolerance-zero_gap",
        "zero_tolerance-any_gap_red",
        "negative_gap",
    ],
)
def test_tolerance_is_inclusive(h, t, tolerance, status):
    chain = evaluate_chain(ErrorLevels(human=h, train=t), tolerance=tolerance)
    assert chain.link("training").status == status


def test_without_train_dev_link_2_uses_dev_minus_train_and_link_3_is_unknown():
    chain = evaluate_chain(levels("1%", "2%", None, "5%", "5.2%"))
    assert chain.link("training_dev").gap == pytest.approx(0.03)
    assert "no training-dev error" in chain.link("training_dev").description
    assert chain.link("dev").status == "unknown"
    assert chain.link("dev").missing == "record the training-dev error"
    assert chain.link("test").status == "green"


def test_unknown_links_say_what_to_record():
    chain = evaluate_chain(levels(None, None, None, "5%", None))
    assert statuses(chain) == ["unknown"] * 5
    assert chain.focus is None and chain.knobs == ()
    assert chain.link("training").missing == "record the human-level error and the training error"
    assert chain.link("test").missing == "record the test error"
    assert "unknown" in chain.reasons[0]


# --- link 5 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rates", "real_world", "gap", "status"),
    [
        (("1%", "1%", "1%", "1%", "2%"), RealWorld(production_error=0.025), 0.005, "green"),
        (("1%", "1%", "1%", "1%", "2%"), RealWorld(production_error=0.08), 0.06, "red"),
        (("1%", "1%", "1%", "3%", None), RealWorld(production_error=0.08), 0.05, "red"),
        (("1%", "1%", None, None, None), RealWorld(production_error=0.08), None, "unknown"),
        (("1%", "1%", "1%", "1%", "2%"), RealWorld("ok"), None, "green"),
        (("1%", "1%", "1%", "1%", "2%"), RealWorld("Not OK"), None, "red"),
        (("1%", "1%", "1%", "1%", "2%"), RealWorld("unknown"), None, "unknown"),
        (("1%", "1%", "1%", "1%", "2%"), None, None, "unknown"),
        (("1%", "1%", "1%", "1%", "2%"), RealWorld("ok", production_error=0.09), 0.07, "red"),
    ],
    ids=[
        "production_error_within_tolerance_of_test",
        "production_error_above_test",
        "production_error_against_dev_without_test",
        "production_error_with_nothing_to_compare",
        "team_judges_ok",
        "team_judges_not_ok",
        "team_unsure",
        "nothing_recorded",
        "recorded_production_error_wins_over_judgement",
    ],
)
def test_link_5_from_production_error_or_judgement(rates, real_world, gap, status):
    link = evaluate_chain(levels(*rates), real_world=real_world).link("real_world")
    assert link.status == status
    if gap is None:
        assert link.gap is None
    else:
        assert link.gap == pytest.approx(gap, abs=1e-12)


def test_link_5_red_gives_the_advice_to_change_the_dev_set_or_the_metric():
    chain = evaluate_chain(levels("1%", "1%", "1%", "1%", "1%"), real_world=RealWorld("not ok"))
    assert chain.focus == "real_world" and chain.next == ()
    assert [knob.text for knob in chain.knobs] == list(REAL_WORLD_KNOBS)
    assert "dev set" in chain.knobs[0].text and "metric" in chain.knobs[1].text
    assert chain.real_world_advice == REAL_WORLD_ADVICE
    assert "change the dev set or the metric" in REAL_WORLD_ADVICE
    assert REAL_WORLD_ADVICE in chain.reasons


def test_link_5_advice_stays_when_a_gap_link_is_the_focus():
    chain = evaluate_chain(levels("1%", "8%", None, "10%", None), real_world=RealWorld("not_ok"))
    assert chain.focus == "training"
    assert chain.next == ("training_dev", "real_world")
    assert chain.real_world_advice == REAL_WORLD_ADVICE


def test_bad_judgement_is_rejected():
    with pytest.raises(InputError):
        RealWorld("fine")
    with pytest.raises(InputError):
        RealWorld(production_error=1.2)


# --- knobs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rates", "focus", "gap"),
    [
        (("1%", "8%", None, "10%", None), "training", "avoidable_bias"),
        (("7.5%", "8%", None, "10%", None), "training_dev", "variance"),
        (("0%", "0.3%", "0.6%", "10%", None), "dev", "data_mismatch"),
        (("1%", "1%", "1%", "1.2%", "5%"), "test", "dev_overfitting"),
    ],
    ids=["bias_link", "variance_link", "mismatch_link", "dev_overfitting_link"],
)
def test_knobs_of_the_focus_link_are_the_spec_actions(rates, focus, gap):
    chain = evaluate_chain(levels(*rates))
    assert chain.focus == focus
    assert [knob.text for knob in chain.knobs][: len(GAP_ACTIONS[gap])] == list(GAP_ACTIONS[gap])


@pytest.mark.parametrize(
    ("rates", "other_link"),
    [
        (("1%", "8%", None, "10%", None), "training-dev"),
        (("7.5%", "8%", None, "10%", None), "training"),
    ],
    ids=[
        "bias_link-early_stopping_also_moves_variance",
        "variance_link-early_stopping_also_moves_bias",
    ],
)
def test_early_stopping_carries_a_warning_on_links_1_and_2(rates, other_link):
    chain = evaluate_chain(levels(*rates))
    early = [knob for knob in chain.knobs if "early stopping" in knob.text.lower()]
    assert len(early) == 1
    warning = early[0].warning
    assert "two links at once" in warning and f"re-check the {other_link} link" in warning
    assert any(f"Warning: {warning}" in text for text in chain.as_dict()["knobs"])
    # knobs shared by bias and variance (architecture, hyperparameter search) warn too
    shared = [knob for knob in chain.knobs if "hyperparameter search" in knob.text]
    assert shared and shared[0].warning is not None


def test_knobs_for_one_link_only_carry_no_warning():
    chain = evaluate_chain(levels("0%", "0.3%", "0.6%", "10%", None))
    assert chain.focus == "dev"
    assert all(knob.warning is None for knob in chain.knobs)
    assert not any("early stopping" in knob.text.lower() for knob in chain.knobs)


def test_no_knobs_when_nothing_is_red():
    chain = evaluate_chain(levels("1%", "1.2%", "1.4%", "1.6%", "1.8%"), real_world=RealWorld("ok"))
    assert statuses(chain) == ["green"] * 5
    assert chain.focus is None and chain.knobs == ()
    assert chain.reasons == (
        "Every link is green within 0.5 pts: no link needs work on these numbers.",
    )


# --- shape ----------------------------------------------------------------------------------


def test_as_dict_matches_the_checklist_command():
    data = evaluate_chain(levels("1%", "8%", None, "10%", None)).as_dict()
    assert set(data) == {"links", "focus", "runner_up", "focus_link", "next_links", "knobs"}
    assert [set(link) for link in data["links"]] == [{"name", "gap", "status"}] * 5
    assert data["links"][0] == {"name": "training", "gap": 0.07, "status": "red"}
    assert data["links"][2] == {"name": "dev", "gap": None, "status": "unknown"}
    assert (data["focus"], data["runner_up"]) == ("avoidable_bias", None)
    assert (data["focus_link"], data["next_links"]) == ("training", ["training_dev"])
    assert all(isinstance(knob, str) for knob in data["knobs"])


def test_levels_or_a_decomposition_give_the_same_chain():
    rates = levels("1%", "8%", "9%", "10%", "11%")
    assert evaluate_chain(rates) == evaluate_chain(decompose(rates))


def test_every_link_has_a_title_and_a_description():
    chain = evaluate_chain(levels("1%", "8%", "9%", "10%", "11%"))
    assert [link.number for link in chain.links] == [1, 2, 3, 4, 5]
    assert all(link.title and link.description for link in chain.links)


@pytest.mark.parametrize("tolerance", [-0.001, 1.5, True], ids=["negative", "above_1", "bool"])
def test_bad_tolerance_is_rejected(tolerance):
    with pytest.raises(InputError):
        evaluate_chain(levels("1%", "2%", None, "3%", None), tolerance=tolerance)


# --- the verdict sentence (the decision recorded from the checklist page) -------------------


@pytest.mark.parametrize(
    ("rates", "real_world", "run_name", "expected"),
    [
        (("1%", "8%", None, "10%", None), None, "baseline",
         "Work on link 1 of run baseline, fit the training set to about human level: its gap "
         "of 7.0 pts is the largest above the tolerance of 0.5 pts."),
        (("0.5%", "1%", "1.5%", "2.9%", "3.3%"), None, None,
         "Work on link 3, generalize to the dev set: its gap of 1.4 pts is the largest above "
         "the tolerance of 0.5 pts."),
        (("1%", "1%", "1%", "1%", "1%"), RealWorld("not_ok"), None,
         "Work on link 5, do well in the real world: the team judges that the model falls "
         "short there."),
        (("0.5%", "0.7%", None, "0.8%", None), None, None,
         "No link is red within 0.5 pts; fill in the unknown links to be sure."),
        (("1%", "1.2%", "1.4%", "1.6%", "1.8%"), RealWorld("ok"), "r",
         "Every link of run r is green within 0.5 pts: no link needs work on these numbers."),
    ],
    ids=["H1_T8_D10-link_1", "demo_newest_run-link_3", "team_judges_real_world_not_ok",
         "no_red_but_unknown_links", "all_green"],
)
def test_chain_verdict(rates, real_world, run_name, expected):
    assert chain_verdict(evaluate_chain(levels(*rates), real_world=real_world),
                         run_name) == expected
