"""The command line for projects and runs (README "Command line"): JSON fields, exit
codes 0/2/1, one `error:` line on stderr, and bad input leaves the database unchanged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from strategy_core.cli import main
from strategy_core.store import Store
from strategy_core.store.migrations import MIGRATIONS
from strategy_core.usecases.demo import DEMO_NAMES
from tests.conftest import REPO, SAMPLES
from tests.store.test_store import dump

RUN_FIELDS_JSON = ["run_id", "name", "created", "train_error", "train_dev_error", "dev_error",
                   "test_error", "n_train", "n_train_dev", "n_dev", "n_test", "metrics",
                   "params", "info", "slices", "finished"]
IMPORT_FIELDS_JSON = ["project", "format", "added", "updated", "unchanged", "import_id",
                      "history", "notes"]

# (file, detected format, runs)
SAMPLE_CASES = [("runs_generic.csv", "generic", 6), ("mlflow_search_runs.csv", "mlflow", 6),
                ("mlflow_ui_runs.csv", "mlflow-ui", 6), ("wandb_export.csv", "wandb", 4)]
SAMPLE_IDS = [c[0] for c in SAMPLE_CASES]


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def cli_json(capsys, *args: str) -> dict:
    code, out, err = cli(capsys, *args, "--json")
    assert (code, err) == (0, ""), err
    lines = out.strip().splitlines()
    assert len(lines) == 1, "exactly one JSON object"
    return json.loads(lines[0])


def json_error(result: subprocess.CompletedProcess) -> str:
    """The error of a refused `--json` command: the one JSON object on its stdout."""
    (line,) = result.stdout.strip().splitlines()
    payload = json.loads(line)
    assert payload["exit_status"] == result.returncode
    return payload["error"]


def assert_refused(code: int, out: str, err: str, expected_code: int = 2,
                   words: str = "") -> None:
    assert code == expected_code
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    # with --json the same error is the one JSON object on stdout; without it, nothing
    assert out == "" or json.loads(out) == {"error": lines[0].removeprefix("error: "),
                                            "exit_status": expected_code}, out
    assert "Traceback" not in err
    assert words in lines[0]


# --- projects ------------------------------------------------------------------------------


def test_projects_json_shape(store: Store, capsys):
    assert cli_json(capsys, "projects") == {"projects": []}
    store.projects.create("Dog detector")
    cli_json(capsys, "import-runs", SAMPLES / "wandb_export.csv", "--project", "Cat classifier")
    assert cli_json(capsys, "projects") == {"projects": [
        {"name": "Cat classifier", "slug": "cat-classifier", "runs": 4},
        {"name": "Dog detector", "slug": "dog-detector", "runs": 0}]}
    code, out, err = cli(capsys, "projects")
    assert code == 0 and "Cat classifier  (cat-classifier, 4 runs)" in out


def test_demo_project_listed_after_seed(store: Store, capsys):
    assert cli_json(capsys, "seed-demo") == {"seeded": True}
    assert cli_json(capsys, "seed-demo") == {"seeded": False}
    projects = cli_json(capsys, "projects")["projects"]
    assert [p["name"] for p in projects] == list(DEMO_NAMES)
    assert all(p["runs"] > 0 for p in projects)


# --- import-runs ------------------------------------------------------------------------------


@pytest.mark.parametrize(("file_name", "fmt", "count"), SAMPLE_CASES, ids=SAMPLE_IDS)
def test_import_every_sample_and_reimport_adds_nothing(store: Store, capsys, file_name, fmt,
                                                       count):
    first = cli_json(capsys, "import-runs", SAMPLES / file_name, "--project", "Imports")
    assert list(first) == IMPORT_FIELDS_JSON
    assert first == {"project": "Imports", "format": fmt, "added": count, "updated": 0,
                     "unchanged": 0, "import_id": first["import_id"], "history": None,
                     "notes": first["notes"]}
    assert isinstance(first["import_id"], int)
    before = dump(store)
    second = cli_json(capsys, "import-runs", SAMPLES / file_name, "--project", "Imports")
    assert second == {"project": "Imports", "format": fmt, "added": 0, "updated": 0,
                      "unchanged": count, "import_id": None, "history": None,
                      "notes": first["notes"]}
    assert dump(store) == before


def test_import_text_output(store: Store, capsys):
    code, out, err = cli(capsys, "import-runs", SAMPLES / "runs_generic.csv", "--project",
                         "Text")
    assert (code, err) == (0, "")
    assert out.strip() == ("Text: imported runs_generic.csv (generic): 6 added, 0 updated, "
                           "0 unchanged")


def test_import_into_existing_project_by_slug(store: Store, capsys):
    store.projects.create("Cat classifier")
    result = cli_json(capsys, "import-runs", SAMPLES / "runs_generic.csv", "--project",
                      "cat-classifier")
    assert result["project"] == "Cat classifier"
    assert [p.name for p in store.projects.list()] == ["Cat classifier"]


@pytest.mark.parametrize(
    ("args", "fmt", "run_name", "expected"),
    [
        (["--format", "mlflow-ui"], "mlflow-ui", "vit-b16-regularized", {"dev_error": 0.028}),
        (["--format", "generic"], "generic", "vit-b16-regularized",
         {"dev_error": 0.028, "train_dev_error": 0.017}),
        (["--map", "dev_error=test_acc"], "mlflow-ui", "vit-b16-regularized",
         {"dev_error": 0.029, "test_error": None}),
        (["--map", "name=Run ID", "--map", "run_id=Name"], "mlflow-ui",
         "b9562da2b82343aaa6979e66d8adfaf6", {"run_id": "vit-b16-regularized"}),
        (["--values", "error"], "mlflow-ui", "vit-b16-regularized", {"dev_error": 0.972}),
        (["--scale", "percent"], "mlflow-ui", "vit-b16-regularized",
         {"dev_error": 1 - 0.00972}),
        (["--values", "accuracy", "--scale", "fraction"], "mlflow-ui", "vit-b16-regularized",
         {"dev_error": 0.028}),
    ],
    ids=["format-given", "format-generic-still-maps", "map-field-to-column",
         "map-name-and-run-id", "values-error", "scale-percent", "values-and-scale"],
)
def test_import_options(store: Store, capsys, args, fmt, run_name, expected):
    result = cli_json(capsys, "import-runs", SAMPLES / "mlflow_ui_runs.csv", "--project", "P",
                      *args)
    assert (result["format"], result["added"]) == (fmt, 6)
    runs = {r["name"]: r for r in cli_json(capsys, "runs", "--project", "P")["runs"]}
    for field_name, value in expected.items():
        if isinstance(value, float):
            assert runs[run_name][field_name] == pytest.approx(value, abs=1e-12)
        else:
            assert runs[run_name][field_name] == value


def test_updated_export_reports_updated(store: Store, capsys, tmp_path: Path):
    cli_json(capsys, "import-runs", SAMPLES / "mlflow_search_runs.csv", "--project", "P")
    text = (SAMPLES / "mlflow_search_runs.csv").read_text()
    changed = tmp_path / "later.csv"
    changed.write_text(text.replace(",0.983,0.985,0.971,0.972,", ",0.983,0.985,0.971,0.98,"))
    result = cli_json(capsys, "import-runs", changed, "--project", "P")
    assert (result["added"], result["updated"], result["unchanged"]) == (0, 1, 5)


# --- runs ---------------------------------------------------------------------------------------


def test_runs_json_shape(store: Store, capsys):
    cli_json(capsys, "import-runs", SAMPLES / "mlflow_search_runs.csv", "--project", "P")
    cli_json(capsys, "import-runs", SAMPLES / "runs_generic.csv", "--project", "P")
    payload = cli_json(capsys, "runs", "--project", "P")
    assert list(payload) == ["project", "runs"] and payload["project"] == "P"
    assert len(payload["runs"]) == 12
    for run in payload["runs"]:
        assert list(run) == RUN_FIELDS_JSON
    by_name = {r["name"]: r for r in payload["runs"]}
    assert by_name["vit-b16-regularized"] == {
        "run_id": "b9562da2b82343aaa6979e66d8adfaf6", "name": "vit-b16-regularized",
        "created": "2026-11-21T13:22:03.089000",
        "train_error": pytest.approx(0.015), "train_dev_error": pytest.approx(0.017),
        "dev_error": pytest.approx(0.028), "test_error": pytest.approx(0.029),
        "n_train": None, "n_train_dev": None, "n_dev": None, "n_test": None,
        "metrics": {"latency_ms": 140.0},
        "params": {"arch": "vit", "augment": "False", "epochs": "30", "lr": "0.0001",
                   "owner": "ana"},
        "info": {"source": "train.py", "status": "FINISHED", "user": "mlteam"},
        "slices": {}, "finished": True}
    assert by_name["baseline-logreg"] == {
        "run_id": None, "name": "baseline-logreg", "created": "2026-09-01T00:00:00",
        "train_error": 0.14, "train_dev_error": 0.15, "dev_error": 0.18, "test_error": 0.185,
        "n_train": 200000, "n_train_dev": 5000, "n_dev": 2500, "n_test": 2500,
        "metrics": {"latency_ms": 3.1, "precision": 0.88, "recall": 0.79}, "params": {},
        "info": {}, "slices": {}, "finished": True}


def test_runs_by_slug_and_empty_and_text(store: Store, capsys):
    store.projects.create("Empty one")
    assert cli_json(capsys, "runs", "--project", "empty-one") == {"project": "Empty one",
                                                                    "runs": []}
    code, out, _ = cli(capsys, "runs", "--project", "Empty one")
    assert (code, out.strip()) == (0, "no runs")
    cli_json(capsys, "import-runs", SAMPLES / "runs_generic.csv", "--project", "Empty one")
    code, out, _ = cli(capsys, "runs", "--project", "Empty one")
    assert code == 0 and "baseline-logreg" in out and "18.0%" in out


def test_json_flag_before_the_command(store: Store, capsys):
    code, out, _ = cli(capsys, "--json", "projects")
    assert code == 0 and json.loads(out) == {"projects": []}


# --- bad input: exit 2, one error line, nothing written ------------------------------------------


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


BAD_FILES = [
    ("above-100pct", b"name,dev_error\na,0.1\nb,120\n", "row 3, column 'dev_error'"),
    ("nan", b"name,dev_error\na,nan\n", "row 2, column 'dev_error'"),
    ("size-zero", b"name,dev_error,n_dev\na,0.1,0\n", "row 2, column 'n_dev'"),
    ("no-error-column", b"name,latency\na,3\n", "no column is mapped to an error field"),
    ("duplicate-id", b"run_id,dev_error\na,0.1\na,0.2\n", "row 3, column 'run_id'"),
    ("latin-1", "name,dev_error\ncafé,0.1\n".encode("latin-1"), "row 2, column 'name'"),
    ("utf-16", "name,dev_error\na,0.1\n".encode("utf-16"), "UTF-16"),
    ("ragged", b"name,dev_error\na,0.1,9\n", "row 2"),
    ("broken-quote", b'name,dev_error\n"a,0.1\n', "row 2: broken CSV quoting"),
    ("empty", b"", "the file is empty"),
    ("header-only", b"name,dev_error\n", "header but no runs"),
    ("predictions-not-runs", (SAMPLES / "predictions_dev.csv").read_bytes(),
     "no column is mapped to an error field"),
]


@pytest.mark.parametrize(("name", "data", "words"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_exit_2_and_database_unchanged(store: Store, capsys, tmp_path, name, data,
                                                words):
    cli_json(capsys, "import-runs", SAMPLES / "runs_generic.csv", "--project", "Existing")
    before = dump(store)
    path = _write(tmp_path, f"{name}.csv", data)
    for project in ("Existing", "Brand new"):
        code, out, err = cli(capsys, "import-runs", path, "--project", project, "--json")
        assert_refused(code, out, err, 2, words)
    assert dump(store) == before


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["import-runs", "no-such-file.csv", "--project", "P"], "no file"),
        (["import-runs", SAMPLES / "runs_generic.csv"], "--project"),
        (["import-runs", SAMPLES / "runs_generic.csv", "--project", "P", "--format", "excel"],
         "invalid choice"),
        (["import-runs", SAMPLES / "runs_generic.csv", "--project", "P", "--values", "acc"],
         "invalid choice"),
        (["import-runs", SAMPLES / "runs_generic.csv", "--project", "P", "--scale", "pct"],
         "invalid choice"),
        (["import-runs", SAMPLES / "runs_generic.csv", "--project", "P", "--map", "dev_error"],
         "NAME=VALUE"),
        (["import-runs", SAMPLES / "runs_generic.csv", "--project", "P", "--map", "dev=x"],
         "unknown field 'dev'"),
        (["import-runs", SAMPLES / "runs_generic.csv", "--project", "P", "--map",
          "dev_error=nope"], "no column 'nope'"),
        (["import-runs", SAMPLES / "runs_generic.csv", "--project", "P", "--map",
          "dev_error=dev_error", "--map", "dev_error=test_error"], "given twice"),
        (["import-runs", SAMPLES / "runs_generic.csv", "--project", "P", "--scale",
          "fraction", "--map", "dev_error=n_dev"], "above 1"),
        (["import-runs", SAMPLES / "runs_generic.csv", "--project", " "], "needs a name"),
        (["import-runs", SAMPLES / "runs_generic.csv", "--project", "x" * 81], "at most 80"),
        (["runs", "--project", "nope"], "no project named 'nope'"),
        (["runs"], "--project"),
        (["no-such-command"], "invalid choice"),
        ([], "COMMAND"),
    ],
    ids=["missing-file", "missing-project", "bad-format", "bad-values", "bad-scale",
         "map-without-equals", "map-unknown-field", "map-unknown-column", "map-twice",
         "size-column-as-fraction-error", "blank-project-name", "project-name-too-long",
         "runs-unknown-project", "runs-without-project", "unknown-command", "no-command"],
)
def test_bad_arguments_exit_2(store: Store, capsys, args, words):
    cli_json(capsys, "import-runs", SAMPLES / "wandb_export.csv", "--project", "Existing")
    before = dump(store)
    code, out, err = cli(capsys, *args, "--json")
    assert_refused(code, out, err, 2, words)
    assert dump(store) == before


def test_internal_failure_exit_1(store: Store, capsys, tmp_path: Path):
    newer = tmp_path / "newer.duckdb"
    con = duckdb.connect(str(newer))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, "
                "applied_at TIMESTAMP DEFAULT current_timestamp)")
    con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, 'future')",
                [len(MIGRATIONS) + 100])
    con.close()
    code, out, err = cli(capsys, "--db", newer, "projects", "--json")
    assert_refused(code, out, err, 1, "newer version of the app")
    code, out, err = cli(capsys, "--db", tmp_path, "projects", "--json")
    assert_refused(code, out, err, 1, "cannot open database")


def test_help_exits_0(capsys):
    code, out, _ = cli(capsys, "--help")
    assert code == 0 and "import-runs" in out


def test_db_option_picks_the_database(store: Store, capsys, tmp_path: Path):
    other = tmp_path / "other.duckdb"
    result = cli_json(capsys, "--db", other, "import-runs", SAMPLES / "runs_generic.csv",
                      "--project", "Elsewhere")
    assert result["added"] == 6
    assert store.projects.list() == []
    assert cli_json(capsys, "projects", "--db", other)["projects"][0]["name"] == "Elsewhere"
    from strategy_core.store import open_store

    open_store(str(other)).database.close()


# --- a real process ---------------------------------------------------------------------------


def test_real_subprocess_from_the_repo_root(tmp_path: Path):
    db = tmp_path / "sub.duckdb"
    env = {**os.environ, "STRATEGY_DB": str(tmp_path / "unused.duckdb")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "strategy_core", "--json", "--db",
                               str(db), *args], cwd=REPO, env=env, capture_output=True,
                              text=True, timeout=120)

    done = run("import-runs", "data/samples/mlflow_ui_runs.csv", "--project", "Sub")
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout) == {"project": "Sub", "format": "mlflow-ui", "added": 6,
                                       "updated": 0, "unchanged": 0, "import_id": 1,
                                       "history": None, "notes": []}
    from strategy_core.store import open_store

    stored = open_store(str(db))
    try:
        project = stored.projects.resolve("Sub")
        dev = {r.name: r.dev_error for r in stored.runs.list(project.id)}
        assert dev["vit-b16-regularized"] == pytest.approx(0.028)
        before = dump(stored)
    finally:
        stored.database.close()
    bad = run("import-runs", "data/samples/error_tags_sheet.csv", "--project", "Sub")
    assert bad.returncode == 2 and json_error(bad) == bad.stderr.strip().removeprefix("error: ")
    assert bad.stderr.startswith("error: ") and len(bad.stderr.strip().splitlines()) == 1
    assert "Traceback" not in bad.stderr
    assert not (tmp_path / "unused.duckdb").exists()
    stored = open_store(str(db))
    try:
        assert dump(stored) == before
    finally:
        stored.database.close()
