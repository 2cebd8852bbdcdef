"""Commands for projects and runs: `projects`, `import-runs`, `runs`, `seed-demo`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from strategy_core.cli import add_command, open_cli_store, parse_pairs
from strategy_core.errors import InputError
from strategy_core.rates import format_pct
from strategy_core.run_csv import FORMATS, MAX_FILE_MB


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = add_command(sub, "projects", common)
    p.set_defaults(handler=cmd_projects)

    p = add_command(sub, "import-runs", common)
    p.add_argument("file")
    p.add_argument("--project", required=True)
    p.add_argument("--format", default="auto", choices=("auto", *FORMATS))
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN")
    p.add_argument("--values", default="auto", choices=("auto", "error", "accuracy"))
    p.add_argument("--scale", default="auto", choices=("auto", "fraction", "percent"))
    p.set_defaults(handler=cmd_import_runs)

    p = add_command(sub, "runs", common)
    p.add_argument("--project", required=True)
    p.set_defaults(handler=cmd_runs)

    p = add_command(sub, "seed-demo", common)
    p.set_defaults(handler=cmd_seed_demo)


def cmd_projects(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    from strategy_core.usecases.projects import list_projects

    store = open_cli_store(args)
    projects = [{"name": p.name, "slug": p.slug, "runs": p.runs} for p in list_projects(store)]
    text = "\n".join(f"{p['name']}  ({p['slug']}, {p['runs']} runs)" for p in projects)
    return {"projects": projects}, text or "no projects"


def cmd_import_runs(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    from strategy_core.usecases.projects import ensure_project
    from strategy_core.usecases.runs import import_plan, plan_import, read_run_file

    path = Path(args.file)
    if not path.is_file():
        raise InputError(f"no file {args.file}")
    if path.stat().st_size > MAX_FILE_MB * 1024 * 1024:  # refused before reading it
        raise InputError(f"{args.file} is larger than the {MAX_FILE_MB} MB limit")
    plan = plan_import(read_run_file(path.read_bytes()), args.format,
                       overrides=parse_pairs(args.map, "--map"), values=args.values,
                       scale=args.scale)
    built, fmt = plan.built, plan.fmt
    if not built.ok:
        first = built.problems[0]
        more = f" (and {len(built.problems) - 1} more problems)" if len(built.problems) > 1 else ""
        raise InputError(f"{path.name}: {first}{more}")
    store = open_cli_store(args)
    project = ensure_project(store, args.project)
    result = import_plan(store, project.id, plan, source=path.name)
    payload = {"project": project.name, "format": fmt, **result.as_dict()}
    text = (f"{project.name}: imported {path.name} ({fmt}): {result.added} added, "
            f"{result.updated} updated, {result.unchanged} unchanged")
    return payload, text


def cmd_runs(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    from strategy_core.usecases.projects import resolve_project
    from strategy_core.usecases.runs import runs as project_runs

    store = open_cli_store(args)
    project = resolve_project(store, args.project)
    runs = project_runs(store, project.id)
    lines = [f"{r.name:30} train {format_pct(r.train_error):>6}  train-dev "
             f"{format_pct(r.train_dev_error):>6}  dev {format_pct(r.dev_error):>6}  "
             f"test {format_pct(r.test_error):>6}" for r in runs]
    return {"project": project.name, "runs": [r.as_dict() for r in runs]}, "\n".join(lines) \
        or "no runs"


def cmd_seed_demo(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    from strategy_core.usecases.demo import seed_demo

    seeded = seed_demo(open_cli_store(args))
    return {"seeded": seeded}, "demo project seeded" if seeded else "nothing to seed"
