"""The report on the Decisions & report page through AppTest: prepared on
demand, two downloads (Markdown and self-contained HTML) with the project's content, kept
in step with the data, for an empty project, for the demo, and for viewers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from strategy_core.markdown import escape
from strategy_core.report import SECTION_TITLES
from strategy_core.store import Store, open_store
from tests.app.conftest import DEMO_SLUG, assert_no_exception, open_app

SLUG = "phone-cats"
TODAY = f"{date.today():%Y-%m-%d}"


class _RecordingStorage(MemoryMediaFileStorage):
    """The AppTest media storage, keeping what download buttons serve."""

    served: dict[str, tuple[bytes, str | None, str]] = {}

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):  # noqa: ANN001
        file_id = super().load_and_get_id(path_or_data, mimetype, kind, filename)
        self.served[file_id] = (self.get_file(file_id).content, filename, mimetype)
        return file_id


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[bytes, str | None, str]]:
    _RecordingStorage.served = {}
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", _RecordingStorage)
    return _RecordingStorage.served


@pytest.fixture
def project(isolated_db: Path) -> Store:
    store = open_store(str(isolated_db))
    store.projects.create("Phone cats")
    return store


def page(slug: str) -> AppTest:
    at = open_app("decisions", project=slug)
    assert_no_exception(at)
    return at


def prepare(at: AppTest) -> AppTest:
    at.button(key="report_prepare").click().run()
    assert_no_exception(at)
    return at


def served(at: AppTest, downloads, fmt: str) -> tuple[str, str | None, str]:
    button = at.download_button(key=f"report_download_{fmt}")
    content, file_name, mime = downloads[Path(button.proto.url).stem]
    return content.decode("utf-8"), file_name, mime


def prepared_note(at: AppTest) -> str:
    (note,) = [c.value for c in at.caption if c.value.startswith("Prepared from")]
    return note


def report_buttons(at: AppTest) -> list[str]:
    return [b.proto.id for b in at.get("download_button") if "report_download" in b.proto.id]


def test_demo_report_is_prepared_on_demand_with_both_downloads(demo_app_env: str, downloads):
    at = page(DEMO_SLUG)
    assert "Report" in [h.value for h in at.subheader]
    assert report_buttons(at) == []  # nothing is built until asked for
    prepare(at)
    assert len(report_buttons(at)) == 2
    assert [b.label for b in at.get("download_button") if "report_download" in b.proto.id] \
        == ["Download Markdown", "Download HTML"]

    markdown, name, mime = served(at, downloads, "md")
    assert (name, mime) == (f"cat-classifier-demo-report-{TODAY}.md", "text/markdown")
    assert markdown.startswith("# Cat classifier \\(demo\\)\\: project report")
    for title in SECTION_TITLES.values():
        assert f"## {escape(title)}" in markdown
    assert "Blurry" in markdown and "1\\.4 pts" in markdown

    page_html, name, mime = served(at, downloads, "html")
    assert (name, mime) == (f"cat-classifier-demo-report-{TODAY}.html", "text/html")
    assert page_html.startswith("<!DOCTYPE html>")
    assert page_html.count("<svg") == 7 and "<script" not in page_html
    assert "Fixing Blurry could cut dev error from 2.9% to at best 1.7%." in page_html
    # the cat demo has no Optimization Verification records (the speech demo has them)
    assert prepared_note(at) == (f"Prepared from the project's data as of {TODAY}. No data "
                                 "yet for: Optimization verification\\: search or objective.")


def test_the_prepared_report_follows_the_data(demo_app_env: str, downloads):
    at = prepare(page(DEMO_SLUG))
    assert "Collect mobile photos" not in served(at, downloads, "md")[0]
    store = open_store()
    project = store.projects.by_slug(DEMO_SLUG)
    assert project is not None
    store.decisions.record(project.id, "diagnosis", "Collect mobile photos", {},
                           "Data mismatch is the focus.", "Ann")
    at.run()  # any rerun after a change rebuilds the downloads
    assert_no_exception(at)
    assert len(report_buttons(at)) == 2
    markdown = served(at, downloads, "md")[0]
    assert "Collect mobile photos" in markdown and "Ann" in markdown


def test_empty_project_report_says_there_is_no_data(project: Store, downloads):
    at = prepare(page(SLUG))
    markdown = served(at, downloads, "md")[0]
    assert "No runs are recorded yet\\." in markdown
    assert "No error analysis yet\\." in markdown
    page_html = served(at, downloads, "html")[0]
    assert "No decisions recorded yet." in page_html and "<svg" not in page_html
    assert prepared_note(at).startswith(
        f"Prepared from the project's data as of {TODAY}. No data yet for: Runs, "
        "Diagnosis\\: where the error comes from")


def test_untrusted_project_name_stays_text_in_the_downloads(isolated_db: Path, downloads):
    store = open_store(str(isolated_db))
    created = store.projects.create("<script>x</script> **cats**")
    at = prepare(page(created.slug))
    assert "<script" not in served(at, downloads, "html")[0]
    markdown = served(at, downloads, "md")[0]
    assert markdown.startswith("# \\<script\\>x\\</script\\> \\*\\*cats\\*\\*")


def test_viewers_can_download_the_report(project: Store, downloads,
                                         monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("STRATEGY_EDITOR_PASSCODE", "open sesame")
    at = page(SLUG)
    assert not [t for t in at.text_input if t.key == "dec_free_verdict"]  # no write controls
    prepare(at)
    assert len(report_buttons(at)) == 2
    assert served(at, downloads, "md")[0].startswith("# Phone cats\\: project report")
