"""Share links: the page's address with `?project=<slug>` and the run or sample shown.

Pages call `select(run=...)` or `select(sample=...)` for what they show; app.py renders the
link in the sidebar after the page ran. A link's parameters are read back with
`requested(name)` and always checked against the database by the page before use.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from strategy_core.markdown import escape

SELECTION_KEY = "share_selection"
MAX_PARAM_LENGTH = 200


def begin_page() -> None:
    """Forget the previous page's selection (app.py, before the page runs)."""
    st.session_state[SELECTION_KEY] = {}


def select(**params: str | int | None) -> None:
    """Add what the page shows (e.g. run name, sample id) to its share link and URL."""
    selection = st.session_state.setdefault(SELECTION_KEY, {})
    for name, value in params.items():
        if value is None:
            selection.pop(name, None)
            if name in st.query_params:
                del st.query_params[name]
        else:
            selection[name] = str(value)
            if st.query_params.get(name) != str(value):
                st.query_params[name] = str(value)


def requested(name: str) -> str | None:
    """A link's parameter as text (None when absent, empty or absurdly long)."""
    value = st.query_params.get(name)
    if value is None or not value.strip() or len(value) > MAX_PARAM_LENGTH:
        return None
    return value.strip()


def unknown(name: str, value: str, fallback: str) -> None:
    """Tell the user the link named something that is not here, and drop the parameter."""
    st.warning(f"The link's {name} **{escape(value)}** is not in this project; {fallback}.",
               icon=":material/link_off:")
    if name in st.query_params:
        del st.query_params[name]


def link(project_slug: str) -> str:
    """The URL of the current page with the project and the page's selection."""
    params = {"project": project_slug, **st.session_state.get(SELECTION_KEY, {})}
    base = st.context.url or ""
    return f"{base}?{urlencode(params)}"


def render(project_slug: str) -> None:
    """The sidebar's 'Share this view' box: a link with a copy button."""
    with st.sidebar, st.expander("Share this view", icon=":material/link:"):
        st.caption("Anyone with access to this app who opens the link sees this page, "
                   "project and selection.")
        st.code(link(project_slug), language=None, wrap_lines=True)
