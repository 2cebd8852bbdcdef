"""Commands for the decision guides (docs/rules.md §7, §8): `guide transfer`, `guide multitask`,
`guide end-to-end` decide from their arguments and touch no database; `parts` (error
analysis by parts) and `pipeline-check` (the flawed-pipeline check) read the project's saved
pipeline analysis or take it as arguments; `label-coverage` counts the labels per task of
a label matrix CSV. None of them writes."""

from __future__ import annotations

import argparse
from typing import Any

from strategy_core.cli import add_command, open_cli_store, parse_count, parse_pairs
from strategy_core.errors import InputError
from strategy_core.guides import (
    ANSWERS,
    COMPLEXITIES,
    END_TO_END_THRESHOLDS,
    PIPELINE_MARGIN,
    RETRAIN_LABELS,
    TRANSFER_RATIO,
    TRANSFER_RETRAIN_THRESHOLD,
    VERDICT_LABELS,
    GuideVerdict,
    PipelineAnalysis,
    end_to_end_verdict,
    multitask_verdict,
    pipeline_analysis,
    transfer_verdict,
)
from strategy_core.rates import format_pct, format_points, parse_rate

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
    _register_project_guides(sub, common)


def _register_project_guides(sub: argparse._SubParsersAction,
                             common: argparse.ArgumentParser) -> None:
    """`parts`, `pipeline-check` and `label-coverage`: the guide pages' other decisions."""
    p = add_command(
        sub, "parts", common,
        description="Which pipeline component the reviewed errors blame (each error counts "
                    "against the first component that, given perfect output, fixes it): "
                    "--project reads the analysis saved on the End-to-end page, --component "
                    "gives the counts in pipeline order.")
    p.add_argument("--project", metavar="NAME")
    p.add_argument("--component", action="append", metavar="NAME=COUNT",
                   help="a component and its blamed errors, in pipeline order (repeat)")
    p.set_defaults(handler=cmd_parts)

    p = add_command(
        sub, "pipeline-check", common,
        description="Each component and the whole system against human level: a flawed "
                    "pipeline when every component is near human level but the system is "
                    "not. --project reads the saved analysis; else give every level.")
    p.add_argument("--project", metavar="NAME")
    p.add_argument("--component", action="append", metavar="NAME=ERROR,HUMAN",
                   help="a component's error and human-level error, in pipeline order, e.g. "
                        "'detect face=1%%,0.8%%' (repeat)")
    p.add_argument("--system", metavar="ERROR,HUMAN",
                   help="the whole system's error and human-level error, e.g. 9%%,1%%")
    p.add_argument("--margin", metavar="R", help="near human level means at most this far "
                   f"above it (default {format_pct(PIPELINE_MARGIN)})")
    p.set_defaults(handler=cmd_pipeline_check)

    p = add_command(
        sub, "label-coverage", common,
        description="How many examples of a label matrix (one row per example, one column "
                    "per task; blank, ?, NA and null mean no label) carry a label per task.")
    p.add_argument("file")
    p.add_argument("--task", action="append", metavar="COLUMN",
                   help="a task column (repeat; default: the columns that are not ids or "
                        "file names)")
    p.set_defaults(handler=cmd_label_coverage)


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


# --- error analysis by parts and the flawed-pipeline check (docs/rules.md §7) -----------------


def _saved_analysis(args: argparse.Namespace) -> tuple[str, PipelineAnalysis]:
    """The project's name and the pipeline analysis saved for it on the End-to-end page."""
    from strategy_core.usecases.guides import saved_pipeline
    from strategy_core.usecases.projects import resolve_project

    store = open_cli_store(args)
    project = resolve_project(store, args.project)
    analysis = saved_pipeline(store, project.id).analysis
    if analysis is None:
        raise InputError(f"project '{project.name}' has no saved pipeline analysis: save one "
                         "on the End-to-end page (Error analysis by parts), or give "
                         "--component")
    return project.name, analysis


def _one_source(args: argparse.Namespace, *flags: str) -> None:
    given = [flag for flag in ("--component", *flags)
             if getattr(args, flag.removeprefix("--")) is not None]
    if (args.project is None) == (not given):
        raise InputError("give either --project NAME (its saved analysis) or " + " and ".join(
            ("--component", *flags)))


def cmd_parts(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    _one_source(args)
    head: dict[str, Any] = {}
    if args.project is not None:
        name, analysis = _saved_analysis(args)
        head = {"project": name, "review_sample": analysis.sample_id}
    else:
        counts = parse_pairs(args.component, "--component")
        analysis = pipeline_analysis(list(counts), {
            name: parse_count(count, f"--component {name}") for name, count in counts.items()})
    tally = analysis.tally()
    payload = {**head, "headline": tally.headline, **tally.as_dict()}
    lines = [tally.headline, *(f"- {reason}" for reason in tally.reasons[1:])]
    lines += [f"  {c.name:30} {c.count:>5}" + ("" if c.share is None else
              f"  {format_pct(c.share):>6} [{format_pct(c.share_low)}–"
              f"{format_pct(c.share_high)}]") for c in tally.components]
    return payload, "\n".join(lines)


def cmd_pipeline_check(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    _one_source(args, "--system")
    head: dict[str, Any] = {}
    if args.project is not None:
        if args.margin is not None:
            raise InputError("--margin cannot be combined with --project: the saved "
                             "analysis has its own")
        name, analysis = _saved_analysis(args)
        head = {"project": name}
    else:
        if args.component is None or args.system is None:
            raise InputError("give every --component NAME=ERROR,HUMAN and --system "
                             "ERROR,HUMAN")
        levels = {name: _pair(text, f"--component {name}")
                  for name, text in parse_pairs(args.component, "--component").items()}
        system_error, system_human = _pair(args.system, "--system")
        analysis = pipeline_analysis(
            list(levels), levels=levels, system_error=system_error,
            system_human_error=system_human,
            margin=PIPELINE_MARGIN if args.margin is None
            else parse_rate(args.margin, what="--margin"))
    check = analysis.check()
    if check is None:
        raise InputError(f"the saved analysis of project '{head['project']}' lacks a "
                         "component's or the system's error or human-level error")
    payload = {**head, "headline": check.headline, **check.as_dict()}
    lines = [check.headline, *(f"- {reason}" for reason in check.reasons)]
    lines += [f"  {c.name:30} {format_pct(c.error):>6} vs human {format_pct(c.human_error):>6}"
              f"  gap {format_points(c.gap):>9}" for c in check.components]
    lines.append(f"  {'whole system':30} {format_pct(check.system_error):>6} vs human "
                 f"{format_pct(check.system_human_error):>6}  gap "
                 f"{format_points(check.system_gap):>9}")
    return payload, "\n".join(lines)


def _pair(text: str, what: str) -> tuple[str, str]:
    """'1%' and '0.8%' from '1%,0.8%' (parsed as rates by the rule, which names `what`)."""
    error, sep, human = text.partition(",")
    if not sep or not error.strip() or not human.strip():
        raise InputError(f"{what} '{text}' must look like ERROR,HUMAN (e.g. 2%,1%)")
    return error.strip(), human.strip()


# --- label coverage (docs/rules.md §8) -----------------------------------------------------


def cmd_label_coverage(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    from pathlib import Path

    from strategy_core.guides import default_task_columns, label_coverage, read_label_matrix
    from strategy_core.run_csv import MAX_FILE_MB

    path = Path(args.file)
    if not path.is_file():
        raise InputError(f"no file {args.file}")
    if path.stat().st_size > MAX_FILE_MB * 1024 * 1024:
        raise InputError(f"{args.file} is larger than the {MAX_FILE_MB} MB limit")
    matrix = read_label_matrix(path.read_bytes())
    tasks = list(dict.fromkeys(args.task)) if args.task else default_task_columns(matrix)
    if args.task and len(tasks) < len(args.task):
        raise InputError("a --task is given twice")
    coverage = label_coverage(matrix, tasks)
    payload = {"file": path.name, **coverage.as_dict()}
    lines = [f"{path.name}: {coverage.examples:,} examples"]
    lines += [f"  {t.name:30} {t.labeled:>8,} labeled {t.missing:>8,} missing "
              f"{format_pct(t.coverage):>7}" for t in coverage.tasks]
    lines += [f"- {reason}" for reason in coverage.reasons]
    return payload, "\n".join(lines)
