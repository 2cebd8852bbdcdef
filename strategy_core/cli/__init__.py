"""The command line: `python -m strategy_core [--db PATH] COMMAND … [--json]`.

Every command takes `--json` and then prints exactly one JSON object on stdout. Exit status
0 on success, 2 on bad input (one `error:` line on stderr, nothing written), 1 on an
internal failure. Each feature registers its commands from its own module.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from strategy_core.counts import whole_count
from strategy_core.errors import InputError, NotFoundError, StrategyError

# Feature modules, each with `register(subparsers, common)`.
COMMAND_MODULES: tuple[str, ...] = (
    "strategy_core.cli.runs",
    "strategy_core.cli.error_analysis",
    "strategy_core.cli.diagnosis",
    "strategy_core.cli.metrics",
    "strategy_core.cli.sizing",
    "strategy_core.cli.guides",
    "strategy_core.cli.backup",
    "strategy_core.cli.report",
)

Handler = Callable[[argparse.Namespace], Any]


class UsageError(InputError):
    """A malformed command line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, metavar="PATH",
                        help="database file (default: STRATEGY_DB or data/strategy.duckdb)")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print exactly one JSON object")
    parser = _Parser(prog="python -m strategy_core",
                     description="ML Strategy Dashboard: the core from the command line.")
    parser.add_argument("--db", default=None, metavar="PATH",
                        help="database file (default: STRATEGY_DB or data/strategy.duckdb)")
    parser.add_argument("--json", action="store_true", help="print exactly one JSON object")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    import importlib

    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        handler: Handler = args.handler
        result = handler(args)
    except (InputError, NotFoundError) as exc:
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except StrategyError as exc:
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no tracebacks
        print(f"error: internal failure ({type(exc).__name__}: {_one_line(exc)})",
              file=sys.stderr)
        return 1
    emit(args, result)
    return 0


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
