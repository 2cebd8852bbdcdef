"""Every real export (tests/corpus/real_exports/) uploaded on the Runs page in AppTest with
auto-detection alone: no exception, the preview holds the labelled number of runs, a
proposed metric is confirmed as the page offers it, and Import stores them all; a history
shows how its values were taken and its curves after the import; unfinished runs are
counted in the Runs tab."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from strategy_core.store import Store
from strategy_core.usecases import runs as run_cases
from tests.app.conftest import app_db_with_project, assert_no_exception, open_app
from tests.corpus.test_real_export_labels import HERE, LABELS

SLUG = "real-exports"
FILES = sorted(LABELS)


@pytest.fixture
def project(isolated_db: Path) -> Iterator[Store]:
    yield from app_db_with_project(isolated_db, "Real exports")


@pytest.mark.parametrize("name", FILES)
def test_upload_and_import(project: Store, name: str):
    label = LABELS[name]
    at = open_app("runs", project=SLUG)
    at.file_uploader(key="runs_upload_0").set_value(
        (name, (HERE / name).read_bytes(), "text/csv")).run(timeout=60)
    assert_no_exception(at)
    assert not at.error, [e.value for e in at.error]
    (tab,) = [t for t in at.tabs if t.label == "Import CSV"]
    (preview,) = [d for d in tab.dataframe if d.editing_mode == "read_only"]
    assert len(preview.value) == label["runs"]
    if label["kind"] in ("history", "chart"):
        assert any("logged values; each run" in i.value for i in at.info)
        assert [r for r in at.radio if r.key == "runs_pick_0"]
    at.button(key="runs_import").click().run(timeout=60)
    assert_no_exception(at)
    project_id = project.projects.by_slug(SLUG).id
    stored = run_cases.runs(project, project_id)
    assert len(stored) == label["runs"]
    unfinished = sum(n for state, n in label["statuses"].items() if state != "finished")
    notes = " ".join(i.value for i in at.info)
    if unfinished:
        assert f"{unfinished} run{'s' if unfinished != 1 else ''} did not finish" in notes
    if label["kind"] in ("history", "chart"):
        assert [s for s in at.selectbox if s.key == "runs_curve_run"]
