"""The report as one self-contained HTML file: inline CSS, charts as inline SVG drawn in a
child process (strategy_core.svg_render), every text escaped with html.escape, and a
Content-Security-Policy that forbids any load."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from strategy_core.report.model import (
    BAD,
    FOCUS,
    GOOD,
    NEUTRAL,
    Badge,
    Block,
    Bullets,
    Cell,
    Figure,
    Paragraph,
    Report,
    Table,
)
from strategy_core.svg_render import render_svgs
from strategy_core.text import clean_text

# --- charts as SVG -----------------------------------------------------------------------

# What an inline SVG may never hold: a script, embedded HTML, an event handler, or a
# reference to anything outside the file.
_UNSAFE_SVG = re.compile(
    r"<\s*(script|foreignObject|iframe|object|embed)\b|<[^>]*\son\w+\s*=|"
    r"<[^>]*\b(href|src)\s*=\s*[\"']?\s*(?!#|data:)[a-z]*:?//|url\(\s*[\"']?\s*(https?:)?//",
    re.IGNORECASE)
_XMLNS = re.compile(r'\s+xmlns(:xlink)?="[^"]*"')


def _vegalite_version() -> str | None:
    import altair as alt
    import vl_convert

    version = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return version if version in vl_convert.get_vegalite_versions() else None


def chart_svgs(figures: Sequence[Figure]) -> list[str | None]:
    """Each figure's chart as SVG markup, or None where it could not be drawn (vl-convert,
    no browser, no network). Drawn in a child process (`strategy_core.svg_render`), so a
    renderer crash becomes a missing chart, never the end of the server. A figure's
    `width` sets the plot's width in pixels, as a page's full-width chart would have."""
    specs = []
    for figure in figures:
        chart = figure.chart if figure.width is None else \
            figure.chart.properties(width=figure.width)
        specs.append(chart.to_dict())
    return render_svgs(specs, _vegalite_version())


def _inline_svg(svg: str, title: str) -> str | None:
    """The SVG ready to sit inside HTML: no XML namespaces (HTML knows SVG), labelled for
    screen readers, scaled to the page. None when it holds anything unsafe."""
    start = svg.find("<svg")
    if start < 0 or _UNSAFE_SVG.search(svg):
        return None
    svg = svg[start:]
    end = svg.index(">")
    opening = _XMLNS.sub("", svg[:end])
    opening += f' role="img" aria-label="{html.escape(title, quote=True)}"'
    return opening + svg[end:]


_CSS = """
:root { color-scheme: light; }
body { margin: 0; background: #f6f7f9; color: #1f2328;
  font: 15px/1.55 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 32px 40px 48px; background: #fff; }
header { border-bottom: 3px solid #2f7abf; padding-bottom: 12px; margin-bottom: 8px; }
h1 { font-size: 28px; margin: 0 0 4px; }
.meta { color: #59636e; margin: 0; }
nav ol { columns: 2; margin: 12px 0 0; padding-left: 20px; color: #59636e; }
nav a { color: #2f7abf; text-decoration: none; }
section { border-top: 1px solid #d5dae0; margin-top: 28px; padding-top: 4px; }
h2 { font-size: 21px; margin: 16px 0 10px; }
h3 { font-size: 15px; margin: 14px 0 4px; }
p { margin: 8px 0; }
.lead { font-size: 16px; background: #f6f9fc; border: 1px solid #d5e3f2; border-radius: 6px;
  padding: 12px 16px; }
.verdict { background: #eef5fc; border-left: 4px solid #2f7abf; padding: 10px 14px;
  font-weight: 600; }
.note { color: #59636e; font-size: 13.5px; }
.empty { background: #f6f7f9; border: 1px dashed #a6adb4; padding: 10px 14px;
  color: #59636e; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 4px; font-size: 13.5px; }
table.compact { width: auto; min-width: 50%; }
caption { caption-side: top; text-align: left; color: #59636e; padding-bottom: 4px; }
th, td { border-bottom: 1px solid #e3e6ea; padding: 5px 8px; text-align: left;
  vertical-align: top; overflow-wrap: anywhere; }
th { background: #f0f2f5; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12.5px;
  font-weight: 600; white-space: nowrap; }
.badge.good { background: #dff3e4; color: #1e6b36; }
.badge.bad { background: #fbe1df; color: #a1271f; }
.badge.focus { background: #dce9f7; color: #1d5a94; }
.badge.neutral { background: #eceef1; color: #4d5560; }
ul { margin: 6px 0; padding-left: 22px; }
figure { margin: 14px 0; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: #59636e; font-size: 13px; margin-top: 4px; }
footer { margin-top: 36px; color: #59636e; font-size: 12.5px; }
@media print { body { background: #fff; } main { padding: 0; }
  figure, table, .verdict { break-inside: avoid; } }
"""

# Nothing may be fetched: no script, no remote style, font or image (inline SVG is fine).
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def to_html(report: Report) -> str:
    """The report as one self-contained HTML file: inline CSS, charts as inline SVG, every
    text escaped with html.escape, and a Content-Security-Policy that forbids any load."""
    e = html.escape
    figures = [block for section in report.sections for block in section.blocks
               if isinstance(block, Figure)]
    try:
        svgs = chart_svgs(figures)
    except Exception:  # noqa: BLE001 - charts that cannot be drawn leave their captions
        svgs = [None] * len(figures)
    drawings = {id(figure): svg for figure, svg in zip(figures, svgs, strict=True)}
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(report.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        "<header>",
        f"<h1>{e(report.title)}</h1>",
        f'<p class="meta">Generated on {e(report.date_text)} by ML Strategy Dashboard.</p>',
        '<nav aria-label="Sections"><ol>',
        *(f'<li><a href="#{section.key}">{e(section.title)}</a></li>'
          for section in report.sections),
        "</ol></nav>",
        "</header>",
    ]
    for section in report.sections:
        parts.append(f'<section id="{section.key}" aria-labelledby="{section.key}-title">')
        parts.append(f'<h2 id="{section.key}-title">{e(section.title)}</h2>')
        parts += [_html_block(block, drawings) for block in section.blocks]
        parts.append("</section>")
    parts += [
        "<footer>This file is self-contained: it loads nothing from the network. Numbers "
        "come from the project's data on the day it was generated.</footer>",
        "</main>",
        "</body>",
        "</html>",
    ]
    # The text rule once more (see to_markdown): no HTML file may carry control characters.
    return clean_text("\n".join(parts) + "\n")


def _html_cell(cell: Cell) -> str:
    if isinstance(cell, Badge):
        tone = cell.tone if cell.tone in (GOOD, BAD, NEUTRAL, FOCUS) else NEUTRAL
        return f'<span class="badge {tone}">{html.escape(cell.text)}</span>'
    return html.escape(cell) if cell else ""


def _html_block(block: Block, drawings: dict[int, str | None]) -> str:
    e = html.escape
    if isinstance(block, Paragraph):
        style = block.style if block.style in ("lead", "verdict", "note", "empty") else None
        attribute = f' class="{style}"' if style else ""
        label = f"<strong>{e(block.label)}</strong> " if block.label else ""
        return f"<p{attribute}>{label}{e(block.text)}</p>"
    if isinstance(block, Bullets):
        title = f"<h3>{e(block.title)}</h3>" if block.title else ""
        items = "".join(f"<li>{e(item)}</li>" for item in block.items)
        return f"{title}<ul>{items}</ul>"
    if isinstance(block, Table):
        numeric = block.numeric or (False,) * len(block.columns)

        def attr(index: int) -> str:
            return ' class="num"' if index < len(numeric) and numeric[index] else ""

        caption = f"<caption>{e(block.caption)}</caption>" if block.caption else ""
        head = "".join(f'<th scope="col"{attr(i)}>{e(c)}</th>'
                       for i, c in enumerate(block.columns))
        body = "".join("<tr>" + "".join(f"<td{attr(i)}>{_html_cell(c)}</td>"
                                        for i, c in enumerate(row)) + "</tr>"
                       for row in block.rows)
        compact = ' class="compact"' if len(block.columns) <= 3 else ""
        return (f"<table{compact}>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
                "</table>")
    if isinstance(block, Figure):
        svg = drawings.get(id(block))
        drawing = None if svg is None else _inline_svg(svg, block.title)
        if drawing is None:
            drawing = '<p class="empty">This chart could not be drawn.</p>'
        return (f"<figure>{drawing}<figcaption><strong>{e(block.title)}.</strong> "
                f"{e(block.caption)}</figcaption></figure>")
    raise TypeError(f"unknown report block {type(block).__name__}")
