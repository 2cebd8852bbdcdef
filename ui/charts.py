"""Altair charts drawn from a cached Vega-Lite spec.

Building an Altair chart and turning it into Vega-Lite validates it against the Vega-Lite
schema twice (on `encode` and on `to_dict`): 50–300 ms per chart, on every rerun, in every
session. `show` builds a chart's spec once per cache key and shares it between reruns and
sessions (benchmarks/results.md). The key is either given by the caller (the data version
and whatever else picks the data, for charts over a whole project) or a digest of the
builder's arguments (small result objects).

The spec comes from Altair's public `to_dict` (data inlined as named datasets), less what
Altair's default theme adds (300×300 default view sizes), which st.altair_chart leaves out
too: the app's charts set their own heights and fill the width.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Hashable
from typing import Any

import altair as alt
import streamlit as st

from ui import cache


def vega_lite_spec(chart: alt.TopLevelMixin) -> dict | None:
    """The chart as a Vega-Lite spec for st.vega_lite_chart; None when its data is over
    Altair's row limit for inlined data (then st.altair_chart draws it)."""
    try:
        spec = chart.to_dict()
    except alt.MaxRowsError:
        return None
    if alt.theme.active == "default":  # st.altair_chart draws without the default theme
        config = _without(spec.get("config", {}), alt.theme.get()().get("config", {}))
        if config:
            spec["config"] = config
        else:
            spec.pop("config", None)
    return spec


def _without(values: dict, defaults: dict) -> dict:
    """`values` less the entries equal to those of `defaults` (nested dicts alike)."""
    out = {}
    for name, value in values.items():
        if name in defaults:
            if isinstance(value, dict) and isinstance(defaults[name], dict):
                value = _without(value, defaults[name])
                if not value:
                    continue
            elif value == defaults[name]:
                continue
        out[name] = value
    return out


def _spec(build: Callable[..., Any], args: tuple, kwargs: dict) -> dict | None:
    return vega_lite_spec(build(*args, **kwargs))


def _digest(args: tuple, kwargs: dict) -> str | None:
    try:
        return hashlib.sha256(pickle.dumps((args, sorted(kwargs.items())), protocol=5)
                              ).hexdigest()
    except Exception:  # noqa: BLE001 - an argument that cannot be pickled: no cache
        return None


def show(build: Callable[..., Any], *args: Any, key: str | None = None,
         cache_key: Hashable | None = None, **kwargs: Any) -> None:
    """Draw `build(*args, **kwargs)` (a chart builder from strategy_core.charts) full width.

    `cache_key` must determine the builder's arguments (e.g. the store path, data version,
    project and chosen run); without it the arguments themselves are the key.
    """
    ident = cache_key if cache_key is not None else _digest(args, kwargs)
    spec = None if ident is None else cache.derived(
        (build.__module__, build.__qualname__, ident), _spec, build, args, kwargs)
    if spec is None:
        st.altair_chart(build(*args, **kwargs), width="stretch", key=key)
        return
    st.vega_lite_chart(spec, width="stretch", key=key)
