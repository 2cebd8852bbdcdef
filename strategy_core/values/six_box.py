"""The six-box table's recorded boxes as values (docs/rules.md §21; MLY ch. 41): the human
level on the dev/test distribution (the project's human level, its Bayes proxy, stands for
the training distribution) and, per run, the error on dev/test-distribution examples the
model trained on. Shared by the rules (`strategy_core.diagnosis.six_box`) and the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from strategy_core.errors import InputError
from strategy_core.values.counts import whole_count
from strategy_core.values.project_metric import ERROR_RATE, ProjectMetric

# The distributions a human level can be recorded for besides the project's own human
# levels (which the gap decomposition reads as the training distribution's).
TARGET = "target"
DISTRIBUTIONS: dict[str, str] = {TARGET: "dev/test distribution"}


@dataclass(frozen=True)
class DistributionLevel:
    """Human level on one distribution; `version` is the store's edit version (0: never
    saved), no part of the value."""

    distribution: str
    level: float
    version: int = field(default=0, compare=False)


@dataclass(frozen=True)
class TrainedTargetLevel:
    """A run's level on dev/test-distribution examples that were in its training set,
    measured on `n` examples when known."""

    run_key: int
    level: float
    n: int | None = None
    version: int = field(default=0, compare=False)


def check_level(value: object, what: str, metric: ProjectMetric = ERROR_RATE) -> float:
    """A recorded box in the metric's range, or InputError naming the box."""
    return metric.check(value, what)


def check_distribution(distribution: str) -> str:
    if distribution not in DISTRIBUTIONS:
        raise InputError(f"distribution '{distribution}' is not one of "
                         f"{', '.join(DISTRIBUTIONS)}")
    return distribution


def check_size(n: object, what: str = "the number of examples") -> int | None:
    """None, or a whole number of examples of at least 1."""
    return None if n is None else whole_count(n, what, at_least=1)
