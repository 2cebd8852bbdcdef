"""How sure a mean is when the metric is no rate (docs/rules.md §17): bootstrap intervals of
a mean of per-example values (a loss, an absolute error, a WER per utterance) and of the
difference of two such means on independent samples.

Wilson and Newcombe intervals need a share of examples; these need only the per-example
values. They resample with a fixed seed, so the same values always give the same interval.
SciPy is imported on first use (strategy_core/stats.py says why).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from strategy_core.diagnosis.gaps import ErrorLevels
from strategy_core.errors import InputError
from strategy_core.stats import Interval

N_RESAMPLES = 2000
# BCa needs a jackknife, which costs n² for n values: above this many values per sample
# the percentile interval is used (the two agree closely there).
BCA_LIMIT = 2000
# Resampled values held in memory at once (about 32 MB of floats).
BATCH_VALUES = 4_000_000


def _values(values: Iterable[float], what: str) -> np.ndarray:
    """Finite per-example values as an array, at least two of them, or InputError."""
    try:
        array = np.asarray(list(values), dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{what} must be numbers") from exc
    if array.ndim != 1:
        raise InputError(f"{what} must be a flat list of numbers")
    if array.size < 2:
        raise InputError(f"{what} need at least 2 values for an interval, got {array.size}")
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise InputError(f"{what} hold {bad.size:,} value(s) that are not finite numbers "
                         f"(NaN or infinite), the first at position {bad[0] + 1:,}")
    return array


def _check_confidence(confidence: float) -> float:
    if not isinstance(confidence, int | float) or not 0 < confidence < 1:
        raise InputError(f"confidence {confidence!r} must be between 0 and 1 (e.g. 0.95)")
    return float(confidence)


def _mean(sample: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(sample, axis=axis)


def _mean_difference(a: np.ndarray, b: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(a, axis=axis) - np.mean(b, axis=axis)


def _bootstrap(samples: tuple[np.ndarray, ...], statistic: Callable[..., np.ndarray],
               confidence: float, seed: int) -> Interval:
    """SciPy's bootstrap interval (BCa for small samples, else percentile), seeded."""
    largest = max(sample.size for sample in samples)
    method = "BCa" if largest <= BCA_LIMIT else "percentile"
    low, high = _resample(samples, statistic, confidence, seed, method)
    if method == "BCa" and not (math.isfinite(low) and math.isfinite(high)):
        # Few distinct values can leave BCa's acceleration undefined.
        low, high = _resample(samples, statistic, confidence, seed, "percentile")
    return Interval(low, high)


def _resample(samples: tuple[np.ndarray, ...], statistic: Callable[..., np.ndarray],
              confidence: float, seed: int, method: str) -> tuple[float, float]:
    from scipy.stats import bootstrap

    batch = max(1, BATCH_VALUES // sum(sample.size for sample in samples))
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # an undefined BCa end is handled by the caller
        result = bootstrap(samples, statistic, n_resamples=N_RESAMPLES, batch=batch,
                           vectorized=True, confidence_level=confidence, method=method,
                           rng=np.random.default_rng(seed))
    low, high = result.confidence_interval
    return float(low), float(high)


def mean_interval(values: Iterable[float], confidence: float = 0.95,
                  seed: int = 0) -> Interval:
    """Bootstrap interval of the mean of per-example values (docs/rules.md §17): 2,000
    resamples, BCa up to 2,000 values and percentile above; the same seed gives the same
    interval. All values equal: the interval is that value."""
    sample = _values(values, "per-example values")
    level = _check_confidence(confidence)
    if np.ptp(sample) == 0:
        return Interval(float(sample[0]), float(sample[0]))
    return _bootstrap((sample,), _mean, level, seed)


def mean_difference_interval(a_values: Iterable[float], b_values: Iterable[float],
                             confidence: float = 0.95, seed: int = 0) -> Interval:
    """Bootstrap interval of mean(a) − mean(b) for two independent samples, each resampled
    on its own (docs/rules.md §17). Both samples constant: the interval is the difference."""
    a = _values(a_values, "the first per-example values")
    b = _values(b_values, "the second per-example values")
    level = _check_confidence(confidence)
    if np.ptp(a) == 0 and np.ptp(b) == 0:
        difference = float(a[0] - b[0])
        return Interval(difference, difference)
    return _bootstrap((a, b), _mean_difference, level, seed)


def value_gap_intervals(levels: ErrorLevels, values: Mapping[str, Sequence[float]],
                        confidence: float = 0.95) -> dict[str, Interval]:
    """The gaps' intervals of a metric that is no rate, from a run's per-example values by
    split (docs/rules.md §17): the bootstrap interval of the difference of the two splits'
    means (of the one split's mean, less human level, for avoidable bias), signed like the
    gap and moved to centre on the gap as the run recorded it. Gaps whose splits have
    fewer than two values get none."""
    metric = levels.metric
    pairs = {"avoidable_bias": ("train", None),
             "variance": ("train_dev" if levels.train_dev is not None else "dev", "train"),
             "data_mismatch": ("dev", "train_dev"), "dev_overfitting": ("test", "dev")}
    gaps = {"avoidable_bias": metric.gap(levels.train, levels.human),
            "variance": metric.gap(levels.train_dev if levels.train_dev is not None
                                   else levels.dev, levels.train),
            "data_mismatch": metric.gap(levels.dev, levels.train_dev),
            "dev_overfitting": metric.gap(levels.test, levels.dev)}
    out: dict[str, Interval] = {}
    for name, (upper, lower) in pairs.items():
        gap, a = gaps[name], values.get(upper, ())
        b = values.get(lower, ()) if lower is not None else ()
        if gap is None or len(a) < 2 or (lower is not None and len(b) < 2):
            continue
        if lower is None:
            raw = mean_interval(a, confidence)
            centre = float(np.mean(a))
        else:
            raw = mean_difference_interval(a, b, confidence)
            centre = float(np.mean(a)) - float(np.mean(b))
        low, high = sorted((metric.sign * (raw.low - centre), metric.sign * (raw.high - centre)))
        out[name] = Interval(gap + low, gap + high)
    return out
