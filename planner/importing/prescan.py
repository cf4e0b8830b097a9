"""The in-process pre-scan: sheet list and real extents, without any parsing library.

A `Prescan` holds the open container; `layout()` lists the sheets (cheap), `scan(name)`
measures one (a streaming pass over its part). Nothing here allocates in proportion to a
sheet's extent, so a file claiming a billion cells costs what its bytes cost. The scans
of the last few files are remembered (`SCANS`), so a sheet `inspect_file` measured is not
measured again by `read_sheet` unless the file changed.
"""

from __future__ import annotations

import os
import threading
import zipfile
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from planner.importing import biff, ods, ooxml, xlsb
from planner.importing.budget import check_no_dtd, open_package
from planner.importing.cfb import CfbError, CompoundFile
from planner.importing.model import Notice, ReadError
from planner.importing.sheetxml import ScanError, SheetScan, scan_half_xml, scan_sheet_xml
from planner.importing.sniff import SPREADSHEET_SUFFIXES

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import IO, TypeAlias

    from planner.importing.budget import Package
    from planner.importing.model import Category, Limits
    from planner.importing.sniff import Sniffed

if TYPE_CHECKING:
    # helper(member, split) starts the tail scan elsewhere and returns a function that
    # waits for its result (None: the tail was not canonical, scan the whole part here).
    TailScanner: TypeAlias = Callable[[str, int], Callable[[], SheetScan | None]]

BIFF234_SHEET = "Sheet 1"  # the name xlrd gives the one sheet of a BIFF2–4 file
SPLIT_BYTES = 8 << 20  # worksheet parts this large are scanned in two halves at once


@dataclass(frozen=True)
class SheetRef:
    """A sheet before its cells are measured.

    Attributes:
        name: the sheet name.
        hidden: hidden or very hidden.
        index: position among the workbook's sheets of every type (for engines).
        locator: the part name (OOXML) or substream offset (BIFF) as text.
    """

    name: str
    hidden: bool
    index: int
    locator: str


@dataclass(frozen=True)
class Layout:
    """The sheets of a workbook and what the file says about itself.

    Attributes:
        kind: xlsx, xlsm, xlsb, xls or ods.
        sheets: worksheets in workbook order (chart, macro and dialog sheets left out).
        notices: file-level notices (macros ignored, external links not followed).
        known: False when the container could not be taken apart here (a damaged xls):
            the sheets must then be listed by the worker.
        shared_strings: the shared-strings part of an xlsx/xlsm workbook, if any.
    """

    kind: str
    sheets: tuple[SheetRef, ...]
    notices: tuple[Notice, ...] = ()
    known: bool = True
    shared_strings: str = ""


@dataclass(frozen=True)
class FileKey:
    """What tells one version of a file from another without reading it.

    On POSIX systems, rewriting a file in place changes its change time, which programs
    cannot set back; saving through a temporary file and a rename, as Excel does, changes
    its inode too. On Windows, the modification time (100 ns steps on NTFS) and the size
    tell versions apart.

    Attributes:
        path: the absolute path.
        device: st_dev.
        inode: st_ino.
        size: st_size.
        modified_ns: st_mtime_ns.
        changed_ns: st_ctime_ns.
    """

    path: str
    device: int
    inode: int
    size: int
    modified_ns: int
    changed_ns: int

    @classmethod
    def of(cls, path: Path) -> FileKey:
        """Return the key of the file as it is now.

        Raises:
            OSError: the file cannot be looked at.
        """
        info = os.stat(path)
        return cls(
            os.path.abspath(path),
            info.st_dev,
            info.st_ino,
            info.st_size,
            info.st_mtime_ns,
            info.st_ctime_ns,
        )


class ScanCache:
    """The sheet scans of the last few files, shared by every `Prescan` (thread-safe).

    `inspect_file` measures every sheet and `read_sheet` then needs one of them again
    (issue #4). Scans are kept per file version and limits (a scan stops early once over
    them), so a changed file is measured again.
    """

    def __init__(self, files: int = 8) -> None:
        """Remember the scans of at most `files` file versions."""
        self._files = files
        self._lock = threading.Lock()
        self._scans: OrderedDict[tuple[FileKey, Limits], dict[SheetRef, SheetScan]]
        self._scans = OrderedDict()

    def get(self, file: tuple[FileKey, Limits], ref: SheetRef) -> SheetScan | None:
        """Return a copy of the remembered scan of a sheet, or None."""
        with self._lock:
            scans = self._scans.get(file)
            if scans is None or ref not in scans:
                return None
            self._scans.move_to_end(file)
            return scans[ref].copy()

    def put(self, file: tuple[FileKey, Limits], ref: SheetRef, scan: SheetScan) -> None:
        """Remember the scan of a sheet, forgetting the least recently used file."""
        with self._lock:
            self._scans.setdefault(file, {})[ref] = scan.copy()
            self._scans.move_to_end(file)
            while len(self._scans) > self._files:
                self._scans.popitem(last=False)

    def clear(self) -> None:
        """Forget every scan."""
        with self._lock:
            self._scans.clear()


SCANS = ScanCache()


class Prescan:
    """An open container, ready to list and measure its sheets."""

    def __init__(self, path: Path, sniffed: Sniffed, limits: Limits) -> None:
        """Open the container and check its budget and XML safety.

        Raises:
            ReadError: damaged, encrypted, not_a_spreadsheet, too_large or unsafe.
        """
        self.path = path
        self.limits = limits
        try:
            self._file: tuple[FileKey, Limits] | None = (FileKey.of(path), limits)
        except OSError:
            self._file = None  # opening it will fail and say why
        self._package: Package | None = None
        self._stream = b""
        self._biff2 = False
        self._ods: dict[str, SheetScan] = {}
        self._long_shared: bool | None = None
        if sniffed.container == "zip":
            self._package = open_package(path, limits)
            try:
                check_no_dtd(self._package)
                self.layout = self._zip_layout(self._package)
            except BaseException:
                self._package.close()
                raise
        else:
            self.layout = self._biff_layout(sniffed.container)

    def close(self) -> None:
        """Close the container."""
        if self._package is not None:
            self._package.close()

    def __enter__(self) -> Prescan:
        """Return the pre-scan itself."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the container."""
        self.close()

    def part_size(self, ref: SheetRef) -> int:
        """Return the declared unpacked size of an OOXML sheet's part (0 for other kinds)."""
        package = self._package
        if package is None or self.layout.kind == "ods" or not ref.locator:
            return 0
        return package.size(ref.locator) if package.has(ref.locator) else 0

    def long_shared_strings(self) -> bool:
        """Return True when a shared string may exceed a cell's 32,767 characters."""
        if self._long_shared is None:
            self._long_shared = self._find_long_shared_string()
        return self._long_shared

    def _find_long_shared_string(self) -> bool:
        if self._package is None or not self.layout.shared_strings:
            return False
        try:
            return ooxml.has_long_shared_string(self._package, self.layout.shared_strings)
        except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error):
            return False  # the engines will report the damage

    def scan(self, ref: SheetRef, helper: TailScanner | None = None) -> SheetScan:
        """Measure one sheet: real extent, error cells, formulas without results.

        Args:
            ref: the sheet.
            helper: scans the tail of a large worksheet part in another process while
                this one scans the head.

        Raises:
            ReadError: damaged or unsafe, naming the sheet.
        """
        known = SCANS.get(self._file, ref) if self._file is not None else None
        if known is not None:
            return known
        try:
            scan = self._scan(ref, helper)
        except ScanError as exc:
            category: Category = "unsafe" if exc.unsafe else "damaged"
            message = "" if exc.unsafe else "the sheet is damaged and cannot be read"
            raise ReadError(category, self.path, ref.name, message, detail=str(exc)) from None
        except (biff.BiffError, KeyError) as exc:
            raise ReadError(
                "damaged",
                self.path,
                ref.name,
                "the sheet is damaged and cannot be read",
                detail=repr(exc),
            ) from None
        if self._file is not None:
            SCANS.put(self._file, ref, scan)
        return scan

    def _scan(self, ref: SheetRef, helper: TailScanner | None) -> SheetScan:
        kind = self.layout.kind
        if kind == "ods":
            return self._ods[ref.name]
        if kind == "xls":
            extent = biff.scan_sheet(self._stream, int(ref.locator), biff2=self._biff2)
            return SheetScan(extent.rows, extent.columns, extent.errors)
        package = self._package
        if package is None:
            raise ScanError("the container is not open")
        if not ref.locator or not package.has(ref.locator):
            raise ScanError(f"the part of sheet {ref.name!r} is missing")

        def open_part() -> IO[bytes]:
            return package.open(ref.locator)

        if kind == "xlsb":
            return xlsb.scan_sheet_bin(open_part, self.limits)
        size = package.size(ref.locator)
        if helper is not None and size >= SPLIT_BYTES:
            split = size * 3 // 5  # the worker also starts up and skips the head
            tail = helper(package.member(ref.locator), split)
            head = scan_half_xml(open_part, self.limits, head=True, split=split)
            if head is not None and head.over(self.limits):
                return head
            rest = tail()
            if head is not None and rest is not None:
                return head.merged(rest)
        return scan_sheet_xml(open_part, self.limits)

    # ---------------------------------------------------------------- layouts

    def _zip_layout(self, package: Package) -> Layout:
        """List the sheets of an xlsx, xlsm, xlsb or ods package."""
        if package.has("content.xml") or package.has("mimetype"):
            return self._ods_layout(package)
        if not package.has("[Content_Types].xml") and not any(
            name.endswith(("workbook.xml", "workbook.bin")) for name in package.names()
        ):
            if self.path.suffix.lower() in SPREADSHEET_SUFFIXES:
                raise ReadError(
                    "damaged", self.path, None, "the workbook inside the file is missing"
                )
            raise ReadError(
                "not_a_spreadsheet", self.path, None, "this is a ZIP archive, not a spreadsheet"
            )
        part = ooxml.find_workbook(package)
        workbook = (
            xlsb.read_workbook(package)
            if part.endswith(".bin")
            else ooxml.read_workbook(package)
        )
        refs = tuple(
            SheetRef(entry.name, entry.hidden, index, entry.part)
            for index, entry in enumerate(workbook.sheets)
            if entry.kind == "worksheet"
        )
        notices: list[Notice] = []
        if workbook.has_macros:
            notices.append(
                Notice(None, None, None, "the file contains macros; they are ignored")
            )
        if workbook.has_external_links:
            notices.append(
                Notice(None, None, None, "links to other workbooks are not followed")
            )
        if not workbook.sheets:
            raise ReadError("damaged", self.path, None, "the workbook lists no worksheets")
        if not refs:
            raise ReadError("empty", self.path, None, "the workbook has no worksheets")
        return Layout(
            workbook.kind, refs, tuple(notices), shared_strings=workbook.shared_strings
        )

    def _ods_layout(self, package: Package) -> Layout:
        """List (and measure, in the same pass) the tables of an ods package."""
        if ods.is_encrypted(package):
            raise ReadError("encrypted", self.path, None)
        if package.has("mimetype") and package.head("mimetype", 200).strip() != ods.MIMETYPE:
            raise ReadError(
                "not_a_spreadsheet",
                self.path,
                None,
                "this is an OpenDocument file, but not a spreadsheet",
            )
        sheets = ods.scan_content(package, self.limits)
        self._ods = {sheet.name: sheet.scan for sheet in sheets}
        refs = tuple(
            SheetRef(sheet.name, sheet.hidden, index, "content.xml")
            for index, sheet in enumerate(sheets)
        )
        if not refs:
            raise ReadError("damaged", self.path, None, "the workbook lists no sheets")
        return Layout("ods", refs)

    def _biff_layout(self, container: str) -> Layout:
        """List the sheets of a .xls (compound file or bare BIFF2–5 stream)."""
        try:
            with self.path.open("rb") as handle:
                if container == "biff":
                    self._stream = handle.read()
                else:
                    compound = CompoundFile(handle, self.path.stat().st_size)
                    stream = compound.find_stream("Workbook", "Book")
                    if stream is None:
                        raise CfbError("no Workbook stream")
                    self._stream = compound.read(stream)
            return self._biff_sheets()
        except (CfbError, biff.BiffError, OSError):
            return Layout("xls", (), known=False)

    def _biff_sheets(self) -> Layout:
        """Build the layout from the BIFF globals (or the one sheet of BIFF2–4)."""
        globals_ = biff.read_globals(self._stream)
        if globals_.encrypted:
            raise ReadError("encrypted", self.path, None)
        if not globals_.sheets:
            version = int.from_bytes(self._stream[0:2], "little")
            self._biff2 = version == 0x0009
            if version in (0x0009, 0x0209, 0x0409):
                return Layout("xls", (SheetRef(BIFF234_SHEET, False, 0, "0"),))
            return Layout("xls", (), known=False)
        refs = tuple(
            SheetRef(sheet.name, sheet.hidden, index, str(sheet.offset))
            for index, sheet in enumerate(globals_.sheets)
            if sheet.kind == "worksheet"
        )
        return Layout("xls", refs)
