"""The parts model and proxy: model tests, edits with undo, licence, filters, sorting."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QAbstractItemModelTester, QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication, QComboBox, QStyleOptionViewItem

from planner.rules import LicenceNeed, evaluate
from planner.schema import BomLine, Part, Stock, Supplier
from planner.workspace import Change, ChangeKind

from ui.parts_columns import (
    COLUMN_OF_FIELD,
    COLUMNS,
    FAMILY,
    GRADE,
    LICENCE,
    MASS,
    PART_NUMBER,
    SUPPLIER,
    UNIT_PRICE,
    default_column_widths,
)
from ui.parts_delegates import CheckedLineEdit, PartsDelegate
from ui.parts_model import PartsFilterProxy, PartsTableModel
from ui.roles import TOOLTIP, EditTextRole

if TYPE_CHECKING:
    from pytestqt.modeltest import ModelTester
    from pytestqt.qtbot import QtBot

    from PySide6.QtGui import QUndoStack

    from ui.session import WorkspaceSession
    from ui.table_view import ExcelTableView


from tests.ui.parts.helpers import cell, row_of, stored


def test_model_passes_the_qt_model_tester(
    qtmodeltester: ModelTester, model: PartsTableModel
) -> None:
    assert model.rowCount() == 25
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]


def test_proxy_passes_the_qt_model_tester_while_filtering_and_sorting(
    qtmodeltester: ModelTester, proxy: PartsFilterProxy
) -> None:
    qtmodeltester.check(proxy)  # type: ignore[no-untyped-call]
    proxy.sort(MASS, Qt.SortOrder.DescendingOrder)
    proxy.set_search_text("ningbo")
    proxy.set_licence_filter(LicenceNeed.REQUIRED)
    assert proxy.rowCount() > 0


def test_structural_changes_pass_the_model_tester(
    model: PartsTableModel, undo_stack: QUndoStack
) -> None:
    tester = QAbstractItemModelTester(
        model, QAbstractItemModelTester.FailureReportingMode.Warning
    )
    model.add_part()
    model.delete_rows([0, 3, 4, 5])
    model.setData(model.index(2, GRADE), "N42SH")
    while undo_stack.canUndo():
        undo_stack.undo()
    while undo_stack.canRedo():
        undo_stack.redo()
    assert tester is not None
    assert model.rowCount() == 25 + 1 - 4


EDITS = [
    # (part, field, typed text, shown in the cell, stored value)
    ("MG-1001", "part_number", "MG-1001A", "MG-1001A", "MG-1001A"),
    ("MG-1001", "description", "Rotor segment, v2", "Rotor segment, v2", "Rotor segment, v2"),
    ("MG-1302", "family", "Hard ferrite", "Hard ferrite", "ferrite"),
    ("MG-1001", "grade", "n42sh", "N42SH", "N42SH"),
    ("MG-1405", "shape", "block", "block", "block"),
    ("MG-1401", "dimensions", "40x18x5", "block 40 × 18 × 5 mm", "block 40 × 18 × 5 mm"),
    ("MG-1001", "stated_mass_g", "15,2 g", "15.2", 15.2),
    ("MG-1001", "coating", "Zn", "Zn", "Zn"),
    ("MG-1001", "measured_dy_pct", "1.5", "1.5", 1.5),
    ("MG-1001", "measured_tb_pct", "0.3 %", "0.3", 0.3),
    ("MG-1001", "form", "assembly", "assembly", "assembly"),
    ("MG-1001", "supplier_id", "pune permanent magnets pvt. ltd. (fictional)",
     "IN · Pune Permanent Magnets Pvt. Ltd. (fictional)", "pune"),
    ("MG-1001", "unit_price", "1,25", "1.25 USD", 1.25),
    ("MG-1001", "currency", "€", "EUR", "EUR"),
    ("MG-1001", "lead_time_days", "56", "56", 56),
    ("MG-1001", "moq", "12,000", "12,000", 12000),
    ("MG-1001", "order_multiple", "250 pcs", "250", 250),
]  # fmt: skip


@pytest.mark.parametrize("edit", EDITS, ids=[edit[1] for edit in EDITS])
def test_edit_undo_redo_round_trip(
    session: WorkspaceSession,
    model: PartsTableModel,
    undo_stack: QUndoStack,
    edit: tuple[str, str, str, str, Any],
) -> None:
    number, field, text, shown, value = edit
    part = stored(session, number)
    column = COLUMN_OF_FIELD[field]
    row = model.row_of(part.id)
    assert row is not None
    before_shown, before = model.index(row, column).data(), getattr(part, field)
    if field == "supplier_id":
        value = next(s.id for s in session.workspace.all(Supplier) if s.name.startswith("Pune"))

    def check(expect_shown: str, expect_value: Any) -> None:
        assert model.index(row, column).data() == expect_shown
        assert getattr(session.workspace.get(Part, part.id), field) == expect_value

    assert model.setData(model.index(row, column), text)
    assert undo_stack.count() == 1
    check(shown, value)
    undo_stack.undo()
    check(before_shown, before)
    undo_stack.redo()
    check(shown, value)


def test_every_editable_column_is_covered_and_derived_columns_are_read_only(
    model: PartsTableModel,
) -> None:
    editable = {c.field for c in COLUMNS if c.field is not None}
    assert editable == {edit[1] for edit in EDITS}
    for column in (MASS, LICENCE):
        assert not model.flags(model.index(0, column)) & Qt.ItemFlag.ItemIsEditable
        assert not model.setData(model.index(0, column), "1")


def test_invalid_grade_is_refused_with_its_reason_and_nothing_stored(
    qtbot: QtBot, session: WorkspaceSession, model: PartsTableModel, undo_stack: QUndoStack
) -> None:
    row = row_of(model, "MG-1001")
    with qtbot.waitSignal(model.edit_refused) as refused:
        assert not model.setData(model.index(row, GRADE), "N60SH")
    assert "N56" in refused.args[0]
    assert stored(session, "MG-1001").grade == "N38UH"
    assert model.index(row, GRADE).data() == "N38UH"
    assert undo_stack.count() == 0


def state(editor: CheckedLineEdit) -> tuple[bool, str]:
    """Return whether an editor's text is accepted, and what it says about it."""
    return editor.valid, editor.feedback


def test_grade_editor_parses_live_and_never_saves_an_invalid_grade(
    qtbot: QtBot, session: WorkspaceSession, view: ExcelTableView, model: PartsTableModel
) -> None:
    delegate = PartsDelegate(view)
    view.setItemDelegate(delegate)
    index = view.model().index(0, GRADE)  # MG-1001 once sorted by part number
    editor = delegate.createEditor(view.viewport(), QStyleOptionViewItem(), index)
    assert isinstance(editor, CheckedLineEdit)
    delegate.setEditorData(editor, index)
    valid, feedback = state(editor)
    assert valid
    assert "class UH" in feedback
    editor.setText("N60SH")
    valid, feedback = state(editor)
    assert not valid
    assert "N56" in feedback
    assert "border" in editor.styleSheet()
    with qtbot.waitSignal(model.edit_refused):
        delegate.setModelData(editor, view.model(), index)
    assert stored(session, "MG-1001").grade == "N38UH"
    editor.setText("N42SH GBD")
    assert state(editor)[0]
    delegate.setModelData(editor, view.model(), index)
    assert stored(session, "MG-1001").grade == "N42SH GBD"


def test_editing_in_the_view_keeps_a_refused_grade_open_until_corrected(
    qtbot: QtBot, session: WorkspaceSession, view: ExcelTableView
) -> None:
    view.setItemDelegate(PartsDelegate(view))
    view.show()
    qtbot.waitExposed(view)
    index = view.model().index(0, GRADE)  # MG-1001
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.findChild(CheckedLineEdit)
    assert isinstance(editor, CheckedLineEdit)
    editor.selectAll()
    QTest.keyClicks(editor, "N60SH")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()  # the delegate commits through a queued call
    assert view.state() == QAbstractItemView.State.EditingState
    assert stored(session, "MG-1001").grade == "N38UH"
    editor.selectAll()
    QTest.keyClicks(editor, "n42sh")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() == QAbstractItemView.State.NoState)
    assert stored(session, "MG-1001").grade == "N42SH"


@pytest.mark.parametrize(
    ("number", "field", "choice", "value"),
    [
        ("MG-1302", "family", "Hard ferrite", "ferrite"),
        ("MG-1405", "shape", "block", "block"),
        ("MG-1001", "form", "assembly", "assembly"),
        ("MG-1001", "supplier_id", "Hanau Magnettechnik GmbH (fictional)", "Hanau"),
    ],
)
def test_combo_editors_store_the_choice(
    session: WorkspaceSession,
    view: ExcelTableView,
    model: PartsTableModel,
    number: str,
    field: str,
    choice: str,
    value: str,
) -> None:
    delegate = PartsDelegate(view)
    index = view.model().index(row_of(model, number), COLUMN_OF_FIELD[field])
    editor = delegate.createEditor(view.viewport(), QStyleOptionViewItem(), index)
    assert isinstance(editor, QComboBox)
    delegate.setEditorData(editor, index)
    assert editor.currentText() == index.data(EditTextRole)
    editor.setCurrentIndex(editor.findText(choice))
    delegate.setModelData(editor, view.model(), index)
    if field == "supplier_id":
        supplier = session.workspace.get(Supplier, stored(session, number).supplier_id)
        assert supplier is not None
        assert supplier.name.startswith(value)
    else:
        assert getattr(stored(session, number), field) == value


def test_number_editor_refuses_what_is_not_a_count(
    view: ExcelTableView, model: PartsTableModel
) -> None:
    delegate = PartsDelegate(view)
    index = view.model().index(0, COLUMN_OF_FIELD["moq"])
    editor = delegate.createEditor(view.viewport(), QStyleOptionViewItem(), index)
    assert isinstance(editor, CheckedLineEdit)
    editor.setText("2.5")
    assert state(editor) == (False, "'2.5' must be a whole number")
    editor.setText("12 000 pcs")
    assert state(editor)[0]


def test_family_change_the_grade_no_longer_fits_is_refused(
    qtbot: QtBot, session: WorkspaceSession, model: PartsTableModel
) -> None:
    with qtbot.waitSignal(model.edit_refused) as refused:
        assert not model.setData(model.index(row_of(model, "MG-1001"), FAMILY), "Hard ferrite")
    assert "N38UH does not fit Hard ferrite" in refused.args[0]
    assert stored(session, "MG-1001").family == "sintered_ndfeb"


def test_licence_tooltip_cites_rule_sources_basis_and_as_of(model: PartsTableModel) -> None:
    tip = cell(model, "MG-1001", LICENCE, TOOLTIP)
    assert "Export licence required" in tip
    assert "CN-MOFCOM-2025-18-NdFeB-DyTb" in tip
    assert "https://" in tip
    assert "estimated from the grade" in tip
    assert "Rule set as of 2026-05-31" in tip
    assert cell(model, "MG-1001", LICENCE) == "required"
    assert "measured" in cell(model, "MG-1402", LICENCE, TOOLTIP)
    assert "Measured Dy 2.1 %" in cell(model, "MG-1402", LICENCE, TOOLTIP)


def test_mass_shows_its_origin(model: PartsTableModel) -> None:
    assert cell(model, "MG-1001", MASS) == "14.5 g est."
    assert cell(model, "MG-1001", MASS, TOOLTIP).startswith("estimated from arc R25/R21")
    assert cell(model, "MG-1405", MASS) == "1,450 g"
    assert cell(model, "MG-1405", MASS, TOOLTIP) == "stated by user: 1,450 g"
    assert cell(model, "MG-1001", MASS, int(Qt.ItemDataRole.FontRole)).italic()


def test_unreadable_stored_grade_shows_a_warning(
    session: WorkspaceSession, model: PartsTableModel
) -> None:
    part = stored(session, "MG-1001")
    change = session.workspace.update(Part, part.id, {"grade": "N99XX"}, operation="test")
    session.notify(change)
    assert cell(model, "MG-1001", GRADE, TOOLTIP).startswith("Grade not readable")
    assert cell(model, "MG-1001", GRADE, int(Qt.ItemDataRole.DecorationRole)) is not None


def test_delete_then_undo_restores_the_part_with_its_bom_lines_and_stock(
    session: WorkspaceSession, model: PartsTableModel, undo_stack: QUndoStack
) -> None:
    part = stored(session, "MG-1001")
    ws = session.workspace

    def lines() -> int:
        return sum(1 for line in ws.all(BomLine) if line.child_part_id == part.id)

    assert lines() == 1
    model.delete_rows([row_of(model, "MG-1001")])
    assert model.rowCount() == 24
    assert model.row_of(part.id) is None
    assert (lines(), ws.get(Stock, part.id)) == (0, None)
    undo_stack.undo()
    assert model.rowCount() == 25
    assert cell(model, "MG-1001", LICENCE) == "required"
    assert lines() == 1
    stock = ws.get(Stock, part.id)
    assert stock is not None
    assert stock.on_hand == 260000


def test_add_part_numbers_placeholders_uniquely(
    session: WorkspaceSession, model: PartsTableModel, undo_stack: QUndoStack
) -> None:
    first = model.add_part()
    second = model.add_part()
    assert model.index(first, PART_NUMBER).data() == "NEW-1"
    assert model.index(second, PART_NUMBER).data() == "NEW-2"
    assert model.index(second, FAMILY).data() == "Sintered NdFeB"
    undo_stack.undo()
    undo_stack.undo()
    assert model.rowCount() == 25


def test_search_and_licence_filter(proxy: PartsFilterProxy) -> None:
    def numbers() -> set[str]:
        return {proxy.index(r, PART_NUMBER).data() for r in range(proxy.rowCount())}

    proxy.set_search_text("ningbo ARC")
    assert numbers() == {"MG-1001", "MG-1103", "MG-1701", "MG-1702"}
    proxy.set_licence_filter(LicenceNeed.REQUIRED)
    assert numbers() == {"MG-1001", "MG-1702"}
    proxy.set_search_text("")
    proxy.set_licence_filter(LicenceNeed.UNVERIFIED)
    assert numbers() == {"MG-1405", "MG-1701", "MG-1703", "MG-1704"}
    proxy.set_licence_filter(None)
    proxy.set_search_text("n42sh")  # grade
    assert numbers() == {"MG-1704"}
    assert proxy.rowCount() == 1


def test_numbers_sort_as_numbers_with_blanks_last(
    proxy: PartsFilterProxy, model: PartsTableModel
) -> None:
    model.add_part()  # no mass known

    def masses() -> list[str]:
        return [proxy.index(r, MASS).data() for r in range(proxy.rowCount())]

    proxy.sort(MASS, Qt.SortOrder.AscendingOrder)
    assert masses()[:2] == ["0.188 g est.", "0.24 g est."]
    assert masses()[-2:] == ["1,450 g", "unknown"]
    proxy.sort(MASS, Qt.SortOrder.DescendingOrder)
    assert masses()[:2] == ["1,450 g", "192 g est."]
    assert masses()[-1] == "unknown"


def test_sorting_reorders_source_rows_so_pastes_land_on_the_rows_seen(
    view: ExcelTableView, model: PartsTableModel
) -> None:
    view.sortByColumn(PART_NUMBER, Qt.SortOrder.DescendingOrder)
    assert view.model().index(0, PART_NUMBER).data() == "MG-1704"
    assert model.index(0, PART_NUMBER).data() == "MG-1704"
    QGuiApplication.clipboard().setText("0.07\r\n0.08\r\n")
    view.setCurrentIndex(view.model().index(0, UNIT_PRICE))
    view.paste()
    assert cell(model, "MG-1704", UNIT_PRICE) == "0.07 USD"
    assert cell(model, "MG-1703", UNIT_PRICE) == "0.08 EUR"


def test_undo_of_a_delete_puts_rows_back_where_they_were(
    model: PartsTableModel, undo_stack: QUndoStack
) -> None:
    before = [model.index(r, PART_NUMBER).data() for r in range(model.rowCount())]
    model.delete_rows([2, 3, 4, 10])
    model.add_part()
    undo_stack.undo()
    undo_stack.undo()
    assert [model.index(r, PART_NUMBER).data() for r in range(model.rowCount())] == before


def test_supplier_change_refreshes_the_supplier_column(
    session: WorkspaceSession, model: PartsTableModel
) -> None:
    ningbo = next(s for s in session.workspace.all(Supplier) if s.name.startswith("Ningbo"))
    change = session.workspace.update(Supplier, ningbo.id, {"country": "VN"}, operation="t")
    session.notify(change)
    assert cell(model, "MG-1001", SUPPLIER).startswith("VN · Ningbo")
    assert cell(model, "MG-1001", LICENCE) != "required"


def test_licences_are_evaluated_once_per_deciding_combination(
    session: WorkspaceSession, undo_stack: QUndoStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = stored(session, "MG-1001")
    records = [
        Part(
            part_number=f"BULK-{n:04d}",
            family="sintered_ndfeb",
            grade=("N42SH", "N35")[n % 2],
            form="bare",
            supplier_id=template.supplier_id,
            dimensions=f"{n % 7 + 5} x 5 x 3",
        )
        for n in range(400)
    ]
    session.workspace.insert_many(records, operation="test")
    calls: list[object] = []

    def counting(*args: Any) -> Any:
        calls.append(args)
        return evaluate(*args)

    monkeypatch.setattr("ui.parts_insight.evaluate", counting)
    model = PartsTableModel(session, undo_stack=undo_stack)
    assert calls == []  # nothing evaluated up front
    needs = {model.licence_need(row) for row in range(model.rowCount())}
    assert LicenceNeed.REQUIRED in needs
    assert len(calls) <= 25 + 2


def test_default_column_widths_fit_headers() -> None:
    widths = default_column_widths()
    assert len(widths) == len(COLUMNS)
    assert all(60 <= w <= 420 for w in widths)


def test_edit_text_role_round_trips_through_the_editor(model: PartsTableModel) -> None:
    row = row_of(model, "MG-1703")
    for column, c in enumerate(COLUMNS):
        if c.field is not None:
            text = model.index(row, column).data(EditTextRole)
            assert model.changes_for(row, c.field, text) is not None


def test_session_reset_reloads(session: WorkspaceSession, model: PartsTableModel) -> None:
    session.notify(Change("parts", ChangeKind.RESET))
    assert model.rowCount() == 25
