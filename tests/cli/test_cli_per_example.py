"""The command line on per-example values (docs/rules.md §18): `import-predictions` loads
regression rows and draws the worst examples (`--review`) or those past `--threshold`,
saying the rule in plain English; `ceiling --project --sample` gives the ceilings in the
metric's units; bad input exits 2 and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from strategy_core.runs import Run
from strategy_core.store import Store
from strategy_core.store.reviews import TagEdit
from strategy_core.usecases import error_analysis as usecase
from strategy_core.usecases.project_metric import save_project_metric
from strategy_core.values.project_metric import PRESETS, with_changes
from tests.cli.test_runs_cli import assert_refused, cli, cli_json
from tests.store.test_store import dump

ROWS = "example_id,label,prediction\n" + "".join(
    f"e{i:02d},{30 + i % 7},{30 + i % 7 + (i % 10) * 0.5}\n" for i in range(40))


@pytest.fixture
def ages(store: Store, tmp_path: Path) -> tuple[Store, Path]:
    created = store.projects.create("Ages")
    store.runs.save_run(created.id, Run(name="r1", dev_error=0.1))
    save_project_metric(store, created.id,
                        with_changes(PRESETS["mae"], unit="years", precision=1), expected=0)
    path = tmp_path / "ages.csv"
    path.write_text(ROWS, encoding="utf-8")
    return store, path


def test_import_regression_and_draw_the_worst(ages, capsys) -> None:
    store, path = ages
    code, out, err = cli(capsys, "--db", store.path, "import-predictions", path, "--project",
                         "Ages", "--run", "r1", "--review", "worst ten", "--size", "10")
    assert (code, err) == (0, "")
    assert "loaded 40 predictions (regression: numeric label and prediction)" in out
    assert "Review sample 'worst ten': the 10 dev examples with the largest absolute error " \
           "(≥ 3.5 years)." in out


def test_import_json_and_threshold_rule(ages, capsys) -> None:
    store, path = ages
    result = cli_json(capsys, "--db", store.path, "import-predictions", path, "--project",
                      "Ages", "--run", "r1", "--review", "past 3", "--size", "5",
                      "--threshold", "3", "--seed", "11")
    assert result["kind"] == "regression" and result["rows"] == 40
    review = result["review"]
    assert (review["size"], review["population"], review["seed"]) == (5, 16, 11)
    assert review["rule"] == ("5 of the 16 dev examples with absolute error ≥ 3.0 years, "
                              "drawn at random (seed 11)")


def test_ceiling_of_a_reviewed_sample_in_years(ages, capsys) -> None:
    store, path = ages
    cli_json(capsys, "--db", store.path, "import-predictions", path, "--project", "Ages",
             "--run", "r1", "--review", "worst", "--size", "10")
    project = store.projects.by_name("Ages")
    sample = usecase.sample_by_name(store, project.id, "worst")
    blurry = usecase.add_category(store, project.id, "Blurry")
    tags = usecase.tags(store, sample.id)
    usecase.save_tags(store, sample.id, [
        TagEdit(eid, frozenset({blurry.id}) if i < 4 else frozenset(), "", True, int(v))
        for i, (eid, v) in enumerate(zip(tags["example_id"], tags["version"], strict=True))])
    result = cli_json(capsys, "--db", store.path, "ceiling", "--project", "Ages", "--sample",
                      "worst")
    assert result["rule"] == ("the 10 dev examples with the largest absolute error "
                              "(≥ 3.5 years)")
    assert (result["metric"], result["unit"], result["reviewed"]) == ("MAE", "years", 10)
    first = result["categories"][0]
    assert first["name"] == "Blurry" and first["count"] == 4
    # the 4 worst hold 4 × 4.5 years of the 40 examples' absolute error
    assert first["ceiling"] == pytest.approx(18.0 / 40)
    code, out, err = cli(capsys, "--db", store.path, "ceiling", "--project", "Ages",
                         "--sample", "worst")
    assert code == 0 and "dev MAE 2.25 years" in out
    assert "ceiling   0.45 years  → at best 1.80 years" in out


@pytest.mark.parametrize(
    ("extra", "content", "words"),
    [((), "example_id,label,prediction\na,1,x\n", "row 2"),
     (("--size", "5"), None, "go with --review"),
     (("--review", "s", "--threshold", "abc"), None, "--threshold must be a number")],
    ids=["bad_cell", "size_without_review", "bad_threshold"])
def test_bad_input_exits_2(ages, capsys, tmp_path, extra, content, words) -> None:
    store, path = ages
    if content is not None:
        path = tmp_path / "bad.csv"
        path.write_text(content, encoding="utf-8")
    before = dump(store) if words != "--threshold must be a number" else None
    code, out, err = cli(capsys, "--db", store.path, "import-predictions", path,
                         "--project", "Ages", "--run", "r1", *extra)
    assert_refused(code, out, err, words=words)
    if before is not None:
        assert dump(store) == before
