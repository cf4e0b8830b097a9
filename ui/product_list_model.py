"""Products and sub-assemblies as an editable list of names."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Qt, Signal, Slot

from planner.schema import Product

from ui.commands import SetFieldsCommand
from ui.resources import icon
from ui.roles import DECORATION, DISPLAY, EDIT, TOOLTIP, EditTextRole, KeyRole

if TYPE_CHECKING:
    from PySide6.QtCore import QPersistentModelIndex
    from PySide6.QtGui import QUndoStack

    from planner.workspace import Change

    from ui.session import WorkspaceSession

_KIND_TEXT = {"product": "Product", "assembly": "Sub-assembly"}


class ProductListModel(QAbstractListModel):
    """Products and sub-assemblies by name; names are editable, unique and non-empty.

    Signals:
        edit_refused: Why a new name was refused.
    """

    edit_refused = Signal(str)

    def __init__(self, *, undo_stack: QUndoStack, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._undo_stack = undo_stack
        self._session: WorkspaceSession | None = None
        self._products: list[Product] = []

    def set_session(self, session: WorkspaceSession | None) -> None:
        """List the products of `session` (None: nothing)."""
        if self._session is not None:
            self._session.changed.disconnect(self._on_session_changed)
        self._session = session
        if session is not None:
            session.changed.connect(self._on_session_changed)
        self.beginResetModel()
        self._products = session.workspace.all(Product, Product.name) if session else []
        self.endResetModel()

    def row_of(self, product_id: int) -> int:
        """Return the row of a product, -1 when absent."""
        rows = [r for r, p in enumerate(self._products) if p.id == product_id]
        return rows[0] if rows else -1

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        """Reimplemented from QAbstractListModel.rowCount."""
        return 0 if parent is not None and parent.isValid() else len(self._products)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Reimplemented from QAbstractListModel.flags."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractListModel.data."""
        role = int(role)
        if role not in (DISPLAY, EDIT, EditTextRole, KeyRole, DECORATION, TOOLTIP):
            return None
        if not index.isValid():
            return None
        product = self._products[index.row()]
        if role == KeyRole:
            return product.id
        if role == DECORATION:
            return icon("products" if product.kind == "product" else "assembly")
        if role == TOOLTIP:
            return f"{_KIND_TEXT.get(product.kind, product.kind)}: {product.description or ''}"
        return product.name

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = EDIT
    ) -> bool:
        """Reimplemented from QAbstractListModel.setData: validate the name, push a command."""
        if int(role) != EDIT or not index.isValid() or self._session is None:
            return False
        product, name = self._products[index.row()], str(value or "").strip()
        clash = [
            p for p in self._products if p.name.lower() == name.lower() and p is not product
        ]
        reason = "a product needs a name" if not name else ""
        reason = reason or ("names are limited to 200 characters" if len(name) > 200 else "")
        reason = reason or (f"another product is already called {name!r}" if clash else "")
        if reason:
            self.edit_refused.emit(f"Name of {product.name}: {reason}")
            return False
        if name != product.name:
            text = f"Rename {product.name} to {name}"
            self._undo_stack.push(
                SetFieldsCommand(self._session, Product, product.id, {"name": name}, text)
            )
        return True

    @Slot(object)
    def _on_session_changed(self, change: Change) -> None:
        if change.entity != "products" or self._session is None:
            return
        if not change.ids:  # a reset of many rows
            self.set_session(self._session)
            return
        ws, ids = self._session.workspace, set(change.ids)
        for row in reversed(range(len(self._products))):
            if self._products[row].id in ids:
                fresh = ws.get(Product, self._products[row].id)
                if fresh is None:
                    self.beginRemoveRows(QModelIndex(), row, row)
                    del self._products[row]
                    self.endRemoveRows()
                else:
                    self._products[row] = fresh
                    self.dataChanged.emit(
                        self.index(row), self.index(row), [DISPLAY, EDIT, TOOLTIP]
                    )
        known = {p.id for p in self._products}
        for product in (ws.get(Product, k) for k in change.ids if k not in known):
            if product is not None:  # the proxy sorts; new rows go to the end here
                self.beginInsertRows(QModelIndex(), len(self._products), len(self._products))
                self._products.append(product)
                self.endInsertRows()
