"""The one place for Streamlit caching: use-case reads, keyed on the data version.

Pages call a use case through `read` (a copy per call: small results, frames) or `shared`
(one object for every session and rerun: big frozen results such as 5,000 runs and their
diagnoses; never mutate what it returns). Both key the result on the use case, the database
path, the data version (every committed write, from any session, moves it on) and the
arguments, so a write invalidates everything read before. The store itself is passed
through unhashed: it is opened once per session (ui.session.store), never per call.

Results derived from data already read (a table of every run's diagnosis, a CSV file of a
big table) are kept with `derived`, under a key made by `key(store, *parts)`: the database
path, the data version and what else picks the data. No other code builds cache keys.
An uploaded file is read (and mapped) once per file with `upload`.

Nothing else in ui/ or pages/ uses st.cache_data or st.cache_resource
(tests/core/test_layers.py).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import streamlit as st

from strategy_core.store import Store

T = TypeVar("T")


def _name(function: Callable[..., Any]) -> str:
    return f"{function.__module__}.{function.__qualname__}"


@st.cache_data(show_spinner=False, max_entries=512)
def _read(name: str, path: str, version: int, args: tuple, kwargs: tuple,
          _function: Callable[..., Any], _store: Store) -> Any:
    del name, path, version  # part of the cache key only
    return _function(_store, *args, **dict(kwargs))


@st.cache_resource(show_spinner=False, max_entries=64)
def _shared(name: str, path: str, version: int, args: tuple, kwargs: tuple,
            _function: Callable[..., Any], _store: Store) -> Any:
    del name, path, version  # part of the cache key only
    return _function(_store, *args, **dict(kwargs))


def read(function: Callable[..., T], store: Store, *args: Any, **kwargs: Any) -> T:
    """`function(store, *args, **kwargs)` once per data version; each call gets a copy."""
    return _read(_name(function), store.path, store.version, args,
                 tuple(sorted(kwargs.items())), function, store)


def shared(function: Callable[..., T], store: Store, *args: Any, **kwargs: Any) -> T:
    """`function(store, *args, **kwargs)` once per data version, the same object for every
    session (for big frozen results; never mutate it)."""
    return _shared(_name(function), store.path, store.version, args,
                   tuple(sorted(kwargs.items())), function, store)


def computed(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """A pure computation over hashable inputs (a chart's data, a ranking), once per input,
    shared by every session."""
    return _computed(_name(function), args, tuple(sorted(kwargs.items())), function)


@st.cache_resource(show_spinner=False, max_entries=128)
def _computed(name: str, args: tuple, kwargs: tuple, _function: Callable[..., Any]) -> Any:
    del name
    return _function(*args, **dict(kwargs))


def key(store: Store, *parts: Hashable) -> tuple:
    """The cache key of something determined by the store's data and `parts` (the project,
    the chosen run, …): the database path and data version come first, so a write from any
    session makes a new key. For `derived`, and for the `cache_key` of `charts.show` and
    `widgets.safe_download`."""
    return (store.path, store.version, *parts)


def derived(ident: Hashable, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`function(*args, **kwargs)` once per `ident` (a `key(store, ...)` that determines the
    arguments: they are not hashed), shared by every session and rerun (never mutate it).
    For results computed from what a use case returned, such as the table of 5,000 runs'
    diagnoses, without hashing those inputs on every rerun."""
    return _derived(_name(function), ident, function, args, kwargs)


@st.cache_resource(show_spinner=False, max_entries=64)
def _derived(name: str, ident: Hashable, _function: Callable[..., Any], _args: tuple,
             _kwargs: dict) -> Any:
    del name, ident  # the cache key only
    return _function(*_args, **_kwargs)


def upload(function: Callable[..., T], data: bytes, *args: Hashable) -> T:
    """`function(data, *args)` over an uploaded file's bytes, once per file and arguments
    (not on every rerun while the user confirms the file), shared and frozen: never mutate
    it. Few are kept: a file may be tens of MB."""
    return _upload(_name(function), data, args, function)


@st.cache_resource(show_spinner=False, max_entries=8)
def _upload(name: str, data: bytes, args: tuple, _function: Callable[..., Any]) -> Any:
    del name  # the cache key only
    return _function(data, *args)
