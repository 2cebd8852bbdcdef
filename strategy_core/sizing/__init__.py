"""Dev/test set sizing and splits (docs/rules.md §6).

How precise an error rate is on n examples, how many examples it takes to tell two
models apart, how big the eyeball set should be, how to split a data set, and how to
split when the training data comes from other sources than the data the product sees.

One module per topic, everything public re-exported here: `intervals` (precision of an
error rate), `detection` (examples needed to tell two models apart), `splits` (eyeball
set, split sizes, the split of mismatched sources), `distributions` (dev and test from
the same distribution), `mean_metric` (precision and sizes for a metric that is a mean of
per-example values, docs/rules.md §17), `planner` (the split planner's saved inputs),
`project_runs` (calculator defaults and comparing two runs); `common` holds the formulas
and helpers they share. What reads the store (two runs' disagreement from their
predictions, the overview's line) is in `strategy_core.usecases.sizing`.
"""

from __future__ import annotations

from strategy_core.sizing.common import (
    FORMULAS,
)
from strategy_core.sizing.detection import (
    PAIRED_VS_UNPAIRED,
    DetectSize,
    SeparationCheck,
    detect_size,
    dev_set_can_separate,
    smallest_detectable_difference,
)
from strategy_core.sizing.distributions import (
    DistributionCheck,
    compare_distributions,
)
from strategy_core.sizing.intervals import (
    HalfWidthProfile,
    IntervalResult,
    error_interval,
    half_width_curve,
    half_width_profile,
)
from strategy_core.sizing.mean_metric import (
    MEAN_FORMULAS,
    UNPAIRED_VS_PAIRED,
    MeanDetection,
    MeanMetricPlan,
    MeanPrecision,
    amount_from_input,
    detectable_difference,
    input_unit,
    mean_detect_size,
    mean_detection,
    mean_half_width,
    mean_metric_plan,
    mean_precision,
    mean_size_for_half_width,
    per_example_sd,
)
from strategy_core.sizing.planner import (
    EXAMPLE_PLAN,
    MAX_SOURCE_NAME,
    PLAN_SETTING,
    PlanInputs,
    plan_inputs,
    source_counts_from_rows,
)
from strategy_core.sizing.project_runs import (
    EXAMPLE_DEV_SIZE,
    EXAMPLE_ERROR,
    CalculatorDefaults,
    DisagreementCounts,
    RunComparison,
    calculator_defaults,
    compare_runs,
    runs_by_dev_error,
)
from strategy_core.sizing.splits import (
    SPLIT_CAP,
    SPLIT_SHARE,
    TARGET_SHARE_DENOMINATOR,
    SplitPlan,
    SplitSizes,
    eyeball_advice,
    eyeball_size,
    plan_split,
    split_sizes,
)

__all__ = [
    "CalculatorDefaults",
    "DetectSize",
    "DisagreementCounts",
    "DistributionCheck",
    "EXAMPLE_DEV_SIZE",
    "EXAMPLE_ERROR",
    "EXAMPLE_PLAN",
    "FORMULAS",
    "HalfWidthProfile",
    "IntervalResult",
    "MAX_SOURCE_NAME",
    "MEAN_FORMULAS",
    "MeanDetection",
    "MeanMetricPlan",
    "MeanPrecision",
    "PAIRED_VS_UNPAIRED",
    "PLAN_SETTING",
    "PlanInputs",
    "RunComparison",
    "SPLIT_CAP",
    "SPLIT_SHARE",
    "SeparationCheck",
    "SplitPlan",
    "SplitSizes",
    "TARGET_SHARE_DENOMINATOR",
    "UNPAIRED_VS_PAIRED",
    "amount_from_input",
    "calculator_defaults",
    "compare_distributions",
    "compare_runs",
    "detect_size",
    "detectable_difference",
    "dev_set_can_separate",
    "error_interval",
    "eyeball_advice",
    "eyeball_size",
    "half_width_curve",
    "half_width_profile",
    "input_unit",
    "mean_detect_size",
    "mean_detection",
    "mean_half_width",
    "mean_metric_plan",
    "mean_precision",
    "mean_size_for_half_width",
    "per_example_sd",
    "plan_inputs",
    "plan_split",
    "runs_by_dev_error",
    "smallest_detectable_difference",
    "source_counts_from_rows",
    "split_sizes",
]
