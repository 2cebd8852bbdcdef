"""One dev error per review (docs/rules.md §4 "Two sources of dev error"): the error a review
starts from (its predictions', or the one entered for a sheet) against the dev error recorded
with the run, with a test of whether the difference is noise.

The review's own error is the one its categories are shares of, so its ceilings start from
it; when the run records another figure the pages say so, and say whether the two differ by
more than the sets' noise.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from strategy_core.error_analysis.common import _clean
from strategy_core.errors import InputError
from strategy_core.rates import format_pct, format_points
from strategy_core.stats import Interval, newcombe_difference, wilson_interval

# Two figures closer than this are the same figure typed twice (float noise).
_SAME = 1e-9
SOURCE_LABELS: dict[str, str] = {
    "predictions": "the uploaded predictions",
    "entered": "the figure entered for this review",
}


@dataclass(frozen=True)
class DevErrorSources:
    """The review's dev error against the run's recorded one (docs/rules.md §4).

    ``method`` is ``newcombe`` (both dev sizes known: the two-proportion interval of the
    difference), ``wilson`` (one size known: the other figure against that one's interval),
    ``same`` (equal figures) or ``none`` (no size known: no test). ``disagree`` is True when
    the difference is beyond noise, False when it may be noise, None when it cannot be told.
    """

    used: float
    source: str
    used_n: int | None
    recorded: float
    recorded_n: int | None
    difference: float
    interval: Interval | None
    method: str
    disagree: bool | None
    reasons: tuple[str, ...]

    @property
    def differ(self) -> bool:
        """The two figures are not the same number."""
        return self.method != "same"

    @property
    def notable(self) -> bool:
        """Worth saying next to the review's figures: the two read differently, or differ
        beyond noise, or differ untested (equal-looking noise is left unsaid)."""
        return self.differ and (self.disagree is not False
                                or format_pct(self.used) != format_pct(self.recorded))

    @property
    def note(self) -> str:
        """A short aside for one line (the overview): where the error comes from, what the
        run records and whether the difference is noise."""
        tail = {True: "a difference beyond noise: check which is right",
                False: "a difference that may be noise",
                None: "a difference no dev size lets us test"}[self.disagree]
        return (f"from {SOURCE_LABELS[self.source]}; the run records "
                f"{format_pct(self.recorded)}, {tail}")

    def as_dict(self) -> dict:
        return {"used": self.used, "source": self.source, "used_n": self.used_n,
                "recorded": self.recorded, "recorded_n": self.recorded_n,
                "difference": _clean(self.difference), "method": self.method,
                "interval": None if self.interval is None else
                [_clean(self.interval.low), _clean(self.interval.high)],
                "disagree": self.disagree, "reasons": list(self.reasons)}


def compare_dev_errors(used: float, recorded: float, *, used_n: int | None = None,
                       recorded_n: int | None = None, source: str = "predictions",
                       confidence: float = 0.95) -> DevErrorSources:
    """Compare a review's dev error with the run's recorded one (docs/rules.md §4).

    Both dev sizes known: Newcombe's interval of used − recorded (independent samples); a
    difference whose interval excludes 0 is beyond noise. One size known: the Wilson interval
    of that figure; the other, taken as exact, is beyond noise outside it. No size: no test.
    The review uses its own figure either way, as its categories are shares of its mistakes.
    """
    if source not in SOURCE_LABELS:
        raise InputError(f"unknown source of dev error '{source}'")
    for value in (used, recorded):
        if not 0 <= value <= 1:
            raise InputError("a dev error must be between 0% and 100%")
    difference = used - recorded
    interval, method, disagree = _test(used, recorded, used_n, recorded_n, confidence)
    if abs(difference) <= _SAME:
        interval, method, disagree = None, "same", False
    result = DevErrorSources(used, source, used_n, recorded, recorded_n, difference,
                             interval, method, disagree, ())
    return replace(result, reasons=_reasons(result, confidence))


def _test(used: float, recorded: float, used_n: int | None, recorded_n: int | None,
          confidence: float) -> tuple[Interval | None, str, bool | None]:
    if used_n and recorded_n:
        interval = newcombe_difference(used, used_n, recorded, recorded_n, confidence)
        return interval, "newcombe", not interval.contains_zero()
    if used_n:
        around = wilson_interval(used, used_n, confidence)
        shifted = Interval(around.low - recorded, around.high - recorded)
        return shifted, "wilson", not shifted.contains_zero()
    if recorded_n:
        around = wilson_interval(recorded, recorded_n, confidence)
        shifted = Interval(used - around.high, used - around.low)
        return shifted, "wilson", not shifted.contains_zero()
    return None, "none", None


def _sized(n: int | None) -> str:
    return "" if n is None else f" on {n:,} dev examples"


def _reasons(result: DevErrorSources, confidence: float) -> tuple[str, ...]:
    where = SOURCE_LABELS[result.source]
    used, recorded = format_pct(result.used), format_pct(result.recorded)
    if not result.differ:
        return (f"The dev error from {where} ({used}) is the one recorded with the run.",)
    level = f"{confidence * 100:g}%"
    first = (f"Dev error from {where}: {used}{_sized(result.used_n)}; recorded with the "
             f"run: {recorded}{_sized(result.recorded_n)}; difference "
             f"{format_points(result.difference)}")
    interval = result.interval
    if result.method == "newcombe":
        test = (f"{level} interval {format_points(interval.low)} to "  # type: ignore[union-attr]
                f"{format_points(interval.high)} (two-proportion Newcombe interval, "  # type: ignore[union-attr]
                f"n = {result.used_n:,} and n = {result.recorded_n:,})")
    elif result.method == "wilson":
        known = result.used_n or result.recorded_n
        test = (f"{level} interval {format_points(interval.low)} to "  # type: ignore[union-attr]
                f"{format_points(interval.high)} (Wilson interval on n = {known:,}, the "  # type: ignore[union-attr]
                "other figure taken as exact: its dev size is not recorded)")
    else:
        test = "no test of noise is possible: record the dev set size with the run"
    if result.disagree is True:
        verdict = "beyond noise: the two sources disagree"
    elif result.disagree is False:
        verdict = "the interval holds 0, so the difference may be noise"
    else:
        verdict = "whether it is noise cannot be told"
    return (
        f"{first}: {test}; {verdict}.",
        f"This review uses {used}, from {where}, because its categories are shares of those "
        "mistakes: ceilings start from it and never exceed it. If both figures come from "
        "the same dev examples, any difference means another checkpoint, threshold or dev "
        "set, not noise: check which one is right.",
    )
