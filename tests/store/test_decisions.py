"""The decision log: record, list, filter, supersede, reinstate, the
overview's latest lines, and the refusal for viewer sessions."""

from __future__ import annotations

import threading

import pytest

from strategy_core.errors import InputError, NotFoundError, ReadOnlyError
from strategy_core.guides import TRANSFER_PRESETS, transfer_verdict
from strategy_core.store import Store
from strategy_core.usecases.decisions import latest_decisions_lines
from tests.store.test_store import dump


@pytest.fixture
def project_id(store: Store) -> int:
    return store.projects.create("Phone cats").id


def test_round_trip_record_list_get(store: Store, project_id: int):
    result = transfer_verdict(**TRANSFER_PRESETS["image_to_radiology"]["inputs"])
    numbers = {"guide": "transfer", "inputs": result.inputs(), "data_ratio": result.data_ratio,
               "nan": float("nan")}
    recorded = store.decisions.record(project_id, "transfer", result.headline, numbers,
                                      "  Pre-train on ImageNet.\nFine-tune the head. ",
                                      "  Ann   Lee ")
    assert recorded.page == "transfer" and recorded.page_title == "Transfer or multi-task"
    assert recorded.verdict == result.headline
    assert recorded.numbers["inputs"]["source_examples"] == 1_000_000
    assert recorded.numbers["nan"] is None  # JSON has no NaN
    assert recorded.rationale == "Pre-train on ImageNet.\nFine-tune the head."
    assert recorded.author == "Ann Lee"
    assert recorded.active and recorded.status == "active"
    assert store.decisions.list(project_id) == [recorded]
    assert store.decisions.get(project_id, recorded.id) == recorded


def three(store: Store, project_id: int):
    first = store.decisions.record(project_id, "end_to_end", "Build a pipeline", {"examples":
                                   10_000}, "little photo-to-identity data", "Ann")
    second = store.decisions.record(project_id, "transfer", "Transfer from ImageNet", {},
                                    "radiology has 100 X-rays", "Bob")
    third = store.decisions.record(project_id, "other", "Collect mobile photos", {},
                                   "data mismatch", "Cy")
    return first, second, third


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["third", "second", "first"]),
        ({"page": "transfer"}, ["second"]),
        ({"status": "active"}, ["third", "second"]),
        ({"include_superseded": False}, ["third", "second"]),
        ({"status": "superseded"}, ["first"]),
        ({"text": "PIPELINE"}, ["first"]),
        ({"text": "x-rays"}, ["second"]),
        ({"text": "bob"}, ["second"]),
        ({"text": "10000"}, ["first"]),  # in the numbers
        ({"text": "100%"}, []),  # % is text here, not a LIKE wildcard
        ({"text": "   "}, ["third", "second", "first"]),
        ({"page": "end_to_end", "status": "active"}, []),
        ({"limit": 2}, ["third", "second"]),
    ],
    ids=["all_newest_first", "by_page", "active", "include_superseded_false", "superseded",
         "text_in_verdict_any_case", "text_in_rationale", "text_in_author",
         "text_in_numbers", "percent_sign_is_literal", "blank_text_is_no_filter",
         "page_and_status", "limit"],
)
def test_list_filters(store: Store, project_id: int, filters, expected):
    first, second, third = three(store, project_id)
    store.decisions.supersede(project_id, first.id, third.id)
    names = {first.id: "first", second.id: "second", third.id: "third"}
    assert [names[d.id] for d in store.decisions.list(project_id, **filters)] == expected


def test_bad_filters_are_refused(store: Store, project_id: int):
    with pytest.raises(InputError, match="status"):
        store.decisions.list(project_id, status="archived")
    with pytest.raises(InputError, match="at most"):
        store.decisions.list(project_id, text="x" * 201)


def test_supersede_and_reinstate(store: Store, project_id: int):
    first, second, third = three(store, project_id)
    old = store.decisions.supersede(project_id, first.id, third.id)
    assert (old.active, old.superseded_by, old.status) == (False, third.id, "superseded")
    assert f"[superseded by #{third.id}]" in old.line()
    again = store.decisions.reinstate(project_id, first.id)
    assert again.active and again.superseded_by is None
    with pytest.raises(InputError, match="not superseded"):
        store.decisions.reinstate(project_id, first.id)


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("third", "first", "only a later decision"),
        ("first", "first", "itself"),
        ("first", "missing", "no decision"),
        ("first", "retired", "itself superseded"),
        ("retired", "third", "already superseded"),
    ],
    ids=["earlier_cannot_supersede_later", "not_itself", "unknown_decision",
         "by_a_superseded_decision", "already_superseded"],
)
def test_supersede_refusals_change_nothing(store: Store, project_id: int, old, new, named):
    first, second, third = three(store, project_id)
    store.decisions.supersede(project_id, second.id, third.id)
    ids = {"first": first.id, "second": second.id, "third": third.id, "retired": second.id,
           "missing": 9_999}
    before = dump(store)
    with pytest.raises((InputError, NotFoundError), match=named):
        store.decisions.supersede(project_id, ids[old], ids[new])
    assert dump(store) == before


def test_a_decision_of_another_project_cannot_be_touched(store: Store, project_id: int):
    other = store.projects.create("Other project").id
    theirs = store.decisions.record(other, "other", "Their decision")
    mine = store.decisions.record(project_id, "other", "My decision")
    with pytest.raises(NotFoundError):
        store.decisions.supersede(project_id, theirs.id, mine.id)
    with pytest.raises(NotFoundError):
        store.decisions.get(project_id, theirs.id)


def test_record_that_supersedes_in_one_transaction(store: Store, project_id: int):
    first, _, _ = three(store, project_id)
    new = store.decisions.record(project_id, "end_to_end", "Go end-to-end", {}, "1M pairs now",
                                 "Ann", supersedes=first.id)
    assert store.decisions.get(project_id, first.id).superseded_by == new.id
    before = dump(store)
    with pytest.raises(InputError, match="already superseded"):
        store.decisions.record(project_id, "other", "Again", supersedes=first.id)
    assert dump(store) == before  # the new decision was not written either


def test_two_people_superseding_the_same_decision_at_once(store: Store, project_id: int):
    first, second, third = three(store, project_id)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def supersede(by: int) -> None:
        barrier.wait()
        try:
            store.decisions.supersede(project_id, first.id, by)
            outcomes.append("ok")
        except InputError:
            outcomes.append("refused")

    threads = [threading.Thread(target=supersede, args=(by,)) for by in (second.id, third.id)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("diary", "x"), "unknown page"),
        (("other", "   "), "needs a verdict"),
        (("other", "v" * 301), "at most 300"),
        (("other", "ok", {}, "r" * 5001), "at most 5000"),
        (("other", "ok", {}, "", "a" * 81), "at most 80"),
    ],
    ids=["unknown_page", "blank_verdict", "verdict_too_long", "rationale_too_long",
         "author_too_long"],
)
def test_bad_decisions_write_nothing(store: Store, project_id: int, args, named):
    before = dump(store)
    with pytest.raises(InputError, match=named):
        store.decisions.record(project_id, *args)
    assert dump(store) == before


def test_viewer_sessions_are_refused(store: Store, project_id: int):
    first, _, third = three(store, project_id)
    viewer = store.as_viewer()
    before = dump(store)
    with pytest.raises(ReadOnlyError):
        viewer.decisions.record(project_id, "other", "Sneaky")
    with pytest.raises(ReadOnlyError):
        viewer.decisions.supersede(project_id, first.id, third.id)
    with pytest.raises(ReadOnlyError):
        viewer.decisions.reinstate(project_id, first.id)
    assert dump(store) == before
    assert len(viewer.decisions.list(project_id)) == 3  # reading is fine


def test_latest_decisions_lines_for_the_overview(store: Store, project_id: int):
    assert latest_decisions_lines(store, project_id) == []
    first, second, third = three(store, project_id)
    fourth = store.decisions.record(project_id, "sizing", "Dev set of 10,000", {}, "", "")
    store.decisions.supersede(project_id, second.id, fourth.id)
    lines = latest_decisions_lines(store, project_id)
    assert lines == [
        f"{fourth.decided_at:%Y-%m-%d} · Dev/test sizing & splits: Dev set of 10,000",
        f"{third.decided_at:%Y-%m-%d} · Other: Collect mobile photos (Cy)",
        f"{first.decided_at:%Y-%m-%d} · End-to-end or pipeline: Build a pipeline (Ann)",
    ]
    assert latest_decisions_lines(store, project_id, n=1) == lines[:1]


def test_deleting_the_project_deletes_its_decisions(store: Store, project_id: int):
    three(store, project_id)
    store.projects.delete(project_id)
    with store.read() as cur:
        assert cur.scalar("SELECT count(*) FROM decisions") == 0
