"""Altair charts drawn from a cached Vega-Lite spec.

Building an Altair chart and turning it into Vega-Lite validates it against the Vega-Lite
schema twice (on `encode` and on `to_dict`): 50–300 ms per chart, on every rerun, in every
session. `show` builds a chart's spec once per cache key and shares it between reruns and
sessions (benchmarks/results.md). The key is either given by the caller (the data version
and whatever else picks the data, for charts over a whole project) or a digest of the
builder's arguments (small result objects).
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Hashable
from typing import Any

import streamlit as st

try:  # the exact conversion st.altair_chart does (theme, Arrow datasets)
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec
except ImportError:  # pragma: no cover - another Streamlit version: draw without the cache
    _convert_altair_to_vega_lite_spec = None


@st.cache_resource(show_spinner=False, max_entries=128)
def _spec(ident: tuple, _build: Callable[..., Any], _args: tuple, _kwargs: dict) -> dict:
    return _convert_altair_to_vega_lite_spec(_build(*_args, **_kwargs))


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
    if ident is None or _convert_altair_to_vega_lite_spec is None:
        st.altair_chart(build(*args, **kwargs), width="stretch", key=key)
        return
    spec = _spec((build.__module__, build.__qualname__, ident), build, args, kwargs)
    st.vega_lite_chart(spec, width="stretch", key=key)
