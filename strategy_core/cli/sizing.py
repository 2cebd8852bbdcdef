"""Commands for dev/test sizing and splits (docs/rules.md §6): `size ci|detect|eyeball|split`,
`size mean` (a metric that is a mean of per-example values, §17), `plan-split`,
`compare-dist`. They compute from their arguments and touch no database."""

from __future__ import annotations

import argparse
import math
from typing import Any

from strategy_core.cli import add_command, parse_count, parse_pairs
from strategy_core.cli.sizing_choices import chosen_plan_output, register_choices, source_choices
from strategy_core.errors import InputError
from strategy_core.project_metric import PRESETS, ProjectMetric, with_changes
from strategy_core.rates import format_pct, parse_rate
from strategy_core.sizing import (
    UNPAIRED_VS_PAIRED,
    compare_distributions,
    detect_size,
    error_interval,
    eyeball_size,
    mean_metric_plan,
    plan_split,
    split_sizes,
)
from strategy_core.sizing.source_choices import plan_with_choices

SPLIT_NAMES = {"train": "train", "train_dev": "train-dev", "dev": "dev", "test": "test"}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    size = add_command(sub, "size", common)
    kinds = size.add_subparsers(dest="size_command", metavar="KIND", parser_class=type(size))
    kinds.required = True

    p = kinds.add_parser("ci", parents=[common],
                         help="Wilson interval of an error rate on n examples")
    p.add_argument("--error", required=True, metavar="R", help="error rate: 8%% or 0.08")
    p.add_argument("--n", required=True, metavar="N", help="number of examples")
    p.add_argument("--confidence", default="0.95", metavar="C", help="default 0.95")
    p.set_defaults(handler=cmd_size_ci)

    p = kinds.add_parser("detect", parents=[common],
                         help="examples needed to detect a difference in error")
    p.add_argument("--error", required=True, metavar="R", help="the worse model's error")
    p.add_argument("--delta", required=True, metavar="R", help="difference to detect")
    p.add_argument("--disagreement", metavar="R",
                   help="share of examples where the two models answer differently "
                        "(paired McNemar size); without it the unpaired size")
    p.add_argument("--alpha", default="0.05", metavar="A", help="two-sided, default 0.05")
    p.add_argument("--power", default="0.8", metavar="P", help="default 0.8")
    p.set_defaults(handler=cmd_size_detect)

    p = kinds.add_parser("eyeball", parents=[common],
                         help="eyeball dev set size to see a number of mistakes")
    p.add_argument("--error", required=True, metavar="R")
    p.add_argument("--mistakes", default="100", metavar="M", help="default 100")
    p.set_defaults(handler=cmd_size_eyeball)

    p = kinds.add_parser("split", parents=[common],
                         help="rule-of-thumb train/dev/test split of N examples")
    p.add_argument("--examples", required=True, metavar="N")
    p.set_defaults(handler=cmd_size_split)

    _register_mean(kinds, common)

    p = add_command(sub, "plan-split", common)
    p.add_argument("--source", action="append", required=True, metavar="NAME=COUNT")
    p.add_argument("--target", required=True, metavar="NAME")
    p.add_argument("--dev", metavar="N", help="dev set size (default: a quarter of the target, "
                                             "at most 10,000)")
    p.add_argument("--test", metavar="N", help="test set size (default as for dev)")
    register_choices(p)
    p.set_defaults(handler=cmd_plan_split)

    p = add_command(sub, "compare-dist", common)
    p.add_argument("--dev", action="append", required=True, metavar="NAME=COUNT")
    p.add_argument("--test", action="append", required=True, metavar="NAME=COUNT")
    p.set_defaults(handler=cmd_compare_dist)


def _register_mean(kinds: argparse._SubParsersAction,
                   common: argparse.ArgumentParser) -> None:
    p = kinds.add_parser("mean", parents=[common],
                         help="precision and sizes for a metric that is a mean of "
                              "per-example values (loss, MAE, WER per utterance)")
    p.add_argument("--sd", required=True, metavar="X",
                   help="standard deviation of the per-example values, in the metric's "
                        "units (15%% or 0.15 for a percentage)")
    p.add_argument("--n", required=True, metavar="N", help="examples (per model)")
    p.add_argument("--half-width", metavar="X", help="target half-width: the n it needs")
    p.add_argument("--delta", metavar="X", help="difference to detect: the n it needs")
    p.add_argument("--paired-sd", metavar="X",
                   help="standard deviation of the per-example differences when both "
                        "models are scored on the same examples (paired sizes)")
    p.add_argument("--metric", metavar="KEY", help=f"a preset ({', '.join(PRESETS)}) "
                                                   "for how numbers read")
    p.add_argument("--unit", metavar="U", help="the metric's unit, e.g. years")
    p.add_argument("--confidence", default="0.95", metavar="C", help="default 0.95")
    p.add_argument("--alpha", default="0.05", metavar="A", help="two-sided, default 0.05")
    p.add_argument("--power", default="0.8", metavar="P", help="default 0.8")
    p.set_defaults(handler=cmd_size_mean)


def parse_amount(text: str | None, what: str) -> float | None:
    """A number from the command line in the metric's units (`15%` is 0.15), or None."""
    if text is None:
        return None
    raw = text.strip().replace(",", "").replace("_", "")
    scale = 100.0 if raw.endswith("%") else 1.0
    try:
        number = float(raw.removesuffix("%")) / scale
    except ValueError:
        raise InputError(f"{what} '{text}' is not a number") from None
    if not math.isfinite(number):
        raise InputError(f"{what} '{text}' is not a finite number")
    return number


def cli_metric(key: str | None, unit: str | None) -> ProjectMetric:
    """How `size mean` reads its numbers: a preset, else a plain quantity; `--unit` on top."""
    if key is None:
        metric = ProjectMetric(key="custom", name="the mean", kind="quantity", unit="",
                               precision=3, minimum=None, maximum=None)
    elif key.strip().lower() in PRESETS:
        metric = PRESETS[key.strip().lower()]
    else:
        raise InputError(f"--metric '{key}' is not one of {', '.join(PRESETS)}")
    return metric if unit is None else with_changes(metric, unit=unit)


def cmd_size_mean(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    metric = cli_metric(args.metric, args.unit)
    plan = mean_metric_plan(
        parse_amount(args.sd, "--sd"), parse_count(args.n, "--n"),  # type: ignore[arg-type]
        confidence=parse_rate(args.confidence, what="--confidence"),
        target_half_width=parse_amount(args.half_width, "--half-width"),
        delta=parse_amount(args.delta, "--delta"),
        paired_sd=parse_amount(args.paired_sd, "--paired-sd"),
        alpha=parse_rate(args.alpha, what="--alpha"),
        power=parse_rate(args.power, what="--power"))
    text = "\n".join([*plan.sentences(metric), UNPAIRED_VS_PAIRED])
    return {"unit": metric.unit, **plan.as_dict()}, text


def cmd_size_ci(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    result = error_interval(parse_rate(args.error, what="--error"),
                            parse_count(args.n, "--n"),
                            parse_rate(args.confidence, what="--confidence"))
    return result.as_dict(), result.reasons[0]


def cmd_size_detect(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    disagreement = None if args.disagreement is None else parse_rate(
        args.disagreement, what="--disagreement")
    result = detect_size(parse_rate(args.error, what="--error"),
                         parse_rate(args.delta, what="--delta"), disagreement,
                         alpha=parse_rate(args.alpha, what="--alpha"),
                         power=parse_rate(args.power, what="--power"))
    text = "\n".join([f"n = {result.n:,} ({result.method})", *result.reasons,
                      result.explanation])
    return result.as_dict(), text


def cmd_size_eyeball(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    error = parse_rate(args.error, what="--error")
    mistakes = parse_count(args.mistakes, "--mistakes")
    n = eyeball_size(error, mistakes)
    text = (f"An eyeball dev set of {n:,} examples shows about {mistakes:,} mistakes at "
            f"{format_pct(error)} error.")
    return {"n": n}, text


def cmd_size_split(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    result = split_sizes(parse_count(args.examples, "--examples"))
    return result.as_dict(), "\n".join(result.reasons)


def cmd_plan_split(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    sources = {name: parse_count(value, f"--source {name}")
               for name, value in parse_pairs(args.source, "--source").items()}
    target = args.target.strip()
    dev = None if args.dev is None else parse_count(args.dev, "--dev")
    test = None if args.test is None else parse_count(args.test, "--test")
    choices = source_choices(args)
    if choices.any:
        return chosen_plan_output(plan_with_choices(sources, target, dev, test, choices))
    plan = plan_split(sources, target, dev=dev, test=test)
    width = max(len(name) for name in sources)
    lines = [f"{'':{width}}  " + "  ".join(f"{label:>10}" for label in SPLIT_NAMES.values())]
    for name in sources:
        counts = [getattr(plan, field)[name] for field in SPLIT_NAMES]
        lines.append(f"{name:{width}}  " + "  ".join(f"{n:>10,}" for n in counts))
    lines += ["", *plan.reasons]
    return plan.as_dict(), "\n".join(lines)


def cmd_compare_dist(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    dev = {name: parse_count(value, f"--dev {name}")
           for name, value in parse_pairs(args.dev, "--dev").items()}
    test = {name: parse_count(value, f"--test {name}")
            for name, value in parse_pairs(args.test, "--test").items()}
    result = compare_distributions(dev, test)
    return result.as_dict(), "\n".join(result.reasons)
