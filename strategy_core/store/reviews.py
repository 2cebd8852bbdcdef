"""Review samples, error categories and the tags people put on reviewed examples.

A review sample is drawn from a run's per-example predictions with a recorded seed and
keeps its own copy of the examples, so it stays the same when predictions are uploaded
again. Tags are one row per sample and example (category ids, notes, reviewed flag) with a
version number: a save names the version it started from and is refused, with the
current values, when someone else saved the example in between (docs/rules.md §13).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from strategy_core.errors import ConflictError, InputError, NotFoundError
from strategy_core.store.predictions import SAMPLE_KEY_SQL
from strategy_core.store.review_records import (  # re-exported: the review store's API
    DEFAULT_SAMPLE_SIZE,
    KIND_LABELS,
    MAX_CATEGORY_NAME,
    MAX_NAME,
    MAX_NOTES,
    MAX_SAMPLE_SIZE,
    REVIEW_KINDS,
    Category,
    ReviewCounts,
    ReviewSample,
    SheetImport,
    TagEdit,
)
from strategy_core.store.review_rows import (
    _SAMPLE_COLUMNS,
    _category,
    _category_row,
    _create_tags,
    _draw_cutoff,
    _draw_sizes,
    _effort,
    _ensure_reserved,
    _imported_sample,
    _insert_category,
    _insert_value_examples,
    _require_new_category,
    _require_unique_name,
    _sample,
    _sample_name,
    _sample_project,
    _tag_rows,
    _value_draw_rows,
    _value_selection,
    _whole,
)
from strategy_core.values.categories import INCORRECTLY_LABELED
from strategy_core.values.tag_sheet import TagSheet

if TYPE_CHECKING:
    from strategy_core.store import Store

__all__ = ["DEFAULT_SAMPLE_SIZE", "KIND_LABELS", "MAX_CATEGORY_NAME", "MAX_NAME", "MAX_NOTES",
           "MAX_SAMPLE_SIZE", "REVIEW_KINDS", "Category", "ReviewCounts", "ReviewRepo",
           "ReviewSample", "SheetImport", "TagEdit"]


class ReviewRepo:
    def __init__(self, store: Store):
        self._store = store

    # -- samples ---------------------------------------------------------------------
    def samples(self, project_id: int) -> list[ReviewSample]:
        """The project's review samples, newest first."""
        with self._store.read() as cur:
            rows = cur.execute(f"SELECT {_SAMPLE_COLUMNS} FROM review_samples "
                               "WHERE project_id = ? ORDER BY created_at DESC, id DESC",
                               [project_id]).fetchall()
        return [_sample(row) for row in rows]

    def get(self, sample_id: int) -> ReviewSample:
        with self._store.read() as cur:
            row = cur.execute(f"SELECT {_SAMPLE_COLUMNS} FROM review_samples WHERE id = ?",
                              [sample_id]).fetchone()
        if row is None:
            raise NotFoundError(f"no review sample {sample_id}")
        return _sample(row)

    def by_name(self, project_id: int, name: str) -> ReviewSample:
        clean = " ".join((name or "").split()).casefold()
        for sample in self.samples(project_id):
            if sample.name.casefold() == clean:
                return sample
        raise NotFoundError(f"no review sample named '{name}' in this project")

    def project_of(self, sample_id: int) -> int:
        with self._store.read() as cur:
            project_id = cur.scalar("SELECT project_id FROM review_samples WHERE id = ?",
                                    [sample_id])
        if project_id is None:
            raise NotFoundError(f"no review sample {sample_id}")
        return int(project_id)

    def draw(self, project_id: int, run_key: int, *, name: str, kind: str = "errors",
             size: int | None = DEFAULT_SAMPLE_SIZE, eyeball_size: int | None = None,
             seed: int | None = None, created_by: str = "") -> ReviewSample:
        """Draw a seeded, uniformly random sample of a run's dev examples (docs/rules.md §4, §5).

        Dev examples are put in a random order by a hash of (seed, example id), so the same
        seed gives the same sample whatever the file's row order. ``errors``: the first
        ``size`` misclassified examples in that order (all of them when fewer), or with
        ``eyeball_size`` the misclassified ones among the first ``eyeball_size`` dev
        examples; the dev examples up to the last one drawn form the eyeball set.
        ``audit``: the first ``size`` correctly classified dev examples.
        """
        size, eyeball_size = _draw_sizes(kind, size, eyeball_size)
        seed = secrets.randbelow(2**31) if seed is None else _whole(seed, "the seed")
        clean = _sample_name(name)
        with self._store.write() as cur:
            _require_unique_name(cur, project_id, clean)
            if not cur.scalar("SELECT count(*) FROM current_run_versions WHERE project_id = ? "
                              "AND run_id = ? AND NOT deleted", [project_id, run_key]):
                raise NotFoundError(f"no run {run_key} in this project")
            cur.execute(
                f"""CREATE TEMP TABLE keyed_examples AS
                    SELECT p.example_id, p.label, p.prediction, p.source, p.text, p.url,
                           p.label <> p.prediction AS wrong, {SAMPLE_KEY_SQL} AS k
                    FROM predictions p JOIN prediction_sets s ON s.id = p.set_id
                    WHERE s.project_id = ? AND s.run_id = ? AND p.split = 'dev'""",
                [str(seed), project_id, run_key])
            dev_n, dev_errors = cur.execute(
                "SELECT count(*), count(*) FILTER (wrong) FROM keyed_examples").fetchone()
            if not dev_n:
                raise InputError("this run has no dev predictions: upload its per-example "
                                 "predictions first")
            wanted = "wrong" if kind == "errors" else "NOT wrong"
            population = int(dev_errors if kind == "errors" else dev_n - dev_errors)
            if population == 0:
                raise InputError("this run has no misclassified dev examples to review"
                                 if kind == "errors" else
                                 "this run has no correctly classified dev examples")
            cutoff = _draw_cutoff(cur, kind, wanted, population, size, eyeball_size)
            drawn = int(cur.scalar(f"SELECT count(*) FROM keyed_examples WHERE {wanted} "
                                   "AND k <= ?", [cutoff]))
            if drawn == 0:
                raise InputError("the eyeball set holds no misclassified example: make it "
                                 "larger")
            eyeball_n = int(cur.scalar("SELECT count(*) FROM keyed_examples WHERE k <= ?",
                                       [cutoff]))
            sample_id = int(cur.scalar(
                "INSERT INTO review_samples (project_id, name, kind, run_id, split, seed, size, "
                "population, dev_n, dev_errors, dev_error, eyeball_key, eyeball_n, created_by) "
                "VALUES (?, ?, ?, ?, 'dev', ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                [project_id, clean, kind, run_key, seed, drawn, population, int(dev_n),
                 int(dev_errors), int(dev_errors) / int(dev_n),
                 cutoff if kind == "errors" else None,
                 eyeball_n if kind == "errors" else None, created_by[:80]]))
            cur.execute(
                f"""INSERT INTO review_examples (sample_id, position, example_id, label,
                        prediction, source, text, url)
                    SELECT ?, row_number() OVER (ORDER BY k), example_id, label, prediction,
                           source, text, url
                    FROM keyed_examples WHERE {wanted} AND k <= ?""", [sample_id, cutoff])
            cur.execute("DROP TABLE keyed_examples")
            _create_tags(cur, sample_id)
            _ensure_reserved(cur, project_id)
        return self.get(sample_id)

    def draw_values(self, project_id: int, run_key: int, *, name: str, measure: str,
                    sign: int, best: float, selection: str = "worst",
                    size: int = DEFAULT_SAMPLE_SIZE, threshold: float | None = None,
                    seed: int | None = None, created_by: str = "") -> ReviewSample:
        """A sample of a run's dev examples by their per-example values (docs/rules.md §18):
        the ``size`` worst (largest gain = sign·(measure − best), ties by example id), or
        ``size`` of those past ``threshold`` (sign·(measure − threshold) ≥ 0) in the seeded
        random order. Deterministic; records what the ceilings need."""
        size = _draw_sizes("errors", size, None)[0]  # type: ignore[assignment]
        seed = secrets.randbelow(2**31) if seed is None else _whole(seed, "the seed")
        clean = _sample_name(name)
        with self._store.write() as cur:
            _require_unique_name(cur, project_id, clean)
            if not cur.scalar("SELECT count(*) FROM current_run_versions WHERE project_id = ? "
                              "AND run_id = ? AND NOT deleted", [project_id, run_key]):
                raise NotFoundError(f"no run {run_key} in this project")
            dev_n, dev_total, value_name = _value_draw_rows(cur, project_id, run_key, measure,
                                                            sign, best, seed)
            condition, params, order, population, gain, cutoff = _value_selection(
                cur, selection, size, threshold, sign)  # type: ignore[arg-type]
            sample_id = int(cur.scalar(
                "INSERT INTO review_samples (project_id, name, kind, run_id, split, seed, size, "
                "population, dev_n, created_by, measure, value_name, selection, threshold, "
                "cutoff, dev_total, population_gain) VALUES (?, ?, 'errors', ?, 'dev', ?, 0, "
                "?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                [project_id, clean, run_key, seed if selection == "threshold" else None,
                 population, dev_n, created_by[:80], measure, value_name, selection,
                 threshold if selection == "threshold" else None, cutoff, dev_total, gain]))
            drawn = _insert_value_examples(cur, sample_id, condition, params, order)
            cur.execute("UPDATE review_samples SET size = ? WHERE id = ?", [drawn, sample_id])
            _ensure_reserved(cur, project_id)
        return self.get(sample_id)

    def sample_examples(self, sample_id: int) -> pd.DataFrame:
        """The sample's examples in sample order: example_id, label, prediction, source,
        text, url, position, value (the measure of a sample of per-example values)."""
        with self._store.read() as cur:
            return cur.df("SELECT example_id, label, prediction, source, text, url, position, "
                          "value FROM review_examples WHERE sample_id = ? ORDER BY position",
                          [sample_id])

    def rename_sample(self, sample_id: int, name: str) -> ReviewSample:
        clean = _sample_name(name)
        project_id = self.project_of(sample_id)
        with self._store.write() as cur:
            _require_unique_name(cur, project_id, clean, besides=sample_id)
            cur.execute("UPDATE review_samples SET name = ? WHERE id = ?", [clean, sample_id])
        return self.get(sample_id)

    def set_dev_error(self, sample_id: int, dev_error: float | None) -> ReviewSample:
        """Record the dev error behind a sample (for a sheet imported without a run)."""
        if dev_error is not None and not 0 <= float(dev_error) <= 1:
            raise InputError("the dev error must be between 0% and 100%")
        self.project_of(sample_id)
        with self._store.write() as cur:
            cur.execute("UPDATE review_samples SET dev_error = ? WHERE id = ?",
                        [dev_error, sample_id])
        return self.get(sample_id)

    def delete_sample(self, sample_id: int) -> None:
        """Delete a sample with its examples and tags."""
        self.project_of(sample_id)
        with self._store.write() as cur:
            cur.execute("DELETE FROM review_tags WHERE sample_id = ?", [sample_id])
            cur.execute("DELETE FROM review_examples WHERE sample_id = ?", [sample_id])
            cur.execute("DELETE FROM review_samples WHERE id = ?", [sample_id])

    # -- categories ------------------------------------------------------------------
    def categories(self, project_id: int) -> list[Category]:
        """The project's error categories in their order; "Incorrectly labeled" last."""
        with self._store.read() as cur:
            rows = cur.execute(
                "SELECT id, name, effort, position, coalesce(version, 1) FROM review_categories "
                "WHERE project_id = ? "
                "ORDER BY name = ?, position, id", [project_id, INCORRECTLY_LABELED]
            ).fetchall()
        return [Category(*row) for row in rows]

    def add_category(self, project_id: int, name: str, effort: float | None = None
                     ) -> Category:
        """A new category at the end of the list (names are unique, ignoring case)."""
        clean = _category(name)
        effort = _effort(effort, clean)
        with self._store.write() as cur:
            if not cur.scalar("SELECT count(*) FROM projects WHERE id = ?", [project_id]):
                raise NotFoundError(f"no project with id {project_id}")
            _ensure_reserved(cur, project_id)
            _require_new_category(cur, project_id, clean)
            category_id = _insert_category(cur, project_id, clean, effort)
        return next(c for c in self.categories(project_id) if c.id == category_id)

    def rename_category(self, project_id: int, category_id: int, name: str) -> Category:
        """Rename a category; its tags stay. "Incorrectly labeled" keeps its name."""
        clean = _category(name)
        with self._store.write() as cur:
            current = _category_row(cur, project_id, category_id)
            if current == INCORRECTLY_LABELED:
                raise InputError(f"'{INCORRECTLY_LABELED}' is always there and keeps its name")
            _require_new_category(cur, project_id, clean, besides=category_id)
            cur.execute("UPDATE review_categories SET name = ?, "
                        "version = nextval('edit_version_seq') WHERE id = ?", [clean, category_id])
        return next(c for c in self.categories(project_id) if c.id == category_id)

    def remove_category(self, project_id: int, category_id: int) -> int:
        """Remove a category and take it off every tagged example (their versions go up,
        so a grid opened before sees the change as a conflict). Returns examples untagged."""
        with self._store.write() as cur:
            current = _category_row(cur, project_id, category_id)
            if current == INCORRECTLY_LABELED:
                raise InputError(f"'{INCORRECTLY_LABELED}' is always there and cannot be "
                                 "removed")
            untagged = int(cur.scalar(
                "SELECT count(*) FROM review_tags WHERE list_contains(categories, ?) AND "
                "sample_id IN (SELECT id FROM review_samples WHERE project_id = ?)",
                [category_id, project_id]))
            cur.execute(
                "UPDATE review_tags SET categories = list_filter(categories, lambda c: c <> ?), "
                "version = version + 1, updated_at = current_timestamp "
                "WHERE list_contains(categories, ?) AND "
                "sample_id IN (SELECT id FROM review_samples WHERE project_id = ?)",
                [category_id, category_id, project_id])
            cur.execute("DELETE FROM review_categories WHERE id = ?", [category_id])
        return untagged

    def set_efforts(self, project_id: int, efforts: Mapping[int, float | None], *,
                    expected: Mapping[int, int] | None = None) -> None:
        """Effort estimates per category id (None clears one); any positive unit.

        With `expected` (each category's edit version as the editor read it), refuse with
        ConflictError when someone else changed one of them since; its `current` holds the
        project's categories as they are now. Only changed efforts get a new version."""
        with self._store.write() as cur:
            names = {cid: _category_row(cur, project_id, cid) for cid in efforts}
            if expected is not None:
                now = {row[0]: (row[1], row[2], int(row[3] or 1)) for row in cur.execute(
                    "SELECT id, name, effort, version FROM review_categories "
                    "WHERE project_id = ?", [project_id]).fetchall()}
                stale = [now[cid] for cid, version in expected.items()
                         if cid in now and now[cid][2] != version]
                if stale:
                    theirs = ", ".join(f"{name}: {'empty' if effort is None else f'{effort:g}'}"
                                       for name, effort, _ in stale)
                    raise ConflictError(
                        f"someone else changed the efforts since you opened them ({theirs})",
                        current=self.categories(project_id))
            for category_id, effort in efforts.items():
                cur.execute("UPDATE review_categories SET effort = ?, "
                            "version = nextval('edit_version_seq') "
                            "WHERE id = ? AND effort IS DISTINCT FROM ?",
                            [_effort(effort, names[category_id]), category_id,
                             _effort(effort, names[category_id])])

    # -- tags ------------------------------------------------------------------------
    def tags(self, sample_id: int) -> pd.DataFrame:
        """The sample's examples with their tags, in sample order: example_id, label,
        prediction, source, text, url, value, categories (ids), notes, reviewed, version,
        updated_at, updated_by."""
        with self._store.read() as cur:
            return _tag_rows(cur, sample_id)

    def save_tags(self, sample_id: int, edits: Sequence[TagEdit], updated_by: str = ""
                  ) -> int:
        """Save edited tags in one transaction, or none of them.

        Each edit names the version it was made from; when any example's stored version
        differs (someone saved it since), nothing is written and `ConflictError` carries
        the current values of those examples. An example with a category or notes counts
        as reviewed. Returns the number of examples saved.
        """
        if not edits:
            return 0
        ids = [edit.example_id for edit in edits]
        if len(set(ids)) != len(ids):
            raise InputError("an example is edited twice in one save")
        for edit in edits:
            if len(edit.notes or "") > MAX_NOTES:
                raise InputError(f"the notes of {edit.example_id} are longer than "
                                 f"{MAX_NOTES} characters")
        with self._store.write() as cur:
            project_id = _sample_project(cur, sample_id)
            stored = dict(cur.execute(
                "SELECT example_id, version FROM review_tags WHERE sample_id = ? AND "
                "example_id IN (SELECT unnest(?))", [sample_id, ids]).fetchall())
            missing = [i for i in ids if i not in stored]
            if missing:
                raise NotFoundError(f"example '{missing[0]}' is not in this sample")
            known = {row[0] for row in cur.execute(
                "SELECT id FROM review_categories WHERE project_id = ?", [project_id]
            ).fetchall()}
            stale = [e.example_id for e in edits
                     if stored[e.example_id] != e.version or not e.categories <= known]
            if stale:
                current = _tag_rows(cur, sample_id, stale)
                who = {str(v) for v in current["updated_by"] if str(v)}
                by = f" by {', '.join(sorted(who))}" if who else ""
                raise ConflictError(
                    f"{len(stale)} of the examples you edited were changed{by} since you "
                    f"opened them ({', '.join(stale[:5])}{', …' if len(stale) > 5 else ''}); "
                    "nothing was saved. Their current values are shown: reload and redo your "
                    "edits on top of them.", current=current)
            frame = pd.DataFrame({
                "example_id": ids,
                "categories": [",".join(str(c) for c in sorted(e.categories)) for e in edits],
                "notes": [(e.notes or "").strip() for e in edits],
                "reviewed": [bool(e.reviewed or e.categories or (e.notes or "").strip())
                             for e in edits],
                "version": [e.version for e in edits],
            })
            cur.register("tag_edits", frame)
            cur.execute(
                """UPDATE review_tags t SET
                       categories = CASE WHEN e.categories = '' THEN []::INTEGER[]
                                    ELSE string_split(e.categories, ',')::INTEGER[] END,
                       notes = e.notes, reviewed = e.reviewed, version = t.version + 1,
                       updated_at = current_timestamp, updated_by = ?
                   FROM tag_edits e
                   WHERE t.sample_id = ? AND t.example_id = e.example_id
                     AND t.version = e.version""", [updated_by[:80], sample_id])
        return len(edits)

    def counts(self, sample_id: int) -> ReviewCounts:
        """Reviewed examples and, per category of the project, the reviewed examples that
        carry it (0 for categories nobody used), counted in SQL."""
        with self._store.read() as cur:
            project_id = _sample_project(cur, sample_id)
            size, reviewed, reviewed_gain = cur.execute(
                "SELECT count(*), count(*) FILTER (t.reviewed), "
                "coalesce(sum(e.gain) FILTER (t.reviewed), 0) FROM review_tags t "
                "LEFT JOIN review_examples e ON e.sample_id = t.sample_id "
                "AND e.example_id = t.example_id WHERE t.sample_id = ?", [sample_id]).fetchone()
            rows = cur.execute(
                """SELECT c.name, count(t.example_id), c.effort, coalesce(sum(t.gain), 0)
                   FROM review_categories c
                   LEFT JOIN (SELECT t.example_id, unnest(t.categories) AS category_id, e.gain
                              FROM review_tags t LEFT JOIN review_examples e
                                ON e.sample_id = t.sample_id AND e.example_id = t.example_id
                              WHERE t.sample_id = ? AND t.reviewed) t
                     ON t.category_id = c.id
                   WHERE c.project_id = ? GROUP BY c.id, c.name, c.effort, c.position
                   ORDER BY c.name = ?, c.position, c.id""",
                [sample_id, project_id, INCORRECTLY_LABELED]).fetchall()
        counts = {name: int(n) for name, n, _, _ in rows}
        efforts = {name: float(effort) for name, _, effort, _ in rows if effort is not None}
        gains = {name: float(gain) for name, _, _, gain in rows}
        return ReviewCounts(int(size), int(reviewed), counts, efforts, float(reviewed_gain),
                            gains)

    # -- spreadsheets ----------------------------------------------------------------
    def import_sheet(self, project_id: int, sheet: TagSheet, *, sample_id: int | None = None,
                     name: str | None = None, run_key: int | None = None,
                     dev_error: float | None = None, updated_by: str = "") -> SheetImport:
        """Import a wide tag spreadsheet, in one transaction.

        Into an existing sample: every example of the sheet must be in it; their tags are
        replaced. Otherwise a new ``imported`` sample holds the sheet's examples (labels and
        predictions from the sheet, else from `run_key`'s dev predictions). Categories the
        project lacks are added. Every example of the sheet counts as reviewed.
        """
        if not sheet.rows:
            raise InputError("the sheet has no examples")
        with self._store.write() as cur:
            _ensure_reserved(cur, project_id)
            if sample_id is None:
                sample_id = _imported_sample(cur, project_id, sheet, name, run_key, dev_error,
                                             updated_by)
            elif _sample_project(cur, sample_id) != project_id:
                raise NotFoundError(f"no review sample {sample_id} in this project")
            in_sample = {row[0] for row in cur.execute(
                "SELECT example_id FROM review_tags WHERE sample_id = ?", [sample_id]
            ).fetchall()}
            outside = [row for row in sheet.rows if row.example_id not in in_sample]
            if outside:
                first = outside[0]
                raise InputError(
                    f"example '{first.example_id}' is not in this sample"
                    + (f" (and {len(outside) - 1} more)" if len(outside) > 1 else "")
                    + "; import the sheet as a new sample instead", row=first.row)
            existing = {c.casefold(): cid for cid, c in cur.execute(
                "SELECT id, name FROM review_categories WHERE project_id = ?", [project_id]
            ).fetchall()}
            added = []
            ids: dict[str, int] = {}
            for category in sheet.categories:
                if category.casefold() not in existing:
                    existing[category.casefold()] = _insert_category(cur, project_id, category,
                                                                     None)
                    added.append(category)
                ids[category] = existing[category.casefold()]
            frame = pd.DataFrame({
                "example_id": [row.example_id for row in sheet.rows],
                "categories": [",".join(str(c) for c in sorted({ids[name] for name in
                                                                row.categories}))
                               for row in sheet.rows],
                "notes": [row.notes[:MAX_NOTES] for row in sheet.rows],
            })
            cur.register("sheet_tags", frame)
            cur.execute(
                """UPDATE review_tags t SET
                       categories = CASE WHEN e.categories = '' THEN []::INTEGER[]
                                    ELSE string_split(e.categories, ',')::INTEGER[] END,
                       notes = e.notes, reviewed = true, version = t.version + 1,
                       updated_at = current_timestamp, updated_by = ?
                   FROM sheet_tags e
                   WHERE t.sample_id = ? AND t.example_id = e.example_id""",
                [updated_by[:80], sample_id])
        tagged = sum(1 for row in sheet.rows if row.categories)
        return SheetImport(sample_id, len(sheet.rows), tagged, tuple(added))
