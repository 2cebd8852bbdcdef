"""Commands for the diagnosis rules: `diagnose` (docs/rules.md §1) and `checklist` (docs/rules.md
§2).

    diagnose --human 1% --train 8% --dev 10% [--train-dev R] [--test R] [--n-train N] … [--json]
    diagnose --metric mae --human 2.1 --train 2.4 --dev 3.0 [--json]
    diagnose --project NAME [--run NAME] [--json]
    checklist --project NAME [--run NAME] [--json]

Both only read: they never write to the database.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from strategy_core.checklist import chain_verdict, evaluate_chain
from strategy_core.cli import add_command, open_cli_store, parse_count
from strategy_core.diagnosis import (
    FLAG_LABELS,
    GAP_LABELS,
    GAP_NAMES,
    Decomposition,
    ErrorLevels,
    decompose,
    focus_verdict,
    format_interval,
    runner_up_note,
)
from strategy_core.errors import InputError
from strategy_core.project_metric import PRESETS, parse_level
from strategy_core.rates import format_points

# Types only: the store (and what uses it) is imported by the commands that open it, so that
# `diagnose` with levels given on the command line does not load DuckDB or pandas.
if TYPE_CHECKING:
    pass

_RATE_OPTIONS = (("human", "--human"), ("train", "--train"), ("train_dev", "--train-dev"),
                 ("dev", "--dev"), ("test", "--test"))
_SIZE_OPTIONS = (("n_train", "--n-train"), ("n_train_dev", "--n-train-dev"),
                 ("n_dev", "--n-dev"), ("n_test", "--n-test"))


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = add_command(
        sub, "diagnose", common,
        description="Give the error levels (8%% or 0.08), or --project to use a stored run "
                    "(the newest unless --run) with the project's human level and set sizes.")
    for dest, flag in _RATE_OPTIONS:
        p.add_argument(flag, dest=dest, metavar="RATE")
    for dest, flag in _SIZE_OPTIONS:
        p.add_argument(flag, dest=dest, metavar="N")
    p.add_argument("--metric", metavar="KEY", choices=sorted(PRESETS),
                   help="the metric the levels are in (default: error_rate; a project uses "
                        "its own metric)")
    p.add_argument("--project", metavar="NAME", help="a project (name or slug)")
    p.add_argument("--run", metavar="NAME", help="a run of --project (default: the newest)")
    p.set_defaults(handler=cmd_diagnose)

    p = add_command(sub, "checklist", common)
    p.add_argument("--project", required=True, metavar="NAME")
    p.add_argument("--run", metavar="NAME", help="a run of the project (default: the newest)")
    p.set_defaults(handler=cmd_checklist)


def cmd_diagnose(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    given = [flag for dest, flag in (*_RATE_OPTIONS, *_SIZE_OPTIONS)
             if getattr(args, dest) is not None]
    if args.project is not None:
        if given:
            raise InputError(f"{', '.join(given)} cannot be combined with --project: the "
                             "levels come from the project's run")
        if args.metric is not None:
            raise InputError("--metric cannot be combined with --project: a project has "
                             "its own metric")
        from strategy_core.usecases.diagnosis import diagnose_run
        from strategy_core.usecases.projects import resolve_project

        store = open_cli_store(args)
        project = resolve_project(store, args.project)
        found = diagnose_run(store, project, args.run)
        result, run = found.decomposition, found.run
        payload = {"project": project.name, "run": run.name, **result.as_dict()}
        return payload, _diagnosis_text(result, f"{project.name}, run {run.name}")
    if args.run is not None:
        raise InputError("--run needs --project")
    missing = [flag for dest, flag in (("train", "--train"), ("dev", "--dev"))
               if getattr(args, dest) is None]
    if missing:
        raise InputError(f"{' and '.join(missing)} required (or --project NAME)")
    metric = PRESETS[args.metric or "error_rate"]
    rates = {dest: parse_level(getattr(args, dest), flag, metric)
             for dest, flag in _RATE_OPTIONS if getattr(args, dest) is not None}
    sizes = {dest: _size(getattr(args, dest), flag)
             for dest, flag in _SIZE_OPTIONS if getattr(args, dest) is not None}
    result = decompose(ErrorLevels(**rates, **sizes, metric=metric))
    return result.as_dict(), _diagnosis_text(result, None)


def cmd_checklist(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    from strategy_core.usecases.checklist import checklist_settings
    from strategy_core.usecases.diagnosis import diagnose_run
    from strategy_core.usecases.projects import resolve_project

    store = open_cli_store(args)
    project = resolve_project(store, args.project)
    found = diagnose_run(store, project, args.run)
    run = found.run
    saved = checklist_settings(store, project.id)
    chain = evaluate_chain(found.decomposition, saved.tolerance, saved.real_world)
    payload = {"project": project.name, "run": run.name, "tolerance": chain.tolerance,
               **chain.as_dict()}
    lines = [f"{project.name}, run {run.name} (tolerance {format_points(chain.tolerance)})"]
    for link in chain.links:
        gap = format_points(link.gap) if link.gap is not None else "–"
        role = "  <- focus" if link.name == chain.focus else \
            "  <- next" if link.name in chain.next else ""
        lines.append(f"  {link.number}. {link.status:8} {gap:>9}  {link.title}{role}")
    lines.append(chain_verdict(chain))
    lines += list(chain.reasons[1:])
    lines += [f"  - {knob.as_text()}" for knob in chain.knobs]
    return payload, "\n".join(lines)


def _size(text: str, flag: str) -> int:
    value = parse_count(text, flag)
    if value == 0:
        raise InputError(f"{flag} must be a positive number of examples")
    return value


def _diagnosis_text(result: Decomposition, title: str | None) -> str:
    levels, metric = result.levels, result.metric
    lines = [title] if title else []
    if not metric.is_error_rate:
        lines.append(f"Metric: {metric.describe()}")
    digits = metric.digits_for(getattr(levels, name) for name in
                               ("human", "train", "train_dev", "dev", "test"))
    lines.append("  ".join(f"{label} {metric.format(getattr(levels, name), digits)}"
                           for name, label in
                           (("human", "human"), ("train", "train"), ("train_dev", "train-dev"),
                            ("dev", "dev"), ("test", "test"))))
    for name in GAP_NAMES:
        interval = result.intervals.get(name)
        extra = ""
        if interval is not None:
            extra = (f"  95% interval {format_interval(interval, metric)}"
                     + ("" if result.significant[name] else " not significant"))
        marker = "  <- focus" if name == result.focus else ""
        lines.append(f"  {GAP_LABELS[name]:16} {metric.format_gap(getattr(result, name)):>9}"
                     f"{extra}{marker}")
    lines.append(focus_verdict(result))
    note = runner_up_note(result)
    if note is not None:
        lines.append(note)
    lines += [f"  - {action}" for action in result.actions]
    lines += list(result.not_helpful)
    lines += [f"{FLAG_LABELS[flag]}: {text}" for flag, text in result.flag_explanations.items()]
    if result.significance_note:
        lines.append(result.significance_note)
    return "\n".join(lines)
