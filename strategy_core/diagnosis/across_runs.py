"""The decomposition across a project's runs (docs/rules.md §1): every run against the project's
human level, the focus verdict in one sentence, how the focus gap moved, and the table of
the diagnosis page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from strategy_core.diagnosis.decomposition import Decomposition, _clean, decompose
from strategy_core.diagnosis.focus import focus_label, record_human_action, unknown_sentence
from strategy_core.diagnosis.gaps import (
    _LEVEL_NAMES,
    FOCUS_NONE,
    FOCUS_UNKNOWN,
    GAP_LABELS,
    GAP_NAMES,
    ErrorLevels,
    gap_formula,
)
from strategy_core.diagnosis.intervals import _answer, _interval_requests
from strategy_core.errors import InputError
from strategy_core.runs import Run
from strategy_core.values.project_metric import ERROR_RATE, ProjectMetric

if TYPE_CHECKING:
    import pandas as pd

FLAG_LABELS: dict[str, str] = {
    "below_human": "Training below human level",
    "dev_easier": "Dev easier than training-dev",
    "test_better": "Test better than dev",
    "no_human_level": "No human level",
}

# Columns of `decomposition_table`, in order: levels and gaps as fractions.
TABLE_COLUMNS: tuple[str, ...] = (
    "run", "created", "human", "train", "train_dev", "dev", "test", *GAP_NAMES, "focus",
    "focus_significant", "flags",
)


@dataclass(frozen=True)
class RunDiagnosis:
    """One run's decomposition against the project's human level (a point of the trend)."""

    run: Run
    decomposition: Decomposition


def levels_of_run(run: Run, human: float | None,
                  metric: ProjectMetric = ERROR_RATE) -> ErrorLevels:
    """A stored run's levels and split sizes, with the project's Bayes proxy as H, in the
    metric pages reason in (an accuracy shown as error reads 1 − value; docs/rules.md §16)."""
    shown = metric.to_shown
    return ErrorLevels(
        human=shown(human),
        train=shown(run.train_error),
        train_dev=shown(run.train_dev_error),
        dev=shown(run.dev_error),
        test=shown(run.test_error),
        metric=metric.shown(),
        n_train=run.n_train,
        n_train_dev=run.n_train_dev,
        n_dev=run.n_dev,
        n_test=run.n_test,
    )


def diagnose_runs(
    runs: Sequence[Run], human: float | None, confidence: float = 0.95,
    metric: ProjectMetric = ERROR_RATE, tolerance: float = 0.0,
) -> tuple[RunDiagnosis, ...]:
    """Decompose every run (docs/rules.md §1) against the same human level, keeping the runs' order
    (the store gives them oldest first, by created time), in the project's metric, with the
    focus chosen above the project's ``tolerance`` (docs/rules.md §2)."""
    levels = [levels_of_run(run, human, metric) for run in runs]
    if not 0 < confidence < 1:
        raise InputError("confidence must be between 0 and 1 (e.g. 0.95)")
    intervals = _answer([_interval_requests(item) for item in levels], confidence,
                        [metric.shown().sign] * len(levels))
    return tuple(
        RunDiagnosis(run, decompose(item, confidence, intervals=run_intervals,
                                    tolerance=tolerance))
        for run, item, run_intervals in zip(runs, levels, intervals, strict=True)
    )


def focus_verdict(decomposition: Decomposition, run_name: str | None = None) -> str:
    """The decision in one sentence (docs/rules.md §1): the gap `choose_focus` picked, its
    size and the rule; "not enough information" and what is missing; or why no gap needs
    work. A focus whose interval holds 0 is worded as tentative."""
    on = f" for run {run_name}" if run_name else ""
    choice, metric = decomposition.choice, decomposition.metric
    focus = decomposition.focus
    if focus == FOCUS_UNKNOWN:
        return (f"{unknown_sentence(choice, decomposition.levels, decomposition.gaps, on)} "
                f"{record_human_action(metric)}")
    if focus == FOCUS_NONE:
        if not any(value is not None for value in decomposition.gaps.values()):
            return f"No diagnosis{on}: record the training and dev errors first."
        if choice.largest is not None and choice.tolerance > 0:
            largest = choice.largest
            return (f"No gap{on} is above the tolerance of {metric.format_gap(choice.tolerance)}"
                    f" (the largest, {GAP_LABELS[largest].lower()}, is "
                    f"{metric.format_gap(decomposition.gaps[largest])}): check the model in "
                    "the real world and, if it falls short there, change the dev set or the "
                    "metric.")
        return (
            f"No gap is positive{on}: check the model in the real world and, if it falls "
            "short there, change the dev set or the metric."
        )
    value = decomposition.gaps[focus]
    formula = gap_formula(focus, metric)
    if decomposition.variance_uses_dev and focus == "variance":
        formula = formula.replace("training-dev", "dev")
    work = "Tentatively, work on" if decomposition.tentative else "Work on"
    verdict = (
        f"{work} {GAP_LABELS[focus].lower()}{on}: at {metric.format_gap(value)} ({formula}) "
        "it is the largest gap"
    )
    if decomposition.tentative:
        verdict += ", though on these set sizes it is not significant"
    return verdict + "."


def trend_summary(diagnoses: Sequence[RunDiagnosis]) -> str | None:
    """How the newest run's focus gap moved: since the run where it became the focus, or
    since the previous run when the focus just changed. None with fewer than two runs or
    when the newest run has no focus gap."""
    if len(diagnoses) < 2:
        return None
    newest = diagnoses[-1]
    focus = newest.decomposition.focus
    if focus not in GAP_LABELS:
        return None
    streak_start = len(diagnoses) - 1
    while streak_start > 0 and diagnoses[streak_start - 1].decomposition.focus == focus:
        streak_start -= 1
    label = GAP_LABELS[focus]
    metric = newest.decomposition.metric
    now = newest.decomposition.gaps[focus]
    if streak_start < len(diagnoses) - 1:
        first = diagnoses[streak_start]
        then = first.decomposition.gaps[focus]
        runs_in_streak = len(diagnoses) - streak_start
        return (
            f"{label} has been the focus for the last {runs_in_streak} runs: "
            f"{_moved(then, now, metric)} since {first.run.name}."
        )
    previous = diagnoses[-2]
    before = previous.decomposition.focus
    if before not in GAP_LABELS:
        without = "no positive gap" if before == FOCUS_NONE else "not enough information"
        return f"{label} became the focus with this run, after a run with {without}."
    then_before = previous.decomposition.gaps[before]
    now_before = newest.decomposition.gaps[before]
    return (
        f"{label} became the focus with this run; the previous focus, "
        f"{GAP_LABELS[before].lower()}, {_moved(then_before, now_before, metric)} since "
        f"{previous.run.name}."
    )


def _moved(then: float | None, now: float | None, metric: ProjectMetric = ERROR_RATE) -> str:
    if then is None or now is None:
        return "could not be compared"
    if metric.format_gap(now) == metric.format_gap(then):  # the figures read alike
        return f"held at {metric.format_gap(now)}"
    direction = "fell" if now < then else "rose"
    return f"{direction} from {metric.format_gap(then)} to {metric.format_gap(now)}"


def decomposition_table(diagnoses: Sequence[RunDiagnosis]) -> pd.DataFrame:
    """Every run's levels, gaps (fractions), focus and flags: the table of the diagnosis
    page and its CSV download."""
    import pandas as pd

    records = []
    for item in diagnoses:
        result = item.decomposition
        levels = result.levels
        significant = result.significant.get(result.focus)
        records.append({
            "run": item.run.name,
            "created": item.run.created,
            **{name: getattr(levels, name) for name in _LEVEL_NAMES},
            **{name: _clean(value) for name, value in result.gaps.items()},
            "focus": GAP_LABELS.get(result.focus, focus_label(result.choice).lower()),
            "focus_significant": significant,
            "flags": ", ".join(FLAG_LABELS[flag] for flag in result.flags),
        })
    frame = pd.DataFrame.from_records(records, columns=list(TABLE_COLUMNS))
    for name in (*_LEVEL_NAMES, *GAP_NAMES):
        frame[name] = frame[name].astype("float64")
    return frame
