"""Per-example predictions: DuckDB's CSV reader, all-or-nothing
validation with rows and columns, replace on re-upload, a million rows in seconds, and the
aggregates other pages read (interfaces.md)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from strategy_core.errors import InputError, NotFoundError
from strategy_core.predictions_csv import PredictionFileError
from strategy_core.runs import Run
from strategy_core.store import Store
from tests.store.test_store import dump


def make_project(store: Store, runs: tuple[str, ...] = ("run-a", "run-b")) -> tuple[int, list]:
    project = store.projects.create("Predictions test")
    for name in runs:
        store.runs.save_run(project.id, Run(name=name, dev_error=0.1))
    keys = [run.key for run in store.runs.list(project.id)]
    return project.id, keys


def csv_bytes(rows: list[list[object]], header: str = "example_id,split,label,prediction"
              ) -> bytes:
    lines = [header] + [",".join("" if v is None else str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def test_sample_file_loads_with_rows_misclassified_and_splits(store: Store, samples: Path):
    project_id, (key, _) = make_project(store)
    result = store.predictions.import_bytes(project_id, key,
                                            (samples / "predictions_dev.csv").read_bytes(),
                                            source="predictions_dev.csv")
    assert result.as_dict() == {"rows": 7500, "misclassified": 549,
                                "splits": {"train_dev": 2500, "dev": 2500, "test": 2500}}
    assert result.replaced is False
    counts = store.predictions.split_counts(project_id, key)
    assert (counts["dev"].n, counts["dev"].errors) == (2500, 197)
    assert counts["dev"].error == pytest.approx(0.0788)
    assert store.predictions.count(project_id) == 7500


def test_progress_is_reported_from_start_to_end(store: Store, samples: Path):
    project_id, (key, _) = make_project(store)
    seen: list[tuple[float, str]] = []
    store.predictions.import_bytes(project_id, key,
                                   (samples / "predictions_dev.csv").read_bytes(),
                                   source="p.csv", progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0 and len(seen) >= 4
    assert any("DuckDB" in message for _, message in seen)


def test_split_spellings_and_empty_split_mean_dev(store: Store):
    project_id, (key, _) = make_project(store)
    data = csv_bytes([["a", "Validation", 1, 1], ["b", "", 1, 0], ["c", "train-dev", 0, 0],
                      ["d", "TEST", 1, 1], ["e", "training", 0, 1]])
    result = store.predictions.import_bytes(project_id, key, data, source="x.csv")
    assert result.splits == {"train": 1, "train_dev": 1, "dev": 2, "test": 1}
    assert result.misclassified == 2


def test_header_spellings_semicolons_and_optional_columns(store: Store):
    project_id, (key, _) = make_project(store)
    data = (b"ID;Y_true;Predicted;Image URL;Weight;Notes\n"
            b"a;cat;cat;https://x.org/a.jpg;2;ignored\n"
            b"b;cat;dog;;;\n")
    result = store.predictions.import_bytes(project_id, key, data, source="x.csv")
    assert result.rows == 2 and result.misclassified == 1
    assert result.warnings == ("Columns not used: 'Notes'.",)
    frame = store.predictions.examples(project_id, key, ["a", "b"])
    assert set(frame["url"].dropna()) == {"https://x.org/a.jpg"}


def test_same_example_id_in_two_splits_is_fine(store: Store):
    project_id, (key, _) = make_project(store)
    data = csv_bytes([["a", "dev", 1, 1], ["a", "test", 1, 0]])
    assert store.predictions.import_bytes(project_id, key, data, source="x.csv").rows == 2


BAD_FILES = [
    (b"", None, None, "empty"),
    (b"example_id,label\na,1\n", 1, None, "no 'prediction'"),
    (b'{"example_id": 1}\n', None, None, "JSON"),
    (b"example_id,label,label,prediction\n", 1, "label", "twice"),
    (b"example_id,label,prediction\n", None, None, "no rows"),
    (b"example_id,label,prediction\na,1,1\nb,1\n", 3, None, "2 cells"),
    (b'example_id,label,prediction\na,1,1\nb,"1,0\nc,0,0\n', 3, None, "quot"),
    (b"example_id,label,prediction\na,1,1\nb,\xff\xfe,0\n", 3, "label", "UTF-8"),
    (b"example_id,label,prediction\na,1,1\n,1,0\n", 3, "example_id", "id is empty"),
    (b"example_id,label,prediction\na,1,1\nb,,0\n", 3, "label", "label is empty"),
    (b"example_id,label,prediction\na,1,1\nb,1, \n", 3, "prediction", "prediction is empty"),
    (b"example_id,split,label,prediction\na,dev,1,1\nb,holdout-2,1,0\n", 3, "split",
     "not a split"),
    (b"example_id,label,prediction,weight\na,1,1,1\nb,1,0,heavy\n", 3, "weight",
     "not a number"),
    (b"example_id,label,prediction,weight\na,1,1,1\nb,1,0,-2\n", 3, "weight", "negative"),
    (b"example_id,label,prediction,weight\na,1,1,inf\n", 2, "weight", "not a number"),
    (b"example_id,label,prediction,url\na,1,1,javascript:alert(1)\n", 2, "url", "http"),
    (b"example_id,label,prediction\na,1,1\nb,1,0\na,0,0\n", 4, "example_id", "twice"),
]
BAD_IDS = [
    "empty_file", "missing_prediction_column", "json", "repeated_header", "header_only",
    "ragged_row", "unclosed_quote", "not_utf8", "empty_id", "empty_label", "blank_prediction",
    "unknown_split", "text_weight", "negative_weight", "infinite_weight", "javascript_url",
    "duplicate_id_in_split",
]


@pytest.mark.parametrize(("data", "row", "column", "named"), BAD_FILES, ids=BAD_IDS)
def test_bad_file_names_row_and_column_and_writes_nothing(store: Store, samples: Path,
                                                          data, row, column, named):
    project_id, (key, _) = make_project(store)
    store.predictions.import_bytes(project_id, key, (samples / "predictions_dev.csv")
                                   .read_bytes(), source="good.csv")
    before = dump(store)
    with pytest.raises(InputError, match=named) as caught:
        store.predictions.import_bytes(project_id, key, data, source="bad.csv")
    assert caught.value.row == row
    assert caught.value.column == column
    assert dump(store) == before
    assert not list(store.database.work_dir.glob("predictions-*"))


def test_every_problem_is_listed_by_row(store: Store):
    project_id, (key, _) = make_project(store)
    data = csv_bytes([["a", "dev", 1, 1], ["", "dev", 1, 0], ["c", "nope", 1, 0],
                      ["a", "dev", 0, 0]])
    with pytest.raises(PredictionFileError) as caught:
        store.predictions.import_bytes(project_id, key, data, source="x.csv")
    found = [(p.row, p.column) for p in caught.value.problems]
    assert found == [(3, "example_id"), (4, "split"), (5, "example_id")]
    assert "rows 2, 5" in caught.value.problems[-1].problem
    assert "and 2 more problems" in str(caught.value)


def test_reupload_replaces_the_runs_predictions_only(store: Store):
    project_id, (key_a, key_b) = make_project(store)
    store.predictions.import_bytes(project_id, key_a, csv_bytes([["a", "dev", 1, 1]]),
                                   source="a1.csv")
    store.predictions.import_bytes(project_id, key_b, csv_bytes([["a", "dev", 1, 0]]),
                                   source="b.csv")
    second = store.predictions.import_bytes(
        project_id, key_a, csv_bytes([["x", "dev", 1, 0], ["y", "dev", 1, 1]]), source="a2.csv")
    assert second.replaced is True
    sets = {s.run_key: s for s in store.predictions.sets(project_id)}
    assert (sets[key_a].rows, sets[key_a].source) == (2, "a2.csv")
    assert sets[key_b].rows == 1
    assert store.predictions.count(project_id) == 3


def test_failed_reupload_keeps_the_earlier_predictions(store: Store):
    project_id, (key, _) = make_project(store)
    store.predictions.import_bytes(project_id, key, csv_bytes([["a", "dev", 1, 1]]),
                                   source="good.csv")
    with pytest.raises(InputError):
        store.predictions.import_bytes(project_id, key, csv_bytes([["a", "dev", 1, 1]] * 2),
                                       source="dupes.csv")
    assert [s.source for s in store.predictions.sets(project_id)] == ["good.csv"]


def test_unknown_run_and_file_outside_staging_are_refused(store: Store, tmp_path: Path):
    project_id, (key, _) = make_project(store)
    with pytest.raises(NotFoundError):
        store.predictions.import_bytes(project_id, 9999, csv_bytes([["a", "dev", 1, 1]]),
                                       source="x.csv")
    outside = tmp_path / "p.csv"
    outside.write_bytes(csv_bytes([["a", "dev", 1, 1]]))
    with pytest.raises(InputError, match="staging"):
        store.predictions.import_file(project_id, key, outside, source="p.csv")


def test_viewer_cannot_upload(store: Store):
    from strategy_core.errors import ReadOnlyError

    project_id, (key, _) = make_project(store)
    with pytest.raises(ReadOnlyError):
        store.as_viewer().predictions.import_bytes(project_id, key,
                                                   csv_bytes([["a", "dev", 1, 1]]), source="x")


def test_a_million_rows_load_in_seconds(store: Store, capsys: pytest.CaptureFixture[str]):
    project_id, (key, _) = make_project(store)
    n = 1_000_000
    ids = np.char.add("img-", np.arange(n).astype(str))
    labels = np.where(np.arange(n) % 3 == 0, "cat", "not_cat")
    predictions = np.where(np.arange(n) % 17 == 0, "cat", labels)
    frame = pd.DataFrame({"example_id": ids, "split": np.array(["dev", "test", "train_dev"])[
        np.arange(n) % 3], "source": "mobile", "label": labels, "prediction": predictions})
    staged = store.predictions.stage(frame.to_csv(index=False).encode())
    started = time.perf_counter()
    result = store.predictions.import_file(project_id, key, staged, source="million.csv")
    seconds = time.perf_counter() - started
    with capsys.disabled():
        print(f"\n1,000,000 predictions loaded in {seconds:.1f} s")
    assert result.rows == n
    assert result.misclassified == int((labels != predictions).sum())
    assert seconds < 30  # about 3 s on two cores; generous for a busy CI machine


# -- the interfaces other pages consume ------------------------------------------------


def test_runs_with_predictions_in_run_order_without_deleted_runs(store: Store):
    project_id, (key_a, key_b, _) = make_project(store, ("run-a", "run-b", "run-c"))
    for key in (key_b, key_a):
        store.predictions.import_bytes(project_id, key, csv_bytes([["a", "dev", 1, 1]]),
                                       source="x.csv")
    assert store.predictions.runs_with_predictions(project_id) == [key_a, key_b]
    store.runs.delete_runs(project_id, [key_a])
    assert store.predictions.runs_with_predictions(project_id) == [key_b]


def test_disagreement_counts_examples_exactly_one_run_got_wrong(store: Store):
    project_id, (key_a, key_b) = make_project(store)
    a = csv_bytes([["e1", "dev", 1, 1], ["e2", "dev", 1, 0], ["e3", "dev", 0, 1],
                   ["e4", "dev", 0, 0], ["only-a", "dev", 1, 0], ["e1", "test", 1, 0]])
    b = csv_bytes([["e1", "dev", 1, 0], ["e2", "dev", 1, 0], ["e3", "dev", 0, 0],
                   ["e4", "dev", 0, 0], ["only-b", "dev", 1, 0]])
    store.predictions.import_bytes(project_id, key_a, a, source="a.csv")
    store.predictions.import_bytes(project_id, key_b, b, source="b.csv")
    result = store.predictions.disagreement(project_id, key_a, key_b)
    assert (result.n_common, result.disagree, result.errors_a, result.errors_b) == (4, 2, 2, 2)
    assert result.rate == 0.5
    empty = store.predictions.disagreement(project_id, key_a, key_b, split="train")
    assert (empty.n_common, empty.rate) == (0, None)


def test_source_counts_per_split_with_missing_source(store: Store):
    project_id, (key, _) = make_project(store)
    data = csv_bytes([["a", "dev", "web", 1, 1], ["b", "dev", "", 1, 1],
                      ["c", "dev", "web", 1, 1], ["d", "test", "mobile", 1, 1]],
                     header="example_id,split,source,label,prediction")
    store.predictions.import_bytes(project_id, key, data, source="x.csv")
    assert store.predictions.source_counts(project_id, key) == {
        "dev": {"web": 2, "(none)": 1}, "test": {"mobile": 1}}
    assert store.predictions.source_counts(project_id, key, ("train",)) == {"train": {}}


def test_weighted_errors_from_the_weight_column_and_from_a_map(store: Store):
    project_id, (key_a, key_b) = make_project(store)
    data = csv_bytes([["a", "dev", "web", 1, 0, 3], ["b", "dev", "mobile", 1, 1, ""],
                      ["c", "dev", "mobile", 1, 1, 1], ["d", "test", "web", 1, 0, 1]],
                     header="example_id,split,source,label,prediction,weight")
    store.predictions.import_bytes(project_id, key_a, data, source="x.csv")
    (row,) = store.predictions.weighted_errors(project_id)
    assert (row.run_key, row.run_name, row.n) == (key_a, "run-a", 3)
    assert row.unweighted_error == pytest.approx(1 / 3)
    assert row.weighted_error == pytest.approx(3 / 5)  # NULL weight counts 1
    (mapped,) = store.predictions.weighted_errors(project_id, weight_by="source",
                                                  weight_map={"mobile": 4.0},
                                                  default_weight=2.0)
    assert mapped.weighted_error == pytest.approx(2 / 10)
    (zero,) = store.predictions.weighted_errors(project_id, weight_by="label",
                                                weight_map={}, default_weight=0.0)
    assert zero.weighted_error is None


@pytest.mark.parametrize(
    ("weight_by", "weight_map"),
    [("example_id", {}), ("source; DROP TABLE predictions", {}), ("source", {"web": -1}),
     ("source", {"web": "heavy"})],
    ids=["attribute_not_allowed", "sql_in_attribute", "negative_weight", "text_weight"])
def test_bad_weights_are_input_errors(store: Store, weight_by, weight_map):
    project_id, (key, _) = make_project(store)
    store.predictions.import_bytes(project_id, key, csv_bytes([["a", "dev", 1, 1]]),
                                   source="x.csv")
    with pytest.raises(InputError):
        store.predictions.weighted_errors(project_id, weight_by=weight_by,
                                          weight_map=weight_map)


def test_delete_removes_a_runs_predictions(store: Store):
    project_id, (key, _) = make_project(store)
    store.predictions.import_bytes(project_id, key, csv_bytes([["a", "dev", 1, 1]]),
                                   source="x.csv")
    assert store.predictions.delete(project_id, key) == 1
    assert store.predictions.sets(project_id) == []
    with pytest.raises(NotFoundError):
        store.predictions.delete(project_id, key)


def test_project_delete_removes_predictions_and_reviews(demo_store: Store):
    project = demo_store.projects.list()[0]
    assert demo_store.predictions.count(project.id) == 15000
    demo_store.projects.delete(project.id)
    with demo_store.read() as cur:
        for table in ("prediction_sets", "predictions", "review_samples", "review_examples",
                      "review_categories", "review_tags"):
            assert cur.scalar(f"SELECT count(*) FROM {table}") == 0, table
