"""The project's runs in the calculators (docs/rules.md §6): the defaults they start from, and
whether the dev set can tell two runs apart, paired when their predictions were uploaded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from strategy_core.errors import InputError
from strategy_core.rates import format_pct, parse_rate
from strategy_core.runs import Run
from strategy_core.sizing.common import _count, _short
from strategy_core.sizing.detection import SeparationCheck, detect_size, dev_set_can_separate

# Calculator defaults when the project has no run with a dev error and size yet.
EXAMPLE_ERROR = 0.05
EXAMPLE_DEV_SIZE = 10_000


@dataclass(frozen=True)
class CalculatorDefaults:
    """What the calculators start from: the newest run's dev error and dev size."""

    error: float
    n_dev: int
    run_name: str | None  # None: no run had a dev error, the example values are used
    n_dev_known: bool
    n_total: int | None  # the newest run's train + train-dev + dev + test, when known


def calculator_defaults(runs: Sequence[Run]) -> CalculatorDefaults:
    """The newest run with a dev error (runs are oldest first); its dev size when known,
    else the newest dev size any run recorded; the 5% / 10,000 example otherwise."""
    with_error = [run for run in runs if run.dev_error is not None]
    sizes = [run.n_dev for run in runs if run.n_dev]
    newest = with_error[-1] if with_error else (runs[-1] if runs else None)
    totals = [n for n in (newest.n_train, newest.n_train_dev, newest.n_dev, newest.n_test)
              if n] if newest is not None else []
    n_dev = (newest.n_dev if newest is not None else None) or (sizes[-1] if sizes else None)
    return CalculatorDefaults(
        EXAMPLE_ERROR if not with_error else float(newest.dev_error),  # type: ignore[union-attr]
        n_dev or EXAMPLE_DEV_SIZE,
        newest.name if with_error else None,  # type: ignore[union-attr]
        n_dev is not None,
        sum(totals) or None,
    )


def runs_by_dev_error(runs: Sequence[Run], *, higher_is_better: bool = False) -> list[Run]:
    """Runs with a dev level, best first (the lowest error; the highest accuracy when
    `higher_is_better`, docs/rules.md §16); on a tie the newer run comes first."""
    sign = -1 if higher_is_better else 1
    indexed = [(i, run) for i, run in enumerate(runs) if run.dev_error is not None]
    return [run for _, run in sorted(indexed,
                                     key=lambda item: (sign * item[1].dev_error, -item[0]))]


class DisagreementCounts(Protocol):
    """Two runs' per-example predictions on the same dev examples (store.predictions)."""

    n_common: int
    disagree: int
    rate: float | None
    errors_a: int
    errors_b: int


@dataclass(frozen=True)
class RunComparison:
    """Can the dev set tell two runs apart? The separation check with the runs named."""

    run_a: str
    run_b: str
    error_a: float
    error_b: float
    n_dev: int
    disagreement: float | None
    basis: str  # "predictions" (paired counts from uploads) or "runs" (the runs' dev errors)
    check: SeparationCheck
    unpaired_needed: int | None  # what two independent sets would need, for comparison
    verdict: str
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "run_a": self.run_a,
            "run_b": self.run_b,
            "error_a": self.error_a,
            "error_b": self.error_b,
            "disagreement": self.disagreement,
            "basis": self.basis,
            **self.check.as_dict(),
        }


def compare_runs(
    run_a: Run,
    run_b: Run,
    *,
    predictions: DisagreementCounts | None = None,
    disagreement: float | str | None = None,
    n_dev: int | None = None,
) -> RunComparison:
    """Is the dev set big enough to tell run_a from run_b? (4.6, via dev_set_can_separate)

    With per-example predictions on common dev examples, the errors, the set size and the
    disagreement rate ψ (examples exactly one run gets wrong: McNemar's discordant pairs)
    all come from them. Otherwise the runs' dev errors are used with the given dev size
    (default: the smaller recorded one) and ψ when given, else the unpaired size.
    """
    if predictions is not None and predictions.n_common > 0:
        n, a, b, psi, first = _from_predictions(run_a, run_b, predictions)
        basis = "predictions"
    else:
        n, a, b, psi, first = _from_dev_errors(run_a, run_b, disagreement, n_dev)
        basis = "runs"
    if n == 0:
        raise InputError("the dev set size must be at least 1")
    check = dev_set_can_separate(a, b, n, psi)
    unpaired = None if check.n_needed is None else (
        check.n_needed if check.method == "two_proportion"
        else detect_size(max(a, b), check.delta).n)
    names = f"{_short(run_a.name)} ({format_pct(a)}) vs {_short(run_b.name)} ({format_pct(b)})"
    if check.n_needed is None:
        verdict = f"{names}: same dev error, no dev set size can tell them apart."
    elif check.can_separate:
        verdict = (f"{names}: the {n:,}-example dev set is big enough to tell them apart "
                   f"(needs {check.n_needed:,}).")
    else:
        verdict = (f"{names}: the {n:,}-example dev set is too small to tell them apart "
                   f"(needs {check.n_needed:,}).")
    return RunComparison(
        run_a.name, run_b.name, a, b, n, psi, basis, check, unpaired, verdict,
        (first, *check.reasons),
    )


def _from_predictions(
    run_a: Run, run_b: Run, predictions: DisagreementCounts
) -> tuple[int, float, float, float | None, str]:
    """Set size, both errors and ψ from the runs' predictions on common dev examples, with
    the sentence that says so."""
    n = int(predictions.n_common)
    a, b = predictions.errors_a / n, predictions.errors_b / n
    psi: float | None = predictions.disagree / n
    first = (
        f"From the uploaded predictions: on the {n:,} dev examples both runs answered, "
        f"{_short(run_a.name)} is wrong on {predictions.errors_a:,} ({format_pct(a, 2)}), "
        f"{_short(run_b.name)} on {predictions.errors_b:,} ({format_pct(b, 2)}), and exactly "
        f"one of them is wrong on {predictions.disagree:,} (ψ = {format_pct(psi, 2)})."
    )
    return n, a, b, psi, first


def _from_dev_errors(
    run_a: Run, run_b: Run, disagreement: float | str | None, n_dev: int | None
) -> tuple[int, float, float, float | None, str]:
    """Set size, both errors and ψ (when given) from the runs' recorded dev errors and dev
    sizes, with the sentence that says so."""
    for run in (run_a, run_b):
        if run.dev_error is None:
            raise InputError(f"run '{run.name}' has no dev error")
    a, b = float(run_a.dev_error), float(run_b.dev_error)  # type: ignore[arg-type]
    if n_dev is None:
        known = [run.n_dev for run in (run_a, run_b) if run.n_dev]
        if not known:
            raise InputError("the dev set size of these runs is not known: enter it")
        n_dev = min(known)
    n = _count(n_dev, what="dev set size")
    psi = None if disagreement is None else parse_rate(disagreement,
                                                       what="disagreement rate")
    first = (
        f"{_short(run_a.name)} has a dev error of {format_pct(a, 2)} and "
        f"{_short(run_b.name)} {format_pct(b, 2)}, on {n:,} dev examples"
        + (f"; they answer differently on {format_pct(psi, 2)} of them." if psi is not None
           else "; how often they disagree is not known, so the unpaired size is used.")
    )
    return n, a, b, psi, first
