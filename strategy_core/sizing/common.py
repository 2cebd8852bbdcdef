"""What the sizing calculators share: each calculator's rule as a formula to show beside
its inputs, and the small helpers the topic modules use (counts, rounding, short names)."""

from __future__ import annotations

from strategy_core.counts import whole_count

# Each calculator's rule in one line (KaTeX), shown next to its inputs.
FORMULAS: dict[str, str] = {
    "interval": (
        r"\text{Wilson: }\ \frac{\hat p + \frac{z^2}{2n} \pm z\sqrt{\frac{\hat p(1-\hat p)}{n}"
        r" + \frac{z^2}{4n^2}}}{1 + \frac{z^2}{n}},\quad z = z_{(1+c)/2}"
    ),
    "mcnemar": (
        r"n = \frac{\left(z_{1-\alpha/2}\sqrt{\psi} + z_{\text{power}}\sqrt{\psi - \Delta^2}"
        r"\right)^2}{\Delta^2}\quad\text{(paired, McNemar)}"
    ),
    "two_proportion": (
        r"n = \frac{\left(z_{1-\alpha/2}\sqrt{2\bar p(1-\bar p)} + z_{\text{power}}"
        r"\sqrt{p_1(1-p_1) + p_2(1-p_2)}\right)^2}{\Delta^2}\ \text{per set},"
        r"\quad p_2 = p_1 - \Delta"
    ),
    "eyeball": r"n = \left\lceil m \,/\, E \right\rceil",
    "split": (
        r"\text{dev} = \text{test} = \min(\lfloor 0.2\,N \rfloor,\ 10{,}000),\quad"
        r" \text{train} = N - \text{dev} - \text{test}"
    ),
    "plan": (
        r"\text{dev} = \text{test} = \min(\lfloor T/4 \rfloor,\ 10{,}000)\ \text{from target }T,"
        r"\quad \beta = \frac{\text{target examples in training}}"
        r"{\text{other examples in training}}"
    ),
    "chi_square": (
        r"\chi^2 = \sum \frac{(O - E)^2}{E}\ \text{over the } 2 \times k"
        r" \text{ table of dev and test counts by source},\ \text{df} = k - 1"
    ),
}


def _count(value: object, *, what: str) -> int:
    """A non-negative whole number (whole-valued floats from CSVs are accepted)."""
    return whole_count(value, what)


def _clean(value: float) -> float:
    """Drop float noise before rounding up (100 / 0.05 must give 2,000, not 2,001)."""
    return round(value, 9)


def _short(name: str, limit: int = 40) -> str:
    """A run name short enough for a one-line verdict."""
    return name if len(name) <= limit else name[: limit - 1] + "…"
