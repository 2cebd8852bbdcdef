"""The six-box table (docs/rules.md §21; MLY ch. 41) of one run: the project's human level
(its Bayes proxy, the training distribution's as in the gap decomposition), the human level
recorded on the dev/test distribution, the run's training, training-dev and dev levels and
its level on dev/test examples it trained on; and saving the two boxes the runs do not
hold. The Diagnosis page and `six-box` call it."""

from __future__ import annotations

from dataclasses import dataclass

from strategy_core.diagnosis.six_box import SixBox, SixBoxLevels, six_box
from strategy_core.runs import Run
from strategy_core.store import Store
from strategy_core.usecases.diagnosis import choose_run
from strategy_core.usecases.project_metric import project_metric
from strategy_core.usecases.projects import get_project
from strategy_core.usecases.runs import human_levels
from strategy_core.values.six_box import TARGET, DistributionLevel, TrainedTargetLevel


@dataclass(frozen=True)
class SixBoxAnswer:
    """A run's six-box table, with the two recorded boxes as stored (their versions are
    what a save names)."""

    run: Run
    table: SixBox
    human_label: str | None
    human_target: DistributionLevel | None
    trained_target: TrainedTargetLevel | None

    def as_dict(self) -> dict:
        return {"run": self.run.name, "human_label": self.human_label,
                "n_trained_target": None if self.trained_target is None else
                self.trained_target.n, **self.table.as_dict()}


def six_box_table(store: Store, project_id: int, run_name: str | None = None) -> SixBoxAnswer:
    """The run's (default the newest) six boxes and every pair's gap, in the metric the
    pages reason in (an accuracy shown as error reads 1 − value)."""
    run = choose_run(store, get_project(store, project_id), run_name)
    metric = project_metric(store, project_id)
    proxy = human_levels(store, project_id).proxy
    target = store.six_box.distribution_level(project_id, TARGET)
    trained = None if run.key is None else store.six_box.trained_target(project_id, run.key)
    shown = metric.to_shown
    levels = SixBoxLevels(
        human_training=shown(None if proxy is None else proxy.error),
        human_target=shown(None if target is None else target.level),
        train=shown(run.train_error), trained_target=shown(None if trained is None
                                                           else trained.level),
        train_dev=shown(run.train_dev_error), dev=shown(run.dev_error),
        n_train=run.n_train, n_trained_target=None if trained is None else trained.n,
        n_train_dev=run.n_train_dev, n_dev=run.n_dev, metric=metric.shown())
    return SixBoxAnswer(run, six_box(levels), None if proxy is None else proxy.label,
                        target, trained)


def save_human_target(store: Store, project_id: int, level: float | None, *,
                      expected: int | None = None) -> DistributionLevel | None:
    """Record (None: clear) human level on the dev/test distribution, in the metric's
    units; refused when someone else saved it since version `expected`."""
    return store.six_box.set_distribution_level(project_id, TARGET, level, expected=expected,
                                                metric=project_metric(store, project_id))


def save_trained_target(store: Store, project_id: int, run_key: int, level: float | None,
                        n: int | None = None, *,
                        expected: int | None = None) -> TrainedTargetLevel | None:
    """Record (None: clear) a run's level on dev/test examples it trained on, measured on
    `n` examples when known; refused when someone else saved it since `expected`."""
    return store.six_box.set_trained_target(project_id, run_key, level, n, expected=expected,
                                            metric=project_metric(store, project_id))
