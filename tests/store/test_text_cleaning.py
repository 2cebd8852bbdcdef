"""The text rule at the store's door (docs/rules.md, "Text from users and files"): whatever
path text takes in (run imports, forms, settings, prediction files read by DuckDB, tag
saves, tag sheets, restored bundles), what is stored is clean; and the renderers stay safe
for text stored before the rule existed."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import duckdb
import pyarrow.parquet as pq

from strategy_core.report import to_html, to_markdown
from strategy_core.run_csv import build_runs, propose_mapping, read_table
from strategy_core.runs import Run
from strategy_core.store import Store, open_store
from strategy_core.store.bundles import bundle_bytes, restore_bundle
from strategy_core.store.reviews import TagEdit
from strategy_core.tag_sheet import parse_sheet
from strategy_core.usecases.report import build_report

DIRTY = "r\x0bv\x00t\u202e\r\n"
CLEAN = "rvt\n"


def all_text(store: Store) -> list[str]:
    """Every text value in every table."""
    with store.read() as cur:
        columns = cur.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE data_type = 'VARCHAR' AND table_name IN (SELECT table_name FROM "
            "information_schema.tables WHERE table_type = 'BASE TABLE')").fetchall()
        # Names come from the catalog, not from input.
        return [value for table, column in columns for (value,) in cur.execute(
            f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL").fetchall()]


def assert_clean(store: Store) -> None:
    dirty = [v for v in all_text(store) if any(c in v for c in "\x0b\x00\u202e\r")]
    assert dirty == []


def test_the_reported_run_csv_is_stored_clean(store: Store):
    table = read_table(b"name,train_error,dev_error\nr\x0bvt,0.05,0.07\nr2,0.04,0.06\n")
    built = build_runs(table, propose_mapping(table))
    project = store.projects.create("VT")
    store.runs.import_runs(project.id, built.runs, source="vt.csv", fmt="generic")
    assert sorted(r.name for r in store.runs.list(project.id)) == ["r2", "rvt"]
    assert_clean(store)


def test_forms_settings_levels_and_decisions_are_stored_clean(store: Store):
    project = store.projects.create("Forms" + DIRTY)
    store.runs.save_run(project.id, Run(name="hand" + DIRTY, dev_error=0.1,
                                        params={"note" + DIRTY: DIRTY}))
    (run,) = store.runs.list(project.id)
    store.runs.edit_run(project.id, run.key, {"name": "edited" + DIRTY},
                        expected_version=run.version)
    store.projects.set_human_levels(project.id, [("expert" + DIRTY, 0.01)])
    store.projects.set_setting(project.id, "checklist.note.dev", "note" + DIRTY)
    store.decisions.record(project.id, "diagnosis", "verdict" + DIRTY, {"k" + DIRTY: 1},
                           "why" + DIRTY, "me" + DIRTY)
    assert_clean(store)
    assert store.projects.setting(project.id, "checklist.note.dev") == "note" + CLEAN
    assert store.runs.list(project.id)[0].name == "editedrvt"  # a name is one line


def test_prediction_files_and_tags_are_stored_clean(store: Store):
    project = store.projects.create("Predictions")
    store.runs.save_run(project.id, Run(name="a", dev_error=0.1))
    (run,) = store.runs.list(project.id)
    rows = "".join(f'e{i}\x0b,cat,{"dog" if i % 2 else "cat"},"src\x07",'
                   f'"text\r\nwith\u202e bidi"\n' for i in range(20))
    store.predictions.import_bytes(project.id, run.key, (
        "example_id,label,prediction,source,text\n" + rows).encode(), source="p\x0b.csv")
    sample = store.reviews.draw(project.id, run.key, name="Look\x0b", size=5, seed=1)
    category = store.reviews.add_category(project.id, "Blurry\x0b")
    tags = store.reviews.tags(sample.id)
    first = tags.iloc[0]
    store.reviews.save_tags(sample.id, [TagEdit(first["example_id"], frozenset({category.id}),
                                                "looks\x00 odd\r", True,
                                                int(first["version"]))], "me\x0b")
    assert_clean(store)
    texts = store.predictions.examples(project.id, run.key, ["e1"])
    assert texts["text"].tolist() == ["text\nwith bidi"]


def test_a_tag_sheet_is_stored_clean(store: Store):
    project = store.projects.create("Sheet")
    sheet = parse_sheet(b"example_id,label,prediction,Blurry\x0b,notes\n"
                        b"x1,cat,dog,1,\"odd\x07\r\nnote\"\n")  # (a NUL: refused as binary)
    store.reviews.import_sheet(project.id, sheet, name="Imported\x0b")
    assert_clean(store)


def test_a_crafted_bundle_is_restored_clean(store: Store, tmp_path):
    """Checksums can be recomputed, so a bundle's text is input like any other."""
    project = store.projects.create("Bundled")
    store.runs.save_run(project.id, Run(name="plain", dev_error=0.1))
    data = bundle_bytes(store, project.id)
    store.projects.delete(project.id)

    source = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(source.read("manifest.json"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as crafted:
        for info in source.infolist():
            payload = source.read(info)
            if info.filename == manifest["tables"]["run_versions"]["file"]:
                table = pq.read_table(io.BytesIO(payload)).to_pandas()
                table["name"] = "evil\x0b\u202ename"
                buffer = io.BytesIO()
                table.to_parquet(buffer, index=False)
                payload = buffer.getvalue()
                manifest["tables"]["run_versions"]["sha256"] = hashlib.sha256(
                    payload).hexdigest()
            if info.filename != "manifest.json":
                crafted.writestr(info.filename, payload)
        crafted.writestr("manifest.json", json.dumps(manifest))
    restore_bundle(store, out.getvalue())
    (restored,) = store.projects.list()
    assert [r.name for r in store.runs.list(restored.id)] == ["evilname"]
    assert_clean(store)


def test_text_stored_before_the_rule_still_renders_safely(isolated_db):
    """A database written by an older version holds a name with a vertical tab: the report
    (Markdown and HTML with its charts) comes out clean and the process survives."""
    store = open_store(str(isolated_db))
    project = store.projects.create("Old")
    store.runs.save_run(project.id, Run(name="placeholder", train_error=0.05, dev_error=0.07))
    store.runs.save_run(project.id, Run(name="r2", train_error=0.04, dev_error=0.06))
    store.database.close()
    raw = duckdb.connect(str(isolated_db))  # bypasses the store, as an older version did
    raw.execute("UPDATE run_versions SET name = ? WHERE name = 'placeholder'", ["r\x0bvt"])
    raw.close()

    store = open_store(str(isolated_db))
    try:
        assert any("\x0b" in r.name for r in store.runs.list(project.id))
        report = build_report(store, store.projects.get(project.id))
        markdown, page = to_markdown(report), to_html(report)
        for text in (markdown, page):
            assert "\x0b" not in text and "rvt" in text
        assert page.count("<svg") >= 2 and "could not be drawn" not in page
    finally:
        store.database.close()


def test_a_prediction_file_needs_cleaning_only_when_its_bytes_say_so(tmp_path):
    """The SQL pass of the text rule is skipped for files that hold nothing it changes,
    including a character split across two read chunks."""
    from strategy_core.store import prediction_files

    clean = tmp_path / "clean.csv"
    clean.write_text("example_id,label,prediction,text\ne1,cat,dog,Ünïcödé 日本 🙂\n",
                     encoding="utf-8")
    assert not prediction_files.needs_cleaning(clean)
    for dirty in ("a\x0bb", "crlf\r\n", "c1\x85", "bidi\u202e", "iso\u2066", "nc\ufffe"):
        path = tmp_path / "dirty.csv"
        path.write_text(f"example_id,label,prediction\n{dirty},cat,dog\n", encoding="utf-8",
                        newline="")
        assert prediction_files.needs_cleaning(path), repr(dirty)
    straddle = tmp_path / "straddle.csv"
    payload = b"x" * (prediction_files._CHUNK - 1) + "\u202e".encode()
    straddle.write_bytes(payload)
    assert prediction_files.needs_cleaning(straddle)
