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
    dates: str = "auto",
) -> list[ColumnMapping]:
    """The CLI's corrections: `--map FIELD=COLUMN` (a run field from a column),
    `--map COLUMN=ROLE` (a column's role: ignore, param, metric, or a run field),
    `--values`, `--scale` and `--dates dmy|mdy`."""
    out = list(mapping)
    columns = {m.column for m in out}
    for left, right in (fields or {}).items():
        if left not in ROLES and left in columns and right in ROLES:
            left, right = right, left  # COLUMN=ROLE
        if left in ("metric", "param", "ignore"):
            out = [replace(m, role=left, kind=None, scale=None, part="")
                   if m.column == right else m for m in out]
            continue
        if left not in ROLES:
            raise InputError(f"--map: unknown field '{left}': write FIELD=COLUMN with a "
                             f"field of {', '.join(RUN_FIELDS)}, or COLUMN=ROLE with a "
                             "column of the file and a role such as ignore")
        if right not in columns:
            raise InputError(f"--map: the file has no column '{right}'")
        out = _with_field(table, out, left, right)
    if values not in ("auto", *VALUE_KINDS):
        raise InputError(f"--values must be auto, error, accuracy or value, not '{values}'")
    if scale not in ("auto", *SCALES):
        raise InputError(f"--scale must be auto, fraction or percent, not '{scale}'")
    if dates not in ("auto", "dmy", "mdy"):
        raise InputError(f"--dates must be auto, dmy or mdy, not '{dates}'")
    return [replace(m, kind=m.kind if values == "auto" else values,
                    scale=m.scale if scale == "auto" else scale)
            if m.role in ERROR_FIELDS else
            replace(m, part=dates) if m.role == "created" and dates != "auto" else m
            for m in out]


def _with_field(table: RawTable, mapping: list[ColumnMapping], field_name: str,
                column: str) -> list[ColumnMapping]:
    """Column `column` as run field `field_name`; the column that held it before becomes
    an extra metric or a param."""
    out = [replace(m, role="metric" if _is_number_role(m) else "param", kind=None,
                   scale=None, part="") if m.role == field_name else m for m in mapping]
    cells = [r[table.headers.index(column)] for r in table.rows]
    return [replace(m, role=field_name,
                    kind=(m.kind or classify_metric(m.column)[1] or "error")
                    if field_name in ERROR_FIELDS else None,
                    scale=detect_scale(cells, table.delimiter != ",")
                    if field_name in ERROR_FIELDS else None, part="")
            if m.column == column else m for m in out]


def _is_number_role(m: ColumnMapping) -> bool:
    return m.role in ERROR_FIELDS or m.role in SIZE_FIELDS or m.role == "metric"


MAPPING_COLUMNS: tuple[str, ...] = ("column", "examples", "role", "values", "scale", "slice")


def mapping_rows(table: RawTable, mapping: Sequence[ColumnMapping]) -> list[dict[str, object]]:
    """One row per column for the mapping editor: examples, role, value kind, scale and
    the slice name of a split mapped to several columns (averaged)."""
    rows = []
    for position, m in enumerate(mapping):
        examples = [r[position] for r in table.rows if r[position].strip()][:3]
        rows.append({
            "column": m.column,
            "examples": _clip(", ".join(examples), 60),
            "role": m.role,
            "values": m.kind,
            "scale": m.scale,
            "slice": m.part if m.role in ERROR_FIELDS else "",
            "part": m.part if m.role == "created" else "",
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
        part = str(row.get("slice") or "").strip() if role in ERROR_FIELDS else \
            str(row.get("part") or "") if role == "created" else ""
        out.append(ColumnMapping(column, role, _strip_prefix(column), kind, scale,  # type: ignore[arg-type]
                                 part))
    return out
