"""The project report: one structure rendered as Markdown and as a
self-contained HTML file. The demo's report holds every section and its key numbers; an
empty project's report says there is no data; untrusted text stays text in both formats;
the HTML loads nothing from the network and draws its charts as inline SVG; big projects
stay readable and fast."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest

import strategy_core.report.html as report_html
import strategy_core.usecases.report as report_usecase
from strategy_core.errors import InputError
from strategy_core.markdown import escape
from strategy_core.metrics import Constraint, Objective, SelectionDefinition
from strategy_core.report import (
    SECTION_TITLES,
    Figure,
    Report,
    Table,
    render,
    report_file_name,
    to_html,
    to_markdown,
)
from strategy_core.report.model import NEWEST_RUNS, TREND_RUNS
from strategy_core.runs import Run
from strategy_core.sizing import EXAMPLE_PLAN, PLAN_SETTING
from strategy_core.store import Store, open_store
from strategy_core.store.projects import Project
from strategy_core.usecases.checklist import save_note
from strategy_core.usecases.demo import seed_demo
from strategy_core.usecases.report import build_report, project_report
from strategy_core.usecases.status import project_status

DAY = date(2026, 11, 21)
DEMO = "cat-classifier-demo"
HOSTILE = "<script>alert(1)</script> **md** [x](https://evil.example/p)"


def demo_project(store: Store) -> Project:
    project = store.projects.by_slug(DEMO)
    assert project is not None
    return project


def plain_markdown(text: str) -> str:
    """Markdown as a reader sees it rendered: emphasis marks dropped, escapes removed."""
    return re.sub(r"\\(.)", r"\1", re.sub(r"(?<!\\)\*", "", text))


def visible_html(text: str) -> str:
    """The text of an HTML report outside tags, unescaped (SVG text included)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def squeeze(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Report]:
    """The demo's report, built once for the module from its own database."""
    store = open_store(str(tmp_path_factory.mktemp("report") / "demo.duckdb"))
    assert seed_demo(store)
    yield build_report(store, demo_project(store), generated_on=DAY)
    store.database.close()


@pytest.fixture(scope="module")
def demo_files(demo_report: Report) -> tuple[str, str]:
    return to_markdown(demo_report), to_html(demo_report)


# --- the demo project ------------------------------------------------------------------------


def test_demo_report_has_every_section_in_order_with_data(demo_report: Report):
    assert demo_report.section_titles == list(SECTION_TITLES.values())
    assert demo_report.skipped == ()
    with_data = {section.key: section.has_data for section in demo_report.sections}
    # The cat demo has no scored mistakes (its learning curve is a run's history).
    assert with_data == {key: key != "optimization" for key in SECTION_TITLES}
    assert demo_report.title == "Cat classifier (demo): project report"
    assert demo_report.date_text == "21 November 2026"


# (what, text a reader must find): the key numbers of each section of the demo.
DEMO_FACTS = [
    ("title", "Cat classifier (demo): project report"),
    ("date", "Generated on 21 November 2026"),
    ("runs count and range", "10 runs recorded, created between 2026-08-03 and 2026-11-16."),
    ("newest run in the table", "efficientnet-b3-mobile"),
    ("focus", "Data mismatch"),
    ("focus size", "1.4 pts"),
    ("verdict", "Work on data mismatch for run efficientnet-b3-mobile: at 1.4 pts "
                "(dev − training-dev) it is the largest gap."),
    ("human level", "0.5% (team of experts"),
    ("trend", "Data mismatch has been the focus for the last 5 runs: fell from 3.4 pts to "
              "1.4 pts since resnet50-dropout."),
    ("first red link", "Work on link 3, generalize to the dev set"),
    ("knob of the red link", "Do a manual error analysis to see how the training data "
                             "differs from the dev set."),
    ("metric definition", "Optimize dev_error (lower is better) subject to latency_ms ≤ 100."),
    ("winner", "resnet50-mobile-5k wins with the lowest dev_error (3.2%)"),
    ("infeasible run", "latency_ms is 121.5, needs ≤ 100"),
    ("top category", "Blurry"),
    ("top category's share", "43.3%"),
    ("top category's interval", "31.6% to 55.9%"),
    ("ceiling", "Fixing Blurry could cut dev error from 2.9% to at best 1.7%."),
    ("adequacy", "review adequacy: good"),
    ("mislabeled verdict", "Mislabeled examples: not a priority."),
    ("separation", "the 2,500-example dev set is too small to tell them apart (needs 14,815)"),
    ("no split plan", "No split plan is saved for this project"),
    ("decision in force", "Work on data mismatch: collect and synthesize mobile-like "
                          "training photos"),
    ("superseded decision", "Work on variance: add dropout and data augmentation"),
]
DEMO_FACT_IDS = [fact[0] for fact in DEMO_FACTS]


@pytest.mark.parametrize(("what", "fact"), DEMO_FACTS, ids=DEMO_FACT_IDS)
def test_demo_markdown_states_each_key_number(demo_files, what, fact):
    markdown, _ = demo_files
    assert fact in squeeze(plain_markdown(markdown)), what


@pytest.mark.parametrize(("what", "fact"), DEMO_FACTS, ids=DEMO_FACT_IDS)
def test_demo_html_states_each_key_number(demo_files, what, fact):
    _, page = demo_files
    assert fact in squeeze(visible_html(page)), what


def test_both_formats_hold_every_section_title(demo_files):
    markdown, page = demo_files
    headings = re.findall(r"^## (.+)$", markdown, re.M)
    assert [plain_markdown(h) for h in headings] == list(SECTION_TITLES.values())
    html_headings = re.findall(r"<h2 id=\"[a-z_]+-title\">(.*?)</h2>", page)
    assert [html.unescape(h) for h in html_headings] == list(SECTION_TITLES.values())
    assert markdown.startswith("# Cat classifier \\(demo\\)\\: project report\n")


def test_demo_status_paragraph_is_the_overviews(demo_store: Store):
    status = project_status(demo_store, demo_project(demo_store))
    lead = build_report(demo_store, demo_project(demo_store)).section("status").blocks[0]
    assert status.paragraph == f"{status.project}: {lead.text}"  # type: ignore[union-attr]


def test_demo_html_draws_the_charts_inline(demo_files):
    _, page = demo_files
    # staircase, trend, learning curve, chain, selection, shares, separation
    assert page.count("<svg") == 7
    assert page.count("</svg>") == 7
    assert "This chart could not be drawn" not in page
    labels = re.findall(r'<svg[^>]*aria-label="([^"]*)"', page)
    assert "Error levels of efficientnet-b3-mobile" in labels
    assert "Share of each category" in labels
    # The charts' own text is there to read (axis labels, the focus marker).
    assert "Training-dev" in page and "+1.4 pts · focus" in page


def test_markdown_says_where_the_charts_are(demo_files):
    markdown, _ = demo_files
    assert "<svg" not in markdown
    assert plain_markdown(markdown).count("(The HTML version of this report shows the chart.)") \
        == 7


def test_markdown_tables_are_well_formed(demo_files):
    markdown, _ = demo_files
    cells = re.compile(r"(?<!\\)\|")
    tables = re.findall(r"((?:^\|.*\|$\n?)+)", markdown, re.M)
    assert len(tables) >= 6
    for table in tables:
        rows = table.strip().splitlines()
        widths = {len(cells.findall(row)) for row in rows}
        assert len(widths) == 1, rows[:3]
        assert re.fullmatch(r"\|( ---:? \|)+", rows[1]), rows[1]


def test_demo_report_builds_in_a_few_seconds(demo_store: Store):
    started = time.perf_counter()
    report = build_report(demo_store, demo_project(demo_store))
    to_markdown(report)
    to_html(report)
    assert time.perf_counter() - started < 10


# --- a project without data ------------------------------------------------------------------

EMPTY_MESSAGES = {
    "runs": "No runs are recorded yet.",
    "diagnosis": "No diagnosis yet",
    "checklist": "No checklist yet",
    "metrics": "No metric definition yet",
    "six_box": "No six-box table yet",
    "learning_curve": "No learning curve yet.",
    "error_analysis": "No error analysis yet.",
    "optimization": "No Optimization Verification test yet",
    "sizing": "Nothing to size yet",
    "decisions": "No decisions recorded yet.",
}


def test_empty_project_says_there_is_no_data_in_every_section(store: Store):
    project = store.projects.create("Phone cats")
    report = build_report(store, project, generated_on=DAY)
    assert report.section_titles == list(SECTION_TITLES.values())
    assert [s.key for s in report.sections if s.has_data] == ["status"]
    markdown, page = plain_markdown(to_markdown(report)), visible_html(to_html(report))
    for key, message in EMPTY_MESSAGES.items():
        section = report.section(key)
        assert section.blocks[0].style == "empty", key  # type: ignore[union-attr]
        assert message in squeeze(markdown), key
        assert message in squeeze(page), key
    assert "No runs are recorded yet: upload the team's run results" in squeeze(page)
    assert "<svg" not in to_html(report)
    assert not any(isinstance(b, Table) for s in report.sections for b in s.blocks)


def test_runs_without_error_levels_get_no_empty_charts(store: Store):
    project = store.projects.create("Latency only")
    store.runs.import_runs(project.id, [Run(name="a", metrics={"latency_ms": 3.0}),
                                        Run(name="b", metrics={"latency_ms": 4.0})],
                           source="runs.csv", fmt="generic")
    report = build_report(store, store.projects.get(project.id), generated_on=DAY)
    assert report.skipped == ()
    diagnosis = report.section("diagnosis")
    assert diagnosis.blocks[0].text == ("No diagnosis for run b: record the training and dev "
                                        "errors first.")  # type: ignore[union-attr]
    assert not [b for b in diagnosis.blocks if isinstance(b, Figure)]
    text = plain_markdown(to_markdown(report))
    assert "The trend across runs needs at least two runs with their error levels." in text
    assert "| b | – | – | – | – | – | – |" in text


# --- untrusted text stays text ---------------------------------------------------------------


@pytest.fixture
def hostile(store: Store) -> tuple[Store, Project]:
    """A project where every piece of user text tries to be markup."""
    project = store.projects.create("<script>alert('p')</script> **Project**")
    runs = [Run(name=f"{HOSTILE} #{i}", train_error=0.02 + i / 100, train_dev_error=0.05,
                dev_error=0.08 - i / 100, test_error=0.09, n_dev=1000,
                metrics={"latency_ms": 50 + 60 * i}) for i in range(3)]
    store.runs.import_runs(project.id, runs, source="hostile.csv", fmt="generic")
    store.projects.set_human_levels(project.id, [("<b>expert</b> **bold**", 0.01)])
    save_note(store, project.id, "dev", HOSTILE)
    store.metric_log.save_definition(
        project.id, SelectionDefinition(Objective("dev_error", "min"),
                                        (Constraint("latency_ms", "<=", 100.0),)),
        expected=None, author="<i>Ann</i>")
    store.metric_log.add(project.id, "dev_set", "<img src=x onerror=alert(1)>", HOSTILE,
                         "**Bob**", "2026-11-02")
    first = store.decisions.record(project.id, "diagnosis", "<script>verdict</script>", {},
                                   HOSTILE, "<b>Cy</b>")
    store.decisions.record(project.id, "other", "**Second** decision", {}, "`code`",
                           "Dee", supersedes=first.id)
    store.projects.set_setting(project.id, PLAN_SETTING, {
        "sources": [{"source": "<script>web</script>", "count": 20_000},
                    {"source": "**mobile**", "count": 4_000}],
        "target": "**mobile**", "dev": None, "test": None})
    return store, store.projects.get(project.id)


def test_user_text_is_escaped_in_html(hostile):
    store, project = hostile
    page = to_html(build_report(store, project, generated_on=DAY))
    assert not re.search(r"<\s*script", page, re.I)
    assert "<img" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "**md**" in page  # Markdown means nothing in HTML: shown as typed
    text = visible_html(page)
    for typed in (HOSTILE, "<b>expert</b> **bold**", "<script>verdict</script>", "<i>Ann</i>",
                  "<script>web</script>"):
        assert typed in text, typed
    # The run names are also axis labels of the trend chart (runs without dates), and
    # stay text there.
    assert page.count("<svg") >= 3


def test_user_text_is_escaped_in_markdown(hostile):
    store, project = hostile
    markdown = to_markdown(build_report(store, project, generated_on=DAY))
    assert not re.search(r"(?<!\\)<", markdown), "every < is escaped"
    assert "**md**" not in markdown and "**Project**" not in markdown
    assert "](https://" not in markdown and "`code`" not in markdown
    assert escape(HOSTILE) in markdown
    assert escape("<script>verdict</script>") in markdown
    for typed in (HOSTILE, "<b>expert</b> **bold**", "**Second** decision", "`code`",
                  "<img src=x onerror=alert(1)>", "<script>web</script>"):
        assert typed in plain_markdown(markdown), typed


def test_html_loads_nothing_from_the_network(demo_files, hostile):
    store, project = hostile
    for page in (demo_files[1], to_html(build_report(store, project, generated_on=DAY))):
        assert not re.search(r"<\s*script", page, re.I)
        assert not re.search(r"<\s*(link|iframe|object|embed|img|base)\b", page, re.I)
        assert not re.search(r"\b(src|href|action|xlink:href)\s*=\s*[\"']?\s*"
                             r"(https?:|//|ftp:|file:)", page, re.I)
        assert not re.search(r"url\(|@import", page, re.I)
        # The only links are the table of contents' anchors.
        assert set(re.findall(r"\bhref=\"([^\"]*)\"", page)) <= {
            f"#{key}" for key in SECTION_TITLES}
        # No address is written out except inside escaped user text.
        assert "http://" not in page
        assert page.count("https://") == page.count("https://evil.example/p")
        assert "default-src 'none'" in page


def test_a_chart_with_unsafe_markup_is_left_out(demo_report: Report, monkeypatch):
    monkeypatch.setattr(report_html, "chart_svgs", lambda figures:
                        ['<svg width="10"><script>alert(1)</script></svg>'] * len(figures))
    page = to_html(demo_report)
    assert "<script" not in page and "<svg" not in page
    assert page.count("This chart could not be drawn.") == 7


def test_a_chart_that_cannot_be_drawn_leaves_its_caption(demo_report: Report, monkeypatch):
    def broken(figures):
        raise RuntimeError("no renderer")

    monkeypatch.setattr(report_html, "chart_svgs", broken)
    page = to_html(demo_report)
    assert page.count("This chart could not be drawn.") == 7
    assert "Error levels of efficientnet-b3-mobile." in page


def test_a_broken_feature_leaves_the_rest_of_the_report(demo_store: Store, monkeypatch):
    def broken(store, sample_id, dev_error=None):
        raise RuntimeError("reviews table is gone")

    monkeypatch.setattr(report_usecase, "analyze_sample", broken)
    report = build_report(demo_store, demo_project(demo_store), generated_on=DAY)
    assert report.section_titles == list(SECTION_TITLES.values())
    assert report.skipped == ("error_analysis: RuntimeError: reviews table is gone",)
    assert not report.section("error_analysis").has_data
    assert "could not be built" in plain_markdown(to_markdown(report))
    assert report.section("diagnosis").has_data and report.section("sizing").has_data


# --- sections fed by what the team saved ------------------------------------------------------


def test_decisions_in_force_and_superseded(store: Store):
    project = store.projects.create("Decisions only")
    store.runs.save_run(project.id, Run(name="only-run", train_error=0.05, dev_error=0.1))
    first = store.decisions.record(project.id, "diagnosis", "Work on data mismatch",
                                        {"focus": "data_mismatch"}, "Dev photos are mobile.",
                                        "Ann")
    store.decisions.record(project.id, "error_analysis", "Fix blurry images first", {},
                                "Largest ceiling.", "Bob")
    third = store.decisions.record(project.id, "diagnosis", "Collect mobile photos", {},
                                        "Synthesis stalled.", "", supersedes=first.id)
    report = build_report(store, project, generated_on=DAY)
    section = report.section("decisions")
    assert section.has_data
    active, superseded = [b for b in section.blocks if isinstance(b, Table)]
    assert active.columns == ("#", "Date", "Page", "Decision", "Rationale", "By")
    assert [row[3] for row in active.rows] == ["Collect mobile photos", "Fix blurry images first"]
    assert active.rows[0][5] == "–"  # no author given
    assert superseded.rows == ((f"#{first.id}", first.decided_at.strftime("%Y-%m-%d"),
                                "Human-level & bias/variance", "Work on data mismatch",
                                "Dev photos are mobile.", "Ann", f"#{third.id}"),)
    text = plain_markdown(to_markdown(report))
    assert "2 decisions in force, 1 superseded by a later one." in text
    glance = report.section("status").blocks[1]
    assert ("Decisions in force", "2") in glance.rows  # type: ignore[union-attr]


def test_saved_metric_definition_and_change_log(demo_store: Store):
    project = demo_project(demo_store)
    definition = SelectionDefinition(Objective("dev_error", "min"),
                                     (Constraint("latency_ms", "<=", 50.0),))
    demo_store.metric_log.save_definition(project.id, definition, expected=None, author="Ann")
    demo_store.metric_log.add(project.id, "dev_set", "added 5,000 mobile photos",
                              "Dev set did not reflect phone users.", "Bob", "2026-11-01")
    text = squeeze(plain_markdown(to_markdown(build_report(demo_store, project,
                                                           generated_on=DAY))))
    assert "The team's metric: Optimize dev_error (lower is better) subject to latency_ms " \
           "≤ 50. Saved by Ann on" in text
    assert "resnet50-mobile-5k wins with the lowest dev_error (3.2%)" in text
    assert "| 2026-11-01 | Dev set: added 5,000 mobile photos | Dev set did not reflect phone " \
           "users. | Bob |" in text
    # The first save of a definition is logged too.
    assert "First saved definition of the team's metric." in text


def test_saved_split_plan(demo_store: Store):
    project = demo_project(demo_store)
    demo_store.projects.set_setting(project.id, PLAN_SETTING, EXAMPLE_PLAN.as_setting())
    report = build_report(demo_store, project, generated_on=DAY)
    plan = next(b for b in report.section("sizing").blocks
                if isinstance(b, Table) and b.columns[0] == "Source")
    # docs/rules.md §6: 200,000 web + 10,000 mobile, target mobile.
    assert plan.rows == (("web", "197,561", "2,439", "0", "0"),
                         ("mobile", "4,939", "61", "2,500", "2,500"))
    assert "Where each source goes" in [b.title for b in report.section("sizing").blocks
                                        if isinstance(b, Figure)]


def test_team_note_and_tolerance_on_the_checklist(demo_store: Store):
    project = demo_project(demo_store)
    save_note(demo_store, project.id, "dev", "Mobile photos arrive next sprint.")
    section = build_report(demo_store, project, generated_on=DAY).section("checklist")
    table = next(b for b in section.blocks if isinstance(b, Table))
    assert table.rows[2][1:3] == ("Generalize to the dev set", "1.4 pts")
    assert table.rows[2][3].text == "red · focus"  # type: ignore[union-attr]
    assert table.rows[2][4] == "Mobile photos arrive next sprint."


# --- big projects -------------------------------------------------------------------------------


def test_five_thousand_runs_stay_readable_and_fast(store: Store):
    project = store.projects.create("Big sweep")
    start = datetime(2025, 1, 1)
    runs = [Run(name=f"sweep-{i:04d}", created=start + timedelta(hours=i),
                train_error=0.05 + (i % 7) / 1000, train_dev_error=0.08 + (i % 5) / 1000,
                dev_error=0.10 + (i % 11) / 1000, test_error=0.11, n_train=100_000,
                n_train_dev=5_000, n_dev=5_000, n_test=5_000,
                metrics={"latency_ms": float(20 + i % 150)}) for i in range(5_000)]
    store.runs.import_runs(project.id, runs, source="sweep.csv", fmt="generic")
    store.projects.set_human_levels(project.id, [("expert", 0.02)])
    project = store.projects.get(project.id)
    started = time.perf_counter()
    report = build_report(store, project, generated_on=DAY)
    markdown, page = to_markdown(report), to_html(report)
    assert time.perf_counter() - started < 20
    assert report.skipped == ()
    runs_table = next(b for b in report.section("runs").blocks if isinstance(b, Table))
    assert len(runs_table.rows) == NEWEST_RUNS
    assert runs_table.rows[0][0] == "sweep-4999"
    assert runs_table.caption == f"The newest {NEWEST_RUNS} of 5,000 runs, newest first."
    assert f"the newest {TREND_RUNS} of 5,000 runs" in plain_markdown(markdown)
    assert len(page) < 1_500_000 and len(markdown) < 100_000


# --- formats ------------------------------------------------------------------------------------


def test_render_and_file_names(demo_report: Report, demo_store: Store):
    assert render(demo_report, "md") == to_markdown(demo_report)
    assert render(demo_report, "html") == to_html(demo_report)
    with pytest.raises(InputError, match="unknown report format 'pdf'"):
        render(demo_report, "pdf")
    with pytest.raises(InputError, match="use md or html"):
        project_report(demo_store, demo_project(demo_store), "docx")
    assert report_file_name(demo_report, "html") == "cat-classifier-demo-report-2026-11-21.html"
    assert report_file_name(demo_report, "md") == "cat-classifier-demo-report-2026-11-21.md"
