"""Which runs the decisions use (docs/rules.md §9, "Run status"): runs that did not finish
(failed, crashed, killed, still running) are shown on the Runs page but left out of every
diagnosis, selection, sizing default, guide and report, unless the project lets them in."""

from __future__ import annotations

from strategy_core.runs import Run
from strategy_core.store import Store

INCLUDE_UNFINISHED_SETTING = "runs.include_unfinished"


def include_unfinished(store: Store, project_id: int) -> tuple[bool, int]:
    """Whether unfinished runs count in decisions, and the setting's edit version."""
    value, version = store.projects.setting_entry(project_id, INCLUDE_UNFINISHED_SETTING,
                                                  False)
    return bool(value), version


def save_include_unfinished(store: Store, project_id: int, include: bool, *,
                            expected: int | None = None) -> int:
    """Let unfinished runs into decisions, or leave them out again (the default)."""
    return store.projects.set_setting(project_id, INCLUDE_UNFINISHED_SETTING, bool(include),
                                      expected=expected)


def decision_runs(store: Store, project_id: int) -> list[Run]:
    """The runs decisions are made on: every current run, less the unfinished ones unless
    the project includes them."""
    every = store.runs.list(project_id)
    if include_unfinished(store, project_id)[0]:
        return every
    return [run for run in every if run.finished]


def left_out(store: Store, project_id: int) -> list[Run]:
    """The unfinished runs decisions leave out now (empty when they are included)."""
    if include_unfinished(store, project_id)[0]:
        return []
    return [run for run in store.runs.list(project_id) if not run.finished]
