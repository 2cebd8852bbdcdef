"""Runs in the store: imports (added / updated / unchanged), manual edits, deletes, undo,
long-form metrics and params, all-or-nothing writes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

import strategy_core.store.runs as runs_module
from strategy_core.errors import InputError, NotFoundError, StoreError
from strategy_core.run_csv import build_runs, propose_mapping, read_table
from strategy_core.runs import Run
from strategy_core.store import Store
from tests.conftest import SAMPLES
from tests.store.test_store import dump

RUN_SAMPLES = ["runs_generic.csv", "mlflow_search_runs.csv", "mlflow_ui_runs.csv",
               "wandb_export.csv"]


def parse(data: bytes | str) -> tuple[Run, ...]:
    table = read_table(data.encode() if isinstance(data, str) else data)
    built = build_runs(table, propose_mapping(table))
    assert built.ok, built.problems
    return built.runs


def sample(name: str) -> tuple[Run, ...]:
    return parse((SAMPLES / name).read_bytes())


def edited_sample(name: str, old: str, new: str) -> tuple[Run, ...]:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    assert old in text
    return parse(text.replace(old, new, 1))


@pytest.fixture
def project_id(store: Store) -> int:
    return store.projects.create("Runs test").id


def import_file(store: Store, project_id: int, runs, source: str = "f.csv"):
    return store.runs.import_runs(project_id, runs, source=source, fmt="generic")


# --- import: added, updated, unchanged ----------------------------------------------------


@pytest.mark.parametrize("file_name", RUN_SAMPLES, ids=RUN_SAMPLES)
def test_import_then_reimport_adds_nothing(store: Store, project_id: int, file_name: str):
    runs = sample(file_name)
    first = import_file(store, project_id, runs, file_name)
    assert (first.added, first.updated, first.unchanged) == (len(runs), 0, 0)
    assert first.import_id is not None
    stored = store.runs.list(project_id)
    assert sorted(r.name for r in stored) == sorted(r.name for r in runs)
    by_name = {r.name: r for r in stored}
    for run in runs:
        assert by_name[run.name].content() == run.content(), run.name
    before = dump(store)
    again = import_file(store, project_id, sample(file_name), file_name)
    assert (again.added, again.updated, again.unchanged, again.import_id) == (
        0, 0, len(runs), None)
    assert dump(store) == before, "an unchanged re-import writes nothing"
    assert len(store.runs.history(project_id)) == 1


def test_updated_export_updates_by_run_id_and_adds_new(store: Store, project_id: int):
    import_file(store, project_id, sample("mlflow_search_runs.csv"))
    runs = list(sample("mlflow_search_runs.csv"))
    # The export a week later: one run got a new dev accuracy, one was renamed in the
    # tracker (same run id), one is new.
    runs[0] = replace(runs[0], dev_error=0.02)
    runs[1] = replace(runs[1], name="vit-b16-finetune-renamed")
    runs.append(Run(name="vit-b16-new", run_id="ffff0000", dev_error=0.025))
    result = import_file(store, project_id, runs)
    assert (result.added, result.updated, result.unchanged) == (1, 2, 4)
    stored = {r.run_id: r for r in store.runs.list(project_id)}
    assert len(stored) == 7
    assert stored[runs[0].run_id].dev_error == 0.02
    assert stored[runs[1].run_id].name == "vit-b16-finetune-renamed"
    assert "vit-b16-finetune" not in {r.name for r in stored.values()}


def test_updated_export_without_ids_matches_by_name(store: Store, project_id: int):
    import_file(store, project_id, sample("runs_generic.csv"))
    result = import_file(store, project_id, edited_sample(
        "runs_generic.csv", "cnn-small,2026-09-08,0.08,", "cnn-small,2026-09-08,0.07,"))
    assert (result.added, result.updated, result.unchanged) == (0, 1, 5)
    assert store.runs.by_name(project_id, "cnn-small").train_error == 0.07
    assert store.runs.count(project_id) == 6


def test_a_metric_or_param_change_is_an_update(store: Store, project_id: int):
    import_file(store, project_id, sample("mlflow_ui_runs.csv"))
    changed = edited_sample("mlflow_ui_runs.csv", '"vit","False","30","0.0001","140"',
                            '"vit","True","30","0.0001","141"')
    result = import_file(store, project_id, changed)
    assert (result.added, result.updated, result.unchanged) == (0, 1, 5)
    run = store.runs.by_name(project_id, "vit-b16-regularized")
    assert run.metrics["latency_ms"] == 141.0 and run.params["augment"] == "True"


def test_same_name_but_another_run_id_is_a_new_run(store: Store, project_id: int):
    import_file(store, project_id, [Run(name="exp", run_id="a1", dev_error=0.1)])
    result = import_file(store, project_id, [Run(name="exp", run_id="b2", dev_error=0.2)])
    assert (result.added, result.updated) == (1, 0)
    assert sorted(r.run_id for r in store.runs.list(project_id)) == ["a1", "b2"]


def test_run_without_id_matches_a_run_with_id_by_name(store: Store, project_id: int):
    import_file(store, project_id, [Run(name="exp", dev_error=0.1)])
    result = import_file(store, project_id, [Run(name="exp", run_id="a1", dev_error=0.1)])
    assert (result.added, result.updated) == (0, 1)
    (run,) = store.runs.list(project_id)
    assert run.run_id == "a1"


def test_updates_append_versions_and_keep_every_import(store: Store, project_id: int):
    import_file(store, project_id, [Run(name="r", dev_error=0.1)])
    import_file(store, project_id, [Run(name="r", dev_error=0.08)])
    import_file(store, project_id, [Run(name="r", dev_error=0.06)])
    with store.read() as cur:
        versions = [r[0] for r in cur.execute(
            "SELECT dev_error FROM run_versions ORDER BY import_id").fetchall()]
    assert versions == [0.1, 0.08, 0.06]
    assert store.runs.by_name(project_id, "r").dev_error == 0.06
    history = store.runs.history(project_id)
    assert [h.summary for h in history] == ["0 added, 1 updated"] * 2 + ["1 added, 0 updated"]
    assert [h.id for h in history] == sorted((h.id for h in history), reverse=True)


def test_runs_listed_oldest_first(store: Store, project_id: int):
    import_file(store, project_id, [
        Run(name="late", created=datetime(2026, 3, 1), dev_error=0.1),
        Run(name="early", created=datetime(2026, 1, 1), dev_error=0.1),
        Run(name="middle", created=datetime(2026, 2, 1), dev_error=0.1)])
    assert [r.name for r in store.runs.list(project_id)] == ["early", "middle", "late"]


def test_import_into_a_missing_project_is_refused(store: Store):
    with pytest.raises(NotFoundError):
        import_file(store, 999, [Run(name="r", dev_error=0.1)])
    assert dump(store)["imports"] == []


# --- manual runs ----------------------------------------------------------------------------


def test_manual_add_edit_delete(store: Store, project_id: int):
    added = store.runs.save_run(project_id, Run(name="by hand", dev_error=0.09, n_dev=500))
    assert (added.added, added.updated) == (1, 0)
    run = store.runs.by_name(project_id, "by hand")
    assert (run.dev_error, run.n_dev) == (0.09, 500)
    edited = store.runs.save_run(project_id, replace(run, dev_error=0.07, name="renamed"),
                                 key=run.key)
    assert (edited.added, edited.updated) == (0, 1)
    run = store.runs.get(project_id, run.key)
    assert (run.name, run.dev_error, run.n_dev) == ("renamed", 0.07, 500)
    nothing = store.runs.save_run(project_id, run, key=run.key)
    assert (nothing.import_id, nothing.unchanged) == (None, 1)
    kinds = [(h.kind, h.source) for h in store.runs.history(project_id)]
    assert kinds == [("manual", "edit: renamed"), ("manual", "new: by hand")]
    deleted = store.runs.delete_runs(project_id, [run.key])
    assert deleted.deleted == 1
    assert store.runs.list(project_id) == [] and store.runs.count(project_id) == 0
    assert store.runs.history(project_id)[0].summary == "deleted 1 run(s)"
    with pytest.raises(NotFoundError):
        store.runs.get(project_id, run.key)


@pytest.mark.parametrize(
    ("action", "error"),
    [
        (lambda s, pid, key: s.runs.save_run(pid, Run(name="   ")), InputError),
        (lambda s, pid, key: s.runs.save_run(pid, Run(name="taken")), InputError),
        (lambda s, pid, key: s.runs.save_run(pid, Run(name="x"), key=9999), NotFoundError),
        (lambda s, pid, key: s.runs.delete_runs(pid, [9999]), NotFoundError),
        (lambda s, pid, key: s.runs.delete_runs(pid, []), NotFoundError),
        (lambda s, pid, key: s.runs.undo_import(pid, 9999), NotFoundError),
        (lambda s, pid, key: s.runs.undo_import(
            s.projects.create("Elsewhere").id, s.runs.history(pid)[0].id), NotFoundError),
        (lambda s, pid, key: s.runs.get(pid, 9999), NotFoundError),
        (lambda s, pid, key: s.runs.by_name(pid, "nope"), NotFoundError),
    ],
    ids=["blank-name", "name-taken", "edit-unknown-run", "delete-unknown-run",
         "delete-nothing", "undo-unknown-import", "undo-another-projects-import",
         "get-unknown", "by-name-unknown"],
)
def test_bad_run_edits_are_refused_and_write_nothing(store: Store, project_id, action, error):
    store.runs.save_run(project_id, Run(name="taken", dev_error=0.1))
    key = store.runs.by_name(project_id, "taken").key
    before = {t: rows for t, rows in dump(store).items() if t != "projects"}
    with pytest.raises(error):
        action(store, project_id, key)
    assert {t: rows for t, rows in dump(store).items() if t != "projects"} == before


def test_deleted_run_comes_back_as_added_on_reimport(store: Store, project_id: int):
    import_file(store, project_id, sample("runs_generic.csv"))
    doomed = store.runs.by_name(project_id, "cnn-small")
    store.runs.delete_runs(project_id, [doomed.key])
    assert store.runs.count(project_id) == 5
    result = import_file(store, project_id, sample("runs_generic.csv"))
    assert (result.added, result.updated, result.unchanged) == (1, 0, 5)
    assert store.runs.by_name(project_id, "cnn-small").key == doomed.key


# --- undo ------------------------------------------------------------------------------------


def _base(store: Store, project_id: int) -> None:
    import_file(store, project_id, sample("runs_generic.csv"))
    store.projects.set_human_levels(project_id, [("expert", 0.01)])


UNDOABLE = [
    ("file-import-adding", lambda s, pid: import_file(s, pid, sample("mlflow_ui_runs.csv"))),
    ("file-import-updating", lambda s, pid: import_file(s, pid, edited_sample(
        "runs_generic.csv", "cnn-small,2026-09-08,0.08,", "cnn-small,2026-09-08,0.07,"))),
    ("manual-add", lambda s, pid: s.runs.save_run(pid, Run(name="new", dev_error=0.3))),
    ("manual-edit", lambda s, pid: s.runs.save_run(
        pid, replace(s.runs.by_name(pid, "cnn-large"), dev_error=0.5, name="cnn-xl",
                     metrics={"latency_ms": 1.0}), key=s.runs.by_name(pid, "cnn-large").key)),
    ("delete", lambda s, pid: s.runs.delete_runs(
        pid, [r.key for r in s.runs.list(pid)[:2]])),
]


@pytest.mark.parametrize("change", [c for _, c in UNDOABLE], ids=[n for n, _ in UNDOABLE])
def test_undo_restores_the_previous_state_exactly(store: Store, project_id: int, change):
    _base(store, project_id)
    runs_before, dump_before = store.runs.list(project_id), dump(store)
    result = change(store, project_id)
    assert result.import_id is not None
    assert store.runs.list(project_id) != runs_before
    store.runs.undo_import(project_id, result.import_id)
    assert store.runs.list(project_id) == runs_before
    assert dump(store) == dump_before


def test_undo_of_a_middle_import(store: Store, project_id: int):
    a = import_file(store, project_id, [Run(name="r1", dev_error=0.10),
                                        Run(name="r2", dev_error=0.20)])
    b = import_file(store, project_id, [Run(name="r1", dev_error=0.08),
                                        Run(name="r3", dev_error=0.30)])
    c = import_file(store, project_id, [Run(name="r2", dev_error=0.15)])
    store.runs.undo_import(project_id, b.import_id)
    current = {r.name: r.dev_error for r in store.runs.list(project_id)}
    # r1 falls back to import A, r3 (added by B) is gone, r2 keeps C's newer value.
    assert current == {"r1": 0.10, "r2": 0.15}
    assert [h.id for h in store.runs.history(project_id)] == [c.import_id, a.import_id]
    store.runs.undo_import(project_id, c.import_id)
    assert {r.name: r.dev_error for r in store.runs.list(project_id)} == {"r1": 0.10,
                                                                           "r2": 0.20}


def test_undo_a_delete_of_an_updated_run_restores_the_update(store: Store, project_id: int):
    import_file(store, project_id, [Run(name="r", dev_error=0.1)])
    import_file(store, project_id, [Run(name="r", dev_error=0.05)])
    deleted = store.runs.delete_runs(project_id, [store.runs.by_name(project_id, "r").key])
    store.runs.undo_import(project_id, deleted.import_id)
    assert store.runs.by_name(project_id, "r").dev_error == 0.05


# --- long form --------------------------------------------------------------------------------


def test_metrics_and_params_stored_in_long_form(store: Store, project_id: int):
    hostile = 'x"; DROP TABLE runs; --'
    text = (f'name,dev_error,"{hostile.replace(chr(34), chr(34) * 2)}",latency_ms,arch\n'
            "a,0.1,1.5,12,cnn\n")
    import_file(store, project_id, parse(text))
    for file_name in RUN_SAMPLES:
        import_file(store, project_id, sample(file_name), file_name)
    uploaded = set()
    for file_name in RUN_SAMPLES:
        uploaded |= set(read_table((SAMPLES / file_name).read_bytes()).headers)
    for run in store.runs.list(project_id):
        uploaded |= set(run.metrics) | set(run.params)
    uploaded |= {hostile, "latency_ms", "arch"}
    with store.read() as cur:
        columns = {r[0] for r in cur.execute(
            "SELECT column_name FROM information_schema.columns").fetchall()}
        tables = {r[0] for r in cur.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
    fixed_fields = {"name", "run_id", "created", "train_error", "train_dev_error",
                    "dev_error", "test_error", "n_train", "n_train_dev", "n_dev", "n_test"}
    assert not (uploaded - fixed_fields) & columns
    assert "runs" in tables
    run = store.runs.by_name(project_id, "a")
    assert run.metrics == {hostile: 1.5, "latency_ms": 12.0}
    assert run.params == {"arch": "cnn"}
    with store.read() as cur:
        rows = cur.execute("SELECT v.kind, v.name, v.num, v.text FROM run_values v "
                           "JOIN run_versions r ON r.id = v.version_id WHERE r.name = 'a' "
                           "ORDER BY v.name").fetchall()
    assert rows == [("param", "arch", None, "cnn"), ("metric", "latency_ms", 12.0, None),
                    ("metric", hostile, 1.5, None)]


# --- all or nothing ---------------------------------------------------------------------------


def test_import_violating_a_constraint_writes_nothing(store: Store, project_id: int):
    _base(store, project_id)
    before, version = dump(store), store.version
    runs = [Run(name="fine-1", dev_error=0.1), Run(name=None, run_id="broken",  # type: ignore
                                                    dev_error=0.1),
            Run(name="fine-2", dev_error=0.1)]
    with pytest.raises(StoreError):
        import_file(store, project_id, runs)
    assert dump(store) == before
    assert store.version == version


def test_import_failing_after_every_row_is_written_writes_nothing(
        store: Store, project_id: int, monkeypatch: pytest.MonkeyPatch):
    _base(store, project_id)
    before = dump(store)
    original = runs_module._write_versions

    def write_then_fail(*args, **kwargs):
        original(*args, **kwargs)
        raise StoreError("disk full")

    monkeypatch.setattr(runs_module, "_write_versions", write_then_fail)
    with pytest.raises(StoreError, match="disk full"):
        import_file(store, project_id, sample("mlflow_search_runs.csv"))
    with pytest.raises(StoreError, match="disk full"):
        store.runs.save_run(project_id, Run(name="manual", dev_error=0.1))
    with pytest.raises(StoreError, match="disk full"):
        store.runs.delete_runs(project_id, [store.runs.list(project_id)[0].key])
    assert dump(store) == before


def test_bad_file_is_refused_before_the_store(store: Store, project_id: int):
    """Validation happens before any write: a file with one bad row builds no runs."""
    _base(store, project_id)
    before = dump(store)
    table = read_table(b"name,dev_error\nok,0.1\nbad,120\n")
    built = build_runs(table, propose_mapping(table))
    assert built.runs == () and built.problems
    assert dump(store) == before


def test_sample_path_constant_points_at_the_data_folder():
    assert Path(SAMPLES).name == "samples" and (SAMPLES / "mlflow_ui_runs.csv").is_file()
