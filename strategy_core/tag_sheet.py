"""The error-analysis spreadsheet in its wide form, in and out (docs/rules.md §4).

Teams keep one row per reviewed example: ``example_id``, one column per category marked
x / 1 / yes / true, and a notes (or comments) column. Importing reads that shape; exporting
writes it back, with formula-looking cells neutralized by `strategy_core.csv_export`.

The parsed sheet (`TagSheet`, `SheetRow`) and which headers are not categories live in
`strategy_core.values.tag_sheet`, shared with the store, and are re-exported here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from strategy_core.csv_export import FORMULA_STARTS
from strategy_core.error_analysis import category_name, parse_tag_mark
from strategy_core.errors import InputError
from strategy_core.run_csv import read_table
from strategy_core.values.predictions import normalize_header
from strategy_core.values.tag_sheet import (
    _DESCRIPTIVE,
    _ID_HEADERS,
    _NOTES_HEADERS,
    SheetRow,
    TagSheet,
    is_sheet_column,
)

__all__ = [
    "MAX_PROBLEMS",
    "SheetRow",
    "TagSheet",
    "TagSheetError",
    "is_sheet_column",
    "parse_sheet",
    "unneutralize",
    "wide_frame",
]

MAX_PROBLEMS = 50
_HTTP_URL = re.compile(r"^https?://\S+$")


class TagSheetError(InputError):
    """A sheet with problems; `problems` lists them, each with row and column."""

    def __init__(self, problems: Sequence[InputError]):
        self.problems = tuple(problems)
        first = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(f"{first.problem}{more}", row=first.row, column=first.column)


def unneutralize(text: str) -> str:
    """Undo the export's `'` before a formula-looking cell, so a round trip is exact."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _sheet_columns(headers: Sequence[str]) -> tuple[dict[int, str], dict[int, str]]:
    """Each column's role (id, notes, label, prediction, url, text) or category name;
    refused with every problem (a category twice) or without an example id column."""
    roles: dict[int, str] = {}
    categories: dict[int, str] = {}
    seen_categories: dict[str, str] = {}
    problems: list[InputError] = []
    for index, header in enumerate(headers):
        name = normalize_header(unneutralize(header))
        if name in _ID_HEADERS and "id" not in roles.values():
            roles[index] = "id"
        elif name in _NOTES_HEADERS and "notes" not in roles.values():
            roles[index] = "notes"
        elif any(name in spellings for spellings in _DESCRIPTIVE.values()):
            role = next(r for r, spellings in _DESCRIPTIVE.items() if name in spellings)
            if role != "ignore" and role not in roles.values():
                roles[index] = role
        else:
            category = category_name(unneutralize(header))
            if category.casefold() in seen_categories:
                problems.append(InputError(
                    f"category '{category}' has two columns", row=1, column=header))
                continue
            seen_categories[category.casefold()] = category
            categories[index] = category
    if "id" not in roles.values():
        raise InputError("the sheet has no example_id column (the first column of an error "
                         "analysis sheet names the example)", row=1)
    if problems:
        raise TagSheetError(problems)
    return roles, categories


def parse_sheet(data: bytes) -> TagSheet:
    """Read a wide tag sheet (docs/rules.md §4). Every other column than the example id, the notes
    and the descriptive ones (label, prediction, url, text…) is a category; its cells must
    be tag marks (x, 1, yes, true, ✓ or empty, 0, no, false). Notes stay text as written:
    a note starting with `=` is kept, never evaluated. Raises TagSheetError listing every
    problem with its row and column, or InputError for a file that is not a sheet."""
    table = read_table(data)
    roles, categories = _sheet_columns(table.headers)
    problems: list[InputError] = []
    id_index = next(i for i, r in roles.items() if r == "id")
    column_of = {r: i for i, r in roles.items()}
    rows: list[SheetRow] = []
    seen_ids: dict[str, int] = {}
    for record, line in zip(table.rows, table.lines, strict=True):
        example_id = record[id_index].strip()
        if not example_id:
            problems.append(InputError("the example id is empty", row=line,
                                       column=table.headers[id_index]))
            continue
        if example_id in seen_ids:
            problems.append(InputError(
                f"example '{example_id}' appears twice (rows {seen_ids[example_id]} and "
                f"{line})", row=line, column=table.headers[id_index]))
            continue
        seen_ids[example_id] = line
        tagged = []
        for index, category in categories.items():
            try:
                if parse_tag_mark(record[index]):
                    tagged.append(category)
            except InputError as exc:
                problems.append(InputError(exc.problem, row=line, column=table.headers[index]))

        def cell(role: str, record: tuple[str, ...] = record) -> str | None:
            if role not in column_of:
                return None
            value = unneutralize(record[column_of[role]].strip())
            return value or None

        url = cell("url")
        if url is not None and not _HTTP_URL.match(url):
            problems.append(InputError(f"'{url[:60]}' is not an http(s) address", row=line,
                                       column=table.headers[column_of["url"]]))
            url = None
        rows.append(SheetRow(example_id, tuple(tagged), cell("notes") or "", line,
                             cell("label"), cell("prediction"), url, cell("text")))
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise TagSheetError(problems[:MAX_PROBLEMS])
    return TagSheet(tuple(categories.values()), tuple(rows))


def wide_frame(tags: pd.DataFrame, categories: Sequence[tuple[int, str]]) -> pd.DataFrame:
    """The wide sheet of a sample's tags: example_id, label, prediction, url (when any),
    an `x` per category, notes, reviewed. `tags` is `ReviewRepo.tags()`; `categories` is
    (id, name) in column order."""
    out = pd.DataFrame({"example_id": tags["example_id"].astype(str),
                        "label": tags["label"], "prediction": tags["prediction"]})
    if tags["url"].notna().any():
        out["url"] = tags["url"]
    for category_id, name in categories:
        out[name] = ["x" if category_id in list(ids) else "" for ids in tags["categories"]]
    out["notes"] = tags["notes"].fillna("")
    out["reviewed"] = ["yes" if r else "" for r in tags["reviewed"]]
    return out
