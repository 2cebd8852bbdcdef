"""Error analysis by parts (docs/rules.md §7): which pipeline component the reviewed errors blame,
and each component and the whole system against human level, which flags a flawed
pipeline design."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from strategy_core.errors import InputError
from strategy_core.guides.common import _count, _name
from strategy_core.rates import format_pct, format_points, parse_rate
from strategy_core.stats import wilson_interval

# Rates that differ by no more than this are treated as equal (as in docs/rules.md §1).
_EPS = 1e-9


@dataclass(frozen=True)
class ComponentBlame:
    """How many reviewed errors a pipeline component is blamed for."""

    name: str
    count: int
    share: float | None
    share_low: float | None
    share_high: float | None

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "count": self.count,
            "share": self.share,
            "share_low": self.share_low,
            "share_high": self.share_high,
        }


@dataclass(frozen=True)
class BlameTally:
    """Blame per component of a pipeline, in pipeline order, and the one to work on."""

    components: tuple[ComponentBlame, ...]
    total: int
    focus: str | None
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "components": [component.as_dict() for component in self.components],
            "total": self.total,
            "focus": self.focus,
            "reasons": list(self.reasons),
        }

    @property
    def headline(self) -> str:
        """One sentence: the component blamed most, or that nothing is attributed yet."""
        if self.focus is None:
            return "No reviewed error is attributed to a component yet."
        top = next(c for c in self.components if c.name == self.focus)
        return (
            f"Work on {self.focus}: it is blamed for {top.count} of {self.total} reviewed "
            f"errors ({format_pct(top.share)})."
        )


def _pipeline(components: Sequence[str]) -> list[str]:
    if isinstance(components, str):
        raise InputError("list the pipeline components one by one, in order")
    names = [_name(name, "a component name") for name in components]
    if not names:
        raise InputError("a pipeline needs at least one component")
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InputError(f"component '{name}' is listed twice")
        seen.add(name)
    return names


def blame_tally(
    components: Sequence[str], attributions: Mapping[str, int] | Sequence[str]
) -> BlameTally:
    """Tally which component first fixes each reviewed error (docs/rules.md §7).

    For each reviewed error the team records the first component that, given perfect
    output, fixes the system's answer. ``attributions`` is one component name per error,
    or a count per component. Work on the component blamed most (ties: the earlier one
    in the pipeline, which feeds the others).
    """
    names = _pipeline(components)
    counts = _blame_counts(names, attributions)
    total = sum(counts.values())
    blames = _component_blames(names, counts, total)
    if total == 0:
        return BlameTally(
            tuple(blames),
            0,
            None,
            ("No reviewed error has been attributed to a component yet.",),
        )

    most = max(counts.values())
    leaders = [name for name in names if counts[name] == most]
    focus = leaders[0]
    top = blames[names.index(focus)]
    reasons = [
        f"{focus} is blamed for {top.count} of {total} reviewed errors "
        f"({format_pct(top.share)}, 95% interval {format_pct(top.share_low)} to "
        f"{format_pct(top.share_high)}): improving it helps the most.",
    ]
    if len(leaders) > 1:
        reasons.append(
            f"{', '.join(leaders[:-1])} and {leaders[-1]} are tied; {focus} comes first in "
            "the pipeline, and its "
            "output feeds the later steps."
        )
    return BlameTally(tuple(blames), total, focus, tuple(reasons))


def _blame_counts(
    names: list[str], attributions: Mapping[str, int] | Sequence[str]
) -> dict[str, int]:
    """Reviewed errors blamed on each component, from a count per component or one
    component name per error."""
    counts = dict.fromkeys(names, 0)
    if isinstance(attributions, Mapping):
        for raw_name, raw_count in attributions.items():
            name = _name(raw_name, "a component name")
            if name not in counts:
                raise InputError(f"'{name}' is not a component of the pipeline")
            counts[name] += _count(raw_count, f"the blame count of component '{name}'")
    elif isinstance(attributions, str):
        raise InputError("list the blamed component of each reviewed error one by one")
    else:
        for index, raw_name in enumerate(attributions, start=1):
            name = _name(raw_name, f"the component blamed for error {index}")
            if name not in counts:
                raise InputError(f"error {index} blames '{name}', which is not a component")
            counts[name] += 1
    return counts


def _component_blames(
    names: list[str], counts: Mapping[str, int], total: int
) -> list[ComponentBlame]:
    """Each component's count and share of the blame, with the share's Wilson interval."""
    blames = []
    for name in names:
        if total:
            share = counts[name] / total
            interval = wilson_interval(share, total)
            # min/max: statsmodels leaves float noise at the ends (3e-18 for 0 of n).
            low, high = min(interval.low, share), max(interval.high, share)
            blames.append(ComponentBlame(name, counts[name], share, low, high))
        else:
            blames.append(ComponentBlame(name, 0, None, None, None))
    return blames


@dataclass(frozen=True)
class ComponentLevel:
    """A pipeline component's error and the human-level error for the same step."""

    name: str
    error: float
    human_error: float


@dataclass(frozen=True)
class ComponentGap:
    """A component's distance from human level."""

    name: str
    error: float
    human_error: float
    gap: float
    near_human: bool

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "error": self.error,
            "human_error": self.human_error,
            "gap": self.gap,
            "near_human": self.near_human,
        }


@dataclass(frozen=True)
class PipelineCheck:
    """Each component and the whole system against human level (docs/rules.md §7)."""

    components: tuple[ComponentGap, ...]
    system_error: float
    system_human_error: float
    system_gap: float
    system_near_human: bool
    margin: float
    flawed_pipeline: bool
    focus: str | None
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "components": [component.as_dict() for component in self.components],
            "system_error": self.system_error,
            "system_human_error": self.system_human_error,
            "system_gap": self.system_gap,
            "system_near_human": self.system_near_human,
            "margin": self.margin,
            "flawed_pipeline": self.flawed_pipeline,
            "focus": self.focus,
            "reasons": list(self.reasons),
        }

    @property
    def headline(self) -> str:
        """One sentence: flawed design, the component to work on, or a sound pipeline."""
        if self.flawed_pipeline:
            return (
                "Flawed pipeline design: every component is near human level but the whole "
                f"system is {format_points(self.system_gap)} above it."
            )
        if self.focus is not None:
            lead = next(c for c in self.components if c.name == self.focus)
            return (
                f"Work on {self.focus}: {format_points(lead.gap)} above its human level."
            )
        return "The pipeline is sound: every component and the system are near human level."


PIPELINE_MARGIN = 0.005
"""A component is near human level when its error is at most 0.5 points above it.

The same default as the orthogonalization tolerance (docs/rules.md §2).
"""


def pipeline_check(
    components: Sequence[ComponentLevel],
    system_error: float | str,
    system_human_error: float | str,
    margin: float | str = PIPELINE_MARGIN,
) -> PipelineCheck:
    """Flag a flawed pipeline design (docs/rules.md §7).

    A component (or the system) is near human level when error − human error ≤ ``margin``
    (default 0.5 points). ``flawed_pipeline`` when every component is near human level
    but the whole system is not: the decomposition itself loses what the task needs.
    Otherwise ``focus`` is the component furthest above its human level.
    """
    margin = parse_rate(margin, what="margin")
    if not components:
        raise InputError("a pipeline needs at least one component")
    _pipeline([component.name for component in components])
    gaps = _component_gaps(components, margin)
    error = parse_rate(system_error, what="the system's error")
    human = parse_rate(system_human_error, what="the system's human-level error")
    system_gap = error - human
    system_near = system_gap <= margin + _EPS

    behind = [gap for gap in gaps if not gap.near_human]
    flawed = not behind and not system_near
    focus = None
    if flawed:
        reasons = _flawed_design_reasons(margin, system_gap, error, human)
    elif behind:
        focus, reasons = _furthest_behind(behind, margin)
    else:
        reasons = [
            f"Every component and the whole system are within {format_points(margin)} of "
            "human level: the pipeline is sound; further gains are hard to get."
        ]
    return PipelineCheck(
        components=tuple(gaps),
        system_error=error,
        system_human_error=human,
        system_gap=system_gap,
        system_near_human=system_near,
        margin=margin,
        flawed_pipeline=flawed,
        focus=focus,
        reasons=tuple(reasons),
    )


def _component_gaps(components: Sequence[ComponentLevel], margin: float) -> list[ComponentGap]:
    """Each component's error, human-level error and gap, checked and in pipeline order."""
    gaps = []
    for component in components:
        name = component.name.strip()
        error = parse_rate(component.error, what=f"the error of component '{name}'")
        human = parse_rate(
            component.human_error, what=f"the human-level error of component '{name}'"
        )
        gap = error - human
        gaps.append(ComponentGap(name, error, human, gap, gap <= margin + _EPS))
    return gaps


def _flawed_design_reasons(
    margin: float, system_gap: float, error: float, human: float
) -> list[str]:
    """Why every component near human level but the system far from it is a design flaw."""
    return [
        f"Every component is within {format_points(margin)} of its human level, yet the "
        f"whole system is {format_points(system_gap)} above human level "
        f"({format_pct(error)} vs {format_pct(human)}).",
        "The pipeline design is flawed: the steps lose something the task needs. Rethink "
        "the decomposition (which steps, and what each one passes on), or learn more of "
        "it end to end.",
    ]


def _furthest_behind(behind: list[ComponentGap], margin: float) -> tuple[str, list[str]]:
    """The component furthest above its human level (the earlier one on a tie), and why."""
    worst = max(gap.gap for gap in behind)
    focus = next(gap.name for gap in behind if gap.gap >= worst - _EPS)
    lead = next(gap for gap in behind if gap.name == focus)
    reasons = [
        f"Work on {focus} first: it is {format_points(lead.gap)} above its human level "
        f"({format_pct(lead.error)} vs {format_pct(lead.human_error)})."
    ]
    if len(behind) > 1:
        reasons.append(
            "Also more than "
            f"{format_points(margin)} above human level: "
            + ", ".join(gap.name for gap in behind if gap.name != focus)
            + "."
        )
    return focus, reasons
