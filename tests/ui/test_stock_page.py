"""The stock & orders page: renders the sample, search, add/delete orders, paste, editors."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from PySide6.QtCore import QDate, QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QDateEdit, QStyleOptionViewItem

from planner.schema import Order, Part, Stock

from ui import stock_page
from ui.orders_model import COLUMN_OF
from ui.settings import Settings
from ui.stock_model import COLUMN_OF as STOCK_COLUMN_OF
from ui.stock_page import StockPage

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QWidget

    from planner.tsv import PasteReport

    from ui.session import WorkspaceSession


@pytest.fixture
def page(
    qtbot: QtBot, undo_stack: QUndoStack, settings: Settings, session: WorkspaceSession
) -> StockPage:
    """Return the page showing the sample, at the size of a laptop window."""
    result = StockPage(undo_stack=undo_stack, settings=settings)
    qtbot.addWidget(result)
    result.set_session(session)
    result.resize(1360, 860)
    return result


def non_blank(widget: QWidget) -> bool:
    """Return whether a grab of the widget shows more than a few colours."""
    image = widget.grab().toImage()
    colours = {
        image.pixel(x, y)
        for x in range(0, image.width(), 13)
        for y in range(0, image.height(), 13)
    }
    return len(colours) > 5


def stock_row(page: StockPage, number: str) -> int:
    """Return the proxy row of a part number in the stock table."""
    proxy = page.stock_proxy
    column = STOCK_COLUMN_OF["part_number"]
    return next(r for r in range(proxy.rowCount()) if proxy.index(r, column).data() == number)


def test_renders_the_sample_with_counts(page: StockPage, qtbot: QtBot) -> None:
    page.show()
    qtbot.waitExposed(page)
    assert non_blank(page)
    assert page.stock_proxy.rowCount() == 25
    assert page.orders_proxy.rowCount() == 21
    assert page.status_counts() == "25 parts, 0 below safety stock · 21 open orders"
    assert page.stock_view.columnWidth(STOCK_COLUMN_OF["safety_stock"]) >= 130
    assert page.default_edit_target() is page.stock_view


def test_searches_filter_each_table(page: StockPage) -> None:
    page.stock_search.setText("mg-14")
    assert page.stock_proxy.rowCount() == 5
    page.orders_search.setText("Hanau")
    assert page.orders_proxy.rowCount() == 2
    page.focus_search()
    page.stock_search.clear()
    assert page.stock_proxy.rowCount() == 25


def test_status_counts_follow_an_edit(page: StockPage) -> None:
    assert page.stock_model is not None
    index = page.stock_model.index(0, STOCK_COLUMN_OF["on_hand"])
    assert page.stock_model.setData(index, "10")
    assert page.status_counts() == "25 parts, 1 below safety stock · 21 open orders"


def test_add_order_for_the_selected_part_and_undo(
    page: StockPage, undo_stack: QUndoStack, session: WorkspaceSession
) -> None:
    page.orders_search.setText("nothing matches this")
    page.stock_view.setCurrentIndex(page.stock_proxy.index(stock_row(page, "MG-1601"), 0))
    page.add_button.click()
    assert page.orders_search.text() == ""
    assert page.orders_proxy.rowCount() == 22
    current = page.orders_view.currentIndex()
    assert current.column() == COLUMN_OF["quantity"]
    assert current.siblingAtColumn(COLUMN_OF["part_id"]).data() == "MG-1601"
    assert current.siblingAtColumn(COLUMN_OF["supplier_id"]).data().startswith("Hanau")
    assert "Order added" in page.message.text()
    undo_stack.undo()
    assert page.orders_proxy.rowCount() == 21
    assert len(session.workspace.all(Order)) == 21


def test_add_order_needs_a_part(page: StockPage, undo_stack: QUndoStack) -> None:
    page.add_button.click()
    assert "Select a part" in page.message.text()
    assert undo_stack.count() == 0


def test_delete_selected_orders_is_one_undo_step(
    page: StockPage, undo_stack: QUndoStack, session: WorkspaceSession
) -> None:
    assert not page.delete_button.isEnabled()
    proxy = page.orders_proxy
    page.orders_view.selectionModel().select(
        QItemSelection(proxy.index(0, 0), proxy.index(1, proxy.columnCount() - 1)),
        QItemSelectionModel.SelectionFlag.ClearAndSelect,
    )
    assert page.delete_button.isEnabled()
    page.delete_button.click()
    assert proxy.rowCount() == 19
    assert undo_stack.count() == 1
    undo_stack.undo()
    assert proxy.rowCount() == 21
    assert len(session.workspace.all(Order)) == 21


def test_delete_in_the_stock_table_explains_instead(
    page: StockPage, undo_stack: QUndoStack
) -> None:
    page.stock_view.selectRow(0)
    page.stock_view.delete_selection()
    assert "Products & BOM page" in page.message.text()
    assert undo_stack.count() == 0


def test_show_received_and_cancelled(page: StockPage) -> None:
    assert page.orders_model is not None
    index = page.orders_model.index(0, COLUMN_OF["status"])
    assert page.orders_model.setData(index, "cancelled")
    assert page.orders_proxy.rowCount() == 20
    page.show_closed.setChecked(True)
    assert page.orders_proxy.rowCount() == 21


def test_paste_goes_down_the_rows_as_sorted_on_screen(
    page: StockPage, session: WorkspaceSession, qtbot: QtBot
) -> None:
    page.stock_view.sortByColumn(STOCK_COLUMN_OF["on_hand"], Qt.SortOrder.DescendingOrder)
    proxy, column = page.stock_proxy, STOCK_COLUMN_OF["on_hand"]
    numbers = [proxy.index(r, STOCK_COLUMN_OF["part_number"]).data() for r in (0, 1)]
    page.stock_view.setCurrentIndex(proxy.index(0, column))
    QGuiApplication.clipboard().setText("7\r\n8\r\n")
    with qtbot.waitSignal(page.stock_view.pasted):
        page.stock_view.paste()
    parts = {p.part_number: p.id for p in session.workspace.all(Part)}
    stocks = [session.workspace.get(Stock, parts[n]) for n in numbers]
    assert [s.on_hand for s in stocks if s is not None] == [7, 8]
    assert page.message.text() == "Pasted 2 row(s)."


def test_refused_paste_lines_open_the_report(
    page: StockPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[PasteReport] = []
    monkeypatch.setattr(stock_page, "show_paste_report", lambda _parent, r: shown.append(r))
    proxy = page.stock_proxy
    page.stock_view.setCurrentIndex(proxy.index(0, STOCK_COLUMN_OF["on_hand"]))
    QGuiApplication.clipboard().setText("5\t1\r\n-1\t2\r\n")
    page.stock_view.paste()
    assert len(shown) == 1
    assert shown[0].rejected[0].reason == "must be at least 0"
    assert "skipped 1 line(s)" in page.message.text()


def test_pasted_order_rows_are_added(page: StockPage) -> None:
    page.orders_view.setCurrentIndex(page.orders_proxy.index(0, 0))
    QGuiApplication.clipboard().setText("Order\tPart\tQuantity\r\nPO-NEW\tMG-1003\t9000\r\n")
    page.orders_view.paste()
    assert page.orders_proxy.rowCount() == 22
    assert page.message.text() == "Pasted 1 row(s)."


def test_date_editor_writes_an_iso_date(page: StockPage, session: WorkspaceSession) -> None:
    proxy = page.stock_proxy
    index = proxy.index(stock_row(page, "MG-1001"), STOCK_COLUMN_OF["counted_on"])
    delegate = page.stock_view.itemDelegateForIndex(index)
    editor = delegate.createEditor(page.stock_view.viewport(), QStyleOptionViewItem(), index)
    assert isinstance(editor, QDateEdit)
    assert editor.calendarPopup()
    delegate.setEditorData(editor, index)
    assert editor.date() == QDate(2026, 12, 1)
    editor.setDate(QDate(2026, 12, 24))
    delegate.setModelData(editor, proxy, index)
    assert index.data() == "2026-12-24"
    parts = {p.part_number: p.id for p in session.workspace.all(Part)}
    stock = session.workspace.get(Stock, parts["MG-1001"])
    assert stock is not None
    assert stock.counted_on == date(2026, 12, 24)


def test_combo_editors_offer_parts_and_the_suppliers_licences(page: StockPage) -> None:
    proxy = page.orders_proxy
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data() == "PO-26-4410")
    part = proxy.index(row, COLUMN_OF["part_id"])
    delegate = page.orders_view.itemDelegateForIndex(part)
    editor = delegate.createEditor(page.orders_view.viewport(), QStyleOptionViewItem(), part)
    assert isinstance(editor, QComboBox)
    assert editor.isEditable()
    delegate.setEditorData(editor, part)
    assert editor.currentText() == "MG-1001"
    editor.setCurrentIndex(editor.findText("MG-1003"))
    delegate.setModelData(editor, proxy, part)
    assert part.data() == "MG-1003"
    licence = proxy.index(row, COLUMN_OF["licence_id"])
    delegate = page.orders_view.itemDelegateForIndex(licence)
    editor = delegate.createEditor(page.orders_view.viewport(), QStyleOptionViewItem(), licence)
    assert isinstance(editor, QComboBox)
    items = [editor.itemText(i) for i in range(editor.count())]
    assert items[0] == "none"
    assert all(item.startswith("LIC-NB-") for item in items[1:])


def test_layout_is_remembered(
    page: StockPage, qtbot: QtBot, undo_stack: QUndoStack, session: WorkspaceSession
) -> None:
    page.show()
    page.splitter.setSizes([200, 600])
    page.stock_view.setColumnWidth(1, 333)
    page.save_state()
    other = StockPage(undo_stack=undo_stack, settings=Settings())
    qtbot.addWidget(other)
    other.set_session(session)
    other.resize(1360, 860)
    other.show()
    other.restore_state()
    assert other.stock_view.columnWidth(1) == 333
    assert other.splitter.sizes()[0] < other.splitter.sizes()[1]


def test_without_a_workspace_the_page_is_empty(page: StockPage) -> None:
    page.set_session(None)
    assert page.stock_model is None
    assert page.stock_proxy.rowCount() == 0
    assert page.status_counts() == ""
    assert not page.add_button.isEnabled()
