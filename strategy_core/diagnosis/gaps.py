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

# A second gap above the tolerance and at least this share of the focus gap is the runner-up,
# named with the focus on every surface (docs/rules.md §1: avoidable bias 8.3 pts with data
# mismatch 5.2 pts; the course's answer names both).
RUNNER_UP_SHARE = 0.5


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
# No human level while avoidable bias could still be the largest gap: bias against the other
# gaps cannot be told apart (docs/rules.md §1, the course's "not enough information").
FOCUS_UNKNOWN = "not_enough_information"


class Action(NamedTuple):
    """Something to try for a gap and its caveat (what else it moves), MLY ch. 25 and 27."""

    what: str
    caveat: str = ""

    @property
    def text(self) -> str:
        """'What: caveat.' as pages, the report and the command line show it."""
        return f"{self.what}: {self.caveat}" if self.caveat else f"{self.what}."


# Knobs shared by bias and variance use the same words, so the checklist can tell that
# they move both links (docs/rules.md §2).
_ARCHITECTURE = Action("Modify the architecture (network family or shape) to suit the problem "
                       "better", "it can move avoidable bias and variance both.")
_HYPERPARAMETER_SEARCH = Action("Run a hyperparameter search", "it can move avoidable bias "
                                "and variance both.")
_INPUT_FEATURES = Action(
    "Modify the input features based on what error analysis shows (add features that help "
    "remove a category of errors)", "new features can cut bias and variance; if variance "
    "grows, add regularization.")
_EARLY_STOPPING = Action(
    "Add early stopping (stop gradient descent early, on dev error)",
    "it cuts variance but raises avoidable bias, much like regularization; it is not "
    "orthogonal, as it also changes how well the training set is fit.")
ARCHITECTURE = _ARCHITECTURE.text
HYPERPARAMETER_SEARCH = _HYPERPARAMETER_SEARCH.text
INPUT_FEATURES = _INPUT_FEATURES.text
EARLY_STOPPING = _EARLY_STOPPING.text

# What to try for each gap, each with its caveat: avoidable bias from MLY ch. 25 (and the
# course's "train longer, better optimizer"; MLY ch. 26 for the training-set error analysis),
# variance from MLY ch. 27 (and the course's hyperparameter search).
ACTIONS: dict[str, tuple[Action, ...]] = {
    "avoidable_bias": (
        Action("Increase the model size (more layers or units)", "it fits the training set "
               "better; if variance grows, add regularization, which usually removes the "
               "increase."),
        _INPUT_FEATURES,
        Action("Reduce or remove regularization (L2, L1, dropout)", "it cuts avoidable bias "
               "but raises variance."),
        _ARCHITECTURE,
        Action("Train longer, or with a better optimizer (Adam, momentum, RMSprop)"),
        _HYPERPARAMETER_SEARCH,
        Action("Do an error analysis of the training set", "look at about 100 training "
               "examples the model gets wrong and count their causes, as on the dev set."),
    ),
    "variance": (
        Action("Add training data", "the simplest and most reliable fix, when much more data "
               "and the compute to train on it are at hand."),
        Action("Add regularization (L2, L1, dropout, data augmentation)", "it cuts variance "
               "but raises avoidable bias."),
        _EARLY_STOPPING,
        Action("Select features to decrease their number or type", "it can cut variance but "
               "may raise bias: dropping a few of 1,000 features barely moves bias, keeping 100 "
               "may; most useful on a small training set, while with plenty of data the model "
               "is usually better given every feature."),
        Action("Decrease the model size (layers or units), with caution", "it can cut variance "
               "but may raise bias, and regularization usually does better; its gain is "
               "faster, cheaper training."),
        _INPUT_FEATURES,
        _ARCHITECTURE,
        _HYPERPARAMETER_SEARCH,
    ),
    "data_mismatch": (
        Action("Do a manual error analysis to see how the training data differs from the dev "
               "set"),
        Action("Collect or synthesize training data that looks like the dev set",
               "synthesizing from a small part of the real variety lets the model overfit to "
               "it."),
    ),
    "dev_overfitting": (
        Action("Get a bigger dev set"),
        Action("Refresh the dev set with new examples", "the model has been tuned to the "
               "current one."),
    ),
}
GAP_ACTIONS: dict[str, tuple[str, ...]] = {
    name: tuple(action.text for action in actions) for name, actions in ACTIONS.items()}

# What does not help a gap, said next to its actions (MLY ch. 25).
NOT_HELPFUL: dict[str, tuple[str, ...]] = {
    "avoidable_bias": ("Adding training data does not help here: it reduces variance, but "
                       "usually has no significant effect on avoidable bias.",),
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
        "No human-level error is recorded, so avoidable bias cannot be measured: it could be "
        "as large as the training error itself. Record human-level error (the lowest of a "
        "typical person, an expert, a team of experts) to tell bias from variance."
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
        "No human level is recorded, so avoidable bias cannot be measured: it could be as "
        "large as the distance from training {name} to the best possible level. Record human "
        "level in {name} (the best of a typical person, an expert, a team of experts) to "
        "tell bias from variance."
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
