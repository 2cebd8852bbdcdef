"""The bad-input corpus: run and prediction files, each with the outcome
importing it must have, declared in expected.json next to the files. Big files (2,000
columns, a 200,000-character cell, files over the upload limits) are generated at test time
into a temporary folder by the generators below; the small ones are committed."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from strategy_core.run_csv import MAX_FILE_MB
from strategy_core.runs import ERROR_FIELDS, Run
from strategy_core.store import Store
from ui.error_analysis_inputs import MAX_PREDICTIONS_MB

CORPUS = Path(__file__).resolve().parent
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
MB = 1024 * 1024


@dataclass(frozen=True)
class Case:
    """One corpus file and its declared outcome."""

    kind: str
    file: str
    covers: str
    outcome: str
    message: str | None = None
    row: int | None = None
    column: str | None = None
    generate: str | None = None
    paths: tuple[str, ...] = ("store", "upload")
    expect: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.file.removesuffix(".csv")

    def path(self, tmp: Path) -> Path:
        """The committed file, or the generated one written into `tmp`."""
        if self.generate is None:
            return CORPUS / self.kind / self.file
        target = tmp / self.file
        target.write_bytes(GENERATORS[self.generate]())
        return target

    def words(self) -> list[str]:
        """What the message must say: the problem and, when declared, its row and column."""
        assert self.message is not None
        words = [self.message]
        if self.row is not None:
            words.append(f"row {self.row}")
        if self.column is not None:
            words.append(f"column '{self.column}'")
        return words


def cases(kind: str, path: str) -> list[Case]:
    """The corpus cases of `kind` ('runs' or 'predictions') that run through `path`."""
    out = []
    for entry in EXPECTED[kind]:
        known = {"file", "covers", "outcome", "message", "row", "column", "generate", "paths"}
        out.append(Case(
            kind=kind, file=entry["file"], covers=entry["covers"], outcome=entry["outcome"],
            message=entry.get("message"), row=entry.get("row"), column=entry.get("column"),
            generate=entry.get("generate"), paths=tuple(entry.get("paths", ("store", "upload"))),
            expect={k: v for k, v in entry.items() if k not in known}))
    return [case for case in out if path in case.paths]


def dump(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: compare a database before and after an operation
    that must change nothing. (Sequences are not content: DuckDB never gives back a number
    drawn in a transaction that rolled back, so a refused import may leave a gap in ids.)"""
    with store.read() as cur:
        tables = [row[0] for row in cur.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' ORDER BY table_name").fetchall()]
        # Table names come from the catalog, not from input.
        return {t: sorted(cur.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
                for t in tables}


# -- generated files -----------------------------------------------------------------------


def runs_2000_columns() -> bytes:
    names = [f"feature_metric_with_a_long_name_{i:04d}" for i in range(1998)]
    values = ",".join(f"{i / 1000:g}" for i in range(1998))
    return (f"name,dev_error,{','.join(names)}\nwide-a,0.1,{values}\nwide-b,0.2,{values}\n"
            .encode())


def runs_200k_name() -> bytes:
    return b"name,dev_error\n" + b"n" * 200_000 + b",0.1\n"


def runs_200k_param() -> bytes:
    return b"name,dev_error,notes\nlong-notes,0.1," + b"ab" * 100_000 + b"\n"


def runs_over_limit() -> bytes:
    row = b"run-0000000,0.1\n"
    return b"name,dev_error\n" + row * (MAX_FILE_MB * MB // len(row) + 1)


def predictions_2000_columns() -> bytes:
    extra = [f"embedding_dimension_{i:04d}_of_the_encoder_output" for i in range(1997)]
    cells = ",".join("0.1" for _ in extra)
    header = f"example_id,label,prediction,{','.join(extra)}\n"
    assert len(header) > 64 * 1024
    return f"{header}e1,a,a,{cells}\ne2,a,b,{cells}\n".encode()


def predictions_200k_cell() -> bytes:
    return (b"example_id,label,prediction,text\ne1,a,a," + b"t" * 200_000 +
            b"\ne2,a,b,short\n")


def predictions_over_limit() -> bytes:
    row = b"e0000000,cat,dog\n"
    return b"example_id,label,prediction\n" + row * (MAX_PREDICTIONS_MB * MB // len(row) + 1)


GENERATORS: dict[str, Callable[[], bytes]] = {
    fn.__name__: fn for fn in (runs_2000_columns, runs_200k_name, runs_200k_param,
                               runs_over_limit, predictions_2000_columns,
                               predictions_200k_cell, predictions_over_limit)}


# -- the project every case starts from and the checks of an imported file -----------------

OLD_PREDICTIONS = b"example_id,label,prediction\nold1,a,a\nold2,a,b\nold3,b,b\n"


def seed(store: Store) -> tuple[int, int]:
    """Project "Corpus" with run "existing" (from an import) holding 3 earlier predictions,
    so a rejected file must leave data in place, not just an empty database."""
    project = store.projects.create("Corpus")
    store.runs.import_runs(project.id, [Run(name="existing", dev_error=0.2)],
                           source="seed.csv", fmt="generic")
    (run,) = store.runs.list(project.id)
    assert run.key is not None
    store.predictions.import_bytes(project.id, run.key, OLD_PREDICTIONS, source="old.csv")
    return project.id, run.key


def assert_runs_imported(store: Store, project_id: int, case: Case) -> None:
    """The project holds "existing" and exactly the declared runs, with the stated values."""
    stored = {run.name: run for run in store.runs.list(project_id)}
    expected = case.expect["runs"]
    assert sorted(stored) == sorted(["existing", *(want["name"] for want in expected)])
    for want in expected:
        run = stored[want["name"]]
        for key, value in want.items():
            if key == "name":
                continue
            if key in ERROR_FIELDS:
                assert getattr(run, key) == pytest.approx(value, abs=1e-12), key
            elif key == "metric_count":
                assert len(run.metrics) == value
            elif key == "metrics":
                assert {k: run.metrics[k] for k in value} == pytest.approx(value)
            elif key == "params":
                assert {k: run.params[k] for k in value} == value
            elif key == "param_lengths":
                assert {k: len(run.params[k]) for k in value} == value
            elif key == "info":
                assert {k: run.info[k] for k in value} == value
            elif key == "info_lengths":
                assert {k: len(run.info[k]) for k in value} == value
            else:
                assert getattr(run, key) == value, key


def assert_predictions_imported(store: Store, project_id: int, run_key: int,
                                case: Case) -> None:
    """The run's predictions are the file's (the earlier 3 are gone), with the stated
    counts and values."""
    (stored,) = [s for s in store.predictions.sets(project_id) if s.run_key == run_key]
    assert (stored.rows, stored.misclassified) == (case.expect["rows"],
                                                   case.expect["misclassified"])
    assert {split: count.n for split, count in stored.splits.items()} == case.expect["splits"]
    with store.read() as cur:
        assert cur.scalar("SELECT count(*) FROM predictions") == case.expect["rows"]
        rows = cur.execute("SELECT example_id, label, prediction, text, weight FROM predictions "
                           "WHERE set_id = ?", [stored.id]).fetchall()
    by_id = {row[0]: dict(zip(("label", "prediction", "text", "weight"), row[1:],
                              strict=True)) for row in rows}
    for example_id, values in case.expect.get("examples", {}).items():
        assert {k: by_id[example_id][k] for k in values} == values, example_id
    for example_id, length in case.expect.get("text_lengths", {}).items():
        assert len(by_id[example_id]["text"]) == length
