"""CSV/TSV detection and parsing: encodings, delimiters, `sep=`, decimal comma, odd files."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.importing import Limits, ReadError, inspect_file, read_sheet
from planner.importing.csvfile import CANDIDATES, detect, read_rows, sniff_delimiter

# Letters that are valid in cp1252 and never form valid UTF-8 when cp1252-encoded (all
# ≥ 0xC0), so the strict-UTF-8-first rule cannot misread a cp1252 file.
_ACCENTED = "äöüßéèàçñÄÖÜÉ"
_TEXT = st.text(
    alphabet=st.sampled_from(list("abcXYZ019 .-_'\"\n") + list(_ACCENTED)), max_size=12
)
_NUMBER = st.one_of(st.integers(-(10**6), 10**6), st.floats(-1e6, 1e6, allow_nan=False)).map(
    str
)


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@st.composite
def _tables(draw: st.DrawFn) -> tuple[list[list[str]], str, str]:
    delimiter = draw(st.sampled_from(CANDIDATES))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    width = draw(st.integers(2, 5))
    cell = st.one_of(_TEXT, _NUMBER, _TEXT.map(lambda text: text + delimiter))
    first = st.text(alphabet="abcdefgh", min_size=1, max_size=6)
    rows = draw(
        st.lists(
            st.tuples(first, st.lists(cell, min_size=width - 1, max_size=width - 1)),
            min_size=1,
            max_size=8,
        )
    )
    return [[head, *rest] for head, rest in rows], delimiter, encoding


@settings(max_examples=60, deadline=None)
@given(_tables())
def test_written_tables_read_back_equal(table: tuple[list[list[str]], str, str]) -> None:
    """Any table written with any delimiter and encoding is detected and read back equal."""
    rows, delimiter, encoding = table
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder) / "table.csv", buffer.getvalue(), encoding)
        fmt = detect(path, path.stat().st_size)
        assert fmt.delimiter == delimiter
        parsed = read_rows(path, fmt, "table", Limits())
    assert parsed.rows == [[cell or None for cell in row] for row in rows]
    assert parsed.notices == []


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("part\nA\nB\n", ","),  # one column: csv.Sniffer gives up here
        ("a;b;c\n1,5;2,5;3,5\n4,5;5,5;6,5\n", ";"),  # decimal commas outnumber semicolons
        ("a\tb\n1,5\t2\n", "\t"),
        ('a|b\n"x|y"|z\n', "|"),
        ('a,b\n"1;2;3",4\n', ","),  # quoted candidates do not count
    ],
)
def test_sniff_delimiter(text: str, delimiter: str) -> None:
    """The delimiter with the most consistent field count wins; quotes are respected."""
    assert sniff_delimiter(text) == delimiter


def test_sep_line_with_bom_is_consumed(tmp_path: Path) -> None:
    """Excel's `sep=;` first line sets the delimiter and is not data, even after a BOM."""
    path = _write(tmp_path / "sep.csv", "sep=;\r\nPart;Qty\r\nA;1,5\r\n", "utf-8-sig")
    info = inspect_file(path)
    assert (info.delimiter, info.decimal_comma) == (";", True)
    assert read_sheet(path).rows == [["Part", "Qty"], ["A", "1,5"]]


def test_utf16_without_bom(tmp_path: Path) -> None:
    """UTF-16 text without a byte-order mark is recognised by its NUL bytes."""
    path = _write(tmp_path / "u16.txt", "Part\tQty\nÄ-1\t3\n", "utf-16-le")
    fmt = detect(path, path.stat().st_size)
    assert (fmt.encoding, fmt.delimiter) == ("utf-16-le", "\t")


def test_undefined_cp1252_bytes_fall_back_to_latin1(tmp_path: Path) -> None:
    """Bytes cp1252 leaves undefined (0x81) are decoded as Latin-1, with a notice."""
    path = tmp_path / "odd.csv"
    path.write_bytes(b"a,b\n\x81x,\xe9\n")
    fmt = detect(path, path.stat().st_size)
    assert fmt.encoding == "latin-1"
    assert [notice.text for notice in fmt.notices] == ["encoding: Latin-1 (ISO-8859-1)"]


def test_tabular_text_named_xls_is_read(tmp_path: Path) -> None:
    """ERP exports often save tab-separated text as .xls: it is read as text."""
    path = _write(tmp_path / "export.xls", "Part\tQty\nA\t1\nB\t2\n")
    info = inspect_file(path)
    assert (info.kind, info.delimiter) == ("csv", "\t")
    assert read_sheet(path).rows[2] == ["B", "2"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>"),
        ("doc.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
        ("noise.csv", bytes(range(256)) * 8),
        ("note.xls", b"Attachment not found!\n"),
    ],
)
def test_not_a_spreadsheet(tmp_path: Path, name: str, content: bytes) -> None:
    """HTML, PDF, binary noise and plain prose are refused by what their bytes are."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReadError) as caught:
        inspect_file(path)
    assert caught.value.category == "not_a_spreadsheet"


def test_blank_file_is_empty(tmp_path: Path) -> None:
    """A file of blank lines is "empty", for inspect and read alike."""
    path = _write(tmp_path / "blank.csv", "\r\n \n\t\n")
    for call in (inspect_file, read_sheet):
        with pytest.raises(ReadError) as caught:
            call(path)
        assert caught.value.category == "empty"
