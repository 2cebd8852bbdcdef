"""The predictions import's fast path (one pass straight into the table, rules checked on the
stored rows) must do exactly what the staged, line-numbered path does: the
same rows stored for every file it accepts, and the same refusal, message, row and column
for every file it does not. Every prediction file of the bad-input corpus goes through both.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from strategy_core.errors import InputError
from strategy_core.store import Store, open_store
from strategy_core.store.predictions import PredictionRepo
from tests.corpus.corpus import Case, cases, seed

ROWS = "SELECT split, example_id, label, prediction, source, text, url, weight FROM predictions"


def outcome(store: Store, data: bytes) -> tuple:
    """What importing `data` over the seeded run did: the result and every stored row, or
    the refusal."""
    project_id, run_key = seed(store)
    try:
        result = store.predictions.import_bytes(project_id, run_key, data, source="f.csv",
                                                created_by="me")
    except InputError as exc:
        return ("rejected", str(exc), exc.row, exc.column)
    with store.read() as cur:
        rows = sorted(cur.execute(ROWS).fetchall(), key=repr)
        sets = cur.execute("SELECT run_id, source, created_by, rows, misclassified "
                           "FROM prediction_sets").fetchall()
    return ("imported", result.as_dict(), result.replaced, result.warnings, rows, sets)


@pytest.mark.parametrize("case", cases("predictions", "store"), ids=lambda c: c.id)
def test_fast_and_staged_paths_agree(store: Store, tmp_path: Path, case: Case,
                                     monkeypatch: pytest.MonkeyPatch):
    data = case.path(tmp_path).read_bytes()
    fast = outcome(store, data)
    assert fast[0] == case.outcome, fast[:2]
    staged_store = open_store(str(tmp_path / "staged.duckdb"))
    try:
        with monkeypatch.context() as patch:
            patch.setattr(PredictionRepo, "_import_clean", lambda *args, **kwargs: None)
            staged = outcome(staged_store, data)
    finally:
        staged_store.database.close()
    assert fast == staged


def test_the_fast_path_is_taken_for_a_clean_file(store: Store, samples: Path,
                                                 monkeypatch: pytest.MonkeyPatch):
    """A clean file never reaches the staged path (which would take 3× as long)."""
    def staged(*args: object, **kwargs: object) -> None:
        raise AssertionError("a clean file went through the staging table")

    monkeypatch.setattr("strategy_core.store.predictions._load", staged)
    project_id, run_key = seed(store)
    result = store.predictions.import_bytes(project_id, run_key,
                                            (samples / "predictions_dev.csv").read_bytes(),
                                            source="p.csv")
    assert result.rows > 0 and result.replaced
