"""Settings & backup page: prepare a bundle, download it, restore it."""

from __future__ import annotations

import pytest

from strategy_core.store import open_store
from strategy_core.store.bundles import bundle_bytes
from tests.app.conftest import DEMO_SLUG, assert_no_exception, open_app


def test_empty_project_page_works() -> None:
    at = open_app()
    at.sidebar.text_input(key="project_create_name").input("Fresh")
    at.sidebar.button[0].click().run()
    at.switch_page("pages/settings.py").run()
    assert_no_exception(at)
    assert at.title[0].value == "Settings & backup"


def test_prepare_project_backup_offers_the_zip(demo_app_env: str) -> None:
    at = open_app("settings", project=DEMO_SLUG)
    assert_no_exception(at)
    at.button(key="settings_export_project_prepare").click().run()
    assert_no_exception(at)
    data = at.session_state["settings_export_project_data"]
    assert data[:2] == b"PK"
    labels = [b.label for b in at.get("download_button")]
    assert any(label.startswith("Download backup") for label in labels)


def test_restore_a_deleted_project_from_its_bundle(demo_app_env: str, isolated_db) -> None:
    open_app("settings", project=DEMO_SLUG)  # first start: seeds the demo
    store = open_store(str(isolated_db))
    project = store.projects.by_slug(DEMO_SLUG)
    data = bundle_bytes(store, project.id)
    store.projects.delete(project.id)
    store.projects.create("Placeholder")
    at = open_app("settings")
    at.file_uploader(key="settings_restore").upload("demo.zip", data, "application/zip").run()
    assert_no_exception(at)
    assert any("Bundle checked" in s.value for s in at.success)
    at.button(key="settings_restore_go").click().run()
    assert_no_exception(at)
    assert store.projects.by_slug(DEMO_SLUG) is not None
    assert len(store.runs.list(project.id)) == 10


@pytest.mark.parametrize("payload", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_a_bad_bundle_is_refused_with_a_message(demo_app_env: str, isolated_db,
                                                payload: bytes) -> None:
    at = open_app("settings", project=DEMO_SLUG)
    at.file_uploader(key="settings_restore").upload("bad.zip", payload, "application/zip").run()
    assert_no_exception(at)
    assert any("cannot be restored" in e.value for e in at.error)
    assert all(b.key != "settings_restore_go" for b in at.button)
