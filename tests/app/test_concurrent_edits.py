"""Two people acting on the same thing at once (docs/rules.md §13): when someone else's
delete or undo lands between this page's read and this person's click, the page says that
nothing was done instead of failing with a traceback; and error messages quoting names that
people typed keep those names as text (docs/rules.md §13, untrusted text).

The other person's action is injected into the store call itself (it runs first, from the
same store), which is exactly the interleaving two sessions can produce."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from strategy_core.markdown import escape
from strategy_core.runs import Run
from strategy_core.store import Store, open_store
from strategy_core.store.predictions import PredictionRepo
from strategy_core.store.projects import ProjectRepo
from strategy_core.store.reviews import ReviewRepo
from strategy_core.store.runs import RunRepo
from tests.app.conftest import assert_no_exception, open_app
from tests.corpus.corpus import dump

SLUG = "together"
PREDICTIONS = b"example_id,label,prediction\n" + b"".join(
    f"e{i},cat,{'dog' if i % 2 else 'cat'}\n".encode() for i in range(20))


@pytest.fixture
def project(isolated_db: Path) -> Iterator[tuple[Store, int]]:
    """Project "Together": two runs from one import, predictions and a sample for "a"."""
    store = open_store(str(isolated_db))
    created = store.projects.create("Together")
    store.runs.import_runs(created.id, [Run(name="a", dev_error=0.1),
                                        Run(name="b", dev_error=0.2)],
                           source="runs.csv", fmt="generic")
    key = store.runs.by_name(created.id, "a").key
    assert key is not None
    store.predictions.import_bytes(created.id, key, PREDICTIONS, source="p.csv")
    store.reviews.draw(created.id, key, name="Look", size=5, seed=1)
    yield store, created.id
    store.database.close()


def someone_else_first(monkeypatch: pytest.MonkeyPatch, repo: type, method: str) -> None:
    """Make `repo.method` run once for "someone else" right before this session's call."""
    original: Callable = getattr(repo, method)

    def raced(self, *args, **kwargs):
        original(self, *args, **kwargs)  # the other session wins the race
        return original(self, *args, **kwargs)

    monkeypatch.setattr(repo, method, raced)


def errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


def warnings(at: AppTest) -> str:
    return "\n".join(w.value for w in at.warning)


def test_deleting_runs_someone_else_just_deleted(project, monkeypatch):
    store, project_id = project
    at = open_app("runs", project=SLUG)
    key = store.runs.by_name(project_id, "a").key
    at.multiselect(key="runs_delete_choice").set_value([key]).run()
    someone_else_first(monkeypatch, RunRepo, "delete_runs")
    at.button(key="runs_delete").click().run()
    assert_no_exception(at)
    assert "Nothing was deleted" in errors(at)
    assert escape("no such run in this project") in errors(at)
    kinds = [record.kind for record in store.runs.history(project_id)]
    assert kinds == ["delete", "file"]  # only the other session's delete


def test_undoing_an_import_someone_else_just_undid(project, monkeypatch):
    store, project_id = project
    (record,) = store.runs.history(project_id)
    at = open_app("runs", project=SLUG)
    at.button(key=f"runs_undo_{record.id}").click().run()
    someone_else_first(monkeypatch, RunRepo, "undo_import")
    at.button(key=f"runs_undo_confirm_{record.id}").click().run()
    assert_no_exception(at)
    assert "Nothing was undone" in errors(at)
    assert store.runs.history(project_id) == [] and store.runs.list(project_id) == []


def test_removing_predictions_someone_else_just_removed(project, monkeypatch):
    store, project_id = project
    at = open_app("error_analysis", project=SLUG)
    at.checkbox(key="ea_pred_delete_ok").check().run()
    someone_else_first(monkeypatch, PredictionRepo, "delete")
    at.button(key="ea_pred_delete").click().run()
    assert_no_exception(at)
    assert "Nothing was removed" in errors(at)
    assert escape("this run has no predictions") in errors(at)
    assert store.predictions.sets(project_id) == []


def test_deleting_a_sample_someone_else_just_deleted(project, monkeypatch):
    store, project_id = project
    (sample,) = store.reviews.samples(project_id)
    at = open_app("error_analysis", project=SLUG)
    at.checkbox(key=f"ea_del_ok_{sample.id}").check().run()
    someone_else_first(monkeypatch, ReviewRepo, "delete_sample")
    at.button(key=f"ea_delete_{sample.id}").click().run()
    assert_no_exception(at)
    assert "Nothing was deleted" in warnings(at)
    assert store.reviews.samples(project_id) == []
    assert "No review sample yet" in "\n".join(i.value for i in at.info)


def test_deleting_a_project_someone_else_just_deleted(project, monkeypatch):
    store, _ = project
    at = open_app("runs", project=SLUG)
    at.button(key="project_delete").click().run()
    someone_else_first(monkeypatch, ProjectRepo, "delete")
    at.button(key="project_delete_confirm").click().run()
    assert_no_exception(at)
    assert "Nothing was deleted" in warnings(at)
    assert store.projects.list() == []
    assert "project" not in at.query_params


def test_a_refused_project_name_is_quoted_as_text(project):
    store, _ = project
    store.projects.create("**Loud** [x](javascript:alert(1))")
    before = dump(store)
    at = open_app("runs", project=SLUG)
    at.text_input(key="project_create_name").input("**Loud** [x](javascript:alert(1))")
    at.button(key="FormSubmitter:project_create-Create project").click().run()
    assert_no_exception(at)
    assert escape("a project named '**Loud** [x](javascript:alert(1))' already exists") in \
        errors(at)
    assert dump(store) == before


def test_a_refused_human_level_label_is_quoted_as_text(project):
    store, _ = project
    before = dump(store)
    at = open_app("runs", project=SLUG)
    at.session_state["runs_human_levels"] = {
        "edited_rows": {0: {"label": "**x**", "error": 1.0}, 1: {"label": "**x**", "error": 2.0}},
        "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="runs_human_save").click().run()
    assert_no_exception(at)
    assert escape("human level '**x**' appears twice") in errors(at)
    assert dump(store) == before
