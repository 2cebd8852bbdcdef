"""The Sizing page's mean-metric calculator through AppTest (docs/rules.md §17): shown only
when the project's metric is no rate, its answers are the use case's numbers read in the
metric's units, and bad input is a message in place."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from strategy_core.markdown import escape
from strategy_core.project_metric import PRESETS, with_changes
from strategy_core.sizing import mean_metric_plan
from strategy_core.store import Store, open_store
from strategy_core.usecases.project_metric import save_project_metric
from tests.app.conftest import assert_no_exception, open_page, project_id

SLUG = "age-regressor"
MAE_YEARS = with_changes(PRESETS["mae"], unit="years")


@pytest.fixture
def store(isolated_db: Path) -> Store:
    """An empty project "Age regressor" in the app's database."""
    opened = open_store(str(isolated_db))
    opened.projects.create("Age regressor")
    return opened


def set_metric(store: Store, metric=MAE_YEARS) -> None:
    save_project_metric(store, project_id(store, SLUG), metric, expected=0)


def sizing_page() -> AppTest:
    return open_page("sizing", SLUG, "Dev/test sizing & splits")


def texts(elements) -> str:
    return "\n".join(e.value for e in elements)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_an_error_rate_project_has_no_mean_metric_tab(store: Store):
    at = sizing_page()
    assert "Mean metric" not in [tab.label for tab in at.tabs]
    assert not [w for w in at.number_input if (w.key or "").startswith("sizing_mean")]


def test_mae_project_answers_in_years(store: Store):
    set_metric(store)
    at = sizing_page()
    assert at.tabs[0].label == "Mean metric"
    assert "is no rate" in texts(at.caption)
    assert "Enter the per-example standard deviation" in texts(at.info)
    at.number_input(key="sizing_mean_sd").set_value(2.0)
    at.number_input(key="sizing_mean_n").set_value(400).run()
    assert_no_exception(at)
    shown = metrics(at)
    assert shown["Half-width at n = 400"] == "±0.196 years"
    assert shown["Smallest detectable δ (unpaired)"] == "0.396 years"
    assert shown["n for target half-width"] == "–"
    assert escape("known to within ±0.196 years (95% confidence)") in texts(at.markdown)

    at.number_input(key="sizing_mean_target").set_value(0.2)
    at.number_input(key="sizing_mean_delta").set_value(0.5).run()
    shown = metrics(at)
    assert shown["n for target half-width"] == "385"
    assert shown["n to detect δ (unpaired)"] == "252"

    at.number_input(key="sizing_mean_paired").set_value(1.0).run()
    shown = metrics(at)
    expected = mean_metric_plan(2.0, 400, target_half_width=0.2, delta=0.5, paired_sd=1.0)
    assert shown["n to detect δ (paired)"] == f"{expected.detection.paired_n_needed:,}" == "32"
    assert shown["Smallest detectable δ (paired)"] == "0.140 years"
    assert escape("252 examples per model") in texts(at.markdown)


def test_bad_sigma_is_a_message_in_place(store: Store):
    set_metric(store)
    at = sizing_page()
    at.number_input(key="sizing_mean_sd").set_value(0.0).run()
    assert_no_exception(at)
    assert "must be larger than 0" in texts(at.error)


def test_a_percentage_metric_is_typed_in_points(store: Store):
    set_metric(store, PRESETS["wer"])
    at = sizing_page()
    sd = at.number_input(key="sizing_mean_sd")
    assert sd.label == "Per-example σ (pts)"
    sd.set_value(15.0)
    at.number_input(key="sizing_mean_n").set_value(400)
    at.number_input(key="sizing_mean_delta").set_value(2.0).run()
    assert_no_exception(at)
    shown = metrics(at)
    assert shown["Half-width at n = 400"] == "±1.5 pts"
    expected = mean_metric_plan(0.15, 400, delta=0.02).detection.n_needed
    assert shown["n to detect δ (unpaired)"] == f"{expected:,}" == "883"
