"""Commands for error analysis: `import-predictions`, `ceiling`, `mislabel` (docs/rules.md §4,
§5, §18). Under a project metric that is not a rate, `import-predictions` loads regression
rows or per-example values, `--review` draws the worst examples (or those past
`--threshold`) and `ceiling` gives the ceilings in the metric's units. `ceiling --effort`
gives each category's effort and so its priority (ceiling per unit of effort); with
`--project` it records the efforts for the project, as the page's effort editor does."""

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
                   "error_if_fixed", "effort", "priority")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = add_command(sub, "import-predictions", common)
    p.add_argument("file")
    p.add_argument("--project", required=True)
    p.add_argument("--run", required=True, help="run name (or run id)")
    p.add_argument("--review", metavar="NAME",
                   help="then draw a review sample with this name: the run's misclassified "
                        "dev examples, or for per-example values its worst dev examples")
    p.add_argument("--size", help="examples in the review sample (default 100)")
    p.add_argument("--threshold", help="per-example values: draw from the dev examples past "
                                       "this value (in the metric's units) instead")
    p.add_argument("--seed", help="seed of the random draw")
    p.set_defaults(handler=cmd_import_predictions)

    p = add_command(sub, "ceiling", common)
    p.add_argument("--dev-error", help="dev error, 10%% or 0.10")
    p.add_argument("--reviewed", help="number of misclassified examples reviewed")
    p.add_argument("--count", action="append", metavar="NAME=K",
                   help="examples tagged with a category (repeat per category)")
    p.add_argument("--project", help="read the counts of a stored review sample")
    p.add_argument("--sample", help="the review sample's name (with --project)")
    p.add_argument("--effort", action="append", metavar="NAME=N",
                   help="a category's effort in any unit (days, weeks), for its priority; "
                        "with --project it is recorded for the project ('NAME=' clears it)")
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
    _review_options(args, store, project.id)
    result = import_prediction_file(store, project.id, run.key,  # type: ignore[arg-type]
                                    path, source=path.name)
    splits = ", ".join(f"{SPLIT_LABELS[s]} {n:,}" for s, n in result.splits.items())
    what = f"{result.misclassified:,} misclassified" if result.kind == "classification" \
        else _KIND_TEXT[result.kind].format(name=result.value_name)
    text = (f"{project.name} / {run.name}: loaded {result.rows:,} predictions "
            f"({what}) in {result.seconds:.1f} s: {splits}"
            + (" (replaced the earlier upload)" if result.replaced else ""))
    payload = result.as_dict()
    if args.review:
        review, rule = _draw_review(store, project.id, run.key, args)  # type: ignore[arg-type]
        payload["review"] = review
        text += f"\nReview sample '{review['name']}': {rule}."
    return payload, text


_KIND_TEXT = {"regression": "regression: numeric label and prediction",
              "value": "per-example values of '{name}'"}


def _review_options(args: argparse.Namespace, store, project_id: int) -> None:  # noqa: ANN001
    """Refuse, before anything is loaded, --size, --threshold or --seed without --review
    and a --review name already taken."""
    from strategy_core.errors import NotFoundError
    from strategy_core.usecases.error_analysis import sample_by_name

    if not args.review:
        if args.size or args.threshold or args.seed:
            raise InputError("--size, --threshold and --seed go with --review")
        return
    try:
        sample_by_name(store, project_id, args.review)
    except NotFoundError:
        return
    raise InputError(f"a review sample named '{args.review}' already exists in this project")


def _draw_review(store, project_id: int, run_key: int,  # noqa: ANN001 - a Store
                 args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    """Draw the review sample `--review` names; its JSON and its rule in plain English."""
    from strategy_core.usecases.error_analysis import (
        DEFAULT_SAMPLE_SIZE,
        draw_sample,
        draw_value_sample,
        sample_rule_text,
        value_kind,
    )

    size = DEFAULT_SAMPLE_SIZE if args.size is None else parse_count(args.size, "--size")
    seed = None if args.seed is None else parse_count(args.seed, "--seed")
    if value_kind(store, project_id, run_key) == "classification":
        if args.threshold is not None:
            raise InputError("--threshold applies to per-example values, not to "
                             "classification rows")
        sample = draw_sample(store, project_id, run_key, name=args.review, size=size,
                             seed=seed)
        rule = (f"{sample.size:,} of the run's {sample.population:,} misclassified dev "
                f"examples, drawn at random (seed {sample.seed})")
    else:
        threshold = None if args.threshold is None else _number(args.threshold, "--threshold")
        sample = draw_value_sample(store, project_id, run_key, name=args.review, size=size,
                                   threshold=threshold, seed=seed)
        rule = sample_rule_text(store, sample) or ""
    return {"name": sample.name, "id": sample.id, "size": sample.size,
            "population": sample.population, "seed": sample.seed, "rule": rule}, rule


def _number(text: str, what: str) -> float:
    try:
        return float(str(text).replace("_", ""))
    except ValueError:
        raise InputError(f"{what} must be a number, not '{text}'") from None


def cmd_ceiling(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    efforts = {name: _effort(value, name)
               for name, value in parse_pairs(args.effort, "--effort").items()}
    if args.project or args.sample:
        if not (args.project and args.sample):
            raise InputError("--project and --sample go together")
        if args.reviewed or args.count:
            raise InputError("give either --project and --sample, or --reviewed and --count")
        stored = _stored_summary(args, efforts)
        if not hasattr(stored, "summary"):
            return stored  # a review of per-example values: payload and text
        summary, sources = stored.summary, _sources_output(stored.sources)
    else:
        sources = None
        if args.dev_error is None or args.reviewed is None:
            raise InputError("give --dev-error and --reviewed (and a --count per category), "
                             "or --project and --sample")
        counts = {name: parse_count(value, f"--count {name}")
                  for name, value in parse_pairs(args.count, "--count").items()}
        summary = summarize_review(parse_rate(args.dev_error, what="--dev-error"),
                                   parse_count(args.reviewed, "--reviewed"), counts,
                                   {name: e for name, e in efforts.items() if e is not None})
    payload = {
        "dev_error": summary.dev_error,
        "reviewed": summary.reviewed,
        "adequacy": summary.adequacy,
        "categories": [{k: c.as_dict()[k] for k in CATEGORY_FIELDS} for c in summary.categories],
        "priority_order": list(summary.priority_order),
    }
    lines = [f"{summary.reviewed} reviewed ({ADEQUACY_LABELS[summary.adequacy]} review), "
             f"dev error {format_pct(summary.dev_error)}"]
    lines += [f"  {c.name:28} {c.count:>5}  {format_pct(c.share):>6} "
              f"[{format_pct(c.share_low)}–{format_pct(c.share_high)}]  ceiling "
              f"{format_points(c.ceiling, 2):>9}  → at best {format_pct(c.error_if_fixed, 2)}"
              + _priority_text(c.effort, c.priority, format_points(c.priority, 3))
              for c in summary.categories]
    if summary.priority_order:
        lines.append(f"Priority (ceiling per unit of effort): "
                     f"{', '.join(summary.priority_order)}")
    if sources is not None:
        payload["dev_error_sources"], line = sources
        if line:
            lines.append(line)
    return payload, "\n".join(lines)


def _sources_output(sources: Any) -> tuple[dict[str, Any] | None, str]:
    """The review's dev error against the run's recorded one, as the Error analysis page
    states it (docs/rules.md §4): the JSON object (None when the run records no other
    figure) and the text line ('' when the two agree)."""
    if sources is None:
        return None, ""
    noise = None if sources.disagree is None else not sources.disagree
    payload = {"imported": sources.recorded,
               "predictions": sources.used if sources.source == "predictions" else None,
               "used": sources.used, "source": sources.source,
               "difference": sources.as_dict()["difference"], "noise": noise,
               "why": sources.reasons[-1], "reasons": list(sources.reasons)}
    line = f"Two dev errors: {' '.join(sources.reasons)}" if sources.notable else ""
    return payload, line


def _effort(text: str, name: str) -> float | None:
    """A category's effort from `--effort NAME=N`: a positive number, or empty to clear."""
    if text.strip().casefold() in ("", "none"):
        return None
    value = _number(text, f"--effort {name}")
    if not 0 < value < float("inf"):
        raise InputError(f"--effort {name} must be a positive number, not '{text}'")
    return value


def _priority_text(effort: float | None, priority: float | None, shown: str) -> str:
    if effort is None or priority is None:
        return ""
    return f"  effort {effort:g}  priority {shown}"


def _record_efforts(store, project_id: int,  # noqa: ANN001 - a Store
                    efforts: dict[str, float | None]) -> None:
    """Record `--effort` for the project's categories (names match whatever their case),
    refused whole when a name is not a category."""
    from strategy_core.usecases.error_analysis import categories, set_efforts

    known = categories(store, project_id)
    by_name = {c.name.casefold(): c for c in known}
    unknown = [name for name in efforts if name.casefold() not in by_name]
    if unknown:
        raise InputError(f"--effort: no category named '{unknown[0]}' (the project's: "
                         + ", ".join(c.name for c in known) + ")")
    chosen = {by_name[name.casefold()]: effort for name, effort in efforts.items()}
    set_efforts(store, project_id, {c.id: effort for c, effort in chosen.items()},
                expected={c.id: c.version for c in chosen})


def _stored_summary(args: argparse.Namespace,  # noqa: ANN202 - SampleAnalysis
                    efforts: dict[str, float | None]):
    from strategy_core.usecases.error_analysis import analyze_sample, sample_by_name
    from strategy_core.usecases.projects import resolve_project

    store = open_cli_store(args)
    project = resolve_project(store, args.project)
    sample = sample_by_name(store, project.id, args.sample)
    override = None if args.dev_error is None else parse_rate(args.dev_error,
                                                               what="--dev-error")
    analysis = analyze_sample(store, sample.id, override)
    if analysis.rule is None and analysis.summary is None:  # refused before efforts are saved
        raise InputError(f"sample '{sample.name}': {analysis.missing} "
                         "(on the command line: --dev-error)")
    if efforts:
        _record_efforts(store, project.id, efforts)
        analysis = analyze_sample(store, sample.id, override)
    if analysis.rule is not None:
        return _values_output(analysis, sample.name)
    return analysis


VALUE_FIELDS = ("name", "count", "share", "share_low", "share_high", "gain", "value_share",
                "ceiling", "metric_if_fixed", "effort", "priority")


def _values_output(analysis, name: str) -> tuple[dict[str, Any], str]:  # noqa: ANN001
    """`ceiling` of a review of per-example values: the rule, and the ceilings in the
    metric's units (docs/rules.md §18)."""
    summary = analysis.values
    lines = [f"Review sample '{name}': {analysis.rule}."]
    payload: dict[str, Any] = {"sample": name, "rule": analysis.rule,
                               "reviewed": analysis.counts.reviewed, "categories": []}
    if summary is None:
        return payload, "\n".join([*lines, analysis.missing or ""])
    metric = summary.metric
    digits = metric.precision + 1
    payload.update(metric.as_json(), dev_value=summary.dev_value, adequacy=summary.adequacy,
                   categories=[{k: c.as_dict()[k] for k in VALUE_FIELDS}
                               for c in summary.categories],
                   priority_order=list(summary.priority_order))
    lines.append(f"{summary.reviewed} reviewed ({ADEQUACY_LABELS[summary.adequacy]} review), "
                 f"dev {metric.name} {metric.format(summary.dev_value, digits)} "
                 f"over {summary.dev_n:,} dev examples")
    lines += [f"  {c.name:28} {c.count:>5}  {format_pct(c.share):>6} of examples, "
              f"{format_pct(c.value_share):>6} of their error  ceiling "
              f"{metric.format_gap(c.ceiling, digits):>12}  → at best "
              f"{metric.format(c.metric_if_fixed, digits)}"
              + _priority_text(c.effort, c.priority, metric.format_gap(c.priority, digits + 1))
              for c in summary.categories]
    if summary.priority_order:
        lines.append(f"Priority (ceiling per unit of effort): "
                     f"{', '.join(summary.priority_order)}")
    return payload, "\n".join(lines)


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
