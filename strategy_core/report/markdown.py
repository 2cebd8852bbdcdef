"""The report as Markdown: every text escaped (strategy_core.markdown.escape), charts left
out with their captions."""

from __future__ import annotations

from strategy_core.markdown import escape as md_escape
from strategy_core.report.model import (
    Badge,
    Block,
    Bullets,
    Cell,
    Figure,
    Paragraph,
    Report,
    Table,
)
from strategy_core.text import clean_text


def _cell_text(cell: Cell) -> str:
    return cell.text if isinstance(cell, Badge) else cell


def to_markdown(report: Report) -> str:
    """The report as Markdown; every text is escaped (strategy_core.markdown.escape)."""
    e = md_escape
    out = [f"# {e(report.title)}", "",
           f"*{e(f'Generated on {report.date_text} by ML Strategy Dashboard.')}*", ""]
    for section in report.sections:
        out += [f"## {e(section.title)}", ""]
        for block in section.blocks:
            out += _markdown_block(block)
    # The text rule once more over the whole document: names stored before the rule
    # existed may still hold control characters, which no Markdown file may carry.
    return clean_text("\n".join(out).rstrip() + "\n")


def _markdown_block(block: Block) -> list[str]:
    e = md_escape
    if isinstance(block, Paragraph):
        text = e(block.text)
        if block.label:
            text = f"**{e(block.label)}** {text}"
        if block.style == "note":
            return [f"> {text}", ""]
        if block.style == "verdict":
            return [f"**{e(block.text)}**" if not block.label else text, ""]
        if block.style == "empty":
            return [f"*{text}*", ""]
        return [text, ""]
    if isinstance(block, Bullets):
        lines = [f"**{e(block.title)}**", ""] if block.title else []
        return [*lines, *(f"- {e(item)}" for item in block.items), ""]
    if isinstance(block, Table):
        lines = [f"*{e(block.caption)}*", ""] if block.caption else []
        numeric = block.numeric or (False,) * len(block.columns)
        lines.append("| " + " | ".join(e(c) if c else " " for c in block.columns) + " |")
        lines.append("|" + "|".join(" ---: " if right else " --- " for right in numeric) + "|")
        for row in block.rows:
            lines.append("| " + " | ".join(e(_cell_text(c)) or " " for c in row) + " |")
        return [*lines, ""]
    if isinstance(block, Figure):
        return [f"*{e(f'Chart: {block.title}. {block.caption}')} "
                f"{e('(The HTML version of this report shows the chart.)')}*", ""]
    raise TypeError(f"unknown report block {type(block).__name__}")
