"""The report's sections for the rest of the canon (docs/rules.md §20–22): the six-box table,
the learning curve and the Optimization Verification test, each from the use case its page
and its command call, with the same verdict words, and saying plainly when it has no data."""

from __future__ import annotations

from strategy_core.charts.learning_curve import learning_curve_chart
from strategy_core.diagnosis import format_interval
from strategy_core.diagnosis.six_box import BOXES, COLUMNS, ROWS
from strategy_core.report.model import (
    SECTION_TITLES,
    Block,
    Bullets,
    Figure,
    Paragraph,
    Section,
    Table,
)
from strategy_core.usecases.learning_curve import learning_curve
from strategy_core.usecases.optimization import recorded_runs, verification
from strategy_core.usecases.six_box import six_box_table
from strategy_core.usecases.status import StatusContext

# Learning-curve readings with nothing to read yet: the section says what to record.
CURVE_NOT_YET = ("no_runs", "too_few")


def _empty(key: str, text: str, *more: Block) -> Section:
    return Section(key, SECTION_TITLES[key], (Paragraph(text, style="empty"), *more),
                   has_data=False)


def six_box_section(context: StatusContext) -> Section:
    """The newest run's six boxes, what each pair measures and what the pairs say together
    (the Diagnosis page's and `six-box`'s wording)."""
    if not context.runs:
        return _empty("six_box", "No six-box table yet: it needs a run with its training, "
                                 "training-dev and dev errors (MLY ch. 41).")
    answer = six_box_table(context.store, context.project.id)
    table, metric = answer.table, answer.table.metric
    levels = [getattr(table.levels, box.name) for box in BOXES]
    if all(level is None for level in levels):
        return _empty("six_box", f"No six-box table yet: run {answer.run.name} records no "
                                 "error level.", Bullets(table.to_record, "To fill the boxes"))
    human = f", {answer.human_label}" if answer.human_label else ""
    blocks: list[Block] = [Paragraph(note, style="verdict") for note in table.notes]
    rows = tuple((label, *(f"{box.label[-2]}: {metric.format(getattr(table.levels, box.name))}"
                           for box in BOXES if box.row == row))
                 for row, label in ROWS.items())
    blocks.append(Table(("", *COLUMNS.values()), rows, (),
                        f"The six boxes of run {answer.run.name}; box A is the project's "
                        f"human level (its Bayes proxy{human})."))
    gaps = tuple((g.label, g.formula, metric.format_gap(g.value),
                  "–" if g.interval is None else format_interval(g.interval, metric))
                 for g in table.gaps if g.value is not None)
    if gaps:
        blocks.append(Table(("Pair", "Boxes", "Gap", "95% interval"), gaps,
                            (False, False, True, True), "The gap of each pair of boxes."))
    blocks.append(Bullets(tuple(g.sentence for g in table.gaps), "What each pair measures"))
    if table.to_record:
        blocks.append(Bullets(table.to_record, "To fill the empty boxes"))
    return Section("six_box", SECTION_TITLES["six_box"], tuple(blocks))


def learning_curve_section(context: StatusContext) -> Section:
    """Every run with a training-set size, else a run's history by training examples seen,
    against the project's human level (the Diagnosis page's default and
    `learning-curve`'s)."""
    curve = learning_curve(context.store, context.project.id)
    title = curve.headline + (" (tentative)" if curve.tentative else "")
    if curve.verdict in CURVE_NOT_YET:
        return _empty("learning_curve", f"{title}. " + " ".join(curve.reasons))
    metric = curve.metric
    blocks: list[Block] = [Paragraph(title + ".", style="verdict"),
                           Bullets(tuple(curve.reasons), "Why")]
    if curve.desired is not None:
        label = f" ({curve.desired_label})" if curve.desired_label else ""
        blocks.append(Paragraph(f"{metric.format(curve.desired)}{label}.",
                                label="Desired performance:"))
    rows = tuple((f"{p.size:,}", metric.format(p.train), metric.format(p.dev),
                  ", ".join(p.runs)[:300]) for p in curve.points)
    history = curve.source == "history"
    blocks.append(Table(("Training examples", "Training", "Dev",
                         "Checkpoint" if history else "Runs averaged"), rows,
                        (True, True, True, False),
                        f"The checkpoints of run {curve.run}." if history else
                        "The points of the curve."))
    blocks.append(Figure("Learning curve", learning_curve_chart(curve),
                         "Blue: training; red: dev; whiskers: 95% intervals; dashed green: "
                         "the desired performance.", width=520))
    if curve.skipped:
        blocks.append(Paragraph(", ".join(curve.skipped) + ".",
                                label="Not drawn (no training-set size or level):"))
    return Section("learning_curve", SECTION_TITLES["learning_curve"], tuple(blocks))


def optimization_section(context: StatusContext) -> Section:
    """The newest run with scored mistakes (the page's default run): the verdict and the
    counts, as the Error analysis page and `verify-optimization --run` give them."""
    counts = recorded_runs(context.store, context.project.id)
    run = next((r for r in reversed(context.runs) if r.key in counts), None)
    if run is None:
        return _empty("optimization",
                      "No Optimization Verification test yet: for a model that searches for "
                      "its best-scoring output, record for reviewed mistakes the score of the "
                      "correct output and of the output found (Error analysis page).")
    result = verification(context.store, context.project.id, run.name).result
    title = result.headline + (" (tentative)" if result.tentative else "")
    if result.verdict == "none":
        return _empty("optimization", f"Run {run.name}: {result.reasons[0]}")
    rows = (("Reviewed mistakes", f"{result.reviewed:,}"),
            ("Search at fault, S(y*) > S(y_out)",
             f"{result.search_faults:,} ({result.search_share:.0%})"),
            ("Objective at fault, S(y*) ≤ S(y_out)",
             f"{result.objective_faults:,} ({result.objective_share:.0%})"))
    return Section("optimization", SECTION_TITLES["optimization"], (
        Paragraph(title + ".", style="verdict"),
        Table(("", "Examples"), rows, (False, True), f"Scored mistakes of run {run.name}."),
        Bullets(tuple(result.reasons), "Why")))
