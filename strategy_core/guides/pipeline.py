"""A project's pipeline and its error analysis by parts as kept in the project's settings
(docs/rules.md §7): the components, the blame counts or per-example attributions, the levels
entered so far, and reading a saved analysis back."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from strategy_core.errors import InputError
from strategy_core.guides.common import _count, _name
from strategy_core.guides.parts import (
    PIPELINE_MARGIN,
    BlameTally,
    ComponentLevel,
    PipelineCheck,
    _pipeline,
    blame_tally,
    pipeline_check,
)
from strategy_core.rates import parse_rate

PIPELINE_SETTING = "guides.pipeline"
"""The project setting that holds the pipeline analysis (store.projects.setting)."""

MAX_COMPONENTS = 12
MAX_COMPONENT_NAME = 60


def pipeline_components(text: str) -> tuple[str, ...]:
    """The pipeline's components from text, one per line, in pipeline order (docs/rules.md §7).

    Blank lines are skipped; no names at all gives an empty tuple (nothing defined yet).
    """
    names = [line.strip() for line in str(text or "").splitlines() if line.strip()]
    if len(names) > MAX_COMPONENTS:
        raise InputError(f"a pipeline has at most {MAX_COMPONENTS} components")
    for name in names:
        if len(name) > MAX_COMPONENT_NAME:
            raise InputError(
                f"component name '{name[:20]}…' is longer than {MAX_COMPONENT_NAME} characters"
            )
    return tuple(_pipeline(names)) if names else ()


@dataclass(frozen=True)
class PipelineAnalysis:
    """A project's pipeline and its error analysis by parts, as kept in its settings.

    Blame comes from ``counts`` (a count per component) unless ``sample_id`` names a
    review sample, then from ``example_blame`` (example id → component). ``levels`` holds
    each component's (error, human-level error); None where not entered yet.
    """

    components: tuple[str, ...]
    counts: Mapping[str, int]
    sample_id: int | None
    example_blame: Mapping[str, str]
    levels: Mapping[str, tuple[float | None, float | None]]
    system_error: float | None
    system_human_error: float | None
    margin: float

    @property
    def per_example(self) -> bool:
        return self.sample_id is not None

    def tally(self) -> BlameTally:
        """The blame tally (docs/rules.md §7) from the counts or the per-example attributions."""
        if self.per_example:
            return blame_tally(self.components, list(self.example_blame.values()))
        return blame_tally(self.components, self.counts)

    def check(self) -> PipelineCheck | None:
        """The flawed-pipeline check, or None until every error and human level is entered."""
        if self.system_error is None or self.system_human_error is None:
            return None
        levels = []
        for name in self.components:
            error, human = self.levels.get(name, (None, None))
            if error is None or human is None:
                return None
            levels.append(ComponentLevel(name, error, human))
        return pipeline_check(levels, self.system_error, self.system_human_error, self.margin)

    def as_dict(self) -> dict:
        return {
            "components": list(self.components),
            "counts": dict(self.counts),
            "sample_id": self.sample_id,
            "example_blame": dict(self.example_blame),
            "levels": {name: list(pair) for name, pair in self.levels.items()},
            "system_error": self.system_error,
            "system_human_error": self.system_human_error,
            "margin": self.margin,
        }


def _optional_rate(value: object, what: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return parse_rate(value, what=what)  # type: ignore[arg-type]


def pipeline_analysis(
    components: Sequence[str],
    counts: Mapping[str, int] | None = None,
    sample_id: int | None = None,
    example_blame: Mapping[str, str | None] | None = None,
    levels: Mapping[str, tuple[object, object]] | None = None,
    system_error: object = None,
    system_human_error: object = None,
    margin: object = PIPELINE_MARGIN,
) -> PipelineAnalysis:
    """Check and build a pipeline analysis (docs/rules.md §7); raises InputError naming the problem.

    Counts, attributions and levels must name components of the pipeline; an example
    without a blamed component is left out. Rates are fractions or '8%' text.
    """
    names = _pipeline(components)
    clean_counts = {}
    for raw_name, raw_count in (counts or {}).items():
        name = _name(raw_name, "a component name")
        if name not in names:
            raise InputError(f"'{name}' is not a component of the pipeline")
        clean_counts[name] = _count(raw_count, f"the blame count of component '{name}'")
    if sample_id is not None and (isinstance(sample_id, bool) or not isinstance(sample_id, int)):
        raise InputError(f"a review sample id must be a whole number, got {sample_id!r}")
    blame = {}
    for example_id, raw_name in (example_blame or {}).items():
        if raw_name is None or (isinstance(raw_name, str) and not raw_name.strip()):
            continue
        name = _name(raw_name, f"the component blamed for example {example_id}")
        if name not in names:
            raise InputError(f"example {example_id} blames '{name}', which is not a component")
        blame[str(example_id)] = name
    clean_levels = {}
    for raw_name, (error, human) in (levels or {}).items():
        name = _name(raw_name, "a component name")
        if name not in names:
            raise InputError(f"'{name}' is not a component of the pipeline")
        clean_levels[name] = (
            _optional_rate(error, f"the error of component '{name}'"),
            _optional_rate(human, f"the human-level error of component '{name}'"),
        )
    return PipelineAnalysis(
        components=tuple(names),
        counts=clean_counts,
        sample_id=sample_id,
        example_blame=blame,
        levels=clean_levels,
        system_error=_optional_rate(system_error, "the system's error"),
        system_human_error=_optional_rate(
            system_human_error, "the system's human-level error"
        ),
        margin=parse_rate(margin, what="margin"),  # type: ignore[arg-type]
    )


def stored_pipeline_analysis(raw: object) -> PipelineAnalysis | None:
    """A saved analysis (PipelineAnalysis.as_dict) read back; None when absent or unusable.

    Settings outlive code and hand edits: what no longer fits is dropped piece by piece
    rather than failing the page.
    """
    if not isinstance(raw, Mapping):
        return None
    try:
        components = pipeline_components("\n".join(str(c) for c in raw.get("components", [])))
    except InputError:
        return None
    if not components:
        return None
    pieces: dict[str, Any] = {}
    known = set(components)
    counts = raw.get("counts")
    if isinstance(counts, Mapping):
        pieces["counts"] = {k: v for k, v in counts.items() if k in known}
    sample_id = raw.get("sample_id")
    if isinstance(sample_id, int) and not isinstance(sample_id, bool):
        pieces["sample_id"] = sample_id
    blame = raw.get("example_blame")
    if isinstance(blame, Mapping):
        pieces["example_blame"] = {k: v for k, v in blame.items() if v in known}
    levels = raw.get("levels")
    if isinstance(levels, Mapping):
        pieces["levels"] = {
            k: tuple(v) for k, v in levels.items()
            if k in known and isinstance(v, list | tuple) and len(v) == 2
        }
    for key in ("system_error", "system_human_error", "margin"):
        if raw.get(key) is not None:
            pieces[key] = raw[key]
    for drop in ("levels", "counts", "example_blame", "margin", "system_error",
                 "system_human_error", None):
        try:
            return pipeline_analysis(components, **pieces)
        except InputError:
            if drop is None:
                break
            pieces.pop(drop, None)
    return pipeline_analysis(components)
