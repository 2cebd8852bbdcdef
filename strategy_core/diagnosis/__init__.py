"""Gap decomposition of one run's error levels (docs/rules.md §1).

Human-level error H stands in for Bayes error. The gaps between human level and the
training (T), training-dev (TD), dev (D) and test (X) errors say where the remaining
error comes from, and the largest one says what the team should work on next.

One module per topic, everything public re-exported here: `gaps` (the gaps, actions,
flags and a run's error levels), `focus` (where to work: the one rule every surface calls),
`decomposition` (one run's gaps, focus and reasons),
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
from strategy_core.diagnosis.focus import (
    Focus,
    choose_focus,
    focus_label,
    record_human_action,
    runner_up_sentence,
    unmeasured_bias_bound,
)
from strategy_core.diagnosis.gaps import (
    ACTIONS,
    ARCHITECTURE,
    EARLY_STOPPING,
    FLAG_EXPLANATIONS,
    FOCUS_NONE,
    FOCUS_UNKNOWN,
    GAP_ACTIONS,
    GAP_LABELS,
    GAP_NAMES,
    GAPS,
    HYPERPARAMETER_SEARCH,
    INPUT_FEATURES,
    NOT_HELPFUL,
    REAL_WORLD_ACTION,
    RECORD_LEVELS_ACTION,
    RUNNER_UP_SHARE,
    TIE_TOLERANCE,
    Action,
    ErrorLevels,
    Gap,
    flag_explanation,
    gap_formula,
)

__all__ = [
    "ACTIONS",
    "ARCHITECTURE",
    "Action",
    "Decomposition",
    "EARLY_STOPPING",
    "ErrorLevels",
    "FLAG_EXPLANATIONS",
    "FLAG_LABELS",
    "FOCUS_NONE",
    "FOCUS_UNKNOWN",
    "Focus",
    "GAPS",
    "GAP_ACTIONS",
    "GAP_LABELS",
    "GAP_NAMES",
    "Gap",
    "HYPERPARAMETER_SEARCH",
    "INPUT_FEATURES",
    "NOT_HELPFUL",
    "REAL_WORLD_ACTION",
    "RECORD_LEVELS_ACTION",
    "RUNNER_UP_SHARE",
    "RunDiagnosis",
    "TABLE_COLUMNS",
    "TIE_TOLERANCE",
    "choose_focus",
    "decompose",
    "decomposition_table",
    "diagnose_runs",
    "focus_label",
    "focus_verdict",
    "flag_explanation",
    "format_interval",
    "gap_formula",
    "levels_of_run",
    "record_human_action",
    "runner_up_note",
    "runner_up_sentence",
    "summary",
    "trend_summary",
    "unmeasured_bias_bound",
]
