"""One rule for text from any input (docs/rules.md, "Text from users and files").

Names, notes, tags, labels and settings arrive from uploads, forms, tag sheets, prediction
files and restored bundles. Before any of it is stored, and again before any renderer
(charts, Markdown, HTML, CSV) sees it, it is cleaned by `clean_text`:

- control characters are removed: C0 (U+0000-U+001F, NUL included) except tab and line
  feed, DEL and C1 (U+007F-U+009F); a chart renderer that meets one of these aborts;
- line breaks are normalised: CR LF and a lone CR become LF (a bare CR splits CSV rows);
- bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069)
  are removed, so a name cannot display reversed ("Trojan Source" spoofing);
- the non-characters U+FFFE and U+FFFF are removed, and a lone surrogate (text decoded
  with `surrogateescape`, or a broken JSON escape) becomes U+FFFD.

Text is cleaned, never refused: an import keeps its rows and loses only the invisible
characters. The same character class is offered as an RE2 pattern for SQL, so bulk
imports that never pass through Python (DuckDB's read_csv) apply the same rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# (first, last) code points removed by the rule.
REMOVED_RANGES: tuple[tuple[int, int], ...] = (
    (0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0x7F, 0x9F),
    (0x202A, 0x202E), (0x2066, 0x2069), (0xFFFE, 0xFFFF),
)

_REMOVED = re.compile("[" + "".join(
    re.escape(chr(a)) + "-" + re.escape(chr(b)) for a, b in REMOVED_RANGES) + "]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CARRIAGE_RETURN = re.compile("\r\n?")

#: The removed characters as an RE2 character class, for DuckDB's `regexp_replace`.
SQL_REMOVED_CLASS = "[" + "".join(
    f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in REMOVED_RANGES) + "]"


def clean_text(value: str) -> str:
    """`value` with control, bidi-override and non-characters removed, CR/CRLF as LF and
    lone surrogates as U+FFFD (docs/rules.md, "Text from users and files")."""
    if value.isprintable() and value.isascii():
        return value  # the common case: nothing to do
    value = _SURROGATE.sub("\ufffd", value)
    value = _CARRIAGE_RETURN.sub("\n", value)
    return _REMOVED.sub("", value)


def needs_cleaning(value: str) -> bool:
    """True when `clean_text` would change `value`."""
    return clean_text(value) != value


def clean_value(value: Any) -> Any:
    """`clean_text` applied to every string inside nested dicts, lists and tuples (JSON
    settings, chart specifications); other values are returned as they are."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Mapping):
        return {clean_value(k): clean_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(clean_value(v) for v in value)
    return value


def sql_clean(expression: str) -> str:
    """A SQL expression applying the rule to `expression` (a column name chosen by code,
    never by input): CR/CRLF to LF, then the removed class dropped."""
    line_feed = "\n"  # a real LF inside the literal: RE2 replacements take no escapes
    return (f"regexp_replace(regexp_replace({expression}, '\\r\\n?', '{line_feed}', 'g'), "
            f"'{SQL_REMOVED_CLASS}', '', 'g')")


def is_utf16(head: bytes) -> bool:
    """UTF-16 text, with a byte-order mark or without one (a NUL byte beside every ASCII
    character), rather than UTF-8 or binary data."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    sample = head[:400]
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 8:
        return False
    even, odd = sample[0::2], sample[1::2]
    return (odd.count(0) == len(odd) and 0 not in even) or (
        even.count(0) == len(even) and 0 not in odd)
