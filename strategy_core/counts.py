"""Counts of examples, tasks, mistakes: whole, non-negative numbers.

One check for every rule and the command line: whole-valued floats (as pandas reads a CSV)
and digit strings are accepted; booleans, fractions, NaN, infinity and words are not.

The check lives in `strategy_core.values.counts`, shared with the store, and is
re-exported here.
"""

from __future__ import annotations

from strategy_core.values.counts import whole_count

__all__ = ["whole_count"]
