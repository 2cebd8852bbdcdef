"""Correcting the proposed mapping: the command line's overrides (`--map`, `--values`,
`--scale`) and the mapping as an editable table on the Runs page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from strategy_core.errors import InputError
from strategy_core.run_csv.cells import _clip
from strategy_core.run_csv.common import ROLES, SCALES, VALUE_KINDS, ColumnMapping, RawTable
from strategy_core.run_csv.mapping import _strip_prefix, classify_metric, detect_scale
from strategy_core.runs import ERROR_FIELDS, RUN_FIELDS, SIZE_FIELDS


def with_overrides(
    table: RawTable,
    mapping: Sequence[ColumnMapping],
    fields: dict[str, str] | None = None,
    values: str = "auto",
    scale: str = "auto",
) -> list[ColumnMapping]:
    """The CLI's corrections: `--map FIELD=COLUMN`, `--values`, `--scale`."""
    out = list(mapping)
    columns = {m.column for m in out}
    for field_name, column in (fields or {}).items():
        if field_name not in RUN_FIELDS:
            raise InputError(f"--map: unknown field '{field_name}' (one of "
                             f"{', '.join(RUN_FIELDS)})")
        if column not in columns:
            raise InputError(f"--map: the file has no column '{column}'")
        out = [replace(m, role="metric" if _is_number_role(m) else "param", kind=None,
                       scale=None) if m.role == field_name else m for m in out]
        out = [replace(m, role=field_name,
                       kind=(m.kind or classify_metric(m.column)[1] or "error")
                       if field_name in ERROR_FIELDS else None,
                       scale=detect_scale([r[table.headers.index(column)] for r in table.rows],
                                          table.delimiter != ",")
                       if field_name in ERROR_FIELDS else None)
               if m.column == column else m for m in out]
    if values not in ("auto", *VALUE_KINDS):
        raise InputError(f"--values must be auto, error, accuracy or value, not '{values}'")
    if scale not in ("auto", *SCALES):
        raise InputError(f"--scale must be auto, fraction or percent, not '{scale}'")
    return [replace(m, kind=m.kind if values == "auto" else values,
                    scale=m.scale if scale == "auto" else scale)
            if m.role in ERROR_FIELDS else m for m in out]


def _is_number_role(m: ColumnMapping) -> bool:
    return m.role in ERROR_FIELDS or m.role in SIZE_FIELDS or m.role == "metric"


MAPPING_COLUMNS: tuple[str, ...] = ("column", "examples", "role", "values", "scale")


def mapping_rows(table: RawTable, mapping: Sequence[ColumnMapping]) -> list[dict[str, object]]:
    """One row per column for the mapping editor: examples, role, value kind and scale."""
    rows = []
    for position, m in enumerate(mapping):
        examples = [r[position] for r in table.rows if r[position].strip()][:3]
        rows.append({
            "column": m.column,
            "examples": _clip(", ".join(examples), 60),
            "role": m.role,
            "values": m.kind,
            "scale": m.scale,
        })
    return rows


def mapping_from_rows(table: RawTable, rows: Sequence[dict[str, object]]) -> list[ColumnMapping]:
    """The user's edited mapping. An error field without a kind or scale gets the detected
    one; unknown roles fall back to 'ignore' (the editor only offers valid ones)."""
    out = []
    for row in rows:
        column = str(row["column"])
        role = str(row.get("role") or "ignore")
        role = role if role in ROLES else "ignore"
        kind = row.get("values") if row.get("values") in VALUE_KINDS else None
        scale = row.get("scale") if row.get("scale") in SCALES else None
        if role in ERROR_FIELDS:
            position = table.headers.index(column)
            kind = kind or classify_metric(column)[1] or "error"
            scale = scale or detect_scale([r[position] for r in table.rows],
                                          table.delimiter != ",")
        else:
            kind = scale = None
        out.append(ColumnMapping(column, role, _strip_prefix(column), kind, scale))  # type: ignore[arg-type]
    return out
