"""The project metric: what the numbers of a project's runs mean, read and saved with its
change logged (docs/rules.md §16). Every page, the command line and the report get the
metric from `project_metric` so they all speak the same units."""

from __future__ import annotations

from strategy_core.project_metric import ProjectMetric, propose_metric
from strategy_core.run_csv.names import read_name
from strategy_core.store import Store
from strategy_core.values.project_metric import PRESETS

__all__ = ["ProjectMetric", "project_metric", "project_metric_entry", "proposal",
           "save_project_metric"]


def project_metric(store: Store, project_id: int) -> ProjectMetric:
    """The project's metric (the error rate until someone sets another)."""
    return store.metric_log.project_metric(project_id)[0]


def project_metric_entry(store: Store, project_id: int) -> tuple[ProjectMetric, int]:
    """The project's metric with its edit version, for an editor that saves it back."""
    return store.metric_log.project_metric(project_id)


def save_project_metric(store: Store, project_id: int, metric: ProjectMetric, *,
                        expected: int, reason: str = "", author: str = "") -> int:
    """Save the metric and log the change; refused (nothing written) when a stored value
    falls outside its range or someone else changed it since `expected`."""
    return store.metric_log.save_project_metric(project_id, metric, expected=expected,
                                                reason=reason, author=author)


def level_metric(column_names: list[str]) -> ProjectMetric:
    """The metric of an import's level columns in another metric's values: the preset
    their names' family points to (docs/rules.md §9, §16); a bare "score" outside [0, 1]
    is the team's own higher-is-better score; a loss when no name says."""
    families = [read_name(c).family for c in column_names]
    family = next((f for f in families if f), None)
    if family == "score":
        return ProjectMetric(key="custom", name="Score", direction="higher",
                             kind="quantity", unit="", precision=3, minimum=None,
                             maximum=None)
    return PRESETS.get(family or "", None) or proposal(column_names) or PRESETS["loss"]


def proposal(column_names: list[str]) -> ProjectMetric | None:
    """The metric an import's split columns suggest (None: nothing to suggest)."""
    return propose_metric(column_names)
