"""Multi-task learning (docs/rules.md §8): the verdict from the data per task and the team's
answers, the docs/rules.md's reference cases as presets, and the note for when transfer learning
fits as well."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from strategy_core.errors import InputError
from strategy_core.guides.common import _VERDICT_PHRASES, GuideVerdict, _answer, _count, _name
from strategy_core.guides.transfer import TRANSFER_MORE_COMMON, TransferVerdict

MISSING_LABELS_SKIPPED = (
    "Missing labels are skipped in the loss: an example adds a term only for the tasks it "
    "is labeled for, so partly labeled examples still help."
)


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
    """The multi-task verdict with the data per task behind it (docs/rules.md §8)."""

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


_SHARED_SENTENCES = {
    "yes": "The tasks share low-level features, so one network can learn them once.",
    "no": "The tasks share no low-level features: a shared network gains nothing.",
    "unsure": "It is unsure whether the tasks share low-level features.",
}
_BIG_SENTENCES = {
    "yes": "A network big enough to do well on every task can be trained.",
    "no": (
        "A network big enough for all tasks cannot be trained: a small shared network "
        "does worse than separate ones."
    ),
    "unsure": "It is unsure whether a network big enough for all tasks can be trained.",
}


def multitask_verdict(
    tasks: Mapping[str, int], shared_low_level: str, big_network: str
) -> MultitaskVerdict:
    """Multi-task learning: recommended, not recommended or uncertain (docs/rules.md §8).

    ``recommended`` when the tasks share low-level features (``yes``), a network big
    enough for all of them can be trained (``yes``), and the data is similar: for each
    task, the other tasks together have at least as much data. ``not_recommended`` when
    either answer is ``no``; ``uncertain`` otherwise. Needs at least 2 tasks.
    """
    counts = _task_counts(tasks)
    total = sum(counts.values())
    if total == 0:
        raise InputError("no task has any labeled examples")
    shared = _answer(shared_low_level, "whether the tasks share low-level features")
    big = _answer(big_network, "whether a big enough network can be trained")

    dominant = [name for name, count in counts.items() if count > total - count]
    reasons = [_data_balance_reason(counts, dominant, total)]
    reasons.append(_SHARED_SENTENCES[shared])
    reasons.append(_BIG_SENTENCES[big])

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


def _task_counts(tasks: Mapping[str, int]) -> dict[str, int]:
    """Labeled examples per task, checked: named, listed once, at least 2 tasks."""
    counts: dict[str, int] = {}
    for raw_name, raw_count in tasks.items():
        name = _name(raw_name, "a task name")
        if name in counts:
            raise InputError(f"task '{name}' is listed twice")
        counts[name] = _count(raw_count, f"the number of examples of task '{name}'")
    if len(counts) < 2:
        raise InputError("multi-task learning needs at least 2 tasks")
    return counts


def _data_balance_reason(counts: Mapping[str, int], dominant: list[str], total: int) -> str:
    """Whether one task has more data than all the others together, or the data is similar."""
    if dominant:
        name = dominant[0]
        others = total - counts[name]
        return (
            f"{name} has {counts[name]:,} examples, more than all the other tasks together "
            f"({others:,}): the others add little to what it learns, and it dominates the "
            "shared layers."
        )
    return (
        "The data per task is similar: for each task, the other tasks together have at "
        "least as much data, so each task gains from the others."
    )


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
    """The note that transfer is used far more often, when both guides recommend (docs/rules.md
    §8)."""
    if transfer.verdict == "recommended" and multitask.verdict == "recommended":
        return TRANSFER_MORE_COMMON
    return None
