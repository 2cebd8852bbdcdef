"""Review samples, categories and tags: seeded reproducible
samples, the eyeball set, audit samples, saving in one transaction with optimistic
concurrency, and the tag sheet round trip."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from strategy_core.csv_export import safe_csv_bytes
from strategy_core.error_analysis import INCORRECTLY_LABELED
from strategy_core.errors import ConflictError, InputError, NotFoundError
from strategy_core.store import Store
from strategy_core.store.reviews import TagEdit
from strategy_core.tag_sheet import parse_sheet, wide_frame
from tests.store.test_predictions_store import make_project
from tests.store.test_store import dump


@pytest.fixture
def loaded(store: Store, samples: Path) -> tuple[Store, int, int]:
    """A project whose first run has the sample predictions (197 dev mistakes of 2,500)."""
    project_id, (key, _) = make_project(store)
    store.predictions.import_bytes(project_id, key,
                                   (samples / "predictions_dev.csv").read_bytes(),
                                   source="predictions_dev.csv")
    return store, project_id, key


def dev_frame(samples: Path) -> pd.DataFrame:
    frame = pd.read_csv(samples / "predictions_dev.csv")
    return frame[frame["split"] == "dev"]


# -- drawing ---------------------------------------------------------------------------


def test_sample_is_100_distinct_misclassified_dev_examples(loaded, samples: Path):
    store, project_id, key = loaded
    sample = store.reviews.draw(project_id, key, name="First look", seed=7)
    assert (sample.size, sample.population, sample.dev_n, sample.dev_errors) == (100, 197, 2500,
                                                                                 197)
    assert sample.dev_error == pytest.approx(0.0788)
    examples = store.reviews.sample_examples(sample.id)
    assert examples["example_id"].is_unique and len(examples) == 100
    dev = dev_frame(samples)
    wrong = set(dev.loc[dev["label"] != dev["prediction"], "example_id"])
    assert set(examples["example_id"]) <= wrong
    assert (examples["label"] != examples["prediction"]).all()
    assert list(examples["position"]) == list(range(1, 101))


def test_same_seed_same_sample_other_seed_other_sample(loaded):
    store, project_id, key = loaded
    first = store.reviews.draw(project_id, key, name="a", seed=123)
    again = store.reviews.draw(project_id, key, name="b", seed=123)
    other = store.reviews.draw(project_id, key, name="c", seed=124)
    ids = [list(store.reviews.sample_examples(s.id)["example_id"]) for s in (first, again,
                                                                             other)]
    assert ids[0] == ids[1]
    assert set(ids[0]) != set(ids[2])
    assert (first.eyeball_key, first.eyeball_n) == (again.eyeball_key, again.eyeball_n)


def test_sample_does_not_depend_on_the_files_row_order(store: Store, samples: Path):
    project_id, (key_a, key_b) = make_project(store)
    frame = pd.read_csv(samples / "predictions_dev.csv")
    shuffled = frame.sample(frac=1.0, random_state=3)
    store.predictions.import_bytes(project_id, key_a, frame.to_csv(index=False).encode(),
                                   source="a.csv")
    store.predictions.import_bytes(project_id, key_b, shuffled.to_csv(index=False).encode(),
                                   source="b.csv")
    a = store.reviews.draw(project_id, key_a, name="a", seed=99)
    b = store.reviews.draw(project_id, key_b, name="b", seed=99)
    assert list(store.reviews.sample_examples(a.id)["example_id"]) == \
        list(store.reviews.sample_examples(b.id)["example_id"])


def test_sampling_is_uniform_over_the_mistakes(store: Store):
    # 40 mistakes, 10 drawn with 400 seeds: each mistake is drawn about 100 times.
    project_id, (key, _) = make_project(store)
    rows = [f"e{i},dev,1,{0 if i < 40 else 1}" for i in range(200)]
    data = ("example_id,split,label,prediction\n" + "\n".join(rows) + "\n").encode()
    store.predictions.import_bytes(project_id, key, data, source="x.csv")
    with store.read() as cur:
        counts = cur.execute(
            """SELECT example_id, count(*) FROM (
                   SELECT example_id, row_number() OVER (PARTITION BY seed ORDER BY
                          md5(CAST(seed AS VARCHAR) || ':' || example_id)) AS r
                   FROM (SELECT 'e' || i AS example_id FROM range(40) t(i)),
                        (SELECT s AS seed FROM range(400) u(s)))
               WHERE r <= 10 GROUP BY example_id""").fetchall()
    assert len(counts) == 40
    assert all(60 <= n <= 140 for _, n in counts)
    # The store's draw uses the same ordering: its sample for seed 5 is that seed's first 10.
    sample = store.reviews.draw(project_id, key, name="s", size=10, seed=5)
    assert len(store.reviews.sample_examples(sample.id)) == 10


def test_fewer_mistakes_than_asked_reviews_all_and_eyeball_is_all_of_dev(store: Store):
    project_id, (key, _) = make_project(store)
    data = ("example_id,label,prediction\n" + "\n".join(
        f"e{i},1,{0 if i < 5 else 1}" for i in range(50)) + "\n").encode()
    store.predictions.import_bytes(project_id, key, data, source="x.csv")
    sample = store.reviews.draw(project_id, key, name="all", seed=1)
    assert (sample.size, sample.population, sample.eyeball_n) == (5, 5, 50)


def test_eyeball_set_size_mode_reviews_the_mistakes_inside_it(loaded):
    store, project_id, key = loaded
    sample = store.reviews.draw(project_id, key, name="eyeball", eyeball_size=1000, seed=11)
    assert sample.eyeball_n == 1000
    (counts,) = [c for c in store.predictions.eyeball_counts(project_id, sample.seed,
                                                             sample.eyeball_key)
                 if c.run_key == key]
    assert (counts.eyeball_n, counts.eyeball_errors) == (1000, sample.size)
    assert counts.blackbox_n == 1500
    assert counts.eyeball_errors + counts.blackbox_errors == 197


def test_eyeball_set_of_a_mistakes_sample_ends_at_its_last_mistake(loaded):
    store, project_id, key = loaded
    sample = store.reviews.draw(project_id, key, name="m", size=50, seed=11)
    (counts,) = store.predictions.eyeball_counts(project_id, sample.seed, sample.eyeball_key)
    assert counts.eyeball_errors == 50
    assert counts.eyeball_n == sample.eyeball_n
    assert 0 < counts.eyeball_n < 2500


def test_audit_sample_holds_correctly_classified_dev_examples(loaded):
    store, project_id, key = loaded
    audit = store.reviews.draw(project_id, key, name="audit", kind="audit", size=40, seed=3)
    examples = store.reviews.sample_examples(audit.id)
    assert (audit.kind, audit.size, audit.population) == ("audit", 40, 2500 - 197)
    assert (examples["label"] == examples["prediction"]).all()
    assert audit.eyeball_key is None


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [({"name": " "}, "needs a name"), ({"name": "x", "size": 0}, "at least 1"),
     ({"name": "x", "size": 2.5}, "whole number"), ({"name": "x", "kind": "best"}, "errors"),
     ({"name": "x", "size": 10_000}, "at most"),
     ({"name": "x", "kind": "audit", "eyeball_size": 10}, "eyeball")],
    ids=["blank_name", "empty_sample", "fractional_size", "unknown_kind", "too_large",
         "eyeball_for_audit"])
def test_bad_draws_are_input_errors(loaded, kwargs, named):
    store, project_id, key = loaded
    with pytest.raises(InputError, match=named):
        store.reviews.draw(project_id, key, **kwargs)


def test_duplicate_name_and_run_without_predictions_are_refused(loaded):
    store, project_id, key = loaded
    store.reviews.draw(project_id, key, name="Week 1", seed=1)
    before = dump(store)
    with pytest.raises(InputError, match="already exists"):
        store.reviews.draw(project_id, key, name="week 1", seed=2)
    other = [r.key for r in store.runs.list(project_id) if r.key != key][0]
    with pytest.raises(InputError, match="no dev predictions"):
        store.reviews.draw(project_id, other, name="x", seed=2)
    assert dump(store) == before


def test_sample_keeps_its_examples_when_predictions_are_uploaded_again(loaded):
    store, project_id, key = loaded
    sample = store.reviews.draw(project_id, key, name="s", seed=1)
    before = store.reviews.sample_examples(sample.id)
    store.predictions.import_bytes(project_id, key, b"example_id,label,prediction\nz,1,0\n",
                                   source="new.csv")
    pd.testing.assert_frame_equal(store.reviews.sample_examples(sample.id), before)


def test_samples_are_listed_newest_first_and_can_be_renamed_and_deleted(loaded):
    store, project_id, key = loaded
    first = store.reviews.draw(project_id, key, name="first", seed=1)
    second = store.reviews.draw(project_id, key, name="second", seed=2)
    assert [s.id for s in store.reviews.samples(project_id)] == [second.id, first.id]
    assert store.reviews.rename_sample(first.id, "  renamed  ").name == "renamed"
    assert store.reviews.by_name(project_id, "RENAMED").id == first.id
    store.reviews.delete_sample(first.id)
    assert [s.id for s in store.reviews.samples(project_id)] == [second.id]
    with pytest.raises(NotFoundError):
        store.reviews.get(first.id)


# -- categories ------------------------------------------------------------------------


def test_incorrectly_labeled_is_always_there_and_cannot_go(loaded):
    store, project_id, key = loaded
    store.reviews.draw(project_id, key, name="s", seed=1)
    (reserved,) = store.reviews.categories(project_id)
    assert reserved.name == INCORRECTLY_LABELED and reserved.reserved
    with pytest.raises(InputError, match="always there"):
        store.reviews.rename_category(project_id, reserved.id, "Typos")
    with pytest.raises(InputError, match="always there"):
        store.reviews.remove_category(project_id, reserved.id)
    with pytest.raises(InputError, match="already exists"):
        store.reviews.add_category(project_id, "incorrectly   LABELED")


def test_categories_are_added_renamed_and_removed_during_review(loaded):
    store, project_id, key = loaded
    sample = store.reviews.draw(project_id, key, name="s", seed=1)
    dog = store.reviews.add_category(project_id, " Dog ")
    blurry = store.reviews.add_category(project_id, "Blurry", effort=2)
    assert [c.name for c in store.reviews.categories(project_id)] == [
        "Dog", "Blurry", INCORRECTLY_LABELED]
    with pytest.raises(InputError, match="already exists"):
        store.reviews.add_category(project_id, "dog")
    with pytest.raises(InputError, match="column of the tag sheet"):
        store.reviews.add_category(project_id, "Notes")
    tags = store.reviews.tags(sample.id)
    first, second = tags["example_id"][:2]
    store.reviews.save_tags(sample.id, [TagEdit(first, frozenset({dog.id, blurry.id}), "", True,
                                                0),
                                        TagEdit(second, frozenset({dog.id}), "", True, 0)])
    store.reviews.rename_category(project_id, dog.id, "Dog or wolf")
    assert store.reviews.counts(sample.id).counts["Dog or wolf"] == 2
    assert store.reviews.remove_category(project_id, dog.id) == 2
    after = store.reviews.tags(sample.id).set_index("example_id")
    assert after.loc[first, "categories"] == [blurry.id]
    assert after.loc[second, "categories"] == []
    assert after.loc[first, "version"] == 2  # the removal counts as a change
    assert "Dog or wolf" not in store.reviews.counts(sample.id).counts


def test_efforts_are_stored_and_validated(loaded):
    store, project_id, key = loaded
    store.reviews.draw(project_id, key, name="s", seed=1)
    dog = store.reviews.add_category(project_id, "Dog")
    store.reviews.set_efforts(project_id, {dog.id: 3})
    assert store.reviews.categories(project_id)[0].effort == 3
    with pytest.raises(InputError, match="positive"):
        store.reviews.set_efforts(project_id, {dog.id: 0})
    store.reviews.set_efforts(project_id, {dog.id: None})
    assert store.reviews.categories(project_id)[0].effort is None


# -- saving tags -----------------------------------------------------------------------


def test_save_counts_and_marks_reviewed(loaded):
    store, project_id, key = loaded
    sample = store.reviews.draw(project_id, key, name="s", size=10, seed=1)
    dog = store.reviews.add_category(project_id, "Dog")
    ids = list(store.reviews.tags(sample.id)["example_id"])
    saved = store.reviews.save_tags(sample.id, [
        TagEdit(ids[0], frozenset({dog.id}), "", False, 0),
        TagEdit(ids[1], frozenset(), "=1+1 looks odd", False, 0),
        TagEdit(ids[2], frozenset(), "", True, 0),
    ], updated_by="Ann")
    assert saved == 3
    counts = store.reviews.counts(sample.id)
    assert (counts.size, counts.reviewed) == (10, 3)
    assert counts.counts == {"Dog": 1, INCORRECTLY_LABELED: 0}
    tags = store.reviews.tags(sample.id).set_index("example_id")
    assert tags.loc[ids[1], "notes"] == "=1+1 looks odd"
    assert tags.loc[ids[0], "updated_by"] == "Ann"
    assert tags.loc[ids[0], "version"] == 1 and tags.loc[ids[3], "version"] == 0


def test_second_save_of_the_same_example_is_a_conflict_showing_current_values(loaded):
    """Two people open the grid at version 0 and tag the same example: the first save
    wins, the second is refused with the first one's values, and nothing of it is written
    (not even its edits of other examples)."""
    store, project_id, key = loaded
    sample = store.reviews.draw(project_id, key, name="s", size=10, seed=1)
    dog = store.reviews.add_category(project_id, "Dog")
    blurry = store.reviews.add_category(project_id, "Blurry")
    opened = store.reviews.tags(sample.id)  # both reviewers read the same versions
    shared, other = opened["example_id"][0], opened["example_id"][1]
    store.reviews.save_tags(sample.id, [TagEdit(shared, frozenset({dog.id}), "pitbull", True,
                                                int(opened["version"][0]))], updated_by="Ann")
    before = dump(store)
    with pytest.raises(ConflictError, match="changed by Ann") as caught:
        store.reviews.save_tags(sample.id, [
            TagEdit(other, frozenset({blurry.id}), "", True, int(opened["version"][1])),
            TagEdit(shared, frozenset({blurry.id}), "blurry", True, int(opened["version"][0])),
        ], updated_by="Bob")
    assert dump(store) == before
    current = caught.value.current
    assert list(current["example_id"]) == [shared]
    assert current["categories"][0] == [dog.id]
    assert current["notes"][0] == "pitbull"
    assert current["updated_by"][0] == "Ann"
    # Starting again from the current version, Bob's save goes through.
    store.reviews.save_tags(sample.id, [TagEdit(shared, frozenset({dog.id, blurry.id}),
                                                "pitbull, blurry", True, 1)], updated_by="Bob")
    assert store.reviews.counts(sample.id).counts == {"Dog": 1, "Blurry": 1,
                                                      INCORRECTLY_LABELED: 0}


def test_saving_a_removed_category_is_a_conflict(loaded):
    store, project_id, key = loaded
    sample = store.reviews.draw(project_id, key, name="s", size=5, seed=1)
    dog = store.reviews.add_category(project_id, "Dog")
    example = store.reviews.tags(sample.id)["example_id"][0]
    store.reviews.remove_category(project_id, dog.id)
    with pytest.raises(ConflictError):
        store.reviews.save_tags(sample.id, [TagEdit(example, frozenset({dog.id}), "", True, 0)])


@pytest.mark.parametrize(
    ("edit", "error"),
    [(TagEdit("not-in-sample", frozenset(), "", True, 0), NotFoundError),
     (TagEdit("{first}", frozenset(), "x" * 2001, True, 0), InputError)],
    ids=["example_not_in_sample", "notes_too_long"])
def test_bad_saves_write_nothing(loaded, edit, error):
    store, project_id, key = loaded
    sample = store.reviews.draw(project_id, key, name="s", size=5, seed=1)
    first = store.reviews.tags(sample.id)["example_id"][0]
    edit = TagEdit(edit.example_id.format(first=first), edit.categories, edit.notes,
                   edit.reviewed, edit.version)
    before = dump(store)
    with pytest.raises(error):
        store.reviews.save_tags(sample.id, [edit])
    assert dump(store) == before


# -- spreadsheets ----------------------------------------------------------------------


def test_sheet_import_as_new_sample_and_round_trip(store: Store, samples: Path):
    project_id, _ = make_project(store)
    sheet = parse_sheet((samples / "error_tags_sheet.csv").read_bytes())
    result = store.reviews.import_sheet(project_id, sheet, name="Team sheet", dev_error=0.10)
    assert (result.examples, result.categories_added) == (100, (
        "Dog", "Great cat", "Blurry", "Instagram filter"))
    counts = store.reviews.counts(result.sample_id)
    assert counts.reviewed == 100
    assert counts.counts == {"Dog": 11, "Great cat": 46, "Blurry": 57, "Instagram filter": 16,
                             INCORRECTLY_LABELED: 3}
    tags = store.reviews.tags(result.sample_id).set_index("example_id")
    assert tags.loc["img-000006", "notes"] == "=1+1 looks odd"  # stays text inside

    cats = [(c.id, c.name) for c in store.reviews.categories(project_id)]
    exported = safe_csv_bytes(wide_frame(store.reviews.tags(result.sample_id), cats))
    assert b"'=1+1 looks odd" in exported and b",=1+1" not in exported
    text = pd.read_csv(io.BytesIO(exported), dtype=str, keep_default_na=False)
    assert text.loc[text["example_id"] == "img-000006", "notes"].item() == "'=1+1 looks odd"

    again = parse_sheet(exported)
    second = store.reviews.import_sheet(project_id, again, name="Round trip", dev_error=0.10)
    assert store.reviews.counts(second.sample_id).counts == counts.counts
    back = store.reviews.tags(second.sample_id).set_index("example_id")
    assert back.loc["img-000006", "notes"] == "=1+1 looks odd"
    assert second.categories_added == ()


def test_sheet_import_into_an_existing_sample_replaces_its_tags(loaded):
    store, project_id, key = loaded
    sample = store.reviews.draw(project_id, key, name="s", size=3, seed=1)
    ids = list(store.reviews.tags(sample.id)["example_id"])
    data = (f"example_id,Dog,Comments\n{ids[0]},x,woof\n{ids[1]},,\n").encode()
    result = store.reviews.import_sheet(project_id, parse_sheet(data), sample_id=sample.id)
    assert (result.sample_id, result.examples, result.tagged) == (sample.id, 2, 1)
    counts = store.reviews.counts(sample.id)
    assert (counts.reviewed, counts.counts["Dog"]) == (2, 1)
    # An opened grid is now stale: its save of that example is a conflict.
    with pytest.raises(ConflictError):
        store.reviews.save_tags(sample.id, [TagEdit(ids[0], frozenset(), "", True, 0)])


def test_sheet_with_examples_outside_the_sample_writes_nothing(loaded):
    store, project_id, key = loaded
    sample = store.reviews.draw(project_id, key, name="s", size=3, seed=1)
    before = dump(store)
    data = b"example_id,Dog,Notes\nimg-999999,x,\n"
    with pytest.raises(InputError, match="not in this sample") as caught:
        store.reviews.import_sheet(project_id, parse_sheet(data), sample_id=sample.id)
    assert caught.value.row == 2
    assert dump(store) == before


def test_new_sheet_sample_takes_labels_and_dev_error_from_the_run(loaded, samples: Path):
    store, project_id, key = loaded
    dev = dev_frame(samples)
    wrong = dev[dev["label"] != dev["prediction"]].head(3)
    data = ("example_id,Blurry\n" + "\n".join(f"{i},x" for i in wrong["example_id"]) +
            "\n").encode()
    result = store.reviews.import_sheet(project_id, parse_sheet(data), name="From run",
                                        run_key=key)
    sample = store.reviews.get(result.sample_id)
    assert sample.dev_error == pytest.approx(0.0788)
    examples = store.reviews.sample_examples(result.sample_id)
    assert list(examples["label"]) == list(wrong["label"])
    assert examples["url"].str.startswith("https://").all()
