"""Commands for the single-number metric: `f1` and `select` (docs/rules.md §3)."""

from __future__ import annotations

import argparse
from typing import Any

from strategy_core.cli import add_command, open_cli_store
from strategy_core.errors import InputError
from strategy_core.metrics import (
    SelectionDefinition,
    f1,
    parse_constraint,
    parse_objective,
)
from strategy_core.rates import format_pct, parse_rate


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = add_command(sub, "f1", common)
    p.add_argument("--precision", required=True, metavar="RATE", help="e.g. 95%% or 0.95")
    p.add_argument("--recall", required=True, metavar="RATE", help="e.g. 90%% or 0.90")
    p.set_defaults(handler=cmd_f1)

    p = add_command(
        sub, "select", common,
        description="Optimizing + satisficing: optimize one metric, keep the others within "
                    "thresholds. Without --optimize, the project's saved definition is used.")
    p.add_argument("--project", required=True)
    p.add_argument("--optimize", metavar="METRIC:min|max",
                   help="e.g. dev_error:min or accuracy:max (default: the saved definition)")
    p.add_argument("--satisfy", action="append", metavar="METRIC<=X",
                   help="a threshold, e.g. latency_ms<=100 or dev_error<=5%% (repeatable)")
    p.set_defaults(handler=cmd_select)


def cmd_f1(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    precision = parse_rate(args.precision, what="--precision")
    recall = parse_rate(args.recall, what="--recall")
    value = f1(precision, recall)
    return {"f1": value}, (f"F1 {format_pct(value)} (precision {format_pct(precision)}, "
                           f"recall {format_pct(recall)})")


def cmd_select(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    # Parse everything before opening the store: bad input never touches the database.
    constraints = tuple(parse_constraint(text) for text in args.satisfy or ())
    objective = parse_objective(args.optimize) if args.optimize else None
    from strategy_core.usecases.metrics import definition as saved_definition
    from strategy_core.usecases.metrics import select_strict
    from strategy_core.usecases.projects import resolve_project

    store = open_cli_store(args)
    project = resolve_project(store, args.project)
    if objective is None:
        saved = saved_definition(store, project.id)
        if saved is None:
            raise InputError(f"project '{project.name}' has no saved metric definition: "
                             "give --optimize METRIC:min|max")
        definition = SelectionDefinition(saved.definition.objective,
                                         saved.definition.constraints + constraints)
    else:
        definition = SelectionDefinition(objective, constraints)
    selection = select_strict(store, project.id, definition)
    return selection.as_dict(), "\n".join([definition.statement(), *selection.reasons])
