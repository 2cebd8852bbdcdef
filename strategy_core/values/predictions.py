"""A per-example predictions file as a value: which column is which, its splits, and the
checks of one file's text (docs/rules.md §4). Shared by the rules
(`strategy_core.predictions_csv`) and the store, which reads the rows with DuckDB.

A predictions CSV has one row per example of one run: ``example_id, label, prediction`` and
optionally ``split`` (default dev), ``source``, ``text``, ``url`` / ``image_url`` and
``weight``. Only the header is read here, in Python; the rows are read and checked by
DuckDB's own CSV reader in the store, never row by row in Python. Before that, `check_text`
passes over the raw bytes (NUL bytes, text that is not UTF-8), and when a file has problems
`record_lines` finds the file line each reported record starts on. This is the format of
one input file, parsed without deciding anything about the strategy.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from strategy_core.errors import InputError
from strategy_core.text import is_utf16

REQUIRED_COLUMNS: tuple[str, ...] = ("example_id", "label", "prediction")

SPLITS: tuple[str, ...] = ("train", "train_dev", "dev", "test")
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
# The per-example value of a project whose metric is not a rate (docs/rules.md §18): a
# loss, a score, a WER… Read only when the caller asks for values: a classification file
# with a `score` column keeps ignoring it.
VALUE_SPELLINGS: tuple[str, ...] = (
    "value", "loss", "score", "error", "wer", "cer", "dice", "iou", "nll", "metric",
    "per_example_loss", "example_loss", "per_example_value", "per_example_score",
    "per_example_error", "sample_loss", "utterance_wer")

HEADER_BYTES = 1024 * 1024
"""The longest header line read (2,000 long column names fit many times over)."""
SCAN_BYTES = 1024 * 1024
"""The chunk `check_text` reads at a time."""


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


def read_layout(head: bytes, *, values: bool = False) -> PredictionLayout:
    """The layout of a predictions file from its first bytes (its header line).

    Rejects, with the reason: empty, UTF-16, binary, JSON/HTML content, a header without a
    required column, an unnamed or repeated column, two columns meaning the same thing.
    With ``values`` (a project whose metric is not a rate, docs/rules.md §18) a value
    column (`VALUE_SPELLINGS`) is recognized, and with one only example_id is required.
    """
    if not head or not head.strip():
        raise InputError("the file is empty")
    if is_utf16(head):
        raise InputError("the file is UTF-16 text; save it as UTF-8 CSV and upload it again")
    if b"\n" not in head and len(head) >= HEADER_BYTES:
        raise InputError(f"the header line is longer than {HEADER_BYTES // (1024 * 1024)} MB: "
                         "is this a CSV file?", row=1)
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
        role = _role(header, values)
        if role is None:
            ignored.append(header)
            continue
        if role in positions:
            raise InputError(
                f"columns '{headers[positions[role]]}' and '{header}' both look like the "
                f"{role} column; rename or remove one", row=1, column=header)
        positions[role] = index
    required = ("example_id",) if "value" in positions else REQUIRED_COLUMNS
    missing = [name for name in required if name not in positions]
    if missing and values:
        raise InputError(
            "the header has no " + " and no ".join(f"'{name}'" for name in missing) +
            " column (a predictions file of this project needs example_id with a numeric "
            "label and prediction, or example_id with a per-example value column such as "
            "loss, score, value, wer or error)", row=1)
    if missing:
        raise InputError(
            "the header has no " + " and no ".join(f"'{name}'" for name in missing) +
            " column (a predictions file needs example_id, label and prediction; optional: "
            "split, source, text, url or image_url, weight)", row=1)
    return PredictionLayout(headers, positions, delimiter, tuple(ignored))


def layout_kind(layout: PredictionLayout, values: bool) -> str:
    """What the file holds (docs/rules.md §18): 'classification' unless values are read,
    else 'value' with a value column and 'regression' (numeric label and prediction)
    without one."""
    if not values:
        return "classification"
    return "value" if "value" in layout.positions else "regression"


def _role(header: str, values: bool = False) -> str | None:
    name = normalize_header(header)
    for role, spellings in _HEADER_SPELLINGS.items():
        if name in spellings:
            return role
    if values and name in VALUE_SPELLINGS:
        return "value"
    return None


def check_text(handle: BinaryIO, layout: PredictionLayout, *,
               chunk_bytes: int | None = None) -> None:
    """Refuse a file holding a NUL byte or bytes that are not UTF-8, naming the row (file
    line) and, as far as the line shows it, the column (docs/rules.md §13). One pass over the bytes
    in
    chunks (`chunk_bytes`, default SCAN_BYTES), at the speed of the UTF-8 decoder: no row is
    parsed here."""
    chunk_size = SCAN_BYTES if chunk_bytes is None else chunk_bytes
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines_before = 0
    line_start = b""  # the bytes of the current line that lie in earlier chunks
    while True:
        chunk = handle.read(chunk_size)
        nul = chunk.find(b"\x00")
        problem, offset = None, None
        try:
            decoder.decode(chunk if nul < 0 else chunk[:nul], final=not chunk)
        except UnicodeDecodeError as exc:
            # The decoder keeps at most 3 bytes of an unfinished character from the last
            # chunk; an error found in them is placed at the start of this chunk.
            offset = max(exc.start - (len(exc.object) - len(chunk if nul < 0 else
                                                            chunk[:nul])), 0)
            problem = "the file is not UTF-8 text; save it as UTF-8 CSV and upload it again"
        if problem is None and nul >= 0:
            offset = nul
            problem = "the file holds binary data (a NUL byte), not CSV text"
        if problem is not None and offset is not None:
            before = chunk[:offset]
            row = lines_before + before.count(b"\n") + 1
            newline = before.rfind(b"\n")
            partial = before[newline + 1:] if newline >= 0 else line_start + before
            column = _column_of(partial, layout) if row > 1 else None
            raise InputError(problem, row=row, column=column)
        if not chunk:
            return
        lines_before += chunk.count(b"\n")
        newline = chunk.rfind(b"\n")
        line_start = chunk[newline + 1:] if newline >= 0 else line_start + chunk


def _column_of(partial_line: bytes, layout: PredictionLayout) -> str | None:
    """The header of the cell a line's first bytes end in (a guess across quoted newlines)."""
    text = partial_line.decode("utf-8", errors="replace").lstrip("\ufeff")
    cells = next(csv.reader([text], delimiter=layout.delimiter), [""])
    position = max(len(cells) - 1, 0)
    return layout.headers[position] if position < len(layout.headers) else None


def record_lines(path: Path, delimiter: str, records: Collection[int] = (),
                 reader_lines: Collection[int] = ()) -> dict[tuple[str, int], int]:
    """The file line each wanted record starts on, for messages that name a row.

    ``records`` counts data records (1 = the first after the header; blank lines do not
    count): keys ``("record", n)``. ``reader_lines`` are DuckDB's "CSV Error on Line" numbers,
    which count the header, blank lines and records but not the extra lines of a quoted
    newline: keys ``("reader", n)``. Only run when a file has problems; reads as far as the
    last wanted record.
    """
    wanted = {("record", n) for n in records} | {("reader", n) for n in reader_lines}
    found: dict[tuple[str, int], int] = {}
    if not wanted:
        return found
    last_record = max(records, default=0)
    last_reader = max(reader_lines, default=0)
    with Path(path).open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        record = reader_line = 0
        previous_end = 0
        try:
            for row in reader:
                start = previous_end + 1
                previous_end = reader.line_num
                reader_line += 1
                if reader_line > 1 and row:
                    record += 1
                    if ("record", record) in wanted:
                        found[("record", record)] = start
                if ("reader", reader_line) in wanted:
                    found[("reader", reader_line)] = start
                if record >= last_record and reader_line >= last_reader:
                    break
        except csv.Error:
            # Broken quoting: the record that could not be read starts after the last one.
            found.setdefault(("reader", reader_line + 1), previous_end + 1)
    return found
