"""The metric change log: when and why the team changed its metric or its dev set (docs/rules.md
§3).

A dev set that no longer reflects the data that matters, or a metric that ranks models
wrongly, is a reason to change it; the log keeps what changed, why, who and when, and the
change dates are drawn as marks on the trend charts so a jump in a curve is explained.

The entry (`MetricChange`), its checks and the chart marks live in
`strategy_core.values.metric_log`, shared with the store, and are re-exported here.
"""

from __future__ import annotations

from strategy_core.values.metric_log import (
    CHANGE_KINDS,
    DEFINITION_SETTING,
    MAX_AUTHOR,
    MAX_REASON,
    MAX_WHAT,
    MetricChange,
    change_marks,
    validate_change,
)

__all__ = [
    "CHANGE_KINDS",
    "DEFINITION_SETTING",
    "MAX_AUTHOR",
    "MAX_REASON",
    "MAX_WHAT",
    "MetricChange",
    "change_marks",
    "validate_change",
]
