"""Commands for the rest of the canon (docs/rules.md §20–22):

    learning-curve --project NAME [--run NAME …] [--desired LEVEL] [--json]
    learning-curve --project NAME --from-history [--run NAME] [--desired LEVEL] [--json]
    six-box --project NAME [--run NAME] [--set-human-target LEVEL|none]
            [--set-trained-target LEVEL|none [--n-trained-target N]] [--json]
    six-box [--metric KEY] [--human L] [--human-target L] [--train L] [--trained-target L]
            [--train-dev L] [--dev L] [--n-train N] … [--json]
    verify-optimization --project NAME [--run NAME] [--csv FILE] [--json]
    verify-optimization --csv FILE [--json]

`learning-curve` only reads. `six-box --set-…` and `verify-optimization --project … --csv`
record what they are given first (replacing what was there), then show the result; the
other forms compute from their arguments and touch no database.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from strategy_core.cli import add_command, open_cli_store, parse_count
from strategy_core.errors import InputError
from strategy_core.project_metric import PRESETS, ProjectMetric, parse_level

_BOX_OPTIONS = (("human_training", "--human"), ("human_target", "--human-target"),
                ("train", "--train"), ("trained_target", "--trained-target"),
                ("train_dev", "--train-dev"), ("dev", "--dev"))
_SIZE_OPTIONS = (("n_train", "--n-train"), ("n_trained_target", "--n-trained-target"),
                 ("n_train_dev", "--n-train-dev"), ("n_dev", "--n-dev"))


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = add_command(sub, "learning-curve", common,
                    description="Training and dev level against training-set size from a "
                                "project's runs, and whether more data is likely to help.")
    p.add_argument("--project", required=True, metavar="NAME")
    p.add_argument("--run", action="append", metavar="NAME",
                   help="a run of the curve (repeat; default: every run with a "
                        "training-set size)")
    p.add_argument("--desired", metavar="LEVEL",
                   help="the desired performance in the metric's units (default: the "
                        "project's human level)")
    p.add_argument("--from-history", action="store_true",
                   help="the curve of one run's history by training examples seen (--run, "
                        "default the newest run with one); without it, runs by training-set "
                        "size when they give 3 sizes, else such a history")
    p.set_defaults(handler=cmd_learning_curve)

    p = add_command(sub, "six-box", common,
                    description="Human level and error on the training and the dev/test "
                                "distribution, on examples trained on and not (MLY ch. 41).")
    p.add_argument("--project", metavar="NAME", help="a project (name or slug)")
    p.add_argument("--run", metavar="NAME", help="a run of --project (default: the newest)")
    p.add_argument("--set-human-target", metavar="LEVEL",
                   help="record human level on the dev/test distribution ('none' clears)")
    p.add_argument("--set-trained-target", metavar="LEVEL",
                   help="record the run's level on dev/test examples it trained on "
                        "('none' clears)")
    for dest, flag in _BOX_OPTIONS:
        p.add_argument(flag, dest=dest, metavar="LEVEL")
    for dest, flag in _SIZE_OPTIONS:
        p.add_argument(flag, dest=dest, metavar="N")
    p.add_argument("--metric", metavar="KEY", choices=sorted(PRESETS),
                   help="the metric the levels are in (default: error_rate)")
    p.set_defaults(handler=cmd_six_box)

    p = add_command(sub, "verify-optimization", common,
                    description="S(y*) against S(y_out) for reviewed mistakes: is the search "
                                "or the objective at fault (MLY ch. 44-46)?")
    p.add_argument("--project", metavar="NAME", help="a project (name or slug)")
    p.add_argument("--run", metavar="NAME", help="a run of --project (default: the newest)")
    p.add_argument("--csv", metavar="FILE",
                   help="example_id, score_correct, score_output[, note]: with --project it "
                        "replaces the run's records")
    p.set_defaults(handler=cmd_verify_optimization)


# --- learning-curve --------------------------------------------------------------------------


def cmd_learning_curve(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    from strategy_core.usecases.learning_curve import learning_curve
    from strategy_core.usecases.project_metric import project_metric
    from strategy_core.usecases.projects import resolve_project

    store = open_cli_store(args)
    project = resolve_project(store, args.project)
    desired = None if args.desired is None else parse_level(
        args.desired, "--desired", project_metric(store, project.id))
    curve = learning_curve(store, project.id, args.run, desired,
                           "history" if args.from_history else None)
    metric = curve.metric
    lines = [f"{project.name}: {curve.headline}" + (" (tentative)" if curve.tentative else "")]
    if curve.source == "history":
        lines.append(f"From the history of run {curve.run} (training examples seen)")
    if curve.desired is not None:
        lines.append(f"Desired performance: {metric.format(curve.desired)}"
                     + (f" ({curve.desired_label})" if curve.desired_label else ""))
    last = "checkpoint" if curve.source == "history" else "runs"
    lines.append(f"  {'training examples':>18}  {'training':>9}  {'dev':>9}  {last}")
    for point in curve.points:
        where = point.runs[0].rsplit(", ", 1)[-1] if curve.source == "history" else \
            len(point.runs)
        lines.append(f"  {point.size:>18,}  {metric.format(point.train):>9}  "
                     f"{metric.format(point.dev):>9}  {where}")
    lines += [f"- {reason}" for reason in curve.reasons]
    if curve.skipped:
        lines.append(f"Left out (no training-set size or level): {', '.join(curve.skipped)}")
    return {"project": project.name, **curve.as_dict()}, "\n".join(lines)


# --- six-box ---------------------------------------------------------------------------------


def cmd_six_box(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    given = [flag for dest, flag in (*_BOX_OPTIONS, *_SIZE_OPTIONS)
             if getattr(args, dest) is not None and dest != "n_trained_target"]
    if args.project is None:
        if args.run or args.set_human_target or args.set_trained_target:
            raise InputError("--run and --set-… need --project")
        return _six_box_from_levels(args)
    if given:
        raise InputError(f"{', '.join(given)} cannot be combined with --project: the boxes "
                         "come from the project's run (record the others with --set-…)")
    if args.metric is not None:
        raise InputError("--metric cannot be combined with --project: a project has its own "
                         "metric")
    if args.n_trained_target is not None and args.set_trained_target is None:
        raise InputError("--n-trained-target needs --set-trained-target")
    return _six_box_of_project(args)


def _six_box_of_project(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    from strategy_core.usecases import six_box as cases
    from strategy_core.usecases.diagnosis import choose_run
    from strategy_core.usecases.project_metric import project_metric
    from strategy_core.usecases.projects import resolve_project

    store = open_cli_store(args)
    project = resolve_project(store, args.project)
    metric = project_metric(store, project.id)
    run = choose_run(store, project, args.run)
    human = _optional_level(args.set_human_target, "--set-human-target", metric)
    trained = _optional_level(args.set_trained_target, "--set-trained-target", metric)
    n = None if args.n_trained_target is None else _size(args.n_trained_target,
                                                         "--n-trained-target")
    saved = []
    if args.set_human_target is not None:
        cases.save_human_target(store, project.id, human)
        saved.append("human_target")
    if args.set_trained_target is not None:
        cases.save_trained_target(store, project.id, run.key, trained, n)  # type: ignore[arg-type]
        saved.append("trained_target")
    answer = cases.six_box_table(store, project.id, run.name)
    payload = {"project": project.name, **answer.as_dict(), "saved": saved}
    return payload, _six_box_text(answer.table, f"{project.name}, run {run.name}")


def _six_box_from_levels(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    from strategy_core.diagnosis.six_box import SixBoxLevels, six_box

    metric = PRESETS[args.metric or "error_rate"]
    levels = {dest: parse_level(getattr(args, dest), flag, metric)
              for dest, flag in _BOX_OPTIONS if getattr(args, dest) is not None}
    if not levels:
        raise InputError("give some boxes (--human, --train, --train-dev, --dev, "
                         "--human-target, --trained-target) or --project NAME")
    sizes = {dest: _size(getattr(args, dest), flag)
             for dest, flag in _SIZE_OPTIONS if getattr(args, dest) is not None}
    table = six_box(SixBoxLevels(**levels, **sizes, metric=metric))
    return table.as_dict(), _six_box_text(table, None)


def _optional_level(text: str | None, flag: str, metric: ProjectMetric) -> float | None:
    if text is None or text.strip().lower() == "none":
        return None
    return parse_level(text, flag, metric)


def _size(text: str, flag: str) -> int:
    value = parse_count(text, flag)
    if value == 0:
        raise InputError(f"{flag} must be a positive number of examples")
    return value


def _six_box_text(table: Any, title: str | None) -> str:
    from strategy_core.diagnosis.six_box import BOXES, COLUMNS, ROWS

    metric = table.metric
    boxes = {box.name: box for box in BOXES}
    lines = [title] if title else []
    lines.append(f"{'':46}{COLUMNS['training']:>24}{COLUMNS['target']:>24}")
    for row, label in ROWS.items():
        cells = [metric.format(getattr(table.levels, b.name)) + f" ({b.label[-2]})"
                 for b in boxes.values() if b.row == row]
        lines.append(f"{label:46}{cells[0]:>24}{cells[1]:>24}")
    lines += [f"- {gap.sentence}" for gap in table.gaps]
    lines += list(table.notes)
    if table.to_record:
        lines.append("To fill the empty boxes:")
        lines += [f"  {text}" for text in table.to_record]
    return "\n".join(lines)


# --- verify-optimization ---------------------------------------------------------------------


def cmd_verify_optimization(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    data = None
    if args.csv is not None:
        path = Path(args.csv)
        if not path.is_file():
            raise InputError(f"no file {args.csv}")
        data = path.read_bytes()
    if args.project is None:
        if args.run is not None:
            raise InputError("--run needs --project")
        if data is None:
            raise InputError("give --csv FILE, or --project NAME for a run's recorded scores")
        from strategy_core.error_analysis.optimization import read_pairs_csv, verify_optimization

        result = verify_optimization(read_pairs_csv(data))
        return result.as_dict(), _verification_text(result, None)
    from strategy_core.usecases import optimization as cases
    from strategy_core.usecases.projects import resolve_project

    store = open_cli_store(args)
    project = resolve_project(store, args.project)
    if data is not None:
        cases.import_pairs_csv(store, project.id, args.run, data)
    answer = cases.verification(store, project.id, args.run)
    payload = {"project": project.name, **answer.as_dict(), "saved": data is not None}
    return payload, _verification_text(answer.result,
                                       f"{project.name}, run {answer.run.name}")


def _verification_text(result: Any, title: str | None) -> str:
    lines = [title] if title else []
    lines.append(result.headline + (" (tentative)" if result.tentative else ""))
    lines += [f"- {reason}" for reason in result.reasons]
    return "\n".join(lines)
