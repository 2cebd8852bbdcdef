"""Importing per-example values (docs/rules.md §18): regression rows and value columns,
every bad cell refused with its row and column and nothing written, the fast and the
staged path agreeing, the draw of the worst examples or of those past a threshold, and
backup bundles carrying the new columns (also from a bundle written before them)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from strategy_core.errors import InputError
from strategy_core.runs import Run
from strategy_core.store import Store, open_store
from strategy_core.store.bundles import bundle_bytes, restore_bundle
from strategy_core.store.reviews import TagEdit
from strategy_core.usecases import error_analysis as usecase
from strategy_core.usecases.project_metric import save_project_metric
from strategy_core.values.predictions import PredictionFileError
from strategy_core.values.project_metric import PRESETS, ProjectMetric
from tests.store.test_bundles import project_rows
from tests.store.test_store import dump

REGRESSION = (b"example_id,split,label,prediction,text\n"
              b"a,dev,30,33.5,first\nb,dev,41,40.5,\nc,dev,25,33,=cmd()\nd,dev,60,56.9,\n"
              b"e,dev,18,19,\nt1,train,20,20,\n")


def make_project(store: Store, metric: ProjectMetric, name: str = "Ages") -> tuple[int, int]:
    created = store.projects.create(name)
    store.runs.save_run(created.id, Run(name="r1", dev_error=0.1))
    if metric.kind != "rate":
        save_project_metric(store, created.id, metric, expected=0)
    return created.id, store.runs.list(created.id)[0].key  # type: ignore[return-value]


def stored(store: Store, pid: int) -> list[tuple]:
    with store.read() as cur:
        return cur.execute(
            "SELECT p.split, p.example_id, p.label, p.prediction, p.value, p.text "
            "FROM predictions p JOIN prediction_sets s ON s.id = p.set_id "
            "WHERE s.project_id = ? ORDER BY p.split, p.example_id", [pid]).fetchall()


def test_regression_rows_store_the_absolute_error(store: Store) -> None:
    pid, run = make_project(store, PRESETS["mae"])
    result = usecase.import_predictions(store, pid, run, REGRESSION, source="ages.csv")
    assert (result.kind, result.rows, result.misclassified) == ("regression", 6, 0)
    assert result.as_dict()["kind"] == "regression"
    rows = stored(store, pid)
    assert [(r[1], round(r[4], 6)) for r in rows] == [
        ("a", 3.5), ("b", 0.5), ("c", 8.0), ("d", 3.1), ("e", 1.0), ("t1", 0.0)]
    assert rows[2][5] == "=cmd()"  # text stays text
    (prediction_set,) = usecase.prediction_sets(store, pid)
    assert prediction_set.kind == "regression"
    assert prediction_set.splits["dev"].mean == pytest.approx(3.22)


def test_value_column_with_optional_label(store: Store) -> None:
    pid, run = make_project(store, PRESETS["wer"])
    data = b"utterance id,WER,text\nu1,0.25,hello\nu2,0,hi\nu3,1.5,noise\n"
    # 'utterance id' is not an id spelling: use example_id.
    data = data.replace(b"utterance id", b"example_id")
    result = usecase.import_predictions(store, pid, run, data, source="wer.csv")
    assert (result.kind, result.value_name) == ("value", "WER")
    assert [(r[1], r[2], r[4]) for r in stored(store, pid)] == [
        ("u1", "", 0.25), ("u2", "", 0.0), ("u3", "", 1.5)]


def test_semicolon_file_reads_decimal_commas(store: Store) -> None:
    pid, run = make_project(store, PRESETS["mae"])
    usecase.import_predictions(store, pid, run, b"id;label;prediction\na;3,5;2\n", source="x")
    assert stored(store, pid)[0][4] == pytest.approx(1.5)


@pytest.mark.parametrize(
    ("metric", "data", "row", "column", "words"),
    [("mae", b"example_id,label,prediction\na,3,5\nb,x,1\n", 3, "label", "'x' is not a number"),
     ("mae", b"example_id,label,prediction\na,3,5\nb,1,abc\n", 3, "prediction", "'abc'"),
     ("mae", b"example_id,label,prediction\na,3,nan\n", 2, "prediction", "'nan' is not"),
     ("mae", b"example_id,label,prediction\na,3,inf\n", 2, "prediction", "'inf' is not"),
     ("mae", b"example_id,label,prediction\na,3,\n", 2, "prediction", "is empty"),
     ("loss", b"example_id,loss\na,0.5\nb,\n", 3, "loss", "the value is empty"),
     ("loss", b"example_id,loss\na,0.5\nb,NaN\n", 3, "loss", "'NaN' is not a number"),
     ("loss", b"example_id,loss\na,-0.5\n", 2, "loss", "outside the range of Loss"),
     ("dice", b"example_id,dice\na,0.5\nb,1.2\n", 3, "dice", "'1.2' is outside the range"),
     ("dice", b"example_id,dice\na,0.5\na,0.7\n", 3, "example_id", "appears twice")],
    ids=["label_text", "prediction_text", "nan", "inf", "empty_prediction", "empty_value",
         "nan_value", "negative_loss", "dice_above_1", "duplicate_id"])
def test_bad_cells_name_row_and_column_and_write_nothing(store: Store, metric: str,
                                                         data: bytes, row: int, column: str,
                                                         words: str) -> None:
    pid, run = make_project(store, PRESETS[metric])
    before = dump(store)
    with pytest.raises(PredictionFileError) as caught:
        usecase.import_predictions(store, pid, run, data, source="bad.csv")
    first = caught.value.problems[0]
    assert (first.row, first.column) == (row, column)
    assert words in first.problem
    assert dump(store) == before


def test_a_bad_upload_keeps_the_earlier_one(store: Store) -> None:
    pid, run = make_project(store, PRESETS["mae"])
    usecase.import_predictions(store, pid, run, REGRESSION, source="ages.csv")
    before = dump(store)
    with pytest.raises(PredictionFileError):
        usecase.import_predictions(store, pid, run, b"example_id,label,prediction\na,1,z\n",
                                   source="bad.csv")
    assert dump(store) == before


def test_header_without_label_or_value_is_refused(store: Store) -> None:
    pid, run = make_project(store, PRESETS["mae"])
    with pytest.raises(InputError, match="value column such as loss"):
        usecase.import_predictions(store, pid, run, b"example_id,label\na,1\n", source="x")


def test_worst_draw_is_deterministic_and_ordered(store: Store) -> None:
    pid, run = make_project(store, PRESETS["mae"])
    usecase.import_predictions(store, pid, run, REGRESSION, source="ages.csv")
    first = usecase.draw_value_sample(store, pid, run, name="one", size=2)
    shuffled = b"\n".join([REGRESSION.split(b"\n")[0], *reversed(REGRESSION.split(b"\n")[1:])])
    usecase.import_predictions(store, pid, run, shuffled, source="again.csv")
    second = usecase.draw_value_sample(store, pid, run, name="two", size=2)
    ids = [list(usecase.sample_examples(store, s.id)["example_id"]) for s in (first, second)]
    assert ids == [["c", "a"], ["c", "a"]]
    assert (first.dev_n, first.population, first.cutoff) == (5, 2, pytest.approx(3.5))


def test_threshold_draw_is_seeded(store: Store) -> None:
    pid, run = make_project(store, PRESETS["mae"])
    usecase.import_predictions(store, pid, run, REGRESSION, source="ages.csv")
    one = usecase.draw_value_sample(store, pid, run, name="a", size=2, threshold=3.0, seed=4)
    two = usecase.draw_value_sample(store, pid, run, name="b", size=2, threshold=3.0, seed=4)
    assert one.population == 3 and one.size == 2
    assert one.population_gain == pytest.approx(8.0 + 3.5 + 3.1)
    assert list(usecase.sample_examples(store, one.id)["example_id"]) == \
        list(usecase.sample_examples(store, two.id)["example_id"])
    with pytest.raises(InputError, match="past this threshold"):
        usecase.draw_value_sample(store, pid, run, name="c", threshold=100.0, seed=1)


def test_higher_is_better_draws_the_lowest_scores(store: Store) -> None:
    pid, run = make_project(store, PRESETS["dice"])
    usecase.import_predictions(store, pid, run,
                               b"example_id,dice\na,0.9\nb,0.3\nc,0.6\nd,0.95\n", source="d")
    sample = usecase.draw_value_sample(store, pid, run, name="worst", size=2)
    assert list(usecase.sample_examples(store, sample.id)["example_id"]) == ["b", "c"]
    assert usecase.sample_rule_text(store, sample) == \
        "the 2 dev examples with the smallest dice (≤ 0.600)"
    assert sample.population_gain == pytest.approx(0.7 + 0.4)


def test_classification_run_cannot_draw_values(store: Store) -> None:
    pid, run = make_project(store, PRESETS["error_rate"])
    usecase.import_predictions(store, pid, run, b"example_id,label,prediction\na,1,0\n",
                               source="c")
    with pytest.raises(InputError, match="classification rows"):
        usecase.draw_value_sample(store, pid, run, name="x")


def reviewed_project(store: Store) -> int:
    pid, run = make_project(store, PRESETS["mae"])
    usecase.import_predictions(store, pid, run, REGRESSION, source="ages.csv")
    sample = usecase.draw_value_sample(store, pid, run, name="worst", size=3)
    blurry = usecase.add_category(store, pid, "Blurry")
    tags = usecase.tags(store, sample.id)
    usecase.save_tags(store, sample.id, [
        TagEdit(eid, frozenset({blurry.id}) if eid == "c" else frozenset(), "", True, int(v))
        for eid, v in zip(tags["example_id"], tags["version"], strict=True)])
    return pid


def test_counts_carry_the_gains(store: Store) -> None:
    pid = reviewed_project(store)
    (sample,) = usecase.samples(store, pid)
    analysis = usecase.analyze_sample(store, sample.id)
    assert analysis.counts.reviewed_gain == pytest.approx(14.6)
    assert analysis.counts.gains["Blurry"] == pytest.approx(8.0)
    blurry = analysis.values.category("Blurry")  # type: ignore[union-attr]
    assert blurry.ceiling == pytest.approx(8.0 / 5)
    assert analysis.summary is None and analysis.mislabel is None


def test_bundle_round_trip_keeps_the_new_columns(store: Store, tmp_path: Path) -> None:
    pid = reviewed_project(store)
    slug = store.projects.list()[0].slug
    data = bundle_bytes(store, pid)
    target = open_store(str(tmp_path / "other.duckdb"))
    restore_bundle(target, data)
    assert project_rows(target, slug) == project_rows(store, slug)
    assert stored(target, pid) == stored(store, pid)
    (sample,) = usecase.samples(target, pid)
    assert sample == usecase.samples(store, pid)[0]
    assert usecase.analyze_sample(target, sample.id).values == \
        usecase.analyze_sample(store, sample.id).values
    target.database.close()


def _without_new_columns(data: bytes) -> bytes:
    """The bundle as schema 5 wrote it: no per-example value columns."""
    dropped = {"prediction_sets": ["kind", "value_name"], "predictions": ["value"],
               "review_examples": ["value", "gain"],
               "review_samples": ["measure", "value_name", "selection", "threshold",
                                  "cutoff", "dev_total", "population_gain"]}
    source = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(source.read("manifest.json"))
    manifest["schema_version"] = 5
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for table, meta in manifest["tables"].items():
            payload = source.read(meta["file"])
            if table in dropped:
                frame = pq.read_table(io.BytesIO(payload)).drop_columns(dropped[table])
                buffer = io.BytesIO()
                pq.write_table(frame, buffer)
                payload = buffer.getvalue()
            meta["sha256"] = hashlib.sha256(payload).hexdigest()
            archive.writestr(meta["file"], payload)
        archive.writestr("manifest.json", json.dumps(manifest))
    return out.getvalue()


def test_bundle_from_before_the_values_restores_as_classification(store: Store,
                                                                  tmp_path: Path) -> None:
    pid, run = make_project(store, PRESETS["error_rate"], "Cats")
    usecase.import_predictions(store, pid, run, b"example_id,label,prediction\na,1,0\nb,1,1\n",
                               source="c")
    usecase.draw_sample(store, pid, run, name="mistakes", seed=1)
    old = _without_new_columns(bundle_bytes(store, pid))
    target = open_store(str(tmp_path / "older.duckdb"))
    restore_bundle(target, old)
    (prediction_set,) = usecase.prediction_sets(target, pid)
    assert (prediction_set.kind, prediction_set.misclassified) == ("classification", 1)
    (sample,) = usecase.samples(target, pid)
    assert not sample.of_values and sample.size == 1
    target.database.close()
