"""Learning curves (docs/rules.md §20; MLY ch. 28–32): training and dev level against the
number of training examples, read against the desired performance.

- Runs of one model that differ only in training-set size (`n_train`) are the points;
  several runs at one size (ch. 32: models trained on different random subsets of that
  size) are averaged, and their spread gives the point's interval.
- The dev curve is *still falling* when its last step improves by more than the noise of
  the two points (their intervals combined), *flat* otherwise.
- Training error only grows with more data, so when it is already worse than the desired
  performance at the largest size, more data cannot bring dev there (ch. 29–30).
- With fewer than three sizes there is no curve to read; a dev curve that gets worse with
  more data beyond its noise is too noisy to read (ch. 32).

Levels are in the metric pages reason in (`ProjectMetric.shown`): the better direction
comes from the metric, so a curve of accuracy rises where a curve of error falls.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from strategy_core.errors import InputError
from strategy_core.stats import Interval, wilson_interval
from strategy_core.values.project_metric import ERROR_RATE, ProjectMetric
from strategy_core.values.runs import Run

# Fewer distinct training-set sizes than this draw a line, not a curve (§20).
MIN_SIZES = 3
# "More data is likely to help" when the last step's pace reaches the desired performance
# within this many doublings of the largest training set (8× the data); slower is "slow".
MAX_DOUBLINGS = 3
# MLY ch. 32: above about 10,000 training examples (and a class mix that is not very
# skewed) the averaging over random subsets is rarely needed.
SMALL_TRAINING_SET = 10_000
# Two levels closer than this are equal (float noise is never a trend).
TOLERANCE = 1e-9

VERDICTS: dict[str, str] = {
    "no_runs": "No learning curve yet",
    "too_few": "Too few points to read",
    "bias": "More data will not close the gap",
    "noisy": "Too noisy to read",
    "reached": "Desired performance reached",
    "more_data": "More data is likely to help",
    "slow": "More data helps, slowly",
    "flat": "Dev curve has flattened",
    "falling": "Dev curve still falling",
}


@dataclass(frozen=True)
class CurvePoint:
    """One training-set size: the runs averaged there, the mean training and dev levels,
    and their intervals (spread of repeats, else Wilson on the set size; None unknown)."""

    size: int
    runs: tuple[str, ...]
    train: float | None
    dev: float | None
    train_interval: Interval | None = None
    dev_interval: Interval | None = None

    def as_dict(self) -> dict[str, Any]:
        def pair(interval: Interval | None) -> list[float] | None:
            return None if interval is None else [_tidy(interval.low), _tidy(interval.high)]

        return {"size": self.size, "runs": list(self.runs), "train": _tidy(self.train),
                "dev": _tidy(self.dev), "train_interval": pair(self.train_interval),
                "dev_interval": pair(self.dev_interval)}


@dataclass(frozen=True)
class LearningCurve:
    """The curve, its reading and the reasons (docs/rules.md §20)."""

    metric: ProjectMetric
    points: tuple[CurvePoint, ...]
    desired: float | None
    desired_label: str | None
    verdict: str
    reasons: tuple[str, ...]
    tentative: bool = False
    last_step: float | None = None          # improvement of dev over the last step
    per_doubling: float | None = None       # that improvement per doubling of the data
    doublings_needed: float | None = None   # at that pace, to reach the desired level
    skipped: tuple[str, ...] = field(default_factory=tuple)
    source: str = "sizes"                   # "sizes": runs by n_train; "history": one run's
    run: str | None = None                  # the run whose history it is (source "history")

    @property
    def headline(self) -> str:
        return VERDICTS[self.verdict]

    @property
    def more_data_helps(self) -> bool | None:
        """True / False when the curve says so, None when it cannot tell."""
        if self.verdict in ("more_data", "falling", "slow"):
            return True
        if self.verdict in ("bias", "flat", "reached"):
            return False
        return None

    def as_dict(self) -> dict[str, Any]:
        return {**self.metric.as_json(), "verdict": self.verdict, "headline": self.headline,
                "more_data_helps": self.more_data_helps, "tentative": self.tentative,
                "desired": _tidy(self.desired), "desired_label": self.desired_label,
                "last_step": _tidy(self.last_step), "per_doubling": _tidy(self.per_doubling),
                "doublings_needed": _tidy(self.doublings_needed),
                "points": [p.as_dict() for p in self.points], "skipped": list(self.skipped),
                "source": self.source, "run": self.run, "reasons": list(self.reasons)}


def _tidy(value: float | None) -> float | None:
    return None if value is None else float(f"{value:.10g}")


# --- the points ----------------------------------------------------------------------------


def curve_points(runs: Sequence[Run], metric: ProjectMetric = ERROR_RATE,
                 confidence: float = 0.95) -> tuple[tuple[CurvePoint, ...], tuple[str, ...]]:
    """The runs grouped by training-set size, smallest first, with the names of the runs
    left out (no training-set size, or neither a training nor a dev level)."""
    groups: dict[int, list[Run]] = {}
    skipped: list[str] = []
    for run in runs:
        if not run.n_train or (run.train_error is None and run.dev_error is None):
            skipped.append(run.name)
            continue
        groups.setdefault(int(run.n_train), []).append(run)
    points = tuple(_point(size, groups[size], metric, confidence) for size in sorted(groups))
    return points, tuple(skipped)


def _point(size: int, runs: list[Run], metric: ProjectMetric, confidence: float) -> CurvePoint:
    shown = metric.to_shown
    train = [shown(r.train_error) for r in runs if r.train_error is not None]
    dev = [shown(r.dev_error) for r in runs if r.dev_error is not None]
    dev_sizes = [r.n_dev for r in runs if r.dev_error is not None]
    return CurvePoint(
        size, tuple(r.name for r in runs), _mean(train), _mean(dev),
        point_interval(train, [size] * len(train), metric, confidence),
        point_interval(dev, dev_sizes, metric, confidence))


def _mean(values: list) -> float | None:
    return None if not values else sum(values) / len(values)


def point_interval(values: list, sizes: list, metric: ProjectMetric,
              confidence: float) -> Interval | None:
    """Repeats at one size: the t interval of their mean (ch. 32). One run of a rate with
    its set size: the Wilson interval. Otherwise none."""
    if len(values) >= 2:
        from scipy.stats import t

        k = len(values)
        mean = sum(values) / k
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (k - 1))
        half = float(t.ppf((1 + confidence) / 2, k - 1)) * sd / math.sqrt(k)
        return Interval(mean - half, mean + half)
    if len(values) == 1 and metric.has_binomial_intervals and sizes and sizes[0]:
        return wilson_interval(min(max(values[0], 0.0), 1.0), int(sizes[0]), confidence)
    return None


# --- reading the curve ---------------------------------------------------------------------


def learning_curve(runs: Sequence[Run], desired: float | None = None,
                   desired_label: str | None = None, metric: ProjectMetric = ERROR_RATE,
                   confidence: float = 0.95) -> LearningCurve:
    """Plot-ready points and the reading of docs/rules.md §20: is more data likely to help?
    `desired` is the desired performance (human level or the team's target) in the
    metric's stored units; None when none is recorded."""
    check_confidence(confidence)
    points, skipped = curve_points(runs, metric, confidence)
    return read_points(points, desired, desired_label, metric, skipped=skipped)


def check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise InputError("confidence must be between 0 and 1 (e.g. 0.95)")


def read_points(points: tuple[CurvePoint, ...], desired: float | None,
                desired_label: str | None, metric: ProjectMetric, *,
                skipped: tuple[str, ...] = (), source: str = "sizes",
                run: str | None = None) -> LearningCurve:
    """The reading of §20 of points already in the shown metric's units, smallest size
    first (from runs by `n_train`, or from one run's history)."""
    shown = metric.shown()
    goal = None if desired is None else metric.check(desired, "the desired performance")
    goal = metric.to_shown(goal)
    with_dev = [p for p in points if p.dev is not None]
    base = {"metric": shown, "points": points, "desired": goal, "desired_label": desired_label,
            "skipped": skipped, "source": source, "run": run}
    if not with_dev:
        return LearningCurve(**base, verdict="no_runs", reasons=(_NO_RUNS,))
    if len(with_dev) < MIN_SIZES:
        return LearningCurve(**base, verdict="too_few",
                             reasons=(_too_few(len(with_dev)), _SIZES_ADVICE))
    return _read(base, with_dev, shown, goal)


_NO_RUNS = ("No run records both a training-set size and a dev level: train the same model "
            "on a few training-set sizes (say 1/8, 1/4, 1/2 and all of the data) and "
            "record each as a run with its training-set size.")
_SIZES_ADVICE = ("Spread the sizes on a log scale (each about twice the one before); at small "
                 "sizes, train a few models on different random subsets and record each: "
                 "their average is the point (MLY ch. 32).")


def _too_few(count: int) -> str:
    return (f"{count} training-set size{'' if count == 1 else 's'} with a dev level: at least "
            f"{MIN_SIZES} are needed to see whether the dev curve is still falling.")


def _step(a: CurvePoint, b: CurvePoint, metric: ProjectMetric, attr: str
          ) -> tuple[float, float | None]:
    """How much `attr` improves from a to b (positive: better with more data), and the
    noise allowance of that step (None when a point has no interval)."""
    improvement = metric.sign * (getattr(a, attr) - getattr(b, attr))
    ia, ib = getattr(a, f"{attr}_interval"), getattr(b, f"{attr}_interval")
    if ia is None or ib is None:
        return improvement, None
    return improvement, math.hypot(ia.half_width, ib.half_width)


def _noisy_steps(points: Sequence[CurvePoint], metric: ProjectMetric) -> list[tuple]:
    """The steps where dev gets worse with more data by more than their noise (any worsening
    when a point has no interval)."""
    found = []
    for a, b in zip(points, points[1:], strict=False):
        improvement, noise = _step(a, b, metric, "dev")
        if -improvement > (noise or 0.0) + TOLERANCE:
            found.append((a, b, -improvement))
    return found


def _read(base: dict, points: list[CurvePoint], metric: ProjectMetric,
          goal: float | None) -> LearningCurve:
    last, before = points[-1], points[-2]
    improvement, noise = _step(before, last, metric, "dev")
    doublings = math.log2(last.size / before.size)
    per_doubling = improvement / doublings
    falling = improvement > (noise or 0.0) + TOLERANCE
    tentative = noise is None
    numbers = {"last_step": improvement, "per_doubling": per_doubling}
    reasons = [_last_step_reason(before, last, improvement, noise, metric)]
    noisy = _noisy_steps(points, metric)
    if goal is not None and last.train is not None and \
            metric.sign * (last.train - goal) > TOLERANCE:
        reasons.insert(0, _bias_reason(last, goal, base["desired_label"], metric))
        return LearningCurve(**base, verdict="bias", reasons=tuple(reasons),
                             tentative=_train_could_reach(last, goal, metric), **numbers)
    if noisy:
        return LearningCurve(**base, verdict="noisy", tentative=True, **numbers,
                             reasons=(_noisy_reason(noisy, metric), *_noise_advice(points)))
    if goal is not None and metric.sign * (last.dev - goal) <= TOLERANCE:
        reasons.insert(0, f"Dev {metric.format(last.dev)} at {last.size:,} examples is at or "
                          f"better than the desired {metric.format(goal)}.")
        return LearningCurve(**base, verdict="reached", reasons=tuple(reasons), **numbers)
    if not falling:
        if improvement > TOLERANCE:
            reasons.append("That improvement is within the noise: the curve may have "
                           "flattened, or its points are too noisy to tell; more runs per "
                           "size (or a bigger dev set) narrow the noise (MLY ch. 32).")
        reasons.append(_flat_reason(last, goal, metric, sure=improvement <= TOLERANCE))
        return LearningCurve(**base, verdict="flat", reasons=tuple(reasons),
                             tentative=tentative or improvement > TOLERANCE, **numbers)
    if goal is None:
        reasons.append("No desired performance is recorded, so how far more data must go is "
                       "unknown: record human level (or the team's target).")
        return LearningCurve(**base, verdict="falling", reasons=tuple(reasons),
                             tentative=tentative, **numbers)
    needed = metric.sign * (last.dev - goal) / per_doubling
    reasons.append(_projection_reason(last, goal, needed, metric))
    verdict = "more_data" if needed <= MAX_DOUBLINGS + TOLERANCE else "slow"
    return LearningCurve(**base, verdict=verdict, reasons=tuple(reasons), tentative=tentative,
                         doublings_needed=needed, **numbers)


def _train_could_reach(last: CurvePoint, goal: float, metric: ProjectMetric) -> bool:
    """Whether the training level's interval reaches the desired level (then "more data
    will not close the gap" is tentative)."""
    interval = last.train_interval
    if interval is None:
        return False
    best = interval.low if metric.sign > 0 else interval.high
    return metric.sign * (best - goal) <= TOLERANCE


def _level(metric: ProjectMetric) -> str:
    """'error' for an error rate, else the metric's name."""
    return "error" if metric.is_error_rate else metric.name


def _last_step_reason(a: CurvePoint, b: CurvePoint, improvement: float, noise: float | None,
                      metric: ProjectMetric) -> str:
    moved = "improves by" if improvement >= 0 else "gets worse by"
    text = (f"From {a.size:,} to {b.size:,} training examples, dev {moved} "
            f"{metric.format_gap(abs(improvement))} ({metric.format(a.dev)} → "
            f"{metric.format(b.dev)})")
    if noise is None:
        return text + ("; the points have no intervals (no dev-set size or repeats), so "
                       "this step cannot be told from noise.")
    return text + f"; the noise of that step is about ±{metric.format_gap(noise)}."


def _bias_reason(last: CurvePoint, goal: float, label: str | None,
                 metric: ProjectMetric) -> str:
    what = f"the desired {metric.format(goal)}" + (f" ({label})" if label else "")
    return (f"Training {_level(metric)} at "
            f"{last.size:,} examples, {metric.format(last.train)}, is already worse than "
            f"{what}. Training error only grows as data is added, and dev stays above it, so "
            "more data alone will not reach the desired performance: reduce avoidable bias "
            "first (bigger model, longer training, better features; MLY ch. 29–30).")


def _flat_reason(last: CurvePoint, goal: float | None, metric: ProjectMetric,
                 sure: bool = True) -> str:
    gap = "" if last.train is None else (
        f" The gap between training ({metric.format(last.train)}) and dev "
        f"({metric.format(last.dev)}) is variance that more data "
        + ("no longer closes: try" if sure else "would then not close: try")
        + " regularization or a different architecture instead.")
    where = "" if goal is None else f" above the desired {metric.format(goal)}"
    if sure:
        return (f"The dev curve has flattened{where}: more data of this kind is unlikely to "
                f"help much (MLY ch. 28).{gap}")
    return (f"If the dev curve has flattened{where}, more data of this kind will not help "
            f"much (MLY ch. 28).{gap}")


def _projection_reason(last: CurvePoint, goal: float, needed: float,
                       metric: ProjectMetric) -> str:
    factor = 2 ** needed
    times = f"×{factor:,.1f}" if factor < 100 else f"×{factor:,.0f}"
    return (f"At the last step's pace, reaching the desired {metric.format(goal)} from "
            f"{metric.format(last.dev)} takes about {needed:.1f} doublings of the data "
            f"({times}, about {_about(last.size * factor)} examples). Curves flatten as "
            f"they go, so this is the best case: more data "
            + ("is likely to help." if needed <= MAX_DOUBLINGS + TOLERANCE else
               "alone is unlikely to get there; combine it with other fixes."))


def _about(n: float) -> str:
    """A projected number of examples to three significant digits: 40,300; 741,000,000."""
    return f"{float(f'{n:.3g}'):,.0f}"


def _noisy_reason(noisy: list[tuple], metric: ProjectMetric) -> str:
    a, b, worse = noisy[0]
    return (f"Dev gets worse from {a.size:,} to {b.size:,} training examples (by "
            f"{metric.format_gap(worse)}), more than the points' noise: more data of the "
            "same kind should not hurt, so the curve is too noisy to read.")


def _noise_advice(points: Sequence[CurvePoint]) -> tuple[str, ...]:
    advice = ["Train several models at each size on different random subsets of the "
              "training set (sampled with replacement) and record each: the page averages "
              "runs of one size and shows their spread (MLY ch. 32)."]
    if points[0].size < SMALL_TRAINING_SET:
        advice.append("At small sizes keep each subset's class mix close to the whole "
                      "training set's; a dev set too small for the differences also makes "
                      "the curve noisy.")
    return tuple(advice)
