"""Spreadsheet import: read xlsx, xlsm, xlsb, xls, ods and csv files safely into cells.

`inspect_file` lists a file's sheets with their real extents; `read_sheet` returns one
sheet's cells, parsed in a separate worker process with memory and time limits. Every
failure is a `ReadError` with one of six categories. Importing this package is cheap: the
parsing libraries are loaded only in the worker process.
"""

from __future__ import annotations

from planner.importing.model import (
    CATEGORIES,
    Category,
    Cell,
    CellError,
    FileInfo,
    Limits,
    Notice,
    ReadCancelledError,
    ReadError,
    SheetData,
    SheetInfo,
)
from planner.importing.reader import inspect_file, read_sheet
from planner.importing.safety import check_xml_safety

__all__ = [
    "CATEGORIES",
    "Category",
    "Cell",
    "CellError",
    "FileInfo",
    "Limits",
    "Notice",
    "ReadCancelledError",
    "ReadError",
    "SheetData",
    "SheetInfo",
    "check_xml_safety",
    "inspect_file",
    "read_sheet",
]
