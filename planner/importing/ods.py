"""OpenDocument spreadsheets (.ods): encryption and the real extent of every sheet.

All sheets live in content.xml, so one defusedxml iterparse pass scans them all. Repeat
counts (`number-rows-repeated`, `number-columns-repeated`) are multiplied, never expanded:
a 1 KB file asking for 999,999,999 × 999,999,999 cells costs nothing to measure. Trailing
empty repeats (LibreOffice writes a million of them) do not widen the extent.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from planner.importing.model import ReadError
from planner.importing.sheetscan import SheetScan

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from planner.importing.budget import Package
    from planner.importing.model import Limits

MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_CELLS = (_TABLE + "table-cell", _TABLE + "covered-table-cell")
_HUGE = 10**12  # repeat counts are clamped here: already far beyond any limit


@dataclass
class OdsSheet:
    """One table of content.xml with its real extent."""

    name: str
    hidden: bool
    scan: SheetScan = field(default_factory=SheetScan)


def is_encrypted(package: Package) -> bool:
    """Return True when META-INF/manifest.xml declares encryption data."""
    if not package.has("META-INF/manifest.xml"):
        return False
    return b"encryption-data" in package.read("META-INF/manifest.xml", 4 << 20)


def scan_content(package: Package, limits: Limits) -> list[OdsSheet]:
    """Return every table of content.xml with its real extent.

    Raises:
        ReadError: damaged (no or broken content.xml) or unsafe (a DTD).
    """
    if not package.has("content.xml"):
        raise ReadError("damaged", package.path, None, "the part content.xml is missing")
    scanner = _Scanner(limits)
    try:
        with package.open("content.xml") as stream:
            for event, element in ElementTree.iterparse(
                stream, events=("start", "end"), forbid_dtd=True
            ):
                scanner.feed(event, element)
    except DefusedXmlException as exc:
        raise ReadError("unsafe", package.path, None, detail=repr(exc)) from None
    except (ElementTree.ParseError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ReadError(
            "damaged", package.path, None, "the part content.xml is damaged", detail=repr(exc)
        ) from None
    return scanner.sheets


def _count(element: Element, attribute: str) -> int:
    """Return a repeat count attribute (1 when absent or nonsense, clamped when absurd)."""
    text = element.get(_TABLE + attribute) or "1"
    if not text.isdigit():
        return 1
    return _HUGE if len(text) > 12 else max(1, int(text))


class _Scanner:
    """Iterparse state: hidden table styles, the current table, row and column."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.sheets: list[OdsSheet] = []
        self.hidden_styles: set[str] = set()
        self.row = 0
        self.col = 0
        self.row_width = 0  # columns up to the last cell with a value in the current row
        self.full = False  # the current table is already over the limits
        self.style_name = ""

    def feed(self, event: str, element: Element) -> None:
        """Process one iterparse event."""
        tag = element.tag
        if event == "start":
            self._start(tag, element)
        elif tag in _CELLS:
            self._cell(element)
        elif tag == _TABLE + "table-row":
            self._row(element)
        elif tag == _STYLE + "table-properties" and element.get(_TABLE + "display") == "false":
            self.hidden_styles.add(self.style_name)

    def _start(self, tag: str, element: Element) -> None:
        if tag == _TABLE + "table":
            style = element.get(_TABLE + "style-name") or ""
            name = element.get(_TABLE + "name") or f"Sheet{len(self.sheets) + 1}"
            self.sheets.append(OdsSheet(name, style in self.hidden_styles))
            self.row, self.full = 0, False
        elif tag == _TABLE + "table-row":
            self.col = self.row_width = 0
        elif tag == _STYLE + "style":
            self.style_name = element.get(_STYLE + "name") or ""

    def _cell(self, element: Element) -> None:
        repeat = _count(element, "number-columns-repeated")
        if element.get(_OFFICE + "value-type") is not None or len(element):
            self.row_width = self.col + repeat
        self.col += repeat
        element.clear()

    def _row(self, element: Element) -> None:
        repeat = _count(element, "number-rows-repeated")
        if self.sheets and self.row_width and not self.full:
            scan = self.sheets[-1].scan
            scan.rows = self.row + repeat
            scan.columns = max(scan.columns, self.row_width)
            self.full = scan.over(self.limits)
        self.row += repeat
        element.clear()
