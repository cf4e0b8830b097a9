"""The orders tab of the licence detail: linked orders, linking and unlinking them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.schema import Order

from ui.grid_delegates import format_pieces, quieten
from ui.licence_commands import LinkOrderCommand, push_refusable
from ui.resources import icon

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from planner.schema import Licence

    from ui.session import WorkspaceSession

_ORDER_ROLE = int(Qt.ItemDataRole.UserRole) + 40


def _order_text(order: Order) -> str:
    arrival = f", arrives {order.expected_arrival}" if order.expected_arrival else ""
    return (
        f"{order.reference or f'#{order.id}'}: {format_pieces(order.quantity)} pcs, "
        f"{order.status}{arrival}"
    )


class LicenceOrdersPanel(QWidget):
    """Orders linked to one licence; link one of the exporter's orders, or unlink.

    The combo offers the exporter's orders not linked here; the buyer may also type any
    order reference, and the planner's refusal (another exporter's order) is reported.

    Signals:
        refused: The reason a link was refused.

    Attributes:
        linked: The linked orders.
        choice: Orders to link (editable: any order reference may be typed).
        link_button: Links the chosen order.
        unlink_button: Unlinks the selected linked order.
    """

    refused = Signal(str)

    def __init__(self, *, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._undo_stack = undo_stack
        self._session: WorkspaceSession | None = None
        self._licence: Licence | None = None
        self._orders: dict[str, Order] = {}
        self.linked = QListWidget()
        self.linked.setWordWrap(True)
        self.choice = QComboBox()
        self.choice.setEditable(True)
        self.choice.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.choice.setPlaceholderText("order reference")
        self.link_button = QPushButton(icon("add"), "Link order")
        self.link_button.clicked.connect(self._on_link_clicked)
        self.unlink_button = QPushButton(icon("delete"), "Unlink")
        self.unlink_button.clicked.connect(self._on_unlink_clicked)
        hint = QLabel("Only the exporter's own licence covers its shipment.")
        hint.setWordWrap(True)
        quieten(hint)
        row = QHBoxLayout()
        row.addWidget(self.choice, 1)
        row.addWidget(self.link_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.linked, 1)
        layout.addWidget(self.unlink_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addLayout(row)
        layout.addWidget(hint)

    def show_licence(self, session: WorkspaceSession | None, licence: Licence | None) -> None:
        """Show the orders of `licence` (None: nothing)."""
        self._session, self._licence = session, licence
        self.linked.clear()
        self.choice.clear()
        self._orders = {}
        enabled = session is not None and licence is not None
        for widget in (self.choice, self.link_button, self.unlink_button):
            widget.setEnabled(enabled)
        if session is None or licence is None:
            return
        orders = session.workspace.all(Order, Order.expected_arrival, Order.id)
        self._orders = {(o.reference or f"#{o.id}").casefold(): o for o in orders}
        for order in orders:
            if order.licence_id == licence.id:
                item = QListWidgetItem(_order_text(order))
                item.setData(_ORDER_ROLE, order.id)
                self.linked.addItem(item)
            elif order.supplier_id == licence.supplier_id and order.status != "cancelled":
                self.choice.addItem(_order_text(order), order.id)
        if not self.linked.count():
            empty = QListWidgetItem("No orders linked yet.")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.linked.addItem(empty)
        self.choice.setCurrentIndex(-1)

    def link(self, reference: str) -> str:
        """Link the order with this reference to the licence; return a refusal or ""."""
        if self._session is None or self._licence is None:
            return "no licence selected"
        order = self._orders.get(reference.strip().casefold())
        if order is None:
            reason = f"no order {reference.strip()!r} in the workspace"
        else:
            text = f"Link order {order.reference} to {self._licence.reference}"
            command = LinkOrderCommand(self._session, order.id, self._licence.id, text)
            reason = push_refusable(self._undo_stack, command)
        if reason:
            self.refused.emit(reason)
        return reason

    def unlink(self, order_id: int) -> None:
        """Remove an order's link to the licence."""
        if self._session is None or self._licence is None:
            return
        text = f"Unlink an order from {self._licence.reference}"
        push_refusable(self._undo_stack, LinkOrderCommand(self._session, order_id, None, text))

    @Slot()
    def _on_link_clicked(self) -> None:
        # A picked entry reads "PO-26-4521: 250,000 pcs, open ..."; a typed one is a reference.
        text = self.choice.currentText().split(":", 1)[0]
        if text.strip():
            self.link(text)

    @Slot()
    def _on_unlink_clicked(self) -> None:
        # currentItem() is None when nothing is current (the stubs say otherwise).
        item: QListWidgetItem | None = self.linked.currentItem()
        order_id = None if item is None else item.data(_ORDER_ROLE)
        if isinstance(order_id, int):
            self.unlink(order_id)
