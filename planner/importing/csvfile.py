"""CSV and TSV files: encoding, delimiter, Excel's `sep=` line, decimal comma, ragged rows.

Detection (`detect`) runs in the calling process and only decodes bytes. Parsing
(`read_rows`) runs in the worker process. csv.Sniffer is not used: it fails on one-column
files and guesses wrong on semicolon files with decimal commas. Instead every candidate
delimiter parses a sample and the one giving the most consistent field count wins.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING

from planner.importing.model import Notice, ReadError
from planner.importing.sniff import utf16_without_bom

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from planner.importing.model import Cell, Limits

CANDIDATES = ("\t", ";", ",", "|")  # ties go to the earlier one
_SAMPLE_BYTES = 64 * 1024
_SAMPLE_RECORDS = 50
_NUMBER_RECORDS = 200
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SEP_LINE = re.compile(r'^"?sep=(.)"?[ \t]*(\r\n|\n|\r|$)', re.I)
_COMMA_DECIMAL = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+$")
_POINT_DECIMAL = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)\.\d+$")
_AMBIGUOUS = re.compile(r"^[+-]?\d{1,3}[.,]\d{3}$")  # 1,234 or 1.234: either reading
_NAMES = {"cp1252": "Windows-1252", "latin-1": "Latin-1 (ISO-8859-1)"}


@dataclass(frozen=True)
class CsvFormat:
    """How to read a text file.

    Attributes:
        encoding: a Python codec name.
        delimiter: the field delimiter.
        skip_first_line: the file starts with Excel's `sep=` line, consumed.
        decimal_comma: numbers use a decimal comma.
        notices: file-level notices (encoding guessed, decimal comma).
        tabular: the sample has at least two records of at least two fields.
    """

    encoding: str
    delimiter: str
    skip_first_line: bool
    decimal_comma: bool
    notices: tuple[Notice, ...]
    tabular: bool = True


def detect(path: Path, size: int) -> CsvFormat:
    """Work out encoding, delimiter, `sep=` line and decimal comma from the bytes.

    Raises:
        ReadError: empty when the file holds nothing but white space.
    """
    with path.open("rb") as handle:
        head = handle.read(_SAMPLE_BYTES)
    encoding = _bom_encoding(head) or utf16_without_bom(head[:4096])
    notices: list[Notice] = []
    if encoding is None:
        encoding = _utf8_or_fallback(path)
        if encoding in _NAMES:
            notices.append(Notice(None, None, None, f"encoding: {_NAMES[encoding]}"))
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)
    text = text.lstrip("\ufeff")
    if not text.strip():
        if size <= _SAMPLE_BYTES:
            raise ReadError("empty", path, None, "the file holds no data")
        text = ""
    sep = _SEP_LINE.match(text)
    if sep:
        delimiter, text = sep.group(1), text[sep.end() :]
    else:
        delimiter = sniff_delimiter(text, truncated=size > len(head))
    decimal_comma = _decimal_comma(text, delimiter)
    if decimal_comma:
        notices.append(Notice(None, None, None, "decimal comma: 1.234,5 means 1234.5"))
    counts = _field_counts(text, delimiter, truncated=size > len(head))
    tabular = len(counts) >= 2 and max(counts) >= 2
    return CsvFormat(
        encoding, delimiter, sep is not None, decimal_comma, tuple(notices), tabular
    )


def _bom_encoding(head: bytes) -> str | None:
    """Return the codec a byte-order mark announces (it is stripped when decoding)."""
    return next((name for bom, name in _BOMS if head.startswith(bom)), None)


def _utf8_or_fallback(path: Path) -> str:
    """Return "utf-8" if the whole file decodes strictly, else cp1252 (latin-1 if not)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return _cp1252_or_latin1(path)
    return "utf-8"


def _cp1252_or_latin1(path: Path) -> str:
    """Return "cp1252" unless the file uses one of its five undefined bytes."""
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            if any(byte in block for byte in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")):
                return "latin-1"
    return "cp1252"


def sniff_delimiter(text: str, *, truncated: bool = False) -> str:
    """Return the delimiter whose parse gives the most consistent field count.

    Each candidate parses the first records with the csv module (so quoted delimiters and
    line breaks are handled); the winner has the largest share of records with its most
    common field count, that count being at least 2. A file with no candidate is one column
    wide and gets ",".
    """
    best, best_score = ",", 0.0
    for delimiter in CANDIDATES:
        lengths = _field_counts(text, delimiter, truncated)
        if not lengths:
            continue
        mode, freq = Counter(lengths).most_common(1)[0]
        score = freq / len(lengths) if mode >= 2 else 0.0
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _field_counts(text: str, delimiter: str, truncated: bool) -> list[int]:
    """Return the field counts of the first non-blank records parsed with `delimiter`."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = [len(row) for row in islice(reader, _SAMPLE_RECORDS + 1) if row]
    except csv.Error:
        return []
    if truncated or len(records) > _SAMPLE_RECORDS:
        records = records[:-1] or records
    return records


def _decimal_comma(text: str, delimiter: str) -> bool:
    """Return True when unambiguous decimal-comma numbers outnumber decimal-point ones."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    comma = point = 0
    try:
        for row in islice(reader, _NUMBER_RECORDS):
            for field in row:
                value = field.strip().replace(" ", "")
                if _AMBIGUOUS.match(value):
                    continue
                comma += bool(_COMMA_DECIMAL.match(value))
                point += bool(_POINT_DECIMAL.match(value))
    except csv.Error:
        return False
    return comma > point


# ------------------------------------------------------------------ worker side


@dataclass
class CsvRows:
    """Rows parsed from a text file, with the ragged-row notices."""

    rows: list[list[Cell]]
    notices: list[Notice]
    columns: int


def read_rows(path: Path, fmt: CsvFormat, sheet: str, limits: Limits) -> CsvRows:
    """Parse the whole file (in the worker); blank fields become None.

    Raises:
        ReadError: too_large when the table is over the limits.
    """
    csv.field_size_limit(1 << 30)  # the worker's own process: cells are cut later
    rows: list[list[Cell]] = []
    notices: list[Notice] = []
    header = columns = cells = 0
    offset = 1 if fmt.skip_first_line else 0
    for line, record in _records(path, fmt):
        width = len(record)
        if width:
            if not header:
                header = width
            elif width != header and len(notices) < 1000:
                notices.append(_ragged(sheet, len(rows), line + offset, width, header))
        columns = max(columns, width)
        cells += width
        if (
            columns > limits.max_columns
            or cells > limits.max_cells
            or len(rows) >= limits.max_rows
        ):
            raise ReadError(
                "too_large",
                path,
                sheet,
                f"the file has more than {limits.max_cells:,} cells, "
                f"{limits.max_rows:,} rows or {limits.max_columns:,} columns",
            )
        rows.append([field or None for field in record])
    while rows and not any(cell is not None for cell in rows[-1]):
        rows.pop()
    return CsvRows(rows, notices, columns)


def _ragged(sheet: str, row: int, line: int, width: int, header: int) -> Notice:
    """Describe a row whose field count differs from the header's."""
    text = f"row {row + 1} (line {line}) has {width} cells, the header has {header}"
    return Notice(sheet, row, None, text)


def _records(path: Path, fmt: CsvFormat) -> Iterator[tuple[int, list[str]]]:
    """Yield (first physical line number, fields) for every record."""
    with path.open(encoding=fmt.encoding, errors="replace", newline="") as handle:
        if fmt.skip_first_line:
            first = handle.readline()
            if first.startswith("\ufeff"):
                first = first[1:]
        reader = csv.reader(handle, delimiter=fmt.delimiter)
        line = 1
        for record in reader:
            if record and record[0].startswith("\ufeff"):
                record[0] = record[0][1:]
            yield line, record
            line = reader.line_num + 1
