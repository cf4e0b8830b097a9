"""Binary workbooks (.xlsb): sheet list from workbook.bin, real extent of a sheet part.

Records are read as [MS-XLSB] 2.1.4 lays them out (variable-length type and size), streamed
from the part so memory stays flat. Only BrtRowHdr and the cell records' first bytes are
looked at: the row, the column and, for error cells, the error code.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from typing import IO, TYPE_CHECKING

from planner.importing.biff import ERROR_CODES
from planner.importing.model import ReadError
from planner.importing.ooxml import (
    SheetEntry,
    Workbook,
    find_workbook,
    relationships,
    sheet_kind,
)
from planner.importing.sheetscan import MAX_FLAGGED, ScanError, SheetScan

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from planner.importing.budget import Package
    from planner.importing.model import Limits

_ROW_HEADER = 0x0000
_CELL_ERROR = 0x0003
_FORMULA_ERROR = 0x000B
_VALUE_CELLS = frozenset(range(0x0002, 0x000C)) | {0x003E}  # blank (1) left out
_END_SHEET_DATA = 0x0092
_WB_PROP = 0x0099
_BUNDLE_SHEET = 0x009C
_MAX_RECORD = 16 << 20
_READ = 1 << 20


def records(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """Yield (record type, payload) from a binary part.

    Raises:
        ScanError: a record header is broken or a record is implausibly large.
    """
    buffer = b""
    pos = 0
    eof = False
    while True:
        if not eof and len(buffer) - pos < 16:
            more = stream.read(_READ)
            buffer, pos, eof = buffer[pos:] + more, 0, not more
        if pos >= len(buffer):
            return
        header = _header(buffer, pos)
        if header is None:
            raise ScanError("the part ends inside a record header")
        rtype, size, start = header
        if size > _MAX_RECORD:
            raise ScanError(f"a binary record claims {size:,} bytes")
        while len(buffer) < start + size:
            more = b"" if eof else stream.read(max(_READ, start + size - len(buffer)))
            if not more:
                raise ScanError("the part ends inside a record")
            buffer += more
        yield rtype, buffer[start : start + size]
        pos = start + size


def _header(buffer: bytes, pos: int) -> tuple[int, int, int] | None:
    """Decode a record header at `pos`: (type, size, payload start), or None if cut short."""
    end = len(buffer)
    if pos >= end:
        return None
    rtype = buffer[pos]
    pos += 1
    if rtype & 0x80:
        if pos >= end:
            return None
        rtype = (rtype & 0x7F) | ((buffer[pos] & 0x7F) << 7)
        pos += 1
    size = shift = 0
    for _ in range(4):
        if pos >= end:
            return None
        byte = buffer[pos]
        pos += 1
        size |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return rtype, size, pos


def _wide_string(payload: bytes, offset: int) -> tuple[str, int]:
    """Read an XLWideString (u32 character count + UTF-16LE); return (text, next offset)."""
    if offset + 4 > len(payload):
        return "", len(payload)
    count = struct.unpack_from("<I", payload, offset)[0]
    if count == 0xFFFFFFFF:
        return "", offset + 4
    end = offset + 4 + 2 * count
    return payload[offset + 4 : end].decode("utf-16-le", errors="replace"), end


def read_workbook(package: Package) -> Workbook:
    """Read the sheet list and the 1904 flag of an xlsb workbook.

    Raises:
        ReadError: damaged.
    """
    part = find_workbook(package)
    rels = relationships(package, part)
    sheets: list[SheetEntry] = []
    date1904 = False
    try:
        with package.open(part) as stream:
            for rtype, payload in records(stream):
                if rtype == _WB_PROP and len(payload) >= 4:
                    date1904 = bool(struct.unpack_from("<I", payload)[0] & 1)
                elif rtype == _BUNDLE_SHEET and len(payload) >= 12:
                    state = struct.unpack_from("<I", payload)[0]
                    rel_id, after = _wide_string(payload, 8)
                    name, _ = _wide_string(payload, after)
                    rel_type, target = rels.get(rel_id, ("", ""))
                    sheets.append(
                        SheetEntry(name, state != 0, target, sheet_kind(rel_type, target))
                    )
    except (ScanError, KeyError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ReadError(
            "damaged", package.path, None, "the workbook part is damaged", detail=repr(exc)
        ) from None
    return Workbook(
        kind="xlsb",
        sheets=tuple(sheets),
        date1904=date1904,
        has_macros=any(name.endswith("vbaproject.bin") for name in package.names()),
        has_external_links=any("externallink" in name for name in package.names()),
    )


def scan_sheet_bin(open_part: Callable[[], IO[bytes]], limits: Limits) -> SheetScan:
    """Return the real extent and error cells of an xlsb sheet part.

    Raises:
        ScanError: the part is damaged.
    """
    scan = SheetScan()
    row = 0
    try:
        with open_part() as stream:
            for rtype, payload in records(stream):
                if rtype == _ROW_HEADER and len(payload) >= 4:
                    row = struct.unpack_from("<I", payload)[0] + 1
                elif rtype in _VALUE_CELLS and len(payload) >= 8:
                    _note_cell(scan, rtype, row, payload)
                    if scan.over(limits):
                        return scan
                elif rtype == _END_SHEET_DATA:
                    break
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise ScanError(f"the sheet part cannot be unpacked: {exc}") from None
    return scan


def _note_cell(scan: SheetScan, rtype: int, row: int, payload: bytes) -> None:
    """Widen the extent by one cell record and remember error values."""
    column = struct.unpack_from("<I", payload)[0] + 1
    scan.rows = max(scan.rows, row)
    scan.columns = max(scan.columns, column)
    error = rtype in (_CELL_ERROR, _FORMULA_ERROR) and len(payload) > 8
    if error and len(scan.errors) < MAX_FLAGGED:
        scan.errors.append((row - 1, column - 1, ERROR_CODES.get(payload[8], "#VALUE!")))
