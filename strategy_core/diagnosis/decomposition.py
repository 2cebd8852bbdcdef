"""The gap decomposition of one run (docs/rules.md §1): the gaps, the focus and what is close
behind it, the flags, what to try, and the reasons in plain English."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from strategy_core.diagnosis.focus import (
    Focus,
    choose_focus,
    record_human_action,
    runner_up_sentence,
    unknown_sentence,
    unmeasured_bias_bound,
)
from strategy_core.diagnosis.gaps import (
    _LEVEL_NAMES,
    ACTIONS,
    FOCUS_NONE,
    FOCUS_UNKNOWN,
    GAP_ACTIONS,
    GAP_LABELS,
    GAP_NAMES,
    NOT_HELPFUL,
    REAL_WORLD_ACTION,
    RECORD_LEVELS_ACTION,
    TIE_TOLERANCE,
    ErrorLevels,
    flag_explanation,
    gap_formula,
)
from strategy_core.diagnosis.intervals import _intervals, _significance_note
from strategy_core.errors import InputError
from strategy_core.stats import Interval
from strategy_core.values.project_metric import ProjectMetric


@dataclass(frozen=True)
class Decomposition:
    """The gaps of one run, the focus and what to do about it (docs/rules.md §1)."""

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
    # The rule's whole answer (docs/rules.md §1): next in line, largest gap, tolerance.
    choice: Focus = field(default_factory=lambda: Focus(FOCUS_NONE))

    @property
    def tolerance(self) -> float:
        """The tolerance the focus was chosen with (0: every positive gap counts)."""
        return self.choice.tolerance

    @property
    def tentative(self) -> bool:
        """The focus rests on a gap whose interval holds 0 (it may be noise)."""
        return self.choice.decided and self.significant.get(self.focus) is False

    @property
    def not_helpful(self) -> tuple[str, ...]:
        """What does not help the focus gap (MLY ch. 25: more data for avoidable bias)."""
        return NOT_HELPFUL.get(self.focus, ())

    @property
    def variance_uses_dev(self) -> bool:
        """True when variance had to be measured as D − T (no training-dev error)."""
        return self.levels.train_dev is None and self.variance is not None

    @property
    def gaps(self) -> dict[str, float | None]:
        """Every gap by name, in chain order."""
        return {name: getattr(self, name) for name in GAP_NAMES}

    @property
    def metric(self) -> ProjectMetric:
        return self.levels.metric

    @property
    def flag_explanations(self) -> dict[str, str]:
        """One plain-English sentence per raised flag."""
        return {flag: flag_explanation(flag, self.metric) for flag in self.flags}

    def as_dict(self) -> dict:
        """The `diagnose` command's JSON: levels, gaps, focus, flags, actions, intervals,
        and the metric they are in (name, unit, direction)."""
        out: dict = {name: _clean(getattr(self.levels, name)) for name in _LEVEL_NAMES}
        out.update({name: _clean(value) for name, value in self.gaps.items()})
        out["focus"] = self.focus
        out["runner_up"] = self.runner_up
        out["next"] = list(self.choice.next)
        out["tolerance"] = _clean(self.tolerance)
        out["flags"] = list(self.flags)
        out["actions"] = list(self.actions)
        if self.intervals:
            out["intervals"] = {
                name: [_clean(interval.low), _clean(interval.high)]
                for name, interval in self.intervals.items()
            }
            out["significant"] = dict(self.significant)
        out.update(self.metric.as_json())
        return out


def decompose(
    levels: ErrorLevels,
    confidence: float = 0.95,
    *,
    intervals: Mapping[str, Interval] | None = None,
    tolerance: float = 0.0,
) -> Decomposition:
    """Split a run's error into avoidable bias, variance, data mismatch, dev overfitting.

    docs/rules.md §1: bias T − H (needs H), variance TD − T (D − T without TD), data mismatch
    D − TD (needs TD), dev overfitting X − D (needs X). The focus is `choose_focus`'s: the
    largest gap above ``tolerance`` (the project's, from the use case; 0 here), ties within
    1e-9 going to the earlier row; ``none`` when no gap is above it; ``not_enough_information``
    when an unmeasured avoidable bias could be the largest. ``intervals`` are the gaps'
    intervals when the caller computed them already (`diagnose_runs` does, for every run).
    """
    if not 0 < confidence < 1:
        raise InputError("confidence must be between 0 and 1 (e.g. 0.95)")
    h, t, td, d, x = levels.human, levels.train, levels.train_dev, levels.dev, levels.test
    gap = levels.metric.gap
    gaps = {
        "avoidable_bias": gap(t, h),
        "variance": gap(td, t) if td is not None else gap(d, t),
        "data_mismatch": gap(d, td),
        "dev_overfitting": gap(x, d),
    }
    choice = choose_focus(gaps, tolerance, unmeasured_bias_bound(levels))
    focus = choice.gap
    flags = _flags(levels)
    if choice.decided:
        actions = GAP_ACTIONS[focus]
    elif focus == FOCUS_UNKNOWN:
        actions = (record_human_action(levels.metric),)
    elif any(gap is not None for gap in gaps.values()):
        actions = (REAL_WORLD_ACTION,)
    else:
        actions = (RECORD_LEVELS_ACTION,)
    intervals = dict(_intervals(levels, confidence) if intervals is None else intervals)
    significant = {name: not interval.contains_zero() for name, interval in intervals.items()}
    note = _significance_note(focus, intervals, significant, confidence)
    reasons = _reasons(levels, gaps, choice, flags, note)
    return Decomposition(
        levels=levels,
        focus=focus,
        runner_up=choice.runner_up,
        flags=flags,
        actions=actions,
        intervals=intervals,
        significant=significant,
        confidence=confidence,
        significance_note=note,
        reasons=reasons,
        choice=choice,
        **gaps,
    )


def summary(decomposition: Decomposition) -> str:
    """One plain-English paragraph: the focus and why, what is close behind, the flags and
    what the intervals mean (used by the overview page and the report)."""
    return " ".join(decomposition.reasons)


def format_interval(interval: Interval, metric: ProjectMetric | None = None) -> str:
    """A gap's interval in points, '0.6 pts to 2.2 pts'; one more decimal when its ends
    would read alike, so a tight interval does not read as a single number."""
    metric = metric or ProjectMetric()
    digits = metric.precision
    step = 10.0 ** -digits / (100 if metric.percent else 1)
    if interval.high - interval.low < 2 * step:
        digits += 1
    return f"{metric.format_gap(interval.low, digits)} to " \
           f"{metric.format_gap(interval.high, digits)}"


def _flags(levels: ErrorLevels) -> tuple[str, ...]:
    """Flags when a later split does better than an earlier one, in the metric's direction."""
    h, t, td, d, x = levels.human, levels.train, levels.train_dev, levels.dev, levels.test
    better = levels.metric.gap  # better(a, b) > 0: b does better than a
    flags = []
    if h is None:
        flags.append("no_human_level")
    elif t is not None and better(h, t) > TIE_TOLERANCE:
        flags.append("below_human")
    if d is not None and td is not None and better(td, d) > TIE_TOLERANCE:
        flags.append("dev_easier")
    if x is not None and d is not None and better(d, x) > TIE_TOLERANCE:
        flags.append("test_better")
    return tuple(flags)


def _reasons(
    levels: ErrorLevels,
    gaps: dict[str, float | None],
    choice: Focus,
    flags: tuple[str, ...],
    note: str | None,
) -> tuple[str, ...]:
    metric = levels.metric
    known = {name: value for name, value in gaps.items() if value is not None}
    if not known:
        return (
            "Not enough error levels to decompose: record at least the training and dev "
            "errors, and human-level error to measure avoidable bias." if metric.is_error_rate
            else f"Not enough {metric.name} levels to decompose: record at least the "
            f"training and dev {metric.name}, and human level to measure avoidable bias.",
        )
    reasons = [levels_sentence(levels)]
    listing = ", ".join(
        f"{GAP_LABELS[name].lower()} {metric.format_gap(value)}" for name, value in known.items()
    )
    if choice.gap == FOCUS_UNKNOWN:
        reasons.append(f"{unknown_sentence(choice, levels, gaps)} Gaps measured: {listing}.")
    elif choice.gap == FOCUS_NONE:
        above = "above the tolerance of " + metric.format_gap(choice.tolerance) \
            if choice.largest is not None and choice.tolerance > 0 else "positive"
        reasons.append(
            f"No gap is {above} ({listing}): the {_levels_word(metric)} do not point to more "
            "work on bias, variance, data mismatch or the dev set. " + REAL_WORLD_ACTION
        )
    else:
        reasons.extend(_focus_reasons(levels, gaps, choice, listing))
    reasons.extend(flag_explanation(flag, metric) for flag in flags)
    if note is not None:
        reasons.append(note)
    return tuple(reasons)


def _focus_reasons(levels: ErrorLevels, gaps: dict[str, float | None], choice: Focus,
                   listing: str) -> list[str]:
    """The focus and why, what comes next, and what to try (docs/rules.md §1)."""
    metric, focus = levels.metric, choice.gap
    formula = gap_formula(focus, metric)
    if focus == "variance" and levels.train_dev is None:
        formula = (f"{gap_formula('variance', metric).replace('training-dev', 'dev')}, "
                   "as no training-dev level is recorded")
        if metric.is_error_rate:
            formula = "dev − training, as no training-dev error is recorded"
    above = f", above the tolerance of {metric.format_gap(choice.tolerance)}" \
        if choice.tolerance > 0 else ""
    reasons = [f"Focus: {GAP_LABELS[focus].lower()}, the largest gap at "
               f"{metric.format_gap(gaps[focus])} ({formula}){above}; gaps: {listing}."]
    if choice.bias_bound is not None:
        reasons.append(
            f"Without a human level avoidable bias is unmeasured, but it is at most "
            f"{metric.format_gap(choice.bias_bound)} (training against the best possible "
            f"level), less than {GAP_LABELS[focus].lower()}: the focus stands.")
    runner_up = runner_up_sentence(choice, gaps, metric)
    if runner_up is not None:
        reasons.append(runner_up)
    todo = "; ".join(_lower_first(action.what) for action in ACTIONS[focus])
    reasons.append(f"What to try: {todo}.")
    reasons.extend(NOT_HELPFUL.get(focus, ()))
    return reasons


def _levels_word(metric: ProjectMetric) -> str:
    return "error levels" if metric.is_error_rate else f"{metric.name} levels"


def levels_sentence(levels: ErrorLevels) -> str:
    """'Error levels: human level 1.0%, training 8.0%, dev 10.0%.' in the metric's units,
    with enough decimals that distinct levels read differently (docs/rules.md §16)."""
    metric = levels.metric
    recorded = {name: getattr(levels, name) for name in _LEVEL_NAMES
                if getattr(levels, name) is not None}
    digits = metric.digits_for(recorded.values())
    text = ", ".join(
        f"{_LEVEL_NAMES[name].removesuffix(' error').replace('-level', ' level')} "
        f"{metric.format(value, digits)}" for name, value in recorded.items())
    return f"{_levels_word(metric).capitalize()}: {text}."


def runner_up_note(decomposition: Decomposition) -> str | None:
    """The gap tied with the focus or close behind it (docs/rules.md §1), in the one
    sentence every surface shows (`runner_up_sentence`)."""
    return runner_up_sentence(decomposition.choice, decomposition.gaps, decomposition.metric)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _clean(value: float | None) -> float | None:
    """Round away float noise (0.030000000000000006 -> 0.03) for JSON readers."""
    return None if value is None else round(value, 12) + 0.0  # + 0.0 turns -0.0 into 0.0
