"""Backup: bundles of one project or the whole database (a zip of Parquet tables with a
manifest), checking and restoring one, and the server's scheduled backups
(strategy_core.store.bundles, strategy_core.store.backup_schedule)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from strategy_core.store import Store, bundles
from strategy_core.store import backup_schedule as schedules
from strategy_core.store.backup_schedule import BackupSchedule
from strategy_core.store.bundles import BundleManifest, RestoreResult
from strategy_core.store.projects import Project

__all__ = ["BackupSchedule", "BundleManifest", "RestoreResult", "ScheduleStatus",
           "bundle_file_name", "check_bundle", "export_bundle", "export_bundle_bytes",
           "restore_bundle", "schedule_status", "start_scheduled_backups"]


def export_bundle(store: Store, destination: Path | str, project_id: int | None = None
                  ) -> BundleManifest:
    """Write one project (or, with `project_id` None, the whole database) as a zip file."""
    return bundles.export_bundle(store, destination, project_id)


def export_bundle_bytes(store: Store, project_id: int | None = None) -> bytes:
    """A bundle of one project (or the whole database) as bytes, for a download button."""
    return bundles.bundle_bytes(store, project_id)


def bundle_file_name(project: Project | None) -> str:
    """'strategy-<slug>-<UTC time>.zip', or 'strategy-all-…' for the whole database."""
    return bundles.bundle_file_name(project.slug if project is not None else None)


def check_bundle(store: Store, data: bytes) -> BundleManifest:
    """Check a bundle completely against this database's schema (manifest, checksums, row
    counts) without writing, and return what a restore would bring."""
    return bundles.describe_bundle(data, store.database.schema_version())


def restore_bundle(store: Store, data: bytes, *, replace_all: bool = False) -> RestoreResult:
    """Restore a bundle in one transaction; on any problem nothing is written."""
    return bundles.restore_bundle(store, data, replace_all=replace_all)


# --- scheduled backups --------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleStatus:
    """Where scheduled backups go, how often, how many are kept, and the newest one's age."""

    folder: Path
    every_hours: float
    keep: int
    last_backup_age_seconds: float | None


def schedule_status(env: Mapping[str, str] | None = None,
                    now: Callable[[], float] = time.time) -> ScheduleStatus | None:
    """The configured schedule and its newest bundle's age; None when `STRATEGY_BACKUP_DIR`
    is unset (raises InputError when the settings are malformed)."""
    schedule = schedules.schedule_from_settings(env)
    if schedule is None:
        return None
    return ScheduleStatus(schedule.folder, schedule.every_seconds / 3600, schedule.keep,
                          schedules.last_backup_age(schedule, now))


def start_scheduled_backups(store: Store, env: Mapping[str, str] | None = None) -> bool:
    """Start the thread that writes scheduled whole-database bundles when a schedule is
    configured (once per database, per process); True when it started now."""
    schedule = schedules.schedule_from_settings(env)
    return schedule is not None and schedules.start_scheduled_backups(store, schedule)
