"""The page registry: every page file is registered, addressed by its file name."""

from __future__ import annotations

from pathlib import Path

from ui.navigation import PAGES

REPO = Path(__file__).resolve().parents[2]


def test_every_page_file_is_registered_once() -> None:
    files = sorted(p.name for p in (REPO / "pages").glob("*.py"))
    assert sorted(spec.file for spec in PAGES) == files


def test_url_path_is_the_file_name_so_first_requests_reach_app_py() -> None:
    # Streamlit resolves a server's first request against the pages/ folder by file name;
    # session.leave_legacy_pages_mode can only hand it to app.py when the names agree.
    for spec in PAGES:
        assert spec.url_path == Path(spec.file).stem
        assert spec.purpose


def test_one_default_page() -> None:
    assert [spec.file for spec in PAGES if spec.default] == ["overview.py"]
