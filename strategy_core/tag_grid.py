"""The tagging grid's table: a sample's tags as one checkbox column per category, and the
edits a person made to it (`GridEdit`: what the store's `TagEdit` is built from).

Category columns are named ``cat_<id>`` by the code, so a category name never collides
with a fixed column; the grid shows the name as the column label.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

import pandas as pd

FIXED_COLUMNS: tuple[str, ...] = ("example_id", "label", "prediction", "image", "link", "text")
TAIL_COLUMNS: tuple[str, ...] = ("notes", "reviewed", "updated_by")
_IMAGE_URL = re.compile(r"\.(png|jpe?g|gif|webp|bmp|svg)([?#].*)?$", re.IGNORECASE)


class GridEdit(NamedTuple):
    """One example's tags as the grid left them and the version they were edited from
    (the fields of the store's `TagEdit`, in its order)."""

    example_id: str
    categories: frozenset[int]
    notes: str
    reviewed: bool
    version: int


def image_url(url: object) -> str | None:
    """The URL when it points at an image (shown as a thumbnail), else None."""
    return url if isinstance(url, str) and _IMAGE_URL.search(url) else None


def category_column(category_id: int) -> str:
    return f"cat_{category_id}"


def grid_frame(tags: pd.DataFrame, category_ids: Sequence[int]) -> pd.DataFrame:
    """`ReviewRepo.tags()` as the grid shows it: fixed columns (a thumbnail when the URL
    is an image), a bool per category, notes, reviewed, and who saved last."""
    frame = pd.DataFrame({
        "example_id": tags["example_id"].astype(str),
        "label": tags["label"].astype(object),
        "prediction": tags["prediction"].astype(object),
        "image": [image_url(url) for url in tags["url"]],
        "link": tags["url"].astype(object),
        "text": tags["text"].astype(object),
    })
    for category_id in category_ids:
        frame[category_column(category_id)] = [category_id in list(ids)
                                               for ids in tags["categories"]]
    frame["notes"] = tags["notes"].fillna("").astype(str)
    frame["reviewed"] = tags["reviewed"].astype(bool)
    frame["updated_by"] = tags["updated_by"].fillna("").astype(str)
    return frame.reset_index(drop=True)


def grid_changes(original: pd.DataFrame, edited: pd.DataFrame,
                 category_ids: Sequence[int]) -> list[GridEdit]:
    """The rows of the grid that differ from what was loaded (`original` is the
    `ReviewRepo.tags()` snapshot the grid was built from, with its versions)."""
    shown = set(category_ids)
    before = {str(row["example_id"]): row for row in original.to_dict("records")}
    edits = []
    for row in edited.to_dict("records"):
        example_id = str(row["example_id"])
        base = before.get(example_id)
        if base is None:
            continue
        chosen = frozenset(cid for cid in category_ids if bool(row.get(category_column(cid))))
        was = frozenset(int(c) for c in base["categories"] if int(c) in shown)
        notes = "" if pd.isna(row.get("notes")) else str(row.get("notes") or "").strip()
        reviewed = bool(row.get("reviewed")) if not pd.isna(row.get("reviewed")) else False
        if chosen == was and notes == str(base["notes"] or "").strip() and \
                reviewed == bool(base["reviewed"]):
            continue
        edits.append(GridEdit(example_id, chosen, notes, reviewed, int(base["version"])))
    return edits


def current_values(current: pd.DataFrame, names: dict[int, str]) -> pd.DataFrame:
    """A conflict's current rows for people: categories by name, who saved and when."""
    return pd.DataFrame({
        "example_id": current["example_id"].astype(str),
        "categories": [", ".join(names.get(int(c), f"(removed #{c})") for c in ids)
                       for ids in current["categories"]],
        "notes": current["notes"].astype(str),
        "reviewed": current["reviewed"].astype(bool),
        "saved_by": current["updated_by"].astype(str),
        "saved_at": current["updated_at"],
    })
