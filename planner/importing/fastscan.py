"""The fast path of the worksheet pre-scan: byte searches over canonical XML.

Every mainstream writer produces the same form: UTF-8, unprefixed elements and `r` as the
first attribute of every `<c>`. For that form, the extent is found with searches that only
stop on cells *beyond* the extent found so far, so an ordinary 100,000-row sheet costs a
few passes of the regex engine rather than a Python step per cell. Anything else makes the
fast path give up (return False), and the exact parser in `sheetxml` takes over.

A part can be scanned in two halves that meet at the first `</row>` starting at or after a
given offset: the calling process scans the head while the worker process scans the tail.
"""

from __future__ import annotations

import re
from typing import IO, TYPE_CHECKING

from planner.importing.model import column_index
from planner.importing.sheetscan import MAX_FLAGGED, SheetScan

if TYPE_CHECKING:
    from collections.abc import Iterator

    from planner.importing.model import Limits

_CHUNK = 4 << 20
_MAX_CARRY = 64 << 20
_ROW_END = b"</row>"
_SLASH = 0x2F
_CELL = b'<c r="'
_REF = re.compile(rb"([A-Z]+)(\d+)\"")
# After `<c`: a cell tag not written as `<c r="A1"…` (no r, r not first, odd spacing or
# case). `<c` followed by a name character starts another element (`<cols>`, which Excel
# writes whenever a column has a width, `<conditionalFormatting>`, ...), not a cell.
_ODD_TAIL = rb' (?!r="[A-Z])|[^ A-Za-z0-9_.:-]'
_COLON_TAG = re.compile(rb":(?:c|row)[\s/>]")  # cheap pre-check for the one below
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row)[\s/>]")  # calamine ignores prefixes
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?(?:worksheet|dialogsheet)\b[^>]*>")
_ERROR_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?\st="e"[^>]*(?<!/)>(.*?)</c>', re.S)
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_FORMULA = re.compile(rb"<f[\s>/]")


class _Odd(Exception):  # noqa: N818 - internal signal, never escapes this module
    """The part is not in canonical form."""


def fast_scan(
    stream: IO[bytes], limits: Limits, *, begin: int | None = None, end: int | None = None
) -> SheetScan | None:
    """Scan canonical XML (all of it, or one half); None when the part is not canonical.

    Args:
        stream: the decompressed part.
        limits: scanning stops once the extent is over them.
        begin: scan only the rows after the first `</row>` starting at or after this offset.
        end: scan only up to and including that `</row>`.
    """
    scan = SheetScan()
    try:
        for index, chunk in enumerate(_chunks(stream, begin, end)):
            body = chunk
            if index == 0 and begin is None:
                start = _body(chunk)
                if start is None:
                    return None
                body = chunk[start:]
            if not _scan_chunk(body, scan, limits):
                return None
            if scan.over(limits):
                break
    except _Odd:
        return None
    return scan


def _chunks(stream: IO[bytes], begin: int | None, end: int | None) -> Iterator[bytes]:
    """Yield the part (or one half of it) in pieces that end right after a `</row>`."""
    data = b""
    base = 0  # offset of data[0] within the part
    skipping = begin is not None
    while True:
        piece = stream.read(_CHUNK)
        data = data + piece if data else piece
        if skipping and begin is not None:
            found = data.find(_ROW_END, max(0, begin - base))
            if found < 0:
                if not piece:
                    return
                drop = (
                    len(data) if begin - base >= len(data) else max(begin - base, len(data) - 5)
                )
                data, base = data[drop:], base + drop
                continue
            data, base, skipping = data[found + 6 :], base + found + 6, False
        if end is not None and (found := data.find(_ROW_END, max(0, end - base))) >= 0:
            yield data[: found + 6]
            return
        if not piece:
            if data:
                yield data
            return
        cut = data.rfind(_ROW_END)
        if cut < 0:
            if len(data) > _MAX_CARRY:
                raise _Odd
            continue
        yield data[: cut + 6]
        data, base = data[cut + 6 :], base + cut + 6


def _body(head: bytes) -> int | None:
    """Return where the root element's content starts, or None if the fast path can't go.

    The fast path needs an 8-bit encoding (UTF-16 has NUL bytes) and an unprefixed root.
    """
    if b"\x00" in head[:512]:
        return None
    root = _ROOT.search(head)
    if root is None:
        return 0
    return None if root.group(1) is not None else root.end()


def _scan_chunk(chunk: bytes, scan: SheetScan, limits: Limits) -> bool:
    """Widen the extent by one chunk of whole rows; False when the chunk is not canonical."""
    if _COLON_TAG.search(chunk) and _PREFIXED.search(chunk):
        return False
    last = _last_content_ref(chunk)
    if last is None:
        return False
    scan.rows = max(scan.rows, last[1])
    if not _widen(chunk, scan, limits):
        return False
    if b't="e"' in chunk:
        _find_errors(chunk, scan)
    if _FORMULA.search(chunk):
        _find_formulas(chunk, scan)
    return True


def _ref_at(chunk: bytes, start: int) -> tuple[int, int] | None:
    """Return (column number, row number), 1-based, of the `<c r="…"` at `start`."""
    match = _REF.match(chunk, start + 6)
    if match is None:
        return None
    return column_index(match.group(1).decode()) + 1, int(match.group(2))


def _has_content(chunk: bytes, start: int) -> bool:
    """Return True unless the `<c …>` tag at `start` is self-closing (styles only)."""
    end = chunk.find(b">", start)
    return end > 0 and chunk[end - 1] != _SLASH


def _last_content_ref(chunk: bytes) -> tuple[int, int] | None:
    """Return the reference of the last cell holding a value, (0, 0) if none, None if odd."""
    end = len(chunk)
    while (start := chunk.rfind(_CELL, 0, end)) >= 0:
        if _has_content(chunk, start):
            return _ref_at(chunk, start)
        end = start
    return (0, 0)


def _widen(chunk: bytes, scan: SheetScan, limits: Limits) -> bool:
    """Find every cell beyond the current extent and widen it; False on a bad reference."""
    pattern = _beyond(scan.columns, scan.rows)
    pos = 0
    while (match := pattern.search(chunk, pos)) is not None:
        start = match.start()
        if match.lastindex is None:
            return False  # an odd <c> tag: let the exact parser handle the part
        pos = start + len(_CELL)
        if not _has_content(chunk, start):
            continue
        ref = _ref_at(chunk, start)
        if ref is None:
            return False
        if ref[0] > scan.columns or ref[1] > scan.rows:
            scan.columns, scan.rows = max(scan.columns, ref[0]), max(scan.rows, ref[1])
            if scan.over(limits):
                return True
            pattern = _beyond(scan.columns, scan.rows)
    return True


def _beyond(columns: int, rows: int) -> re.Pattern[bytes]:
    """Compile a pattern for cells right of `columns` or below `rows`, or odd `<c>` tags.

    A match with group 1 is a cell beyond the extent; without it, an odd tag.
    """
    letters = _column_letters(columns) if columns else ""
    cols = _greater(letters, "Z", "[A-Z]") if letters else b"[A-Z]+"
    digits = _greater(str(rows), "9", r"\d") if rows else rb"\d+"
    beyond = rb'( )r="(?:' + cols + rb"\d|[A-Z]+" + digits + rb'")'
    return re.compile(rb"<c(?:" + beyond + b"|" + _ODD_TAIL + b")")


def _greater(text: str, high: str, any_char: str) -> bytes:
    """Return a regex for strings of the alphabet low..high sorting after `text`.

    Longer strings always sort after; equal-length ones compare position by position.
    """
    options = [f"{any_char}{{{len(text) + 1},}}"]
    for index, char in enumerate(text):
        if char < high:
            rest = len(text) - index - 1
            tail = f"{any_char}{{{rest}}}" if rest else ""
            options.append(f"{re.escape(text[:index])}[{chr(ord(char) + 1)}-{high}]{tail}")
    return ("(?:" + "|".join(options) + ")").encode()


def _column_letters(number: int) -> str:
    """Return the letters of a 1-based column number."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _find_errors(chunk: bytes, scan: SheetScan) -> None:
    """Remember the cells of type "e" and their codes."""
    for match in _ERROR_CELL.finditer(chunk):
        if len(scan.errors) >= MAX_FLAGGED:
            return
        value = _VALUE.search(match.group(3))
        code = value.group(1).decode("utf-8", "replace").strip() if value else "#VALUE!"
        column = column_index(match.group(1).decode())
        scan.errors.append((int(match.group(2)) - 1, column, code or "#VALUE!"))


def _find_formulas(chunk: bytes, scan: SheetScan) -> None:
    """Remember formula cells that carry no `<v>` (no result stored by the last writer)."""
    for match in _FORMULA.finditer(chunk):
        if len(scan.formulas) >= MAX_FLAGGED:
            return
        start = chunk.rfind(_CELL, 0, match.start())
        end = chunk.find(b"</c>", match.end())
        if start < 0 or end < 0 or chunk.find(b"</c>", start, match.start()) >= 0:
            continue
        if chunk.find(b"<v", match.end(), end) >= 0:
            continue
        ref = _ref_at(chunk, start)
        if ref is not None:
            scan.formulas.append((ref[1] - 1, ref[0] - 1))
