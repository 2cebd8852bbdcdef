"""The metric change log and the team's saved definition in the store."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from strategy_core.errors import ConflictError, InputError, NotFoundError, ReadOnlyError
from strategy_core.metric_log import DEFINITION_SETTING
from strategy_core.metrics import SelectionDefinition, parse_constraint, parse_objective
from strategy_core.store import Store
from strategy_core.store.metric_log import FIRST_DEFINITION_REASON
from tests.store.test_store import dump

DEMO_DEFINITION = SelectionDefinition(parse_objective("dev_error:min"),
                                      (parse_constraint("latency_ms<=100"),))
RELAXED = SelectionDefinition(parse_objective("dev_error:min"),
                              (parse_constraint("latency_ms<=150"),))


@pytest.fixture
def project_id(store: Store) -> int:
    return store.projects.create("Metrics test").id


def test_add_list_get_delete(store: Store, project_id: int):
    first = store.metric_log.add(project_id, "dev_set", "mobile photos only",
                                 "web images no longer reflect the users", "Ana",
                                 date(2026, 10, 15))
    second = store.metric_log.add(project_id, "metric", "weighted error",
                                  "some mistakes must never pass", "Bo", "2026-11-03")
    assert [c.id for c in store.metric_log.list(project_id)] == [second.id, first.id]
    assert store.metric_log.get(project_id, first.id).what == "mobile photos only"
    assert store.metric_log.change_marks(project_id) == [
        (date(2026, 10, 15), "Dev set: mobile photos only"),
        (date(2026, 11, 3), "Metric: weighted error")]
    store.metric_log.delete(project_id, first.id)
    assert [c.id for c in store.metric_log.list(project_id)] == [second.id]
    with pytest.raises(NotFoundError):
        store.metric_log.delete(project_id, first.id)


def test_entries_belong_to_their_project(store: Store, project_id: int):
    other = store.projects.create("Other").id
    entry = store.metric_log.add(project_id, "metric", "x", "y")
    assert store.metric_log.list(other) == []
    with pytest.raises(NotFoundError):
        store.metric_log.get(other, entry.id)
    with pytest.raises(NotFoundError):
        store.metric_log.delete(other, entry.id)
    with pytest.raises(NotFoundError):
        store.metric_log.add(999, "metric", "x", "y")


def test_bad_entry_writes_nothing(store: Store, project_id: int):
    before = dump(store)
    with pytest.raises(InputError):
        store.metric_log.add(project_id, "metric", "x", "")
    with pytest.raises(InputError):
        store.metric_log.add(project_id, "test_set", "x", "y")
    assert dump(store) == before


def test_no_definition_until_someone_saves_one(store: Store, project_id: int):
    assert store.metric_log.definition(project_id) is None


def test_first_save_is_logged_with_a_default_reason(store: Store, project_id: int):
    saved = store.metric_log.save_definition(project_id, DEMO_DEFINITION, expected=None,
                                             author="Ana")
    assert saved.definition == DEMO_DEFINITION and saved.saved_by == "Ana"
    again = store.metric_log.definition(project_id)
    assert again is not None and again.definition == DEMO_DEFINITION
    assert again.saved_by == "Ana" and again.saved_at is not None
    assert store.projects.setting(project_id, DEFINITION_SETTING)["satisfy"] == [
        "latency_ms<=100"]
    (entry,) = store.metric_log.list(project_id)
    assert (entry.kind, entry.reason, entry.author) == ("metric", FIRST_DEFINITION_REASON,
                                                        "Ana")
    assert entry.what == "Optimize dev_error (lower is better) subject to latency_ms ≤ 100."
    assert entry.changed_on == date.today()


def test_changing_the_definition_needs_a_reason_and_logs_the_old_one(store: Store,
                                                                     project_id: int):
    store.metric_log.save_definition(project_id, DEMO_DEFINITION, expected=None)
    before = dump(store)
    with pytest.raises(InputError, match="say why"):
        store.metric_log.save_definition(project_id, RELAXED, expected=DEMO_DEFINITION)
    assert dump(store) == before
    store.metric_log.save_definition(project_id, RELAXED, expected=DEMO_DEFINITION,
                                     reason="new phones are faster", author="Bo")
    newest = store.metric_log.list(project_id)[0]
    assert newest.reason == "new phones are faster"
    assert newest.what.endswith("(was: Optimize dev_error (lower is better) subject to "
                                "latency_ms ≤ 100.)")
    assert store.metric_log.definition(project_id).definition == RELAXED


def test_saving_the_same_definition_again_changes_nothing(store: Store, project_id: int):
    store.metric_log.save_definition(project_id, DEMO_DEFINITION, expected=None)
    before = dump(store)
    store.metric_log.save_definition(project_id, DEMO_DEFINITION, expected=DEMO_DEFINITION)
    assert dump(store) == before


def test_two_people_saving_do_not_overwrite_each_other(store: Store, project_id: int):
    # Both opened the page when nothing was saved; Ana saves first.
    store.metric_log.save_definition(project_id, DEMO_DEFINITION, expected=None, author="Ana")
    before = dump(store)
    with pytest.raises(ConflictError, match="someone else changed") as raised:
        store.metric_log.save_definition(project_id, RELAXED, expected=None, reason="x",
                                         author="Bo")
    assert raised.value.current.definition == DEMO_DEFINITION
    assert dump(store) == before


def test_concurrent_first_saves_one_wins(store: Store, project_id: int):
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def save(definition: SelectionDefinition) -> None:
        barrier.wait()
        try:
            store.metric_log.save_definition(project_id, definition, expected=None)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=save, args=(d,)) for d in (DEMO_DEFINITION, RELAXED)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert len(store.metric_log.list(project_id)) == 1


def test_viewer_cannot_write(store: Store, project_id: int):
    viewer = store.as_viewer()
    with pytest.raises(ReadOnlyError):
        viewer.metric_log.add(project_id, "metric", "x", "y")
    with pytest.raises(ReadOnlyError):
        viewer.metric_log.save_definition(project_id, DEMO_DEFINITION, expected=None)
    entry = store.metric_log.add(project_id, "metric", "x", "y")
    with pytest.raises(ReadOnlyError):
        viewer.metric_log.delete(project_id, entry.id)
    assert viewer.metric_log.list(project_id) == [entry]


def test_an_unreadable_saved_definition_counts_as_none(store: Store, project_id: int):
    store.projects.set_setting(project_id, DEFINITION_SETTING, {"optimize": "dev_error"})
    assert store.metric_log.definition(project_id) is None


def test_deleting_the_project_deletes_its_log(store: Store, project_id: int):
    kept = store.projects.create("Kept").id
    store.metric_log.add(project_id, "metric", "x", "y")
    store.metric_log.add(kept, "metric", "x", "y")
    store.projects.delete(project_id)
    with store.read() as cur:
        assert cur.scalar("SELECT count(*) FROM metric_changes WHERE project_id = ?",
                          [project_id]) == 0
    assert len(store.metric_log.list(kept)) == 1
