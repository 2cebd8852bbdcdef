"""Data to leave out or weight (docs/rules.md §23; MLY ch. 37–39), on top of the split of
mismatched sources (§6).

- A source can be **left out**: it takes no part in the split (ch. 37: data with no benefit
  for the target only costs computation; ch. 38: data whose x → y mapping differs from the
  target's pulls the model away from it).
- A source the team flags as **inconsistent** with the target (the same input would get a
  different label there: ch. 38's house prices of another city) and still keeps is warned
  about: leave it out, or add an input feature that tells the sources apart.
- A kept source can get a **weight** β: its examples count β times in the training
  objective (ch. 39: min Σ_target loss + β·Σ_other loss). Each kept source's share of the
  objective is β·(its training examples) over the sum of those.
- Whether more, different data hurts depends on the model (ch. 37): a model big enough to
  fit every source loses little; a small one spends capacity on what is particular to the
  other sources.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from strategy_core.errors import InputError
from strategy_core.sizing.splits import SplitPlan, plan_split

CAPACITIES: dict[str, str] = {
    "unknown": "Not sure",
    "large": "Big enough to fit every source",
    "small": "Limited (model size or compute)",
}
# Other kept sources at least this many times the target's training examples are "much
# larger" than the target data: the case where ch. 39 says weighting is worth it.
WEIGHTING_RATIO = 10
MAX_WEIGHT = 1000.0

WHEN_DATA_HURTS = (
    "More data from other distributions helps when one x → y mapping serves them and the "
    "target (a photo of a cat is a cat wherever it was taken) and the model is big enough to "
    "fit all of it. It hurts when the model is too small — it spends capacity on what is "
    "particular to the other data — or when the other data maps the same input to a "
    "different output than the target does (MLY ch. 37–38)."
)


@dataclass(frozen=True)
class SourceChoices:
    """What the team decided about the sources: left out, inconsistent with the target
    (flagged), weights β (a kept source without one counts 1), and the model's capacity."""

    excluded: frozenset[str] = frozenset()
    inconsistent: frozenset[str] = frozenset()
    weights: Mapping[str, float] = field(default_factory=dict)
    capacity: str = "unknown"

    @property
    def any(self) -> bool:
        """Whether anything differs from keeping every source at weight 1."""
        return bool(self.excluded or self.inconsistent or self.weights
                    or self.capacity != "unknown")


@dataclass(frozen=True)
class ChosenPlan:
    """The split of the kept sources (§6), what was left out, each kept source's weight and
    share of the training objective, the warnings and the advice (§23)."""

    plan: SplitPlan
    left_out: dict[str, int]
    weights: dict[str, float]
    objective_share: dict[str, float]
    warnings: tuple[str, ...]
    advice: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {**self.plan.as_dict(), "left_out": dict(self.left_out),
                "weights": dict(self.weights),
                "objective_share": {k: float(f"{v:.10g}") for k, v in
                                    self.objective_share.items()},
                "warnings": list(self.warnings), "advice": list(self.advice)}

    @property
    def verdict(self) -> str:
        text = self.plan.verdict
        if self.left_out:
            text += f" Left out: {', '.join(self.left_out)}."
        weighted = {k: v for k, v in self.weights.items() if k != self.plan.target and v != 1}
        if weighted:
            text += " Weights: " + ", ".join(f"{k} β = {v:.4g}" for k, v in weighted.items()) \
                + "."
        return text


def check_weight(value: object, source: str) -> float:
    """β of a source: a finite number above 0 and at most 1,000."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or \
            not math.isfinite(float(value)):
        raise InputError(f"the weight of '{source}' must be a number, not {value!r}")
    weight = float(value)
    if weight <= 0:
        raise InputError(f"the weight of '{source}' must be above 0: leave the source out "
                         "instead of weighting it 0")
    if weight > MAX_WEIGHT:
        raise InputError(f"the weight of '{source}' must be at most {MAX_WEIGHT:,.0f}")
    return weight


def _checked(sources: Mapping[str, int], target: str,
             choices: SourceChoices) -> dict[str, float]:
    """The choices checked against the sources; every kept source's weight."""
    unknown = sorted((choices.excluded | choices.inconsistent | set(choices.weights))
                     - set(sources))
    if unknown:
        raise InputError(f"'{unknown[0]}' is not one of the sources ({', '.join(sources)})")
    if target in choices.excluded:
        raise InputError(f"the target '{target}' cannot be left out: dev and test come "
                         "from it")
    if target in choices.inconsistent:
        raise InputError(f"the target '{target}' cannot be inconsistent with itself")
    if target in choices.weights and choices.weights[target] != 1:
        raise InputError(f"the target '{target}' has weight 1: weight the other sources "
                         "against it")
    if choices.capacity not in CAPACITIES:
        raise InputError(f"capacity '{choices.capacity}' is not one of "
                         f"{', '.join(CAPACITIES)}")
    return {name: check_weight(choices.weights.get(name, 1.0), name)
            for name in sources if name not in choices.excluded}


def plan_with_choices(sources: Mapping[str, int], target: str, dev: int | None = None,
                      test: int | None = None,
                      choices: SourceChoices | None = None) -> ChosenPlan:
    """The §6 split of the sources the team keeps, with their weights' shares of the
    training objective, the warnings and the advice of docs/rules.md §23."""
    choices = choices or SourceChoices()
    if target not in sources:
        plan_split(sources, target, dev, test)  # the §6 message naming the sources
    weights = _checked(sources, target, choices)
    kept = {name: n for name, n in sources.items() if name in weights}
    plan = plan_split(kept, target, dev, test)
    left_out = {name: int(n) for name, n in sources.items() if name not in weights}
    total = sum(weights[name] * plan.train[name] for name in kept)
    shares = {name: (weights[name] * plan.train[name] / total if total else 0.0)
              for name in kept}
    return ChosenPlan(plan, left_out, weights, shares,
                      _warnings(target, weights, choices),
                      _advice(plan, left_out, weights, shares, choices))


def _warnings(target: str, weights: Mapping[str, float],
              choices: SourceChoices) -> tuple[str, ...]:
    out = []
    for name in weights:
        if name in choices.inconsistent:
            out.append(
                f"'{name}' is flagged as inconsistent with '{target}': the same input gets a "
                "different label there, so training on it pulls the model away from the "
                "target. Leave it out, or add an input feature that tells the sources apart "
                "(MLY ch. 38).")
        if name != target and weights[name] > 1:
            out.append(f"'{name}' has weight {weights[name]:.4g}: each of its examples counts "
                       f"more than a '{target}' example, the data the product sees.")
    return tuple(out)


def _advice(plan: SplitPlan, left_out: Mapping[str, int], weights: Mapping[str, float],
            shares: Mapping[str, float], choices: SourceChoices) -> tuple[str, ...]:
    target = plan.target
    out = [_left_out_reason(name, n, name in choices.inconsistent)
           for name, n in left_out.items()]
    others = {name: plan.train[name] for name in weights if name != target}
    other_total = sum(others.values())
    if not other_total:
        return tuple(out)
    out.append(_capacity_reason(choices.capacity, other_total, plan.train[target], target))
    out.append(f"In the training objective '{target}' counts for {shares[target]:.1%} "
               f"({', '.join(f'{k} {v:.1%}' for k, v in shares.items() if k != target)}).")
    pool_target = plan.training_pool[target]
    pool_others = sum(plan.training_pool[name] for name in others)
    weighted = any(weights[name] != 1 for name in others)
    if not weighted and plan.beta and pool_others >= WEIGHTING_RATIO * pool_target:
        out.append(
            f"The other sources outnumber '{target}' {pool_others / pool_target:,.0f} to 1 in "
            f"the training pool: with limited compute, give them the weight β = "
            f"{plan.beta:.4g} so '{target}' counts as much as all of them together, and "
            "tune β on the dev set (MLY ch. 39).")
    return tuple(out)


def _left_out_reason(name: str, n: int, inconsistent: bool) -> str:
    if inconsistent:
        return (f"'{name}' ({n:,} examples) is left out: it is inconsistent with the target, "
                "so it would pull the model away from it (MLY ch. 38).")
    return (f"'{name}' ({n:,} examples) is left out. Leave out data only when it holds "
            "nothing the target needs (ch. 37's scanned historical documents for a cat "
            "detector): such data costs computation and gives no benefit.")


def _capacity_reason(capacity: str, other_total: int, target_train: int, target: str) -> str:
    more = f"{other_total:,} examples from other sources against {target_train:,} '{target}'"
    if capacity == "large":
        return (f"With a model big enough to fit every source, the {more} are unlikely to "
                "hurt and likely to help, as long as one x → y mapping serves them and the "
                "target (MLY ch. 37).")
    if capacity == "small":
        return (f"A model of limited size spends capacity on what is particular to the other "
                f"sources: with {more} it may do worse on '{target}'. Weight them down (β) or "
                "leave out the ones least like the target (MLY ch. 37, 39).")
    return f"The training set holds {more}. {WHEN_DATA_HURTS}"


def _flag(value: object, row: int, column: str) -> bool:
    """A checkbox cell: True/False (blank is `column`'s default, False)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("", "0", "no", "false", "n"):
        return False
    if text in ("1", "yes", "true", "y", "x"):
        return True
    raise InputError(f"'{value}' is not yes or no", row=row, column=column)


def choices_from_rows(rows: list[Mapping[str, object]], target: str,
                      capacity: str = "unknown") -> SourceChoices:
    """The planner table's rows (source, use, weight, inconsistent) into choices; a
    missing `use` keeps the source and a blank weight is 1. InputError names the row."""
    excluded, inconsistent, weights = set(), set(), {}
    for number, row in enumerate(rows, start=1):
        name = " ".join(str(row.get("source") or "").split())
        if not name:
            continue
        if "use" in row and row["use"] is not None and not _flag(row["use"], number, "use"):
            excluded.add(name)
        if _flag(row.get("inconsistent"), number, "inconsistent"):
            inconsistent.add(name)
        raw = row.get("weight")
        if raw is None or (isinstance(raw, float) and math.isnan(raw)) or raw == "":
            continue
        try:
            weight = check_weight(raw, name)
        except InputError as exc:
            raise InputError(exc.problem, row=number, column="weight") from None
        if name != target or weight != 1:
            weights[name] = weight
    if capacity not in CAPACITIES:
        raise InputError(f"capacity '{capacity}' is not one of {', '.join(CAPACITIES)}")
    return SourceChoices(frozenset(excluded), frozenset(inconsistent), weights, capacity)
