"""Value types shared by the rules and the store: plain frozen dataclasses, their field
constants and the invariants of a single value (validation of one value, and parsing one
input's format), nothing that reads the store or decides anything.

One module per topic: `runs`, `human_levels`, `decisions`, `metric_log`, `metrics` (the
team's selection definition), `predictions` (a predictions file's layout), `counts`,
`categories` (error categories), `tag_sheet`. The rule modules re-export what they used to
define, so `strategy_core.runs.Run` and `strategy_core.values.runs.Run` are one class.

A values module imports only `strategy_core.errors`, `strategy_core.text`,
`strategy_core.rates` and other values modules (tests/core/test_values.py).
"""
