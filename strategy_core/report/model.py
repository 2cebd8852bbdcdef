"""The project report as plain data: sections of paragraphs, bullet lists, tables and
charts (docs/rules.md section 11). Built by `strategy_core.usecases.report`, rendered by
`strategy_core.report.markdown` and `strategy_core.report.html`, so the two formats never
drift apart. Every text in the data is plain text; the renderers escape it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

FORMATS: dict[str, str] = {"md": "Markdown", "html": "HTML"}
MEDIA_TYPES: dict[str, str] = {"md": "text/markdown", "html": "text/html"}

# Section keys and titles, in report order.
SECTION_TITLES: dict[str, str] = {
    "status": "Where the project stands",
    "runs": "Runs",
    "diagnosis": "Diagnosis: where the error comes from",
    "six_box": "Six-box table: human level and error on both distributions",
    "learning_curve": "Learning curve",
    "checklist": "Orthogonalization checklist",
    "metrics": "Metric definition",
    "error_analysis": "Error analysis",
    "optimization": "Optimization verification: search or objective",
    "sizing": "Dev/test sizing",
    "decisions": "Decisions",
}

# Limits that keep the report readable (and fast) on big projects.
NEWEST_RUNS = 20
TREND_RUNS = 60
SELECTION_CHART_RUNS = 300
RANKED_RUNS = 10
LISTED_RUNS = 20
LOG_ENTRIES = 20
DECISIONS_SHOWN = 50

# Tones of a badge: how a renderer may colour a status.
GOOD, BAD, NEUTRAL, FOCUS = "good", "bad", "neutral", "focus"


# --- the report as data ------------------------------------------------------------------


@dataclass(frozen=True)
class Badge:
    """A short status word in a table cell (green / red / focus …); `tone` picks its colour
    in HTML, Markdown shows the text."""

    text: str
    tone: str = NEUTRAL


Cell = str | Badge


@dataclass(frozen=True)
class Paragraph:
    """Plain text. `label` is a bold lead-in ("Split plan:"); `style` is "text", "lead"
    (the report's opening status), "verdict" (a section's decision, highlighted), "note"
    (what the numbers mean) or "empty" (the section has no data yet)."""

    text: str
    label: str | None = None
    style: str = "text"


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    title: str | None = None


@dataclass(frozen=True)
class Table:
    """Rows of cells under `columns`; `numeric` marks right-aligned columns; `caption` says
    what the table shows (e.g. that it is the newest 20 of 5,000 runs)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    numeric: tuple[bool, ...] = ()
    caption: str | None = None


@dataclass(frozen=True)
class Figure:
    """One of the pages' Altair charts. The HTML draws it as inline SVG; Markdown, which
    cannot hold a chart, keeps the title and the caption and points to the HTML."""

    title: str
    chart: Any = field(compare=False, repr=False)
    caption: str = ""
    width: int = 520


Block = Paragraph | Bullets | Table | Figure


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    blocks: tuple[Block, ...]
    has_data: bool = True


@dataclass(frozen=True)
class Report:
    """The whole report: title parts, sections in order, and the sections that could not
    be built (their error, so tests and logs see it; the reader sees a note)."""

    project: str
    slug: str
    generated_on: date
    sections: tuple[Section, ...]
    skipped: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return f"{self.project}: project report"

    @property
    def date_text(self) -> str:
        return f"{self.generated_on.day} {self.generated_on:%B %Y}"

    @property
    def section_titles(self) -> list[str]:
        return [section.title for section in self.sections]

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)


def report_file_name(report: Report, fmt: str) -> str:
    """'cat-classifier-demo-report-2026-11-21.html'."""
    return f"{report.slug}-report-{report.generated_on:%Y-%m-%d}.{fmt}"
