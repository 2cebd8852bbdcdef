"""Reading a run CSV (docs/rules.md §9): decoding the bytes, refusing what is not CSV text,
the delimiter, and splitting it into a header and records with their file lines."""

from __future__ import annotations

import csv
import io

from strategy_core.errors import InputError
from strategy_core.run_csv.common import MAX_FILE_MB, RawTable
from strategy_core.run_csv.names import read_name
from strategy_core.text import is_utf16


def read_table(data: bytes) -> RawTable:
    """Decode UTF-8 (BOM allowed) CSV text and split it into cells.

    Rejects, with the row: files over MAX_FILE_MB, empty files, UTF-16, binary or non-UTF-8
    text, broken quoting and rows whose number of cells differs from the header. Blank lines
    are skipped.
    """
    text = _decode(data)
    first_line = text.lstrip().splitlines()[0] if text.strip() else ""
    if first_line.startswith(("{", "[")):
        raise InputError("this looks like JSON, not CSV: export the runs table as CSV")
    if first_line.lower().startswith(("<!doctype", "<html", "<?xml", "<")):
        raise InputError("this looks like HTML or XML, not CSV: export the runs table as CSV")
    delimiter = _delimiter(first_line)
    records, lines = _records(text, delimiter)
    body = records[1:]
    headers, notes = _headers(records[0], lines[0], body)
    if not body:
        raise InputError("the file has a header but no runs")
    for record, line in zip(body, lines[1:], strict=True):
        if len(record) != len(headers):
            raise InputError(
                f"this row has {len(record)} cells but the header has {len(headers)} "
                "(a ragged row or a stray delimiter)",
                row=line,
            )
    return RawTable(headers, tuple(body), tuple(lines[1:]), delimiter, notes)


def _decode(data: bytes) -> str:
    """The file's text: not too large, not empty, not UTF-16 or binary, valid UTF-8."""
    if len(data) > MAX_FILE_MB * 1024 * 1024:
        raise InputError(f"the file is larger than the {MAX_FILE_MB} MB limit")
    if not data or not data.strip():
        raise InputError("the file is empty")
    if is_utf16(data):
        raise InputError("the file is UTF-16 text; save it as UTF-8 CSV and upload it again")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError("the file holds binary data (a NUL byte), not CSV text", row=line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02X}); "
            "save it as UTF-8 CSV and upload it again",
            row=line, column=_column_at(data, exc.start) if line > 1 else None,
        ) from None


def _records(text: str, delimiter: str) -> tuple[list[tuple[str, ...]], list[int]]:
    """The non-blank records and the file line each starts on; broken quoting is refused."""
    csv.field_size_limit(max(len(text), 131072))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[str, ...]] = []
    lines: list[int] = []
    previous_end = 0
    try:
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not record or all(not cell.strip() for cell in record):
                continue
            records.append(tuple(record))
            lines.append(start)
    except csv.Error as exc:
        raise InputError(f"broken CSV quoting ({exc})", row=previous_end + 1) from None
    if not records:
        raise InputError("the file is empty")
    return records, lines


def _headers(record: tuple[str, ...], line: int, body: list[tuple[str, ...]]
             ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The header's column names, trimmed, and what was changed: a name given twice (an
    MLflow param and metric both called `learning_rate`) is kept as `learning_rate (2)`,
    unless both columns read as one split's level with different values (docs/rules.md
    §9), which is refused as no reading of them is safe."""
    headers = [h.strip() for h in record]
    notes = []
    for position, header in enumerate(headers, start=1):
        if header:
            continue
        if position != 1 or not _is_row_index([r[0] for r in body if r]):
            raise InputError(f"column {position} has no name in the header", row=line)
        headers[0] = INDEX_COLUMN  # pandas' to_csv writes its index unnamed
        notes.append("the first column has no name and counts rows from 0 (a pandas "
                     "index): it is ignored")
    seen: dict[str, int] = {}
    for position, header in enumerate(list(headers), start=1):
        if header not in seen:
            seen[header] = position
            continue
        first = seen[header]
        same = all(len(r) >= position and r[first - 1] == r[position - 1] for r in body)
        if read_name(header).family in ("error", "accuracy") and not same:
            raise InputError(
                f"the header names this column twice (columns {first} and {position}) "
                "with different values; rename one", row=line, column=header)
        copy = 2
        while f"{header} ({copy})" in headers:
            copy += 1
        headers[position - 1] = f"{header} ({copy})"
        notes.append(f"the header names '{header}' twice (columns {first} and {position}): "
                     f"the second is read as '{header} ({copy})'")
    return tuple(headers), tuple(notes)


INDEX_COLUMN = "(row index)"


def _is_row_index(cells: list[str]) -> bool:
    """Whether cells count 0, 1, 2, ... (a data frame's index written to CSV)."""
    return bool(cells) and [c.strip() for c in cells] == [str(i) for i in range(len(cells))]


def _column_at(data: bytes, offset: int) -> str | None:
    """The header name of the cell holding byte `offset` (for an encoding error)."""
    header_line = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").rstrip("\r")
    delimiter = _delimiter(header_line)
    headers = next(csv.reader([header_line], delimiter=delimiter), [])
    before = data[:offset].decode("utf-8", errors="replace")
    partial = before[before.rfind("\n") + 1:]
    cells = next(csv.reader([partial], delimiter=delimiter), [])
    position = max(len(cells) - 1, 0)
    return (headers[position].strip() or None) if position < len(headers) else None


def _delimiter(header_line: str) -> str:
    """Comma, unless the header clearly uses semicolons or tabs (European spreadsheets)."""
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","
