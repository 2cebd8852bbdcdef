"""Error analysis of reviewed dev mistakes: shares, ceilings, priority, labels, eyeball set.

The rules of docs/rules.md §4 (error analysis) and 4.5 (mislabeled examples). Every
function here is pure: counts and rates in, a frozen result with the numbers, the verdict
and the reasons out.

One module per topic, everything public re-exported here: `categories` (the reserved
category, category names, tag marks), `review` (adequacy, shares, ceilings, priority),
`labels` (the fix-labels verdict and the label audit), `eyeball` (is the eyeball set
overfit), `sources` (the review's dev error against the run's recorded one), `values`
and `value_summary` (reviews of per-example values, §18); `common` holds the count checks
they share.
"""

from __future__ import annotations

from strategy_core.error_analysis.categories import (
    INCORRECTLY_LABELED,
    category_name,
    parse_tag_mark,
)
from strategy_core.error_analysis.eyeball import (
    EyeballCheck,
    EyeballRun,
    RunSplitErrors,
    eyeball_blackbox,
)
from strategy_core.error_analysis.labels import (
    LABEL_FIX_REMINDERS,
    MISLABEL_SHARE_THRESHOLD,
    LabelAudit,
    MislabelVerdict,
    label_audit,
    mislabel_verdict,
)
from strategy_core.error_analysis.review import (
    ADEQUACY_LABELS,
    ADEQUACY_LEVELS,
    ADEQUACY_MEANINGS,
    CategoryShare,
    ReviewSummary,
    adequacy,
    summarize_review,
    tentative_review,
    tentative_words,
)
from strategy_core.error_analysis.sources import DevErrorSources, compare_dev_errors
from strategy_core.error_analysis.value_summary import summarize_value_review
from strategy_core.error_analysis.values import (
    FILE_KINDS,
    MEASURES,
    SELECTIONS,
    ValueCategory,
    ValueReviewSummary,
    best_value,
    dev_metric,
    file_kind,
    gain,
    measure_for,
    measure_label,
    sample_rule,
)

__all__ = [
    "ADEQUACY_LABELS",
    "ADEQUACY_LEVELS",
    "ADEQUACY_MEANINGS",
    "CategoryShare",
    "DevErrorSources",
    "EyeballCheck",
    "FILE_KINDS",
    "MEASURES",
    "SELECTIONS",
    "ValueCategory",
    "ValueReviewSummary",
    "best_value",
    "dev_metric",
    "file_kind",
    "gain",
    "measure_for",
    "measure_label",
    "sample_rule",
    "summarize_value_review",
    "EyeballRun",
    "INCORRECTLY_LABELED",
    "LABEL_FIX_REMINDERS",
    "LabelAudit",
    "MISLABEL_SHARE_THRESHOLD",
    "MislabelVerdict",
    "ReviewSummary",
    "RunSplitErrors",
    "adequacy",
    "category_name",
    "compare_dev_errors",
    "eyeball_blackbox",
    "label_audit",
    "mislabel_verdict",
    "parse_tag_mark",
    "summarize_review",
    "tentative_review",
    "tentative_words",
]
