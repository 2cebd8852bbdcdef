"""`report --project NAME --format md|html --out FILE [--json]`: write the
project report (Markdown, or a self-contained HTML file) and say what was written.

It only reads the database. An unknown project or a file that cannot be written is bad
input (exit 2) and leaves nothing behind.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import Any

from strategy_core.cli import add_command, open_cli_store
from strategy_core.errors import InputError
from strategy_core.report import FORMATS


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = add_command(sub, "report", common)
    p.add_argument("--project", required=True, metavar="NAME", help="a project (name or slug)")
    p.add_argument("--format", required=True, choices=list(FORMATS), dest="fmt",
                   help="md (Markdown) or html (one self-contained file, charts inline)")
    p.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    p.set_defaults(handler=cmd_report)


def cmd_report(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    from strategy_core.usecases.projects import resolve_project
    from strategy_core.usecases.report import project_report

    store = open_cli_store(args)
    project = resolve_project(store, args.project)
    out = Path(args.out).expanduser()
    if out.is_dir():
        raise InputError(f"--out '{args.out}' is a directory: name the file to write")
    if not out.parent.is_dir():
        raise InputError(f"--out '{args.out}': the folder '{out.parent}' does not exist")
    report, text = project_report(store, project, args.fmt)
    data = text.encode("utf-8")
    _write(out, data)
    payload = {"project": project.name, "format": args.fmt, "out": str(out),
               "sections": report.section_titles, "bytes": len(data)}
    summary = (f"Wrote the {FORMATS[args.fmt]} report of '{project.name}' to {out} "
               f"({len(data):,} bytes): {', '.join(report.section_titles)}.")
    return payload, summary


def _write(out: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, so a failed write never leaves a
    half-written report (or clobbers an older one)."""
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    except OSError as exc:
        raise InputError(f"--out '{out}' cannot be written: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        mask = os.umask(0)  # mkstemp makes the file private; give it the usual mode
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)
        os.replace(temporary, out)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"--out '{out}' cannot be written: {exc.strerror or exc}") from None
