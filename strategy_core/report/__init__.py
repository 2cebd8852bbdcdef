"""The project report: the whole project as one document a team lead sends upward, as
Markdown and as a self-contained HTML file (docs/rules.md section 11).

`model` holds the report as plain data, `markdown` and `html` render it; the use case
`strategy_core.usecases.report` builds it from the stored project with the same feature
functions the pages use.
"""

from __future__ import annotations

from strategy_core.errors import InputError
from strategy_core.report.html import chart_svgs, to_html
from strategy_core.report.markdown import to_markdown
from strategy_core.report.model import (
    FORMATS,
    MEDIA_TYPES,
    SECTION_TITLES,
    Badge,
    Block,
    Bullets,
    Figure,
    Paragraph,
    Report,
    Section,
    Table,
    report_file_name,
)

__all__ = ["FORMATS", "MEDIA_TYPES", "SECTION_TITLES", "Badge", "Block", "Bullets", "Figure",
           "Paragraph", "Report", "Section", "Table", "chart_svgs", "render",
           "report_file_name", "to_html", "to_markdown"]


def render(report: Report, fmt: str) -> str:
    """The report as Markdown (`md`) or self-contained HTML (`html`)."""
    if fmt == "md":
        return to_markdown(report)
    if fmt == "html":
        return to_html(report)
    raise InputError(f"unknown report format '{fmt}': use md or html")
