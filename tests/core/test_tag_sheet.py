"""The predictions file header, the wide tag sheet and the tagging grid's edits
items 1, 3 and 4)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from strategy_core.error_analysis import INCORRECTLY_LABELED
from strategy_core.errors import InputError
from strategy_core.predictions_csv import normalize_split, read_layout
from strategy_core.store.reviews import TagEdit
from strategy_core.tag_grid import (
    category_column,
    current_values,
    grid_frame,
    image_url,
)
from strategy_core.tag_sheet import TagSheetError, parse_sheet, unneutralize, wide_frame
from strategy_core.usecases.error_analysis import grid_edits

# -- predictions header ----------------------------------------------------------------

LAYOUTS = [
    ("example_id,split,source,label,prediction,image_url",
     {"example_id": 0, "split": 1, "source": 2, "label": 3, "prediction": 4, "url": 5}, ","),
    ("\ufeffID;Label;Predicted;Text", {"example_id": 0, "label": 1, "prediction": 2,
                                       "text": 3}, ";"),
    ("Example ID\tY_true\tY-pred\tweight", {"example_id": 0, "label": 1, "prediction": 2,
                                            "weight": 3}, "\t"),
]


@pytest.mark.parametrize(("header", "positions", "delimiter"), LAYOUTS,
                         ids=["sample_file", "semicolons_with_bom", "tabs"])
def test_layout_of_known_headers(header, positions, delimiter):
    layout = read_layout(header.encode() + b"\nrow\n")
    assert layout.positions == positions
    assert layout.delimiter == delimiter


@pytest.mark.parametrize(
    ("head", "named"),
    [(b"", "empty"), (b"\xff\xfeexample_id", "UTF-16"), (b"label,prediction\n", "example_id"),
     (b"example_id,label,prediction,pred\n", "both look like"), (b"<html>\n", "HTML"),
     (b"example_id,,label,prediction\n", "no name"), (b"\n", "empty")],
    ids=["empty", "utf16", "no_id", "two_prediction_columns", "html", "unnamed_column",
         "blank_first_line"])
def test_bad_headers(head, named):
    with pytest.raises(InputError, match=named):
        read_layout(head)


@pytest.mark.parametrize(("text", "split"), [
    ("dev", "dev"), ("Validation", "dev"), ("val", "dev"), ("train-dev", "train_dev"),
    ("Train Dev", "train_dev"), ("TEST", "test"), ("", "dev"), (None, "dev"),
    ("holdout-2", None)], ids=lambda v: repr(v))
def test_split_spellings(text, split):
    assert normalize_split(text) == split


# -- tag sheet -------------------------------------------------------------------------


def test_sample_sheet_parses_with_its_categories_and_counts(samples: Path):
    sheet = parse_sheet((samples / "error_tags_sheet.csv").read_bytes())
    assert sheet.categories == ("Dog", "Great cat", "Blurry", "Instagram filter",
                                INCORRECTLY_LABELED)
    assert len(sheet.rows) == 100
    assert sheet.counts() == {"Dog": 11, "Great cat": 46, "Blurry": 57,
                              "Instagram filter": 16, INCORRECTLY_LABELED: 3}
    first, sixth = sheet.rows[0], sheet.rows[5]
    assert (first.example_id, first.categories, first.notes, first.row) == (
        "img-000001", ("Great cat", "Blurry"), "pitbull", 2)
    assert sixth.notes == "=1+1 looks odd"  # kept as text, never evaluated


def test_marks_and_notes_spellings():
    data = ("Image ID,Dog,incorrectly  labeled,Remarks,label\n"
            "a,Yes,TRUE,fine,cat\nb,1,✓,,dog\nc,0,no,,\n").encode()
    sheet = parse_sheet(data)
    assert sheet.categories == ("Dog", INCORRECTLY_LABELED)
    assert [r.categories for r in sheet.rows] == [("Dog", INCORRECTLY_LABELED),
                                                  ("Dog", INCORRECTLY_LABELED), ()]
    assert [r.label for r in sheet.rows] == ["cat", "dog", None]
    assert sheet.rows[0].notes == "fine"


def test_every_bad_cell_is_reported_with_row_and_column():
    data = b"example_id,Dog,Blurry,Notes\na,maybe,x,\na,x,,\n,x,,\nd,x,=1+1,\n"
    with pytest.raises(TagSheetError) as caught:
        parse_sheet(data)
    found = [(p.row, p.column) for p in caught.value.problems]
    assert found == [(2, "Dog"), (3, "example_id"), (4, "example_id"), (5, "Blurry")]
    assert "appears twice" in caught.value.problems[1].problem


@pytest.mark.parametrize(
    ("data", "named"),
    [(b"Dog,Blurry\nx,\n", "example_id"), (b"example_id,Dog,dog\na,x,x\n", "two columns"),
     (b"", "empty"), (b"example_id,url,Dog\na,javascript:alert(1),x\n", "http")],
    ids=["no_id_column", "category_twice", "empty_file", "javascript_url"])
def test_sheets_that_cannot_be_read(data, named):
    with pytest.raises(InputError, match=named):
        parse_sheet(data)


@pytest.mark.parametrize(("cell", "text"), [("'=1+1", "=1+1"), ("'+44", "+44"),
                                            ("'plain", "'plain"), ("=x", "=x"), ("'", "'")],
                         ids=["equals", "plus", "apostrophe_text", "raw_formula", "lone"])
def test_unneutralize_undoes_only_the_exports_prefix(cell, text):
    assert unneutralize(cell) == text


def _tags() -> pd.DataFrame:
    return pd.DataFrame({
        "example_id": ["a", "b", "c"], "label": ["cat", "cat", "dog"],
        "prediction": ["dog", "dog", "cat"], "source": [None] * 3, "text": [None] * 3,
        "url": ["https://x.org/a.jpg", None, None], "categories": [[1, 2], [], [2]],
        "notes": ["=SUM(A1)", "", "lion"], "reviewed": [True, False, True],
        "version": [3, 0, 1], "updated_at": [pd.Timestamp("2026-01-01")] * 3,
        "updated_by": ["Ann", "", "Bob"]})


def test_wide_frame_writes_an_x_per_category_and_keeps_notes():
    frame = wide_frame(_tags(), [(1, "Dog"), (2, "Blurry")])
    assert list(frame.columns) == ["example_id", "label", "prediction", "url", "Dog", "Blurry",
                                   "notes", "reviewed"]
    assert frame["Dog"].tolist() == ["x", "", ""]
    assert frame["Blurry"].tolist() == ["x", "", "x"]
    assert frame["notes"][0] == "=SUM(A1)"


# -- tagging grid ----------------------------------------------------------------------


def test_grid_frame_has_a_checkbox_column_per_category():
    frame = grid_frame(_tags(), [1, 2])
    assert frame[category_column(1)].tolist() == [True, False, False]
    assert frame[category_column(2)].tolist() == [True, False, True]
    assert frame["image"][0] == frame["link"][0] == "https://x.org/a.jpg"


def test_grid_edits_are_the_changed_rows_with_the_versions_they_started_from():
    tags = _tags()
    edited = grid_frame(tags, [1, 2])
    edited.loc[1, category_column(1)] = True       # tick
    edited.loc[2, "notes"] = "  lion at zoo "      # note
    assert grid_edits(tags, edited, [1, 2]) == [
        TagEdit("b", frozenset({1}), "", False, 0),
        TagEdit("c", frozenset({2}), "lion at zoo", True, 1),
    ]
    assert grid_edits(tags, grid_frame(tags, [1, 2]), [1, 2]) == []


def test_grid_without_a_removed_category_does_not_count_it_as_an_edit():
    tags = _tags()
    assert grid_edits(tags, grid_frame(tags, [2]), [2]) == []


@pytest.mark.parametrize(("url", "image"), [
    ("https://x.org/a.jpg", True), ("https://x.org/a.PNG?size=2", True),
    ("https://x.org/doc/17", False), (None, False)],
    ids=["jpg", "png_with_query", "page", "none"])
def test_thumbnails_only_for_image_urls(url, image):
    assert (image_url(url) is not None) is image


def test_conflict_values_name_the_categories():
    shown = current_values(_tags(), {1: "Dog", 2: "Blurry"})
    assert shown["categories"].tolist() == ["Dog, Blurry", "", "Blurry"]
    assert shown["saved_by"].tolist() == ["Ann", "", "Bob"]
