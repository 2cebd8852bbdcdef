"""Whether dev and test come from the same distribution (docs/rules.md §6): a chi-square test on
their counts by source."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scipy.stats import chi2_contingency

from strategy_core.errors import InputError
from strategy_core.rates import format_pct
from strategy_core.sizing.common import _count


@dataclass(frozen=True)
class DistributionCheck:
    """Chi-square test that dev and test have the same mix of sources."""

    p_value: float
    same_distribution: bool
    alpha: float
    statistic: float
    dev_share: dict[str, float]
    test_share: dict[str, float]
    warning: str | None
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"p_value": self.p_value, "same_distribution": self.same_distribution}


def compare_distributions(
    dev_counts: Mapping[str, int], test_counts: Mapping[str, int], alpha: float = 0.05
) -> DistributionCheck:
    """Do dev and test come from the same distribution? Chi-square on the 2×k table (4.6).

    Sources missing on one side count 0; sources with 0 on both sides are dropped; with a
    single source left p = 1.0. Uses scipy's default (Yates' correction when k = 2).
    """
    if not 0 < alpha < 1:
        raise InputError(f"alpha {alpha} must be between 0 and 1 (e.g. 0.05)")
    dev = {str(k): _count(v, what=f"dev count for '{k}'") for k, v in dev_counts.items()}
    test = {str(k): _count(v, what=f"test count for '{k}'") for k, v in test_counts.items()}
    names = [n for n in dict.fromkeys([*dev, *test]) if dev.get(n, 0) + test.get(n, 0) > 0]
    dev_total = sum(dev.get(n, 0) for n in names)
    test_total = sum(test.get(n, 0) for n in names)
    if dev_total == 0 or test_total == 0:
        raise InputError("both dev and test need at least one example to compare their sources")
    dev_share = {n: dev.get(n, 0) / dev_total for n in names}
    test_share = {n: test.get(n, 0) / test_total for n in names}

    if len(names) < 2:
        statistic, p_value = 0.0, 1.0
    else:
        table = [[dev.get(n, 0) for n in names], [test.get(n, 0) for n in names]]
        result = chi2_contingency(table)
        statistic, p_value = float(result.statistic), float(result.pvalue)
    same = p_value >= alpha
    mix = "; ".join(
        f"{n}: dev {format_pct(dev_share[n])}, test {format_pct(test_share[n])}" for n in names
    )
    reasons = [f"Source mix: {mix}."]
    warning = None
    if same:
        reasons.append(
            f"No evidence that dev and test differ (chi-square p = {p_value:.3g} ≥ {alpha:g})."
        )
    else:
        warning = (
            "Dev and test come from different distributions: a model tuned on dev may "
            "disappoint on test, so draw both from the same data, e.g. shuffle them "
            "together and split again."
        )
        reasons.append(
            f"Dev and test differ in their source mix (chi-square p = {p_value:.3g} < "
            f"{alpha:g})."
        )
        reasons.append(warning)
    return DistributionCheck(
        p_value, same, alpha, statistic, dev_share, test_share, warning, tuple(reasons)
    )
