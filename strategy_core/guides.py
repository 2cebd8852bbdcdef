"""Decision guides: end-to-end or pipeline, error analysis by parts, transfer, multi-task.

The rules of SPEC sections 4.7 and 4.8. Each guide is a pure function from the team's
answers to a frozen verdict with its reasons; the reference cases of the SPEC are kept as
presets so the pages can offer them and the tests can check them.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from strategy_core.counts import whole_count
from strategy_core.errors import InputError
from strategy_core.rates import format_pct, format_points, parse_rate
from strategy_core.stats import wilson_interval

# Rates that differ by no more than this are treated as equal (as in SPEC 4.1).
_EPS = 1e-9

ANSWERS = ("yes", "no", "unsure")
COMPLEXITIES = ("low", "medium", "high")

END_TO_END_THRESHOLDS: dict[str, int] = {"low": 10_000, "medium": 100_000, "high": 1_000_000}
"""Labeled (x, y) examples an end-to-end model needs, by the mapping's complexity (SPEC 4.7).

Rules of thumb, not laws: the UI states them as adjustable defaults.
"""

END_TO_END_THRESHOLD_NOTES: dict[str, str] = {
    "low": (
        "Low complexity (about 10,000 examples): x maps to y in one short step, e.g. a "
        "few measurements to a label, or a short clip to a yes/no keyword."
    ),
    "medium": (
        "Medium complexity (about 100,000 examples): x to y hides one or two intermediate "
        "steps a pipeline would make explicit, e.g. a photo to a count of objects in it."
    ),
    "high": (
        "High complexity (about 1,000,000 examples): x to y chains several hidden steps, "
        "e.g. audio to a transcript, a sentence to its translation, a photo to an identity."
    ),
}

TRANSFER_RATIO = 10
"""Task A needs at least this many times task B's data for transfer to pay off (SPEC 4.8)."""

TRANSFER_RETRAIN_THRESHOLD = 10_000
"""Below this many task-B examples retrain only the last layer(s); from it, all layers.

The same number as the low-complexity end-to-end rule of thumb: data enough to learn a
simple mapping from scratch is enough to adjust every layer of a pre-trained network
without overfitting it, while a few thousand examples are only enough for a new head.
"""

TRANSFER_RATIO_NOTE = (
    f"Task A needs at least {TRANSFER_RATIO}× task B's data (adjustable): with less, "
    "pre-training on A teaches B little that B's own data would not. With as much data as "
    "B or less, transfer does not help at all."
)

TRANSFER_RETRAIN_NOTE = (
    f"Below {TRANSFER_RETRAIN_THRESHOLD:,} task-B examples (adjustable) retrain only the "
    "last layer(s): a few thousand examples are enough to fit a new output layer but would "
    f"overfit the whole network. From {TRANSFER_RETRAIN_THRESHOLD:,} on, fine-tune every "
    "layer starting from A's weights: the same amount of data that learns a simple mapping "
    "from scratch (the low-complexity rule of thumb of the end-to-end guide) can adjust a "
    "pre-trained network without overfitting it."
)

TRANSFER_MORE_COMMON = (
    "Both transfer and multi-task learning fit, but transfer learning is used far more "
    "often in practice: start with transfer unless one network must serve every task."
)

MISSING_LABELS_SKIPPED = (
    "Missing labels are skipped in the loss: an example adds a term only for the tasks it "
    "is labeled for, so partly labeled examples still help."
)


@dataclass(frozen=True)
class GuideVerdict:
    """A decision guide's verdict and the reasons behind it."""

    verdict: str
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"verdict": self.verdict, "reasons": list(self.reasons)}


VERDICT_LABELS: dict[str, str] = {
    "end_to_end": "End-to-end",
    "pipeline": "Pipeline",
    "uncertain": "Uncertain",
    "recommended": "Recommended",
    "not_recommended": "Not recommended",
}
"""How each guide verdict reads on a page and in the decision log."""

_VERDICT_PHRASES: dict[str, str] = {
    "recommended": "{what} is recommended",
    "not_recommended": "{what} is not recommended",
    "uncertain": "{what} may or may not help",
}

RETRAIN_LABELS: dict[str, str] = {
    "last_layers": "retrain only the last layer(s)",
    "all_layers": "fine-tune all layers",
}


@dataclass(frozen=True)
class EndToEndVerdict(GuideVerdict):
    """The end-to-end verdict with the numbers behind it (SPEC 4.7)."""

    examples: int
    complexity: str
    needed: int
    thresholds: Mapping[str, int]
    subtask_data: bool
    hand_designed_useful: bool | None

    @property
    def headline(self) -> str:
        """One sentence: the verdict and the comparison behind it."""
        have = f"{self.examples:,} labeled (x, y) examples"
        need = f"the {self.needed:,} a {self.complexity}-complexity mapping needs"
        if self.verdict == "end_to_end":
            return f"Go end-to-end: {have} reach {need}."
        if self.verdict == "pipeline":
            return f"Build a pipeline: {have} fall short of {need}."
        return (
            f"Uncertain: {have} fall short of {need}, and there is nothing to build a "
            "pipeline from; more data is needed either way."
        )

    def inputs(self) -> dict[str, Any]:
        """The answers that produced this verdict (kept with a recorded decision)."""
        return {
            "examples": self.examples,
            "complexity": self.complexity,
            "subtask_data": self.subtask_data,
            "hand_designed_useful": self.hand_designed_useful,
            "thresholds": dict(self.thresholds),
        }


def _times(ratio: float | None) -> str:
    """3.6 -> '3.6×', 3600 -> '3,600×'."""
    if ratio is None:
        return "–"
    return f"{ratio:,.0f}×" if ratio >= 10 else f"{ratio:,.1f}×"


def _count(value: object, what: str) -> int:
    """A whole, non-negative count; ``what`` names it in the error message."""
    return whole_count(value, what)


def _flag(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise InputError(f"{what} must be true or false, got {value!r}")
    return value


def _answer(value: object, what: str) -> str:
    answer = str(value).strip().casefold()
    if answer not in ANSWERS:
        raise InputError(f"{what} must be one of yes, no, unsure; got {value!r}")
    return answer


def _name(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{what} must be non-empty text, got {value!r}")
    return value.strip()


# --- End-to-end or pipeline (SPEC 4.7) -------------------------------------------------


def end_to_end_verdict(
    examples: int,
    complexity: str,
    subtask_data: bool,
    hand_designed_useful: bool | None = None,
    thresholds: Mapping[str, int] = END_TO_END_THRESHOLDS,
) -> EndToEndVerdict:
    """End-to-end, pipeline or uncertain (SPEC 4.7).

    ``end_to_end`` when the labeled (x, y) examples reach ``thresholds[complexity]``;
    below that ``pipeline`` when plenty of sub-task data or useful hand-designed
    components exist; else ``uncertain`` (more data is needed either way).
    ``hand_designed_useful`` None means the team does not know yet.
    """
    examples = _count(examples, "the number of labeled (x, y) examples")
    level = str(complexity).strip().casefold()
    if level not in COMPLEXITIES:
        raise InputError(f"complexity must be one of low, medium, high; got {complexity!r}")
    if level not in thresholds:
        raise InputError(f"no example threshold is set for {level} complexity")
    needed = _count(thresholds[level], f"the example threshold for {level} complexity")
    if needed == 0:
        raise InputError(f"the example threshold for {level} complexity must be at least 1")
    subtask_data = _flag(subtask_data, "whether sub-task data exists")
    if hand_designed_useful is not None:
        hand_designed_useful = _flag(
            hand_designed_useful, "whether useful hand-designed components exist"
        )

    clean = {
        name: _count(value, f"the example threshold for {name} complexity")
        for name, value in thresholds.items()
        if name in COMPLEXITIES
    }
    verdict, reasons = _end_to_end_reasons(examples, level, needed, subtask_data,
                                           hand_designed_useful)
    return EndToEndVerdict(
        verdict, tuple(reasons), examples, level, needed, clean, subtask_data,
        hand_designed_useful,
    )


def _end_to_end_reasons(
    examples: int, level: str, needed: int, subtask_data: bool, hand_designed_useful: bool | None
) -> tuple[str, list[str]]:
    reasons = [
        "Key question: is there enough (x, y) data to learn a function as complex as x → y?",
        f"You have {examples:,} labeled (x, y) examples; a {level}-complexity mapping needs "
        f"about {needed:,} by the rule of thumb (adjustable).",
    ]
    if examples >= needed:
        reasons.append(
            "That is enough to learn x → y directly: let the data speak, with less "
            "hand-designed work to build and maintain."
        )
        if subtask_data or hand_designed_useful:
            reasons.append(
                "Sub-task data or hand-designed components can still help (as extra inputs "
                "or for pre-training), but the system no longer depends on them."
            )
        return "end_to_end", reasons

    reasons.append(
        "That is not enough to learn x → y directly, so an end-to-end model would likely "
        "underperform."
    )
    if subtask_data or hand_designed_useful:
        if subtask_data:
            reasons.append(
                "Plenty of data exists for simpler sub-tasks: split x → y into steps, each "
                "simpler and learned from its own, larger data set."
            )
        if hand_designed_useful:
            reasons.append(
                "Useful hand-designed components exist: they bring in knowledge that the "
                "little (x, y) data cannot supply."
            )
        reasons.append(
            f"Revisit the choice once you have about {needed:,} labeled (x, y) examples."
        )
        return "pipeline", reasons

    reasons.append(
        "There is no sub-task data or useful hand-designed component to build a pipeline "
        "from either: more data is needed either way."
    )
    if hand_designed_useful is None:
        reasons.append(
            "Check whether a useful hand-designed component exists: if one does, a pipeline "
            "becomes the better choice."
        )
    return "uncertain", reasons


END_TO_END_PRESETS: dict[str, dict[str, Any]] = {
    "machine_translation": {
        "label": "Machine translation",
        "description": (
            "English to French with millions of sentence pairs: enough (x, y) data for "
            "even a highly complex mapping."
        ),
        "inputs": {
            "examples": 5_000_000,
            "complexity": "high",
            "subtask_data": False,
            "hand_designed_useful": False,
        },
    },
    "face_recognition_turnstile": {
        "label": "Face recognition at a turnstile",
        "description": (
            "Few camera photos labeled with the person's identity, but lots of data for "
            "'where is the face?' and for 'are these two faces the same person?'."
        ),
        "inputs": {
            "examples": 10_000,
            "complexity": "high",
            "subtask_data": True,
            "hand_designed_useful": None,
        },
    },
    "child_age_hand_xray": {
        "label": "A child's age from a hand X-ray",
        "description": (
            "Little X-ray-to-age data; bones can be segmented from images with their own "
            "data, and tables map bone lengths to age."
        ),
        "inputs": {
            "examples": 2_000,
            "complexity": "high",
            "subtask_data": True,
            "hand_designed_useful": True,
        },
    },
    "speech_recognition": {
        "label": "Speech recognition with plenty of data",
        "description": (
            "Audio to transcript with millions of transcribed clips: the phoneme pipeline "
            "is no longer needed."
        ),
        "inputs": {
            "examples": 3_000_000,
            "complexity": "high",
            "subtask_data": True,
            "hand_designed_useful": True,
        },
    },
}


# --- Error analysis by parts (SPEC 4.7) ------------------------------------------------


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
    """Tally which component first fixes each reviewed error (SPEC 4.7).

    For each reviewed error the team records the first component that, given perfect
    output, fixes the system's answer. ``attributions`` is one component name per error,
    or a count per component. Work on the component blamed most (ties: the earlier one
    in the pipeline, which feeds the others).
    """
    names = _pipeline(components)
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

    total = sum(counts.values())
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
    """Each component and the whole system against human level (SPEC 4.7)."""

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

The same default as the orthogonalization tolerance (SPEC 4.2).
"""


def pipeline_check(
    components: Sequence[ComponentLevel],
    system_error: float | str,
    system_human_error: float | str,
    margin: float | str = PIPELINE_MARGIN,
) -> PipelineCheck:
    """Flag a flawed pipeline design (SPEC 4.7).

    A component (or the system) is near human level when error − human error ≤ ``margin``
    (default 0.5 points). ``flawed_pipeline`` when every component is near human level
    but the whole system is not: the decomposition itself loses what the task needs.
    Otherwise ``focus`` is the component furthest above its human level.
    """
    margin = parse_rate(margin, what="margin")
    if not components:
        raise InputError("a pipeline needs at least one component")
    _pipeline([component.name for component in components])
    gaps = []
    for component in components:
        name = component.name.strip()
        error = parse_rate(component.error, what=f"the error of component '{name}'")
        human = parse_rate(
            component.human_error, what=f"the human-level error of component '{name}'"
        )
        gap = error - human
        gaps.append(ComponentGap(name, error, human, gap, gap <= margin + _EPS))
    error = parse_rate(system_error, what="the system's error")
    human = parse_rate(system_human_error, what="the system's human-level error")
    system_gap = error - human
    system_near = system_gap <= margin + _EPS

    behind = [gap for gap in gaps if not gap.near_human]
    flawed = not behind and not system_near
    focus = None
    reasons = []
    if flawed:
        reasons.append(
            f"Every component is within {format_points(margin)} of its human level, yet the "
            f"whole system is {format_points(system_gap)} above human level "
            f"({format_pct(error)} vs {format_pct(human)})."
        )
        reasons.append(
            "The pipeline design is flawed: the steps lose something the task needs. Rethink "
            "the decomposition (which steps, and what each one passes on), or learn more of "
            "it end to end."
        )
    elif behind:
        worst = max(gap.gap for gap in behind)
        focus = next(gap.name for gap in behind if gap.gap >= worst - _EPS)
        lead = next(gap for gap in behind if gap.name == focus)
        reasons.append(
            f"Work on {focus} first: it is {format_points(lead.gap)} above its human level "
            f"({format_pct(lead.error)} vs {format_pct(lead.human_error)})."
        )
        if len(behind) > 1:
            reasons.append(
                "Also more than "
                f"{format_points(margin)} above human level: "
                + ", ".join(gap.name for gap in behind if gap.name != focus)
                + "."
            )
    else:
        reasons.append(
            f"Every component and the whole system are within {format_points(margin)} of "
            "human level: the pipeline is sound; further gains are hard to get."
        )
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


PIPELINE_SETTING = "guides.pipeline"
"""The project setting that holds the pipeline analysis (store.projects.setting)."""

MAX_COMPONENTS = 12
MAX_COMPONENT_NAME = 60


def pipeline_components(text: str) -> tuple[str, ...]:
    """The pipeline's components from text, one per line, in pipeline order (SPEC 4.7).

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
        """The blame tally (SPEC 4.7) from the counts or the per-example attributions."""
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
    """Check and build a pipeline analysis (SPEC 4.7); raises InputError naming the problem.

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


# --- Transfer and multi-task learning (SPEC 4.8) ---------------------------------------


@dataclass(frozen=True)
class TransferVerdict:
    """Whether to transfer from task A (source) to task B (target), and how to retrain."""

    verdict: str  # "recommended" | "not_recommended" | "uncertain"
    reasons: tuple[str, ...]
    retrain: str | None  # "last_layers" | "all_layers" | None when not recommended
    data_ratio: float | None  # source / target examples
    source_examples: int = 0
    target_examples: int = 0
    same_input: bool = True
    low_level_helpful: str = "unsure"
    ratio: float = TRANSFER_RATIO
    retrain_threshold: int = TRANSFER_RETRAIN_THRESHOLD

    def as_dict(self) -> dict:
        return {"verdict": self.verdict, "reasons": list(self.reasons), "retrain": self.retrain}

    @property
    def headline(self) -> str:
        """One sentence: the verdict, the data ratio and how much to retrain."""
        text = (
            f"{_VERDICT_PHRASES[self.verdict].format(what='Transfer learning')}: task A has "
            f"{self.source_examples:,} examples, {_times(self.data_ratio)} task B's "
            f"{self.target_examples:,}"
        )
        if self.retrain is not None:
            text += f"; {RETRAIN_LABELS[self.retrain]}"
        return text + "."

    def inputs(self) -> dict[str, Any]:
        """The answers that produced this verdict (kept with a recorded decision)."""
        return {
            "source_examples": self.source_examples,
            "target_examples": self.target_examples,
            "same_input": self.same_input,
            "low_level_helpful": self.low_level_helpful,
            "ratio": self.ratio,
            "retrain_threshold": self.retrain_threshold,
        }


def transfer_verdict(
    source_examples: int,
    target_examples: int,
    same_input: bool,
    low_level_helpful: str = "unsure",
    ratio: float = TRANSFER_RATIO,
    retrain_threshold: int = TRANSFER_RETRAIN_THRESHOLD,
) -> TransferVerdict:
    """Transfer learning from A to B: recommended, not recommended or uncertain (SPEC 4.8).

    ``recommended`` when A and B take the same input kind, A has at least ``ratio`` (10)
    times B's data and A's low-level features help B (``yes``). ``not_recommended`` when
    the inputs differ, A has no more data than B, or the team knows A's features do not
    help (``no``: the pre-trained features would be what B must unlearn). ``uncertain``
    otherwise. ``retrain``: ``last_layers`` below ``retrain_threshold`` B examples, else
    ``all_layers``; None when not recommended.
    """
    source = _count(source_examples, "the number of task A (source) examples")
    target = _count(target_examples, "the number of task B (target) examples")
    if target == 0:
        raise InputError("task B (target) needs at least one labeled example to fine-tune on")
    same_input = _flag(same_input, "whether A and B take the same input")
    helpful = _answer(low_level_helpful, "whether A's low-level features help B")
    if isinstance(ratio, bool) or not isinstance(ratio, numbers.Real) or not ratio > 1:
        raise InputError(f"the data ratio must be a number above 1, got {ratio!r}")
    threshold = _count(retrain_threshold, "the retrain threshold")

    data_ratio = source / target
    reasons = []
    if same_input:
        reasons.append("A and B take the same kind of input, so A's features can carry over.")
    else:
        reasons.append(
            "A and B take different kinds of input: what the network learned on A does not "
            "apply to B's input."
        )
    if source <= target:
        reasons.append(
            f"A has {source:,} examples and B {target:,}: A has no more data than B, so "
            "pre-training on A teaches less than B's own data does."
        )
    elif source >= ratio * target:
        reasons.append(
            f"A has {source:,} examples, {data_ratio:,.0f}× B's {target:,} (at least "
            f"{ratio:g}×): plenty to learn general low-level features B can reuse."
        )
    else:
        reasons.append(
            f"A has {source:,} examples, {data_ratio:,.1f}× B's {target:,}: more, but less "
            f"than {ratio:g}×, so the gain from pre-training is likely small."
        )
    if helpful == "yes":
        reasons.append("A's low-level features (edges, shapes, sounds) likely help B.")
    elif helpful == "no":
        reasons.append(
            "A's low-level features do not help B: B would have to unlearn them, which "
            "can leave it worse than training from scratch."
        )
    else:
        reasons.append(
            "It is unsure whether A's low-level features help B: try it and compare with "
            "training on B alone on B's dev set."
        )

    if not same_input or source <= target or helpful == "no":
        verdict = "not_recommended"
    elif source >= ratio * target and helpful == "yes":
        verdict = "recommended"
    else:
        verdict = "uncertain"

    retrain = None
    if verdict != "not_recommended":
        if target < threshold:
            retrain = "last_layers"
            reasons.append(
                f"B has {target:,} examples, fewer than {threshold:,}: retrain only the last "
                "layer(s) and keep the pre-trained layers frozen."
            )
        else:
            retrain = "all_layers"
            reasons.append(
                f"B has {target:,} examples (at least {threshold:,}): fine-tune all layers, "
                "starting from A's weights."
            )
    return TransferVerdict(
        verdict, tuple(reasons), retrain, data_ratio, source, target, same_input, helpful,
        float(ratio), threshold,
    )


TRANSFER_PRESETS: dict[str, dict[str, Any]] = {
    "image_to_radiology": {
        "label": "Image recognition → radiology",
        "description": (
            "Pre-train on a million labeled photos, fine-tune on a hundred labeled X-rays: "
            "edges, curves and textures carry over."
        ),
        "inputs": {
            "source_examples": 1_000_000,
            "target_examples": 100,
            "same_input": True,
            "low_level_helpful": "yes",
        },
    },
    "speech_to_wake_word": {
        "label": "Speech recognition → wake word",
        "description": (
            "Pre-train on 10,000 hours of transcribed speech (about 3.6 million 10-second "
            "clips), fine-tune on an hour of wake-word recordings (about 1,000 clips)."
        ),
        "inputs": {
            "source_examples": 3_600_000,
            "target_examples": 1_000,
            "same_input": True,
            "low_level_helpful": "yes",
        },
    },
}


@dataclass(frozen=True)
class TaskData:
    """One task's labeled examples next to what all the other tasks have together."""

    name: str
    examples: int
    others: int
    share: float
    dominant: bool

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "examples": self.examples,
            "others": self.others,
            "share": self.share,
            "dominant": self.dominant,
        }


@dataclass(frozen=True)
class MultitaskVerdict(GuideVerdict):
    """The multi-task verdict with the data per task behind it (SPEC 4.8)."""

    tasks: tuple[TaskData, ...]
    shared_low_level: str
    big_network: str

    @property
    def headline(self) -> str:
        """One sentence: the verdict and the data balance behind it."""
        total = sum(task.examples for task in self.tasks)
        dominant = [task for task in self.tasks if task.dominant]
        balance = (
            f"{dominant[0].name} has more data than all other tasks together"
            if dominant
            else "the data per task is similar"
        )
        return (
            f"{_VERDICT_PHRASES[self.verdict].format(what='Multi-task learning')}: "
            f"{len(self.tasks)} tasks with {total:,} labeled examples in all; {balance}."
        )

    def inputs(self) -> dict[str, Any]:
        """The answers that produced this verdict (kept with a recorded decision)."""
        return {
            "tasks": {task.name: task.examples for task in self.tasks},
            "shared_low_level": self.shared_low_level,
            "big_network": self.big_network,
        }


def multitask_verdict(
    tasks: Mapping[str, int], shared_low_level: str, big_network: str
) -> MultitaskVerdict:
    """Multi-task learning: recommended, not recommended or uncertain (SPEC 4.8).

    ``recommended`` when the tasks share low-level features (``yes``), a network big
    enough for all of them can be trained (``yes``), and the data is similar: for each
    task, the other tasks together have at least as much data. ``not_recommended`` when
    either answer is ``no``; ``uncertain`` otherwise. Needs at least 2 tasks.
    """
    counts: dict[str, int] = {}
    for raw_name, raw_count in tasks.items():
        name = _name(raw_name, "a task name")
        if name in counts:
            raise InputError(f"task '{name}' is listed twice")
        counts[name] = _count(raw_count, f"the number of examples of task '{name}'")
    if len(counts) < 2:
        raise InputError("multi-task learning needs at least 2 tasks")
    total = sum(counts.values())
    if total == 0:
        raise InputError("no task has any labeled examples")
    shared = _answer(shared_low_level, "whether the tasks share low-level features")
    big = _answer(big_network, "whether a big enough network can be trained")

    dominant = [name for name, count in counts.items() if count > total - count]
    reasons = []
    if dominant:
        name = dominant[0]
        others = total - counts[name]
        reasons.append(
            f"{name} has {counts[name]:,} examples, more than all the other tasks together "
            f"({others:,}): the others add little to what it learns, and it dominates the "
            "shared layers."
        )
    else:
        reasons.append(
            "The data per task is similar: for each task, the other tasks together have at "
            "least as much data, so each task gains from the others."
        )
    shared_sentences = {
        "yes": "The tasks share low-level features, so one network can learn them once.",
        "no": "The tasks share no low-level features: a shared network gains nothing.",
        "unsure": "It is unsure whether the tasks share low-level features.",
    }
    big_sentences = {
        "yes": "A network big enough to do well on every task can be trained.",
        "no": (
            "A network big enough for all tasks cannot be trained: a small shared network "
            "does worse than separate ones."
        ),
        "unsure": "It is unsure whether a network big enough for all tasks can be trained.",
    }
    reasons.append(shared_sentences[shared])
    reasons.append(big_sentences[big])

    if shared == "no" or big == "no":
        verdict = "not_recommended"
        reasons.append("Train a separate network per task.")
    elif shared == "yes" and big == "yes" and not dominant:
        verdict = "recommended"
        reasons.append(
            "Train one network with an output per task; "
            + MISSING_LABELS_SKIPPED[0].lower()
            + MISSING_LABELS_SKIPPED[1:]
        )
    else:
        verdict = "uncertain"
        reasons.append(
            "Compare one multi-task network with separate networks on each task's dev set."
        )
    data = tuple(
        TaskData(name, count, total - count, count / total, name in dominant)
        for name, count in counts.items()
    )
    return MultitaskVerdict(verdict, tuple(reasons), data, shared, big)


MULTITASK_PRESETS: dict[str, dict[str, Any]] = {
    "driving_scene_detectors": {
        "label": "Driving-scene detectors",
        "description": (
            "One camera image, four things to detect (pedestrians, cars, stop signs, "
            "traffic lights), with similar amounts of labeled data each."
        ),
        "inputs": {
            "tasks": {
                "pedestrians": 25_000,
                "cars": 30_000,
                "stop signs": 20_000,
                "traffic lights": 22_000,
            },
            "shared_low_level": "yes",
            "big_network": "yes",
        },
    },
    "one_dominant_task": {
        "label": "One task with far more data",
        "description": (
            "One task has 1,000 times the data of each of the others: the others add little to it."
        ),
        "inputs": {
            "tasks": {"main task": 1_000_000, "task B": 1_000, "task C": 1_000, "task D": 1_000},
            "shared_low_level": "yes",
            "big_network": "yes",
        },
    },
}


def both_fit_note(transfer: TransferVerdict, multitask: MultitaskVerdict) -> str | None:
    """The note that transfer is used far more often, when both guides recommend (SPEC 4.8)."""
    if transfer.verdict == "recommended" and multitask.verdict == "recommended":
        return TRANSFER_MORE_COMMON
    return None


@dataclass(frozen=True)
class TaskCoverage:
    """How many examples carry a label for one task."""

    name: str
    labeled: int
    missing: int
    coverage: float

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "labeled": self.labeled,
            "missing": self.missing,
            "coverage": self.coverage,
        }


@dataclass(frozen=True)
class LabelCoverage:
    """Label coverage per task of a multi-task data set (SPEC 4.8)."""

    tasks: tuple[TaskCoverage, ...]
    examples: int
    unlabeled_examples: int
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "tasks": [task.as_dict() for task in self.tasks],
            "examples": self.examples,
            "unlabeled_examples": self.unlabeled_examples,
            "reasons": list(self.reasons),
        }


def label_coverage(
    matrix: pd.DataFrame | Iterable[Mapping[str, object]],
    tasks: Sequence[str] | None = None,
) -> LabelCoverage:
    """Labeled and missing count per task (SPEC 4.8).

    ``matrix`` holds one row per example and one column (or key) per task; None, NaN and
    empty text mean the label is missing, as does a key absent from a row. ``tasks``
    picks the task columns (default: all). Missing labels are skipped in the loss.
    """
    if isinstance(matrix, pd.DataFrame):
        frame = matrix
    else:
        rows = list(matrix)
        for index, row in enumerate(rows, start=1):
            if not isinstance(row, Mapping):
                raise InputError(f"example {index} must map task names to labels")
        frame = pd.DataFrame.from_records(rows) if rows else pd.DataFrame()
    if len(frame) == 0:
        raise InputError("there are no examples to count labels in")
    columns = list(frame.columns) if tasks is None else list(tasks)
    if not columns:
        raise InputError("there are no task columns to count labels in")
    for column in columns:
        if column not in frame.columns:
            raise InputError(f"task '{column}' is not a column of the label matrix")
    if len(set(columns)) != len(columns):
        raise InputError("a task is listed twice")

    present = frame[columns].notna()
    for column in columns:
        values = frame[column]
        if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)):
            blank = values.astype("string").str.strip().eq("").fillna(False).astype(bool)
            present[column] = present[column] & ~blank

    examples = len(frame)
    labeled_counts = present.sum()
    coverage = []
    for column in columns:
        labeled = int(labeled_counts[column])
        coverage.append(TaskCoverage(str(column), labeled, examples - labeled, labeled / examples))
    unlabeled = int((~present.any(axis=1)).sum())

    reasons = [MISSING_LABELS_SKIPPED]
    empty = [task.name for task in coverage if task.labeled == 0]
    if empty:
        reasons.append(
            "No labels at all for " + ", ".join(empty) + ": the network cannot learn that task."
        )
    if unlabeled:
        reasons.append(
            f"{unlabeled:,} of {examples:,} examples have no label for any task and add "
            "nothing to the loss."
        )
    return LabelCoverage(tuple(coverage), examples, unlabeled, tuple(reasons))


MISSING_LABEL_MARKS = frozenset({"", "?", "-", "na", "n/a", "nan", "null", "none"})
"""Cells of a label matrix that mean "no label for this task" (case-insensitive)."""

_ID_TOKENS = frozenset(
    {"id", "uid", "uuid", "guid", "idx", "index", "row", "example", "sample", "image",
     "img", "photo", "picture", "file", "filename", "path", "url", "uri", "name", "split",
     "source", "key"}
)


def read_label_matrix(payload: bytes) -> pd.DataFrame:
    """A label matrix CSV (one row per example, one column per task) as text cells.

    The cells listed in MISSING_LABEL_MARKS become missing (None). Rejects, naming the row,
    what ``run_csv.read_table`` rejects: empty, binary, non-UTF-8, broken or ragged files.
    """
    from strategy_core.run_csv import read_table  # the one CSV reader of the product

    try:
        table = read_table(payload)
    except InputError as exc:
        if exc.problem == "the file has a header but no runs":
            raise InputError("the label matrix has a header but no examples") from None
        raise
    frame = pd.DataFrame(list(table.rows), columns=list(table.headers), dtype=object)
    for column in frame.columns:
        cells = frame[column].astype("string").str.strip().str.casefold()
        frame[column] = frame[column].where(~cells.isin(MISSING_LABEL_MARKS), None)
    return frame


def default_task_columns(frame: pd.DataFrame) -> list[str]:
    """The columns of a label matrix that look like tasks: not ids, file names or paths."""
    tasks = []
    for column in frame.columns:
        words = {w for w in re.split(r"[^a-z0-9]+", str(column).casefold()) if w}
        if words & _ID_TOKENS:
            continue
        values = frame[column]
        if len(frame) >= 10 and values.notna().all() and values.nunique() == len(frame):
            continue  # every example has its own value: an identifier, not a label
        tasks.append(str(column))
    return tasks
