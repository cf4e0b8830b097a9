"""BIFF record scanning for .xls: encryption, sheet list, 1904 flag, real extents, error cells.

Works on the Workbook stream of a compound file (BIFF5/8) or on a bare BIFF2-4 file. Only
record headers and a few fixed fields are read; cell text is never decoded.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

BOF_IDS = frozenset({0x0009, 0x0209, 0x0409, 0x0809})
_EOF = 0x000A
_FILEPASS = 0x002F
_DATEMODE = 0x0022
_CODEPAGE = 0x0042
_BOUNDSHEET = 0x0085
_MULRK = 0x00BD
_BOOLERR = {0x0005: 7, 0x0205: 6}  # record id → offset of the value byte
_FORMULA = {0x0006, 0x0206, 0x0406}
# Cells that hold a value (blanks left out): BIFF2 ids, BIFF3+ ids, LABELSST and RSTRING.
_VALUE_CELLS = frozenset(
    {0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x0203, 0x0204, 0x0205, 0x0206}
    | {0x0406, 0x027E, 0x00FD, 0x00D6, _MULRK}
)
ERROR_CODES = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
    0x2B: "#GETTING_DATA",
}
_SHEET_TYPES = {0: "worksheet", 1: "macrosheet", 2: "chartsheet", 6: "vbmodule"}
MAX_ERRORS = 10_000


class BiffError(ValueError):
    """The BIFF records are damaged."""


@dataclass(frozen=True)
class BoundSheet:
    """A sheet listed in the workbook globals."""

    name: str
    hidden: bool
    kind: str
    offset: int


@dataclass(frozen=True)
class Globals:
    """What the workbook globals substream says."""

    encrypted: bool
    date1904: bool
    sheets: tuple[BoundSheet, ...]


@dataclass
class BiffExtent:
    """Real extent and error cells of one sheet substream."""

    rows: int = 0
    columns: int = 0
    errors: list[tuple[int, int, str]] = field(default_factory=list)


def records(data: bytes, offset: int = 0) -> Iterator[tuple[int, int, bytes]]:
    """Yield (record id, offset, payload) from `offset` until the data ends.

    Raises:
        BiffError: a record runs past the end of the data.
    """
    end = len(data)
    while offset + 4 <= end:
        rid, length = struct.unpack_from("<HH", data, offset)
        start = offset + 4
        if start + length > end:
            raise BiffError(f"record 0x{rid:04X} at {offset} runs past the end")
        yield rid, offset, data[start : start + length]
        offset = start + length


def is_biff(head: bytes) -> bool:
    """Return True when bytes start with a BIFF BOF record (a bare BIFF2-5 file)."""
    if len(head) < 8:
        return False
    rid, length = struct.unpack_from("<HH", head, 0)
    return rid in BOF_IDS and 4 <= length <= 20


def read_globals(data: bytes) -> Globals:
    """Read the workbook globals: FILEPASS, DATEMODE and the BOUNDSHEET list.

    Raises:
        BiffError: the stream does not start with a BOF record or is damaged.
    """
    if not is_biff(data[:8]):
        raise BiffError("the workbook stream does not start with a BOF record")
    encrypted = date1904 = False
    codepage = 1252
    raw_sheets: list[tuple[bytes, int, int, int]] = []
    biff8 = struct.unpack_from("<H", data, 4)[0] >= 0x0600
    for rid, _, payload in records(data):
        if rid == _EOF:
            break
        if rid == _FILEPASS:
            encrypted = True
            break
        if rid == _DATEMODE and len(payload) >= 2:
            date1904 = struct.unpack_from("<H", payload)[0] == 1
        elif rid == _CODEPAGE and len(payload) >= 2:
            codepage = struct.unpack_from("<H", payload)[0]
        elif rid == _BOUNDSHEET and len(payload) >= 8:
            offset = struct.unpack_from("<I", payload)[0]
            raw_sheets.append((payload[6:], payload[4] & 3, payload[5], offset))
    sheets = tuple(
        BoundSheet(
            _sheet_name(raw, biff8, codepage),
            state != 0,
            _SHEET_TYPES.get(kind, "other"),
            offset,
        )
        for raw, state, kind, offset in raw_sheets
    )
    return Globals(encrypted, date1904, sheets)


def _sheet_name(raw: bytes, biff8: bool, codepage: int) -> str:
    """Decode a BOUNDSHEET name (ShortXLUnicodeString in BIFF8, 8-bit text before)."""
    if not raw:
        return ""
    count = raw[0]
    if biff8:
        if len(raw) > 1 and raw[1] & 1:
            return raw[2 : 2 + 2 * count].decode("utf-16-le", errors="replace")
        return raw[2 : 2 + count].decode("latin-1")
    encoding = "utf-16-le" if codepage == 1200 else f"cp{codepage}"
    try:
        return raw[1 : 1 + count].decode(encoding, errors="replace")
    except LookupError:
        return raw[1 : 1 + count].decode("cp1252", errors="replace")


def scan_sheet(data: bytes, offset: int, biff2: bool = False) -> BiffExtent:
    """Return the extent of the cells holding values in the substream at `offset`.

    Nested substreams (charts embedded in a worksheet) are skipped.

    Raises:
        BiffError: the substream is damaged.
    """
    extent = BiffExtent()
    depth = 0
    for rid, _, payload in records(data, offset):
        if rid in BOF_IDS:
            depth += 1
        elif rid == _EOF:
            depth -= 1
            if depth <= 0:
                break
        elif depth == 1 and rid in _VALUE_CELLS and len(payload) >= 4:
            _note_cell(extent, rid, payload, biff2)
    return extent


def _note_cell(extent: BiffExtent, rid: int, payload: bytes, biff2: bool) -> None:
    """Widen the extent by one cell record and remember error values."""
    row, col = struct.unpack_from("<HH", payload)
    last_col = struct.unpack_from("<H", payload, len(payload) - 2)[0] if rid == _MULRK else col
    extent.rows = max(extent.rows, row + 1)
    extent.columns = max(extent.columns, last_col + 1)
    code = _error_code(rid, payload, biff2)
    if code is not None and len(extent.errors) < MAX_ERRORS:
        extent.errors.append((row, col, code))


def _error_code(rid: int, payload: bytes, biff2: bool) -> str | None:
    """Return the error a BOOLERR or FORMULA record holds, if any."""
    if rid in _BOOLERR:
        at = _BOOLERR[rid]
        if len(payload) > at + 1 and payload[at + 1] == 1:
            return ERROR_CODES.get(payload[at], "#VALUE!")
        return None
    if rid in _FORMULA:
        at = 7 if biff2 else 6
        result = payload[at : at + 8]
        if len(result) == 8 and result[6:8] == b"\xff\xff" and result[0] == 2:
            return ERROR_CODES.get(result[2], "#VALUE!")
    return None
