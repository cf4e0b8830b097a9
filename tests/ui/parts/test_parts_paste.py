"""Pasting rows from Excel into the parts table, and copying them back out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QGuiApplication

from planner.schema import Part

from ui.parts_columns import (
    COLUMNS,
    FAMILY,
    LICENCE,
    PART_NUMBER,
    SUPPLIER,
    UNIT_PRICE,
)

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from PySide6.QtGui import QUndoStack

    from ui.parts_model import PartsTableModel
    from ui.session import WorkspaceSession
    from ui.table_view import ExcelTableView


from tests.ui.parts.helpers import cell, row_of, stored


def _pasted_rows() -> tuple[list[list[str]], dict[int, str]]:
    """Return a header and 50 rows; the first edits MG-1704, four are bad (line -> column)."""
    header = ["P/N", "Description", "Family", "Grade", "Dimensions", "Mass (g)", "Qty",
              "Supplier", "Price", "Currency"]  # fmt: skip
    rows = [["MG-1704", "Seat-belt buckle sensor magnet", "NdFeB", "N42SH", "D4x2", "", "9",
             "Haiphong Sintered Magnets JSC (fictional)", "0.05", "USD"]]  # fmt: skip
    for n in range(2, 51):
        rows.append(
            [f"PASTE-{n:03d}", f"Pasted magnet {n}", "Sintered NdFeB", "N42SH", "10 x 5 x 3 mm",
             "", "100", "Ningbo Eastfield Magnetics (fictional)", "0.12", "USD"]
        )  # fmt: skip
    bad = {11: ("Grade", "N60SH"), 21: ("Mass (g)", "-3"), 31: ("Family", "Unobtainium"),
           41: ("P/N", "MG-1001")}  # fmt: skip
    for line, (column, value) in bad.items():
        rows[line - 2][header.index(column)] = value
    return [header, *rows], {line: column for line, (column, _) in bad.items()}


def test_paste_fifty_rows_reports_bad_ones_and_undoes_in_one_step(
    qtbot: QtBot,
    session: WorkspaceSession,
    view: ExcelTableView,
    model: PartsTableModel,
    undo_stack: QUndoStack,
) -> None:
    block, bad = _pasted_rows()
    QGuiApplication.clipboard().setText("\r\n".join("\t".join(r) for r in block) + "\r\n")
    view.setCurrentIndex(view.model().index(view.model().rowCount() - 1, 0))  # MG-1704
    with qtbot.waitSignal(view.pasted) as pasted:
        view.paste()
    report = pasted.args[0]
    assert report.accepted == 46  # MG-1704 edited, 45 parts added
    assert {(r.row, r.column) for r in report.rejected} == set(bad.items())
    reasons = {r.row: r.reason for r in report.rejected}
    assert "N56" in reasons[11]
    assert "more than 0" in reasons[21]
    assert "not a magnet family" in reasons[31]
    assert "MG-1001 already exists" in reasons[41]
    assert model.rowCount() == 25 + 45
    assert cell(model, "PASTE-002", UNIT_PRICE) == "0.12 USD"
    assert cell(model, "MG-1704", UNIT_PRICE) == "0.05 USD"
    assert not any(
        p.part_number in {"PASTE-010", "PASTE-020"} for p in session.workspace.all(Part)
    )
    assert undo_stack.count() == 1
    undo_stack.undo()
    assert model.rowCount() == 25
    assert session.workspace.count(Part) == 25
    assert cell(model, "MG-1704", UNIT_PRICE) == "0.04 USD"
    undo_stack.redo()
    assert model.rowCount() == 70


def test_paste_without_headers_edits_cells_from_the_current_column(
    session: WorkspaceSession, model: PartsTableModel, undo_stack: QUndoStack
) -> None:
    row = row_of(model, "MG-1001")
    report = model.paste_block(row, UNIT_PRICE, [["1.10", "EUR"], ["1.20", "eur"]])
    assert report.accepted == 2
    assert not report.rejected
    assert cell(model, "MG-1001", UNIT_PRICE) == "1.10 EUR"
    assert cell(model, "MG-1002", UNIT_PRICE) == "1.20 EUR"
    assert undo_stack.count() == 1
    undo_stack.undo()
    assert stored(session, "MG-1002").unit_price == 0.65


def test_pasted_row_is_validated_in_its_own_context(
    session: WorkspaceSession, model: PartsTableModel
) -> None:
    row = row_of(model, "MG-1001")
    # Family and grade together fit; family alone would not fit the stored N38UH.
    assert model.paste_block(row, FAMILY, [["Hard ferrite", "Y30"]]).accepted == 1
    assert stored(session, "MG-1001").family == "ferrite"
    report = model.paste_block(row_of(model, "MG-1401"), FAMILY, [["AlNiCo"]])
    assert report.accepted == 0
    assert report.rejected[0].column == "Family"
    assert "does not fit" in report.rejected[0].reason


def test_paste_maps_synonym_headers_and_skips_columns_it_does_not_import(
    session: WorkspaceSession, model: PartsTableModel
) -> None:
    block = [
        ["Part No.", "Qty", "Material", "Grade", "Licence"],
        ["X-1", "5", "neo", "42SH", "?"],
    ]
    report = model.paste_block(model.rowCount(), 0, block)
    assert report.accepted == 1
    part = stored(session, "X-1")
    assert (part.family, part.grade, part.form) == ("sintered_ndfeb", "N42SH", "bare")


def test_copy_of_whole_rows_gives_headers_and_tab_separated_cells(
    view: ExcelTableView, model: PartsTableModel
) -> None:
    selection = view.selectionModel()
    for row in (0, 1):
        flags = (
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        )
        selection.select(view.model().index(row, 0), flags)
    view.copy()
    lines = QGuiApplication.clipboard().text().split("\r\n")
    assert lines[0].split("\t") == [c.header for c in COLUMNS]
    first = lines[1].split("\t")
    assert first[PART_NUMBER] == "MG-1001"
    assert first[FAMILY] == "Sintered NdFeB"
    assert first[UNIT_PRICE] == "0.92"
    assert first[SUPPLIER] == "Ningbo Eastfield Magnetics (fictional)"
    assert first[LICENCE] == "required"
    assert lines[2].startswith("MG-1002\t")
    # Pasting the copy back edits nothing and refuses nothing.
    report = model.paste_block(0, 0, [line.split("\t") for line in lines[:3]])
    assert (report.accepted, report.rejected) == (2, [])
