"""Chart builders of the error-analysis page: shares with Wilson whiskers and the ceiling
annotated, eyeball vs blackbox error per run."""

from __future__ import annotations

import pytest

from strategy_core.charts.error_analysis import (
    eyeball_chart,
    eyeball_frame,
    shares_chart,
    shares_frame,
)
from strategy_core.error_analysis import (
    INCORRECTLY_LABELED,
    RunSplitErrors,
    eyeball_blackbox,
    summarize_review,
)

CAT_REVIEW = {"Dog": 8, "Great cat": 43, "Blurry": 61, INCORRECTLY_LABELED: 6}


def test_shares_frame_is_sorted_by_share_with_ceiling_annotations():
    frame = shares_frame(summarize_review("10%", 100, CAT_REVIEW))
    assert frame["category"].tolist() == ["Blurry", "Great cat", "Dog", INCORRECTLY_LABELED]
    assert frame["share"].tolist() == pytest.approx([0.61, 0.43, 0.08, 0.06])
    assert frame["annotation"][0] == "ceiling 6.10 pts → at best 3.90%"
    assert (frame["share_low"] <= frame["share"]).all()
    assert (frame["share"] <= frame["share_high"]).all()


def test_shares_chart_layers_bars_whiskers_and_ceiling_text():
    spec = shares_chart(summarize_review("10%", 100, CAT_REVIEW)).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["bar", "rule", "tick", "tick", "text"]
    assert spec["layer"][1]["encoding"]["x2"]["field"] == "share_high"
    assert spec["layer"][4]["encoding"]["text"]["field"] == "annotation"
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["Blurry", "Great cat", "Dog",
                                                         INCORRECTLY_LABELED]
    assert "10.0%" in spec["title"]["text"]


def test_eyeball_chart_has_both_sets_per_run_in_creation_order():
    check = eyeball_blackbox([RunSplitErrors("new", 1, 40, 2000, 320, 8000),
                              RunSplitErrors("old", 0, 100, 2000, 400, 8000)])
    frame = eyeball_frame(check)
    assert frame["run"].tolist() == ["old", "old", "new", "new"]
    assert frame["set"].tolist() == ["eyeball", "blackbox"] * 2
    assert frame["error"].tolist() == pytest.approx([0.05, 0.05, 0.02, 0.04])
    spec = eyeball_chart(check).to_dict()
    assert spec["encoding"]["x"]["sort"] == ["old", "new"]
