"""Single-number evaluation metrics and optimizing + satisficing run selection (docs/rules.md §3).

A team needs one number to rank models: F1 instead of precision and recall, the mean over
slices instead of one error per region, a weighted error when some mistakes cost more.
When several things matter (accuracy and latency), one metric is optimized and every
other one only has to meet a threshold.

One module per topic, everything public re-exported here: `single_number` (F1, slice
average, weighted error), `selection` (objective, thresholds, the best feasible run),
`project_runs` (the project's runs as metric values), `definition` (the team's saved
definition and selection over the project's runs), `from_runs` (F1 and slice averages from
run metrics), `weighted` (weighted error per run); `common` holds what they share.
"""

from __future__ import annotations

from strategy_core.metrics.common import (
    RATE_METRICS,
    TIE_TOLERANCE,
    default_direction,
    is_rate_metric,
)
from strategy_core.metrics.definition import (
    SelectionDefinition,
    pareto_front,
    select_from_runs,
    suggest_definition,
)
from strategy_core.metrics.from_runs import (
    SliceComparison,
    SliceFamily,
    compare_run_f1,
    compare_slice_averages,
    precision_recall_pairs,
    slice_families,
    slice_rows_from_runs,
)
from strategy_core.metrics.project_runs import (
    check_known_metrics,
    extra_metrics,
    run_metrics,
    selectable_metrics,
)
from strategy_core.metrics.selection import (
    Constraint,
    Objective,
    RunMetrics,
    Selection,
    known_metrics,
    parse_constraint,
    parse_objective,
    select_run,
)
from strategy_core.metrics.single_number import (
    ClassifierComparison,
    ClassifierScore,
    SliceAverage,
    attribute_weights,
    compare_classifiers,
    f1,
    slice_average,
    weighted_error,
)
from strategy_core.metrics.weighted import (
    WEIGHT_ATTRIBUTES,
    WeightedComparison,
    WeightedRow,
    compare_weighted,
    describe_weighting,
    parse_weight_map,
)

__all__ = [
    "ClassifierComparison",
    "ClassifierScore",
    "Constraint",
    "Objective",
    "RATE_METRICS",
    "RunMetrics",
    "Selection",
    "SelectionDefinition",
    "SliceAverage",
    "SliceComparison",
    "SliceFamily",
    "TIE_TOLERANCE",
    "WEIGHT_ATTRIBUTES",
    "WeightedComparison",
    "WeightedRow",
    "attribute_weights",
    "check_known_metrics",
    "compare_classifiers",
    "compare_run_f1",
    "compare_slice_averages",
    "compare_weighted",
    "default_direction",
    "describe_weighting",
    "extra_metrics",
    "f1",
    "is_rate_metric",
    "known_metrics",
    "pareto_front",
    "parse_constraint",
    "parse_objective",
    "parse_weight_map",
    "precision_recall_pairs",
    "run_metrics",
    "select_from_runs",
    "select_run",
    "selectable_metrics",
    "slice_average",
    "slice_families",
    "slice_rows_from_runs",
    "suggest_definition",
    "weighted_error",
]
