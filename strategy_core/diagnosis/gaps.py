"""The gaps of docs/rules.md §1 and what they are measured on: each gap's name, label and formula,
what to try for it, the flags a run's error levels can raise, and the error levels of one
run with its split sizes."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from strategy_core.errors import InputError
from strategy_core.values.project_metric import ERROR_RATE, ProjectMetric

# Two gaps closer than this are equal (docs/rules.md §1: "ties (equal to 1e-9) go to the earlier
# row"); a gap must exceed it to count as positive, so float noise never becomes a focus.
TIE_TOLERANCE = 1e-9

# A second gap of at least this share of the focus gap is "close behind" it (docs/rules.md §1:
# avoidable bias 10% with data mismatch 9% close behind).
CLOSE_BEHIND_SHARE = 0.8


class Gap(NamedTuple):
    """One row of the docs/rules.md §1 table: the gap's name, how pages show it, its formula."""

    name: str
    label: str
    formula: str


# In chain order: ties go to the earlier row because fixing an earlier link moves the later
# gaps anyway.
GAPS: tuple[Gap, ...] = (
    Gap("avoidable_bias", "Avoidable bias", "training − human level"),
    Gap("variance", "Variance", "training-dev − training"),
    Gap("data_mismatch", "Data mismatch", "dev − training-dev"),
    Gap("dev_overfitting", "Dev overfitting", "test − dev"),
)
GAP_NAMES: tuple[str, ...] = tuple(gap.name for gap in GAPS)
GAP_LABELS: dict[str, str] = {gap.name: gap.label for gap in GAPS}
FOCUS_NONE = "none"

# Knobs shared by bias and variance use the same words, so the checklist can tell that
# they move both links (docs/rules.md §2).
ARCHITECTURE = "Try a different, better-suited architecture (network family or shape)."
HYPERPARAMETER_SEARCH = "Run a hyperparameter search."

GAP_ACTIONS: dict[str, tuple[str, ...]] = {
    "avoidable_bias": (
        "Train a bigger model (more layers or units).",
        "Train longer, or with a better optimizer (Adam, momentum, RMSprop).",
        ARCHITECTURE,
        HYPERPARAMETER_SEARCH,
        "Use less regularization.",
    ),
    "variance": (
        "Get more training data.",
        "Add regularization (L2, dropout, data augmentation).",
        ARCHITECTURE,
        HYPERPARAMETER_SEARCH,
    ),
    "data_mismatch": (
        "Do a manual error analysis to see how the training data differs from the dev set.",
        "Collect or synthesize training data that looks like the dev set (beware of "
        "synthesizing from a small part of the real variety: the model can overfit to it).",
    ),
    "dev_overfitting": (
        "Get a bigger dev set.",
        "Refresh the dev set with new examples: the model has been tuned to the current one.",
    ),
}

REAL_WORLD_ACTION = (
    "Check how the model does in the real world; if it falls short there, change the dev "
    "set or the metric."
)
RECORD_LEVELS_ACTION = (
    "Record the training error and the dev error (and human-level error) so the gaps can "
    "be computed."
)

FLAG_EXPLANATIONS: dict[str, str] = {
    "below_human": (
        "Training error is below human level, so human level is no longer a reliable "
        "estimate of the best possible (Bayes) error: how much of the error left is "
        "avoidable bias and how much is variance is unclear."
    ),
    "dev_easier": (
        "Dev error is below training-dev error: the dev set looks easier than the training "
        "data, so the data-mismatch gap is negative and tells nothing; check how the dev set "
        "was built."
    ),
    "test_better": (
        "Test error is below dev error: there is no sign of overfitting the dev set, and "
        "the difference is noise or an easier test set, not a gain to count on."
    ),
    "no_human_level": (
        "No human-level error is recorded, so avoidable bias cannot be measured and the "
        "focus is chosen among the other gaps only; record human-level error (the lowest "
        "of a typical person, an expert, a team of experts) to tell bias from variance."
    ),
}

# The formulas when higher is better (an accuracy, F1, mAP): the better split comes first
# so a positive gap is still room to improve (docs/rules.md §16).
HIGHER_FORMULAS: dict[str, str] = {
    "avoidable_bias": "human level − training",
    "variance": "training − training-dev",
    "data_mismatch": "training-dev − dev",
    "dev_overfitting": "dev − test",
}


def gap_formula(name: str, metric: ProjectMetric = ERROR_RATE) -> str:
    """The formula of a gap in the direction of the metric (docs/rules.md §1, §16)."""
    if metric.direction == "higher":
        return HIGHER_FORMULAS[name]
    return next(gap.formula for gap in GAPS if gap.name == name)


_METRIC_FLAGS: dict[str, str] = {
    "below_human": (
        "Training {name} is better than human level, so human level is no longer a reliable "
        "estimate of the best possible (Bayes) level: how much of what is left is avoidable "
        "bias and how much is variance is unclear."
    ),
    "dev_easier": (
        "Dev {name} is better than training-dev {name}: the dev set looks easier than the "
        "training data, so the data-mismatch gap is negative and tells nothing; check how "
        "the dev set was built."
    ),
    "test_better": (
        "Test {name} is better than dev {name}: there is no sign of overfitting the dev set, "
        "and the difference is noise or an easier test set, not a gain to count on."
    ),
    "no_human_level": (
        "No human level is recorded, so avoidable bias cannot be measured and the focus is "
        "chosen among the other gaps only; record human level in {name} (the best of a "
        "typical person, an expert, a team of experts) to tell bias from variance."
    ),
}


def flag_explanation(flag: str, metric: ProjectMetric = ERROR_RATE) -> str:
    """One plain-English sentence for a raised flag, in the metric's words."""
    if metric.is_error_rate:
        return FLAG_EXPLANATIONS[flag]
    return _METRIC_FLAGS[flag].format(name=metric.name)


_LEVEL_NAMES = {
    "human": "human-level error",
    "train": "training error",
    "train_dev": "training-dev error",
    "dev": "dev error",
    "test": "test error",
}


@dataclass(frozen=True)
class ErrorLevels:
    """Error rates of one run (fractions, None when not recorded) and its split sizes."""

    human: float | None = None
    train: float | None = None
    train_dev: float | None = None
    dev: float | None = None
    test: float | None = None
    n_train: int | None = None
    n_train_dev: int | None = None
    n_dev: int | None = None
    n_test: int | None = None
    metric: ProjectMetric = ERROR_RATE

    def __post_init__(self) -> None:
        for name, what in _LEVEL_NAMES.items():
            value = getattr(self, name)
            if value is None:
                continue
            if not self.metric.is_error_rate:
                object.__setattr__(self, name, self.metric.check(
                    value, what.replace("error", self.metric.name), column=name))
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InputError(f"{what} must be a number, not {value!r}", column=name)
            if not math.isfinite(value) or not 0 <= value <= 1:
                raise InputError(f"{what} must be between 0% and 100%", column=name)
            object.__setattr__(self, name, float(value))
        for name in ("n_train", "n_train_dev", "n_dev", "n_test"):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise InputError(
                    f"set size must be a positive whole number, not {value!r}", column=name
                )
