"""End-to-end or pipeline (docs/rules.md §7): the rule of thumb on how many labeled (x, y) examples
a mapping of each complexity needs, the verdict with its reasons, and the docs/rules.md's reference
cases as presets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from strategy_core.errors import InputError
from strategy_core.guides.common import GuideVerdict, _count, _flag

COMPLEXITIES = ("low", "medium", "high")

END_TO_END_THRESHOLDS: dict[str, int] = {"low": 10_000, "medium": 100_000, "high": 1_000_000}
"""Labeled (x, y) examples an end-to-end model needs, by the mapping's complexity (docs/rules.md
§7).

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


@dataclass(frozen=True)
class EndToEndVerdict(GuideVerdict):
    """The end-to-end verdict with the numbers behind it (docs/rules.md §7)."""

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


def end_to_end_verdict(
    examples: int,
    complexity: str,
    subtask_data: bool,
    hand_designed_useful: bool | None = None,
    thresholds: Mapping[str, int] = END_TO_END_THRESHOLDS,
) -> EndToEndVerdict:
    """End-to-end, pipeline or uncertain (docs/rules.md §7).

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
