"""The command line: `python -m strategy_core [--db PATH] COMMAND … [--json]`.

Every command takes `--json` and then prints exactly one JSON object on stdout. Exit status
0 on success, 2 on bad input (one `error:` line on stderr, and with --json the object
{"error": …, "exit_status": 2} on stdout; nothing written), 1 on an
internal failure. Each feature registers its commands from its own module.

A command imports only what it uses: `COMMANDS` names every command with its module and
one-line help, so `--help` lists them without importing any feature module, and a command
imports its own module only (not the store, the report or SciPy when it needs none of
them: tests/cli/test_cli_startup.py, benchmarks/cli_startup.py).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from strategy_core.counts import whole_count
from strategy_core.errors import InputError, NotFoundError, StrategyError

# Every command, in --help order: the feature module that registers it (with
# `register(subparsers, common)`, through `add_command`) and its one-line help.
COMMANDS: dict[str, tuple[str, str]] = {
    "projects": ("strategy_core.cli.runs", "list projects"),
    "import-runs": ("strategy_core.cli.runs", "import a run CSV into a project"),
    "runs": ("strategy_core.cli.runs", "list a project's runs"),
    "seed-demo": ("strategy_core.cli.runs", "seed the demo project into an empty database"),
    "human-levels": ("strategy_core.cli.runs", "show or set human levels and the Bayes proxy"),
    "pull-mlflow": ("strategy_core.cli.mlflow",
                    "import an experiment's runs from an MLflow tracking server"),
    "import-predictions": ("strategy_core.cli.error_analysis",
                           "load a run's per-example predictions CSV (replaces earlier ones)"),
    "ceiling": ("strategy_core.cli.error_analysis",
                "shares, Wilson intervals and ceilings of error categories"),
    "mislabel": ("strategy_core.cli.error_analysis", "should the team fix incorrect labels now?"),
    "diagnose": ("strategy_core.cli.diagnosis", "split a run's error into avoidable bias, "
                 "variance, data mismatch, dev overfitting"),
    "checklist": ("strategy_core.cli.diagnosis", "the orthogonalization chain of a project's run"),
    "learning-curve": ("strategy_core.cli.canon", "training and dev level by training-set size"),
    "six-box": ("strategy_core.cli.canon", "human level and error on both data distributions"),
    "verify-optimization": ("strategy_core.cli.canon", "is the search or the objective at fault?"),
    "f1": ("strategy_core.cli.metrics", "F1 from precision and recall"),
    "select": ("strategy_core.cli.metrics",
               "best run on one metric among the runs meeting every threshold"),
    "weighted-error": ("strategy_core.cli.metrics", "plain and weighted error of every run"),
    "slice-average": ("strategy_core.cli.metrics", "rank runs by their average over slices"),
    "change-log": ("strategy_core.cli.metrics", "list or record metric and dev-set changes"),
    "size": ("strategy_core.cli.sizing",
             "interval width, size to detect a difference, eyeball set, split ratios"),
    "plan-split": ("strategy_core.cli.sizing",
                   "split several sources when the product sees only the target"),
    "compare-dist": ("strategy_core.cli.sizing",
                     "chi-square test that dev and test have the same source mix"),
    "guide": ("strategy_core.cli.guides", "decision guides: transfer, multi-task, end-to-end"),
    "parts": ("strategy_core.cli.guides", "error analysis by parts: blame per pipeline component"),
    "pipeline-check": ("strategy_core.cli.guides", "flawed-pipeline check against human level"),
    "label-coverage": ("strategy_core.cli.guides", "labels per task of a multi-task label matrix"),
    "export": ("strategy_core.cli.backup",
               "write a backup bundle (zip) of one project or of everything"),
    "restore": ("strategy_core.cli.backup", "restore a backup bundle"),
    "report": ("strategy_core.cli.report",
               "write the project report as Markdown or self-contained HTML"),
}
# The feature modules, each with `register(subparsers, common)`.
COMMAND_MODULES: tuple[str, ...] = tuple(dict.fromkeys(m for m, _ in COMMANDS.values()))

Handler = Callable[[argparse.Namespace], Any]


class UsageError(InputError):
    """A malformed command line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def build_parser(modules: Iterable[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser. The commands of `modules` (default: every feature module)
    are registered in full; the others are listed by name and help only, which is all
    `--help` and finding the command need, and imports none of their modules."""
    common = _Parser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, metavar="PATH",
                        help="database file (default: STRATEGY_DB or data/strategy.duckdb)")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print exactly one JSON object")
    parser = _Parser(prog=_prog(),
                     description="ML Strategy Dashboard: the core from the command line.")
    parser.add_argument("--db", default=None, metavar="PATH",
                        help="database file (default: STRATEGY_DB or data/strategy.duckdb)")
    parser.add_argument("--json", action="store_true", help="print exactly one JSON object")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    full = set(COMMAND_MODULES if modules is None else modules)
    for name, (module_name, help_text) in COMMANDS.items():
        if module_name not in full:
            sub.add_parser(name, help=help_text, add_help=False)  # a name in the list only
        elif name not in sub.choices:
            importlib.import_module(module_name).register(sub, common)
    return parser


def add_command(sub: argparse._SubParsersAction, name: str, common: argparse.ArgumentParser,
                **kwargs: Any) -> argparse.ArgumentParser:
    """Add the command `name` (declared in COMMANDS, whose help it gets)."""
    return sub.add_parser(name, parents=[common], help=COMMANDS[name][1], **kwargs)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The parsed command line. The command is found first by a parser that only lists the
    commands (it also answers a top-level --help); then that command's module parses."""
    found, _ = build_parser(()).parse_known_args(argv)
    return build_parser((COMMANDS[found.command][0],)).parse_args(argv)


def _prog() -> str:
    """`strategy` when started by that console script, else `python -m strategy_core`."""
    return "strategy" if Path(sys.argv[0]).stem == "strategy" else "python -m strategy_core"


def main(argv: Sequence[str] | None = None) -> int:
    wants_json = "--json" in (sys.argv[1:] if argv is None else list(argv))
    try:
        args = parse_args(argv)
        handler: Handler = args.handler
        result = handler(args)
    except (InputError, NotFoundError) as exc:
        return _fail(_one_line(exc), 2, wants_json)
    except StrategyError as exc:
        return _fail(_one_line(exc), 1, wants_json)
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no tracebacks
        return _fail(f"internal failure ({type(exc).__name__}: {_one_line(exc)})", 1,
                     wants_json)
    emit(args, result)
    return 0


def _fail(message: str, status: int, wants_json: bool) -> int:
    """One `error:` line on stderr; with --json also the one JSON object on stdout."""
    print(f"error: {message}", file=sys.stderr)
    if wants_json:
        print(json.dumps({"error": message, "exit_status": status}, ensure_ascii=False))
    return status


def emit(args: argparse.Namespace, result: Any) -> None:
    """Print the result: one JSON object with --json, else readable text."""
    payload, text = result if isinstance(result, tuple) else (result, None)
    if getattr(args, "json", False):
        print(json.dumps(payload, ensure_ascii=False, default=str))
    else:
        print(text if text is not None else json.dumps(payload, indent=2, ensure_ascii=False,
                                                          default=str))


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def open_cli_store(args: argparse.Namespace):  # noqa: ANN201 - avoids importing the store early
    """The store at --db (or the configured path)."""
    from strategy_core.store import open_store

    return open_store(getattr(args, "db", None))


def parse_pairs(items: Sequence[str] | None, what: str) -> dict[str, str]:
    """`NAME=VALUE` arguments into a dict; repeated names are an error."""
    out: dict[str, str] = {}
    for item in items or ():
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(f"{what} '{item}' must look like NAME=VALUE")
        if name.strip() in out:
            raise InputError(f"{what} '{name.strip()}' is given twice")
        out[name.strip()] = value.strip()
    return out


def parse_count(text: str, what: str) -> int:
    """A non-negative whole number from the command line (`1_000` and `1,000` allowed)."""
    return whole_count(str(text), what, text=True)
