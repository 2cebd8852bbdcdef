"""`pull-mlflow`: import an experiment's runs straight from an MLflow tracking server, with
the same mapping step as `import-runs` (docs/rules.md §9, MLflow server). The token is
read from an environment variable, never from the command line (where `ps` and shell
history would show it), and is never printed or stored."""

from __future__ import annotations

import argparse
import os
from typing import Any

from strategy_core.cli import add_command, open_cli_store, parse_pairs
from strategy_core.errors import InputError
from strategy_core.values.project_metric import PRESETS


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = add_command(sub, "pull-mlflow", common)
    p.add_argument("--project", required=True)
    p.add_argument("--url", required=True, help="the tracking server, http(s)://host:port")
    p.add_argument("--experiment", required=True, help="the experiment's name or id")
    p.add_argument("--token-env", default="MLFLOW_TRACKING_TOKEN", metavar="VAR",
                   help="environment variable holding a Bearer token (default "
                        "MLFLOW_TRACKING_TOKEN; unset: no token)")
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                   help="as in import-runs: FIELD=COLUMN, or COLUMN=ignore|param|metric")
    p.add_argument("--metric", metavar="KEY", choices=sorted(PRESETS),
                   help="confirm the metric of the split columns (default: the project's, "
                        "or for a new project the one the columns are in)")
    p.set_defaults(handler=cmd_pull_mlflow)


def cmd_pull_mlflow(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    from strategy_core.usecases import mlflow_pull
    from strategy_core.usecases.project_metric import project_metric
    from strategy_core.usecases.projects import ensure_project, resolve_or_none
    from strategy_core.usecases.runs import check_levels
    from strategy_core.usecases.runs import runs as project_runs
    from strategy_core.values.project_metric import ERROR_RATE

    token = os.environ.get(args.token_env) or None
    pulled = mlflow_pull.pull(args.url, args.experiment, token)
    store = open_cli_store(args)
    found = resolve_or_none(store, args.project)
    current = project_metric(store, found.id) if found is not None else ERROR_RATE
    overrides = parse_pairs(args.map, "--map")
    confirmed = PRESETS[args.metric] if args.metric else None
    if confirmed is None and (found is None or not project_runs(store, found.id)):
        confirmed = mlflow_pull.plan_pull(pulled, current, overrides=overrides
                                          ).plan.proposed_metric
    planned = mlflow_pull.plan_pull(pulled, confirmed or current, overrides=overrides)
    plan = planned.plan
    if not plan.built.ok:
        raise plan.built.problems[0]
    target = confirmed or current
    problem = plan.metric_problem(target)
    if problem is not None:
        raise InputError(problem)
    check_levels(plan, target)
    project = found or ensure_project(store, args.project)
    result = mlflow_pull.import_pull(store, project.id, planned, metric=confirmed)
    payload = {"project": project.name, "experiment": planned.experiment,
               "runs": planned.runs, **result.as_dict(), "notes": list(plan.notes)}
    text = "\n".join([f"{project.name}: pulled {planned.source}: {result.added} added, "
                      f"{result.updated} updated, {result.unchanged} unchanged",
                      *(f"note: {n}" for n in plan.notes)])
    return payload, text
