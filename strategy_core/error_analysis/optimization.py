"""The Optimization Verification test (docs/rules.md §22; MLY ch. 44–46).

A model that picks its output by searching for the highest score, y_out = argmax_y S(x, y)
(beam search in speech recognition or translation, a planner maximizing a reward), can
fail in two places: the search did not find the best-scoring output, or the score S
itself prefers a wrong output. For each reviewed mistake compare S(y*), the score of the
correct output, with S(y_out), the score of the output found:

- S(y*) > S(y_out): the objective ranks the correct output higher, but the search missed
  it — the **search** is at fault (a wider beam, a better search algorithm);
- S(y*) ≤ S(y_out): the search found something the objective likes at least as much as the
  correct output — the **objective** (scoring function) is at fault.

The verdict goes to the larger share of reviewed mistakes, with its 95% Wilson interval;
it is tentative while that interval still holds one half.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from strategy_core.error_analysis.common import _share_interval
from strategy_core.errors import InputError
from strategy_core.stats import Interval
from strategy_core.text import is_utf16
from strategy_core.values.optimization import ScorePair, validate_pairs
from strategy_core.values.project_metric import ProjectMetric

MAX_FILE_MB = 20
# Accepted header names (lower case, spaces and underscores removed) for each column.
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "example_id": ("exampleid", "id", "example"),
    "score_correct": ("scorecorrect", "scorrect", "s(y*)", "sy*", "scoreystar", "systar",
                      "correctscore"),
    "score_output": ("scoreoutput", "soutput", "s(yout)", "syout", "scoreyout", "outputscore"),
    "note": ("note", "notes"),
}
REQUIRED = ("example_id", "score_correct", "score_output")
TOLERANCE = 1e-12

VERDICTS: dict[str, str] = {
    "none": "No scores recorded yet",
    "search": "The search algorithm is at fault",
    "objective": "The objective (scoring function) is at fault",
    "tie": "Search and objective share the blame",
}


@dataclass(frozen=True)
class OptimizationCheck:
    """The test over a run's reviewed mistakes: counts, shares, the verdict and reasons."""

    pairs: tuple[ScorePair, ...]
    search_faults: int
    objective_faults: int
    verdict: str
    tentative: bool
    search_interval: Interval | None
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def reviewed(self) -> int:
        return self.search_faults + self.objective_faults

    @property
    def search_share(self) -> float | None:
        return None if not self.reviewed else self.search_faults / self.reviewed

    @property
    def objective_share(self) -> float | None:
        return None if not self.reviewed else self.objective_faults / self.reviewed

    @property
    def headline(self) -> str:
        return VERDICTS[self.verdict]

    def fault(self, pair: ScorePair) -> str:
        return blame(pair)

    def as_dict(self) -> dict[str, Any]:
        interval = self.search_interval
        return {"reviewed": self.reviewed, "search_faults": self.search_faults,
                "objective_faults": self.objective_faults,
                "search_share": _tidy(self.search_share),
                "objective_share": _tidy(self.objective_share),
                "search_share_interval": None if interval is None else
                [_tidy(interval.low), _tidy(interval.high)],
                "verdict": self.verdict, "headline": self.headline,
                "tentative": self.tentative, "reasons": list(self.reasons)}


def _tidy(value: float | None) -> float | None:
    return None if value is None else float(f"{value:.10g}")


def blame(pair: ScorePair) -> str:
    """'search' when S(y*) > S(y_out), else 'objective' (ties too: MLY ch. 45)."""
    return "search" if pair.score_correct > pair.score_output + TOLERANCE else "objective"


def verify_optimization(pairs: Iterable[ScorePair], dev_error: float | None = None,
                        metric: ProjectMetric | None = None) -> OptimizationCheck:
    """Count whose fault each reviewed mistake is and give the verdict (docs/rules.md
    §22). With the run's dev error of an error-rate project, the reasons say how much of
    it each side could remove at best."""
    clean = validate_pairs(pairs)
    search = sum(1 for pair in clean if blame(pair) == "search")
    objective = len(clean) - search
    if not clean:
        return OptimizationCheck((), 0, 0, "none", False, None, (_NOTHING,))
    interval = _share_interval(search, len(clean))
    if search > objective:
        verdict = "search"
    elif objective > search:
        verdict = "objective"
    else:
        verdict = "tie"
    tentative = verdict == "tie" or interval.low <= 0.5 <= interval.high
    reasons = [_count_reason(search, objective, interval), _advice(verdict, tentative)]
    if dev_error is not None and metric is not None and metric.is_error_rate:
        reasons.append(_ceiling(search, objective, dev_error, metric))
    return OptimizationCheck(clean, search, objective, verdict, tentative, interval,
                             tuple(reasons))


_NOTHING = ("For each reviewed mistake, record the score the model gives the correct "
            "output, S(y*), and the score it gives the output it found, S(y_out).")


def _count_reason(search: int, objective: int, interval: Interval) -> str:
    n = search + objective
    return (f"Of {n:,} reviewed mistake{'' if n == 1 else 's'}, {search:,} "
            f"({search / n:.0%}) score the correct output higher (S(y*) > S(y_out): the "
            f"search missed it) and {objective:,} ({objective / n:.0%}) do not (S(y*) ≤ "
            f"S(y_out): the objective prefers the wrong output). 95% interval of the "
            f"search's share: {interval.low:.0%} to {interval.high:.0%}.")


def _advice(verdict: str, tentative: bool) -> str:
    if verdict == "tie" or tentative:
        return ("Neither side clearly dominates on this many examples: review more mistakes "
                "before committing the team to the search or to the objective.")
    if verdict == "search":
        return ("Work on the search: a wider beam, more search steps, or a better search "
                "algorithm; improving the objective would not fix most of these mistakes.")
    return ("Work on the objective: how the score is learned or defined (the model, its "
            "training data, its features, or the reward/score itself); a better search "
            "would only find outputs the score already prefers.")


def _ceiling(search: int, objective: int, dev_error: float, metric: ProjectMetric) -> str:
    n = search + objective
    return (f"With dev error {metric.format(dev_error)}, a perfect search would remove at "
            f"most {metric.format_gap(dev_error * search / n)} of it and a perfect "
            f"objective at most {metric.format_gap(dev_error * objective / n)} (if the "
            "reviewed mistakes are typical of all dev mistakes).")


# --- reading pairs from a table or a CSV file ----------------------------------------------


def _header_key(name: str) -> str:
    return "".join(str(name).lower().split()).replace("_", "").replace("-", "")


def column_roles(headers: Sequence[str]) -> dict[str, str]:
    """Each column's role (example_id, score_correct, score_output, note) by its header;
    InputError naming a missing required column. Other columns are ignored."""
    roles: dict[str, str] = {}
    for header in headers:
        key = _header_key(header)
        for role, names in HEADER_NAMES.items():
            if key in names and role not in roles.values():
                roles[header] = role
    missing = [role for role in REQUIRED if role not in roles.values()]
    if missing:
        raise InputError(f"the header needs the column{'s' if len(missing) > 1 else ''} "
                         f"{', '.join(missing)} (found: {', '.join(headers) or 'none'})",
                         row=1)
    return roles


def _number(text: object, row: int, column: str) -> float:
    if isinstance(text, bool):
        raise InputError(f"{text!r} is not a number", row=row, column=column)
    if isinstance(text, float) and math.isnan(text):
        raise InputError("the score is empty", row=row, column=column)
    if isinstance(text, int | float):
        value = float(text)
    else:
        raw = str(text if text is not None else "").strip()
        if not raw:
            raise InputError("the score is empty", row=row, column=column)
        try:
            value = float(raw.replace(",", ""))
        except ValueError:
            raise InputError(f"'{raw[:40]}' is not a number", row=row, column=column) from None
    if not math.isfinite(value):
        raise InputError("the score must be a finite number", row=row, column=column)
    return value


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def pairs_from_rows(rows: Iterable[Mapping[str, object]], roles: Mapping[str, str],
                    first_row: int = 2) -> tuple[ScorePair, ...]:
    """Rows (header → cell) into pairs; blank rows are skipped. InputError names the row
    (`first_row` for the first: 2 in a file under its header, 1 in an edited table) and
    the column."""
    column = {role: header for header, role in roles.items()}
    pairs: list[ScorePair] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=first_row):
        if all(_blank(row.get(header)) for header in roles):
            continue
        raw_id = row.get(column["example_id"])
        example_id = "" if _blank(raw_id) else " ".join(str(raw_id).split())
        if not example_id:
            raise InputError("the example id is empty", row=number, column=column["example_id"])
        if example_id in seen:
            raise InputError(f"example '{example_id[:40]}' is listed twice (first in row "
                             f"{seen[example_id]})", row=number, column=column["example_id"])
        seen[example_id] = number
        note = row.get(column["note"]) if "note" in column else ""
        pair = ScorePair(example_id,
                         _number(row.get(column["score_correct"]), number,
                                 column["score_correct"]),
                         _number(row.get(column["score_output"]), number,
                                 column["score_output"]),
                         "" if _blank(note) else str(note).strip())
        try:
            validate_pairs([pair])
        except InputError as exc:
            raise InputError(exc.problem.removeprefix("record 1: "), row=number) from None
        pairs.append(pair)
    return tuple(pairs)


def read_pairs_csv(data: bytes) -> tuple[ScorePair, ...]:
    """A CSV file of reviewed examples (example_id, score_correct, score_output, optional
    note) into pairs; InputError naming the row and column, so nothing is written."""
    if len(data) > MAX_FILE_MB * 1024 * 1024:
        raise InputError(f"the file is larger than the {MAX_FILE_MB} MB limit")
    if not data.strip():
        raise InputError("the file is empty")
    if is_utf16(data) or b"\x00" in data:
        raise InputError("the file is not UTF-8 CSV text; save it as UTF-8 CSV")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("the file is not UTF-8 text; save it as UTF-8 CSV",
                         row=data[: exc.start].count(b"\n") + 1) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = [(reader.line_num, record) for record in reader]
    except csv.Error as exc:
        raise InputError(f"broken CSV quoting ({exc})", row=reader.line_num + 1) from None
    records = [(line, r) for line, r in records if any(cell.strip() for cell in r)]
    headers = [h.strip() for h in records[0][1]]
    roles = column_roles(headers)
    for line, record in records[1:]:
        if len(record) != len(headers):
            raise InputError(f"this row has {len(record)} cells but the header has "
                             f"{len(headers)}", row=line)
    return _numbered(records[1:], headers, roles)


def _numbered(records: list[tuple[int, list[str]]], headers: list[str],
              roles: Mapping[str, str]) -> tuple[ScorePair, ...]:
    """Pairs from file records, each error naming the record's own file line."""
    pairs: list[ScorePair] = []
    seen: dict[str, int] = {}
    id_column = next(h for h, role in roles.items() if role == "example_id")
    for line, record in records:
        for pair in pairs_from_rows([dict(zip(headers, record, strict=True))], roles, line):
            if pair.example_id in seen:
                raise InputError(f"example '{pair.example_id[:40]}' is listed twice (first "
                                 f"in row {seen[pair.example_id]})", row=line,
                                 column=id_column)
            seen[pair.example_id] = line
            pairs.append(pair)
    if not pairs:
        raise InputError("the file has a header but no examples")
    return validate_pairs(pairs)
