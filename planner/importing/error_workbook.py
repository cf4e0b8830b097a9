"""The error workbook: the imported rows as they were, each problem marked on its cell.

The buyer opens it in Excel, fixes the highlighted cells (each carries a comment with the
reason) and imports it again; the added "Problems" column is recognised by its header and
ignored on re-import. No cell is ever written as a formula (reliability.md F1): strings go
through write_string with `strings_to_formulas` off, and text that Excel would read as a
formula (= + - @ tab CR) gets the quote-prefix style, the file-format form of the apostrophe,
so the value itself comes back unchanged.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.importing.table import error_code

if TYPE_CHECKING:
    from collections.abc import Sequence

    from planner.importing.validate import ImportPreview, RowResult

PROBLEMS_HEADER = "Problems"
_FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")
_MAX_TEXT = 32_767


def needs_quote_prefix(text: str) -> bool:
    """Return whether Excel would take this text for a formula if typed in."""
    return text.startswith(_FORMULA_LEAD)


def _field_columns(preview: ImportPreview) -> dict[str, int]:
    columns = {m.field: c for c, m in preview.mapping.matches.items()}
    columns |= {p.isoformat(): c for c, p in preview.mapping.periods.items()}
    return columns


class _Sheet:
    """Writes cells with the formats of the error workbook."""

    def __init__(self, workbook: Any, name: str) -> None:
        self.sheet = workbook.add_worksheet(name)
        self.text = workbook.add_format({})
        self.quoted = workbook.add_format({"quote_prefix": True})
        self.header = workbook.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1})
        self.dated = workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.error = workbook.add_format({"bg_color": "#F8C9C4"})
        self.error_quoted = workbook.add_format({"bg_color": "#F8C9C4", "quote_prefix": True})
        self.warning = workbook.add_format({"bg_color": "#FFF2B3"})
        self.warning_quoted = workbook.add_format({"bg_color": "#FFF2B3", "quote_prefix": True})
        self.problem = workbook.add_format({"font_color": "#9C0006", "text_wrap": True})

    def _format(self, text: str, status: str) -> Any:
        quoted = needs_quote_prefix(text)
        if status == "error":
            return self.error_quoted if quoted else self.error
        if status == "warning":
            return self.warning_quoted if quoted else self.warning
        return self.quoted if quoted else self.text

    def cell(self, row: int, column: int, value: object, status: str = "ok") -> None:
        """Write one value as it was in the file, highlighted when it has a problem."""
        fill = None if status == "ok" else self._format("", status)
        code = error_code(value)
        if code is not None:
            self.sheet.write_string(row, column, code, self._format(code, status))
        elif isinstance(value, bool):
            self.sheet.write_boolean(row, column, value, fill)
        elif isinstance(value, int | float) and not (
            isinstance(value, float) and not math.isfinite(value)
        ):
            self.sheet.write_number(row, column, value, fill)
        elif isinstance(value, datetime | date):
            self.sheet.write_datetime(row, column, value, fill or self.dated)
        elif value is None or isinstance(value, float):
            if fill is not None:
                self.sheet.write_blank(row, column, None, fill)
        else:
            text = str(value)[:_MAX_TEXT]
            self.sheet.write_string(row, column, text, self._format(text, status))


def _status_of(result: RowResult, name: str) -> tuple[str, str]:
    cell = result.cells.get(name)
    if cell is None or cell.status == "ok":
        return "ok", ""
    return cell.status, cell.reason


def write_error_workbook(
    path: str | Path,
    rows: Sequence[Sequence[object]],
    preview: ImportPreview,
    *,
    only_problems: bool = False,
) -> Path:
    """Write the table's header and data rows with a Problems column and marked cells.

    Args:
        path: Where to write the .xlsx file.
        rows: The sheet's cells, as read.
        preview: The validated import.
        only_problems: Write only the rows that have a warning or an error.

    Returns:
        The path written.
    """
    import xlsxwriter

    target = Path(path)
    columns = preview.guess.columns
    headers = preview.guess.headers(rows)
    by_field = _field_columns(preview)
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    options |= {"strings_to_numbers": False, "nan_inf_to_errors": False}
    workbook = xlsxwriter.Workbook(str(target), {"constant_memory": False, **options})
    try:
        out = _Sheet(workbook, "Import")
        for index, column in enumerate(columns):
            out.sheet.write_string(0, index, headers[column], out.header)
            out.sheet.set_column(index, index, min(40, max(10, len(headers[column]) + 2)))
        problems_col = len(columns)
        out.sheet.write_string(0, problems_col, PROBLEMS_HEADER, out.header)
        out.sheet.set_column(problems_col, problems_col, 60)
        line = 0
        for result in preview.rows:
            if only_problems and result.status == "ok":
                continue
            line += 1
            _write_row(out, line, rows[result.source_row], result, columns, by_field)
            problems = "; ".join(result.problems()) if result.status != "ok" else ""
            if problems:
                out.sheet.write_string(line, problems_col, problems[:_MAX_TEXT], out.problem)
        out.sheet.freeze_panes(1, 0)
        out.sheet.autofilter(0, 0, max(line, 1), problems_col)
        _read_me(workbook, preview)
    finally:
        workbook.close()
    return target


def _write_row(
    out: _Sheet,
    line: int,
    cells: Sequence[object],
    result: RowResult,
    columns: list[int],
    by_field: dict[str, int],
) -> None:
    marks: dict[int, tuple[str, str]] = {}
    for name in result.cells:
        status, reason = _status_of(result, name)
        if status != "ok" and name in by_field:
            marks[by_field[name]] = (status, reason)
    for index, column in enumerate(columns):
        value = cells[column] if column < len(cells) else None
        status, reason = marks.get(column, ("ok", ""))
        out.cell(line, index, value, status)
        if reason:
            out.sheet.write_comment(line, index, reason[:2000], {"x_scale": 2})


def _read_me(workbook: Any, preview: ImportPreview) -> None:
    sheet = workbook.add_worksheet("Read me")
    summary = preview.summary()
    lines = [
        f"Import of {preview.kind} ({preview.mode}): {summary['rows']} rows, "
        f"{summary['errors']} with errors, {summary['warnings']} with warnings.",
        "Red cells have errors, yellow cells warnings; hover a cell to read the reason.",
        "Fix the cells in the first sheet and import this file again.",
        f"The '{PROBLEMS_HEADER}' column is ignored when the file is imported again.",
        *preview.notes,
    ]
    for index, text in enumerate(lines):
        sheet.write_string(index, 0, text)
    sheet.set_column(0, 0, 100)
