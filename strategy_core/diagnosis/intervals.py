"""How sure the gaps are (docs/rules.md §1): the Wilson and Newcombe intervals of the gaps whose
set sizes are known, computed for many runs at once, and what they mean for the focus."""

from __future__ import annotations

from collections.abc import Sequence

from strategy_core.diagnosis.gaps import GAP_LABELS, GAP_NAMES, ErrorLevels
from strategy_core.stats import Interval, newcombe_differences, wilson_intervals

# An interval request: avoidable bias is ("wilson", T, n_train, H) — human level is a
# constant, not a sample, so it is T's Wilson interval shifted by H; the other gaps are
# ("newcombe", a, n_a, b, n_b), the difference of two independent error rates.
_Request = tuple


def _interval_requests(levels: ErrorLevels) -> dict[str, _Request]:
    """The gaps whose two set sizes are known, with what their interval needs (docs/rules.md §1)."""
    h, t, td, d, x = levels.human, levels.train, levels.train_dev, levels.dev, levels.test
    requests: dict[str, _Request] = {}
    if not levels.metric.has_binomial_intervals:
        return requests  # a loss or a score is no share of examples: no binomial interval
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


def _answer(requests: Sequence[dict[str, _Request]], confidence: float,
            signs: Sequence[int] | None = None) -> list[dict[str, Interval]]:
    """Every requested interval of many runs, computed in two vectorized calls. A run
    whose metric is better when higher (sign −1) has its intervals turned round, as its
    gaps are (docs/rules.md §16)."""
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
    signs = signs or [1] * len(answers)
    return [{gap: _signed(answer[gap], sign) for gap in GAP_NAMES if gap in answer}
            for answer, sign in zip(answers, signs, strict=True)]


def _signed(interval: Interval, sign: int) -> Interval:
    return interval if sign > 0 else Interval(-interval.high, -interval.low)


def _intervals(levels: ErrorLevels, confidence: float) -> dict[str, Interval]:
    """Intervals for the gaps whose two set sizes are known (docs/rules.md §1)."""
    return _answer([_interval_requests(levels)], confidence, [levels.metric.sign])[0]


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
    stands = ", so the focus stands" if focus in GAP_LABELS else ""
    return (
        f"Every gap with an interval is significant at {level}: the differences are unlikely "
        f"to be noise{stands}."
    )
