"""Zip containers (xlsx, xlsm, xlsb, ods): the decompression budget, part lookup, DTD check.

The budget is checked from the central directory before a single part is inflated, the
way Apache POI refuses zip bombs: total declared size, entry count, and the compression
ratio of every large part. Part names are looked up case-insensitively with backslashes
read as slashes (some writers produce `xl\\workbook.xml`).
"""

from __future__ import annotations

import re
import zipfile
from typing import IO, TYPE_CHECKING

from planner.importing.model import MIB, ReadError

if TYPE_CHECKING:
    from pathlib import Path

    from planner.importing.model import Limits

RATIO_GRACE_BYTES = 1 * MIB  # smaller parts may compress as well as they like
_HEAD_BYTES = 8192
_DTD = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.I)
_ROOT = re.compile(r"<[A-Za-z_]")


class Package:
    """An opened zip container whose budget has been checked."""

    def __init__(self, path: Path, archive: zipfile.ZipFile) -> None:
        """Index the parts of an open archive by normalised name."""
        self.path = path
        self._zip = archive
        self._parts: dict[str, zipfile.ZipInfo] = {}
        for info in archive.infolist():
            if not info.is_dir():
                self._parts.setdefault(normalise(info.filename), info)

    def close(self) -> None:
        """Close the archive."""
        self._zip.close()

    def __enter__(self) -> Package:
        """Return the package itself."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the archive."""
        self.close()

    def names(self) -> list[str]:
        """Return the normalised names of all parts."""
        return list(self._parts)

    def has(self, name: str) -> bool:
        """Return True when the part exists."""
        return normalise(name) in self._parts

    def member(self, name: str) -> str:
        """Return the name of a part as stored in the archive (e.g. with backslashes)."""
        return self._parts[normalise(name)].filename

    def size(self, name: str) -> int:
        """Return the declared uncompressed size of a part."""
        return self._parts[normalise(name)].file_size

    def open(self, name: str) -> IO[bytes]:
        """Open a part for streaming reads.

        Raises:
            KeyError: there is no such part.
        """
        return self._zip.open(self._parts[normalise(name)])

    def read(self, name: str, max_bytes: int = 64 * MIB) -> bytes:
        """Return a whole part, refusing parts larger than `max_bytes`.

        Raises:
            KeyError: there is no such part.
            ReadError: the part is larger than `max_bytes` (too_large).
        """
        info = self._parts[normalise(name)]
        if info.file_size > max_bytes:
            raise ReadError(
                "too_large", self.path, None, f"the part {name} is {info.file_size:,} bytes"
            )
        with self._zip.open(info) as stream:
            return stream.read(max_bytes + 1)[:max_bytes]

    def head(self, name: str, size: int = _HEAD_BYTES) -> bytes:
        """Return the first bytes of a part."""
        with self._zip.open(self._parts[normalise(name)]) as stream:
            return stream.read(size)


def normalise(name: str) -> str:
    """Return a part name in the form used for lookups: slashes, no leading slash, lower."""
    return name.replace("\\", "/").lstrip("/").lower()


def open_package(path: Path, limits: Limits) -> Package:
    """Open a zip container and check its budget before anything is inflated.

    Raises:
        ReadError: damaged (not a readable zip), encrypted (encrypted zip entries) or
            too_large (declared sizes, entry count or compression ratio over the limits).
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ReadError(
            "damaged",
            path,
            None,
            "the file is damaged (its zip structure is broken)",
            detail=repr(exc),
        ) from None
    try:
        check_budget(archive.infolist(), path, limits)
    except ReadError:
        archive.close()
        raise
    return Package(path, archive)


def check_budget(infos: list[zipfile.ZipInfo], path: Path, limits: Limits) -> None:
    """Check entry count, total declared size and per-part ratio against the limits.

    Raises:
        ReadError: encrypted or too_large.
    """
    if len(infos) > limits.max_entries:
        raise ReadError(
            "too_large",
            path,
            None,
            f"the file holds {len(infos):,} parts (limit {limits.max_entries:,})",
        )
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ReadError(
                "encrypted", path, None, detail=f"encrypted zip entry {info.filename}"
            )
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_GRACE_BYTES and ratio > limits.max_ratio:
            raise ReadError(
                "too_large",
                path,
                None,
                f"a part unpacks {ratio:,.0f} times larger than it is stored "
                f"(limit {limits.max_ratio:,.0f}); this looks like a zip bomb",
                detail=f"{info.filename}: {info.compress_size:,} → {info.file_size:,} bytes",
            )
    if total > limits.max_uncompressed_bytes:
        raise ReadError(
            "too_large",
            path,
            None,
            f"the file unpacks to {total / MIB:,.0f} MiB "
            f"(limit {limits.max_uncompressed_bytes / MIB:,.0f} MiB)",
        )


def check_no_dtd(package: Package) -> None:
    """Refuse any XML part with a DTD: OOXML and ODF never need one, XML bombs do.

    Raises:
        ReadError: unsafe, naming the part.
    """
    for name in package.names():
        try:
            head = package.head(name)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
            continue  # an unreadable part is the engines' problem, not a DTD
        text = xml_text(head)
        if text is None:
            continue
        root = _ROOT.search(text)
        prolog = text[: root.start()] if root else text
        if _DTD.search(prolog) or (root is None and len(head) == _HEAD_BYTES):
            raise ReadError(
                "unsafe",
                package.path,
                None,
                "the file contains XML entity definitions (a DTD), which spreadsheets never "
                "need and XML bombs use; it was not opened",
                detail=f"DTD in {name}",
            )


def xml_text(head: bytes) -> str | None:
    """Decode the start of an XML part (UTF-8 or UTF-16), or None when it is not XML."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    if head[:2] in (b"<\x00", b"\x00<"):
        encoding = "utf-16-le" if head[:1] == b"<" else "utf-16-be"
        return head.decode(encoding, errors="ignore")
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    return text if text.startswith("<") else None
