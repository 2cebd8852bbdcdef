"""The project metric's rules (docs/rules.md §16): the value type and presets live in
`strategy_core.values.project_metric`; this module proposes a metric from the names of
the columns an import maps to the splits."""

from __future__ import annotations

from collections.abc import Iterable

from strategy_core.errors import InputError
from strategy_core.rates import parse_rate
from strategy_core.run_csv.mapping import tokens
from strategy_core.values.project_metric import (
    DIRECTIONS,
    ERROR_RATE,
    KINDS,
    PERCENT,
    PRESET_TOKENS,
    PRESETS,
    PROJECT_METRIC_SETTING,
    ProjectMetric,
    metric_from_setting,
    with_changes,
)

__all__ = ["DIRECTIONS", "ERROR_RATE", "KINDS", "PERCENT", "PRESETS", "PRESET_TOKENS",
           "PROJECT_METRIC_SETTING", "ProjectMetric", "metric_from_setting", "parse_level",
           "propose_metric", "with_changes"]


def parse_level(text: str, what: str, metric: ProjectMetric) -> float:
    """A level typed in the metric's units (docs/rules.md §16): a rate as 8% or 0.08; a
    percentage quantity such as WER as 12% or 0.12, above 100% allowed; anything else as
    a plain number; checked against the metric's range."""
    if metric.kind == "rate":
        return parse_rate(text, what=what)
    raw = text.strip()
    percent = metric.percent and raw.endswith("%")
    try:
        value = float(raw[:-1] if percent else raw)
    except ValueError:
        raise InputError(f"{what} '{text}' is not a number") from None
    return metric.check(value / 100 if percent else value, what)


def propose_metric(column_names: Iterable[str]) -> ProjectMetric | None:
    """The preset the split columns' names point to, checked in the order of
    `PRESET_TOKENS` (an error or accuracy first, a loss last, as a loss column often sits
    beside the metric a team reports); None when no name says.

    'val_wer' -> Word error rate; 'eval_loss' -> Loss; 'dev_acc' -> Accuracy."""
    words = [set(tokens(name)) for name in column_names]
    for key, hints in PRESET_TOKENS.items():
        if any(words_of & set(hints) for words_of in words):
            return PRESETS[key]
    return None
