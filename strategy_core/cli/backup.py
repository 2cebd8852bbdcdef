"""Commands for backup bundles: `export` and `restore`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from strategy_core.cli import add_command, open_cli_store
from strategy_core.errors import InputError


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = add_command(sub, "export", common)
    scope = p.add_mutually_exclusive_group(required=True)
    scope.add_argument("--project")
    scope.add_argument("--all", action="store_true")
    p.add_argument("--out", required=True, metavar="FILE.zip")
    p.set_defaults(handler=cmd_export)

    p = add_command(sub, "restore", common)
    p.add_argument("file", metavar="FILE.zip")
    p.add_argument("--replace", action="store_true",
                   help="a whole-database bundle replaces everything in a non-empty database")
    p.set_defaults(handler=cmd_restore)


def cmd_export(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    from strategy_core.usecases.backup import export_bundle
    from strategy_core.usecases.projects import resolve_project

    store = open_cli_store(args)
    project = resolve_project(store, args.project) if args.project else None
    out = Path(args.out)
    if out.is_dir():
        raise InputError(f"--out {args.out} is a folder; give a file name ending in .zip")
    manifest = export_bundle(store, out, project.id if project else None)
    rows = {table: meta["rows"] for table, meta in manifest.tables.items()}
    payload = {"scope": manifest.scope, "project": project.name if project else None,
               "out": str(out), "schema_version": manifest.schema_version, "rows": rows}
    what = f"project {project.name}" if project else "the whole database"
    return payload, f"wrote {what} to {out} ({sum(rows.values())} rows)"


def cmd_restore(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    path = Path(args.file)
    if not path.is_file():
        raise InputError(f"no file {args.file}")
    from strategy_core.usecases.backup import restore_bundle

    store = open_cli_store(args)
    result = restore_bundle(store, path.read_bytes(), replace_all=args.replace)
    text = (f"restored {result.scope} bundle: {', '.join(result.projects) or 'no projects'} "
            f"({sum(result.rows.values())} rows)")
    return result.as_dict(), text
