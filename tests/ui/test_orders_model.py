"""The orders model: validated edits with undo, cross-field rules, add, delete and paste."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

import pytest

from PySide6.QtCore import Qt

from planner.schema import Licence, Order, Part, Supplier

from ui.commands import SetFieldsCommand
from ui.grid_delegates import ChoicesRole, SearchProxy
from ui.orders_model import CLOSED_STATUSES, COLUMN_OF, SEARCH_COLUMNS, OrdersModel

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from PySide6.QtCore import QAbstractItemModel
    from PySide6.QtGui import QUndoStack

    from ui.session import WorkspaceSession


class ModelChecker(Protocol):
    """The typed part of pytest-qt's `qtmodeltester` fixture."""

    def check(self, model: QAbstractItemModel) -> None:
        """Run QAbstractItemModelTester on `model` for the rest of the test."""


NINGBO = "Ningbo Eastfield Magnetics (fictional)"
PUNE = "Pune Permanent Magnets Pvt. Ltd. (fictional)"
BAOTOU = "Baotou Northern Magnet Co. (fictional)"


@pytest.fixture
def model(session: WorkspaceSession, undo_stack: QUndoStack) -> OrdersModel:
    """Return an orders model over the sample."""
    return OrdersModel(session, undo_stack=undo_stack)


def row_of(model: OrdersModel, reference: str) -> int:
    """Return the row of an order reference."""
    column = COLUMN_OF["reference"]
    rows = range(model.rowCount())
    return next(r for r in rows if model.index(r, column).data() == reference)


def order_of(session: WorkspaceSession, reference: str) -> Order:
    """Return the stored order with a reference."""
    return next(o for o in session.workspace.all(Order) if o.reference == reference)


def stored_text(session: WorkspaceSession, key: str, value: Any) -> str:
    """Return a stored value as the text a buyer would type for it."""
    workspace = session.workspace
    if value is None:
        return ""
    if key == "part_id":
        part = workspace.get(Part, value)
        return part.part_number if part else "?"
    if key == "supplier_id":
        supplier = workspace.get(Supplier, value)
        return supplier.name if supplier else "?"
    if key == "licence_id":
        licence = workspace.get(Licence, value)
        return licence.reference if licence else "?"
    return value.isoformat() if isinstance(value, date) else str(value)


def test_passes_the_model_tester(model: OrdersModel, qtmodeltester: ModelChecker) -> None:
    qtmodeltester.check(model)


def test_shows_orders_with_names_and_licence_status(model: OrdersModel) -> None:
    assert model.rowCount() == 21
    row = row_of(model, "PO-26-4410")
    shown = [str(model.index(row, c).data()) for c in range(model.columnCount())]
    assert shown == [
        "PO-26-4410", "MG-1001", NINGBO, "200,000", "2026-09-22", "2026-12-13",
        "LIC-NB-2026-031 · approved", "shipped", "0.92", "USD",
    ]  # fmt: skip
    assert model.index(row, COLUMN_OF["licence_id"]).data(Qt.ItemDataRole.ForegroundRole)
    assert model.index(row, COLUMN_OF["quantity"]).data(Qt.ItemDataRole.EditRole) == "200000"


def test_licence_choices_are_the_suppliers_own(model: OrdersModel) -> None:
    row = row_of(model, "PO-26-4410")
    choices = model.index(row, COLUMN_OF["licence_id"]).data(ChoicesRole)
    assert choices[0] == "none"
    assert all(c.startswith("LIC-NB-") for c in choices[1:])
    assert "LIC-NB-2026-058 · under review" in choices
    statuses = model.index(row, COLUMN_OF["status"]).data(ChoicesRole)
    assert statuses == ["planned", "open", "shipped", "received", "cancelled"]


@pytest.mark.parametrize(
    ("reference", "key", "text", "shown", "stored"),
    [
        ("PO-26-4701", "reference", "PO-26-9999", "PO-26-9999", "PO-26-9999"),
        ("PO-26-4701", "reference", " ", "", ""),
        ("PO-26-4701", "part_id", "mg-1201", "MG-1201", "MG-1201"),
        ("PO-26-4701", "supplier_id", PUNE, PUNE, PUNE),
        ("PO-26-4701", "quantity", "250.000,0", "250,000", "250000.0"),
        ("PO-26-4701", "order_date", "01.11.2026", "2026-11-01", "2026-11-01"),
        ("PO-26-4701", "expected_arrival", "2027-02-01", "2027-02-01", "2027-02-01"),
        ("PO-26-4410", "licence_id", "LIC-NB-2026-058 · under review",
         "LIC-NB-2026-058 · under review", "LIC-NB-2026-058"),
        ("PO-26-4410", "licence_id", "none", "", ""),
        ("PO-26-4701", "status", "shipped", "shipped", "shipped"),
        ("PO-26-4701", "unit_price", "0,0755", "0.0755", "0.0755"),
        ("PO-26-4701", "currency", "€", "EUR", "EUR"),
    ],
)  # fmt: skip
def test_edit_undo_redo(
    model: OrdersModel,
    session: WorkspaceSession,
    undo_stack: QUndoStack,
    *,
    reference: str,
    key: str,
    text: str,
    shown: str,
    stored: str,
) -> None:
    order_id = order_of(session, reference).id
    index = model.index(row_of(model, reference), COLUMN_OF[key])
    old_shown = index.data()
    old_stored = stored_text(session, key, getattr(session.workspace.get(Order, order_id), key))

    def state() -> tuple[str, str]:
        order = session.workspace.get(Order, order_id)
        return index.data(), stored_text(session, key, getattr(order, key))

    assert model.setData(index, text)
    assert state() == (shown, stored)
    assert undo_stack.count() == 1
    undo_stack.undo()
    assert state() == (old_shown, old_stored)
    undo_stack.redo()
    assert state() == (shown, stored)


@pytest.mark.parametrize(
    ("reference", "key", "text", "reason"),
    [
        ("PO-26-4701", "expected_arrival", "2026-11-01",
         "expected arrival 2026-11-01 is before the order date 2026-11-11"),
        ("PO-26-4701", "order_date", "2027-02-01",
         "expected arrival 2027-01-10 is before the order date 2027-02-01"),
        ("PO-26-4410", "licence_id", "LIC-BT-2026-012",
         f"LIC-BT-2026-012 is a licence of {BAOTOU}, not of {NINGBO}"),
        ("PO-26-4410", "supplier_id", PUNE, f"is a licence of {NINGBO}, not of {PUNE}"),
        ("PO-26-4701", "part_id", "MG-0000", "no part numbered 'MG-0000'"),
        ("PO-26-4701", "supplier_id", "Acme", "no supplier named 'Acme'"),
        ("PO-26-4701", "quantity", "0", "must be more than 0"),
        ("PO-26-4701", "quantity", "", "Quantity is required"),
        ("PO-26-4701", "status", "lost", "is not one of"),
    ],
)  # fmt: skip
def test_refused_edits_say_why_and_change_nothing(
    model: OrdersModel,
    session: WorkspaceSession,
    undo_stack: QUndoStack,
    qtbot: QtBot,
    *,
    reference: str,
    key: str,
    text: str,
    reason: str,
) -> None:
    before = order_of(session, reference)
    index = model.index(row_of(model, reference), COLUMN_OF[key])
    with qtbot.waitSignal(model.edit_refused) as blocker:
        assert model.setData(index, text) is False
    assert blocker.args[0].startswith(f"{reference}: ")
    assert reason in blocker.args[0]
    assert undo_stack.count() == 0
    assert getattr(order_of(session, reference), key) == getattr(before, key)


def test_add_order_uses_the_parts_supplier_with_undo_and_redo(
    model: OrdersModel, session: WorkspaceSession, undo_stack: QUndoStack, qtbot: QtBot
) -> None:
    part = next(p for p in session.workspace.all(Part) if p.part_number == "MG-1001")
    with qtbot.waitSignal(model.rowsInserted):
        row = model.add_order(part.id)
    assert row == 21
    shown = [str(model.index(row, c).data()) for c in range(model.columnCount())]
    assert shown == [
        "", "MG-1001", NINGBO, "5,000", "2026-11-30", "2027-02-15", "", "planned", "0.92",
        "USD",
    ]  # fmt: skip
    order_id = model.order_id(row)
    undo_stack.undo()
    assert model.rowCount() == 21
    assert session.workspace.get(Order, order_id) is None
    undo_stack.redo()
    assert model.rowCount() == 22
    assert session.workspace.get(Order, order_id) is not None


def test_add_order_of_a_part_without_supplier_is_refused(
    model: OrdersModel, session: WorkspaceSession, undo_stack: QUndoStack, qtbot: QtBot
) -> None:
    part, change = session.workspace.insert(
        Part(part_number="MG-9002", family="ferrite"), operation="test"
    )
    session.notify(change)
    with qtbot.waitSignal(model.edit_refused) as blocker:
        assert model.add_order(part.id) == -1
    assert "MG-9002 has no supplier" in blocker.args[0]
    assert undo_stack.count() == 0


def test_delete_orders_is_one_undo_step(
    model: OrdersModel, session: WorkspaceSession, undo_stack: QUndoStack
) -> None:
    rows = [row_of(model, "PO-26-4410"), row_of(model, "PO-26-4701")]
    ids = [model.order_id(r) for r in rows]
    model.delete_rows(rows)
    assert model.rowCount() == 19
    assert all(session.workspace.get(Order, i) is None for i in ids)
    assert undo_stack.count() == 1
    undo_stack.undo()
    assert model.rowCount() == 21
    assert order_of(session, "PO-26-4410").licence_id is not None
    assert {model.order_id(r) for r in range(21)} >= set(ids)


def test_paste_rows_by_header_resolves_names_and_skips_bad_lines_whole(
    model: OrdersModel, session: WorkspaceSession, undo_stack: QUndoStack
) -> None:
    block = [
        ["Order", "Part", "Qty", "ETA", "Licence"],
        ["PO-X1", "MG-1001", "1,000", "2027-03-01", "LIC-NB-2026-058"],
        ["PO-X2", "MG-0000", "5", "", ""],
        ["PO-X3", "MG-1101", "many", "", ""],
        ["PO-X4", "MG-1101", "10", "", "LIC-NB-2026-058"],
        ["", "", "", "", ""],
    ]
    report = model.paste_block(0, 0, block)
    assert report.accepted == 1
    assert [(r.row, r.column) for r in report.rejected] == [
        (3, "Part"), (4, "Quantity (pcs)"), (5, "Licence"),
    ]  # fmt: skip
    assert "not of Ganzhou" in report.rejected[2].reason
    added = order_of(session, "PO-X1")
    assert (added.quantity, added.status, added.expected_arrival) == (
        1000, "open", date(2027, 3, 1),
    )  # fmt: skip
    assert stored_text(session, "supplier_id", added.supplier_id) == NINGBO
    assert model.rowCount() == 22
    assert undo_stack.count() == 1
    undo_stack.undo()
    assert model.rowCount() == 21


def test_paste_rows_by_position(model: OrdersModel, session: WorkspaceSession) -> None:
    report = model.paste_block(3, 0, [["PO-Y1", "MG-1002", "", "2000", "2027-01-05"]])
    assert report.accepted == 1
    added = order_of(session, "PO-Y1")
    assert stored_text(session, "supplier_id", added.supplier_id).startswith("Baotou")
    assert added.order_date == date(2027, 1, 5)


def test_proxy_hides_received_and_cancelled_until_asked(
    model: OrdersModel, qtmodeltester: ModelChecker
) -> None:
    proxy = SearchProxy(
        SEARCH_COLUMNS, hide_column=COLUMN_OF["status"], hide_values=CLOSED_STATUSES
    )
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 21
    status = model.index(row_of(model, "PO-26-4410"), COLUMN_OF["status"])
    assert model.setData(status, "received")
    assert proxy.rowCount() == 20
    proxy.set_show_hidden(True)
    assert proxy.rowCount() == 21
    proxy.set_search("lic-bt-2026-012")
    assert proxy.rowCount() == 2


def test_a_renamed_part_shows_in_its_orders(
    model: OrdersModel, session: WorkspaceSession, qtbot: QtBot
) -> None:
    part = next(p for p in session.workspace.all(Part) if p.part_number == "MG-1001")
    command = SetFieldsCommand(session, Part, part.id, {"part_number": "MG-1001A"}, "rename")
    with qtbot.waitSignal(model.dataChanged), qtbot.assertNotEmitted(model.modelReset):
        command.redo()
    assert model.index(row_of(model, "PO-26-4410"), COLUMN_OF["part_id"]).data() == "MG-1001A"
