"""Commands for error analysis: `import-predictions`, `ceiling`, `mislabel` (docs/rules.md §4,
§5)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from strategy_core.cli import add_command, open_cli_store, parse_count, parse_pairs
from strategy_core.error_analysis import ADEQUACY_LABELS, mislabel_verdict, summarize_review
from strategy_core.errors import InputError
from strategy_core.predictions_csv import SPLIT_LABELS
from strategy_core.rates import format_pct, format_points, parse_rate

CATEGORY_FIELDS = ("name", "count", "share", "share_low", "share_high", "ceiling",
                   "error_if_fixed")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = add_command(sub, "import-predictions", common)
    p.add_argument("file")
    p.add_argument("--project", required=True)
    p.add_argument("--run", required=True, help="run name (or run id)")
    p.set_defaults(handler=cmd_import_predictions)

    p = add_command(sub, "ceiling", common)
    p.add_argument("--dev-error", help="dev error, 10%% or 0.10")
    p.add_argument("--reviewed", help="number of misclassified examples reviewed")
    p.add_argument("--count", action="append", metavar="NAME=K",
                   help="examples tagged with a category (repeat per category)")
    p.add_argument("--project", help="read the counts of a stored review sample")
    p.add_argument("--sample", help="the review sample's name (with --project)")
    p.set_defaults(handler=cmd_ceiling)

    p = add_command(sub, "mislabel", common)
    p.add_argument("--dev-error", required=True)
    p.add_argument("--reviewed", required=True)
    p.add_argument("--mislabeled", required=True,
                   help='reviewed mistakes tagged "Incorrectly labeled"')
    p.add_argument("--count", action="append", metavar="NAME=K",
                   help="another category's count (repeat per category)")
    p.set_defaults(handler=cmd_mislabel)


def cmd_import_predictions(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    path = Path(args.file)
    if not path.is_file():
        raise InputError(f"no file {args.file}")
    from strategy_core.usecases.error_analysis import import_prediction_file
    from strategy_core.usecases.projects import resolve_project
    from strategy_core.usecases.runs import run_by_name

    store = open_cli_store(args)
    project = resolve_project(store, args.project)
    run = run_by_name(store, project.id, args.run)
    result = import_prediction_file(store, project.id, run.key,  # type: ignore[arg-type]
                                    path, source=path.name)
    splits = ", ".join(f"{SPLIT_LABELS[s]} {n:,}" for s, n in result.splits.items())
    text = (f"{project.name} / {run.name}: loaded {result.rows:,} predictions "
            f"({result.misclassified:,} misclassified) in {result.seconds:.1f} s: {splits}"
            + (" (replaced the earlier upload)" if result.replaced else ""))
    return result.as_dict(), text


def cmd_ceiling(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    if args.project or args.sample:
        if not (args.project and args.sample):
            raise InputError("--project and --sample go together")
        if args.reviewed or args.count:
            raise InputError("give either --project and --sample, or --reviewed and --count")
        summary = _stored_summary(args)
    else:
        if args.dev_error is None or args.reviewed is None:
            raise InputError("give --dev-error and --reviewed (and a --count per category), "
                             "or --project and --sample")
        counts = {name: parse_count(value, f"--count {name}")
                  for name, value in parse_pairs(args.count, "--count").items()}
        summary = summarize_review(parse_rate(args.dev_error, what="--dev-error"),
                                   parse_count(args.reviewed, "--reviewed"), counts)
    payload = {
        "dev_error": summary.dev_error,
        "reviewed": summary.reviewed,
        "adequacy": summary.adequacy,
        "categories": [{k: c.as_dict()[k] for k in CATEGORY_FIELDS} for c in summary.categories],
    }
    lines = [f"{summary.reviewed} reviewed ({ADEQUACY_LABELS[summary.adequacy]} review), "
             f"dev error {format_pct(summary.dev_error)}"]
    lines += [f"  {c.name:28} {c.count:>5}  {format_pct(c.share):>6} "
              f"[{format_pct(c.share_low)}–{format_pct(c.share_high)}]  ceiling "
              f"{format_points(c.ceiling, 2):>9}  → at best {format_pct(c.error_if_fixed, 2)}"
              for c in summary.categories]
    return payload, "\n".join(lines)


def _stored_summary(args: argparse.Namespace):  # noqa: ANN202 - ReviewSummary
    from strategy_core.usecases.error_analysis import analyze_sample, sample_by_name
    from strategy_core.usecases.projects import resolve_project

    store = open_cli_store(args)
    project = resolve_project(store, args.project)
    sample = sample_by_name(store, project.id, args.sample)
    override = None if args.dev_error is None else parse_rate(args.dev_error,
                                                               what="--dev-error")
    analysis = analyze_sample(store, sample.id, override)
    if analysis.summary is None:
        raise InputError(f"sample '{sample.name}': {analysis.missing} "
                         "(on the command line: --dev-error)")
    return analysis.summary


def cmd_mislabel(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    counts = {name: parse_count(value, f"--count {name}")
              for name, value in parse_pairs(args.count, "--count").items()}
    verdict = mislabel_verdict(parse_rate(args.dev_error, what="--dev-error"),
                               parse_count(args.reviewed, "--reviewed"),
                               parse_count(args.mislabeled, "--mislabeled"), counts)
    title = "Fix labels" if verdict.verdict == "fix_labels" else "Not a priority"
    text = "\n".join([f"{title}: {format_pct(verdict.share)} of reviewed mistakes are "
                      f"incorrectly labeled ({format_points(verdict.error_from_labels, 2)} of "
                      "dev error)", *(f"- {reason}" for reason in verdict.reasons)])
    return verdict.as_dict(), text
