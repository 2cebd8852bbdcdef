"""The Runs page through AppTest: empty project and demo, uploads of every runs sample with
a mapping change, bad files, the run form, delete and undo, human levels, the download
."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from strategy_core.markdown import escape
from strategy_core.runs import Run
from strategy_core.store import Store
from strategy_core.usecases.demo import DEMO_DIR
from tests.app import conftest
from tests.app.conftest import (
    DEMO_SLUG,
    app_db_with_project,
    assert_no_exception,
    open_app,
    open_page,
)
from tests.conftest import SAMPLES
from tests.store.test_store import dump

SLUG = "runs-test"


@pytest.fixture
def project(isolated_db: Path) -> Iterator[Store]:
    """An empty project "Runs test" in the app's database (the app shares the handle)."""
    yield from app_db_with_project(isolated_db, "Runs test")


def project_id(store: Store) -> int:
    return conftest.project_id(store, SLUG)


def runs_page(project: str = SLUG) -> AppTest:
    return open_page("runs", project, "Runs")


def flashes(at: AppTest) -> list[str]:
    return [s.value for s in at.success]


def runs_table(at: AppTest):
    """The runs table of the Runs tab (st.dataframe carries no key in AppTest)."""
    (tab,) = [t for t in at.tabs if t.label == "Runs"]
    (table,) = [d for d in tab.dataframe if d.editing_mode == "read_only"]
    return table.value


def tab_labels(at: AppTest) -> list[str]:
    return [t.label for t in at.tabs]


class _RecordingStorage(MemoryMediaFileStorage):
    """The AppTest media storage, keeping what download buttons serve."""

    served: dict[str, tuple[bytes, str | None]] = {}

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):  # noqa: ANN001
        file_id = super().load_and_get_id(path_or_data, mimetype, kind, filename)
        self.served[file_id] = (self.get_file(file_id).content, filename)
        return file_id


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[bytes, str | None]]:
    _RecordingStorage.served = {}
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", _RecordingStorage)
    return _RecordingStorage.served


# --- smoke ---------------------------------------------------------------------------------


def test_empty_project(project: Store, downloads):
    at = runs_page()
    assert tab_labels(at) == ["Runs", "Import CSV", "Pull from MLflow", "Add or edit a run",
                              "History", "Human level", "Metric"]
    assert any("No runs yet" in i.value for i in at.info)
    assert any("No imports yet" in i.value for i in at.info)
    assert at.file_uploader(key="runs_upload_0") is not None
    assert not [d for d in at.dataframe if d.editing_mode == "read_only"]
    # The empty state offers the sample files to try.
    offered = {}
    for button in at.download_button:
        content, file_name = downloads[Path(button.proto.url).stem]
        offered[file_name] = content
    assert offered == {name: (SAMPLES / name).read_bytes()
                       for name in ("runs_generic.csv", "mlflow_ui_runs.csv",
                                    "wandb_export.csv")}


def test_demo_project(demo_app_env: str):
    at = open_app("runs", project=DEMO_SLUG)
    assert_no_exception(at)
    with open(DEMO_DIR / "runs.csv", encoding="utf-8") as handle:
        demo_names = [row["name"] for row in csv.DictReader(handle)]
    table = runs_table(at)
    assert list(table["name"]) == demo_names
    assert at.caption and any(f"{len(demo_names)} runs, oldest first" in c.value
                              for c in at.caption)
    assert at.download_button(key="runs_download") is not None
    levels = at.dataframe(key="runs_human_levels").value
    assert sorted(levels["error"].round(3).tolist()) == [0.5, 1.0, 3.0]
    assert any("team of experts" in c.value and "0.50%" in c.value for c in at.caption)
    assert any(escape("demo/runs.csv") in m.value for m in at.markdown)


def test_viewer_sees_no_write_controls(project: Store, monkeypatch):
    project.runs.import_runs(project_id(project), [Run(name="r", dev_error=0.1)],
                             source="x.csv", fmt="generic")
    monkeypatch.setenv("STRATEGY_EDITOR_PASSCODE", "let-me-edit")
    at = runs_page()
    assert tab_labels(at) == ["Runs", "History", "Human level", "Metric"]
    assert len(at.file_uploader) == 0
    assert [b for b in at.button if (b.key or "").startswith(("runs_delete", "runs_undo",
                                                                 "runs_human_save"))] == []
    assert runs_table(at)["name"].tolist() == ["r"]


# --- upload with a mapping change ---------------------------------------------------------------

# (file, detected format, runs, the column whose role is changed, its new role, what that
# change does to every run, a run and its dev error)
UPLOADS = [
    ("runs_generic.csv", "generic", 6, "latency_ms", "ignore",
     lambda run: "latency_ms" not in run.metrics and run.n_dev == 2500,
     "baseline-logreg", 0.18),
    ("mlflow_search_runs.csv", "mlflow", 6, "metrics.test_acc", "ignore",
     lambda run: run.test_error is None and run.run_id, "vit-b16-regularized", 0.028),
    ("mlflow_ui_runs.csv", "mlflow-ui", 6, "owner", "ignore",
     lambda run: "owner" not in run.params and run.train_dev_error is not None,
     "vit-b16-regularized", 0.028),
    ("wandb_export.csv", "wandb", 4, "test_acc", "metric",
     lambda run: run.test_error is None and 0.85 < run.metrics["test_acc"] < 0.95,
     "fluent-sun-1", 0.14),
]


def upload(at: AppTest, file_name: str, data: bytes, counter: int = 0) -> AppTest:
    at.file_uploader(key=f"runs_upload_{counter}").set_value(
        (file_name, data, "text/csv")).run()
    assert_no_exception(at)
    return at


def change_role(at: AppTest, key: str, column: str, role: str) -> AppTest:
    """Edit the mapping editor's role cell of `column`, as a person would in the grid."""
    frame = at.dataframe(key=key).value
    row = frame.index[frame["column"] == column][0]
    at.session_state[key] = {"edited_rows": {int(row): {"role": role}}, "added_rows": [],
                             "deleted_rows": []}
    at.run()
    assert_no_exception(at)
    return at


@pytest.mark.parametrize(("file_name", "fmt", "count", "column", "role", "every", "run_name",
                          "dev_error"), UPLOADS, ids=[u[0] for u in UPLOADS])
def test_upload_map_and_import(project: Store, file_name, fmt, count, column, role, every,
                               run_name, dev_error):
    at = upload(runs_page(), file_name, (SAMPLES / file_name).read_bytes())
    assert at.selectbox(key="runs_format_0").value == fmt
    mapping_key = f"runs_mapping_0_{fmt}"
    mapping = at.dataframe(key=mapping_key).value
    header = next(csv.reader(io.StringIO((SAMPLES / file_name).read_text(encoding="utf-8"))))
    assert list(mapping["column"]) == header
    assert {"train_error", "train_dev_error", "dev_error", "test_error"} <= set(
        mapping["role"])
    change_role(at, mapping_key, column, role)
    assert at.button(key="runs_import").label == f"Import {count} runs"
    (tab,) = [t for t in at.tabs if t.label == "Import CSV"]
    (preview,) = [d for d in tab.dataframe if d.editing_mode == "read_only"]
    preview_dev = dict(zip(preview.value["name"], preview.value["dev_error"], strict=True))
    assert len(preview_dev) == count
    # The preview shows errors in percent (0.028 as 2.8, formatted 2.8%).
    assert preview_dev[run_name] == pytest.approx(dev_error * 100, abs=1e-9)
    assert dump(project)["run_versions"] == [], "nothing is written before Import"
    at.button(key="runs_import").click().run()
    assert_no_exception(at)
    assert flashes(at) == [f"Imported {escape(file_name)}: {count} added, 0 updated, "
                           "0 unchanged."]
    runs = project.runs.list(project_id(project))
    assert len(runs) == count
    assert all(every(run) for run in runs)
    assert project.runs.by_name(project_id(project), run_name).dev_error == pytest.approx(
        dev_error, abs=1e-12)
    # The uploader starts afresh and the runs table shows the runs.
    assert at.file_uploader(key="runs_upload_1").value is None
    assert sorted(runs_table(at)["name"]) == sorted(r.name for r in runs)
    assert project.runs.history(project_id(project))[0].source == file_name


def test_second_upload_reports_unchanged(project: Store):
    data = (SAMPLES / "mlflow_ui_runs.csv").read_bytes()
    at = upload(runs_page(), "mlflow_ui_runs.csv", data)
    at.button(key="runs_import").click().run()
    at = upload(at, "mlflow_ui_runs.csv", data, counter=1)
    at.button(key="runs_import").click().run()
    assert_no_exception(at)
    assert flashes(at) == [f"Imported {escape('mlflow_ui_runs.csv')}: 0 added, 0 updated, "
                           "6 unchanged."]
    assert len(project.runs.history(project_id(project))) == 1


def test_changing_the_format_remaps(project: Store):
    at = upload(runs_page(), "mlflow_ui_runs.csv",
                (SAMPLES / "mlflow_ui_runs.csv").read_bytes())
    at.selectbox(key="runs_format_0").set_value("generic").run()
    assert_no_exception(at)
    mapping = at.dataframe(key="runs_mapping_0_generic").value
    roles = dict(zip(mapping["column"], mapping["role"], strict=True))
    assert roles["Duration"] != "ignore" and roles["val_acc"] == "dev_error"


BAD_UPLOADS = [
    ("above-100pct", b"name,dev_error\na,0.1\nb,120\n", "row 3, column 'dev_error'"),
    ("size-zero", b"name,dev_error,n_dev\na,0.1,0\n", "row 2, column 'n_dev'"),
    ("duplicate-run-id", b"run_id,name,dev_error\nx,a,0.1\nx,b,0.2\n",
     "row 3, column 'run_id'"),
    ("latin-1", "name,dev_error\ncafé,0.1\n".encode("latin-1"), "row 2, column 'name'"),
    ("ragged", b"name,dev_error\na,0.1\nb,0.2,3\n", "row 3"),
    ("no-error-column", b"name,latency\na,3\n", "no column is mapped to an error field"),
    ("header-only", b"name,dev_error\n", "header but no runs"),
]


@pytest.mark.parametrize(("name", "data", "words"), BAD_UPLOADS,
                         ids=[b[0] for b in BAD_UPLOADS])
def test_bad_file_shows_problems_and_writes_nothing(project: Store, name, data, words):
    before = dump(project)
    at = upload(runs_page(), f"{name}.csv", data)
    assert len(at.error) == 1
    message = at.error[0].value
    assert "cannot be imported; nothing was written" in message
    assert escape(words) in message
    assert [b for b in at.button if b.key == "runs_import"] == []
    assert dump(project) == before


def test_mapping_change_that_breaks_the_file_shows_the_problem(project: Store):
    at = upload(runs_page(), "wandb_export.csv", (SAMPLES / "wandb_export.csv").read_bytes())
    change_role(at, "runs_mapping_0_wandb", "lr", "dev_error")
    assert escape("are all mapped to dev_error; keep one") in at.error[0].value
    assert [b for b in at.button if b.key == "runs_import"] == []


def test_without_a_name_column_runs_are_named_by_their_params(project: Store):
    at = upload(runs_page(), "wandb_export.csv", (SAMPLES / "wandb_export.csv").read_bytes())
    change_role(at, "runs_mapping_0_wandb", "Name", "ignore")
    assert any("named after the parameters that vary" in w.value for w in at.warning)
    (tab,) = [t for t in at.tabs if t.label == "Import CSV"]
    (preview,) = [d for d in tab.dataframe if d.editing_mode == "read_only"]
    first = list(preview.value["name"])[0]
    assert "=" in first and "row" not in first


def test_hostile_names_stay_text(project: Store):
    data = b'name,dev_error\n"**bold** <b>x</b> :red[y] $z$",0.1\n'
    at = upload(runs_page(), "hostile.csv", data)
    at.button(key="runs_import").click().run()
    assert_no_exception(at)
    (run,) = project.runs.list(project_id(project))
    assert run.name == "**bold** <b>x</b> :red[y] $z$"
    assert runs_table(at)["name"].tolist() == [run.name]


# --- the run form ------------------------------------------------------------------------------


def run_form_key(at: AppTest) -> str:
    """The edit form's widget key prefix: it names the chosen run and its version."""
    (name_input,) = [t for t in at.text_input
                     if t.key.startswith("runs_edit_") and t.key.endswith("_name")]
    return name_input.key.removesuffix("_name")


def run_form_widget(at: AppTest, name: str):
    key = f"{run_form_key(at)}_{name}"
    return at.number_input(key=key) if name.startswith("n_") else at.text_input(key=key)


def fill_run_form(at: AppTest, **values: str | int | None) -> AppTest:
    for name, value in values.items():
        run_form_widget(at, name).set_value(value)
    return at


def submit_run_form(at: AppTest) -> AppTest:
    (button,) = [b for b in at.get("form_submit_button") if "run" in b.label.lower() and
                 b.label in ("Add run", "Save run")]
    button.click().run()
    assert_no_exception(at)
    return at


def test_add_and_edit_a_run_with_the_form(project: Store):
    at = runs_page()
    fill_run_form(at, name="hand-made", created="2026-11-03 10:00", train_error="2%",
                  train_dev_error="0.03", dev_error="8%", n_dev=2500)
    submit_run_form(at)
    assert flashes(at) == [f"Added run {escape('hand-made')}."]
    (run,) = project.runs.list(project_id(project))
    assert (run.name, run.train_error, run.train_dev_error, run.dev_error, run.test_error,
            run.n_dev) == ("hand-made", 0.02, 0.03, 0.08, None, 2500)
    assert run.created is not None and run.created.isoformat() == "2026-11-03T10:00:00"

    at.selectbox(key="runs_edit_choice").set_value(run.key).run()
    assert run_form_widget(at, "dev_error").value == "8%"
    fill_run_form(at, dev_error="6.5%", test_error="7%")
    submit_run_form(at)
    assert flashes(at) == [f"Saved run {escape('hand-made')}."]
    (run,) = project.runs.list(project_id(project))
    assert (run.dev_error, run.test_error) == (0.065, 0.07)
    assert [h.kind for h in project.runs.history(project_id(project))] == ["manual", "manual"]


def test_editing_a_run_starts_from_its_stored_values_and_keeps_the_rest(project: Store):
    """Issue: choosing a run showed an empty form, and saving erased every other value."""
    pid = project_id(project)
    project.runs.import_runs(pid, [Run(
        name="full", created=datetime(2026, 11, 2, 9, 30), train_error=0.05,
        train_dev_error=0.06, dev_error=0.1, test_error=0.11, n_train=90000, n_train_dev=2000,
        n_dev=2500, n_test=2600)], source="f.csv", fmt="generic")
    (before,) = project.runs.list(pid)
    at = runs_page()  # a fresh session: nothing typed before
    at.selectbox(key="runs_edit_choice").set_value(before.key).run()
    assert {name: run_form_widget(at, name).value for name in (
        "name", "created", "train_error", "train_dev_error", "dev_error", "test_error",
        "n_train", "n_train_dev", "n_dev", "n_test")} == {
        "name": "full", "created": "2026-11-02 09:30:00", "train_error": "5%",
        "train_dev_error": "6%", "dev_error": "10%", "test_error": "11%", "n_train": 90000,
        "n_train_dev": 2000, "n_dev": 2500, "n_test": 2600}
    fill_run_form(at, train_error="9%")
    submit_run_form(at)
    assert flashes(at) == [f"Saved run {escape('full')}."]
    (after,) = project.runs.list(pid)
    assert after.train_error == 0.09
    assert after.content() == replace(before, train_error=0.09).content()


def test_a_stale_run_save_is_refused_shows_theirs_and_can_be_reapplied(project: Store):
    """Two sessions open the same run; the second save names an old version."""
    pid = project_id(project)
    project.runs.import_runs(pid, [Run(name="shared", train_error=0.05, dev_error=0.1)],
                             source="f.csv", fmt="generic")
    (run,) = project.runs.list(pid)
    first, second = runs_page(), runs_page()
    for session in (first, second):
        session.selectbox(key="runs_edit_choice").set_value(run.key).run()
    submit_run_form(fill_run_form(first, train_error="9%"))
    assert flashes(first) == [f"Saved run {escape('shared')}."]

    submit_run_form(fill_run_form(second, dev_error="12%"))
    shown = "\n".join(e.value for e in second.error)
    assert "Not saved" in shown
    assert escape("Train error 5.00% → 9.00%") in shown  # their change
    assert escape("Dev error 12.00%") in shown  # mine, kept to reapply
    (now,) = project.runs.list(pid)
    assert (now.train_error, now.dev_error) == (0.09, 0.1)  # theirs kept, mine not written

    second.button(key="runs_edit_reapply").click().run()
    assert_no_exception(second)
    (now,) = project.runs.list(pid)
    assert (now.train_error, now.dev_error) == (0.09, 0.12)  # both changes
    assert not [e for e in second.error if "Not saved" in e.value]


def test_dropping_my_stale_change_reloads_their_values(project: Store):
    pid = project_id(project)
    project.runs.import_runs(pid, [Run(name="shared", dev_error=0.1)], source="f.csv",
                             fmt="generic")
    (run,) = project.runs.list(pid)
    first, second = runs_page(), runs_page()
    for session in (first, second):
        session.selectbox(key="runs_edit_choice").set_value(run.key).run()
    submit_run_form(fill_run_form(first, dev_error="7%"))
    submit_run_form(fill_run_form(second, dev_error="12%"))
    second.button(key="runs_edit_drop").click().run()
    assert_no_exception(second)
    assert run_form_widget(second, "dev_error").value == "7%"
    (now,) = project.runs.list(pid)
    assert now.dev_error == 0.07


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"name": "x", "dev_error": "8"}, "ambiguous"),
        ({"name": "x", "dev_error": "eight"}, "not a number"),
        ({"name": "x", "dev_error": "120%"}, "between 0% and 100%"),
        ({"name": "x", "created": "last week"}, "not a date"),
        ({"name": "   ", "dev_error": "8%"}, "needs a name"),
        ({"name": "taken", "dev_error": "8%"}, "already exists"),
    ],
    ids=["bare-8-is-ambiguous", "text-rate", "above-100pct", "bad-date", "blank-name",
         "name-taken"],
)
def test_bad_run_form_input_writes_nothing(project: Store, values, words):
    project.runs.save_run(project_id(project), Run(name="taken", dev_error=0.1))
    before = dump(project)
    at = fill_run_form(runs_page(), **values)
    submit_run_form(at)
    assert any(words in e.value for e in at.error), [e.value for e in at.error]
    assert dump(project) == before


# --- delete and undo ---------------------------------------------------------------------------


def test_delete_a_run_then_undo_it_from_history(project: Store):
    pid = project_id(project)
    project.runs.import_runs(pid, [Run(name="keep", dev_error=0.1),
                                   Run(name="doomed", dev_error=0.2)], source="f.csv",
                             fmt="generic")
    before = project.runs.list(pid)
    doomed = project.runs.by_name(pid, "doomed")
    at = runs_page()
    at.multiselect(key="runs_delete_choice").set_value([doomed.key]).run()
    at.button(key="runs_delete").click().run()
    assert_no_exception(at)
    assert flashes(at) == ["Deleted 1 run(s). Undo it from the History tab."]
    assert [r.name for r in project.runs.list(pid)] == ["keep"]
    assert runs_table(at)["name"].tolist() == ["keep"]

    delete_id = project.runs.history(pid)[0].id
    at.button(key=f"runs_undo_{delete_id}").click().run()
    assert any("Undo this import?" in w.value for w in at.warning)
    assert len(project.runs.list(pid)) == 1, "nothing is undone before the confirmation"
    at.button(key=f"runs_undo_confirm_{delete_id}").click().run()
    assert_no_exception(at)
    assert flashes(at) == [f"Undid import #{delete_id}."]
    assert project.runs.list(pid) == before
    assert sorted(runs_table(at)["name"]) == ["doomed", "keep"]


def test_undo_can_be_cancelled(project: Store):
    pid = project_id(project)
    result = project.runs.import_runs(pid, [Run(name="r", dev_error=0.1)], source="f.csv",
                                      fmt="generic")
    before = dump(project)
    at = runs_page()
    at.button(key=f"runs_undo_{result.import_id}").click().run()
    at.button(key=f"runs_undo_cancel_{result.import_id}").click().run()
    assert_no_exception(at)
    assert [b for b in at.button if b.key == f"runs_undo_confirm_{result.import_id}"] == []
    assert dump(project) == before


# --- human levels ------------------------------------------------------------------------------


def test_edit_human_levels_and_choose_the_proxy(project: Store):
    pid = project_id(project)
    at = runs_page()
    levels = at.dataframe(key="runs_human_levels").value
    assert levels["label"].tolist() == ["typical person", "expert", "team of experts"]
    at.session_state["runs_human_levels"] = {
        "edited_rows": {0: {"error": 3.0}, 1: {"error": 1.0}, 2: {"error": 0.5}},
        "added_rows": [{"label": "radiologist panel", "error": 0.4}], "deleted_rows": []}
    at.run()
    at.button(key="runs_human_save").click().run()
    assert_no_exception(at)
    assert flashes(at) == ["Human levels saved."]
    saved = project.projects.human_levels(pid)
    assert {(lv.label, round(lv.error, 6)) for lv in saved.levels} == {
        ("typical person", 0.03), ("expert", 0.01), ("team of experts", 0.005),
        ("radiologist panel", 0.004)}
    assert saved.proxy.label == "radiologist panel" and saved.proxy_is_default

    at.selectbox(key="runs_human_proxy").set_value("expert").run()
    at.button(key="runs_human_save").click().run()
    assert_no_exception(at)
    saved = project.projects.human_levels(pid)
    assert (saved.proxy.label, saved.proxy_error, saved.proxy_is_default) == (
        "expert", 0.01, False)
    assert any("Proxy in use: **expert** at 1.00%" in c.value for c in at.caption)


def test_stale_human_levels_are_refused_with_theirs_shown(project: Store):
    """Two sessions edit the human levels; the second save started from the old levels."""
    pid = project_id(project)
    project.projects.set_human_levels(pid, [("typical person", 0.03), ("expert", 0.01)])
    first, second = runs_page(), runs_page()
    first.session_state["runs_human_levels"] = {
        "edited_rows": {0: {"error": 0.8}}, "added_rows": [], "deleted_rows": []}
    first.run()
    first.button(key="runs_human_save").click().run()
    assert flashes(first) == ["Human levels saved."]

    second.session_state["runs_human_levels"] = {
        "edited_rows": {}, "added_rows": [{"label": "panel", "error": 0.5}], "deleted_rows": []}
    second.run()
    second.button(key="runs_human_save").click().run()
    assert_no_exception(second)
    shown = "\n".join(e.value for e in second.error)
    assert "Not saved" in shown and escape("expert 0.80%") in shown
    assert {lv.label for lv in project.projects.human_levels(pid).levels} == {
        "typical person", "expert"}  # theirs kept, mine not written

    second.button(key="runs_human_save_mine").click().run()
    assert_no_exception(second)
    assert flashes(second) == ["Human levels saved."]
    saved = {(lv.label, round(lv.error, 6)) for lv in project.projects.human_levels(pid).levels}
    assert saved == {("typical person", 0.03), ("expert", 0.01), ("panel", 0.005)}


def test_loading_theirs_after_a_stale_save_shows_the_stored_levels(project: Store):
    pid = project_id(project)
    project.projects.set_human_levels(pid, [("expert", 0.01)])
    second = runs_page()
    project.projects.set_human_levels(pid, [("expert", 0.02)])  # someone else, meanwhile
    second.session_state["runs_human_levels"] = {
        "edited_rows": {0: {"error": 1.5}}, "added_rows": [], "deleted_rows": []}
    second.run()
    second.button(key="runs_human_save").click().run()
    assert any("Not saved" in e.value for e in second.error)
    second.button(key="runs_human_load_theirs").click().run()
    assert_no_exception(second)
    assert not second.error
    assert second.dataframe(key="runs_human_levels").value["error"].tolist() == [2.0]


def test_bad_human_levels_are_refused(project: Store):
    before = dump(project)
    at = runs_page()
    at.session_state["runs_human_levels"] = {
        "edited_rows": {0: {"error": 3.0}, 1: {"label": "Typical person", "error": 1.0}},
        "added_rows": [], "deleted_rows": [2]}
    at.run()
    at.button(key="runs_human_save").click().run()
    assert_no_exception(at)
    assert any("appears twice" in e.value for e in at.error)
    assert dump(project) == before


# --- download ----------------------------------------------------------------------------------


def test_download_is_formula_safe_csv(project: Store, downloads):
    pid = project_id(project)
    project.runs.import_runs(pid, [
        Run(name="=HYPERLINK(\"http://evil\")", dev_error=0.08, n_dev=2500,
            params={"note": "+cmd"}, metrics={"latency_ms": -3.5}),
        Run(name="plain", dev_error=0.1)], source="f.csv", fmt="generic")
    at = runs_page()
    button = at.download_button(key="runs_download")
    file_id = Path(button.proto.url).stem
    content, file_name = downloads[file_id]
    assert file_name == f"{SLUG}-runs.csv"
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    assert [r["name"] for r in rows] == ["'=HYPERLINK(\"http://evil\")", "plain"]
    assert rows[0]["param: note"] == "'+cmd"
    assert rows[0]["metric: latency_ms"] == "-3.5", "numbers stay numbers"
    assert float(rows[0]["dev_error"]) == 0.08 and rows[0]["n_dev"] == "2500"
