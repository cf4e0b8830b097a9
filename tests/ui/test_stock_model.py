"""The stock model: one row per part, validated edits with undo, paste, open orders, cover."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Protocol

import pytest

from PySide6.QtCore import Qt

from planner.schema import Order, Part, Product, Stock

from ui.commands import SetBuildQuantitiesCommand, SetFieldsCommand
from ui.grid_delegates import SearchProxy
from ui.roles import EditTextRole, KeyRole
from ui.stock_model import COLUMN_OF, SEARCH_COLUMNS, StockModel

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from PySide6.QtCore import QAbstractItemModel
    from PySide6.QtGui import QUndoStack

    from ui.session import WorkspaceSession


class ModelChecker(Protocol):
    """The typed part of pytest-qt's `qtmodeltester` fixture."""

    def check(self, model: QAbstractItemModel) -> None:
        """Run QAbstractItemModelTester on `model` for the rest of the test."""


@pytest.fixture
def model(session: WorkspaceSession, undo_stack: QUndoStack) -> StockModel:
    """Return a stock model over the sample."""
    return StockModel(session, undo_stack=undo_stack)


def row_of(model: StockModel, number: str) -> int:
    """Return the row of a part number."""
    column = COLUMN_OF["part_number"]
    return next(r for r in range(model.rowCount()) if model.index(r, column).data() == number)


def cell(model: StockModel, number: str, key: str) -> str:
    """Return what a cell shows."""
    return str(model.index(row_of(model, number), COLUMN_OF[key]).data())


def stock_of(session: WorkspaceSession, number: str) -> Stock | None:
    """Return the stored stock row of a part."""
    part = next(p for p in session.workspace.all(Part) if p.part_number == number)
    return session.workspace.get(Stock, part.id)


def test_passes_the_model_tester(model: StockModel, qtmodeltester: ModelChecker) -> None:
    qtmodeltester.check(model)


def test_passes_the_model_tester_through_the_search_proxy(
    model: StockModel, qtmodeltester: ModelChecker
) -> None:
    proxy = SearchProxy(SEARCH_COLUMNS)
    proxy.setSourceModel(model)
    proxy.set_search("ningbo")
    qtmodeltester.check(proxy)
    assert 0 < proxy.rowCount() < model.rowCount()


def test_rows_show_part_stock_orders_and_cover(model: StockModel) -> None:
    assert model.rowCount() == 25
    assert cell(model, "MG-1001", "description") == "EPS rotor arc segment"
    assert cell(model, "MG-1001", "supplier").startswith("Ningbo Eastfield")
    assert cell(model, "MG-1001", "on_hand") == "260,000"
    assert cell(model, "MG-1001", "safety_stock") == "120,000"
    assert cell(model, "MG-1001", "counted_on") == "2026-12-01"
    assert cell(model, "MG-1001", "on_order") == "450,000"  # 200k shipped + 250k open
    assert cell(model, "MG-1002", "on_order") == "160,000"  # 60k open + 100k planned
    assert cell(model, "MG-1001", "cover").startswith("≈ ")
    assert cell(model, "MG-1001", "cover").endswith(" months")
    assert cell(model, "MG-1403", "cover") == "no demand"
    header = model.headerData(COLUMN_OF["cover"], Qt.Orientation.Horizontal)
    assert header == "Cover (indication)"
    tip = model.headerData(COLUMN_OF["cover"], Qt.Orientation.Horizontal, 3)
    assert "simple indication, not the plan" in tip


@pytest.mark.parametrize(
    ("key", "text", "value", "shown"),
    [
        ("on_hand", "275,000", 275000, "275,000"),
        ("safety_stock", "1 500 pcs", 1500, "1,500"),
        ("counted_on", "15.12.2026", date(2026, 12, 15), "2026-12-15"),
        ("counted_on", "", None, ""),
    ],
)
def test_edit_undo_redo(
    model: StockModel,
    session: WorkspaceSession,
    undo_stack: QUndoStack,
    key: str,
    text: str,
    value: object,
    shown: str,
) -> None:
    before = getattr(stock_of(session, "MG-1001"), key)
    index = model.index(row_of(model, "MG-1001"), COLUMN_OF[key])
    old_text = index.data()
    assert model.setData(index, text)
    assert (index.data(), getattr(stock_of(session, "MG-1001"), key)) == (shown, value)
    undo_stack.undo()
    assert (index.data(), getattr(stock_of(session, "MG-1001"), key)) == (old_text, before)
    undo_stack.redo()
    assert (index.data(), getattr(stock_of(session, "MG-1001"), key)) == (shown, value)


def test_a_date_object_from_an_editor_is_accepted(
    model: StockModel, session: WorkspaceSession
) -> None:
    index = model.index(row_of(model, "MG-1002"), COLUMN_OF["counted_on"])
    assert model.setData(index, date(2026, 11, 2))
    stock = stock_of(session, "MG-1002")
    assert stock is not None
    assert stock.counted_on == date(2026, 11, 2)


@pytest.mark.parametrize(
    ("key", "text", "reason"),
    [
        ("on_hand", "-5", "must be at least 0"),
        ("safety_stock", "lots", "is not a number"),
        ("on_hand", "", "cannot be empty"),
        ("counted_on", "yesterday", "is not a date"),
    ],
)
def test_refused_values_say_why(
    model: StockModel,
    session: WorkspaceSession,
    undo_stack: QUndoStack,
    qtbot: QtBot,
    key: str,
    text: str,
    reason: str,
) -> None:
    index = model.index(row_of(model, "MG-1001"), COLUMN_OF[key])
    with qtbot.waitSignal(model.edit_refused) as blocker:
        assert model.setData(index, text) is False
    assert blocker.args[0].startswith("MG-1001: ")
    assert reason in blocker.args[0]
    assert undo_stack.count() == 0
    stock = stock_of(session, "MG-1001")
    assert stock is not None
    assert stock.on_hand == 260000


def test_read_only_columns_refuse_edits(model: StockModel) -> None:
    index = model.index(0, COLUMN_OF["on_order"])
    assert not index.flags() & Qt.ItemFlag.ItemIsEditable
    assert model.setData(index, "5") is False


def test_editing_a_part_without_stock_creates_the_row_with_undo_and_redo(
    model: StockModel, session: WorkspaceSession, undo_stack: QUndoStack, qtbot: QtBot
) -> None:
    part, change = session.workspace.insert(
        Part(part_number="MG-9001", family="sintered_ndfeb"), operation="test"
    )
    with qtbot.waitSignal(model.modelReset):
        session.notify(change)
    assert cell(model, "MG-9001", "on_hand") == ""
    index = model.index(row_of(model, "MG-9001"), COLUMN_OF["on_hand"])
    assert "No stock recorded" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert model.setData(index, "1200")
    stock = session.workspace.get(Stock, part.id)
    assert stock is not None
    assert (stock.on_hand, stock.safety_stock) == (1200, 0)
    assert index.data() == "1,200"
    undo_stack.undo()
    assert session.workspace.get(Stock, part.id) is None
    assert index.data() == ""
    undo_stack.redo()
    assert index.data() == "1,200"
    assert session.workspace.get(Stock, part.id) is not None


def test_paste_skips_a_line_with_a_refused_cell_and_applies_the_rest(
    model: StockModel, session: WorkspaceSession, undo_stack: QUndoStack
) -> None:
    first = row_of(model, "MG-1001")
    block = [["1000", "100"], ["-3", "200"], ["3000", "300"]]
    report = model.paste_block(first, COLUMN_OF["on_hand"], block)
    assert report.accepted == 2
    assert [(r.row, r.column, r.value) for r in report.rejected] == [(2, "On hand (pcs)", "-3")]
    assert cell(model, "MG-1001", "on_hand") == "1,000"
    assert cell(model, "MG-1001", "safety_stock") == "100"
    assert cell(model, "MG-1002", "safety_stock") == "10,000"  # the refused line, untouched
    assert cell(model, "MG-1003", "on_hand") == "3,000"
    assert undo_stack.count() == 1
    undo_stack.undo()
    assert cell(model, "MG-1001", "on_hand") == "260,000"
    assert cell(model, "MG-1003", "on_hand") == "40,000"


def test_paste_with_a_header_line_matches_parts_by_number(
    model: StockModel, session: WorkspaceSession
) -> None:
    block = [
        ["Part number", "Safety stock", "On hand (pcs)"],
        ["MG-1704", "5", "6"],
        ["MG-0000", "1", "1"],
    ]
    report = model.paste_block(0, 0, block)
    assert report.accepted == 1
    assert report.rejected[0].row == 3
    assert "no part numbered 'MG-0000'" in report.rejected[0].reason
    stock = stock_of(session, "MG-1704")
    assert stock is not None
    assert (stock.on_hand, stock.safety_stock) == (6, 5)


def test_below_safety_stock_is_flagged(model: StockModel, session: WorkspaceSession) -> None:
    index = model.index(row_of(model, "MG-1001"), COLUMN_OF["on_hand"])
    assert index.data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.setData(index, "100000")
    assert index.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert "Below safety stock" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert model.below_safety_count() == 1


def test_order_changes_update_the_on_order_column(
    model: StockModel, session: WorkspaceSession, qtbot: QtBot
) -> None:
    order = next(o for o in session.workspace.all(Order) if o.reference == "PO-26-4521")
    command = SetFieldsCommand(session, Order, order.id, {"status": "received"}, "receive")
    with qtbot.waitSignal(model.dataChanged):
        command.redo()
    assert cell(model, "MG-1001", "on_order") == "200,000"


def test_build_plan_changes_update_the_cover(
    model: StockModel, session: WorkspaceSession, qtbot: QtBot
) -> None:
    before = cell(model, "MG-1001", "cover")
    eps = next(p for p in session.workspace.all(Product) if p.name.startswith("EPS-M200 s"))
    cells = [(eps.id, date(2026, 12, 1), 500_000.0)]
    with qtbot.waitSignal(model.dataChanged):
        SetBuildQuantitiesCommand(session, cells, "more").redo()
    assert cell(model, "MG-1001", "cover") != before


def test_key_role_is_the_part_id(model: StockModel, session: WorkspaceSession) -> None:
    part = next(p for p in session.workspace.all(Part) if p.part_number == "MG-1001")
    assert model.index(row_of(model, "MG-1001"), 0).data(KeyRole) == part.id
    assert model.index(row_of(model, "MG-1001"), 3).data(EditTextRole) == "260000"


def test_a_renamed_part_updates_in_place(
    model: StockModel, session: WorkspaceSession, qtbot: QtBot
) -> None:
    row = row_of(model, "MG-1001")
    part = next(p for p in session.workspace.all(Part) if p.part_number == "MG-1001")
    command = SetFieldsCommand(session, Part, part.id, {"part_number": "MG-1001A"}, "rename")
    with qtbot.waitSignal(model.dataChanged), qtbot.assertNotEmitted(model.modelReset):
        command.redo()
    assert model.index(row, COLUMN_OF["part_number"]).data() == "MG-1001A"
    assert model.index(row, COLUMN_OF["on_hand"]).data() == "260,000"
