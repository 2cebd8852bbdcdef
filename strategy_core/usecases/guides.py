"""The guide pages (docs/rules.md §7, §8): answers that start from the last decision recorded from
a guide, and error analysis by parts of a pipeline, saved per project with the review
samples whose examples it attributes and the system's starting error levels."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from strategy_core.decisions import Decision
from strategy_core.guides import PIPELINE_SETTING, PipelineAnalysis, stored_pipeline_analysis
from strategy_core.store.reviews import ReviewSample

if TYPE_CHECKING:
    from strategy_core.store import Store
from strategy_core.usecases.run_scope import decision_runs
from strategy_core.usecases.runs import human_levels


def last_decision(store: Store, project_id: int, page: str, guide: str) -> Decision | None:
    """The newest decision in force recorded from this guide (its numbers hold the
    answers), or None."""
    for decision in store.decisions.list(project_id, page=page, status="active"):
        if decision.numbers.get("guide") == guide and isinstance(
                decision.numbers.get("inputs"), Mapping):
            return decision
    return None


# --- error analysis by parts (docs/rules.md §7) --------------------------------------------------


@dataclass(frozen=True)
class SavedPipeline:
    """The project's saved pipeline analysis (None when there is none or it is unusable) and
    the setting's edit version (0 while nothing is saved)."""

    analysis: PipelineAnalysis | None
    version: int


def saved_pipeline(store: Store, project_id: int) -> SavedPipeline:
    raw, version = store.projects.setting_entry(project_id, PIPELINE_SETTING)
    return SavedPipeline(stored_pipeline_analysis(raw), version)


def save_pipeline(store: Store, project_id: int, analysis: PipelineAnalysis, *,
                  expected: int | None = None) -> int:
    """Save the analysis for the project; with `expected` (the version read) a save someone
    else's overtook raises ConflictError with their (value, version)."""
    return store.projects.set_setting(project_id, PIPELINE_SETTING, analysis.as_dict(),
                                      expected=expected)


def pipeline_samples(store: Store, project_id: int) -> list[ReviewSample]:
    """The review samples of mistakes (not label audits) whose examples can be attributed
    to components, newest first."""
    return [s for s in store.reviews.samples(project_id) if s.kind != "audit"]


@dataclass(frozen=True)
class SystemLevels:
    """Where an analysis by parts starts before one is saved: the newest run's dev error
    and the project's Bayes proxy (human-level error)."""

    error: float | None
    human_error: float | None


def system_levels(store: Store, project_id: int) -> SystemLevels:
    runs = [run for run in decision_runs(store, project_id) if run.dev_error is not None]
    return SystemLevels(runs[-1].dev_error if runs else None,
                        human_levels(store, project_id).proxy_error)
