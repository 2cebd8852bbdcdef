"""A wide error-analysis spreadsheet as a value (docs/rules.md §4): its rows (example id,
categories, notes) and which header names something other than a category. Shared by the
rules (`strategy_core.tag_sheet`, which parses and writes the sheet) and the store, which
imports a parsed sheet.
"""

from __future__ import annotations

from dataclasses import dataclass

from strategy_core.values.predictions import normalize_header

_ID_HEADERS = ("example_id", "id", "example", "exampleid", "item_id", "sample_id", "image_id")
_NOTES_HEADERS = ("notes", "note", "comments", "comment", "remarks", "remark")
# Columns that describe the example rather than tag it (the export writes them).
_DESCRIPTIVE = {
    "label": ("label", "y", "y_true", "true_label", "target"),
    "prediction": ("prediction", "pred", "predicted", "y_pred"),
    "url": ("url", "image_url", "image", "link", "thumbnail"),
    "text": ("text", "input", "sentence"),
    "ignore": ("split", "source", "reviewed", "position", "#", "row", "version",
               "updated_by", "updated_at"),
}


@dataclass(frozen=True)
class SheetRow:
    """One reviewed example of a sheet: its categories and notes (`row` = file line)."""

    example_id: str
    categories: tuple[str, ...]
    notes: str
    row: int
    label: str | None = None
    prediction: str | None = None
    url: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class TagSheet:
    """A parsed sheet: its categories (in column order) and rows."""

    categories: tuple[str, ...]
    rows: tuple[SheetRow, ...]

    def counts(self) -> dict[str, int]:
        """Examples tagged with each category."""
        return {c: sum(c in row.categories for row in self.rows) for c in self.categories}


def is_sheet_column(name: str) -> bool:
    """Whether a header means something other than a category (id, notes, label…): such a
    name cannot be a category, or the exported sheet would not read back."""
    header = normalize_header(name)
    return header in _ID_HEADERS or header in _NOTES_HEADERS or any(
        header in spellings for spellings in _DESCRIPTIVE.values())
