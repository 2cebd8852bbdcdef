"""Gap decomposition of one run's error levels (SPEC section 4.1).

Human-level error H stands in for Bayes error. The gaps between human level and the
training (T), training-dev (TD), dev (D) and test (X) errors say where the remaining
error comes from, and the largest one says what the team should work on next.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from strategy_core.errors import InputError
from strategy_core.rates import format_pct, format_points
from strategy_core.runs import Run
from strategy_core.stats import Interval, newcombe_differences, wilson_intervals

if TYPE_CHECKING:
    import pandas as pd

# Two gaps closer than this are equal (SPEC 4.1: "ties (equal to 1e-9) go to the earlier
# row"); a gap must exceed it to count as positive, so float noise never becomes a focus.
TIE_TOLERANCE = 1e-9

# A second gap of at least this share of the focus gap is "close behind" it (SPEC 4.1:
# avoidable bias 10% with data mismatch 9% close behind).
CLOSE_BEHIND_SHARE = 0.8


class Gap(NamedTuple):
    """One row of the SPEC 4.1 table: the gap's name, how pages show it, its formula."""

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
# they move both links (SPEC 4.2).
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

    def __post_init__(self) -> None:
        for name, what in _LEVEL_NAMES.items():
            value = getattr(self, name)
            if value is None:
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


@dataclass(frozen=True)
class Decomposition:
    """The gaps of one run, the focus and what to do about it (SPEC 4.1)."""

    levels: ErrorLevels
    avoidable_bias: float | None
    variance: float | None
    data_mismatch: float | None
    dev_overfitting: float | None
    focus: str
    runner_up: str | None
    flags: tuple[str, ...]
    actions: tuple[str, ...]
    intervals: dict[str, Interval] = field(default_factory=dict)
    significant: dict[str, bool] = field(default_factory=dict)
    confidence: float = 0.95
    significance_note: str | None = None
    reasons: tuple[str, ...] = ()

    @property
    def variance_uses_dev(self) -> bool:
        """True when variance had to be measured as D − T (no training-dev error)."""
        return self.levels.train_dev is None and self.variance is not None

    @property
    def gaps(self) -> dict[str, float | None]:
        """Every gap by name, in chain order."""
        return {name: getattr(self, name) for name in GAP_NAMES}

    @property
    def flag_explanations(self) -> dict[str, str]:
        """One plain-English sentence per raised flag."""
        return {flag: FLAG_EXPLANATIONS[flag] for flag in self.flags}

    def as_dict(self) -> dict:
        """The `diagnose` command's JSON: levels, gaps, focus, flags, actions, intervals."""
        out: dict = {name: getattr(self.levels, name) for name in _LEVEL_NAMES}
        out.update({name: _clean(value) for name, value in self.gaps.items()})
        out["focus"] = self.focus
        out["flags"] = list(self.flags)
        out["actions"] = list(self.actions)
        if self.intervals:
            out["intervals"] = {
                name: [_clean(interval.low), _clean(interval.high)]
                for name, interval in self.intervals.items()
            }
            out["significant"] = dict(self.significant)
        return out


def decompose(
    levels: ErrorLevels,
    confidence: float = 0.95,
    *,
    intervals: Mapping[str, Interval] | None = None,
) -> Decomposition:
    """Split a run's error into avoidable bias, variance, data mismatch, dev overfitting.

    SPEC 4.1: bias T − H (needs H), variance TD − T (D − T without TD), data mismatch
    D − TD (needs TD), dev overfitting X − D (needs X). The focus is the largest positive
    gap, ties within 1e-9 going to the earlier row; ``none`` when no gap is positive.
    ``intervals`` are the gaps' intervals when the caller computed them already
    (`diagnose_runs` does, for every run at once).
    """
    if not 0 < confidence < 1:
        raise InputError("confidence must be between 0 and 1 (e.g. 0.95)")
    h, t, td, d, x = levels.human, levels.train, levels.train_dev, levels.dev, levels.test
    gaps = {
        "avoidable_bias": _difference(t, h),
        "variance": _difference(td, t) if td is not None else _difference(d, t),
        "data_mismatch": _difference(d, td),
        "dev_overfitting": _difference(x, d),
    }
    focus, runner_up = _focus(gaps)
    flags = _flags(levels)
    if focus != FOCUS_NONE:
        actions = GAP_ACTIONS[focus]
    elif any(gap is not None for gap in gaps.values()):
        actions = (REAL_WORLD_ACTION,)
    else:
        actions = (RECORD_LEVELS_ACTION,)
    intervals = dict(_intervals(levels, confidence) if intervals is None else intervals)
    significant = {name: not interval.contains_zero() for name, interval in intervals.items()}
    note = _significance_note(focus, intervals, significant, confidence)
    reasons = _reasons(levels, gaps, focus, runner_up, flags, note)
    return Decomposition(
        levels=levels,
        focus=focus,
        runner_up=runner_up,
        flags=flags,
        actions=actions,
        intervals=intervals,
        significant=significant,
        confidence=confidence,
        significance_note=note,
        reasons=reasons,
        **gaps,
    )


def summary(decomposition: Decomposition) -> str:
    """One plain-English paragraph: the focus and why, what is close behind, the flags and
    what the intervals mean (used by the overview page and the report)."""
    return " ".join(decomposition.reasons)


def format_interval(interval: Interval) -> str:
    """A gap's interval in points, '0.6 pts to 2.2 pts'; two decimals when it is narrower
    than 0.2 points, so a tight interval does not read as a single number."""
    digits = 2 if interval.high - interval.low < 0.002 else 1
    return f"{format_points(interval.low, digits)} to {format_points(interval.high, digits)}"


def _difference(upper: float | None, lower: float | None) -> float | None:
    if upper is None or lower is None:
        return None
    return upper - lower


def _focus(gaps: dict[str, float | None]) -> tuple[str, str | None]:
    """The largest positive gap (earlier row on a tie) and the gap close behind it, if any."""
    ranked: list[tuple[str, float]] = []
    for name in GAP_NAMES:  # chain order; insertion after equals keeps earlier rows first
        value = gaps[name]
        if value is None or value <= TIE_TOLERANCE:
            continue
        position = len(ranked)
        for index, (_, other) in enumerate(ranked):
            if value > other + TIE_TOLERANCE:
                position = index
                break
        ranked.insert(position, (name, value))
    if not ranked:
        return FOCUS_NONE, None
    focus_value = ranked[0][1]
    if len(ranked) > 1 and ranked[1][1] >= CLOSE_BEHIND_SHARE * focus_value - TIE_TOLERANCE:
        return ranked[0][0], ranked[1][0]
    return ranked[0][0], None


def _flags(levels: ErrorLevels) -> tuple[str, ...]:
    h, t, td, d, x = levels.human, levels.train, levels.train_dev, levels.dev, levels.test
    flags = []
    if h is None:
        flags.append("no_human_level")
    elif t is not None and h - t > TIE_TOLERANCE:
        flags.append("below_human")
    if d is not None and td is not None and td - d > TIE_TOLERANCE:
        flags.append("dev_easier")
    if x is not None and d is not None and d - x > TIE_TOLERANCE:
        flags.append("test_better")
    return tuple(flags)


# An interval request: avoidable bias is ("wilson", T, n_train, H) — human level is a
# constant, not a sample, so it is T's Wilson interval shifted by H; the other gaps are
# ("newcombe", a, n_a, b, n_b), the difference of two independent error rates.
_Request = tuple


def _interval_requests(levels: ErrorLevels) -> dict[str, _Request]:
    """The gaps whose two set sizes are known, with what their interval needs (SPEC 4.1)."""
    h, t, td, d, x = levels.human, levels.train, levels.train_dev, levels.dev, levels.test
    requests: dict[str, _Request] = {}
    if h is not None and t is not None and levels.n_train:
        requests["avoidable_bias"] = ("wilson", t, levels.n_train, h)
    if t is not None and levels.n_train:
        if td is not None:
            if levels.n_train_dev:
                requests["variance"] = ("newcombe", td, levels.n_train_dev, t, levels.n_train)
        elif d is not None and levels.n_dev:
            requests["variance"] = ("newcombe", d, levels.n_dev, t, levels.n_train)
    if d is not None and td is not None and levels.n_dev and levels.n_train_dev:
        requests["data_mismatch"] = ("newcombe", d, levels.n_dev, td, levels.n_train_dev)
    if x is not None and d is not None and levels.n_test and levels.n_dev:
        requests["dev_overfitting"] = ("newcombe", x, levels.n_test, d, levels.n_dev)
    return requests


def _answer(requests: Sequence[dict[str, _Request]], confidence: float
            ) -> list[dict[str, Interval]]:
    """Every requested interval of many runs, computed in two vectorized calls."""
    flat = [(index, gap, request) for index, run in enumerate(requests)
            for gap, request in run.items()]
    wilson = [item for item in flat if item[2][0] == "wilson"]
    newcombe = [item for item in flat if item[2][0] == "newcombe"]
    answers: list[dict[str, Interval]] = [{} for _ in requests]
    shifted = wilson_intervals([r[1] for _, _, r in wilson], [r[2] for _, _, r in wilson],
                               confidence)
    for (index, gap, request), interval in zip(wilson, shifted, strict=True):
        answers[index][gap] = Interval(interval.low - request[3], interval.high - request[3])
    differences = newcombe_differences(
        [r[1] for _, _, r in newcombe], [r[2] for _, _, r in newcombe],
        [r[3] for _, _, r in newcombe], [r[4] for _, _, r in newcombe], confidence)
    for (index, gap, _), interval in zip(newcombe, differences, strict=True):
        answers[index][gap] = interval
    return [{gap: answer[gap] for gap in GAP_NAMES if gap in answer} for answer in answers]


def _intervals(levels: ErrorLevels, confidence: float) -> dict[str, Interval]:
    """Intervals for the gaps whose two set sizes are known (SPEC 4.1)."""
    return _answer([_interval_requests(levels)], confidence)[0]


def _significance_note(
    focus: str,
    intervals: dict[str, Interval],
    significant: dict[str, bool],
    confidence: float,
) -> str | None:
    if not intervals:
        return None
    level = f"{confidence * 100:g}%"
    noise = [GAP_LABELS[name].lower() for name in GAP_NAMES if significant.get(name) is False]
    if focus in significant and not significant[focus]:
        return (
            f"The focus, {GAP_LABELS[focus].lower()}, is not significant (its {level} interval "
            "holds 0): on these set sizes it may be noise, so confirm it on bigger sets before "
            "committing the team's time to it."
        )
    if noise:
        return (
            f"Not significant ({level} interval holds 0): {', '.join(noise)}; on these set "
            "sizes those gaps may be noise, so do not choose work on their account."
        )
    return (
        f"Every gap with an interval is significant at {level}: the differences are unlikely "
        "to be noise, so the focus stands."
    )


def _reasons(
    levels: ErrorLevels,
    gaps: dict[str, float | None],
    focus: str,
    runner_up: str | None,
    flags: tuple[str, ...],
    note: str | None,
) -> tuple[str, ...]:
    known = {name: value for name, value in gaps.items() if value is not None}
    if not known:
        return (
            "Not enough error levels to decompose: record at least the training and dev "
            "errors, and human-level error to measure avoidable bias.",
        )
    recorded = ", ".join(
        f"{what.removesuffix(' error').replace('-level', ' level')} "
        f"{format_pct(getattr(levels, name))}"
        for name, what in _LEVEL_NAMES.items()
        if getattr(levels, name) is not None
    )
    reasons = [f"Error levels: {recorded}."]
    listing = ", ".join(
        f"{GAP_LABELS[name].lower()} {format_points(value)}" for name, value in known.items()
    )
    if focus == FOCUS_NONE:
        reasons.append(
            f"No gap is positive ({listing}): the error levels do not point to more work on "
            "bias, variance, data mismatch or the dev set. " + REAL_WORLD_ACTION
        )
    else:
        label = GAP_LABELS[focus]
        formula = next(gap.formula for gap in GAPS if gap.name == focus)
        if focus == "variance" and levels.train_dev is None:
            formula = "dev − training, as no training-dev error is recorded"
        reasons.append(
            f"Focus: {label.lower()}, the largest gap at {format_points(known[focus])} "
            f"({formula}); gaps: {listing}."
        )
        if runner_up is not None:
            reasons.append(_runner_up_sentence(focus, runner_up, known))
        todo = "; ".join(_lower_first(action.rstrip(".")) for action in GAP_ACTIONS[focus])
        reasons.append(f"What to try: {todo}.")
    reasons.extend(FLAG_EXPLANATIONS[flag] for flag in flags)
    if note is not None:
        reasons.append(note)
    return tuple(reasons)


def _runner_up_sentence(focus: str, runner_up: str, gaps: dict[str, float]) -> str:
    label = GAP_LABELS[focus].lower()
    if abs(gaps[runner_up] - gaps[focus]) <= TIE_TOLERANCE:
        return (f"{GAP_LABELS[runner_up]} is tied with {label}; {label} comes first in the "
                "chain, and fixing it moves the later gaps anyway.")
    return (f"{GAP_LABELS[runner_up]} ({format_points(gaps[runner_up])}) is close behind: "
            "plan to work on it next.")


def runner_up_note(decomposition: Decomposition) -> str | None:
    """The gap tied with the focus or close behind it (SPEC 4.1 ties go to chain order)."""
    if decomposition.focus == FOCUS_NONE or decomposition.runner_up is None:
        return None
    known = {name: value for name, value in decomposition.gaps.items() if value is not None}
    return _runner_up_sentence(decomposition.focus, decomposition.runner_up, known)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _clean(value: float | None) -> float | None:
    """Round away float noise (0.030000000000000006 -> 0.03) for JSON readers."""
    return None if value is None else round(value, 12) + 0.0  # + 0.0 turns -0.0 into 0.0


# --- across runs ----------------------------------------------------------------------

FLAG_LABELS: dict[str, str] = {
    "below_human": "Training below human level",
    "dev_easier": "Dev easier than training-dev",
    "test_better": "Test better than dev",
    "no_human_level": "No human level",
}

# Columns of `decomposition_table`, in order: levels and gaps as fractions.
TABLE_COLUMNS: tuple[str, ...] = (
    "run", "created", "human", "train", "train_dev", "dev", "test", *GAP_NAMES, "focus",
    "focus_significant", "flags",
)


@dataclass(frozen=True)
class RunDiagnosis:
    """One run's decomposition against the project's human level (a point of the trend)."""

    run: Run
    decomposition: Decomposition


def levels_of_run(run: Run, human: float | None) -> ErrorLevels:
    """A stored run's error levels and split sizes, with the project's Bayes proxy as H."""
    return ErrorLevels(
        human=human,
        train=run.train_error,
        train_dev=run.train_dev_error,
        dev=run.dev_error,
        test=run.test_error,
        n_train=run.n_train,
        n_train_dev=run.n_train_dev,
        n_dev=run.n_dev,
        n_test=run.n_test,
    )


def diagnose_runs(
    runs: Sequence[Run], human: float | None, confidence: float = 0.95
) -> tuple[RunDiagnosis, ...]:
    """Decompose every run (SPEC 4.1) against the same human level, keeping the runs' order
    (the store gives them oldest first, by created time)."""
    levels = [levels_of_run(run, human) for run in runs]
    if not 0 < confidence < 1:
        raise InputError("confidence must be between 0 and 1 (e.g. 0.95)")
    intervals = _answer([_interval_requests(item) for item in levels], confidence)
    return tuple(
        RunDiagnosis(run, decompose(item, confidence, intervals=run_intervals))
        for run, item, run_intervals in zip(runs, levels, intervals, strict=True)
    )


def focus_verdict(decomposition: Decomposition, run_name: str | None = None) -> str:
    """The decision in one sentence: which gap to work on, its size and the rule (SPEC 4.1)."""
    on = f" for run {run_name}" if run_name else ""
    focus = decomposition.focus
    if focus == FOCUS_NONE:
        if not any(value is not None for value in decomposition.gaps.values()):
            return f"No diagnosis{on}: record the training and dev errors first."
        return (
            f"No gap is positive{on}: check the model in the real world and, if it falls "
            "short there, change the dev set or the metric."
        )
    value = decomposition.gaps[focus]
    formula = next(gap.formula for gap in GAPS if gap.name == focus)
    if decomposition.variance_uses_dev and focus == "variance":
        formula = "dev − training"
    verdict = (
        f"Work on {GAP_LABELS[focus].lower()}{on}: at {format_points(value)} ({formula}) it "
        "is the largest gap"
    )
    if decomposition.significant.get(focus) is False:
        verdict += ", though on these set sizes it is not significant"
    return verdict + "."


def trend_summary(diagnoses: Sequence[RunDiagnosis]) -> str | None:
    """How the newest run's focus gap moved: since the run where it became the focus, or
    since the previous run when the focus just changed. None with fewer than two runs."""
    if len(diagnoses) < 2:
        return None
    newest = diagnoses[-1]
    focus = newest.decomposition.focus
    if focus == FOCUS_NONE:
        return None
    streak_start = len(diagnoses) - 1
    while streak_start > 0 and diagnoses[streak_start - 1].decomposition.focus == focus:
        streak_start -= 1
    label = GAP_LABELS[focus]
    now = newest.decomposition.gaps[focus]
    if streak_start < len(diagnoses) - 1:
        first = diagnoses[streak_start]
        then = first.decomposition.gaps[focus]
        runs_in_streak = len(diagnoses) - streak_start
        return (
            f"{label} has been the focus for the last {runs_in_streak} runs: "
            f"{_moved(then, now)} since {first.run.name}."
        )
    previous = diagnoses[-2]
    before = previous.decomposition.focus
    if before == FOCUS_NONE:
        return f"{label} became the focus with this run, after a run with no positive gap."
    then_before = previous.decomposition.gaps[before]
    now_before = newest.decomposition.gaps[before]
    return (
        f"{label} became the focus with this run; the previous focus, "
        f"{GAP_LABELS[before].lower()}, {_moved(then_before, now_before)} since "
        f"{previous.run.name}."
    )


def _moved(then: float | None, now: float | None) -> str:
    if then is None or now is None:
        return "could not be compared"
    if abs(now - then) < 0.0005:  # under 0.05 points: the one-decimal figures are equal
        return f"held at {format_points(now)}"
    direction = "fell" if now < then else "rose"
    return f"{direction} from {format_points(then)} to {format_points(now)}"


def decomposition_table(diagnoses: Sequence[RunDiagnosis]) -> pd.DataFrame:
    """Every run's levels, gaps (fractions), focus and flags: the table of the diagnosis
    page and its CSV download."""
    import pandas as pd

    records = []
    for item in diagnoses:
        result = item.decomposition
        levels = result.levels
        significant = result.significant.get(result.focus)
        records.append({
            "run": item.run.name,
            "created": item.run.created,
            **{name: getattr(levels, name) for name in _LEVEL_NAMES},
            **{name: _clean(value) for name, value in result.gaps.items()},
            "focus": GAP_LABELS.get(result.focus, "none"),
            "focus_significant": significant,
            "flags": ", ".join(FLAG_LABELS[flag] for flag in result.flags),
        })
    frame = pd.DataFrame.from_records(records, columns=list(TABLE_COLUMNS))
    for name in (*_LEVEL_NAMES, *GAP_NAMES):
        frame[name] = frame[name].astype("float64")
    return frame
