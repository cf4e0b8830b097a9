"""What the worker process does with each job: read a sheet, a text file, or list sheets.

Rows are sent as the engines give them: the parent cleans them (`cells`). What only one
kind of job needs is imported when such a job comes: the worker's start-up is part of
every read (issue #4).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.importing import engines
from planner.importing.engines import EngineError, ListJob, SheetJob

if TYPE_CHECKING:
    from collections.abc import Callable

    from planner.importing.csvfile import CsvFormat
    from planner.importing.engines import Extent
    from planner.importing.model import Limits
    from planner.importing.sheetscan import SheetScan

__all__ = ["CsvJob", "EngineError", "ListJob", "SheetJob", "TailScanJob", "run"]


@dataclass(frozen=True)
class CsvJob:
    """Parse a text file; with `count_only` report its extent instead of its rows."""

    path: str
    fmt: CsvFormat
    sheet: str
    limits: Limits
    count_only: bool = False


@dataclass(frozen=True)
class TailScanJob:
    """Pre-scan the tail of a worksheet part while the caller scans its head."""

    path: str
    member: str
    split: int
    limits: Limits


def run(
    job: object,
    send: Callable[[list[list[Any]]], None],
    chunk_cells: int,
    extent: Extent | None = None,
    *,
    restart: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Run one job, sending rows in chunks of about `chunk_cells` cells.

    Args:
        job: the job.
        send: sends one chunk of rows to the parent (it may empty the chunk).
        chunk_cells: about how many cells go into one chunk.
        extent: for a gated sheet job, waits for the parent's measured extent.
        restart: tells the parent to forget the rows sent so far (an engine failed
            part-way and the next one starts over).

    Returns:
        The final report for the parent.

    Raises:
        EngineError: the job failed in a known way.
        TypeError: the job is of no known kind.
    """
    if isinstance(job, SheetJob):
        engine, failures = engines.send_sheet_rows(job, send, chunk_cells, extent, restart)
        return {"engine": engine, "failures": failures}
    if isinstance(job, CsvJob):
        from planner.importing import csvfile

        parsed = csvfile.read_rows(Path(job.path), job.fmt, job.sheet, job.limits)
        size = {"rows": len(parsed.rows), "columns": parsed.columns}
        if job.count_only:
            return size
        for chunk in engines.chunks(parsed.rows, chunk_cells):
            send(chunk)
        return {"engine": "csv", **size, "notices": parsed.notices}
    if isinstance(job, ListJob):
        return {"sheets": engines.list_sheets(job)}
    if isinstance(job, TailScanJob):
        return {"scan": _tail_scan(job)}
    raise TypeError(f"unknown job {job!r}")


def _tail_scan(job: TailScanJob) -> SheetScan | None:
    """Scan the tail half with our own fast path; None lets the caller scan it all."""
    import zipfile

    from planner.importing.sheetxml import ScanError, scan_half_xml

    try:
        with zipfile.ZipFile(job.path) as archive:
            return scan_half_xml(
                lambda: archive.open(job.member), job.limits, head=False, split=job.split
            )
    except (ScanError, zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
