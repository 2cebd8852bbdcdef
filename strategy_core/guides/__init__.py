"""Decision guides: end-to-end or pipeline, error analysis by parts, transfer, multi-task.

The rules of docs/rules.md §7 and §8. Each guide is a pure function from the team's
answers to a frozen verdict with its reasons; the reference cases of the docs/rules.md are kept as
presets so the pages can offer them and the tests can check them.

One module per topic, everything public re-exported here: `end_to_end` (end-to-end or
pipeline), `parts` (blame per pipeline component and the flawed-pipeline check),
`pipeline` (a project's pipeline analysis as kept in its settings), `transfer` (transfer
learning), `multitask` (multi-task learning), `labels` (label coverage and the label
matrix CSV); `common` holds the answers, verdict type and input checks they share.
"""

from __future__ import annotations

from strategy_core.guides.common import (
    ANSWERS,
    VERDICT_LABELS,
    GuideVerdict,
)
from strategy_core.guides.end_to_end import (
    COMPLEXITIES,
    END_TO_END_PRESETS,
    END_TO_END_THRESHOLD_NOTES,
    END_TO_END_THRESHOLDS,
    EndToEndVerdict,
    end_to_end_verdict,
)
from strategy_core.guides.labels import (
    MISSING_LABEL_MARKS,
    LabelCoverage,
    TaskCoverage,
    default_task_columns,
    label_coverage,
    read_label_matrix,
)
from strategy_core.guides.multitask import (
    MISSING_LABELS_SKIPPED,
    MULTITASK_PRESETS,
    MultitaskVerdict,
    TaskData,
    both_fit_note,
    multitask_verdict,
)
from strategy_core.guides.parts import (
    PIPELINE_MARGIN,
    BlameTally,
    ComponentBlame,
    ComponentGap,
    ComponentLevel,
    PipelineCheck,
    blame_tally,
    pipeline_check,
)
from strategy_core.guides.pipeline import (
    MAX_COMPONENT_NAME,
    MAX_COMPONENTS,
    PIPELINE_SETTING,
    PipelineAnalysis,
    pipeline_analysis,
    pipeline_components,
    stored_pipeline_analysis,
)
from strategy_core.guides.transfer import (
    RETRAIN_LABELS,
    TRANSFER_MORE_COMMON,
    TRANSFER_PRESETS,
    TRANSFER_RATIO,
    TRANSFER_RATIO_NOTE,
    TRANSFER_RETRAIN_NOTE,
    TRANSFER_RETRAIN_THRESHOLD,
    TransferVerdict,
    transfer_verdict,
)

__all__ = [
    "ANSWERS",
    "BlameTally",
    "COMPLEXITIES",
    "ComponentBlame",
    "ComponentGap",
    "ComponentLevel",
    "END_TO_END_PRESETS",
    "END_TO_END_THRESHOLDS",
    "END_TO_END_THRESHOLD_NOTES",
    "EndToEndVerdict",
    "GuideVerdict",
    "LabelCoverage",
    "MAX_COMPONENTS",
    "MAX_COMPONENT_NAME",
    "MISSING_LABELS_SKIPPED",
    "MISSING_LABEL_MARKS",
    "MULTITASK_PRESETS",
    "MultitaskVerdict",
    "PIPELINE_MARGIN",
    "PIPELINE_SETTING",
    "PipelineAnalysis",
    "PipelineCheck",
    "RETRAIN_LABELS",
    "TRANSFER_MORE_COMMON",
    "TRANSFER_PRESETS",
    "TRANSFER_RATIO",
    "TRANSFER_RATIO_NOTE",
    "TRANSFER_RETRAIN_NOTE",
    "TRANSFER_RETRAIN_THRESHOLD",
    "TaskCoverage",
    "TaskData",
    "TransferVerdict",
    "VERDICT_LABELS",
    "blame_tally",
    "both_fit_note",
    "default_task_columns",
    "end_to_end_verdict",
    "label_coverage",
    "multitask_verdict",
    "pipeline_analysis",
    "pipeline_check",
    "pipeline_components",
    "read_label_matrix",
    "stored_pipeline_analysis",
    "transfer_verdict",
]
