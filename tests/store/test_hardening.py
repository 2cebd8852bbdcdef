"""Hosting hardening: DuckDB cannot reach files or extensions it should not,
and the Streamlit configuration hides error details and the grid's unsafe CSV export."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from strategy_core.errors import StoreError
from strategy_core.store import Store

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("sql", [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/hostname')",
    "COPY (SELECT 1) TO '/tmp/strategy-leak.csv'",
    "ATTACH '/tmp/strategy-other.duckdb' AS other",
    "INSTALL httpfs",
    "SET enable_external_access = true",
    "SET allowed_directories = ['/']",
])
def test_sql_cannot_reach_outside_the_staging_folder(store: Store, sql: str) -> None:
    with pytest.raises(StoreError), store.read() as cur:
        cur.execute(sql)
    assert not Path("/tmp/strategy-leak.csv").exists()


def test_the_staging_folder_is_readable(store: Store) -> None:
    staged = store.database.work_dir / "ok.csv"
    staged.write_text("a,b\n1,2\n")
    with store.read() as cur:
        assert cur.execute("SELECT * FROM read_csv(?)", [str(staged)]).fetchall() == [(1, 2)]


def test_extensions_are_not_installed_or_loaded_automatically(store: Store) -> None:
    with store.read() as cur:
        settings = dict(cur.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN "
            "('autoinstall_known_extensions', 'autoload_known_extensions', "
            "'enable_external_access', 'lock_configuration', 'memory_limit')").fetchall())
    assert settings["autoinstall_known_extensions"] == "false"
    assert settings["autoload_known_extensions"] == "false"
    assert settings["enable_external_access"] == "false"
    assert settings["lock_configuration"] == "true"
    assert settings["memory_limit"] not in ("", None)


def test_streamlit_config_is_set_for_hosting() -> None:
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == 50
    assert config["server"]["fileWatcherType"] == "none"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] == "viewer"
    # The grid's built-in CSV export would not neutralize formula cells: the app's own
    # safe download buttons replace it.
    assert config["client"]["disableDataExport"] is True
