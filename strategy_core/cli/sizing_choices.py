"""`plan-split`'s options for data to leave out or weight (docs/rules.md §23; MLY ch. 37–39):
`--exclude NAME`, `--weight NAME=BETA`, `--inconsistent NAME`, `--capacity large|small|unknown`.
With any of them the JSON adds `left_out`, `weights`, `objective_share`, `warnings` and
`advice` to the §6 fields."""

from __future__ import annotations

import argparse
from typing import Any

from strategy_core.cli import parse_pairs
from strategy_core.errors import InputError
from strategy_core.sizing.source_choices import CAPACITIES, ChosenPlan, SourceChoices

SPLIT_NAMES = {"train": "train", "train_dev": "train-dev", "dev": "dev", "test": "test"}


def register_choices(p: argparse.ArgumentParser) -> None:
    p.add_argument("--exclude", action="append", metavar="NAME",
                   help="leave this source out of the split (repeat per source)")
    p.add_argument("--weight", action="append", metavar="NAME=BETA",
                   help="weight β of a source's examples in the training objective")
    p.add_argument("--inconsistent", action="append", metavar="NAME",
                   help="flag a source whose x → y mapping differs from the target's")
    p.add_argument("--capacity", choices=list(CAPACITIES), metavar="|".join(CAPACITIES),
                   help="is the model big enough to fit every source? (default unknown)")


def source_choices(args: argparse.Namespace) -> SourceChoices:
    weights = {}
    for name, text in parse_pairs(args.weight, "--weight").items():
        try:
            weights[name] = float(text)
        except ValueError:
            raise InputError(f"--weight {name}: '{text}' is not a number") from None
    return SourceChoices(frozenset(n.strip() for n in args.exclude or ()),
                         frozenset(n.strip() for n in args.inconsistent or ()), weights,
                         args.capacity or "unknown")


def chosen_plan_output(chosen: ChosenPlan) -> tuple[dict[str, Any], str]:
    plan = chosen.plan
    names = list(plan.train)
    width = max(len(name) for name in names)
    lines = [f"{'':{width}}  " + "  ".join(f"{label:>10}" for label in SPLIT_NAMES.values())
             + f"  {'β':>8}  {'objective':>9}"]
    for name in names:
        counts = [getattr(plan, field)[name] for field in SPLIT_NAMES]
        lines.append(f"{name:{width}}  " + "  ".join(f"{n:>10,}" for n in counts)
                     + f"  {chosen.weights[name]:>8.4g}  {chosen.objective_share[name]:>9.1%}")
    for name, n in chosen.left_out.items():
        lines.append(f"{name:{width}}  left out ({n:,} examples)")
    lines += ["", *plan.reasons, *[f"Warning: {w}" for w in chosen.warnings], *chosen.advice]
    return chosen.as_dict(), "\n".join(lines)
