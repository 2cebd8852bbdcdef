"""Report: build the project report from the stored project, with the same feature
functions the pages use, and render it for the page and the command line."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from strategy_core.charts.diagnosis import staircase_chart, trend_chart
from strategy_core.charts.error_analysis import shares_chart
from strategy_core.charts.metrics import selection_chart
from strategy_core.charts.sizing import allocation_chart, separation_chart
from strategy_core.diagnosis import (
    FLAG_LABELS,
    GAPS,
    focus_verdict,
    format_interval,
    gap_formula,
    trend_summary,
)
from strategy_core.errors import InputError
from strategy_core.metrics import (
    Selection,
    is_rate_metric,
    run_metrics,
    select_from_runs,
    selectable_metrics,
    suggest_definition,
)
from strategy_core.rates import format_pct, format_points
from strategy_core.report import render
from strategy_core.report.model import (
    FOCUS,
    FORMATS,
    LISTED_RUNS,
    LOG_ENTRIES,
    RANKED_RUNS,
    SECTION_TITLES,
    SELECTION_CHART_RUNS,
    TREND_RUNS,
    Badge,
    Block,
    Bullets,
    Cell,
    Figure,
    Paragraph,
    Report,
    Section,
    Table,
)
from strategy_core.sizing import (
    PLAN_SETTING,
    compare_runs,
    plan_inputs,
    runs_by_dev_error,
)
from strategy_core.sizing.source_choices import plan_with_choices
from strategy_core.usecases.checklist import checklist_report_section
from strategy_core.usecases.decisions import decisions_report_section
from strategy_core.usecases.diagnosis import change_marks
from strategy_core.usecases.error_analysis import analyze_sample
from strategy_core.usecases.projects import get_project
from strategy_core.usecases.report_canon import (
    learning_curve_section,
    optimization_section,
    six_box_section,
)
from strategy_core.usecases.run_scope import decision_runs
from strategy_core.usecases.runs import human_levels, runs_report_section
from strategy_core.usecases.sizing import prediction_disagreement
from strategy_core.usecases.status import StatusContext, status_report_section

if TYPE_CHECKING:
    from strategy_core.runs import Run
    from strategy_core.store import Store
    from strategy_core.store.projects import Project


# --- building it ---------------------------------------------------------------------------


def build_report(store: Store, project: Project, *, generated_on: date | None = None) -> Report:
    """The project report as data: status, runs, diagnosis and trend, checklist, metric
    definition, error analysis, sizing and decisions, each section built
    from the feature functions the pages use, each saying plainly when it has no data."""
    runs = decision_runs(store, project.id)
    context = StatusContext(store=store, project=project, runs=runs,
                            human_levels=human_levels(store, project.id))
    sections: list[Section] = []
    skipped: list[str] = []
    for key, builder in _BUILDERS:
        try:
            sections.append(builder(context))
        except Exception as exc:  # noqa: BLE001 - one broken feature must not sink the report
            skipped.append(f"{key}: {type(exc).__name__}: {exc}")
            sections.append(Section(key, SECTION_TITLES[key], (Paragraph(
                "This part could not be built from the stored data; open its page in the "
                "app for details.", style="empty"),), has_data=False))
    return Report(project.name, project.slug, generated_on or date.today(), tuple(sections),
                  tuple(skipped))


def _empty(key: str, text: str, *more: Block) -> Section:
    return Section(key, SECTION_TITLES[key], (Paragraph(text, style="empty"), *more),
                   has_data=False)


def _day(value: datetime | date | None) -> str:
    return "–" if value is None else f"{value:%Y-%m-%d}"


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _diagnosis_section(context: StatusContext) -> Section:
    newest = context.newest
    if newest is None:
        return _empty("diagnosis", "No diagnosis yet: it needs at least one run with its "
                                   "training and dev errors, and the human-level error of "
                                   "the task (recorded on the Runs page).")
    result = newest.decomposition
    levels = context.human_levels
    metric, stored = result.metric, context.metric
    blocks: list[Block] = [Paragraph(focus_verdict(result, newest.run.name), style="verdict")]
    if not metric.is_error_rate:
        blocks.append(Paragraph(f"Metric: {stored.describe()}. Gaps are in its units, signed "
                                "so that a positive gap is room to improve."))
    proxy = levels.proxy
    if proxy is None:
        blocks.append(Paragraph(
            "No human-level error is recorded, so avoidable bias cannot be measured: record "
            "the error of a typical person, an expert or a team of experts on the Runs page."))
    else:
        others = [f"{level.label} {stored.format(level.error)}" for level in levels.levels
                  if level != proxy]
        also = f"; also recorded: {', '.join(others)}" if others else ""
        what = "Human-level error" if stored.is_error_rate else f"Human level ({stored.name})"
        blocks.append(Paragraph(
            f"{what}, the stand-in for the best achievable (Bayes) level: "
            f"{stored.format(proxy.error)} ({proxy.label}{also})."))
    rows = []
    for gap in GAPS:
        value = result.gaps[gap.name]
        if value is None:
            continue
        interval = result.intervals.get(gap.name)
        span = "–"
        if interval is not None:
            span = format_interval(interval, metric)
            if result.significant.get(gap.name) is False:
                span += " (may be noise)"
        formula = gap_formula(gap.name, metric)
        if gap.name == "variance" and result.variance_uses_dev:
            formula = formula.replace("training-dev", "dev")
        marker: Cell = Badge("focus", FOCUS) if result.focus == gap.name else ""
        rows.append((gap.label, formula, metric.format_gap(value), span, marker))
    if rows:
        blocks.append(Table(("Gap", "Measured as", "Size", "95% interval", ""), tuple(rows),
                            (False, False, True, True, False),
                            f"The gaps of {newest.run.name}, in chain order."))
        blocks.append(Paragraph(
            "A gap is the difference between two error levels. The largest one above the "
            "project's tolerance is the focus, the same link the checklist marks. The 95% "
            "interval shows how far the gap could move by chance on sets of these sizes; an "
            "interval that holds 0 means the gap may be noise.", style="note"))
    blocks.append(Bullets(tuple(result.reasons), "Why"))
    if result.flags:
        blocks.append(Paragraph(", ".join(FLAG_LABELS[flag] for flag in result.flags) + ".",
                                label="Flags:"))
    if rows:
        blocks.append(Figure(
            f"Error levels of {newest.run.name}", staircase_chart(result),
            "Each column is an error level; its coloured top is the gap from the level "
            "before, the focus outlined; whiskers are 95% intervals.", width=600))
    blocks += _trend_blocks(context)
    return Section("diagnosis", SECTION_TITLES["diagnosis"], tuple(blocks))


def _trend_blocks(context: StatusContext) -> list[Block]:
    """The trend of every gap across runs, with the metric and dev-set changes marked."""
    diagnoses = context.diagnoses
    with_gaps = sum(any(v is not None for v in item.decomposition.gaps.values())
                    for item in diagnoses)
    if with_gaps < 2:
        return [Paragraph("The trend across runs needs at least two runs with their error "
                          "levels.", style="note")]
    blocks: list[Block] = []
    trend = trend_summary(diagnoses)
    if trend:
        blocks.append(Paragraph(trend, label="Trend:"))
    shown = min(len(diagnoses), TREND_RUNS)
    marks = _marks_within(change_marks(context.store, context.project.id),
                          [item.run.created for item in diagnoses[-shown:]])
    scope = (f"the newest {shown} of {len(diagnoses):,} runs" if shown < len(diagnoses)
             else f"all {len(diagnoses)} runs")
    blocks.append(Figure(
        "Each gap across runs", trend_chart(diagnoses, marks, max_runs=TREND_RUNS),
        f"Each gap over {scope}, oldest to newest, in percentage points; the big dot is "
        "each run's focus"
        + ("; dashed lines mark metric or dev-set changes." if marks else "."), width=720))
    return blocks


def _marks_within(marks: Sequence[tuple[date, str]], created: Sequence[datetime | None]
                  ) -> list[tuple[date, str]]:
    """The metric / dev-set changes dated within the drawn runs' days: a change far outside
    them would squeeze every run into a corner of the chart."""
    days = [when.date() for when in created if when is not None]
    if not days or len(days) < len(created):
        return []
    return [(day, label) for day, label in marks if min(days) <= day <= max(days)]


def _checklist_section(context: StatusContext) -> Section:
    newest = context.newest.run.name if context.newest is not None else ""
    return checklist_report_section(context.chain, context.checklist, newest)


def _metric_value(metric: str, value: float | None) -> str:
    if value is None:
        return "–"
    return format_pct(value) if is_rate_metric(metric) else f"{value:,.4g}"


def _metrics_section(context: StatusContext) -> Section:
    store, project, runs = context.store, context.project, context.runs
    saved = store.metric_log.definition(project.id)
    changes = store.metric_log.list(project.id)
    if not runs and saved is None and not changes:
        return _empty("metrics", "No metric definition yet: once runs are recorded, choose on "
                                 "the Metrics page the one metric to optimize and the "
                                 "thresholds every other metric must meet.")
    blocks: list[Block] = []
    if saved is not None:
        who = f" by {saved.saved_by}" if saved.saved_by else ""
        when = f" on {_day(saved.saved_at)}" if saved.saved_at else ""
        definition = saved.definition
        blocks.append(Paragraph(f"{definition.statement()} Saved{who}{when}.",
                                label="The team's metric:"))
    else:
        definition = suggest_definition(selectable_metrics(runs)) if runs else None
        if definition is not None:
            blocks.append(Paragraph(
                f"None saved yet, so this report uses the usual starting point: "
                f"{definition.statement()} Save the team's own on the Metrics page.",
                label="The team's metric:"))
    blocks.append(Paragraph(
        "Optimizing + satisficing: one metric is optimized; every other metric only has to "
        "meet its threshold. A run that misses a threshold is out (infeasible), however good "
        "its optimizing metric.", style="note"))
    if definition is not None and runs:
        try:
            selection = select_from_runs(runs, definition)
        except InputError as exc:
            blocks.append(Paragraph(f"The definition cannot be applied to the runs: {exc}.",
                                    style="empty"))
            selection = None
        if selection is not None:
            blocks += _selection_blocks(selection, runs)
    blocks.append(_change_log(changes))
    return Section("metrics", SECTION_TITLES["metrics"], tuple(blocks))


def _selection_blocks(selection: Selection, runs: Sequence[Run]) -> list[Block]:
    metric = selection.objective.metric
    blocks: list[Block] = [Paragraph(selection.reasons[0], style="verdict")]
    if selection.feasible:
        best = selection.feasible[:RANKED_RUNS]
        caption = (f"The best {len(best)} of {len(selection.feasible):,} feasible runs."
                   if len(selection.feasible) > len(best)
                   else f"All {_count(len(best), 'feasible run')}, best first.")
        blocks.append(Table(("Rank", "Run", metric),
                            tuple((str(i), name, _metric_value(metric, value))
                                  for i, (name, value) in enumerate(best, start=1)),
                            (True, False, True), caption))
    if selection.infeasible:
        by_name = {run.name: run for run in runs}
        rows = []
        for name, violations in selection.infeasible[:LISTED_RUNS]:
            run = by_name.get(name)
            missed = []
            for constraint in selection.constraints:
                if str(constraint) in violations:
                    value = run.value(constraint.metric) if run is not None else None
                    sign = "≤" if constraint.op == "<=" else "≥"
                    missed.append(f"{constraint.metric} is "
                                  f"{_metric_value(constraint.metric, value)}, needs {sign} "
                                  f"{_metric_value(constraint.metric, constraint.threshold)}")
            rows.append((name, "; ".join(missed)))
        total = len(selection.infeasible)
        caption = (f"The first {LISTED_RUNS} of {total:,} infeasible runs."
                   if total > LISTED_RUNS else f"{_count(total, 'infeasible run')}.")
        blocks.append(Table(("Infeasible run", "Threshold missed"), tuple(rows), (),
                            caption))
    if selection.missing:
        shown = selection.missing[:LISTED_RUNS]
        more = len(selection.missing) - len(shown)
        blocks.append(Bullets(
            tuple(f"{name}: no {', '.join(metrics)}" for name, metrics in shown)
            + ((f"… and {more:,} more",) if more else ()),
            "Runs that cannot be judged (a metric is missing)"))
    against = next((c.metric for c in selection.constraints if c.metric != metric), None)
    if against is not None:
        values = run_metrics(list(runs)[-SELECTION_CHART_RUNS:])
        if selection.winner is not None and all(v.name != selection.winner for v in values):
            values += [v for v in run_metrics([r for r in runs if r.name == selection.winner])]
        scope = (f" (the newest {SELECTION_CHART_RUNS} runs and the winner)"
                 if len(runs) > SELECTION_CHART_RUNS else "")
        blocks.append(Figure(f"{metric} against {against}",
                             selection_chart(selection, values, against),
                             f"Each run{scope} by its {metric} and {against}; the shaded area "
                             "meets every threshold.", width=520))
    return blocks


def _change_log(changes: Sequence[Any]) -> Block:
    if not changes:
        return Paragraph("No change to the metric or the dev set is logged yet.",
                         label="Change log:")
    shown = changes[:LOG_ENTRIES]
    caption = (f"The newest {len(shown)} of {len(changes):,} changes."
               if len(changes) > len(shown) else "Newest first.")
    return Table(("Date", "What changed", "Why", "Who"),
                 tuple((_day(c.changed_on), c.label, c.reason, c.author or "–")
                       for c in shown), (), f"Change log of the metric and the dev set. "
                                            f"{caption}")


def _error_analysis_section(context: StatusContext) -> Section:
    store, project = context.store, context.project
    samples = [s for s in store.reviews.samples(project.id) if s.kind != "audit"]
    analysis = None
    for sample in samples:
        candidate = analyze_sample(store, sample.id)
        if candidate.summary is not None:
            analysis = candidate
            break
    if analysis is None:
        waiting = (f" A review sample is drawn ('{samples[0].name}') but nothing in it is "
                   "tagged yet." if samples else "")
        return _empty("error_analysis",
                      "No error analysis yet." + waiting + " On the Error analysis page, "
                      "draw a random sample of misclassified dev examples and tag each with "
                      "its causes; the report then shows which cause is worth fixing first.")
    sample, summary = analysis.sample, analysis.summary
    assert summary is not None
    run_name = next((run.name for run in context.runs if run.key == sample.run_key), None)
    source = f" of run {run_name}" if run_name else ""
    drawn = (f", drawn from {sample.population:,} misclassified dev examples"
             if sample.population else "")
    seed = f" (seed {sample.seed})" if sample.seed is not None else ""
    blocks: list[Block] = [
        Paragraph(summary.headline + ".", style="verdict"),
        Paragraph(f"Review '{sample.name}'{source}: {analysis.counts.reviewed} of "
                  f"{analysis.counts.size} sampled mistakes reviewed{drawn}{seed}; dev error "
                  f"{format_pct(summary.dev_error)}; review adequacy: "
                  f"{summary.adequacy_label}."),
    ]
    if analysis.sources is not None and analysis.sources.notable:  # two dev errors (§4)
        blocks.append(Paragraph(" ".join(analysis.sources.reasons), label="Two dev errors:"))
    ranks = {name: i for i, name in enumerate(summary.priority_order, start=1)}
    rows = tuple(
        (c.name, f"{c.count}", format_pct(c.share),
         f"{format_pct(c.share_low)} to {format_pct(c.share_high)}",
         format_points(c.ceiling, 2), format_pct(c.error_if_fixed, 2),
         "–" if c.effort is None else f"{c.effort:g}",
         str(ranks[c.name]) if c.name in ranks else "–")
        for c in summary.categories)
    blocks.append(Table(("Category", "Tagged", "Share", "95% interval", "Ceiling",
                         "Dev error if fixed", "Effort", "Priority rank"), rows,
                        (False, True, True, True, True, True, True, True),
                        f"Categories of the {summary.reviewed} reviewed mistakes, largest "
                        "share first."))
    blocks.append(Paragraph(
        "Share: the part of the reviewed mistakes tagged with the category (an example can "
        "carry several, so shares need not add to 100%). Ceiling: the most dev error that "
        "fixing the category entirely could remove (dev error × share). Priority ranks by "
        "ceiling per unit of the effort the team estimated (1 = fix first).", style="note"))
    blocks.append(Bullets(tuple(summary.reasons), "Why"))
    if analysis.mislabel is not None:
        verdict = analysis.mislabel
        word = "fix the labels" if verdict.verdict == "fix_labels" else "not a priority"
        blocks.append(Paragraph(verdict.reasons[0], label=f"Mislabeled examples: {word}."))
        blocks.append(Bullets(tuple(verdict.reasons[1:])))
    blocks.append(Figure("Share of each category", shares_chart(summary),
                         "Bars: share of the reviewed mistakes; whiskers: 95% interval; the "
                         "text gives the ceiling and the dev error if the category were "
                         "fixed.", width=420))
    return Section("error_analysis", SECTION_TITLES["error_analysis"], tuple(blocks))


def _sizing_section(context: StatusContext) -> Section:
    store, project = context.store, context.project
    ranked = runs_by_dev_error(context.runs,
                               higher_is_better=context.metric.direction == "higher")
    raw_plan = store.projects.setting(project.id, PLAN_SETTING)
    if len(ranked) < 2 and raw_plan is None:
        return _empty("sizing", "Nothing to size yet: the check whether the dev set can tell "
                                "the two best runs apart needs two runs with a dev error and "
                                "the dev set size, and no split plan is saved.")
    blocks: list[Block] = [Paragraph(
        "A dev set can only tell two runs apart when it holds enough examples for their "
        "difference; otherwise the better-looking run may be better by chance.",
        style="note")]
    if not context.metric.has_binomial_intervals:
        blocks.append(Paragraph(
            f"The project metric, {context.metric.name}, is not a rate: whether the dev set "
            "separates two runs depends on the spread of its per-example values, which the "
            "Dev/test sizing page's mean-metric tab works out (docs/rules.md §17).",
            style="empty"))
    elif len(ranked) < 2:
        blocks.append(Paragraph("The separation check needs two runs with a dev error.",
                                style="empty"))
    else:
        best, second = ranked[0], ranked[1]
        try:
            comparison = compare_runs(
                best, second, predictions=prediction_disagreement(store, project.id, best,
                                                                  second))
        except InputError as exc:
            blocks.append(Paragraph(f"The two best runs cannot be compared: {exc}.",
                                    style="empty"))
        else:
            blocks += [
                Paragraph(comparison.verdict, label="The two best runs:", style="verdict"),
                Bullets(tuple(comparison.reasons)),
                Figure("Dev set size against what the difference needs",
                       separation_chart(comparison),
                       "The dev set's examples next to the examples needed to tell the two "
                       "best runs apart (α 0.05, power 80%).", width=480),
            ]
    blocks += _plan_blocks(raw_plan)
    return Section("sizing", SECTION_TITLES["sizing"], tuple(blocks))


def _plan_blocks(raw: object) -> list[Block]:
    if raw is None:
        return [Paragraph("No split plan is saved for this project (the planner on the "
                          "Dev/test sizing page saves one).", label="Split plan:")]
    try:
        inputs = plan_inputs(raw)
        chosen = plan_with_choices(inputs.source_counts(), inputs.target, inputs.dev,
                                   inputs.test, inputs.choices())  # docs/rules.md §23
        plan = chosen.plan
    except InputError as exc:
        return [Paragraph(f"The saved split plan cannot be read: {exc}.", label="Split plan:",
                          style="empty")]
    rows = tuple((source, f"{plan.train[source]:,}", f"{plan.train_dev[source]:,}",
                  f"{plan.dev[source]:,}", f"{plan.test[source]:,}") for source in plan.train)
    return [
        Paragraph(plan.verdict, label="Split plan:", style="verdict"),
        Table(("Source", "Train", "Train-dev", "Dev", "Test"), rows,
              (False, True, True, True, True), f"Examples per source and split; the product "
                                               f"sees '{plan.target}'."),
        Bullets(tuple(plan.reasons) + chosen.warnings + chosen.advice),
        Figure("Where each source goes", allocation_chart(plan),
               "Each split by source, as shares of the split; the last bar is what a plain "
               "shuffle would put in dev.", width=480),
    ]


_BUILDERS: tuple[tuple[str, Callable[[StatusContext], Section]], ...] = (
    ("status", status_report_section),
    ("runs", lambda context: runs_report_section(context.runs, context.metric)),
    ("diagnosis", _diagnosis_section),
    ("six_box", six_box_section),
    ("learning_curve", learning_curve_section),
    ("checklist", _checklist_section),
    ("metrics", _metrics_section),
    ("error_analysis", _error_analysis_section),
    ("optimization", optimization_section),
    ("sizing", _sizing_section),
    ("decisions", lambda context: decisions_report_section(context.store, context.project.id)),
)


# --- one call for the page and the command line ------------------------------------------------


def report_file_name(report: Report, fmt: str) -> str:
    """'cat-classifier-demo-report-2026-11-21.html'."""
    return f"{report.slug}-report-{report.generated_on:%Y-%m-%d}.{fmt}"


def project_report(store: Store, project: Project, fmt: str, *,
                   generated_on: date | None = None) -> tuple[Report, str]:
    """Build the report and render it in one format (`md` or `html`)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown report format '{fmt}': use md or html")
    report = build_report(store, project, generated_on=generated_on)
    return report, render(report, fmt)


@dataclass(frozen=True)
class ReportFiles:
    """The report rendered in every format, as (file name, UTF-8 bytes) per format, and the
    titles of the sections without data yet (for the page's download buttons)."""

    files: dict[str, tuple[str, bytes]]
    empty_sections: tuple[str, ...]


def report_files(store: Store, project_id: int, generated_on: date | None = None
                 ) -> ReportFiles:
    """Build the project's report once and render it as Markdown and as HTML."""
    report = build_report(store, get_project(store, project_id), generated_on=generated_on)
    files = {fmt: (report_file_name(report, fmt), render(report, fmt).encode("utf-8"))
             for fmt in FORMATS}
    return ReportFiles(files, tuple(section.title for section in report.sections
                                    if not section.has_data))
