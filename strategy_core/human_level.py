"""Human-level error: the proxy for Bayes (optimal) error (docs/rules.md).

A project records several levels (typical person, expert, team of experts, custom); the
lowest is the proxy unless the team picks another. The values (`HumanLevel`, `HumanLevels`)
and their checks live in `strategy_core.values.human_levels`, shared with the store, and
are re-exported here.
"""

from __future__ import annotations

from strategy_core.values.human_levels import (
    MAX_LABEL_LENGTH,
    HumanLevel,
    HumanLevels,
    describe_levels,
    validate_levels,
)

__all__ = [
    "DEFAULT_LEVEL_LABELS",
    "MAX_LABEL_LENGTH",
    "HumanLevel",
    "HumanLevels",
    "describe_levels",
    "validate_levels",
]

DEFAULT_LEVEL_LABELS: tuple[str, ...] = ("typical person", "expert", "team of experts")
