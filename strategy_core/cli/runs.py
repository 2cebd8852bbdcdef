"""Commands for projects and runs: `projects`, `import-runs`, `runs`, `seed-demo`,
`human-levels` (the Runs page's Human level tab: show, set, remove, choose the proxy)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from strategy_core.cli import add_command, open_cli_store, parse_pairs
from strategy_core.errors import InputError
from strategy_core.run_csv import DEFAULT_PICK, FORMATS, HISTORY_PICKS, MAX_FILE_MB
from strategy_core.values.project_metric import PRESETS


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = add_command(sub, "projects", common)
    p.set_defaults(handler=cmd_projects)

    p = add_command(sub, "import-runs", common)
    p.add_argument("file")
    p.add_argument("--project", required=True)
    p.add_argument("--format", default="auto", choices=("auto", *FORMATS))
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                   help="map a run field to a column (dev_error=val_acc), or set a "
                        "column's role (COLUMN=ignore, COLUMN=param, COLUMN=metric)")
    p.add_argument("--values", default="auto", choices=("auto", "error", "accuracy", "value"))
    p.add_argument("--metric", metavar="KEY", choices=sorted(PRESETS),
                   help="confirm the metric of the file's split columns (e.g. loss, wer, "
                        "mse); the project metric is set to it and the change logged")
    p.add_argument("--scale", default="auto", choices=("auto", "fraction", "percent"))
    p.add_argument("--pick", default=DEFAULT_PICK, choices=tuple(HISTORY_PICKS),
                   help="a history export's values per run: at the best dev step "
                        "(default), at the last step, or each column's best")
    p.add_argument("--dates", default="auto", choices=("auto", "dmy", "mdy"),
                   help="read dates such as 04-08-2024 day first (dmy) or month first "
                        "(mdy) when the column does not settle it")
    p.set_defaults(handler=cmd_import_runs)

    p = add_command(sub, "runs", common)
    p.add_argument("--project", required=True)
    p.set_defaults(handler=cmd_runs)

    p = add_command(sub, "seed-demo", common)
    p.set_defaults(handler=cmd_seed_demo)

    p = add_command(
        sub, "human-levels", common,
        description="Without options, show the project's human levels and the Bayes proxy; "
                    "--set, --remove and --proxy change them as the Runs page's Human level "
                    "tab does (levels in the project metric's units).")
    p.add_argument("--project", required=True, metavar="NAME")
    p.add_argument("--set", action="append", dest="set_levels", metavar="LABEL=LEVEL",
                   help="record or change a level, e.g. expert=1%% (repeatable)")
    p.add_argument("--remove", action="append", metavar="LABEL",
                   help="remove a level (repeatable)")
    p.add_argument("--proxy", metavar="LABEL",
                   help="the level used as Bayes proxy ('best': the best level)")
    p.set_defaults(handler=cmd_human_levels)


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
        file_stem,
        import_plan,
        plan_import,
        read_run_file,
    )
    from strategy_core.usecases.runs import runs as project_runs
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
    if confirmed is None and (found is None or not project_runs(store, found.id)):
        # a new or empty project takes the metric the file's columns are in
        confirmed = plan_import(table, args.format, overrides=parse_pairs(args.map, "--map"),
                                pick=args.pick, dates=args.dates).proposed_metric
    current = project_metric(store, found.id) if found is not None else None
    plan = plan_import(table, args.format, overrides=parse_pairs(args.map, "--map"),
                       values=args.values, scale=args.scale,
                       metric=confirmed or current or ERROR_RATE, pick=args.pick,
                       name_hint=file_stem(path.name), dates=args.dates)
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
    payload = {"project": project.name, "format": fmt, **result.as_dict(),
               "history": None if plan.history is None else {
                   "kind": plan.history.kind, "pick": plan.history.pick,
                   "step_column": plan.history.step_column},
               "notes": list(plan.notes)}
    text = "\n".join([f"{project.name}: imported {path.name} ({fmt}): {result.added} "
                      f"added, {result.updated} updated, {result.unchanged} unchanged",
                      *(f"note: {n}" for n in plan.notes)])
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


def cmd_human_levels(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    from strategy_core.usecases.project_metric import project_metric
    from strategy_core.usecases.projects import resolve_project
    from strategy_core.usecases.runs import human_levels, save_human_levels

    store = open_cli_store(args)
    project = resolve_project(store, args.project)
    metric = project_metric(store, project.id)
    levels = human_levels(store, project.id)
    changed = bool(args.set_levels or args.remove or args.proxy is not None)
    if changed:
        rows, chosen = _edited_levels(args, levels, metric)
        save_human_levels(store, project.id, rows, chosen, expected=levels)
        levels = human_levels(store, project.id)
    proxy, digits = levels.proxy, metric.precision + 1
    payload = {"project": project.name, **metric.as_json(),
               "levels": [{"label": lvl.label, "error": lvl.error} for lvl in levels.levels],
               "chosen": None if levels.proxy_is_default else levels.chosen,
               "proxy": None if proxy is None else {"label": proxy.label, "error": proxy.error},
               "saved": changed}
    lines = [f"{project.name}: human levels in {metric.name}"]
    lines += [f"  {lvl.label:30} {metric.format(lvl.error, digits):>10}"
              + ("  <- Bayes proxy" if proxy is not None and lvl.label == proxy.label else "")
              for lvl in levels.levels]
    lines.append("no human level recorded" if proxy is None else
                 f"Proxy in use: {proxy.label} at {metric.format(proxy.error, digits)}"
                 + (" (the best level)." if levels.proxy_is_default else "."))
    return payload, "\n".join(lines)


def _edited_levels(args: argparse.Namespace, levels: Any, metric: Any
                   ) -> tuple[list[tuple[str, float | None]], str | None]:
    """The levels after --set, --remove and --proxy, and the chosen proxy (None: the best),
    checked before anything is written. Labels match whatever their case."""
    from strategy_core.project_metric import parse_level

    given = parse_pairs(args.set_levels, "--set")
    values = {label: parse_level(text, f"--set {label}", metric) for label, text in given.items()}
    rows = {lvl.label: lvl.error for lvl in levels.levels}

    def stored(label: str) -> str | None:
        return next((name for name in rows if name.casefold() == label.strip().casefold()), None)

    for label in args.remove or ():
        found = stored(label)
        if found is None:
            raise InputError(f"--remove: there is no human level named '{label}'")
        if any(stored(name) == found for name in values):
            raise InputError(f"'{found}' is given to both --set and --remove")
        del rows[found]
    for label, value in values.items():
        rows[stored(label) or label] = value
    chosen = None if levels.proxy_is_default else levels.chosen
    if args.proxy is not None and args.proxy.strip().casefold() == "best":
        chosen = None
    elif args.proxy is not None:
        chosen = stored(args.proxy)
        if chosen is None:
            raise InputError(f"--proxy: there is no human level named '{args.proxy}' "
                             "(or 'best')")
    elif chosen not in rows:
        chosen = None  # the chosen level was removed: the best is used, as on the page
    return list(rows.items()), chosen
