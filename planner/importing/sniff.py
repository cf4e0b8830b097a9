"""What a file really is, from its bytes: size check, container type, encryption.

The extension is only used to word messages (a text file named .xls is reported as such),
never to choose a reader.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from planner.importing.biff import BiffError, is_biff, read_globals
from planner.importing.cfb import MAGIC as CFB_MAGIC
from planner.importing.cfb import CfbError, CompoundFile
from planner.importing.model import MIB, ReadError

if TYPE_CHECKING:
    from pathlib import Path
    from typing import BinaryIO

    from planner.importing.model import Limits

Container = Literal["zip", "cfb", "biff", "text"]
SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb", ".xls", ".ods"})
_HEAD = 64 * 1024
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_BINARY_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"Rar!": "a RAR archive",
    b"\x7fELF": "a program",
    b"MZ": "a program",
}
_RESAVE = "; open it in Excel and save it as .xlsx"
_MARKUP = {
    "<!doctype html": "a web page (HTML), not a spreadsheet" + _RESAVE,
    "<html": "a web page (HTML), not a spreadsheet" + _RESAVE,
    "<table": "an HTML table, not a spreadsheet" + _RESAVE,
    "<?xml": "an XML file (e.g. Excel 2003 XML or flat ODS)" + _RESAVE,
}


@dataclass(frozen=True)
class Sniffed:
    """The container a file uses, and for CFB/BIFF whether it is a BIFF workbook.

    Attributes:
        container: zip (xlsx, xlsm, xlsb, ods), cfb (xls), biff (bare BIFF2-5 xls) or text.
        size: the file size in bytes.
    """

    container: Container
    size: int


def sniff(path: Path, limits: Limits) -> Sniffed:
    """Check size and recognise the container from the first bytes.

    Raises:
        ReadError: empty, too_large, not_a_spreadsheet, encrypted (CFB-wrapped OOXML or a
            BIFF FILEPASS record) or damaged (a broken CFB container).
    """
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ReadError("not_a_spreadsheet", path, None, "this is not a regular file")
        _check_size(path, info.st_size, limits)
        with path.open("rb") as handle:
            head = handle.read(_HEAD)
            if head.startswith(CFB_MAGIC):
                _check_cfb(path, handle, info.st_size)
    except OSError as exc:
        raise ReadError(
            "not_a_spreadsheet",
            path,
            None,
            f"the file cannot be opened ({exc.strerror})",
            detail=repr(exc),
        ) from None
    return Sniffed(_container(path, head), info.st_size)


def _check_size(path: Path, size: int, limits: Limits) -> None:
    """Refuse empty files and files over the size limit.

    Raises:
        ReadError: empty or too_large.
    """
    if size == 0:
        raise ReadError("empty", path, None, "the file is empty (0 bytes)")
    if size > limits.max_file_bytes:
        raise ReadError(
            "too_large",
            path,
            None,
            f"the file is {size / MIB:,.0f} MiB (limit {limits.max_file_bytes / MIB:,.0f} MiB)",
        )


def _container(path: Path, head: bytes) -> Container:
    """Classify by magic bytes; text is checked for markup and binary noise."""
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    if head.startswith(CFB_MAGIC):
        return "cfb"
    if is_biff(head):
        return "biff"
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise ReadError(
                "not_a_spreadsheet", path, None, f"this is {what}, not a spreadsheet"
            )
    if not looks_like_text(head):
        raise ReadError(
            "not_a_spreadsheet",
            path,
            None,
            "this is neither a spreadsheet nor text (xlsx, xlsm, xlsb, xls, ods or csv)",
        )
    start = head[:64].lstrip(b"\xef\xbb\xbf \t\r\n").decode("latin-1").lower()
    for prefix, what in _MARKUP.items():
        if start.startswith(prefix):
            raise ReadError("not_a_spreadsheet", path, None, f"this is {what}")
    return "text"


def looks_like_text(head: bytes) -> bool:
    """Return True when bytes read as text: a BOM, UTF-16 shape, or few control bytes."""
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = head[:4096]
    if utf16_without_bom(sample) is not None:
        return True
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in (9, 10, 12, 13))
    return controls <= max(1, len(sample) // 10)


def utf16_without_bom(sample: bytes) -> str | None:
    """Return "utf-16-le"/"utf-16-be" when every other byte is NUL, else None."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > len(odd) * 0.4 and even.count(0) < len(even) * 0.05:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.4 and odd.count(0) < len(odd) * 0.05:
        return "utf-16-be"
    return None


def _check_cfb(path: Path, handle: BinaryIO, size: int) -> None:
    """Recognise encrypted OOXML and encrypted or foreign CFB files before any engine.

    Raises:
        ReadError: encrypted, not_a_spreadsheet (e.g. a Word .doc) or nothing when the
            container is a readable or unreadable xls (the engines get the last word).
    """
    try:
        compound = CompoundFile(handle, size)
    except CfbError:
        return  # damaged container: calamine's reader is more lenient; let it try
    names = compound.names()
    if {"encryptioninfo", "encryptedpackage"} <= names:
        raise ReadError("encrypted", path, None)
    stream = compound.find_stream("Workbook", "Book")
    if stream is None:
        what = "a Word document" if "worddocument" in names else "an Office file"
        raise ReadError("not_a_spreadsheet", path, None, f"this is {what}, not a spreadsheet")
    try:
        if read_globals(compound.read(stream)).encrypted:
            raise ReadError("encrypted", path, None)
    except (CfbError, BiffError):
        return
