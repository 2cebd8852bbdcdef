"""Reading a predictions file into the database with DuckDB's own CSV reader: the fast path
that checks the stored rows, the staged path that lists every problem by file line, and the
text rule applied in SQL (docs/rules.md section 13).

The text rule costs a regular-expression pass over every text cell, a third of the import
time at 1,000,000 rows; a file whose bytes hold no character the rule changes (no control
character, no carriage return, no bidirectional control) skips it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from strategy_core.errors import InputError
from strategy_core.text import sql_clean
from strategy_core.values.predictions import (
    SPLIT_SPELLINGS,
    PredictionFileError,
    PredictionLayout,
    record_lines,
)

if TYPE_CHECKING:
    from strategy_core.store.database import Cursor

    Progress = Callable[[float, str], None]

MAX_PROBLEMS = 50
# Bytes of the UTF-8 encodings the text rule changes: C0 controls but tab and line feed (a
# carriage return included), DEL, C1 controls (U+0080-U+009F), bidirectional controls
# (U+202A-U+202E, U+2066-U+2069) and the non-characters U+FFFE and U+FFFF.
_NEEDS_CLEANING = re.compile(
    rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
    rb"|\xef\xbf[\xbe\xbf]")
_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class ValueRule:
    """What a file's rows hold (docs/rules.md §18) and, for a value file, the range its
    values must lie in (the project metric's; None: unbounded). ``what`` names the metric
    and its range for messages (user text: always passed to SQL as a parameter)."""

    kind: str = "classification"
    minimum: float | None = None
    maximum: float | None = None
    what: str = ""


CLASSIFICATION = ValueRule()


def _number(text: str, delimiter: str) -> str:
    """A text cell read as a number (0,5 reads 0.5 in a semicolon- or tab-separated file)."""
    return f"TRY_CAST({text if delimiter == ',' else f'replace({text}, chr(44), chr(46))'} " \
           "AS DOUBLE)"


def _value_sql(rule: ValueRule, optional: Callable[[str], str], delimiter: str) -> str:
    """The per-example value of a row: |label − prediction| of a regression, the value
    column of a value file, NULL for classification."""
    if rule.kind == "regression":
        return (f"abs({_number(optional('label'), delimiter)} - "
                f"{_number(optional('prediction'), delimiter)})")
    if rule.kind == "value":
        return _number(optional("value"), delimiter)
    return "NULL::DOUBLE"


def needs_cleaning(path: Path) -> bool:
    """Whether any byte of the file is one the text rule would change."""
    tail = b""  # the last bytes of the chunk before: a character may straddle two chunks
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            if _NEEDS_CLEANING.search(tail + chunk):
                return True
            tail = chunk[-2:]
    return False


def _cell(index: int, clean: bool) -> str:
    return sql_clean(f"c{index}") if clean else f"c{index}"


def _load(cur: Cursor, path: Path, layout: PredictionLayout,
          rule: ValueRule = CLASSIFICATION) -> None:
    """Read the file with DuckDB into `incoming_predictions` (one text column per header
    cell, named c0, c1… by position: no name from the file becomes an identifier)."""
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(layout.headers))) + "}"
    clean = needs_cleaning(path)
    column = {role: _cell(index, clean) for role, index in layout.positions.items()}

    def optional(role: str) -> str:
        return f"nullif(trim({column[role]}), '')" if role in column else "NULL"

    spellings = pd.DataFrame({"spelling": list(SPLIT_SPELLINGS),
                              "split": list(SPLIT_SPELLINGS.values())})
    cur.register("split_spellings", spellings)
    split_raw = optional("split")
    # A semicolon- or tab-separated file comes from a spreadsheet that writes 0,5 for 0.5.
    weight_text = (f"replace({optional('weight')}, ',', '.')" if layout.delimiter != ","
                   else optional("weight"))
    try:
        cur.execute(
            f"""CREATE TEMP TABLE incoming_predictions AS
                SELECT r.line,
                       trim({column['example_id']}) AS example_id,
                       {optional('label')} AS label,
                       {optional('prediction')} AS prediction,
                       {_number(optional('label'), layout.delimiter)} AS label_num,
                       {_number(optional('prediction'), layout.delimiter)} AS prediction_num,
                       {optional('value')} AS value_raw,
                       {_value_sql(rule, optional, layout.delimiter)} AS value,
                       {split_raw} AS split_raw,
                       CASE WHEN {split_raw} IS NULL THEN 'dev' ELSE sp.split END AS split,
                       {optional('source')} AS source,
                       {optional('text')} AS text,
                       {optional('url')} AS url,
                       {optional('weight')} AS weight_raw,
                       TRY_CAST({weight_text} AS DOUBLE) AS weight
                FROM (SELECT row_number() OVER () + 1 AS line, *
                      FROM read_csv(?, header = true, auto_detect = false, delim = ?,
                                    quote = '"', escape = '"', columns = {columns})) r
                LEFT JOIN split_spellings sp ON sp.spelling = lower(regexp_replace(
                    trim(coalesce({split_raw}, '')), '[\\s.-]+', '_', 'g'))""",
            [str(path), layout.delimiter])
    except Exception as exc:  # noqa: BLE001 - DuckDB's CSV errors, turned into a message
        problem = _csv_error(exc)
        if problem.row is not None:
            lines = record_lines(path, layout.delimiter, reader_lines=[problem.row])
            problem = InputError(problem.problem, row=lines.get(("reader", problem.row),
                                                                problem.row),
                                 column=problem.column)
        raise PredictionFileError([problem]) from None


class _NotClean(Exception):
    """The fast path found a broken rule (raised inside the transaction: it rolls back)."""


def _insert_clean(cur: Cursor, path: Path, layout: PredictionLayout, set_id: int,
                  report: Progress, rule: ValueRule = CLASSIFICATION
                  ) -> tuple[int, int, dict[str, int]] | None:
    """Read the file into `predictions` under `set_id` and check every rule `_problems`
    checks, on the stored rows: (rows, misclassified, rows per split), or None when a rule
    fails. Values are the expressions of `_load`; a missing id, label, prediction or a split
    that is not one (NULL in a NOT NULL column) and a weight that is not a number (CAST, not
    TRY_CAST) make the insert itself fail. tests/store/test_predictions_fast_path.py checks
    that both paths store the same rows."""
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(layout.headers))) + "}"
    clean = needs_cleaning(path)
    column = {role: _cell(index, clean) for role, index in layout.positions.items()}

    def optional(role: str) -> str:
        return f"nullif(trim({column[role]}), '')" if role in column else "NULL"

    def required(role: str) -> str:
        if rule.kind == "value" and role in ("label", "prediction"):
            return f"coalesce({optional(role)}, '')"  # optional beside a value column
        return f"nullif(trim({column[role]}), '')"

    split_raw = optional("split")
    weight_text = (f"replace({optional('weight')}, ',', '.')" if layout.delimiter != ","
                   else optional("weight"))
    # The spellings are the code's own constants, matched in a CASE (no join: the rows keep
    # the file's order); a cell spelled exactly as a known spelling skips the regex.
    spellings = " ".join("WHEN ? THEN ?" for _ in SPLIT_SPELLINGS)
    spelling_params = [value for pair in SPLIT_SPELLINGS.items() for value in pair] * 2
    try:
        cur.execute(
            f"""INSERT INTO predictions (set_id, split, example_id, label, prediction, source,
                                         text, url, weight, value)
                SELECT ?,
                       CASE WHEN {split_raw} IS NULL THEN 'dev'
                            ELSE CASE {split_raw} {spellings}
                                 ELSE CASE lower(regexp_replace(trim({split_raw}), '[\\s.-]+',
                                                                '_', 'g')) {spellings} END
                                 END END,
                       {required('example_id')}, {required('label')},
                       {required('prediction')}, {optional('source')}, {optional('text')},
                       {optional('url')}, CAST({weight_text} AS DOUBLE),
                       {_value_sql(rule, optional, layout.delimiter)}
                FROM read_csv(?, header = true, auto_detect = false, delim = ?, quote = '"',
                              escape = '"', columns = {columns})""",
            [set_id, *spelling_params, str(path), layout.delimiter])
    except Exception:  # noqa: BLE001 - unreadable or a broken rule: the staged path says which
        return None
    report(0.65, "Checking every row")
    values_broken = ("value IS NULL OR isnan(value) OR isinf(value) OR value < ? OR value > ?"
                     if rule.kind != "classification" else "false AND ? IS NULL AND ? IS NULL")
    rows, misclassified, broken, distinct = cur.execute(
        f"""SELECT count(*), count(*) FILTER (label <> prediction AND value IS NULL),
                  count(*) FILTER (isnan(weight) OR isinf(weight) OR weight < 0
                                   OR NOT regexp_matches(url, '^https?://[^\\s]+$')
                                   OR {values_broken}),
                  count(DISTINCT (split, example_id))
           FROM predictions WHERE set_id = ?""",
        [_bound(rule.minimum, -1), _bound(rule.maximum, 1), set_id]).fetchone()
    if not rows or broken or distinct != rows:
        return None
    splits = {split: int(n) for split, n in cur.execute(
        "SELECT split, count(*) FROM predictions WHERE set_id = ? GROUP BY split",
        [set_id]).fetchall()}
    return int(rows), int(misclassified), splits


def _bound(value: float | None, side: int) -> float:
    """A range bound for SQL; an open side is infinite."""
    return float(value) if value is not None else side * float("inf")


def _csv_error(exc: Exception) -> InputError:
    text = str(exc)
    line_match = re.search(r"CSV Error on Line: (\d+)", text)
    line = int(line_match.group(1)) if line_match else None
    columns = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if "unicode" in text.lower() or "utf-8" in text.lower():
        return InputError("the file is not UTF-8 text; save it as UTF-8 CSV and upload it "
                          "again", row=line)
    if columns:
        return InputError(f"this row has {columns.group(2)} cells but the header has "
                          f"{columns.group(1)} (a ragged row or a stray delimiter)", row=line)
    if "quote" in text.lower():
        return InputError("a quoted cell is never closed (broken CSV quoting)", row=line)
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    first = re.sub(r"^[A-Za-z ]*Error: ", "", first)
    return InputError(f"the file cannot be read as CSV ({first[:160]})", row=line)


def _checks(rule: ValueRule) -> list[tuple[str, str, str, list[object]]]:
    """(condition, column role, message, parameters of message then condition) of every
    rule a row of `incoming_predictions` must meet."""
    checks: list[tuple[str, str, str, list[object]]] = [
        ("example_id IS NULL OR example_id = ''", "'example_id'",
         "'the example id is empty'", []),
        ("split IS NULL", "'split'",
         "'''' || left(split_raw, 40) || ''' is not a split (use train, train-dev, dev or "
         "test; empty means dev)'", []),
        ("weight_raw IS NOT NULL AND (weight IS NULL OR isnan(weight) OR isinf(weight))",
         "'weight'", "'''' || left(weight_raw, 40) || ''' is not a number'", []),
        ("weight < 0", "'weight'", "'a weight cannot be negative (' || weight_raw || ')'", []),
        ("url IS NOT NULL AND NOT regexp_matches(url, '^https?://[^\\s]+$')", "'url'",
         "'''' || left(url, 60) || ''' is not an http(s) address'", []),
    ]
    if rule.kind != "value":
        checks += [("label IS NULL OR label = ''", "'label'", "'the label is empty'", []),
                   ("prediction IS NULL OR prediction = ''", "'prediction'",
                    "'the prediction is empty'", [])]
    if rule.kind == "regression":
        checks += [(f"{role} IS NOT NULL AND ({role}_num IS NULL OR isnan({role}_num) OR "
                    f"isinf({role}_num))", f"'{role}'",
                    f"'''' || left({role}, 40) || ''' is not a number (for ' || ? || ', the "
                    f"{role} must be a number)'", [rule.what])
                   for role in ("label", "prediction")]
    if rule.kind == "value":
        checks += [
            ("value_raw IS NULL", "'value'", "'the value is empty'", []),
            ("value_raw IS NOT NULL AND (value IS NULL OR isnan(value) OR isinf(value))",
             "'value'", "'''' || left(value_raw, 40) || ''' is not a number'", []),
            ("NOT isnan(value) AND (value < ? OR value > ?)", "'value'",
             "'''' || left(value_raw, 40) || ''' is outside the range of ' || ?",
             [rule.what, _bound(rule.minimum, -1), _bound(rule.maximum, 1)]),
        ]
    return checks


def _problems(cur: Cursor, layout: PredictionLayout, path: Path,
              rule: ValueRule = CLASSIFICATION) -> list[InputError]:
    """Every rule a row must meet, checked in SQL; the first MAX_PROBLEMS, by row. Each
    names the file line its record starts on (blank lines and quoted newlines make that
    differ from the record number)."""
    header = {role: layout.headers[index] for role, index in layout.positions.items()}
    checks = _checks(rule)
    union = " UNION ALL ".join(
        f"SELECT line, {role} AS role, {message} AS message, NULL::BIGINT[] AS lines, "
        f"0 AS n FROM incoming_predictions WHERE {condition}"
        for condition, role, message, _ in checks)
    params = [value for *_, check_params in checks for value in check_params]
    rows = cur.execute(
        f"""SELECT line, role, message, lines, n FROM ({union}
            UNION ALL
            SELECT lines[2] AS line, 'example_id' AS role,
                   'example id ''' || left(example_id, 40) || ''' appears '
                   || CASE WHEN n = 2 THEN 'twice' ELSE n || ' times' END
                   || ' in split ' || split AS message, lines[1:3] AS lines, n
            FROM (SELECT example_id, split, count(*) AS n, list(line ORDER BY line) AS lines
                  FROM incoming_predictions
                  WHERE split IS NOT NULL AND example_id IS NOT NULL AND example_id <> ''
                  GROUP BY example_id, split HAVING count(*) > 1))
            ORDER BY line, role LIMIT ?""", [*params, MAX_PROBLEMS]).fetchall()
    # `line` is the record number + 1 (the header is row 1).
    records = {int(line) - 1 for line, *_ in rows}
    records |= {int(other) - 1 for *_, lines, _n in rows for other in lines or []}
    found = record_lines(path, layout.delimiter, records=records)

    def file_line(line: int) -> int:
        return found.get(("record", int(line) - 1), int(line))

    problems = []
    for line, role, message, lines, n in rows:
        if lines:
            message += " (rows " + ", ".join(str(file_line(o)) for o in lines) + (
                ", …" if n > 3 else "") + ")"
        problems.append(InputError(message, row=file_line(line),
                                   column=header.get(role, role)))
    return problems
