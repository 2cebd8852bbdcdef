"""The report's six-box, learning-curve and Optimization Verification sections (issue 17,
one answer): on both demos their text is the verdict and the sentences `six-box`,
`learning-curve` and `verify-optimization` give (the use cases the pages call), and a
section without data says so."""

from __future__ import annotations

import pytest

from strategy_core.report import to_html, to_markdown
from strategy_core.report.model import Section
from strategy_core.store import Store
from tests.app.test_one_answer import section_text
from tests.cli.test_runs_cli import cli_json
from tests.core.test_report import plain_markdown, squeeze, visible_html

CAT, SPEECH = "cat-classifier-demo", "speech-recognition-demo"


def _report(store: Store, slug: str):  # noqa: ANN202 - a Report
    from strategy_core.usecases.report import build_report

    project = store.projects.by_slug(slug)
    assert project is not None
    report = build_report(store, project)
    assert report.skipped == ()
    return report


def _titled(headline: str, tentative: bool) -> str:
    return headline + (" (tentative)" if tentative else "")


@pytest.mark.parametrize("slug", [CAT, SPEECH])
def test_six_box_section_is_the_commands(demo_store: Store, capsys, slug: str) -> None:
    data = cli_json(capsys, "six-box", "--project", slug)
    report = _report(demo_store, slug)
    section = report.section("six_box")
    text = section_text(section)
    assert section.has_data and data["notes"]
    assert [b.text for b in section.blocks if getattr(b, "style", "") == "verdict"] \
        == data["notes"]
    for gap in data["gaps"].values():
        assert gap["sentence"] in text
    assert f"run {data['run']}" in squeeze(plain_markdown(to_markdown(report)))
    assert data["notes"][0] in squeeze(visible_html(to_html(report)))


def test_learning_curve_section_is_the_commands(demo_store: Store, capsys) -> None:
    cat = cli_json(capsys, "learning-curve", "--project", CAT)
    section = _report(demo_store, CAT).section("learning_curve")
    assert cat["verdict"] == "bias" and cat["source"] == "history" and section.has_data
    assert section.blocks[0].text == f"{_titled(cat['headline'], cat['tentative'])}."  # type: ignore[union-attr]
    assert section.blocks[1].items == tuple(cat["reasons"])  # type: ignore[union-attr]
    assert f"{cat['run']}, step 8" in section_text(section)
    speech = cli_json(capsys, "learning-curve", "--project", SPEECH)
    section = _report(demo_store, SPEECH).section("learning_curve")
    assert section.has_data
    assert section.blocks[0].text == f"{_titled(speech['headline'], speech['tentative'])}."  # type: ignore[union-attr]
    assert section.blocks[1].items == tuple(speech["reasons"])  # type: ignore[union-attr]
    sizes = [f"{p['size']:,}" for p in speech["points"]]
    assert sizes and all(size in section_text(section) for size in sizes)


def test_optimization_section_is_the_commands(demo_store: Store, capsys) -> None:
    speech = cli_json(capsys, "verify-optimization", "--project", SPEECH)
    report = _report(demo_store, SPEECH)
    section = report.section("optimization")
    assert section.has_data
    assert section.blocks[0].text == f"{_titled(speech['headline'], speech['tentative'])}."  # type: ignore[union-attr]
    assert section.blocks[-1].items == tuple(speech["reasons"])  # type: ignore[union-attr]
    text = section_text(section)
    assert f"{speech['reviewed']}" in text and speech["run"] in squeeze(
        plain_markdown(to_markdown(report)))
    assert "The objective (scoring function) is at fault." in squeeze(
        visible_html(to_html(report)))
    cat = cli_json(capsys, "verify-optimization", "--project", CAT)
    section = _report(demo_store, CAT).section("optimization")
    assert cat["verdict"] == "none" and not section.has_data
    assert "No Optimization Verification test yet" in section_text(section)


def test_sections_without_runs_say_so(store: Store) -> None:
    store.projects.create("Empty canon")
    report = _report(store, "empty-canon")
    for key, words in (("six_box", "No six-box table yet"),
                       ("learning_curve", "No learning curve yet"),
                       ("optimization", "No Optimization Verification test yet")):
        section: Section = report.section(key)
        assert not section.has_data and words in section_text(section), key
