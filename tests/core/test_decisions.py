"""The decision log's pure parts: the numbers behind a decision as rows,
one line per decision, the status and search checks."""

from __future__ import annotations

from datetime import datetime

import pytest

from strategy_core.decisions import (
    DECISION_PAGES,
    DECISION_STATUSES,
    Decision,
    check_status,
    clean_search,
    numbers_rows,
)
from strategy_core.errors import InputError


def test_numbers_rows_flatten_nested_numbers():
    numbers = {"guide": "transfer", "inputs": {"source_examples": 1_000_000, "same_input": True,
                                               "ratio": 10.0, "helpful": None},
               "components": ["detect", "identify"], "share": 0.123456789, "empty": {}}
    assert numbers_rows(numbers) == [
        ("guide", "transfer"),
        ("inputs.source_examples", "1,000,000"),
        ("inputs.same_input", "yes"),
        ("inputs.ratio", "10"),
        ("inputs.helpful", "–"),
        ("components", "detect, identify"),
        ("share", "0.123457"),
        ("empty", "{}"),
    ]


@pytest.mark.parametrize(
    ("author", "superseded_by", "line"),
    [
        ("Ann", None, "2025-03-04 · Transfer or multi-task: Transfer from ImageNet (Ann)"),
        ("", None, "2025-03-04 · Transfer or multi-task: Transfer from ImageNet"),
        ("Ann", 9, "2025-03-04 · Transfer or multi-task: Transfer from ImageNet (Ann) "
                   "[superseded by #9]"),
    ],
    ids=["with_author", "without_author", "superseded"],
)
def test_decision_line(author, superseded_by, line):
    decision = Decision(3, "transfer", "Transfer from ImageNet", {}, "", author,
                        datetime(2025, 3, 4, 10, 30), superseded_by)
    assert decision.line() == line
    assert decision.status == ("active" if superseded_by is None else "superseded")


def test_statuses_and_search_text():
    assert set(DECISION_STATUSES) == {"all", "active", "superseded"}
    assert {check_status(s) for s in DECISION_STATUSES} == set(DECISION_STATUSES)
    with pytest.raises(InputError):
        check_status("archived")
    assert clean_search("  data \n mismatch ") == "data mismatch"
    assert clean_search(None) == ""
    with pytest.raises(InputError):
        clean_search("x" * 201)


def test_every_guide_page_can_record_decisions():
    assert {"end_to_end", "transfer", "other"} <= set(DECISION_PAGES)
