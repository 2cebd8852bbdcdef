"""Per-example prediction files: which column is which, and the rules every row must meet.

A predictions CSV has one row per example of one run: ``example_id, label, prediction`` and
optionally ``split`` (default dev), ``source``, ``text``, ``url`` / ``image_url`` and
``weight`` (issue 4, SPEC 4.4). Only the header is read here, in Python; the rows are read
and checked by DuckDB's own CSV reader in the store, never row by row in Python.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from strategy_core.errors import InputError

REQUIRED_COLUMNS: tuple[str, ...] = ("example_id", "label", "prediction")
OPTIONAL_COLUMNS: tuple[str, ...] = ("split", "source", "text", "url", "weight")
PREDICTION_COLUMNS: tuple[str, ...] = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)

SPLITS: tuple[str, ...] = ("train", "train_dev", "dev", "test")
SPLIT_LABELS: dict[str, str] = {
    "train": "train",
    "train_dev": "train-dev",
    "dev": "dev",
    "test": "test",
}
# How people write each split (lower case, spaces/hyphens as underscores).
SPLIT_SPELLINGS: dict[str, str] = {
    "train": "train",
    "training": "train",
    "train_dev": "train_dev",
    "traindev": "train_dev",
    "training_dev": "train_dev",
    "dev": "dev",
    "val": "dev",
    "valid": "dev",
    "validation": "dev",
    "test": "test",
    "testing": "test",
    "holdout": "test",
}

# Header spellings of each column (compared lower case, spaces/hyphens as underscores).
_HEADER_SPELLINGS: dict[str, tuple[str, ...]] = {
    "example_id": ("example_id", "id", "example", "exampleid", "item_id", "sample_id"),
    "label": ("label", "y", "y_true", "true_label", "target", "ground_truth", "truth"),
    "prediction": ("prediction", "pred", "predicted", "y_pred", "predicted_label", "output"),
    "split": ("split", "set", "subset", "partition"),
    "source": ("source", "distribution", "domain", "origin"),
    "text": ("text", "input", "sentence", "transcript", "description"),
    "url": ("url", "image_url", "image", "link", "href", "img_url", "image_link"),
    "weight": ("weight", "weights", "sample_weight", "importance"),
}

HEADER_BYTES = 64 * 1024
"""How much of the file is read to find the header line."""


class PredictionFileError(InputError):
    """A predictions file with problems; `problems` lists them, each with row and column."""

    def __init__(self, problems: list[InputError]):
        self.problems = tuple(problems)
        first = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(f"{first.problem}{more}", row=first.row, column=first.column)


@dataclass(frozen=True)
class PredictionLayout:
    """Where each known column is in the file (0-based), the delimiter, and what is ignored."""

    headers: tuple[str, ...]
    positions: dict[str, int]
    delimiter: str
    ignored: tuple[str, ...]

    @property
    def warnings(self) -> tuple[str, ...]:
        if not self.ignored:
            return ()
        names = ", ".join(f"'{name}'" for name in self.ignored[:10])
        more = f" and {len(self.ignored) - 10} more" if len(self.ignored) > 10 else ""
        return (f"Columns not used: {names}{more}.",)


def normalize_header(name: str) -> str:
    """'Image URL' -> 'image_url'."""
    return "_".join(name.strip().lower().replace("-", " ").replace(".", " ").split())


def normalize_split(text: str | None) -> str | None:
    """A split as people write it ('Validation', 'train-dev') -> the stored name, or None."""
    if text is None or not str(text).strip():
        return "dev"
    return SPLIT_SPELLINGS.get(normalize_header(str(text)))


def read_layout(head: bytes) -> PredictionLayout:
    """The layout of a predictions file from its first bytes (its header line).

    Rejects, with the reason: empty, UTF-16, binary, JSON/HTML content, a header without a
    required column, an unnamed or repeated column, two columns meaning the same thing.
    """
    if not head or not head.strip():
        raise InputError("the file is empty")
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError("the file is UTF-16 text; save it as UTF-8 CSV and upload it again")
    first = head.split(b"\n", 1)[0]
    if b"\x00" in first:
        raise InputError("the file holds binary data (a NUL byte), not CSV text", row=1)
    try:
        line = first.decode("utf-8-sig").rstrip("\r")
    except UnicodeDecodeError:
        raise InputError("the header is not UTF-8 text; save the file as UTF-8 CSV and "
                         "upload it again", row=1) from None
    if not line.strip():
        raise InputError("the first line is empty: the file must start with its header", row=1)
    if line.lstrip().startswith(("{", "[")):
        raise InputError("this looks like JSON, not CSV: export the predictions as CSV")
    if line.lstrip().startswith("<"):
        raise InputError("this looks like HTML or XML, not CSV: export the predictions as CSV")
    counts = {d: line.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d])
    delimiter = delimiter if counts[delimiter] > counts[","] else ","
    try:
        headers = tuple(h.strip() for h in next(csv.reader(io.StringIO(line),
                                                           delimiter=delimiter)))
    except (csv.Error, StopIteration):
        raise InputError("the header line cannot be read as CSV", row=1) from None
    positions: dict[str, int] = {}
    ignored: list[str] = []
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        if not header:
            raise InputError(f"column {index + 1} has no name in the header", row=1)
        if header in seen:
            raise InputError(f"the header names this column twice (columns {seen[header]} "
                             f"and {index + 1})", row=1, column=header)
        seen[header] = index + 1
        role = _role(header)
        if role is None:
            ignored.append(header)
            continue
        if role in positions:
            raise InputError(
                f"columns '{headers[positions[role]]}' and '{header}' both look like the "
                f"{role} column; rename or remove one", row=1, column=header)
        positions[role] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        raise InputError(
            "the header has no " + " and no ".join(f"'{name}'" for name in missing) +
            " column (a predictions file needs example_id, label and prediction; optional: "
            "split, source, text, url or image_url, weight)", row=1)
    return PredictionLayout(headers, positions, delimiter, tuple(ignored))


def _role(header: str) -> str | None:
    name = normalize_header(header)
    for role, spellings in _HEADER_SPELLINGS.items():
        if name in spellings:
            return role
    return None
