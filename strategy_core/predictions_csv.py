"""Per-example prediction files: which column is which, and the rules every row must meet.

A predictions CSV has one row per example of one run: ``example_id, label, prediction`` and
optionally ``split`` (default dev), ``source``, ``text``, ``url`` / ``image_url`` and
``weight`` (docs/rules.md §4). The file's layout (reading the header), the byte check of
its text and finding a record's file line live in `strategy_core.values.predictions`, shared
with the store (which reads the rows with DuckDB), and are re-exported here; this module
adds the optional columns, the split labels people read and reading a typed split.
"""

from __future__ import annotations

from typing import BinaryIO

from strategy_core.values.predictions import (
    HEADER_BYTES,
    REQUIRED_COLUMNS,
    SCAN_BYTES,
    SPLIT_SPELLINGS,
    SPLITS,
    PredictionFileError,
    PredictionLayout,
    normalize_header,
    read_layout,
    record_lines,
)
from strategy_core.values.predictions import check_text as _check_text

__all__ = [
    "HEADER_BYTES",
    "OPTIONAL_COLUMNS",
    "PREDICTION_COLUMNS",
    "REQUIRED_COLUMNS",
    "SCAN_BYTES",
    "SPLITS",
    "SPLIT_LABELS",
    "SPLIT_SPELLINGS",
    "PredictionFileError",
    "PredictionLayout",
    "check_text",
    "normalize_header",
    "normalize_split",
    "read_layout",
    "record_lines",
]

OPTIONAL_COLUMNS: tuple[str, ...] = ("split", "source", "text", "url", "weight")
PREDICTION_COLUMNS: tuple[str, ...] = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)

SPLIT_LABELS: dict[str, str] = {
    "train": "train",
    "train_dev": "train-dev",
    "dev": "dev",
    "test": "test",
}


def normalize_split(text: str | None) -> str | None:
    """A split as people write it ('Validation', 'train-dev') -> the stored name, or None."""
    if text is None or not str(text).strip():
        return "dev"
    return SPLIT_SPELLINGS.get(normalize_header(str(text)))


def check_text(handle: BinaryIO, layout: PredictionLayout) -> None:
    """`strategy_core.values.predictions.check_text`, reading SCAN_BYTES of this module at a
    time (so a test can make the chunks small)."""
    _check_text(handle, layout, chunk_bytes=SCAN_BYTES)
