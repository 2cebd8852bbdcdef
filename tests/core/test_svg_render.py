"""Charts are drawn in a child process (docs/rules.md, "Text from users and files"): the
renderer's native crash on an XML-illegal character once aborted the whole server."""

from __future__ import annotations

import os

from strategy_core import svg_render


def bar_spec(label: str) -> dict:
    return {"mark": "bar", "data": {"values": [{"run": label, "error": 0.07}]},
            "encoding": {"x": {"field": "run", "type": "nominal"},
                         "y": {"field": "error", "type": "quantitative"}}}


def test_the_renderer_really_crashes_on_a_vertical_tab_but_only_its_child_dies():
    """Uncleaned, the spec that aborted the server kills the child; this process lives."""
    assert svg_render._run_child([bar_spec("r\x0bvt")], None) is None
    assert os.getpid()  # still here


def test_cleaned_specs_draw_and_keep_their_order():
    drawn = svg_render.render_svgs([bar_spec("r\x0bvt"), bar_spec("plain")])
    assert all(svg is not None and svg.lstrip().startswith("<svg") for svg in drawn)
    assert "rvt" in drawn[0] and "plain" in drawn[1]


def test_a_child_that_dies_costs_only_the_chart_that_killed_it(monkeypatch):
    """If the whole batch's child dies, each chart is drawn alone: the good ones survive."""
    real = svg_render._run_child

    def fragile(specs, version):
        if any(spec["data"]["values"][0]["run"] == "poison" for spec in specs):
            return None  # what a child killed by SIGABRT gives back
        return real(specs, version)

    monkeypatch.setattr(svg_render, "_run_child", fragile)
    drawn = svg_render.render_svgs([bar_spec("good"), bar_spec("poison"), bar_spec("fine")])
    assert drawn[1] is None
    assert "good" in drawn[0] and "fine" in drawn[2]


def test_nothing_to_draw_starts_no_child(monkeypatch):
    monkeypatch.setattr(svg_render, "_run_child", lambda *a: (_ for _ in ()).throw(
        AssertionError("no child for no charts")))
    assert svg_render.render_svgs([]) == []
