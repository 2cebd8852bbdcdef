"""The bad-input corpus through the import functions and the store: every
file is imported with the stated values or rejected with the stated message, row and
column, and a rejected file leaves every table exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from strategy_core.errors import InputError
from strategy_core.run_csv import RunBuild
from strategy_core.store import Store
from strategy_core.store.runs import ImportResult
from strategy_core.usecases.runs import import_run_file
from tests.corpus.corpus import (
    CORPUS,
    EXPECTED,
    Case,
    assert_predictions_imported,
    assert_runs_imported,
    cases,
    dump,
    seed,
)


def import_runs(store: Store, project_id: int, data: bytes, source: str
                ) -> tuple[ImportResult, RunBuild]:
    """What `import-runs` and the Runs page do with the detected mapping: the one import
    path of the use-case layer."""
    plan, result = import_run_file(store, project_id, data, source=source)
    return result, plan.built


def assert_rejection(error: InputError, case: Case) -> None:
    assert (error.row, error.column) == (case.row, case.column), str(error)
    for words in case.words():
        assert words in str(error)


def test_every_file_is_declared_and_the_corpus_is_big_enough():
    for kind in ("runs", "predictions"):
        committed = {p.name for p in (CORPUS / kind).glob("*.csv")}
        declared = {e["file"] for e in EXPECTED[kind] if "generate" not in e}
        assert committed == declared, kind
    assert len(EXPECTED["runs"]) + len(EXPECTED["predictions"]) >= 40
    for kind in ("runs", "predictions"):
        for entry in EXPECTED[kind]:
            assert entry["outcome"] in ("imported", "rejected")
            assert (entry["outcome"] == "rejected") == bool(entry.get("message")), entry


@pytest.mark.parametrize("case", cases("runs", "store"), ids=lambda c: c.id)
def test_run_file(store: Store, tmp_path: Path, case: Case):
    project_id, _ = seed(store)
    data = case.path(tmp_path).read_bytes()
    before = dump(store)
    if case.outcome == "rejected":
        with pytest.raises(InputError) as caught:
            import_runs(store, project_id, data, case.file)
        assert_rejection(caught.value, case)
        assert dump(store) == before
        return
    result, built = import_runs(store, project_id, data, case.file)
    assert (result.added, result.updated) == (len(case.expect["runs"]), 0)
    if "warning" in case.expect:
        assert any(case.expect["warning"] in w for w in built.warnings), built.warnings
    else:
        assert built.warnings == ()
    assert_runs_imported(store, project_id, case)
    assert dump(store).keys() == before.keys()


@pytest.mark.parametrize("case", cases("predictions", "store"), ids=lambda c: c.id)
def test_predictions_file(store: Store, tmp_path: Path, case: Case):
    project_id, run_key = seed(store)
    data = case.path(tmp_path).read_bytes()
    before = dump(store)
    if case.outcome == "rejected":
        with pytest.raises(InputError) as caught:
            store.predictions.import_bytes(project_id, run_key, data, source=case.file)
        assert_rejection(caught.value, case)
        assert dump(store) == before
        return
    result = store.predictions.import_bytes(project_id, run_key, data, source=case.file)
    assert result.replaced and result.rows == case.expect["rows"]
    if "warning" in case.expect:
        assert any(case.expect["warning"] in w for w in result.warnings), result.warnings
    else:
        assert result.warnings == ()
    assert_predictions_imported(store, project_id, run_key, case)
    assert dump(store).keys() == before.keys()
