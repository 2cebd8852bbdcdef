"""Scheduled backups written by the server process itself.

DuckDB lets only one process open the database file, so a cron job cannot read it while
the app runs. Instead, when `STRATEGY_BACKUP_DIR` is set, the app writes a whole-database
bundle there every `STRATEGY_BACKUP_HOURS` hours and keeps the newest
`STRATEGY_BACKUP_KEEP` of them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from strategy_core.errors import InputError
from strategy_core.settings import setting
from strategy_core.store.bundles import bundle_file_name, export_bundle

if TYPE_CHECKING:
    from strategy_core.store import Store

log = logging.getLogger(__name__)
PREFIX = "strategy-all-"


@dataclass(frozen=True)
class BackupSchedule:
    folder: Path
    every_seconds: float
    keep: int


def schedule_from_settings(env: Mapping[str, str] | None = None) -> BackupSchedule | None:
    """The schedule from the environment; None when `STRATEGY_BACKUP_DIR` is unset."""
    folder = setting("STRATEGY_BACKUP_DIR", env).strip()
    if not folder:
        return None
    try:
        hours = float(setting("STRATEGY_BACKUP_HOURS", env))
        keep = int(setting("STRATEGY_BACKUP_KEEP", env))
    except ValueError:
        raise InputError("STRATEGY_BACKUP_HOURS must be a number of hours and "
                         "STRATEGY_BACKUP_KEEP a whole number") from None
    if hours <= 0 or keep < 1:
        raise InputError("STRATEGY_BACKUP_HOURS must be positive and STRATEGY_BACKUP_KEEP "
                         "at least 1")
    return BackupSchedule(Path(folder).expanduser(), hours * 3600, keep)


def backup_now(store: Store, schedule: BackupSchedule) -> Path:
    """Write one whole-database bundle and delete the oldest beyond `keep`."""
    schedule.folder.mkdir(parents=True, exist_ok=True)
    target = schedule.folder / bundle_file_name(None)
    export_bundle(store, target)
    bundles = sorted(schedule.folder.glob(f"{PREFIX}*.zip"))
    for old in bundles[: max(0, len(bundles) - schedule.keep)]:
        old.unlink(missing_ok=True)
    return target


def last_backup_age(schedule: BackupSchedule, now: Callable[[], float] = time.time
                    ) -> float | None:
    bundles = sorted(schedule.folder.glob(f"{PREFIX}*.zip"))
    return None if not bundles else now() - bundles[-1].stat().st_mtime


_started: set[str] = set()
_lock = threading.Lock()


def start_scheduled_backups(store: Store, schedule: BackupSchedule) -> bool:
    """Start (once per database, per process) the thread that writes the bundles."""
    with _lock:
        if store.path in _started:
            return False
        _started.add(store.path)

    def loop() -> None:
        while not store.database.closed:
            age = last_backup_age(schedule)
            if age is None or age >= schedule.every_seconds:
                try:
                    written = backup_now(store, schedule)
                    log.info("wrote scheduled backup %s", written)
                except Exception:  # noqa: BLE001 - keep trying on the next round
                    log.exception("scheduled backup failed")
                age = 0.0
            time.sleep(max(60.0, min(schedule.every_seconds - age, 3600.0)))

    threading.Thread(target=loop, name="strategy-backups", daemon=True).start()
    return True
