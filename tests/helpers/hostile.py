"""Builders for spreadsheet files, ordinary and hostile, written part by part.

Writing the XML parts directly (rather than through openpyxl) lets a test say exactly what
the file holds: cells without `r`, prefixed elements, UTF-16 parts, 1 GiB of spaces, a DTD.
"""

from __future__ import annotations

import random
import string
import zipfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CellValue = str | int | float | bool | None


@dataclass
class Sheet:
    """A sheet to write: its XML body, or rows to turn into canonical XML."""

    name: str
    rows: Sequence[Sequence[CellValue]] = ()
    xml: str | bytes | None = None
    state: str = "visible"
    kind: str = "worksheet"


@dataclass
class Book:
    """A workbook to write."""

    sheets: list[Sheet] = field(default_factory=list)
    date1904: bool = False
    shared_strings: str | bytes | None = None
    extra_parts: dict[str, bytes] = field(default_factory=dict)


def column(index: int) -> str:
    """Return the letters of a 0-based column index."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_xml(row: int, col: int, value: CellValue) -> str:
    """Return one canonical `<c>` element (inline strings, numbers, booleans)."""
    ref = f"{column(col)}{row + 1}"
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return (
        f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
    )


def sheet_xml(rows: Iterable[Sequence[CellValue]], *, body: str = "") -> str:
    """Return a canonical worksheet part for rows of values (or a given sheetData body)."""
    if not body:
        parts = []
        for r, values in enumerate(rows):
            cells = "".join(cell_xml(r, c, value) for c, value in enumerate(values))
            parts.append(f'<row r="{r + 1}">{cells}</row>')
        body = "".join(parts)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><sheetData>{body}</sheetData></worksheet>'
    )


def write_xlsx(path: Path, book: Book) -> Path:
    """Write a minimal but valid xlsx package."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        _write_package(archive, book)
    return path


def _write_package(archive: zipfile.ZipFile, book: Book, *, skip_sheets: bool = False) -> None:
    overrides = [
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    ]
    sheets, rels = [], []
    for index, sheet in enumerate(book.sheets, start=1):
        folder = "chartsheets" if sheet.kind == "chartsheet" else "worksheets"
        part = f"xl/{folder}/sheet{index}.xml"
        body = sheet.xml if sheet.xml is not None else sheet_xml(sheet.rows)
        if not skip_sheets:
            archive.writestr(part, body)
        rel_type = f"{REL}/{sheet.kind}"
        target = f"{folder}/sheet{index}.xml"
        rels.append(f'<Relationship Id="rId{index}" Type="{rel_type}" Target="{target}"/>')
        state = "" if sheet.state == "visible" else f' state="{sheet.state}"'
        sheets.append(
            f'<sheet name="{escape(sheet.name)}" sheetId="{index}"{state} r:id="rId{index}"/>'
        )
    if book.shared_strings is not None:
        archive.writestr("xl/sharedStrings.xml", book.shared_strings)
        overrides.append(
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
        rels.append(
            f'<Relationship Id="rIdS" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        )
    date1904 = '<workbookPr date1904="1"/>' if book.date1904 else ""
    archive.writestr(
        "[Content_Types].xml",
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        f'ContentType="application/xml"/>{"".join(overrides)}</Types>',
    )
    archive.writestr(
        "_rels/.rels",
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
    )
    archive.writestr(
        "xl/workbook.xml",
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
        f"{date1904}<sheets>{''.join(sheets)}</sheets></workbook>",
    )
    archive.writestr(
        "xl/_rels/workbook.xml.rels",
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
        f"{''.join(rels)}</Relationships>",
    )
    for name, data in book.extra_parts.items():
        archive.writestr(name, data)


# ---------------------------------------------------------------- hostile files


def dimension_bomb(path: Path) -> Path:
    """One value in A1 and one at XFD1048576: 17 billion cells for a dense reader."""
    body = (
        '<row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
    )
    return write_xlsx(path, Book([Sheet("Bomb", xml=sheet_xml((), body=body))]))


def zip_bomb(path: Path, size: int = 1 << 30) -> Path:
    """An xlsx whose sheet part is `size` bytes of spaces, streamed (never held in memory)."""
    head = sheet_xml([["x"]]).encode()
    split = head.index(b"<sheetData>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        _write_package(archive, Book([Sheet("Sheet1", xml=b"")]), skip_sheets=True)
        block = b" " * (1 << 20)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(head[:split])
            for _ in range(size // len(block)):
                part.write(block)
            part.write(head[split:])
    return path


def xml_bomb(path: Path) -> Path:
    """Billion laughs in the shared strings, referenced from A1."""
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    strings = (
        f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]>'
        f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>&a9;</t></si></sst>'
    )
    body = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    book = Book([Sheet("Sheet1", xml=sheet_xml((), body=body))], shared_strings=strings)
    return write_xlsx(path, book)


def huge_cells(path: Path, length: int = 100_000) -> Path:
    """A sheet with a `length`-character text cell in B2 (Excel allows 32,767)."""
    rows: list[list[CellValue]] = [["part", "note"], ["P-1", "x" * length]]
    return write_xlsx(path, Book([Sheet("Sheet1", rows=rows)]))


def ragged_csv(path: Path) -> Path:
    """A CSV whose rows 3 and 5 have the wrong number of fields."""
    path.write_text("part,qty,price\nA,1,2.5\nB,2\nC,3,4.5\nD,4,5.5,extra\n", encoding="utf-8")
    return path


def shared_string_bomb(path: Path, length: int = 1 << 20, cells: int = 3000) -> Path:
    """One `length`-character shared string used by `cells` cells (3 GB if copied).

    The text is random so that the part compresses like real text (a run of one letter
    would already be refused as a zip bomb).
    """
    text = "".join(random.Random(7).choices(string.ascii_letters, k=length))
    strings = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{cells}" '
        f'uniqueCount="1"><si><t>{text}</t></si></sst>'
    )
    body = "".join(
        f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(1, cells + 1)
    )
    sheet = Sheet("Sheet1", xml=sheet_xml((), body=body))
    return write_xlsx(path, Book([sheet], shared_strings=strings))
