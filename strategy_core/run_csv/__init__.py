"""Run CSV import: read the file, detect the tracker's format, propose a column mapping,
and build validated runs (docs/rules.md §9).

The mapping says, for every column, its role (a run field, an extra metric, a param, or
ignored) and for error columns whether the values are errors or accuracies and fractions or
percents. The user confirms or corrects it; `build_runs` then either returns runs exactly as
they will be stored, or the problems, each naming the row and the column.

One module per step, everything public re-exported here: `reading` (bytes to a raw table),
`mapping` (format detection and the proposed mapping), `editing` (the command line's
overrides and the Runs page's mapping table), `building` (validated runs), `cells` (one
cell's number, error, size or time); `common` holds the vocabulary, limits and types.
"""

from __future__ import annotations

from strategy_core.run_csv.building import (
    build_runs,
)
from strategy_core.run_csv.cells import (
    parse_created,
)
from strategy_core.run_csv.common import (
    FORMAT_LABELS,
    FORMATS,
    MAX_FILE_MB,
    MAX_PROBLEMS,
    ROLES,
    SCALES,
    VALUE_KINDS,
    ColumnMapping,
    RawTable,
    RunBuild,
)
from strategy_core.run_csv.editing import (
    MAPPING_COLUMNS,
    mapping_from_rows,
    mapping_rows,
    with_overrides,
)
from strategy_core.run_csv.histories import (
    DEFAULT_PICK,
    HISTORY_PICKS,
    History,
    collapse,
    history_kind,
)
from strategy_core.run_csv.mapping import (
    classify_metric,
    classify_value,
    detect_format,
    detect_scale,
    propose_mapping,
    tokens,
)
from strategy_core.run_csv.reading import (
    is_utf16,
    read_table,
)

__all__ = [
    "DEFAULT_PICK",
    "HISTORY_PICKS",
    "History",
    "collapse",
    "history_kind",
    "ColumnMapping",
    "FORMATS",
    "FORMAT_LABELS",
    "MAPPING_COLUMNS",
    "MAX_FILE_MB",
    "MAX_PROBLEMS",
    "ROLES",
    "RawTable",
    "RunBuild",
    "SCALES",
    "VALUE_KINDS",
    "build_runs",
    "classify_metric",
    "classify_value",
    "detect_format",
    "detect_scale",
    "is_utf16",
    "mapping_from_rows",
    "mapping_rows",
    "parse_created",
    "propose_mapping",
    "read_table",
    "tokens",
    "with_overrides",
]
