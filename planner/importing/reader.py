"""The entry points: `inspect_file` (what is in a file), `read_sheet` (its cells), and
`inspect_and_read` (both for the first visible sheet, in one pass).

Pipeline: size check → container sniffed from the bytes → encryption recognised → zip
budget from the central directory → no DTD in any XML part → real extents pre-scanned →
parsing in a worker process (calamine, then openpyxl or xlrd) → cells normalised here.
Every failure is one `ReadError` naming the file and, where it applies, the sheet.

A large worksheet part (EARLY_PARSE_BYTES) is parsed while it is pre-scanned: the worker
gets the job first and builds no row until the pre-scan here has measured the sheet; a
sheet the pre-scan refuses ends the worker, with the same ReadError as before (issue #4).
Smaller parts are measured before any parser sees them.
"""

from __future__ import annotations

import contextlib
import gc
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
    from collections.abc import Callable, Iterator

    from planner.importing.csvfile import CsvFormat
    from planner.importing.prescan import Layout, TailScanner
    from planner.importing.sheetscan import SheetScan
    from planner.importing.sniff import Sniffed

_DEFAULT_LIMITS = Limits()
# A worksheet part at least this large (unpacked) is parsed by the worker while this process
# pre-scans it; a smaller one takes under ~30 ms to measure, so no parser sees it before.
EARLY_PARSE_BYTES = 4 << 20
_EARLY_KINDS = frozenset({"xlsx", "xlsm", "xlsb"})
# Memory an early parse may use: a real sheet needs ~5 bytes per byte of its XML (calamine's
# cells, then the rows built from them); a dimension bomb needs far more and fails fast.
# A parse that fails this way is simply done again once the sheet has been measured.
_EARLY_MEMORY_BASE = 256 << 20
_EARLY_MEMORY_PER_BYTE = 16


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
        return _measure_all(prescan)[0]


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
            early = _parse_early(prescan, worker, _candidate(layout, sheet))
            ref, scan = _choose(prescan, layout, sheet, worker, split=early is None)
            job = _sheet_job(prescan, ref, scan)
        return _read_cells(worker, job, scan, layout.notices, early, progress, cancel)


def inspect_and_read(
    path: Path | str,
    *,
    limits: Limits = _DEFAULT_LIMITS,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> tuple[FileInfo, SheetData]:
    """Inspect a file and read the sheet `FileInfo.first_visible()` names, in one pass.

    Returns what `inspect_file(path)` and then `read_sheet(path, first.name)` would, but
    the file is opened and pre-scanned once, by one worker, and a large first sheet is
    parsed while the pre-scan measures the sheets.

    Raises:
        ReadError: as `inspect_file`, then as `read_sheet`; empty when no sheet is visible.
        ReadCancelledError: `cancel()` returned True.
    """
    path = Path(path)
    sniffed = sniff(path, limits)
    with Worker(path, limits) as worker:
        if sniffed.container == "text":
            return _inspect_and_read_text(path, sniffed, limits, worker, progress, cancel)
        with Prescan(path, sniffed, limits) as prescan:
            layout = prescan.layout
            planned = _plan_first(prescan, worker) if layout.known else None
        if planned is not None:
            info, job, scan, early = planned
            data = _read_cells(worker, job, scan, layout.notices, early, progress, cancel)
            return info, data
    # A container the pre-scan cannot take apart (a damaged .xls): workers list it.
    info = inspect_file(path, limits=limits)
    first = _first_visible(info)
    data = read_sheet(path, first.name, limits=limits, progress=progress, cancel=cancel)
    return info, data


# ---------------------------------------------------------------- spreadsheets


def _measure_all(prescan: Prescan) -> tuple[FileInfo, list[SheetScan | ReadError]]:
    """Scan every sheet for `inspect_file`; a damaged sheet is listed empty with a notice.

    Returns:
        The file's description and, per sheet in layout order, its scan or why it failed.
    """
    layout, limits = prescan.layout, prescan.limits
    sheets: list[SheetInfo] = []
    notices = list(layout.notices)
    scans: list[SheetScan | ReadError] = []
    for ref in layout.sheets:
        try:
            scan = prescan.scan(ref)
        except ReadError as exc:
            if exc.category == "unsafe":
                raise
            sheets.append(SheetInfo(ref.name, ref.hidden, 0, 0))
            notices.append(Notice(ref.name, None, None, exc.message))
            scans.append(exc)
            continue
        sheets.append(SheetInfo(ref.name, ref.hidden, scan.rows, scan.columns))
        if scan.over(limits):
            notices.append(Notice(ref.name, None, None, _too_large_text(scan, limits)))
        scans.append(scan)
    info = FileInfo(prescan.path, layout.kind, tuple(sheets), notices=tuple(notices))
    return info, scans


def _plan_first(
    prescan: Prescan, worker: Worker
) -> tuple[FileInfo, SheetJob, SheetScan, SheetJob | None]:
    """Measure every sheet (a large first one being parsed meanwhile); plan the read.

    Returns:
        The file's description, the job reading its first visible sheet, that sheet's
        scan, and the job already sent to the worker, if any.

    Raises:
        ReadError: as `inspect_file`, then as `read_sheet` measuring the sheet.
    """
    layout = prescan.layout
    early = _parse_early(prescan, worker, _candidate(layout, None))
    info, scans = _measure_all(prescan)
    index = _sheet_index(layout, _first_visible(info))
    ref, scan = layout.sheets[index], scans[index]
    if isinstance(scan, ReadError):
        raise scan  # what read_sheet would find measuring it again
    _check_extent(prescan.path, ref.name, scan, prescan.limits)
    return info, _sheet_job(prescan, ref, scan), scan, early


def _first_visible(info: FileInfo) -> SheetInfo:
    """Return the sheet `inspect_and_read` reads.

    Raises:
        ReadError: empty, when no sheet is visible.
    """
    first = info.first_visible()
    if first is None:
        raise ReadError("empty", info.path, None, "no visible sheet holds any data")
    return first


def _sheet_index(layout: Layout, sheet: SheetInfo) -> int:
    """Return the position of the sheet `read_sheet(path, sheet.name)` would read."""
    return next(i for i, ref in enumerate(layout.sheets) if ref.name == sheet.name)


def _candidate(layout: Layout, sheet: str | None) -> SheetRef | None:
    """Return the sheet most likely to be read: the one named, else the first visible."""
    if not layout.known:
        return None
    if sheet is not None:
        return next((ref for ref in layout.sheets if ref.name == sheet), None)
    return next((ref for ref in layout.sheets if not ref.hidden), None)


def _parse_early(prescan: Prescan, worker: Worker, ref: SheetRef | None) -> SheetJob | None:
    """Start parsing a large OOXML sheet before it is measured; return the job, if sent.

    The worker holds the parsed sheet until `_read_cells` releases it with the measured
    extent; if the pre-scan refuses the sheet instead, closing the worker kills it.
    """
    kind = prescan.layout.kind
    if ref is None or kind not in _EARLY_KINDS or prescan.part_size(ref) < EARLY_PARSE_BYTES:
        return None
    job = _sheet_job(prescan, ref, None)
    budget = _EARLY_MEMORY_BASE + _EARLY_MEMORY_PER_BYTE * prescan.part_size(ref)
    worker.submit(job, sheet=ref.name, gated=True, memory_bytes=budget)
    return job


def _sheet_job(prescan: Prescan, ref: SheetRef, scan: SheetScan | None) -> SheetJob:
    """Build the worker job reading one sheet (extent 0 × 0 when not measured yet)."""
    return SheetJob(
        os.path.abspath(prescan.path),
        prescan.layout.kind,
        ref.name,
        ref.index,
        scan.rows if scan else 0,
        scan.columns if scan else 0,
        prescan.long_shared_strings(),
    )


def _read_cells(
    worker: Worker,
    job: SheetJob,
    scan: SheetScan,
    notices: tuple[Notice, ...],
    early: SheetJob | None,
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
) -> SheetData:
    """Have the worker send the sheet's rows (releasing an early parse), then assemble them.

    Raises:
        ReadError: the worker failed, or the sheet holds no data.
        ReadCancelledError: `cancel()` returned True.
    """
    if early is not None and (early.sheet, early.index) != (job.sheet, job.index):
        worker.close()  # it parsed a sheet that is not wanted after all
        with Worker(worker.path, worker.limits) as fresh:
            return _read_cells(fresh, job, scan, notices, None, progress, cancel)
    if early is not None:
        worker.release(scan.rows, scan.columns)
    else:
        worker.submit(job, sheet=job.sheet)
    assembly = SheetAssembly(job.sheet)
    try:
        with _collector_paused():
            report = worker.collect(
                sheet=job.sheet,
                into=assembly,
                progress=progress,
                cancel=cancel,
                total=scan.rows,
            )
    except ReadError:
        if early is None:
            raise
        # The early parse failed (its tighter memory cap, say): the sheet is measured and
        # allowed now, so read it the ordinary way, with the worker's whole allowance.
        worker.close()
        with Worker(worker.path, worker.limits) as fresh:
            return _read_cells(fresh, job, scan, notices, None, progress, cancel)
    assembly.apply_scan(scan)
    rows = assembly.finish()
    if not rows:
        raise ReadError("empty", worker.path, job.sheet, "the sheet holds no data")
    notices = (*notices, *assembly.board.all())
    return SheetData(job.sheet, rows, notices, engine=report["engine"])


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cycle collector while rows arrive, if it runs.

    Rows are plain lists of values and hold no cycles, but 100,000 new lists set off
    hundreds of collections that made receiving them ~2× slower (issue #4). Reference
    counting frees everything as usual.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _choose(
    prescan: Prescan, layout: Layout, sheet: str | None, worker: Worker, *, split: bool
) -> tuple[SheetRef, SheetScan]:
    """Find the sheet to read and its scan (first visible sheet with data by default).

    With `split`, the worker pre-scans the tail of a large part (it is idle until then).
    """
    from planner.importing.sheetscan import SheetScan

    refs = layout.sheets
    scans: dict[str, SheetScan] = {}
    if not layout.known:
        listed = _listed(worker, prescan.path)
        refs = tuple(SheetRef(s.name, s.hidden, i, "") for i, s in enumerate(listed))
        scans = {s.name: SheetScan(s.rows, s.columns) for s in listed}
    helper = _tail_scanner(worker, prescan.path, prescan.limits) if split else None

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
        scan = measure(found)
        _check_extent(prescan.path, found.name, scan, prescan.limits)
        return found, scan
    visible = [ref for ref in refs if not ref.hidden]
    for ref in visible:
        scan = measure(ref)
        if scan.rows and scan.columns:
            _check_extent(prescan.path, ref.name, scan, prescan.limits)
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
    """Refuse a sheet whose real extent is over the limits.

    No parser sees it, or (a large part parsed early) the worker is ended before it builds
    a single row.
    """
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
    return _text_cells(path, fmt, limits, worker, progress, cancel)[1]


def _inspect_and_read_text(
    path: Path,
    sniffed: Sniffed,
    limits: Limits,
    worker: Worker,
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
) -> tuple[FileInfo, SheetData]:
    """Parse a text file once for both its description and its cells."""
    fmt = _text_format(path, sniffed)
    sheet, data = _text_cells(path, fmt, limits, worker, progress, cancel)
    return _text_info(path, fmt, (sheet,)), data


def _text_cells(
    path: Path,
    fmt: CsvFormat,
    limits: Limits,
    worker: Worker,
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
) -> tuple[SheetInfo, SheetData]:
    """Parse a text file in the worker; return its extent and its normalised cells.

    Raises:
        ReadError: the worker failed, or the file holds no data.
        ReadCancelledError: `cancel()` returned True.
    """
    assembly = SheetAssembly(path.stem)
    with _collector_paused():
        report = worker.run(
            _csv_job(path, fmt, limits),
            sheet=path.stem,
            into=assembly,
            progress=progress,
            cancel=cancel,
        )
    assembly.board.put_first(report["notices"])
    rows = assembly.finish()
    if not rows:
        raise ReadError("empty", path, None, "the file holds no data")
    sheet = SheetInfo(path.stem, False, report["rows"], report["columns"])
    data = SheetData(path.stem, rows, (*fmt.notices, *assembly.board.all()), engine="csv")
    return sheet, data
