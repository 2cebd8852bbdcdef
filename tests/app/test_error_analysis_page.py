"""The Error analysis page through AppTest: empty states, uploading predictions
with problems and without, drawing a sample, tagging and saving in the grid, a conflict with
another reviewer, importing a tag sheet, the demo's analysis, and what viewers see."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from strategy_core.errors import ConflictError
from strategy_core.markdown import escape
from strategy_core.runs import Run
from strategy_core.store import Store, open_store
from strategy_core.store.reviews import TagEdit
from strategy_core.tag_grid import category_column
from tests.app.conftest import DEMO_SLUG, assert_no_exception, open_app, open_page
from tests.conftest import SAMPLES
from tests.store.test_store import dump

SLUG = "ea-test"


@pytest.fixture
def project(isolated_db: Path) -> Store:
    """Project "EA test" with two runs and no predictions."""
    store = open_store(str(isolated_db))
    created = store.projects.create("EA test")
    store.runs.save_run(created.id, Run(name="baseline", dev_error=0.08))
    store.runs.save_run(created.id, Run(name="bigger", dev_error=0.07))
    return store


@pytest.fixture
def demo(demo_app_env: str, isolated_db: Path) -> Store:
    at = open_app(project=DEMO_SLUG)  # seeds the demo the way the app does
    assert_no_exception(at)
    return open_store(str(isolated_db))


def page(project: str = DEMO_SLUG) -> AppTest:
    return open_page("error_analysis", project, "Error analysis")


def texts(elements) -> str:
    return "\n".join(e.value for e in elements)


def project_id(store: Store, slug: str = SLUG) -> int:
    found = store.projects.by_slug(slug)
    assert found is not None
    return found.id


def upload_predictions(at: AppTest, data: bytes, name: str = "preds.csv") -> AppTest:
    at.file_uploader(key="ea_pred_upload_0").set_value((name, data, "text/csv")).run()
    assert_no_exception(at)
    at.button(key="ea_pred_load").click().run()
    assert_no_exception(at)
    return at


# --- empty states -------------------------------------------------------------------------------


def test_project_without_runs_points_to_the_runs_page(isolated_db: Path):
    open_store(str(isolated_db)).projects.create("Nothing yet")
    at = page("nothing-yet")
    assert "no runs yet" in texts(at.info)
    assert not at.tabs
    assert [b.label for b in at.get("download_button")] == ["Sample predictions (CSV)"]


def test_project_with_runs_offers_upload_and_samples(project: Store):
    at = page(SLUG)
    assert "No predictions or review samples yet" in texts(at.info)
    assert [t.label for t in at.tabs] == ["Predictions", "Import a tag sheet"]
    labels = [b.label for b in at.get("download_button")]
    assert "Sample predictions (CSV)" in labels and "Sample tag sheet (CSV)" in labels


# --- predictions upload -------------------------------------------------------------------------


def test_upload_predictions_then_draw_a_sample(project: Store):
    at = page(SLUG)
    at.selectbox(key="ea_pred_run").set_value(
        next(r.key for r in project.runs.list(project_id(project)) if r.name == "baseline")
    ).run()
    upload_predictions(at, (SAMPLES / "predictions_dev.csv").read_bytes())
    assert "Loaded 7,500 predictions for baseline" in texts(at.success)
    assert [s.run_key for s in project.predictions.sets(project_id(project))]
    # The page now offers drawing a sample of baseline's 197 dev mistakes.
    assert "New sample" in [t.label for t in at.tabs]
    at.number_input(key="ea_draw_seed").set_value(42)
    at.text_input(key="ea_draw_name").input("First look")
    at.button(key="FormSubmitter:ea_draw_form-Draw sample").click().run()
    assert_no_exception(at)
    (sample,) = project.reviews.samples(project_id(project))
    assert (sample.name, sample.seed, sample.size, sample.population) == ("First look", 42, 100,
                                                                         197)
    assert at.selectbox(key="ea_sample").value == sample.id
    assert "No example of this sample is reviewed yet" in texts(at.info)


def test_bad_predictions_file_lists_rows_and_writes_nothing(project: Store):
    at = page(SLUG)
    before = dump(project)
    upload_predictions(at, b"example_id,split,label,prediction\na,dev,1,1\na,dev,1,0\n"
                           b"b,nope,1,0\n", name="bad.csv")
    error = texts(at.error)
    assert "nothing was written" in error
    assert escape("row 3, column 'example_id'") in error
    assert escape("row 4, column 'split'") in error
    assert dump(project) == before


# --- the demo's analysis --------------------------------------------------------------------------


def test_demo_shows_the_top_category_its_ceiling_and_the_verdicts(demo: Store):
    at = page()
    assert [t.label for t in at.tabs] == ["Summary", "Tag examples", "Mislabeled data",
                                          "Eyeball / blackbox", "New sample", "Predictions"]
    success = texts(at.success)
    assert escape("Fixing Blurry could cut dev error from 2.9% to at best") in success
    assert "**Fixing labels is not a priority.**" in success
    assert "move together" in success
    assert {m.label for m in at.metric} >= {"Reviewed", "Review", "Dev error"}
    assert next(m for m in at.metric if m.label == "Review").value == "good"
    markdown = texts(at.markdown)
    assert escape("Fix the dev and test sets together") in markdown
    assert at.data_editor  # the tagging grid


def test_grid_edit_is_saved_and_kept(demo: Store):
    store = demo
    pid = project_id(store, DEMO_SLUG)
    (sample,) = store.reviews.samples(pid)
    dog = next(c for c in store.reviews.categories(pid) if c.name == "Dog")
    at = page()
    token = at.session_state[f"ea_snapshot_{sample.id}"]["token"]
    tags = store.reviews.tags(sample.id)
    row = next(i for i, cats in enumerate(tags["categories"]) if dog.id not in cats)
    example = tags["example_id"][row]
    at.session_state[f"ea_grid_{sample.id}_{token}"] = {
        "edited_rows": {row: {category_column(dog.id): True, "notes": "a dog after all"}},
        "added_rows": [], "deleted_rows": []}
    at.text_input(key="ea_reviewer").input("Ann").run()
    assert at.button(key="ea_grid_save").label == "Save 1 change"
    at.button(key="ea_grid_save").click().run()
    assert_no_exception(at)
    assert "Saved tags of 1 example." in texts(at.success)
    saved = store.reviews.tags(sample.id).set_index("example_id").loc[example]
    assert dog.id in saved["categories"]
    assert (saved["notes"], saved["updated_by"], saved["version"]) == ("a dog after all", "Ann",
                                                                       2)


def test_second_reviewer_gets_a_conflict_with_the_current_values(demo: Store):
    store = demo
    pid = project_id(store, DEMO_SLUG)
    (sample,) = store.reviews.samples(pid)
    dog = next(c for c in store.reviews.categories(pid) if c.name == "Dog")
    at = page()  # Bob opens the grid
    token = at.session_state[f"ea_snapshot_{sample.id}"]["token"]
    tags = store.reviews.tags(sample.id)
    example, version = tags["example_id"][0], int(tags["version"][0])
    # Ann saves the same example first, from her own session.
    store.reviews.save_tags(sample.id, [TagEdit(example, frozenset({dog.id}), "Ann's note",
                                                True, version)], updated_by="Ann")
    before = dump(store)
    at.session_state[f"ea_grid_{sample.id}_{token}"] = {
        "edited_rows": {0: {"notes": "Bob's note"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert "saved by someone else" in texts(at.info)
    at.button(key="ea_grid_save").click().run()
    assert_no_exception(at)
    assert "changed by Ann" in texts(at.error)
    assert dump(store) == before
    current = next(d.value for d in at.dataframe if "saved_by" in d.value.columns)
    assert current["notes"].tolist() == ["Ann's note"]
    # Reload shows Ann's values; Bob can then save on top of them.
    at.button(key="ea_grid_reload").click().run()
    assert not at.error
    with pytest.raises(ConflictError):
        store.reviews.save_tags(sample.id, [TagEdit(example, frozenset(), "", True, version)])


def test_adding_a_category_adds_a_grid_column(demo: Store):
    at = page()
    at.text_input(key="ea_cat_add_name").input("Low light")
    at.button(key="FormSubmitter:ea_cat_add-Add").click().run()
    assert_no_exception(at)
    pid = project_id(demo, DEMO_SLUG)
    low = next(c for c in demo.reviews.categories(pid) if c.name == "Low light")
    grid = next(e.value for e in at.data_editor if "example_id" in e.value.columns)
    assert category_column(low.id) in grid.columns


def test_import_the_sample_sheet_as_a_new_sample(demo: Store):
    at = page()
    at.file_uploader(key="ea_sheet_upload_0").set_value(
        ("error_tags_sheet.csv", (SAMPLES / "error_tags_sheet.csv").read_bytes(), "text/csv")
    ).run()
    assert_no_exception(at)
    at.text_input(key="ea_sheet_dev_error").input("10%").run()
    at.button(key="ea_sheet_import").click().run()
    assert_no_exception(at)
    assert "Imported tags of 100 examples" in texts(at.success)
    sample = demo.reviews.samples(project_id(demo, DEMO_SLUG))[0]
    assert (sample.kind, sample.name, sample.dev_error) == ("imported", "error_tags_sheet", 0.1)
    assert escape("Fixing Blurry could cut dev error from 10.0% to at best 4.3%") in \
        texts(at.success)


def test_drawing_an_audit_sample_from_the_mislabeled_tab(demo: Store):
    at = page()
    (sample,) = demo.reviews.samples(project_id(demo, DEMO_SLUG))
    at.button(key=f"FormSubmitter:ea_audit_{sample.id}-Draw audit sample").click().run()
    assert_no_exception(at)
    audit = demo.reviews.samples(project_id(demo, DEMO_SLUG))[0]
    assert (audit.kind, audit.size) == ("audit", 100)
    assert "Tag this audit sample in the grid" in texts(at.info)


def test_viewer_sees_the_analysis_but_no_write_controls(demo: Store, monkeypatch):
    monkeypatch.setenv("STRATEGY_EDITOR_PASSCODE", "let-me-edit")
    at = page()
    assert "New sample" not in [t.label for t in at.tabs]
    assert escape("Fixing Blurry could cut") in texts(at.success)
    keys = {b.key for b in at.button}
    assert not keys & {"ea_grid_save", "ea_pred_load", "ea_efforts_save"}
    assert not [u for u in at.get("file_uploader")]
