"""The bad-input corpus through the pages' uploaders in AppTest: the Runs
page's run CSV uploader and the Error analysis page's predictions uploader show the same
outcome as the store path (tests/corpus/test_corpus_store.py): the stated message with its
row and column and nothing written, or the file imported with the stated values."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from strategy_core.markdown import escape
from strategy_core.store import Store, open_store
from tests.app.conftest import assert_no_exception, open_app
from tests.corpus.corpus import (
    Case,
    assert_predictions_imported,
    assert_runs_imported,
    cases,
    dump,
    seed,
)

SLUG = "corpus"


@pytest.fixture
def corpus(isolated_db: Path) -> Iterator[tuple[Store, int, int]]:
    """The app's database holding the corpus project (the app shares the handle)."""
    store = open_store(str(isolated_db))
    project_id, run_key = seed(store)
    yield store, project_id, run_key
    store.database.close()


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def assert_rejection_shown(at: AppTest, case: Case) -> None:
    (message,) = [e.value for e in at.error]
    assert "cannot be imported; nothing was written" in message
    for words in case.words():
        assert escape(words) in message, (words, message)


@pytest.mark.parametrize("case", cases("runs", "upload"), ids=lambda c: c.id)
def test_run_upload(corpus: tuple[Store, int, int], tmp_path: Path, case: Case):
    store, project_id, _ = corpus
    data = case.path(tmp_path).read_bytes()
    before = dump(store)
    at = open_app("runs", project=SLUG)
    assert_no_exception(at)
    at.file_uploader(key="runs_upload_0").set_value((case.file, data, "text/csv")).run()
    assert_no_exception(at)
    if case.outcome == "rejected":
        assert_rejection_shown(at, case)
        assert not [b for b in at.button if b.key == "runs_import"]
        assert dump(store) == before
        return
    count = len(case.expect["runs"])
    assert at.button(key="runs_import").label == f"Import {count} runs"
    if "warning" in case.expect:
        assert escape(case.expect["warning"]) in texts(at.warning)
    assert dump(store) == before, "nothing is written before Import"
    at.button(key="runs_import").click().run()
    assert_no_exception(at)
    assert f"{count} added, 0 updated" in texts(at.success)
    assert_runs_imported(store, project_id, case)


@pytest.mark.parametrize("case", cases("predictions", "upload"), ids=lambda c: c.id)
def test_predictions_upload(corpus: tuple[Store, int, int], tmp_path: Path, case: Case):
    store, project_id, run_key = corpus
    data = case.path(tmp_path).read_bytes()
    before = dump(store)
    at = open_app("error_analysis", project=SLUG)
    assert_no_exception(at)
    assert at.selectbox(key="ea_pred_run").value == run_key
    at.file_uploader(key="ea_pred_upload_0").set_value((case.file, data, "text/csv")).run()
    assert_no_exception(at)
    del data
    load = [b for b in at.button if b.key == "ea_pred_load"]
    if load:
        load[0].click().run()
        assert_no_exception(at)
    if case.outcome == "rejected":
        assert_rejection_shown(at, case)
        assert dump(store) == before
        return
    assert f"Loaded {case.expect['rows']:,} predictions for existing" in texts(at.success)
    if "warning" in case.expect:
        assert escape(case.expect["warning"]) in texts(at.warning)
    assert_predictions_imported(store, project_id, run_key, case)
