"""A small, bounded reader for Compound File Binary containers (.xls, encrypted OOXML).

Only what the pre-scan needs: the names of the streams (to recognise EncryptionInfo /
EncryptedPackage and the BIFF Workbook stream) and the bytes of one stream. Every chain is
checked against the file size so a corrupt or hostile container cannot loop or over-read.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import BinaryIO

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_SPECIAL = 0xFFFFFFFA  # sector ids from here up are markers, not sectors
_STREAM = 2
_ROOT = 5


class CfbError(ValueError):
    """The compound file container is damaged."""


@dataclass(frozen=True)
class Entry:
    """One directory entry: a stream or storage."""

    name: str
    kind: int
    start: int
    size: int


class CompoundFile:
    """Directory and stream access for a compound file opened from a binary file object."""

    def __init__(self, handle: BinaryIO, size: int) -> None:
        """Read the header, FAT and directory.

        Raises:
            CfbError: the container is damaged.
        """
        self._handle = handle
        self._size = size
        header = self._read_at(0, 512)
        if len(header) < 512 or header[:8] != MAGIC:
            raise CfbError("not a compound file")
        shift, mini_shift = struct.unpack_from("<HH", header, 0x1E)
        if shift not in (9, 12) or mini_shift != 6:
            raise CfbError(f"invalid sector sizes (shift {shift}, mini shift {mini_shift})")
        self._sector_size = 1 << shift
        self._sectors = max(0, (size - 512) // self._sector_size + 1)
        fields = struct.unpack_from("<IIIIIIIII", header, 0x2C)
        fat_count, dir_start, _, mini_cutoff, minifat_start, minifat_count = fields[:6]
        difat_start, difat_count = fields[6], fields[7]
        self._mini_cutoff = mini_cutoff
        self._fat = self._read_fat(header, fat_count, difat_start, difat_count)
        self.entries = self._read_directory(dir_start)
        root = next((e for e in self.entries if e.kind == _ROOT), None)
        self._mini_stream = b""
        self._minifat: tuple[int, ...] = ()
        if root is not None and minifat_count and minifat_start < _SPECIAL:
            self._minifat = _u32s(self._chain_bytes(minifat_start, None))
            self._mini_stream = self._chain_bytes(root.start, root.size)

    def names(self) -> set[str]:
        """Return the names of all streams and storages, lower-cased."""
        return {entry.name.lower() for entry in self.entries}

    def find_stream(self, *names: str) -> Entry | None:
        """Return the first stream whose name matches one of `names` (case-insensitive)."""
        wanted = [name.lower() for name in names]
        for name in wanted:
            for entry in self.entries:
                if entry.kind == _STREAM and entry.name.lower() == name:
                    return entry
        return None

    def read(self, entry: Entry) -> bytes:
        """Return the bytes of a stream.

        Raises:
            CfbError: the stream's sector chain is damaged.
        """
        if entry.size > self._size * 2:
            raise CfbError(f"stream {entry.name!r} claims {entry.size:,} bytes")
        if entry.size < self._mini_cutoff and entry.kind == _STREAM:
            return self._mini_bytes(entry.start, entry.size)
        return self._chain_bytes(entry.start, entry.size)

    # ---------------------------------------------------------------- internals

    def _read_at(self, offset: int, length: int) -> bytes:
        self._handle.seek(offset)
        return self._handle.read(length)

    def _sector(self, sector: int) -> bytes:
        if sector >= self._sectors:
            raise CfbError(f"sector {sector} lies beyond the end of the file")
        return self._read_at((sector + 1) * self._sector_size, self._sector_size)

    def _read_fat(
        self, header: bytes, fat_count: int, difat_start: int, difat_count: int
    ) -> tuple[int, ...]:
        if fat_count > self._sectors:
            raise CfbError(f"{fat_count} FAT sectors in a file of {self._sectors}")
        ids = list(_u32s(header[0x4C:512]))
        sector, seen = difat_start, set[int]()
        while sector < _SPECIAL and len(seen) < difat_count:
            if sector in seen:
                raise CfbError(f"DIFAT chain loops at sector {sector}")
            seen.add(sector)
            block = _u32s(self._sector(sector))
            ids.extend(block[:-1])
            sector = block[-1]
        fat_ids = [sid for sid in ids if sid < _SPECIAL][:fat_count]
        return _u32s(b"".join(self._sector(sid) for sid in fat_ids))

    def _chain(self, start: int) -> list[int]:
        chain: list[int] = []
        seen: set[int] = set()
        sector = start
        while sector != _END_OF_CHAIN:
            if sector >= len(self._fat) or sector in seen or sector >= _SPECIAL:
                raise CfbError(f"broken sector chain at {sector}")
            seen.add(sector)
            chain.append(sector)
            sector = self._fat[sector]
        return chain

    def _chain_bytes(self, start: int, size: int | None) -> bytes:
        if start == _END_OF_CHAIN or (size == 0):
            return b""
        data = b"".join(self._sector(sector) for sector in self._chain(start))
        if size is not None:
            if len(data) < size:
                raise CfbError(f"stream is {len(data):,} bytes, {size:,} expected")
            data = data[:size]
        return data

    def _mini_bytes(self, start: int, size: int) -> bytes:
        parts: list[bytes] = []
        seen: set[int] = set()
        sector = start
        while sector != _END_OF_CHAIN and size:
            if sector >= len(self._minifat) or sector in seen:
                raise CfbError(f"broken mini sector chain at {sector}")
            seen.add(sector)
            parts.append(self._mini_stream[sector * 64 : sector * 64 + 64])
            sector = self._minifat[sector]
        data = b"".join(parts)
        if len(data) < size:
            raise CfbError(f"mini stream is {len(data):,} bytes, {size:,} expected")
        return data[:size]

    def _read_directory(self, start: int) -> list[Entry]:
        data = self._chain_bytes(start, None)
        entries: list[Entry] = []
        for offset in range(0, len(data) - 127, 128):
            raw = data[offset : offset + 128]
            name_len = struct.unpack_from("<H", raw, 64)[0]
            kind = raw[66]
            if kind not in (1, _STREAM, _ROOT) or not 2 <= name_len <= 64:
                continue
            name = raw[: name_len - 2].decode("utf-16-le", errors="replace")
            start_sector, size = struct.unpack_from("<IQ", raw, 116)
            if self._sector_size == 512:
                size &= 0xFFFFFFFF
            entries.append(Entry(name, kind, start_sector, size))
        if not entries:
            raise CfbError("empty directory")
        return entries


def _u32s(data: bytes) -> tuple[int, ...]:
    """Unpack little-endian unsigned 32-bit integers."""
    count = len(data) // 4
    return struct.unpack_from(f"<{count}I", data)
