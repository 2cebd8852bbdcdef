"""Every worked example of docs/rules.md §18 (error analysis on per-example values), one
test per "Example 18.N", named `test_example_18_N_…`."""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import pytest

from strategy_core.error_analysis import sample_rule, summarize_value_review
from strategy_core.runs import Run
from strategy_core.store import Store
from strategy_core.usecases import error_analysis as usecase
from strategy_core.usecases.project_metric import save_project_metric
from strategy_core.values.predictions import PredictionFileError
from strategy_core.values.project_metric import PRESETS, ProjectMetric, with_changes

DOCS = Path(__file__).resolve().parents[2] / "docs"
approx = pytest.approx
YEARS = with_changes(PRESETS["mae"], unit="years", precision=1)


def section_18_text() -> str:
    return (DOCS / "rules.md").read_text(encoding="utf-8")


def project(store: Store, metric: ProjectMetric, name: str = "P") -> tuple[int, int]:
    """A project measured in `metric` with one run; (project id, run key)."""
    created = store.projects.create(name)
    store.runs.save_run(created.id, Run(name="r1", dev_error=0.1))
    if metric != PRESETS["error_rate"]:
        save_project_metric(store, created.id, metric, expected=0)
    return created.id, store.runs.list(created.id)[0].key  # type: ignore[return-value]


def test_example_18_1_absolute_errors_and_the_worst_three(store: Store) -> None:
    pid, run = project(store, YEARS)
    data = b"example_id,label,prediction\na,30,33.5\nb,41,40.5\nc,25,33\nd,60,56.9\ne,18,19\n"
    result = usecase.import_predictions(store, pid, run, data, source="ages.csv")
    assert (result.kind, result.rows, result.misclassified) == ("regression", 5, 0)
    dev = usecase.prediction_sets(store, pid)[0].splits["dev"]
    assert dev.mean == approx(3.22)
    sample = usecase.draw_value_sample(store, pid, run, name="worst", size=3)
    examples = usecase.sample_examples(store, sample.id)
    assert list(examples["example_id"]) == ["c", "a", "d"]
    assert list(examples["value"]) == approx([8.0, 3.5, 3.1])
    assert [v * v for v in examples["value"]] == approx([64, 12.25, 9.61])
    assert usecase.sample_rule_text(store, sample) == \
        "the 3 dev examples with the largest absolute error (≥ 3.1 years)"
    assert sample.dev_total == approx(16.1) and sample.population_gain == approx(14.6)


def test_example_18_2_mae_ceilings_and_priority() -> None:
    summary = summarize_value_review(
        YEARS, measure="absolute_error", dev_n=1000, dev_total=2000, population_gain=600,
        reviewed=100, reviewed_gain=600, counts={"Blurry photo": 40, "Old people": 25},
        gains={"Blurry photo": 300, "Old people": 150},
        efforts={"Blurry photo": 5, "Old people": 1})
    assert summary.dev_value == approx(2.0)
    blurry, old = summary.category("Blurry photo"), summary.category("Old people")
    assert (blurry.share, blurry.value_share) == approx((0.40, 0.50))
    assert (blurry.ceiling, blurry.metric_if_fixed) == approx((0.3, 1.7))
    assert (old.ceiling, old.metric_if_fixed) == approx((0.15, 1.85))
    assert YEARS.format_gap(blurry.ceiling) == "0.3 years"
    assert (blurry.priority, old.priority) == approx((0.06, 0.15))
    assert summary.priority_order[:2] == ("Old people", "Blurry photo")
    assert summary.top_category == "Blurry photo"
    assert summary.headline == ("Fixing Blurry photo could cut dev MAE from 2.0 years to "
                                "at best 1.7 years")


def test_example_18_3_threshold_sample_scaled_to_all_past_it() -> None:
    summary = summarize_value_review(
        YEARS, measure="absolute_error", dev_n=2000, dev_total=5000, population_gain=2394,
        reviewed=100, reviewed_gain=700, counts={"Night": 30}, gains={"Night": 280})
    night = summary.category("Night")
    assert night.value_share == approx(0.40)
    assert night.ceiling == approx(0.4788)
    assert night.metric_if_fixed == approx(2.0212)
    assert sample_rule(YEARS, measure="absolute_error", selection="threshold", size=100,
                       population=342, threshold=5.0, seed=7) == (
        "100 of the 342 dev examples with absolute error ≥ 5.0 years, drawn at random "
        "(seed 7)")


def test_example_18_4_dice_higher_is_better() -> None:
    dice = PRESETS["dice"]
    # 200 images with mean dice 0.850: Σ dice = 170, Σ (1 − dice) = 30.
    summary = summarize_value_review(
        dice, measure="value", dev_n=200, dev_total=170, population_gain=12, reviewed=20,
        reviewed_gain=12, counts={"Small lesions": 8}, gains={"Small lesions": 6},
        value_name="dice")
    lesions = summary.category("Small lesions")
    assert summary.dev_value == approx(0.85)
    assert lesions.ceiling == approx(0.030)
    assert lesions.metric_if_fixed == approx(0.880)
    assert dice.format_gap(lesions.ceiling) == "0.030"
    assert sample_rule(dice, measure="value", selection="worst", size=20, population=20,
                       cutoff=0.412, value_name="dice") == \
        "the 20 dev examples with the smallest dice (≤ 0.412)"


def test_example_18_5_rmse_ceiling() -> None:
    summary = summarize_value_review(
        PRESETS["rmse"], measure="squared_error", dev_n=100, dev_total=400,
        population_gain=250, reviewed=10, reviewed_gain=250, counts={"Occlusion": 5},
        gains={"Occlusion": 150})
    occlusion = summary.category("Occlusion")
    assert summary.dev_value == approx(2.0)
    assert occlusion.metric_if_fixed == approx(math.sqrt(2.5))
    assert round(occlusion.metric_if_fixed, 3) == 1.581
    assert round(occlusion.ceiling, 3) == 0.419


def test_example_18_6_bad_cells_refused_with_row_and_column(store: Store) -> None:
    from tests.store.test_store import dump

    pid, run = project(store, PRESETS["mae"])
    before = dump(store)
    for data, problem in [(b"example_id,label,prediction\na,3,5\nb,1,abc\n", "'abc' is not"),
                          (b"example_id,label,prediction\na,3,5\nb,1,nan\n", "'nan' is not")]:
        with pytest.raises(PredictionFileError) as caught:
            usecase.import_predictions(store, pid, run, data, source="bad.csv")
        first = caught.value.problems[0]
        assert (first.row, first.column) == (3, "prediction")
        assert problem in first.problem and "not a number" in first.problem
    assert dump(store) == before
    dice_pid, dice_run = project(store, PRESETS["dice"], "Q")
    before = dump(store)
    with pytest.raises(PredictionFileError) as caught:
        usecase.import_predictions(store, dice_pid, dice_run, b"example_id,dice\na,0.5\nb,1.2\n",
                                   source="bad.csv")
    first = caught.value.problems[0]
    assert (first.row, first.column) == (3, "dice")
    assert first.problem == "'1.2' is outside the range of Dice (between 0.000 and 1.000)"
    assert dump(store) == before


def test_example_18_7_error_rate_projects_keep_classification(store: Store) -> None:
    pid, run = project(store, PRESETS["error_rate"])
    result = usecase.import_predictions(
        store, pid, run, b"example_id,label,prediction,score\na,cat,cat,0.9\nb,cat,dog,0.6\n",
        source="cls.csv")
    assert (result.kind, result.misclassified) == ("classification", 1)
    assert result.warnings == ("Columns not used: 'score'.",)
    assert result.as_dict() == {"rows": 2, "misclassified": 1, "splits": {"dev": 2}}


def test_every_example_of_section_18_has_a_test() -> None:
    text = section_18_text()
    keys = {n for n in re.findall(r"\bExample 18\.(\d+)\b", text)}
    assert len(keys) >= 4
    names = [name for name in dir(sys.modules[__name__]) if name.startswith("test_example_18")]
    tested = {re.match(r"test_example_18_(\d+)", name).group(1) for name in names}  # type: ignore[union-attr]
    assert keys == tested
