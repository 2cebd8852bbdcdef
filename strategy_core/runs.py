"""A training run as the product sees it: error rates per split, split sizes, extra metrics.

The run value itself (`Run`, its field constants and how a change is described) lives in
`strategy_core.values.runs`, shared with the store, and is re-exported here; this module
holds the rules over runs (the runs table).
"""

from __future__ import annotations

from typing import Any

from strategy_core.values.runs import (
    EDITABLE_FIELDS,
    ERROR_FIELDS,
    FIELD_LABELS,
    FINISHED_STATES,
    INFO_FIELDS,
    INFO_LABELS,
    MAX_NAME_LENGTH,
    RUN_FIELDS,
    SIZE_FIELDS,
    Run,
    changed_fields,
    describe_changes,
    describe_field,
)

__all__ = [
    "EDITABLE_FIELDS",
    "ERROR_FIELDS",
    "FIELD_LABELS",
    "FINISHED_STATES",
    "INFO_FIELDS",
    "INFO_LABELS",
    "MAX_NAME_LENGTH",
    "RUN_FIELDS",
    "SIZE_FIELDS",
    "Run",
    "changed_fields",
    "describe_changes",
    "describe_field",
    "runs_table",
]


def runs_table(runs: list[Run]) -> Any:
    """The runs as a table: fixed fields (errors as fractions), what the tracker said about
    each run (status, user, ...), per-slice values, then metrics, then params.

    Metric and param columns are prefixed (`metric: latency_ms`) so an uploaded name can
    never collide with a fixed field.
    """
    import pandas as pd

    metric_names = sorted({name for run in runs for name in run.metrics})
    param_names = sorted({name for run in runs for name in run.params})
    info_names = [f for f in INFO_FIELDS if any(f in run.info for run in runs)]
    slice_names = sorted({name for run in runs for name in run.slices})
    records = []
    for run in runs:
        record: dict[str, Any] = {f: getattr(run, f) for f in RUN_FIELDS}
        for name in info_names:
            record[name] = run.info.get(name)
        for name in slice_names:
            record[f"slice: {name}"] = run.slices.get(name)
        for name in metric_names:
            record[f"metric: {name}"] = run.metrics.get(name)
        for name in param_names:
            record[f"param: {name}"] = run.params.get(name)
        records.append(record)
    fixed = list(RUN_FIELDS)
    if "status" in info_names:  # whether a run finished, next to its name
        fixed.insert(1, "status")
    columns = fixed + [n for n in info_names if n != "status"] + \
        [f"slice: {n}" for n in slice_names] + [f"metric: {n}" for n in metric_names] + \
        [f"param: {n}" for n in param_names]
    frame = pd.DataFrame.from_records(records, columns=columns)
    for f in SIZE_FIELDS:
        frame[f] = frame[f].astype("Int64")
    for f in ERROR_FIELDS:
        frame[f] = frame[f].astype("float64")
    return frame
