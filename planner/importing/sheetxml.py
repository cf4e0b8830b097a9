"""Real extent of an xlsx worksheet part, plus its error cells and formulas without results.

`<dimension>` is never trusted. The part is streamed, so memory stays flat whatever its
size. The fast path (`fastscan`) handles the canonical form every mainstream writer
produces; anything else (UTF-16 parts, namespace prefixes, cells without `r`) goes through
defusedxml's iterparse here. Both give the same answer. Empty cells (`<c r="Z9" s="3"/>`,
styles only) do not widen the extent, as in calamine.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from typing import IO, TYPE_CHECKING

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from planner.importing.fastscan import fast_scan
from planner.importing.model import column_index
from planner.importing.sheetscan import MAX_FLAGGED, ScanError, SheetScan

if TYPE_CHECKING:
    from collections.abc import Callable
    from xml.etree.ElementTree import Element

    from planner.importing.model import Limits

__all__ = ["MAX_FLAGGED", "ScanError", "SheetScan", "scan_half_xml", "scan_sheet_xml"]
_TEXT_REF = re.compile(r"^\$?([A-Za-z]+)\$?(\d+)$")
_UNPACK_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError)


def scan_sheet_xml(open_part: Callable[[], IO[bytes]], limits: Limits) -> SheetScan:
    """Return the real extent, error cells and result-less formulas of a worksheet part.

    Stops early once the extent is over the limits (the answer is "too large" anyway).

    Raises:
        ScanError: the part is damaged, or unsafe (a DTD).
    """
    try:
        with open_part() as stream:
            scan = fast_scan(stream, limits)
        if scan is not None:
            return scan
        with open_part() as stream:
            scan = SheetScan()
            _slow_scan(stream, scan, limits)
            return scan
    except _UNPACK_ERRORS as exc:
        raise ScanError(f"the sheet part cannot be unpacked: {exc}") from None


def scan_half_xml(
    open_part: Callable[[], IO[bytes]], limits: Limits, *, head: bool, split: int
) -> SheetScan | None:
    """Scan the head or the tail of a part (fast path only); None when not canonical.

    The halves meet at the first `</row>` starting at or after offset `split`.

    Raises:
        ScanError: the part cannot be unpacked.
    """
    try:
        with open_part() as stream:
            if head:
                return fast_scan(stream, limits, end=split)
            return fast_scan(stream, limits, begin=split)
    except _UNPACK_ERRORS as exc:
        raise ScanError(f"the sheet part cannot be unpacked: {exc}") from None


# ------------------------------------------------------------------ slow path


def _slow_scan(stream: IO[bytes], scan: SheetScan, limits: Limits) -> None:
    """Scan any well-formed worksheet XML with defusedxml's iterparse."""
    row = col = 0
    container: Element | None = None
    try:
        for event, element in ElementTree.iterparse(
            stream, events=("start", "end"), forbid_dtd=True
        ):
            name = element.tag.rpartition("}")[2]
            if event == "start":
                if name == "row":
                    row = _row_number(element.get("r"), row)
                    col = 0
                elif name == "sheetData":
                    container = element
                continue
            if name == "c":
                row, col = _slow_cell(element, row, col, scan)
                if scan.over(limits):
                    return
            elif name == "row" and container is not None:
                container.clear()  # rows already scanned: keep memory flat
    except DefusedXmlException as exc:
        raise ScanError(f"the sheet carries a DTD: {exc!r}", unsafe=True) from None
    except ElementTree.ParseError as exc:
        raise ScanError(f"the sheet XML is damaged: {exc}") from None


def _row_number(text: str | None, previous: int) -> int:
    """Return a row's 1-based number from its `r`, or the next one when it has none."""
    return int(text) if text and text.isdigit() else previous + 1


def _slow_cell(element: Element, row: int, col: int, scan: SheetScan) -> tuple[int, int]:
    """Account for one `<c>` element; return the (row, column) it occupies, 1-based."""
    match = _TEXT_REF.match(element.get("r") or "")
    if match:
        col, row = column_index(match.group(1).upper()) + 1, int(match.group(2))
    else:
        col += 1
    children = {child.tag.rpartition("}")[2]: child for child in element}
    value = children.get("v")
    if children.keys() & {"v", "is", "f"}:
        scan.rows, scan.columns = max(scan.rows, row), max(scan.columns, col)
    if element.get("t") == "e" and value is not None and len(scan.errors) < MAX_FLAGGED:
        scan.errors.append((row - 1, col - 1, (value.text or "").strip() or "#VALUE!"))
    if "f" in children and value is None and len(scan.formulas) < MAX_FLAGGED:
        scan.formulas.append((row - 1, col - 1))
    element.clear()
    return row, col
