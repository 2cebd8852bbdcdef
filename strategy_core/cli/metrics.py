"""Commands for the Metrics page (docs/rules.md §3): `f1`, `select`, `weighted-error` (per-example
predictions weighted by a column or an attribute), `slice-average` (the runs' slice metrics or
typed values) and `change-log` (list, record or remove metric and dev-set changes)."""

from __future__ import annotations

import argparse
from typing import Any

from strategy_core.cli import add_command, open_cli_store, parse_count, parse_pairs
from strategy_core.errors import InputError
from strategy_core.metric_log import CHANGE_KINDS
from strategy_core.metrics import (
    WEIGHT_ATTRIBUTES,
    SelectionDefinition,
    SliceComparison,
    compare_slice_averages,
    f1,
    parse_constraint,
    parse_objective,
    parse_weight_map,
)
from strategy_core.rates import format_pct, parse_rate

SPLITS = ("dev", "test", "train_dev")
SPLIT_NAMES = {"dev": "dev", "test": "test", "train_dev": "training-dev"}


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

    p = add_command(
        sub, "weighted-error", common,
        description="Error = sum of w*[wrong] / sum of w over a split's per-example "
                    "predictions, next to the plain error, for every run with predictions. "
                    "Weights from the file's weight column, or --by an attribute.")
    p.add_argument("--project", required=True, metavar="NAME")
    p.add_argument("--split", default="dev", choices=SPLITS)
    p.add_argument("--by", choices=WEIGHT_ATTRIBUTES,
                   help="weigh by value of this attribute instead of the weight column")
    p.add_argument("--weights", metavar="VALUE=W,...",
                   help="with --by: a weight per value, e.g. 'web=10, mobile=1'")
    p.add_argument("--default", metavar="W",
                   help="with --by: the weight of the other values (default 1)")
    p.set_defaults(handler=cmd_weighted_error)

    p = add_command(
        sub, "slice-average", common,
        description="One number per run: the mean over slices, every slice counting equally. "
                    "--project reads the runs' slice metrics (region_us_error, "
                    "region_eu_error…); --value gives a table instead.")
    p.add_argument("--project", metavar="NAME")
    p.add_argument("--family", metavar="PATTERN",
                   help="with --project: the metrics, e.g. region_{slice}_error (default: "
                        "the first family)")
    p.add_argument("--value", action="append", metavar="NAME:SLICE=R",
                   help="a classifier's value on a slice, e.g. A:US=3%% (repeatable)")
    p.add_argument("--higher-is-better", action="store_true",
                   help="with --value: the values are accuracies, not errors")
    p.set_defaults(handler=cmd_slice_average)

    p = add_command(
        sub, "change-log", common,
        description="The log of metric and dev-set changes, newest first; --add records one "
                    "(what, why, who, when), --remove ID deletes one recorded by mistake.")
    p.add_argument("--project", required=True, metavar="NAME")
    p.add_argument("--kind", choices=tuple(CHANGE_KINDS),
                   help="list only this kind; with --add, what changed")
    p.add_argument("--add", action="store_true", help="record a change")
    p.add_argument("--what", help="with --add: the change")
    p.add_argument("--why", help="with --add: the reason")
    p.add_argument("--who", default="", help="with --add: who changed it")
    p.add_argument("--when", metavar="YYYY-MM-DD", help="with --add: the day (default today)")
    p.add_argument("--remove", metavar="ID", help="delete the entry with this id")
    p.set_defaults(handler=cmd_change_log)


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


def cmd_weighted_error(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    if args.by is None and (args.weights is not None or args.default is not None):
        raise InputError("--weights and --default go with --by ATTRIBUTE")
    weights = parse_weight_map(args.weights or "")
    default = 1.0 if args.default is None else _weight(args.default, "--default")
    from strategy_core.metrics import describe_weighting
    from strategy_core.usecases.metrics import weighted_comparison
    from strategy_core.usecases.projects import resolve_project

    store = open_cli_store(args)
    project = resolve_project(store, args.project)
    comparison = weighted_comparison(store, project.id, args.split, args.by,
                                     tuple(weights.items()), default)
    head = {"project": project.name, "split": args.split}
    if comparison is None:
        reason = f"No predictions on the {SPLIT_NAMES[args.split]} split."
        return {**head, "weighting": describe_weighting(args.by, weights, default),
                "best_weighted": None, "best_unweighted": None, "runs": [],
                "reasons": [reason]}, reason
    payload = {**head, **comparison.as_dict(), "reasons": list(comparison.reasons)}
    lines = [*comparison.reasons]
    lines += [f"  {r.run_name:30} {r.n:>8,}  plain {format_pct(r.unweighted_error):>6}  "
              f"weighted {format_pct(r.weighted_error):>6}" for r in comparison.rows]
    return payload, "\n".join(lines)


def _weight(text: str, what: str) -> float:
    try:
        value = float(str(text).replace("_", ""))
    except ValueError:
        raise InputError(f"{what} must be a number, not '{text}'") from None
    if not 0 <= value < float("inf"):
        raise InputError(f"{what} must be a finite number of at least 0, not '{text}'")
    return value


def cmd_slice_average(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    if (args.project is None) == (args.value is None):
        raise InputError("give --project NAME (the runs' slice metrics) or --value "
                         "NAME:SLICE=R for each value, not both")
    if args.project is None:
        if args.family is not None:
            raise InputError("--family goes with --project")
        rows = [_slice_value(name, text) for name, text in
                parse_pairs(args.value, "--value").items()]
        result = compare_slice_averages(rows, higher_is_better=args.higher_is_better,
                                        rates=True)
        return _slices_output(result, None, True)
    if args.higher_is_better:
        raise InputError("--higher-is-better goes with --value: a run metric's name says "
                         "its direction")
    from strategy_core.metrics import slice_families
    from strategy_core.usecases.metrics import metric_runs, run_slices, slices_are_rates
    from strategy_core.usecases.projects import resolve_project

    store = open_cli_store(args)
    project = resolve_project(store, args.project)
    families = slice_families(list(metric_runs(store, project.id).extra))
    if not families:
        raise InputError(f"no run metrics of project '{project.name}' share a name pattern "
                         "such as region_us_error, region_eu_error: give --value instead")
    family = families[0]
    if args.family is not None:
        family = next((f for f in families if f.pattern == args.family), None)
        if family is None:
            raise InputError(f"no family '{args.family}': the project's are "
                             + ", ".join(f.pattern for f in families))
    result = run_slices(store, project.id, family)
    payload, text = _slices_output(result, family.pattern, slices_are_rates(family))
    return {"project": project.name, **payload}, text


def _slice_value(name: str, text: str) -> tuple[str, str, float]:
    """'A:US' and '3%' from `--value A:US=3%` (the slice follows the last colon)."""
    classifier, sep, label = name.rpartition(":")
    if not sep or not classifier.strip() or not label.strip():
        raise InputError(f"--value '{name}={text}' must look like NAME:SLICE=R")
    return classifier.strip(), label.strip(), parse_rate(text, what=f"--value {name}")


def _slices_output(result: SliceComparison, family: str | None, rates: bool
                   ) -> tuple[dict[str, Any], str]:
    payload = {"family": family, "higher_is_better": result.higher_is_better,
               **result.as_dict(), "reasons": list(result.reasons)}

    def shown(value: float) -> str:
        return format_pct(value, 2) if rates else f"{value:g}"

    ranked = sorted(result.classifiers, key=lambda pair: pair[1].average,
                    reverse=result.higher_is_better)  # best first, as the page's table
    lines = [*result.reasons]
    lines += [f"  {name:30} average {shown(avg.average):>7}  worst {avg.worst}"
              for name, avg in ranked]
    return payload, "\n".join(lines)


def cmd_change_log(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    if args.add and args.remove is not None:
        raise InputError("give --add or --remove, not both")
    given = [flag for flag, value in (("--what", args.what), ("--why", args.why),
                                      ("--who", args.who or None), ("--when", args.when))
             if value is not None]
    if given and not args.add:
        raise InputError(f"{', '.join(given)} go with --add")
    if args.add and args.kind is None:
        raise InputError(f"--add needs --kind ({' or '.join(CHANGE_KINDS)})")
    remove = None if args.remove is None else parse_count(args.remove, "--remove")
    from strategy_core.metric_log import validate_change
    from strategy_core.usecases.metrics import add_change, changes, delete_change
    from strategy_core.usecases.projects import resolve_project

    if args.add:  # checked before the store is opened: bad input writes nothing
        entry = validate_change(args.kind, args.what or "", args.why or "", args.who,
                                args.when)
    store = open_cli_store(args)
    project = resolve_project(store, args.project)
    payload: dict[str, Any] = {"project": project.name}
    if args.add:
        payload["added"] = add_change(store, project.id, *entry).as_dict()
    elif remove is not None:
        if remove not in {c.id for c in changes(store, project.id)}:
            raise InputError(f"project '{project.name}' has no change log entry {remove}")
        delete_change(store, project.id, remove)
        payload["removed"] = remove
    listed = [c for c in changes(store, project.id)
              if args.kind is None or args.add or c.kind == args.kind]
    payload["changes"] = [c.as_dict() for c in listed]
    lines = [f"{c.changed_on:%Y-%m-%d}  #{c.id:<4} {c.kind_label:8} {c.what}"
             + (f" ({c.author})" if c.author else "") + f"\n      why: {c.reason}"
             for c in listed]
    return payload, "\n".join(lines) or "no changes recorded"
