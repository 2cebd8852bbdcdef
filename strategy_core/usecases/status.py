"""The project's position in a few sentences: the overview page's summary (README "Pages").

A status is built from *contributors*: plain functions that look at the project and return
zero or more `StatusLine`s (one plain-English sentence each). `project_status` calls every
contributor in `CONTRIBUTORS`, in order, and joins their sentences into one paragraph a
team lead can paste into a status update.

Adding a line for a feature (error analysis, sizing, decisions, …):

1. write ``def my_lines(context: StatusContext) -> Sequence[StatusLine]`` in the feature's
   own module; read what it needs through ``context.store`` and ``context.project`` (the
   newest run's diagnosis and chain are already computed on the context);
   return ``()`` when the feature has nothing to say yet;
2. add it to `CONTRIBUTORS` below (the order of the tuple is the order of the paragraph).

A contributor that raises is skipped (its failure must not take the overview down); the
error is kept in ``ProjectStatus.skipped`` so tests and logs can see it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from strategy_core.checklist import (
    GREEN,
    RED,
    UNKNOWN,
    Chain,
    ChecklistSettings,
    chain_verdict,
    evaluate_chain,
)
from strategy_core.diagnosis import (
    FOCUS_UNKNOWN,
    GAP_LABELS,
    RunDiagnosis,
    diagnose_runs,
    focus_label,
    focus_verdict,
    runner_up_note,
    trend_summary,
)
from strategy_core.human_level import HumanLevels
from strategy_core.report.model import (
    BAD,
    FOCUS,
    GOOD,
    SECTION_TITLES,
    Badge,
    Block,
    Cell,
    Paragraph,
    Section,
    Table,
)
from strategy_core.runs import Run
from strategy_core.usecases.checklist import checklist_settings
from strategy_core.usecases.decisions import latest_decisions_lines, list_decisions
from strategy_core.usecases.project_metric import project_metric
from strategy_core.usecases.run_scope import decision_runs
from strategy_core.usecases.runs import human_levels as project_human_levels
from strategy_core.values.project_metric import ERROR_RATE, ProjectMetric

if TYPE_CHECKING:
    from strategy_core.store import Store
    from strategy_core.store.projects import Project


@dataclass(frozen=True)
class StatusLine:
    """One sentence of the status. ``topic`` names the contributor's feature (e.g.
    "diagnosis"); ``page`` is the url_path of the page with the details, if any."""

    topic: str
    text: str
    page: str | None = None

    def as_dict(self) -> dict:
        return {"topic": self.topic, "text": self.text, "page": self.page}


@dataclass
class StatusContext:
    """What contributors look at. The newest run's diagnosis and chain are computed once,
    on first use, and shared by every contributor."""

    store: Store
    project: Project
    runs: Sequence[Run]
    human_levels: HumanLevels
    known_diagnoses: tuple[RunDiagnosis, ...] | None = None

    @cached_property
    def diagnoses(self) -> tuple[RunDiagnosis, ...]:
        """Every run's decomposition against the project's proxy, oldest first."""
        if self.known_diagnoses is not None:
            return self.known_diagnoses
        return diagnose_runs(self.runs, self.human_levels.proxy_error, metric=self.metric,
                             tolerance=self.checklist.tolerance)

    @cached_property
    def metric(self) -> ProjectMetric:
        """The project's metric (the error rate when no store is given, as in examples)."""
        if self.store is None:
            return ERROR_RATE
        return project_metric(self.store, self.project.id)

    @property
    def newest(self) -> RunDiagnosis | None:
        return self.diagnoses[-1] if self.diagnoses else None

    @cached_property
    def checklist(self) -> ChecklistSettings:
        """The project's checklist settings (the defaults when no store is given)."""
        if self.store is None:
            return ChecklistSettings()
        return checklist_settings(self.store, self.project.id)

    @cached_property
    def chain(self) -> Chain | None:
        """The orthogonalization chain of the newest run, with the project's settings."""
        if self.newest is None:
            return None
        return evaluate_chain(self.newest.decomposition, self.checklist.tolerance,
                              self.checklist.real_world)


Contributor = Callable[[StatusContext], Sequence[StatusLine]]


@dataclass(frozen=True)
class ProjectStatus:
    """The project's status: every contributor's lines and the paragraph they make."""

    project: str
    lines: tuple[StatusLine, ...]
    paragraph: str
    skipped: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict:
        return {"project": self.project, "paragraph": self.paragraph,
                "lines": [line.as_dict() for line in self.lines]}


def diagnosis_lines(context: StatusContext) -> Sequence[StatusLine]:
    """Newest run, its error levels against human level, the focus and its trend (docs/rules.md
    §1)."""
    if context.newest is None:
        return (StatusLine("diagnosis", "No runs are recorded yet: upload the team's run "
                           "results to get a diagnosis.", "runs"),)
    run, result = context.newest.run, context.newest.decomposition
    levels = result.levels
    when = f" ({run.created:%Y-%m-%d})" if run.created is not None else ""
    proxy = context.human_levels.proxy
    metric = result.metric
    against = (f" against human level {metric.format(metric_shown(context, proxy.error))} "
               f"({proxy.label})" if proxy is not None else ", with no human level recorded")
    shown = [(what, getattr(levels, name)) for name, what in
             (("train", "training"), ("train_dev", "training-dev"), ("dev", "dev"),
              ("test", "test"))]
    digits = metric.digits_for(value for _, value in shown)
    errors = ", ".join(f"{what} {metric.format(value, digits)}" for what, value in shown
                       if value is not None)
    if not metric.is_error_rate:
        errors = f"{metric.name} " + errors if errors else errors
    count = f"Newest of {len(context.runs)} runs" if len(context.runs) > 1 else "Only run"
    lines = [StatusLine("diagnosis", f"{count}, {run.name}{when}: "
                        f"{errors or 'no error levels'}{against}.", "diagnosis"),
             StatusLine("diagnosis", focus_verdict(result), "diagnosis")]
    runner_up = runner_up_note(result)
    if runner_up is not None:
        lines.append(StatusLine("diagnosis", runner_up, "diagnosis"))
    trend = trend_summary(context.diagnoses)
    if trend is not None:
        lines.append(StatusLine("diagnosis", trend, "diagnosis"))
    return tuple(lines)


def checklist_lines(context: StatusContext) -> Sequence[StatusLine]:
    """The chain of the newest run: how many links are green, the focus link and the red
    links next (docs/rules.md §2), the same place as the diagnosis line."""
    chain = context.chain
    if chain is None:
        return ()
    counts = {status: sum(link.status == status for link in chain.links)
              for status in (GREEN, RED, UNKNOWN)}
    parts = [f"{counts[GREEN]} of 5 links green"]
    if counts[RED]:
        parts.append(f"{counts[RED]} red")
    if counts[UNKNOWN]:
        parts.append(f"{counts[UNKNOWN]} unknown")
    text = f"Orthogonalization checklist: {', '.join(parts)}."
    if chain.focus is not None or chain.next or chain.choice.gap == FOCUS_UNKNOWN:
        text += " " + chain_verdict(chain)
    if chain.next and chain.focus is not None:
        text += " Next: " + ", ".join(f"link {chain.link(name).number}"
                                      for name in chain.next) + "."
    lines = [StatusLine("checklist", text, "checklist")]
    if chain.real_world_advice is not None and chain.focus != "real_world":
        lines.append(StatusLine("checklist", chain.real_world_advice, "checklist"))
    return tuple(lines)


def error_analysis_lines(context: StatusContext) -> Sequence[StatusLine]:
    """The top category of the newest reviewed sample and its ceiling (docs/rules.md §4)."""
    from strategy_core.usecases.error_analysis import overview_line

    text = overview_line(context.store, context.project.id)
    return (StatusLine("error_analysis", text, "error_analysis"),) if text else ()


def sizing_lines(context: StatusContext) -> Sequence[StatusLine]:
    """When the dev set is too small to separate the two best runs (docs/rules.md §6)."""
    from strategy_core.usecases.sizing import overview_line

    text = overview_line(context.store, context.project.id)
    return (StatusLine("sizing", text, "sizing"),) if text else ()


def decision_lines(context: StatusContext) -> Sequence[StatusLine]:
    """The newest decisions still in force."""
    lines = latest_decisions_lines(context.store, context.project.id, n=3)
    if not lines:
        return ()
    return (StatusLine("decisions", "Latest decisions: " + "; ".join(lines) + ".",
                       "decisions"),)


# The status's contributors, in paragraph order. Features add theirs here (see the module
# docstring).
CONTRIBUTORS: tuple[Contributor, ...] = (
    diagnosis_lines,
    checklist_lines,
    error_analysis_lines,
    sizing_lines,
    decision_lines,
)


def project_status(
    store: Store,
    project: Project,
    *,
    runs: Sequence[Run] | None = None,
    human_levels: HumanLevels | None = None,
    contributors: Sequence[Contributor] | None = None,
    diagnoses: Sequence[RunDiagnosis] | None = None,
) -> ProjectStatus:
    """The project's status: each contributor's lines, in order, and the paragraph they
    make. ``runs``, ``human_levels`` and the runs' ``diagnoses`` (from `diagnose_runs`
    with the proxy of those human levels) may be passed when the caller already has them."""
    context = StatusContext(
        store=store,
        project=project,
        runs=decision_runs(store, project.id) if runs is None else runs,
        human_levels=(project_human_levels(store, project.id) if human_levels is None
                      else human_levels),
        known_diagnoses=None if diagnoses is None else tuple(diagnoses),
    )
    lines: list[StatusLine] = []
    skipped: list[str] = []
    for contributor in CONTRIBUTORS if contributors is None else contributors:
        try:
            lines.extend(contributor(context))
        except Exception as exc:  # noqa: BLE001 - one broken feature must not hide the rest
            name = getattr(contributor, "__name__", repr(contributor))
            skipped.append(f"{name}: {type(exc).__name__}: {exc}")
    paragraph = f"{project.name}: " + " ".join(line.text for line in lines) if lines else \
        f"{project.name}: nothing to report yet."
    return ProjectStatus(project.name, tuple(lines), paragraph, tuple(skipped))


# --- the report's first section ---------------------------------------------------------------


def status_sentences(context: StatusContext) -> list[str]:
    """The overview's status sentences, from the same contributors as `project_status`,
    on the report's context (so the runs are diagnosed once for the whole report)."""
    lines: list[str] = []
    for contributor in CONTRIBUTORS:
        try:
            lines.extend(line.text for line in contributor(context))
        except Exception:  # noqa: BLE001 - as project_status: skip a broken feature
            continue
    return lines


def status_report_section(context: StatusContext) -> Section:
    """The report's status: the overview's paragraph and the project at a glance."""
    text = " ".join(status_sentences(context)) or "Nothing to report yet."
    blocks: list[Block] = [Paragraph(text, style="lead")]
    newest = context.newest
    if newest is not None:
        result = newest.decomposition
        created = "–" if newest.run.created is None else f"{newest.run.created:%Y-%m-%d}"
        rows: list[tuple[Cell, ...]] = [
            ("Runs recorded", f"{len(context.runs):,}"),
            ("Newest run", f"{newest.run.name} ({created})"),
            ("Its dev error" if result.metric.is_error_rate else
             f"Its dev {result.metric.name}", result.metric.format(result.levels.dev)),
        ]
        if result.choice.decided:
            tentative = " (tentative: may be noise)" if result.tentative else ""
            behind = (f"; {GAP_LABELS[result.runner_up].lower()} close behind"
                      if result.runner_up else "")
            rows.append(("Focus (largest gap)", Badge(
                f"{GAP_LABELS[result.focus]}, "
                f"{result.metric.format_gap(result.gaps[result.focus])}{behind}{tentative}",
                FOCUS)))
        else:
            rows.append(("Focus (largest gap)", focus_label(result.choice).lower()))
        chain = context.chain
        if chain is not None and chain.focus is not None:
            link = chain.link(chain.focus)
            rows.append(("Focus link of the checklist",
                         Badge(f"{link.number}. {link.title}", BAD)))
        elif chain is not None:
            rows.append(("Focus link of the checklist", Badge("none", GOOD)))
        active = list_decisions(context.store, context.project.id, status="active")
        rows.append(("Decisions in force", f"{len(active):,}"))
        blocks.append(Table(("At a glance", "Now"), tuple(rows)))
    blocks.append(Paragraph(_how_to_read(context.metric), label="How to read this report.",
                            style="note"))
    return Section("status", SECTION_TITLES["status"], tuple(blocks))


def metric_shown(context: StatusContext, value: float) -> float:
    """A stored value (a human level) in the units the pages reason in (§16)."""
    shown = context.metric.to_shown(value)
    return value if shown is None else shown


def _how_to_read(metric: ProjectMetric) -> str:
    if metric.is_error_rate:
        return ("Error rates are the share of examples a model gets wrong, in percent. A "
                "difference between two error rates is given in percentage points (pts): "
                "from 2.9% to 1.5% is 1.4 pts. Human-level error stands in for the best "
                "error any model could reach.")
    unit = ("in percent; a difference is given in percentage points (pts)"
            if metric.percent else f"in {metric.unit or 'its own units'}")
    return (f"The project is measured in {metric.describe()}, {unit}. Every gap is signed "
            "so that a positive gap is room to improve. Human level stands in for the best "
            "level any model could reach.")
