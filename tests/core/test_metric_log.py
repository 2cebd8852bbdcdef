"""The metric change log's rules (docs/rules.md §3: record when and why the metric or dev set
changed)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from strategy_core.errors import InputError
from strategy_core.metric_log import MetricChange, change_marks, validate_change


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("dev_set", " mobile  photos only ", "web images ranked models wrongly", " Ana ",
          date(2026, 10, 15)),
         ("dev_set", "mobile photos only", "web images ranked models wrongly", "Ana",
          date(2026, 10, 15))),
        (("metric", "weighted error", "porn must never pass", "", "2026-11-03"),
         ("metric", "weighted error", "porn must never pass", "", date(2026, 11, 3))),
        (("metric", "x", "y", "", datetime(2026, 11, 3, 15, 30)),
         ("metric", "x", "y", "", date(2026, 11, 3))),
    ],
    ids=["spec-dev-set-no-longer-reflects-the-data", "spec-metric-ranks-models-wrongly",
         "datetime-becomes-its-day"],
)
def test_validate_change(args, expected):
    assert validate_change(*args) == expected


def test_validate_change_defaults_to_today():
    assert validate_change("metric", "x", "y", "", None)[-1] == date.today()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("test_set", "x", "y", "", None), "unknown change"),
        (("metric", "  ", "y", "", None), "say what changed"),
        (("metric", "x", " ", "", None), "say why"),
        (("metric", "x" * 301, "y", "", None), "at most 300"),
        (("metric", "x", "y", "a" * 81, None), "at most 80"),
        (("metric", "x", "y", "", "next tuesday"), "must look like"),
    ],
    ids=["unknown-kind", "no-what", "no-why", "what-too-long", "author-too-long", "bad-date"],
)
def test_validate_change_rejects(args, message):
    with pytest.raises(InputError, match=message):
        validate_change(*args)


def _change(i: int, kind: str, what: str, day: date) -> MetricChange:
    return MetricChange(i, kind, what, "why", "Ana", day, datetime(2026, 11, 20))


def test_change_marks_oldest_first_with_labels():
    changes = [_change(3, "metric", "weighted error", date(2026, 11, 3)),
               _change(1, "dev_set", "mobile photos only", date(2026, 10, 15)),
               _change(2, "metric", "same day, later entry", date(2026, 11, 3))]
    assert change_marks(changes) == [
        (date(2026, 10, 15), "Dev set: mobile photos only"),
        (date(2026, 11, 3), "Metric: same day, later entry"),
        (date(2026, 11, 3), "Metric: weighted error"),
    ]
    assert change_marks([]) == []
    assert changes[0].as_dict()["changed_on"] == "2026-11-03"
