"""The text rule (docs/rules.md, "Text from users and files"): one function cleans text
before it is stored and before any renderer sees it; SQL bulk paths apply the same class."""

from __future__ import annotations

import duckdb
import pytest

from strategy_core.text import (
    REMOVED_RANGES,
    clean_text,
    clean_value,
    needs_cleaning,
    sql_clean,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("r\x0bvt", "rvt"),  # the vertical tab that aborted the chart renderer
        ("nul\x00here", "nulhere"),
        ("bell\x07 esc\x1b[31m", "bell esc[31m"),
        ("del\x7f c1\x85\x9f", "del c1"),
        ("line\r\nbreaks\rhere", "line\nbreaks\nhere"),
        ("tab\tand\nnewline stay", "tab\tand\nnewline stay"),
        ("abc\u202egnp.exe", "abcgnp.exe"),  # right-to-left override
        ("iso\u2066late\u2069", "isolate"),
        ("non\ufffechar\uffff", "nonchar"),
        ("lone \ud800 surrogate", "lone \ufffd surrogate"),
        ("Ünïcödé 日本語 emoji 🙂 stays", "Ünïcödé 日本語 emoji 🙂 stays"),
        ("", ""),
    ],
    ids=["vertical-tab", "nul", "c0-escape", "del-c1", "cr-crlf", "tab-lf-kept",
         "rtl-override", "bidi-isolate", "non-characters", "lone-surrogate", "unicode-kept",
         "empty"],
)
def test_clean_text(raw: str, clean: str):
    assert clean_text(raw) == clean
    assert needs_cleaning(raw) == (raw != clean)
    assert clean_text(clean) == clean  # idempotent


def test_every_removed_code_point_is_removed_and_neighbours_are_kept():
    for first, last in REMOVED_RANGES:
        for code in range(first, last + 1):
            assert clean_text(f"a{chr(code)}b") == "ab", hex(code)
        for code in (first - 1, last + 1):
            if code < 0 or code in (0x0A, 0x0D) or any(a <= code <= b for a, b in REMOVED_RANGES):
                continue
            assert clean_text(f"a{chr(code)}b") == f"a{chr(code)}b", hex(code)


def test_sql_expression_cleans_exactly_like_python():
    """Prediction imports clean inside DuckDB: the same text must come out."""
    samples = [chr(code) for code in range(0, 0x300)] + [
        "\u202a", "\u202e", "\u2066", "\u2069", "\u2067x", "\ufffe", "\uffff", "\ufffd",
        "a\r\nb", "a\rb", "a\n\rb", "\r\r\n", "plain text"]
    connection = duckdb.connect()
    got = connection.execute(
        f"SELECT {sql_clean('x')} FROM (SELECT unnest(?::VARCHAR[]) AS x, "
        "generate_subscripts(?::VARCHAR[], 1) AS i) ORDER BY i",
        [samples, samples]).fetchall()
    assert [row[0] for row in got] == [clean_text(s) for s in samples]


def test_clean_value_walks_nested_settings_and_specs():
    raw = {"name\x0b": ["a\x00", ("b\r", 1.5)], "n": None, "ok": True}
    assert clean_value(raw) == {"name": ["a", ("b\n", 1.5)], "n": None, "ok": True}
