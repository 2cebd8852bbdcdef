"""Commands for projects and runs: `projects`, `import-runs`, `runs`, `seed-demo`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from strategy_core.cli import add_command, open_cli_store, parse_pairs
from strategy_core.errors import InputError
from strategy_core.run_csv import FORMATS, MAX_FILE_MB
from strategy_core.values.project_metric import PRESETS


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = add_command(sub, "projects", common)
    p.set_defaults(handler=cmd_projects)

    p = add_command(sub, "import-runs", common)
    p.add_argument("file")
    p.add_argument("--project", required=True)
    p.add_argument("--format", default="auto", choices=("auto", *FORMATS))
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN")
    p.add_argument("--values", default="auto", choices=("auto", "error", "accuracy", "value"))
    p.add_argument("--metric", metavar="KEY", choices=sorted(PRESETS),
                   help="confirm the metric of the file's split columns (e.g. loss, wer, "
                        "mse); the project metric is set to it and the change logged")
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
    from strategy_core.usecases.project_metric import project_metric
    from strategy_core.usecases.projects import ensure_project, resolve_or_none
    from strategy_core.usecases.runs import (
        check_levels,
        import_plan,
        plan_import,
        read_run_file,
    )
    from strategy_core.values.project_metric import ERROR_RATE

    path = Path(args.file)
    if not path.is_file():
        raise InputError(f"no file {args.file}")
    if path.stat().st_size > MAX_FILE_MB * 1024 * 1024:  # refused before reading it
        raise InputError(f"{args.file} is larger than the {MAX_FILE_MB} MB limit")
    table = read_run_file(path.read_bytes())
    store = open_cli_store(args)
    confirmed = PRESETS[args.metric] if args.metric else None
    found = resolve_or_none(store, args.project)
    current = project_metric(store, found.id) if found is not None else None
    plan = plan_import(table, args.format, overrides=parse_pairs(args.map, "--map"),
                       values=args.values, scale=args.scale,
                       metric=confirmed or current or ERROR_RATE)
    built, fmt = plan.built, plan.fmt
    if not built.ok:
        first = built.problems[0]
        more = f" (and {len(built.problems) - 1} more problems)" if len(built.problems) > 1 else ""
        raise InputError(f"{path.name}: {first}{more}")
    target = confirmed or current or ERROR_RATE
    problem = plan.metric_problem(target)
    if problem is not None:
        proposed = plan.proposed_metric
        hint = f" (--metric {proposed.key})" if proposed is not None else ""
        raise InputError(f"{path.name}: {problem}{hint}")
    check_levels(plan, target)  # before a new project is created
    project = found or ensure_project(store, args.project)
    result = import_plan(store, project.id, plan, source=path.name, metric=confirmed)
    payload = {"project": project.name, "format": fmt, **result.as_dict()}
    text = (f"{project.name}: imported {path.name} ({fmt}): {result.added} added, "
            f"{result.updated} updated, {result.unchanged} unchanged")
    return payload, text


def cmd_runs(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    from strategy_core.usecases.project_metric import project_metric
    from strategy_core.usecases.projects import resolve_project
    from strategy_core.usecases.runs import runs as project_runs

    store = open_cli_store(args)
    project = resolve_project(store, args.project)
    runs = project_runs(store, project.id)
    metric = project_metric(store, project.id)
    show = metric.format
    lines = [f"{r.name:30} train {show(r.train_error):>6}  train-dev "
             f"{show(r.train_dev_error):>6}  dev {show(r.dev_error):>6}  "
             f"test {show(r.test_error):>6}" for r in runs]
    return {"project": project.name, "runs": [r.as_dict() for r in runs]}, "\n".join(lines) \
        or "no runs"


def cmd_seed_demo(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    from strategy_core.usecases.demo import seed_demo

    seeded = seed_demo(open_cli_store(args))
    return {"seeded": seeded}, "demo project seeded" if seeded else "nothing to seed"
