"""Every worked example of docs/rules.md §22 (the Optimization Verification test), one test
per "Example 22.N", named `test_example_22_N_…`, plus the rules around them: reading
tables and files, the use case, the store, the demo."""

from __future__ import annotations

import pytest

from strategy_core.error_analysis.optimization import (
    blame,
    column_roles,
    pairs_from_rows,
    read_pairs_csv,
    verify_optimization,
)
from strategy_core.errors import ConflictError, InputError
from strategy_core.project_metric import PRESETS
from strategy_core.runs import Run
from strategy_core.store import Store
from strategy_core.usecases import optimization as usecase
from strategy_core.usecases.demo_canon import OV_REVIEWED, OV_SEARCH_FAULTS
from strategy_core.usecases.runs import add_run
from strategy_core.values.optimization import ScorePair

HEADER = b"example_id,score_correct,score_output,note\n"


def scored(search: int, objective: int) -> list[ScorePair]:
    return ([ScorePair(f"s{i}", -10.0, -12.0) for i in range(search)]
            + [ScorePair(f"o{i}", -12.0, -10.0) for i in range(objective)])


def test_example_22_1_each_mistake_blames_the_search_or_the_objective() -> None:
    assert blame(ScorePair("u1", -12.1, -14.3)) == "search"
    assert blame(ScorePair("u2", -15.0, -12.0)) == "objective"
    assert blame(ScorePair("u3", -3.0, -3.0)) == "objective"


def test_example_22_2_most_mistakes_are_the_objectives() -> None:
    result = verify_optimization(scored(5, 95), 0.10, PRESETS["error_rate"])
    assert (result.verdict, result.tentative) == ("objective", False)
    assert (result.search_faults, result.objective_faults, result.reviewed) == (5, 95, 100)
    assert (round(result.search_interval.low, 3), round(result.search_interval.high, 3)) == (
        0.022, 0.112)
    assert "a perfect search would remove at most 0.5 pts of it and a perfect objective at " \
           "most 9.5 pts" in result.reasons[-1]
    assert result.headline == "The objective (scoring function) is at fault"


def test_example_22_3_ten_mistakes_are_too_few_to_choose() -> None:
    result = verify_optimization(scored(6, 4))
    assert (result.verdict, result.tentative) == ("search", True)
    assert (round(result.search_interval.low, 2), round(result.search_interval.high, 2)) == (
        0.31, 0.83)
    assert "review more mistakes" in result.reasons[1]


def test_example_22_4_equal_counts_share_the_blame() -> None:
    result = verify_optimization(scored(5, 5))
    assert (result.verdict, result.tentative) == ("tie", True)
    assert result.headline == "Search and objective share the blame"


def test_example_22_5_the_speech_demo_blames_the_objective(demo_store: Store) -> None:
    project = demo_store.projects.by_slug("speech-recognition-demo")
    answer = usecase.verification(demo_store, project.id)
    assert answer.run.name == "conformer-l-car-500h"
    result = answer.result
    assert (result.reviewed, result.search_faults) == (OV_REVIEWED, OV_SEARCH_FAULTS) == (40, 9)
    assert (result.verdict, result.tentative) == ("objective", False)
    assert "9 (22%)" in result.reasons[0] and "12% to 38%" in result.reasons[0]
    assert len(result.reasons) == 2  # WER is no error rate: no ceiling


def test_example_22_6_a_bad_file_names_row_and_column_and_writes_nothing(store: Store) -> None:
    project = store.projects.create("Beam")
    add_run(store, project.id, Run(name="r", dev_error=0.1))
    usecase.save_pairs(store, project.id, "r", scored(1, 1))
    cases = [
        (HEADER + b"u1,-12.1,-14.3,\nu2,-15.0,abc,\n", (3, "score_output"), "'abc' is not a "
         "number"),
        (HEADER + b"u1,-12.1,-14.3,\nu1,-15.0,-12,\n", (3, "example_id"), "listed twice "
         "(first in row 2)"),
        (b"example_id,score_correct\nu1,1\n", (1, None), "needs the column score_output"),
    ]
    for data, (row, column), words in cases:
        with pytest.raises(InputError) as refused:
            usecase.import_pairs_csv(store, project.id, "r", data)
        assert (refused.value.row, refused.value.column) == (row, column)
        assert words in str(refused.value)
    assert [p.example_id for p in store.optimization.checks(
        project.id, store.runs.by_name(project.id, "r").key).pairs] == ["s0", "o0"]


# --- around the examples ---------------------------------------------------------------------


def test_nothing_recorded_says_what_to_record() -> None:
    result = verify_optimization([])
    assert result.verdict == "none" and result.search_share is None
    assert "S(y*)" in result.reasons[0] and result.as_dict()["reviewed"] == 0


def test_files_and_tables_are_read_with_their_aliases() -> None:
    pairs = read_pairs_csv(b"\xef\xbb\xbfID,S(y*),S(y_out),Notes,extra\n"
                           b"u1,-1.5,-2,beam 4,x\n\nu2,\"-3,000.5\",-1,,y\n")
    assert pairs == (ScorePair("u1", -1.5, -2.0, "beam 4"), ScorePair("u2", -3000.5, -1.0))
    roles = column_roles(["example_id", "score_correct", "score_output", "note"])
    rows = [{"example_id": "a", "score_correct": 1.0, "score_output": float("nan"),
             "note": None}]
    with pytest.raises(InputError) as refused:
        pairs_from_rows(rows, roles, first_row=1)
    assert (refused.value.row, refused.value.column) == (1, "score_output")
    assert "empty" in str(refused.value)
    for data, words in [(b"", "empty"), (b"\xff\xfe", "not UTF-8"),
                        (HEADER, "no examples"), (HEADER + b"u1,1,2,x,y\n", "cells")]:
        with pytest.raises(InputError, match=words):
            read_pairs_csv(data)


def test_saves_are_versioned_and_replace_the_runs_records(store: Store) -> None:
    project = store.projects.create("Versions")
    add_run(store, project.id, Run(name="a", dev_error=0.1))
    add_run(store, project.id, Run(name="b", dev_error=0.2))
    first = usecase.save_pairs(store, project.id, "a", scored(2, 1), expected=0)
    assert first.version > 0 and len(first.pairs) == 3
    with pytest.raises(ConflictError, match="3 examples now"):
        usecase.save_pairs(store, project.id, "a", scored(1, 0), expected=0)
    usecase.save_pairs(store, project.id, "a", scored(1, 0), expected=first.version)
    assert usecase.recorded_runs(store, project.id) == {
        store.runs.by_name(project.id, "a").key: 1}
    answer = usecase.verification(store, project.id, "a")
    assert answer.as_dict()["examples"] == [{"example_id": "s0", "score_correct": -10.0,
                                             "score_output": -12.0, "note": "",
                                             "fault": "search"}]
    assert usecase.verification(store, project.id).run.name == "b"  # the newest by default
    table = usecase.pairs_from_table([{"example_id": "x", "score_correct": 1,
                                       "score_output": 2, "note": ""},
                                      {"example_id": None, "score_correct": None,
                                       "score_output": None, "note": None}])
    assert table == (ScorePair("x", 1.0, 2.0),)
    with pytest.raises(InputError, match="record 1 has no example id"):
        store.optimization.save_checks(project.id, store.runs.by_name(project.id, "a").key,
                                       [ScorePair(" ", 1.0, 2.0)])
