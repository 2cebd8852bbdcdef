"""Human-level error as a value: a project's recorded levels and the one chosen as the
proxy for Bayes error (docs/rules.md), their checks and how they read in a message.
Shared by the rules (`strategy_core.human_level`) and the store.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from strategy_core.errors import InputError
from strategy_core.rates import format_pct
from strategy_core.values.project_metric import ERROR_RATE, ProjectMetric

MAX_LABEL_LENGTH = 80


@dataclass(frozen=True)
class HumanLevel:
    """One recorded level. `version` is the store's edit version of the row (0 before it
    is stored); it takes no part in comparing levels."""

    label: str
    error: float
    version: int = field(default=0, compare=False)


@dataclass(frozen=True)
class HumanLevels:
    """A project's human levels and the label chosen as Bayes proxy (None = the lowest)."""

    levels: tuple[HumanLevel, ...] = ()
    chosen: str | None = None
    # The project metric is better when higher (an accuracy): the best level is the
    # highest (docs/rules.md §16).
    higher_is_better: bool = False

    @property
    def proxy(self) -> HumanLevel | None:
        """The chosen level if it still exists, else the best (the lowest error, the highest
        accuracy); None without levels."""
        if not self.levels:
            return None
        for level in self.levels:
            if level.label == self.chosen:
                return level
        best = max if self.higher_is_better else min
        return best(self.levels, key=lambda level: level.error)

    @property
    def edit_token(self) -> tuple:
        """What a save compares to tell whether someone else changed the levels since
        they were read: each row's label and edit version, and the chosen proxy."""
        return (tuple(sorted((level.label, level.version) for level in self.levels)),
                self.chosen)

    @property
    def proxy_error(self) -> float | None:
        proxy = self.proxy
        return None if proxy is None else proxy.error

    @property
    def proxy_is_default(self) -> bool:
        return self.chosen is None or all(level.label != self.chosen for level in self.levels)


def describe_levels(levels: HumanLevels) -> str:
    """'expert 1.00%, typical person 3.00% (proxy: expert)', or 'none'."""
    if not levels.levels:
        return "none"
    text = ", ".join(f"{level.label} {format_pct(level.error, 2)}" for level in levels.levels)
    return text + ("" if levels.proxy_is_default else f" (proxy: {levels.chosen})")


def validate_levels(rows: Iterable[tuple[str, float | None]],
                    metric: ProjectMetric = ERROR_RATE) -> tuple[HumanLevel, ...]:
    """Labels non-empty and unique; levels in the project metric's range (errors are
    fractions in [0, 1]; docs/rules.md §16). Blank rows are dropped."""
    levels: list[HumanLevel] = []
    seen: set[str] = set()
    for position, (label, error) in enumerate(rows, start=1):
        label = (label or "").strip()
        if not label and error is None:
            continue
        if not label:
            raise InputError(f"human level {position} has no label")
        if len(label) > MAX_LABEL_LENGTH:
            raise InputError(f"human level label '{label[:20]}…' is too long")
        if label.lower() in seen:
            raise InputError(f"human level '{label}' appears twice")
        if error is None or not isinstance(error, int | float) or not math.isfinite(error):
            raise InputError(f"human level '{label}' needs an error rate")
        if metric.is_error_rate and not 0 <= error <= 1:
            raise InputError(f"human level '{label}': {error} is not between 0% and 100%")
        error = metric.check(error, f"human level '{label}':")
        seen.add(label.lower())
        levels.append(HumanLevel(label, float(error)))
    return tuple(levels)
