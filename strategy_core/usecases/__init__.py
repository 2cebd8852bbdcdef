"""The use-case layer: where each feature loads, computes and saves.

One module per feature (runs, diagnosis, checklist, metrics, error analysis, sizing, guides,
decisions, report, backup, status, demo). Each function reads the store, applies the rules
(pure modules of `strategy_core`) and returns a result object, or validates and saves. Pages
(through `ui.cache`), the command line and the report call only these functions, so a number
shown in two places comes from one function.

Imports go one way: use cases import the rules and the store; rules never import the store
or this package, and the store imports neither (tests/core/test_architecture.py).
"""
