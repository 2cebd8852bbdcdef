"""Edit versions in the store (docs/rules.md, "Edits by two people"): a save naming an old
version writes nothing and says what the other person saved; versions are never reused."""

from __future__ import annotations

import pytest

from strategy_core.errors import ConflictError, InputError
from strategy_core.runs import Run
from strategy_core.store import Store
from tests.store.test_store import dump


@pytest.fixture
def project_id(store: Store) -> int:
    return store.projects.create("Versions").id


def test_a_setting_names_its_version(store: Store, project_id: int):
    assert store.projects.setting_entry(project_id, "tol") == (None, 0)
    first = store.projects.set_setting(project_id, "tol", 0.01, expected=0)
    assert store.projects.setting_entry(project_id, "tol") == (0.01, first)
    before = dump(store)
    with pytest.raises(ConflictError) as refused:
        store.projects.set_setting(project_id, "tol", 0.02, expected=0)
    assert refused.value.current == (0.01, first)
    assert dump(store) == before
    second = store.projects.set_setting(project_id, "tol", 0.02, expected=first)
    assert second > first
    store.projects.set_setting(project_id, "tol", 0.03)  # no expectation: plain write


def test_human_levels_keep_unchanged_rows_versions_and_refuse_stale_saves(store: Store,
                                                                         project_id: int):
    opened = store.projects.set_human_levels(project_id, [("typical", 0.03), ("expert", 0.01)])
    versions = {level.label: level.version for level in opened.levels}
    edited = store.projects.set_human_levels(project_id, [("typical", 0.03), ("expert", 0.02)],
                                             expected=opened)
    now = {level.label: level.version for level in edited.levels}
    assert now["typical"] == versions["typical"] and now["expert"] > versions["expert"]
    before = dump(store)
    with pytest.raises(ConflictError, match="expert 2.00%"):
        store.projects.set_human_levels(project_id, [("panel", 0.005)], expected=opened)
    assert dump(store) == before


def test_a_deleted_and_re_added_level_does_not_look_unchanged(store: Store, project_id: int):
    opened = store.projects.set_human_levels(project_id, [("expert", 0.01)])
    store.projects.set_human_levels(project_id, [])
    store.projects.set_human_levels(project_id, [("expert", 0.01)])
    with pytest.raises(ConflictError):
        store.projects.set_human_levels(project_id, [("expert", 0.02)], expected=opened)


def test_a_run_edit_changes_only_the_named_fields(store: Store, project_id: int):
    store.runs.save_run(project_id, Run(name="r", train_error=0.05, dev_error=0.1, n_dev=2500))
    (run,) = store.runs.list(project_id)
    result = store.runs.edit_run(project_id, run.key, {"train_error": 0.09},
                                 expected_version=run.version)
    (after,) = store.runs.list(project_id)
    assert (after.train_error, after.dev_error, after.n_dev) == (0.09, 0.1, 2500)
    assert after.version != run.version and result.updated == 1
    with pytest.raises(InputError, match="no editable field"):
        store.runs.edit_run(project_id, run.key, {"key": 3}, expected_version=after.version)
    with pytest.raises(InputError, match="needs a name"):
        store.runs.edit_run(project_id, run.key, {"name": "  "}, expected_version=after.version)


def test_a_run_edit_after_an_undo_names_the_undo(store: Store, project_id: int):
    store.runs.save_run(project_id, Run(name="r", dev_error=0.1))
    (run,) = store.runs.list(project_id)
    edit = store.runs.edit_run(project_id, run.key, {"dev_error": 0.2},
                               expected_version=run.version)
    (edited,) = store.runs.list(project_id)
    store.runs.undo_import(project_id, edit.import_id)
    with pytest.raises(ConflictError, match="was undone"):
        store.runs.edit_run(project_id, run.key, {"dev_error": 0.3},
                            expected_version=edited.version)


def test_category_efforts_and_project_renames_refuse_stale_saves(store: Store,
                                                                 project_id: int):
    category = store.reviews.add_category(project_id, "Blurry", effort=1.0)
    store.reviews.set_efforts(project_id, {category.id: 2.0},
                              expected={category.id: category.version})
    with pytest.raises(ConflictError, match="Blurry: 2"):
        store.reviews.set_efforts(project_id, {category.id: 5.0},
                                  expected={category.id: category.version})
    project = store.projects.get(project_id)
    store.projects.rename(project_id, "By Ana", expected=project.version)
    with pytest.raises(ConflictError, match="By Ana"):
        store.projects.rename(project_id, "By Bo", expected=project.version)
    assert store.projects.get(project_id).name == "By Ana"
