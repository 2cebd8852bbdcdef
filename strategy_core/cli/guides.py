"""Commands for the decision guides (docs/rules.md §7, §8): `guide transfer`, `guide multitask`,
`guide end-to-end`. They decide from their arguments and touch no database."""

from __future__ import annotations

import argparse
from typing import Any

from strategy_core.cli import add_command, parse_count, parse_pairs
from strategy_core.errors import InputError
from strategy_core.guides import (
    ANSWERS,
    COMPLEXITIES,
    END_TO_END_THRESHOLDS,
    RETRAIN_LABELS,
    TRANSFER_RATIO,
    TRANSFER_RETRAIN_THRESHOLD,
    VERDICT_LABELS,
    GuideVerdict,
    end_to_end_verdict,
    multitask_verdict,
    transfer_verdict,
)

YES_NO = ("yes", "no")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    guide = add_command(sub, "guide", common)
    kinds = guide.add_subparsers(dest="guide_command", metavar="GUIDE",
                                 parser_class=type(guide))
    kinds.required = True

    p = kinds.add_parser("transfer", parents=[common],
                         help="transfer learning from task A (source) to task B (target)?")
    p.add_argument("--source-examples", required=True, metavar="N",
                   help="labeled examples of task A, the task to pre-train on")
    p.add_argument("--target-examples", required=True, metavar="N",
                   help="labeled examples of task B, the task to fine-tune on")
    p.add_argument("--same-input", required=True, choices=YES_NO,
                   help="do A and B take the same kind of input (images, audio, ...)?")
    p.add_argument("--low-level-helpful", default="unsure", choices=ANSWERS,
                   help="do A's low-level features likely help B? (default unsure)")
    p.set_defaults(handler=cmd_transfer)

    p = kinds.add_parser("multitask", parents=[common],
                         help="one network for several tasks?")
    p.add_argument("--task", action="append", required=True, metavar="NAME=N",
                   help="a task and its number of labeled examples (repeat, at least 2)")
    p.add_argument("--shared-low-level", default="unsure", choices=ANSWERS,
                   help="do the tasks share low-level features? (default unsure)")
    p.add_argument("--big-network", default="unsure", choices=ANSWERS,
                   help="can a network big enough for all tasks be trained? (default unsure)")
    p.set_defaults(handler=cmd_multitask)

    p = kinds.add_parser("end-to-end", parents=[common],
                         help="learn x -> y end to end, or build a pipeline?")
    p.add_argument("--examples", required=True, metavar="N",
                   help="labeled end-to-end (x, y) examples")
    p.add_argument("--complexity", required=True, choices=COMPLEXITIES,
                   help="how complex the x -> y mapping is (needs about " + ", ".join(
                       f"{level} {END_TO_END_THRESHOLDS[level]:,}" for level in COMPLEXITIES)
                   + " examples)")
    p.add_argument("--subtask-data", required=True, choices=YES_NO,
                   help="is there plenty of data for simpler sub-tasks?")
    p.add_argument("--hand-designed-useful", choices=YES_NO, default=None,
                   help="do useful hand-designed components exist? (default: not known)")
    p.set_defaults(handler=cmd_end_to_end)


def _text(result: GuideVerdict, extra: str = "") -> str:
    lines = [f"verdict: {VERDICT_LABELS[result.verdict]}{extra}"]
    lines += [f"- {reason}" for reason in result.reasons]
    return "\n".join(lines)


def cmd_transfer(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    result = transfer_verdict(
        parse_count(args.source_examples, "--source-examples"),
        parse_count(args.target_examples, "--target-examples"),
        args.same_input == "yes",
        args.low_level_helpful,
        ratio=TRANSFER_RATIO,
        retrain_threshold=TRANSFER_RETRAIN_THRESHOLD,
    )
    extra = f" ({RETRAIN_LABELS[result.retrain]})" if result.retrain else ""
    return result.as_dict(), _text(result, extra)


def cmd_multitask(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    pairs = parse_pairs(args.task, "--task")
    tasks = {name: parse_count(count, f"--task {name}") for name, count in pairs.items()}
    if len(tasks) < 2:
        raise InputError("multi-task learning needs at least 2 tasks: repeat --task NAME=N")
    result = multitask_verdict(tasks, args.shared_low_level, args.big_network)
    return result.as_dict(), _text(result)


def cmd_end_to_end(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    hand = None if args.hand_designed_useful is None else args.hand_designed_useful == "yes"
    result = end_to_end_verdict(
        parse_count(args.examples, "--examples"), args.complexity,
        args.subtask_data == "yes", hand,
    )
    return result.as_dict(), _text(result)
