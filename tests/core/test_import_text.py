"""What the bad-input corpus uncovered in the importers, one rule per test:
UTF-16 without a byte-order mark, the byte scan of prediction files (NUL bytes, text that is
not UTF-8, across chunk boundaries), the file line of a record after blank lines and quoted
newlines, long header lines, and how the run importer reads a column mixing scales."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from strategy_core import predictions_csv
from strategy_core.errors import InputError
from strategy_core.predictions_csv import check_text, read_layout, record_lines
from strategy_core.run_csv import build_runs, detect_scale, is_utf16, propose_mapping, read_table


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("name,dev_error\n".encode("utf-16"), True),
        ("name,dev_error\na,0.1\n".encode("utf-16-le"), True),
        ("name,dev_error\na,0.1\n".encode("utf-16-be"), True),
        (b"name,dev_error\na,0.1\n", False),
        ("naïve,dev_error\n".encode(), False),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", False),
        (b"ab", False),
    ],
    ids=["bom", "little-endian-without-bom", "big-endian-without-bom", "ascii", "utf-8",
         "gzip", "too-short-to-tell"],
)
def test_utf16_is_recognized_with_or_without_a_byte_order_mark(data, expected):
    assert is_utf16(data) is expected


def layout_of(header: bytes):
    return read_layout(header)


@pytest.mark.parametrize(
    ("data", "row", "column", "words"),
    [
        (b"example_id,label,prediction\ne1,a,a\ne2,a\x00b,b\n", 3, "label", "NUL byte"),
        (b"example_id,label,prediction\ne1,a,a\ne2,a,b\xe9\n", 3, "prediction", "not UTF-8"),
        (b"example_id,label,prediction\ne1,a,a\ne2,a,b\n\xff", 4, "example_id", "not UTF-8"),
        (b"example_id,label,prediction\ne1,a,\xc3", 2, "prediction", "not UTF-8"),
    ],
    ids=["nul-in-a-cell", "latin-1-byte", "bad-byte-on-the-last-line", "cut-character-at-end"],
)
def test_check_text_names_row_and_column(data, row, column, words):
    layout = layout_of(data.split(b"\n", 1)[0] + b"\n")
    with pytest.raises(InputError) as caught:
        check_text(io.BytesIO(data), layout)
    assert (caught.value.row, caught.value.column) == (row, column)
    assert words in str(caught.value)


def test_check_text_reads_characters_split_across_chunks(monkeypatch):
    monkeypatch.setattr(predictions_csv, "SCAN_BYTES", 7)
    data = "example_id,label,prediction\n" + "".join(
        f"e{i},chat noir é ü 猫,cat\n" for i in range(50))
    layout = layout_of(data.encode().split(b"\n", 1)[0] + b"\n")
    check_text(io.BytesIO(data.encode()), layout)  # no error: every character is whole
    bad = data.encode() + b"e50,\xe9t\xe9,cat\n"
    with pytest.raises(InputError) as caught:
        check_text(io.BytesIO(bad), layout)
    assert (caught.value.row, caught.value.column) == (52, "label")


def test_record_lines_count_blank_lines_and_quoted_newlines(tmp_path: Path):
    path = tmp_path / "p.csv"
    path.write_bytes(b'example_id,label,prediction,text\r\n\r\ne1,a,a,"two\r\nlines"\r\n'
                     b'\r\ne2,a,b,x\r\ne3,a,b,"three\nline\ncell"\ne4,a,a,y\n')
    found = record_lines(path, ",", records=[1, 2, 3, 4], reader_lines=[3, 5])
    assert found == {("record", 1): 3, ("record", 2): 6, ("record", 3): 7, ("record", 4): 10,
                     ("reader", 3): 3, ("reader", 5): 6}


def test_record_lines_place_a_record_whose_quote_never_closes(tmp_path: Path):
    path = tmp_path / "p.csv"
    path.write_bytes(b'example_id,label,prediction,text\ne1,a,a,"two\nlines"\ne2,a,b,"open\n')
    assert record_lines(path, ",", reader_lines=[3]) == {("reader", 3): 4}


def test_a_header_line_longer_than_the_limit_is_refused():
    head = b"example_id,label,prediction," + b"x" * predictions_csv.HEADER_BYTES
    with pytest.raises(InputError, match="header line is longer"):
        read_layout(head[: predictions_csv.HEADER_BYTES])


@pytest.mark.parametrize(
    ("cells", "decimal_comma", "scale"),
    [
        (["0.08", "12%"], False, "fraction"),
        (["8", "12%"], False, "percent"),
        (["8%", "12.5%"], False, "percent"),
        (["8,5", "12,25"], True, "percent"),
        (["0,5", "0,25"], True, "fraction"),
    ],
    ids=["bare-fraction-beside-a-percent-sign", "bare-percent-beside-a-percent-sign",
         "all-percent-signs", "decimal-comma-percents", "decimal-comma-fractions"],
)
def test_scale_follows_the_bare_numbers(cells, decimal_comma, scale):
    assert detect_scale(cells, decimal_comma) == scale


@pytest.mark.parametrize(
    ("text", "row", "words"),
    [
        ("name,val_acc\na,0.92\nb,1.2\n", 2, "0.92 looks like a fraction"),
        ("name,val_acc\na,95\nb,1\n", 3, "1 looks like a fraction"),
    ],
    ids=["fraction-beside-1.2", "one-beside-95"],
)
def test_an_accuracy_column_mixing_fractions_and_percents_is_refused(text, row, words):
    table = read_table(text.encode())
    built = build_runs(table, propose_mapping(table))
    assert not built.ok
    (problem,) = built.problems
    assert (problem.row, problem.column) == (row, "val_acc") and words in str(problem)


def test_an_error_column_mixing_scales_is_read_as_percents_with_a_warning():
    table = read_table(b"name,dev_error\na,0.5\nb,12\n")
    built = build_runs(table, propose_mapping(table))
    assert [r.dev_error for r in built.runs] == pytest.approx([0.005, 0.12])
    assert any("mixes values below and above 1" in w for w in built.warnings)


def test_run_files_over_the_limit_are_refused_before_reading():
    from strategy_core.run_csv import MAX_FILE_MB

    with pytest.raises(InputError, match=f"larger than the {MAX_FILE_MB} MB limit"):
        read_table(b"name,dev_error\n" + b"a,0.1\n" * (MAX_FILE_MB * 1024 * 1024 // 6 + 1))
