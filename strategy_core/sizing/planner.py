"""The split planner's inputs as kept per project (docs/rules.md §6): the sources with their
counts, the target and the dev/test sizes, read back from the project's settings or from
an edited table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from strategy_core.errors import InputError
from strategy_core.sizing.common import _count
from strategy_core.sizing.source_choices import SourceChoices, choices_from_rows

PLAN_SETTING = "sizing.split_plan"
MAX_SOURCE_NAME = 80


@dataclass(frozen=True)
class PlanInputs:
    """What the team typed into the split planner: sources with counts, the target,
    optional dev/test sizes (None: the 4.6 default), and the sources left out, flagged as
    inconsistent with the target or weighted, with the model's capacity (§23)."""

    sources: tuple[tuple[str, int], ...]
    target: str
    dev: int | None = None
    test: int | None = None
    excluded: tuple[str, ...] = ()
    inconsistent: tuple[str, ...] = ()
    weights: tuple[tuple[str, float], ...] = ()
    capacity: str = "unknown"

    def source_counts(self) -> dict[str, int]:
        return dict(self.sources)

    def choices(self) -> SourceChoices:
        """The §23 choices of these inputs."""
        return SourceChoices(frozenset(self.excluded), frozenset(self.inconsistent),
                             dict(self.weights), self.capacity)

    def as_setting(self) -> dict[str, Any]:
        weights = dict(self.weights)
        rows = []
        for name, count in self.sources:
            row: dict[str, Any] = {"source": name, "count": count}
            if name in self.excluded:
                row["use"] = False
            if name in weights:
                row["weight"] = weights[name]
            if name in self.inconsistent:
                row["inconsistent"] = True
            rows.append(row)
        out = {"sources": rows, "target": self.target, "dev": self.dev, "test": self.test}
        if self.capacity != "unknown":
            out["capacity"] = self.capacity
        return out


# The docs/rules.md §6 example: 200,000 web images and 10,000 phone images, the product sees phones.
EXAMPLE_PLAN = PlanInputs((("web", 200_000), ("mobile", 10_000)), "mobile")


def plan_inputs(value: object) -> PlanInputs:
    """A saved planner setting back into PlanInputs; InputError when it is malformed."""
    if not isinstance(value, Mapping) or not isinstance(value.get("sources"), list):
        raise InputError("the saved split plan is not in the expected form")
    rows = [row for row in value["sources"] if isinstance(row, Mapping)]
    counts = source_counts_from_rows(rows, ("count",))["count"]
    target = value.get("target")
    if not isinstance(target, str) or target not in counts:
        raise InputError("the saved split plan's target is not one of its sources")
    sizes = [None if value.get(k) is None else _count(value.get(k), what=f"saved {k} size")
             for k in ("dev", "test")]
    capacity = value.get("capacity", "unknown")
    choices = choices_from_rows(rows, target, capacity if isinstance(capacity, str) else "")
    return PlanInputs(tuple(counts.items()), target, sizes[0], sizes[1],
                      *inputs_of(choices, counts))


def inputs_of(choices: SourceChoices, counts: Mapping[str, int]
              ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, float], ...], str]:
    """The choices as PlanInputs fields, in the order of the sources."""
    return (tuple(n for n in counts if n in choices.excluded),
            tuple(n for n in counts if n in choices.inconsistent),
            tuple((n, choices.weights[n]) for n in counts if n in choices.weights),
            choices.capacity)


def source_counts_from_rows(
    rows: Iterable[Mapping[str, object]], columns: Sequence[str]
) -> dict[str, dict[str, int]]:
    """Rows of a table (``source`` plus one count per column) into {column: {source: n}}.

    Blank rows are skipped and a blank count is 0; a count without a source name, a
    repeated source, or a count that is not a whole number is an InputError naming the row.
    """
    out: dict[str, dict[str, int]] = {column: {} for column in columns}
    for number, row in enumerate(rows, start=1):
        raw_name = row.get("source")
        name = "" if _blank(raw_name) else " ".join(str(raw_name).split())
        values = {column: row.get(column) for column in columns}
        if not name:
            if all(_blank(v) for v in values.values()):
                continue
            raise InputError("a count needs a source name", row=number, column="source")
        if len(name) > MAX_SOURCE_NAME:
            raise InputError(f"a source name has at most {MAX_SOURCE_NAME} characters",
                             row=number, column="source")
        if name in out[columns[0]]:
            raise InputError(f"source '{name}' is listed twice", row=number, column="source")
        for column, raw in values.items():
            if _blank(raw):
                out[column][name] = 0
                continue
            try:
                out[column][name] = _count(raw, what=f"{column} for '{name}'")
            except InputError as exc:
                raise InputError(exc.problem, row=number, column=column) from None
    return out


def _blank(value: object) -> bool:
    """None, NaN, pandas' NA or blank text: an empty cell of an edited table."""
    if isinstance(value, str):
        return not value.strip()
    if value is None:
        return True
    import pandas as pd

    return bool(pd.api.types.is_scalar(value) and pd.isna(value))
