"""The parsing libraries, tried in order inside the worker process.

python-calamine first (8–11× faster than openpyxl), then openpyxl for xlsx/xlsm that
calamine refuses (UTF-16 parts, damaged relationships, XLM macro sheets, rows numbered 0),
and xlrd for .xls that calamine refuses (BIFF2–4). openpyxl is never trusted with "0
sheets": Strict OOXML reads as an empty workbook there, and that is reported, not
returned. Nothing in this module is imported by the calling process.
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

from planner.importing.model import CellError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from datetime import datetime
    from typing import TypeAlias

    from planner.importing.model import Category, Cell

    # Returns the sheet's measured (rows, columns), 0 = unknown; for a gated job it waits
    # for the parent's pre-scan, so every engine calls it before building any row.
    Extent: TypeAlias = Callable[[], tuple[int, int]]

ENGINES: dict[str, tuple[str, ...]] = {
    "xlsx": ("calamine", "openpyxl"),
    "xlsm": ("calamine", "openpyxl"),
    "xlsb": ("calamine",),
    "ods": ("calamine",),
    "xls": ("calamine", "xlrd"),
}
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


class EngineError(Exception):
    """A reading failure already sorted into a category."""

    def __init__(self, category: Category, message: str, detail: str = "") -> None:
        """Remember category, buyer-facing message and technical detail."""
        super().__init__(message)
        self.category: Category = category
        self.message = message
        self.detail = detail


@dataclass(frozen=True)
class SheetJob:
    """Read one sheet; rows and columns are the pre-scanned extent (0 = unknown)."""

    path: str
    kind: str
    sheet: str
    index: int
    rows: int
    columns: int
    long_shared_strings: bool = False  # then openpyxl goes first: it shares them


@dataclass(frozen=True)
class ListJob:
    """List the sheets of a workbook the pre-scan could not take apart (damaged xls)."""

    path: str
    kind: str


def ensure_defused_xml() -> None:
    """Refuse to run openpyxl unless it parses through defusedxml.

    Raises:
        RuntimeError: defusedxml is missing or disabled (OPENPYXL_DEFUSEDXML=False).
    """
    import openpyxl.xml  # type: ignore[import-untyped]

    if not openpyxl.xml.DEFUSEDXML:
        raise RuntimeError(
            "openpyxl is not using defusedxml: install defusedxml and do not set "
            "OPENPYXL_DEFUSEDXML=False"
        )


def send_sheet_rows(
    job: SheetJob,
    send: Callable[[list[list[Any]]], None],
    chunk_cells: int,
    extent: Extent | None = None,
    restart: Callable[[], None] | None = None,
) -> tuple[str, list[str]]:
    """Send one sheet's rows in chunks; return (engine, failures of the engines tried before).

    calamine builds its rows while they are sent: should it fail part-way, `restart()`
    tells the parent to forget them, and the next engine sends the sheet from its start.

    Args:
        job: the sheet.
        send: sends one chunk of rows to the parent (it may empty the chunk).
        chunk_cells: about how many cells go into one chunk.
        extent: where the measured extent comes from (default: the job's rows and columns).
        restart: called when an engine fails after sending rows.

    Raises:
        EngineError: every engine failed, or one failed in a way that settles it
            (password, memory, cell limit).
    """
    failures: list[str] = []
    readers: dict[str, Callable[[SheetJob, Extent | None], Iterable[list[Any]]]] = {
        "calamine": _calamine,
        "openpyxl": _openpyxl,
        "xlrd": _xlrd,
    }
    order = ENGINES[job.kind]
    if job.long_shared_strings and "openpyxl" in order:
        order = ("openpyxl", *(engine for engine in order if engine != "openpyxl"))
    for engine in order:
        sending = started = False
        try:
            for chunk in chunks(readers[engine](job, extent), chunk_cells):
                sending = True
                send(chunk)
                sending, started = False, True
            return engine, failures
        except (EngineError, MemoryError, KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # pyo3's PanicException derives from BaseException
            if sending:
                raise  # the parent is gone, not the engine
            failures.append(f"{engine}: {type(exc).__name__}: {exc}")
            if started and restart is not None:
                restart()
    raise EngineError(
        "damaged",
        "the file is damaged and none of the readers could open it",
        "; ".join(failures),
    )


def chunks(rows: Iterable[list[Any]], chunk_cells: int) -> Iterator[list[list[Any]]]:
    """Yield rows in lists of about `chunk_cells` cells (going by the first row's width).

    A list of rows is emptied as it goes, so sent rows are freed and each value left with
    the one reference the chunk holds.
    """
    if isinstance(rows, list):
        step = max(1, chunk_cells // max(1, len(rows[0]))) if rows else 1
        while rows:
            chunk = rows[:step]
            del rows[:step]
            yield chunk
        return
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return
    step = max(1, chunk_cells // max(1, len(first)))
    chunk = [first, *islice(iterator, step - 1)]
    while chunk:
        yield chunk
        chunk = list(islice(iterator, step))


def _measured(job: SheetJob, extent: Extent | None) -> tuple[int, int]:
    """Return the sheet's measured (rows, columns): the job's, or the parent's answer."""
    return extent() if extent is not None else (job.rows, job.columns)


def _calamine(job: SheetJob, extent: Extent | None = None) -> Iterator[list[Any]]:
    """Read with python-calamine, keeping column positions (no empty-area skipping).

    The sheet is parsed here; its Python rows are built one by one as they are taken.
    """
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    try:
        with CalamineWorkbook.from_path(job.path) as workbook:
            sheet = workbook.get_sheet_by_name(job.sheet)
    except PasswordError:
        raise EngineError("encrypted", "the file is password-protected (encrypted)") from None
    except CalamineError as exc:
        if "limit" in str(exc).lower():
            raise EngineError(
                "too_large", "the sheet is too large to import", str(exc)
            ) from None
        raise
    nrows = _measured(job, extent)[0]  # parsed, but not one Python row yet
    start = sheet.start
    # iter_rows() starts at row 0 (as to_python(skip_empty_area=False) does) but at the
    # first column in use; the columns before it are put back as blanks.
    rows: Iterator[list[Any]] = sheet.iter_rows()
    if nrows:
        rows = islice(rows, nrows)
    pad = start[1] if start else 0
    if pad:
        rows = ([""] * pad + row for row in rows)
    return rows


def _openpyxl(job: SheetJob, extent: Extent | None = None) -> list[list[Any]]:
    """Read with openpyxl in read-only, values-only mode, bounded by the real extent."""
    ensure_defused_xml()
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(
            job.path, read_only=True, data_only=True, keep_links=False, keep_vba=False
        )
    try:
        max_row, max_col = _measured(job, extent)  # sheets are read lazily: none read yet
        if not workbook.sheetnames:
            raise ValueError("openpyxl found no worksheets (Strict OOXML?)")
        sheet = workbook[job.sheet]
        sheet.reset_dimensions()
        unescaped: dict[str, str] = {}  # shared strings repeat: decode each one once
        return [
            [_unescape(value, unescaped) if isinstance(value, str) else value for value in row]
            for row in sheet.iter_rows(
                max_row=max_row or None, max_col=max_col or None, values_only=True
            )
        ]
    finally:
        workbook.close()


def _unescape(text: str, seen: dict[str, str]) -> str:
    """Decode OOXML `_xHHHH_` escapes, which openpyxl's read-only mode leaves in."""
    done = seen.get(text)
    if done is None:
        done = text
        if "_x" in text:
            done = _ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)
        seen[text] = done
    return done


def _xlrd(job: SheetJob, extent: Extent | None = None) -> list[list[Any]]:
    """Read .xls (BIFF2–8) with xlrd; dates per the workbook's date mode, errors kept."""
    import xlrd

    _measured(job, extent)  # xlrd reads a sheet as it is (.xls caps it at 65,536 × 256)
    with open(os.devnull, "w", encoding="utf-8") as log:
        book = xlrd.open_workbook(
            job.path, on_demand=True, ignore_workbook_corruption=True, logfile=log
        )
        try:
            names = book.sheet_names()
            index = names.index(job.sheet) if job.sheet in names else job.index
            sheet = book.sheet_by_index(index)
            return [
                [_xlrd_value(cell, book.datemode) for cell in sheet.row(row)]
                for row in range(sheet.nrows)
            ]
        finally:
            book.release_resources()


def _xlrd_value(cell: Any, datemode: int) -> Cell:
    """Convert one xlrd cell to a reader value."""
    import xlrd

    kind, value = cell.ctype, cell.value
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_ERROR:
        from planner.importing.biff import ERROR_CODES  # only .xls needs it

        return CellError(ERROR_CODES.get(value, "#VALUE!"))
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_DATE:
        try:
            moment: datetime = xlrd.xldate.xldate_as_datetime(value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return float(value)
        if value < 1:
            return moment.time()
        return moment.date() if float(value).is_integer() else moment
    return str(value) if kind == xlrd.XL_CELL_TEXT else float(value)


def list_sheets(job: ListJob) -> list[tuple[str, bool, int, int]]:
    """Return (name, hidden, rows, columns) of every worksheet, for damaged containers.

    Raises:
        EngineError: no engine could open the workbook.
    """
    failures: list[str] = []
    try:
        return _calamine_list(job.path)
    except Exception as exc:
        failures.append(f"calamine: {exc!r}")
    if job.kind == "xls":
        try:
            return _xlrd_list(job.path)
        except Exception as exc:
            failures.append(f"xlrd: {exc!r}")
    raise EngineError(
        "damaged",
        "the file is damaged and none of the readers could open it",
        "; ".join(failures),
    )


def _calamine_list(path: str) -> list[tuple[str, bool, int, int]]:
    """List worksheets with calamine, measuring each (the container is small: an xls)."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    found: list[tuple[str, bool, int, int]] = []
    with CalamineWorkbook.from_path(path) as workbook:
        for meta in workbook.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            end = sheet.end
            rows, columns = (end[0] + 1, end[1] + 1) if end else (0, 0)
            found.append((meta.name, meta.visible != SheetVisibleEnum.Visible, rows, columns))
    return found


def _xlrd_list(path: str) -> list[tuple[str, bool, int, int]]:
    """List worksheets with xlrd."""
    import xlrd

    with open(os.devnull, "w", encoding="utf-8") as log:
        book = xlrd.open_workbook(path, ignore_workbook_corruption=True, logfile=log)
        return [
            (sheet.name, bool(sheet.visibility), sheet.nrows, sheet.ncols)
            for sheet in book.sheets()
        ]
