"""Gap decomposition of one run's error levels (docs/rules.md §1).

Human-level error H stands in for Bayes error. The gaps between human level and the
training (T), training-dev (TD), dev (D) and test (X) errors say where the remaining
error comes from, and the largest one says what the team should work on next.

One module per topic, everything public re-exported here: `gaps` (the gaps, actions,
flags and a run's error levels), `decomposition` (one run's gaps, focus and reasons),
`intervals` (how sure the gaps are), `across_runs` (every run of a project, the trend and
the table).
"""

from __future__ import annotations

from strategy_core.diagnosis.across_runs import (
    FLAG_LABELS,
    TABLE_COLUMNS,
    RunDiagnosis,
    decomposition_table,
    diagnose_runs,
    focus_verdict,
    levels_of_run,
    trend_summary,
)
from strategy_core.diagnosis.decomposition import (
    Decomposition,
    decompose,
    format_interval,
    runner_up_note,
    summary,
)
from strategy_core.diagnosis.gaps import (
    ARCHITECTURE,
    CLOSE_BEHIND_SHARE,
    FLAG_EXPLANATIONS,
    FOCUS_NONE,
    GAP_ACTIONS,
    GAP_LABELS,
    GAP_NAMES,
    GAPS,
    HYPERPARAMETER_SEARCH,
    REAL_WORLD_ACTION,
    RECORD_LEVELS_ACTION,
    TIE_TOLERANCE,
    ErrorLevels,
    Gap,
    flag_explanation,
    gap_formula,
)

__all__ = [
    "ARCHITECTURE",
    "CLOSE_BEHIND_SHARE",
    "Decomposition",
    "ErrorLevels",
    "FLAG_EXPLANATIONS",
    "FLAG_LABELS",
    "FOCUS_NONE",
    "GAPS",
    "GAP_ACTIONS",
    "GAP_LABELS",
    "GAP_NAMES",
    "Gap",
    "HYPERPARAMETER_SEARCH",
    "REAL_WORLD_ACTION",
    "RECORD_LEVELS_ACTION",
    "RunDiagnosis",
    "TABLE_COLUMNS",
    "TIE_TOLERANCE",
    "decompose",
    "decomposition_table",
    "diagnose_runs",
    "focus_verdict",
    "flag_explanation",
    "format_interval",
    "gap_formula",
    "levels_of_run",
    "runner_up_note",
    "summary",
    "trend_summary",
]
