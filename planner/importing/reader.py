"""The two entry points: `inspect_file` (what is in a file) and `read_sheet` (its cells).

Pipeline: size check → container sniffed from the bytes → encryption recognised → zip
budget from the central directory → no DTD in any XML part → real extents pre-scanned →
parsing in a worker process (calamine, then openpyxl or xlrd) → cells normalised here.
Every failure is one `ReadError` naming the file and, where it applies, the sheet.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from planner.importing import csvfile
from planner.importing.cells import SheetAssembly
from planner.importing.engines import ListJob, SheetJob
from planner.importing.jobs import CsvJob, TailScanJob
from planner.importing.model import FileInfo, Limits, Notice, ReadError, SheetData, SheetInfo
from planner.importing.prescan import Prescan, SheetRef
from planner.importing.sniff import SPREADSHEET_SUFFIXES, sniff
from planner.importing.worker import Worker

if TYPE_CHECKING:
    from collections.abc import Callable

    from planner.importing.csvfile import CsvFormat
    from planner.importing.prescan import Layout, TailScanner
    from planner.importing.sheetscan import SheetScan
    from planner.importing.sniff import Sniffed

_DEFAULT_LIMITS = Limits()


def inspect_file(path: Path | str, *, limits: Limits = _DEFAULT_LIMITS) -> FileInfo:
    """List a file's sheets (hidden ones included) with their real extents.

    No parsing library sees the file in this process; text files and damaged .xls
    containers are measured by the worker process.

    Raises:
        ReadError: the file cannot be imported at all (any category).
    """
    path = Path(path)
    sniffed = sniff(path, limits)
    if sniffed.container == "text":
        fmt = _text_format(path, sniffed)
        with Worker(path, limits) as worker:
            report = worker.run(_csv_job(path, fmt, limits, count_only=True), sheet=path.stem)
        if not report["rows"]:
            raise ReadError("empty", path, None, "the file holds no data")
        sheet = SheetInfo(path.stem, False, report["rows"], report["columns"])
        return _text_info(path, fmt, (sheet,))
    with Prescan(path, sniffed, limits) as prescan:
        layout = prescan.layout
        if not layout.known:
            with Worker(path, limits) as worker:
                return FileInfo(
                    path, layout.kind, _listed(worker, path), notices=layout.notices
                )
        sheets: list[SheetInfo] = []
        notices = list(layout.notices)
        for ref in layout.sheets:
            info, notice = _measure(prescan, ref, limits)
            sheets.append(info)
            if notice is not None:
                notices.append(notice)
    return FileInfo(path, layout.kind, tuple(sheets), notices=tuple(notices))


def read_sheet(
    path: Path | str,
    sheet: str | None = None,
    *,
    limits: Limits = _DEFAULT_LIMITS,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> SheetData:
    """Read one sheet's cells in the worker process.

    Args:
        path: the file.
        sheet: the sheet name; None reads the first visible sheet holding data.
        limits: what the file may cost.
        progress: called with (rows received, rows expected) while waiting.
        cancel: polled while waiting; returning True kills the worker.

    Raises:
        ReadError: the file or sheet cannot be imported (any category).
        ReadCancelledError: `cancel()` returned True.
    """
    path = Path(path)
    sniffed = sniff(path, limits)
    with Worker(path, limits) as worker:
        if sniffed.container == "text":
            return _read_text(path, sniffed, sheet, limits, worker, progress, cancel)
        with Prescan(path, sniffed, limits) as prescan:
            layout = prescan.layout
            ref, scan = _choose(prescan, layout, sheet, worker)
            _check_extent(path, ref.name, scan, limits)
            shared = prescan.long_shared_strings()
        assembly = SheetAssembly(ref.name)
        job = SheetJob(
            os.path.abspath(path),
            layout.kind,
            ref.name,
            ref.index,
            scan.rows,
            scan.columns,
            shared,
        )
        report = worker.run(
            job,
            sheet=ref.name,
            on_rows=assembly.add,
            progress=progress,
            cancel=cancel,
            total=scan.rows,
        )
    assembly.board.merge(report["notices"], report["counts"])
    assembly.apply_scan(scan)
    rows = assembly.finish()
    if not rows:
        raise ReadError("empty", path, ref.name, "the sheet holds no data")
    notices = (*layout.notices, *assembly.board.all())
    return SheetData(ref.name, rows, notices, engine=report["engine"])


# ---------------------------------------------------------------- spreadsheets


def _measure(
    prescan: Prescan, ref: SheetRef, limits: Limits
) -> tuple[SheetInfo, Notice | None]:
    """Scan one sheet for `inspect_file`; a damaged sheet is listed empty with a notice."""
    try:
        scan = prescan.scan(ref)
    except ReadError as exc:
        if exc.category == "unsafe":
            raise
        return SheetInfo(ref.name, ref.hidden, 0, 0), Notice(ref.name, None, None, exc.message)
    info = SheetInfo(ref.name, ref.hidden, scan.rows, scan.columns)
    if scan.over(limits):
        return info, Notice(ref.name, None, None, _too_large_text(scan, limits))
    return info, None


def _choose(
    prescan: Prescan, layout: Layout, sheet: str | None, worker: Worker
) -> tuple[SheetRef, SheetScan]:
    """Find the sheet to read and its scan (first visible sheet with data by default)."""
    from planner.importing.sheetscan import SheetScan

    refs = layout.sheets
    scans: dict[str, SheetScan] = {}
    if not layout.known:
        listed = _listed(worker, prescan.path)
        refs = tuple(SheetRef(s.name, s.hidden, i, "") for i, s in enumerate(listed))
        scans = {s.name: SheetScan(s.rows, s.columns) for s in listed}
    helper = _tail_scanner(worker, prescan.path, prescan.limits)

    def measure(ref: SheetRef) -> SheetScan:
        return scans[ref.name] if ref.name in scans else prescan.scan(ref, helper)

    if sheet is not None:
        found = next((ref for ref in refs if ref.name == sheet), None)
        if found is None:
            raise ReadError(
                "damaged",
                prescan.path,
                sheet,
                "there is no sheet of this name; was the file changed since it was opened?",
            )
        return found, measure(found)
    visible = [ref for ref in refs if not ref.hidden]
    for ref in visible:
        scan = measure(ref)
        if scan.rows and scan.columns:
            return ref, scan
    raise ReadError("empty", prescan.path, None, "no visible sheet holds any data")


def _tail_scanner(worker: Worker, path: Path, limits: Limits) -> TailScanner:
    """Let the worker pre-scan the tail of a large part while this process scans the head."""

    def start(member: str, split: int) -> Callable[[], SheetScan | None]:
        worker.submit(TailScanJob(os.path.abspath(path), member, split, limits))

        def wait() -> SheetScan | None:
            scan: SheetScan | None = worker.collect()["scan"]
            return scan

        return wait

    return start


def _listed(worker: Worker, path: Path) -> tuple[SheetInfo, ...]:
    """Ask the worker to list the sheets of a container the pre-scan could not open."""
    report = worker.run(ListJob(os.path.abspath(path), "xls"))
    return tuple(
        SheetInfo(name, hidden, rows, cols) for name, hidden, rows, cols in report["sheets"]
    )


def _check_extent(path: Path, sheet: str, scan: SheetScan, limits: Limits) -> None:
    """Refuse a sheet whose real extent is over the limits (calamine never sees it)."""
    if scan.over(limits):
        raise ReadError("too_large", path, sheet, _too_large_text(scan, limits))


def _too_large_text(scan: SheetScan, limits: Limits) -> str:
    """Word the too-large message with the sheet's extent and the limit."""
    return (
        f"the sheet extends over {scan.rows:,} rows × {scan.columns:,} columns, "
        f"more than the {limits.max_cells:,} cells (or {limits.max_rows:,} rows × "
        f"{limits.max_columns:,} columns) allowed"
    )


# ---------------------------------------------------------------- text files


def _text_format(path: Path, sniffed: Sniffed) -> CsvFormat:
    """Detect the text format; a text file with a spreadsheet name must look like a table."""
    fmt = csvfile.detect(path, sniffed.size)
    if path.suffix.lower() in SPREADSHEET_SUFFIXES and not fmt.tabular:
        raise ReadError(
            "not_a_spreadsheet",
            path,
            None,
            f"this is a text file named {path.suffix}, not a spreadsheet",
        )
    return fmt


def _csv_job(path: Path, fmt: CsvFormat, limits: Limits, *, count_only: bool = False) -> CsvJob:
    """Build the worker job for a text file."""
    return CsvJob(os.path.abspath(path), fmt, path.stem, limits, count_only)


def _text_info(path: Path, fmt: CsvFormat, sheets: tuple[SheetInfo, ...]) -> FileInfo:
    """Build the FileInfo of a text file."""
    return FileInfo(
        path, "csv", sheets, fmt.encoding, fmt.delimiter, fmt.decimal_comma, fmt.notices
    )


def _read_text(
    path: Path,
    sniffed: Sniffed,
    sheet: str | None,
    limits: Limits,
    worker: Worker,
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
) -> SheetData:
    """Read a CSV/TSV file in the worker and normalise its cells here."""
    fmt = _text_format(path, sniffed)
    if sheet is not None and sheet != path.stem:
        raise ReadError("damaged", path, sheet, "a text file has only one sheet")
    assembly = SheetAssembly(path.stem)
    report = worker.run(
        _csv_job(path, fmt, limits),
        sheet=path.stem,
        on_rows=assembly.add,
        progress=progress,
        cancel=cancel,
    )
    assembly.board.merge(report["notices"], report["counts"])
    rows = assembly.finish()
    if not rows:
        raise ReadError("empty", path, None, "the file holds no data")
    return SheetData(path.stem, rows, (*fmt.notices, *assembly.board.all()), engine="csv")
