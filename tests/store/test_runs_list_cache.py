"""`RunRepo.list` reads a project's runs once per data version: any write
shows in the next call, and no caller can change what another one gets."""

from __future__ import annotations

from strategy_core.runs import Run
from strategy_core.store import Store


def test_every_kind_of_write_shows_in_the_next_list(store: Store):
    project = store.projects.create("Cached")
    store.runs.import_runs(project.id, [Run(name="a", dev_error=0.1)], source="f.csv",
                           fmt="generic")
    assert [r.name for r in store.runs.list(project.id)] == ["a"]
    result = store.runs.import_runs(project.id, [Run(name="b", dev_error=0.2)],
                                    source="g.csv", fmt="generic")
    assert [r.name for r in store.runs.list(project.id)] == ["a", "b"]
    (b,) = [r for r in store.runs.list(project.id) if r.name == "b"]
    store.runs.save_run(project.id, Run(name="b", dev_error=0.05), key=b.key)
    assert [r.dev_error for r in store.runs.list(project.id)] == [0.1, 0.05]
    store.runs.delete_runs(project.id, [b.key])
    assert [r.name for r in store.runs.list(project.id)] == ["a"]
    store.runs.undo_import(project.id, result.import_id)
    assert [r.name for r in store.runs.list(project.id)] == ["a"]
    other = store.projects.create("Other")
    assert store.runs.list(other.id) == []


def test_each_call_gets_its_own_list(store: Store):
    project = store.projects.create("Cached")
    store.runs.import_runs(project.id, [Run(name="a", dev_error=0.1)], source="f.csv",
                           fmt="generic")
    first = store.runs.list(project.id)
    first.clear()
    assert [r.name for r in store.runs.list(project.id)] == ["a"]
