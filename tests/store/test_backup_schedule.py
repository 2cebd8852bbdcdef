"""Scheduled backups inside the server process (docs/deploy.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from strategy_core.errors import InputError
from strategy_core.store import Store, open_store
from strategy_core.store.backup_schedule import (
    BackupSchedule,
    backup_now,
    schedule_from_settings,
)
from strategy_core.store.bundles import restore_bundle


def test_no_schedule_without_a_folder() -> None:
    assert schedule_from_settings({}) is None


def test_schedule_from_settings(tmp_path: Path) -> None:
    schedule = schedule_from_settings({"STRATEGY_BACKUP_DIR": str(tmp_path),
                                       "STRATEGY_BACKUP_HOURS": "6",
                                       "STRATEGY_BACKUP_KEEP": "3"})
    assert schedule == BackupSchedule(tmp_path, 6 * 3600, 3)


@pytest.mark.parametrize("hours, keep", [("0", "3"), ("x", "3"), ("6", "0"), ("6", "two")])
def test_bad_schedule_settings_are_refused(tmp_path: Path, hours: str, keep: str) -> None:
    with pytest.raises(InputError):
        schedule_from_settings({"STRATEGY_BACKUP_DIR": str(tmp_path),
                                "STRATEGY_BACKUP_HOURS": hours, "STRATEGY_BACKUP_KEEP": keep})


def test_backups_restore_and_only_the_newest_are_kept(demo_store: Store, tmp_path: Path
                                                      ) -> None:
    schedule = BackupSchedule(tmp_path / "backups", 3600, 2)
    written = []
    for minute in range(3):
        path = backup_now(demo_store, schedule)
        renamed = path.with_name(f"strategy-all-2026112{minute}-0000.zip")
        path.rename(renamed)
        written.append(renamed)
    backup_now(demo_store, schedule)
    kept = sorted(p.name for p in schedule.folder.glob("*.zip"))
    assert len(kept) == 2 and written[0].name not in kept and written[1].name not in kept
    target = open_store(str(tmp_path / "restored.duckdb"))
    restore_bundle(target, (schedule.folder / kept[-1]).read_bytes())
    assert [p.name for p in target.projects.list()] == ["Cat classifier (demo)",
                                                        "Speech recognition (demo)"]
    target.database.close()
