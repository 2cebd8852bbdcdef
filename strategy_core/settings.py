"""Every setting the product reads, declared once as (name, default, help).

The README's configuration table is checked against this list by tests/core/test_settings.py.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# A checkout keeps its database in data/; an installed package (pip install .) has no
# checkout, and site-packages is no place for data: it keeps it in the user's home.
IS_CHECKOUT = (REPO_ROOT / "pyproject.toml").exists()
DEFAULT_DB_PATH = (REPO_ROOT / "data" / "strategy.duckdb" if IS_CHECKOUT else
                   Path.home() / ".ml-strategy-dashboard" / "strategy.duckdb")


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "STRATEGY_DB",
        "data/strategy.duckdb",
        "Path of the DuckDB database file (or secret `db_path`). Created and migrated on open.",
    ),
    Setting(
        "STRATEGY_SEED_DEMO",
        "1",
        "Seed the demo project into a new, empty database (`0` to start empty).",
    ),
    Setting(
        "STRATEGY_EDITOR_PASSCODE",
        "",
        "When set (or secret `editor_passcode`), sessions start read-only until unlocked.",
    ),
    Setting(
        "STRATEGY_BACKUP_DIR",
        "",
        "When set, the server writes a whole-database backup bundle into this folder.",
    ),
    Setting(
        "STRATEGY_BACKUP_HOURS",
        "24",
        "Hours between scheduled backups (with `STRATEGY_BACKUP_DIR`).",
    ),
    Setting(
        "STRATEGY_BACKUP_KEEP",
        "14",
        "How many scheduled backups to keep; older ones are deleted.",
    ),
    Setting(
        "STRATEGY_MEMORY_LIMIT",
        "1GB",
        "DuckDB memory limit for the server process.",
    ),
)


def setting(name: str, env: Mapping[str, str] | None = None) -> str:
    """The value of a declared setting from the environment, else its default."""
    declared = {s.name: s for s in SETTINGS}
    if name not in declared:
        raise KeyError(f"undeclared setting {name}")
    source = os.environ if env is None else env
    return source.get(name, declared[name].default)


def resolve_db_path(
    env: Mapping[str, str] | None = None, secrets: Mapping[str, object] | None = None
) -> str:
    """`STRATEGY_DB`, else the secret `db_path`, else `data/strategy.duckdb` in the checkout
    (`~/.ml-strategy-dashboard/strategy.duckdb` for an installed package).

    A relative path is taken from the checkout (from the current folder when installed); a
    DuckDB URI such as `md:team_db` is kept as is.
    """
    source = os.environ if env is None else env
    raw = source.get("STRATEGY_DB") or (secrets or {}).get("db_path")
    if not raw:
        return str(DEFAULT_DB_PATH)
    raw = str(raw)
    if raw == ":memory:" or re.match(r"^[a-z]{2,}:", raw):
        return raw
    path = Path(raw).expanduser()
    return str(path if path.is_absolute() else
               (REPO_ROOT / path if IS_CHECKOUT else Path.cwd() / path))


def seed_demo_enabled(env: Mapping[str, str] | None = None) -> bool:
    return setting("STRATEGY_SEED_DEMO", env).strip().lower() not in {"0", "false", "no", "off"}
