"""The Error analysis page on a regression project (docs/rules.md §18): uploading numeric
labels and predictions, a bad cell refused with its row and column, drawing the worst
examples with the rule stated, tagging in the grid, and the ceilings in years."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from strategy_core.markdown import escape
from strategy_core.runs import Run
from strategy_core.store import Store, open_store
from strategy_core.store.reviews import TagEdit
from strategy_core.usecases import error_analysis as usecase
from strategy_core.usecases.project_metric import save_project_metric
from strategy_core.values.project_metric import PRESETS
from tests.app.conftest import assert_no_exception, boxes, open_page, project_id

SLUG = "ages"
ROWS = ("example_id,label,prediction\n" + "".join(
    f"e{i:02d},{30 + i % 7},{30 + i % 7 + (i % 10) * 0.5}\n" for i in range(40))).encode()


@pytest.fixture
def ages(isolated_db: Path) -> Store:
    store = open_store(str(isolated_db))
    created = store.projects.create("Ages")
    store.runs.save_run(created.id, Run(name="r1", dev_error=0.1))
    save_project_metric(store, created.id, PRESETS["mae"], expected=0)
    return store


def page() -> AppTest:
    return open_page("error_analysis", SLUG, "Error analysis")


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def upload(at: AppTest, data: bytes) -> AppTest:
    at.file_uploader(key="ea_pred_upload_0").set_value(("ages.csv", data, "text/csv")).run()
    assert_no_exception(at)
    at.button(key="ea_pred_load").click().run()
    assert_no_exception(at)
    return at


def test_upload_explains_the_shapes_and_refuses_a_bad_cell(ages: Store) -> None:
    at = page()
    assert "numeric `label` and `prediction`" in markdown(at)
    upload(at, b"example_id,label,prediction\na,3,5\nb,1,abc\n")
    text = boxes(at) + markdown(at)
    assert "row 3" in text.lower() and "prediction" in text and "abc" in text
    assert usecase.prediction_sets(ages, project_id(ages, SLUG)) == []


def test_upload_draw_tag_and_see_ceilings_in_units(ages: Store) -> None:
    at = upload(page(), ROWS)
    pid = project_id(ages, SLUG)
    (prediction_set,) = usecase.prediction_sets(ages, pid)
    assert prediction_set.kind == "regression" and prediction_set.rows == 40
    at = page()
    new_sample = next(t for t in at.tabs if t.label == "New sample")
    assert any(r.key == "ea_vdraw_mode" for r in new_sample.radio)
    at.number_input(key="ea_vdraw_size").set_value(10)
    at.text_input(key="ea_vdraw_name").input("worst ten")
    next(b for b in at.button if b.label == "Draw sample").click().run()
    assert_no_exception(at)
    (sample,) = usecase.samples(ages, pid)
    assert sample.of_values and sample.size == 10
    assert escape("the 10 dev examples with the largest absolute error (≥ 3.500)") in \
        markdown(at)
    # The grid shows each example's error; tag the four worst as Blurry.
    grid = next(e.value for e in at.data_editor if "example_id" in e.value.columns)
    assert list(grid["value"][:3]) == ["4.500", "4.500", "4.500"]
    blurry = usecase.add_category(ages, pid, "Blurry")
    tags = usecase.tags(ages, sample.id)
    usecase.save_tags(ages, sample.id, [
        TagEdit(eid, frozenset({blurry.id}) if i < 4 else frozenset(), "", True, int(v))
        for i, (eid, v) in enumerate(zip(tags["example_id"], tags["version"], strict=True))])
    at = page()
    text = boxes(at)
    assert escape("Fixing Blurry could cut dev MAE from 2.250 to at best 1.800") in text
    assert any(m.label == "Ceiling of Blurry" and m.value == "0.4500" for m in at.metric)
    mislabeled = next(t for t in at.tabs if t.label == "Mislabeled data")
    assert "per-example values" in "\n".join(i.value for i in mislabeled.info)
