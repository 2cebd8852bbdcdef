"""Untrusted text inside Markdown stays text (docs/rules.md §13).

Names, tags and notes come from uploads and from other people. Before such text is put
into Markdown (the app's messages, the report), every character Markdown, Streamlit's
directives (`:red[…]`) or LaTeX (`$…$`) could interpret is backslash-escaped.
"""

from __future__ import annotations

import re

from strategy_core.text import clean_text

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&\"'=^])")


def escape(text: object) -> str:
    """`**x**` -> `\\*\\*x\\*\\*`; newlines become spaces so a name cannot start a block."""
    flat = " ".join(clean_text(str(text)).split())
    return _SPECIAL.sub(r"\\\1", flat)
