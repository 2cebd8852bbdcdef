"""Steps of the review store inside one transaction: names checked, categories created,
tags rows written, and a tag spreadsheet turned into a sample."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from strategy_core.errors import InputError, NotFoundError
from strategy_core.store.review_records import (
    MAX_CATEGORY_NAME,
    MAX_NAME,
    MAX_SAMPLE_SIZE,
    ReviewSample,
)
from strategy_core.values.categories import INCORRECTLY_LABELED, category_name
from strategy_core.values.counts import whole_count
from strategy_core.values.tag_sheet import TagSheet, is_sheet_column

if TYPE_CHECKING:
    from strategy_core.store.database import Cursor

_SAMPLE_COLUMNS = ("id, name, run_id, kind, created_at, seed, size, split, population, dev_n, "
                   "dev_errors, dev_error, eyeball_key, eyeball_n, created_by, measure, "
                   "value_name, selection, threshold, cutoff, dev_total, population_gain")


def _sample(row: tuple) -> ReviewSample:
    return ReviewSample(*row)


def _sample_project(cur: Cursor, sample_id: int) -> int:
    project_id = cur.scalar("SELECT project_id FROM review_samples WHERE id = ?", [sample_id])
    if project_id is None:
        raise NotFoundError(f"no review sample {sample_id}")
    return int(project_id)


def _sample_name(name: str | None) -> str:
    clean = " ".join((name or "").split())
    if not clean:
        raise InputError("a review sample needs a name")
    if len(clean) > MAX_NAME:
        raise InputError(f"a sample name has at most {MAX_NAME} characters")
    return clean


def _require_unique_name(cur: Cursor, project_id: int, name: str,
                         besides: int | None = None) -> None:
    if cur.scalar("SELECT count(*) FROM review_samples WHERE project_id = ? AND "
                  "lower(name) = lower(?) AND id <> ?", [project_id, name, besides or -1]):
        raise InputError(f"a review sample named '{name}' already exists in this project")


def _whole(value: object, what: str, at_least: int = 0) -> int:
    return whole_count(value, what, at_least=at_least, text=True)


def _category(name: str) -> str:
    try:
        clean = category_name(name)
    except InputError:
        raise InputError("a category needs a name") from None
    if len(clean) > MAX_CATEGORY_NAME:
        raise InputError(f"a category name has at most {MAX_CATEGORY_NAME} characters")
    if is_sheet_column(clean):
        raise InputError(f"'{clean}' names a column of the tag sheet; choose another name")
    return clean


def _effort(effort: object, name: str) -> float | None:
    if effort is None:
        return None
    try:
        number = float(effort)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"the effort of '{name}' must be a number") from None
    if number != number:  # NaN: an empty cell
        return None
    if not 0 < number < float("inf"):
        raise InputError(f"the effort of '{name}' must be a positive number")
    return number


def _ensure_reserved(cur: Cursor, project_id: int) -> None:
    if not cur.scalar("SELECT count(*) FROM review_categories WHERE project_id = ? AND "
                      "name = ?", [project_id, INCORRECTLY_LABELED]):
        _insert_category(cur, project_id, INCORRECTLY_LABELED, None)


def _insert_category(cur: Cursor, project_id: int, name: str, effort: float | None) -> int:
    position = cur.scalar("SELECT coalesce(max(position), 0) + 1 FROM review_categories "
                          "WHERE project_id = ?", [project_id])
    return int(cur.scalar(
        "INSERT INTO review_categories (project_id, name, effort, position) VALUES "
        "(?, ?, ?, ?) RETURNING id", [project_id, name, effort, position]))


def _require_new_category(cur: Cursor, project_id: int, name: str,
                          besides: int | None = None) -> None:
    if cur.scalar("SELECT count(*) FROM review_categories WHERE project_id = ? AND "
                  "lower(name) = lower(?) AND id <> ?", [project_id, name, besides or -1]):
        raise InputError(f"a category named '{name}' already exists")


def _category_row(cur: Cursor, project_id: int, category_id: int) -> str:
    name = cur.scalar("SELECT name FROM review_categories WHERE project_id = ? AND id = ?",
                      [project_id, category_id])
    if name is None:
        raise NotFoundError("no such category in this project (it may have been removed)")
    return str(name)


def _create_tags(cur: Cursor, sample_id: int) -> None:
    cur.execute("INSERT INTO review_tags (sample_id, example_id) SELECT sample_id, example_id "
                "FROM review_examples WHERE sample_id = ?", [sample_id])


def _tag_rows(cur: Cursor, sample_id: int, example_ids: Sequence[str] | None = None
              ) -> pd.DataFrame:
    only = "AND e.example_id IN (SELECT unnest(?))" if example_ids is not None else ""
    params: list[object] = [sample_id]
    if example_ids is not None:
        params.append(list(example_ids))
    frame = cur.df(
        f"""SELECT e.example_id, e.label, e.prediction, e.source, e.text, e.url,
                   e.value, coalesce(t.categories, []::INTEGER[]) AS categories,
                   coalesce(t.notes, '') AS notes, coalesce(t.reviewed, false) AS reviewed,
                   coalesce(t.version, 0) AS version, t.updated_at,
                   coalesce(t.updated_by, '') AS updated_by
            FROM review_examples e
            LEFT JOIN review_tags t ON t.sample_id = e.sample_id AND t.example_id = e.example_id
            WHERE e.sample_id = ? {only} ORDER BY e.position""", params)
    frame["categories"] = [sorted(int(c) for c in list(v)) for v in frame["categories"]]
    return frame


def _imported_sample(cur: Cursor, project_id: int, sheet: TagSheet, name: str | None,
                     run_key: int | None, dev_error: float | None, created_by: str) -> int:
    clean = _sample_name(name)
    _require_unique_name(cur, project_id, clean)
    dev_n = dev_errors = None
    if run_key is not None:
        if not cur.scalar("SELECT count(*) FROM current_run_versions WHERE project_id = ? "
                          "AND run_id = ? AND NOT deleted", [project_id, run_key]):
            raise NotFoundError(f"no run {run_key} in this project")
        dev_n, dev_errors = cur.execute(
            "SELECT count(*), count(*) FILTER (p.label <> p.prediction) FROM predictions p "
            "JOIN prediction_sets s ON s.id = p.set_id WHERE s.project_id = ? AND "
            "s.run_id = ? AND p.split = 'dev'", [project_id, run_key]).fetchone()
        if not dev_n:
            dev_n = dev_errors = None
        if dev_error is None:
            dev_error = (dev_errors / dev_n) if dev_n else cur.scalar(
                "SELECT dev_error FROM current_run_versions WHERE run_id = ?", [run_key])
    if dev_error is not None and not 0 <= float(dev_error) <= 1:
        raise InputError("the dev error must be between 0% and 100%")
    sample_id = int(cur.scalar(
        "INSERT INTO review_samples (project_id, name, kind, run_id, split, size, dev_n, "
        "dev_errors, dev_error, created_by) VALUES (?, ?, 'imported', ?, 'dev', ?, ?, ?, ?, ?) "
        "RETURNING id",
        [project_id, clean, run_key, len(sheet.rows), dev_n, dev_errors, dev_error,
         created_by[:80]]))
    frame = pd.DataFrame({
        "position": list(range(1, len(sheet.rows) + 1)),
        "example_id": [row.example_id for row in sheet.rows],
        "label": [row.label for row in sheet.rows],
        "prediction": [row.prediction for row in sheet.rows],
        "url": [row.url for row in sheet.rows],
        "text": [row.text for row in sheet.rows],
    }).astype({"label": "object", "prediction": "object", "url": "object", "text": "object"})
    cur.register("sheet_examples", frame)
    cur.execute(
        """INSERT INTO review_examples (sample_id, position, example_id, label, prediction,
               source, text, url)
           SELECT ?, x.position, x.example_id, coalesce(x.label, p.label),
                  coalesce(x.prediction, p.prediction), p.source, coalesce(x.text, p.text),
                  coalesce(x.url, p.url)
           FROM sheet_examples x
           LEFT JOIN (SELECT p.* FROM predictions p JOIN prediction_sets s ON s.id = p.set_id
                      WHERE s.project_id = ? AND s.run_id = ? AND p.split = 'dev') p
             ON p.example_id = x.example_id""", [sample_id, project_id, run_key])
    _create_tags(cur, sample_id)
    return sample_id


def _draw_sizes(kind: str, size: int | None, eyeball_size: int | None
                ) -> tuple[int | None, int | None]:
    """A draw's sample size or eyeball-set size, checked (one of them is used)."""
    if kind not in ("errors", "audit"):
        raise InputError(f"a drawn sample is 'errors' or 'audit', not '{kind}'")
    if eyeball_size is not None:
        if kind != "errors":
            raise InputError("an eyeball set size applies to samples of mistakes only")
        return size, _whole(eyeball_size, "the eyeball set size", at_least=1)
    size = _whole(size, "the sample size", at_least=1)
    if size > MAX_SAMPLE_SIZE:
        raise InputError(f"a sample holds at most {MAX_SAMPLE_SIZE:,} examples")
    return size, None


def _draw_cutoff(cur: Cursor, kind: str, wanted: str, population: int, size: int | None,
                 eyeball_size: int | None) -> str:
    """The largest sampling key drawn: the sample is every wanted example of the keyed dev
    examples up to it, and for mistakes the eyeball set is every dev example up to it.
    (`wanted` is one of two conditions written by the caller, never input.)"""
    if eyeball_size is not None:
        return cur.scalar("SELECT max(k) FROM (SELECT k FROM keyed_examples "
                          "ORDER BY k LIMIT ?)", [eyeball_size])
    picked = cur.execute(
        f"SELECT count(*), max(k) FROM (SELECT k FROM keyed_examples WHERE "
        f"{wanted} ORDER BY k LIMIT ?)", [size]).fetchone()
    if kind == "errors" and picked[0] == population:
        # Every mistake is reviewed: the eyeball set is the whole dev set.
        return cur.scalar("SELECT max(k) FROM keyed_examples")
    return picked[1]


# The per-example measure of a stored prediction (docs/rules.md §18): `value` holds the
# absolute error of a regression and the file's value of a value file. Code constants only.
_MEASURE_SQL = {"absolute_error": "p.value", "squared_error": "p.value * p.value",
                "value": "p.value"}
_MEASURES_OF_KIND = {"regression": ("absolute_error", "squared_error"), "value": ("value",)}


def _value_draw_rows(cur: Cursor, project_id: int, run_key: int, measure: str, sign: int,
                     best: float, seed: int) -> tuple[int, float, str | None]:
    """Key every dev example of the run's per-example values into `measured_examples`
    (measure m, gain g = sign·(m − best), sampling key k); (dev n, Σm, value name)."""
    row = cur.execute("SELECT coalesce(kind, 'classification'), value_name FROM "
                      "prediction_sets WHERE project_id = ? AND run_id = ?",
                      [project_id, run_key]).fetchone()
    if row is None:
        raise InputError("this run has no predictions: upload its per-example values first")
    if measure not in _MEASURES_OF_KIND.get(row[0], ()):
        raise InputError("this run's predictions are classification rows: draw a sample of "
                         "its mistakes" if row[0] == "classification" else
                         f"this run's predictions hold no {measure.replace('_', ' ')}: upload "
                         "them again under the project's metric")
    cur.execute(
        f"""CREATE TEMP TABLE measured_examples AS
            SELECT p.example_id, p.label, p.prediction, p.source, p.text, p.url,
                   {_MEASURE_SQL[measure]} AS m, ? * ({_MEASURE_SQL[measure]} - ?) AS g,
                   md5(CAST(? AS VARCHAR) || ':' || p.example_id) AS k
            FROM predictions p JOIN prediction_sets s ON s.id = p.set_id
            WHERE s.project_id = ? AND s.run_id = ? AND p.split = 'dev'""",
        [sign, best, str(seed), project_id, run_key])
    dev_n, dev_total = cur.execute("SELECT count(*), sum(m) FROM measured_examples").fetchone()
    if not dev_n:
        raise InputError("this run has no dev predictions: upload its per-example values "
                         "first")
    return int(dev_n), float(dev_total), row[1]


def _value_selection(cur: Cursor, selection: str, size: int, threshold: float | None,
                     sign: int) -> tuple[str, list[object], str, int, float, float | None]:
    """Which measured examples are drawn (docs/rules.md §18): (SQL condition, its
    parameters, sample order, population, the population's gain, cutoff). The worst
    ``size`` by gain (ties by example id), or ``size`` of those past ``threshold`` in the
    seeded random order."""
    if selection == "worst":
        worst = ("example_id IN (SELECT example_id FROM measured_examples "
                 "ORDER BY g DESC, example_id LIMIT ?)")
        n, gain, cutoff = cur.execute(
            f"SELECT count(*), coalesce(sum(g), 0), arg_min(m, g) FROM measured_examples "
            f"WHERE {worst}", [size]).fetchone()
        return worst, [size], "g DESC, example_id", int(n), float(gain), cutoff
    if selection != "threshold" or threshold is None:
        raise InputError("a sample of values is the worst examples or those past a threshold")
    past = "? * (m - ?) >= 0"
    n, gain = cur.execute(f"SELECT count(*), coalesce(sum(g), 0) FROM measured_examples "
                          f"WHERE {past}", [sign, threshold]).fetchone()
    if not n:
        raise InputError("no dev example is past this threshold: choose a less extreme one")
    drawn = (f"{past} AND k IN (SELECT k FROM measured_examples WHERE {past} "
             "ORDER BY k LIMIT ?)")
    return drawn, [sign, threshold, sign, threshold, size], "k", int(n), float(gain), None


def _insert_value_examples(cur: Cursor, sample_id: int, condition: str,
                           params: list[object], order: str) -> int:
    """Copy the drawn examples, with their measure and gain, into the sample."""
    cur.execute(
        f"""INSERT INTO review_examples (sample_id, position, example_id, label, prediction,
                source, text, url, value, gain)
            SELECT ?, row_number() OVER (ORDER BY {order}), example_id, label, prediction,
                   source, text, url, m, g
            FROM measured_examples WHERE {condition}""", [sample_id, *params])
    drawn = int(cur.scalar("SELECT count(*) FROM review_examples WHERE sample_id = ?",
                           [sample_id]))
    cur.execute("DROP TABLE measured_examples")
    _create_tags(cur, sample_id)
    return drawn
