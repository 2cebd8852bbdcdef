"""Transfer learning from task A to task B (docs/rules.md §8): the data-ratio and retrain rules of
thumb, the verdict with its reasons, and the docs/rules.md's reference cases as presets."""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

from strategy_core.errors import InputError
from strategy_core.guides.common import _VERDICT_PHRASES, _answer, _count, _flag

TRANSFER_RATIO = 10
"""Task A needs at least this many times task B's data for transfer to pay off (docs/rules.md
§8)."""

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

RETRAIN_LABELS: dict[str, str] = {
    "last_layers": "retrain only the last layer(s)",
    "all_layers": "fine-tune all layers",
}


def _times(ratio: float | None) -> str:
    """3.6 -> '3.6×', 3600 -> '3,600×'."""
    if ratio is None:
        return "–"
    return f"{ratio:,.0f}×" if ratio >= 10 else f"{ratio:,.1f}×"


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
    """Transfer learning from A to B: recommended, not recommended or uncertain (docs/rules.md §8).

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
    reasons = _transfer_reasons(source, target, same_input, helpful, ratio, data_ratio)
    if not same_input or source <= target or helpful == "no":
        verdict = "not_recommended"
    elif source >= ratio * target and helpful == "yes":
        verdict = "recommended"
    else:
        verdict = "uncertain"

    retrain = None
    if verdict != "not_recommended":
        retrain, how = _retrain_advice(target, threshold)
        reasons.append(how)
    return TransferVerdict(
        verdict, tuple(reasons), retrain, data_ratio, source, target, same_input, helpful,
        float(ratio), threshold,
    )


def _transfer_reasons(
    source: int, target: int, same_input: bool, helpful: str, ratio: float, data_ratio: float
) -> list[str]:
    """What the input kinds, the data ratio and the low-level features say about transfer."""
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
    return reasons


def _retrain_advice(target: int, threshold: int) -> tuple[str, str]:
    """How much of the pre-trained network to retrain on B's examples, and why."""
    if target < threshold:
        return "last_layers", (
            f"B has {target:,} examples, fewer than {threshold:,}: retrain only the last "
            "layer(s) and keep the pre-trained layers frozen."
        )
    return "all_layers", (
        f"B has {target:,} examples (at least {threshold:,}): fine-tune all layers, "
        "starting from A's weights."
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
