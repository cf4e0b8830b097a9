"""Products and their multi-level BOM: a searchable product list beside the BOM tree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from planner.schema import Part, Product
from planner.tsv import format_tsv

from ui.bom_columns import Column, LineIdRole, PartIdRole
from ui.bom_model import BomTreeModel
from ui.bom_view import BomTreeView
from ui.commands import DeleteRecordsCommand, InsertRecordsCommand
from ui.product_list_model import ProductListModel
from ui.resources import STATUS_COLORS, icon
from ui.roles import DISPLAY, KeyRole

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from planner.workspace import Change

    from ui.session import WorkspaceSession


class BomPanel(QWidget):
    """Product list with search on the left, the selected product's BOM tree on the right.

    With no product selected the tree shows every top-level product. The main window's
    Edit menu reaches `copy`, `paste` and `delete_selection` through the focused child.

    Signals:
        part_selected: Id of the part whose row became current in the tree.
        product_selected: Id of the product chosen in the list, or None.
        pasted: A PasteReport after a paste (for the window's report dialog).
        status_message: A one-line message for the status bar.
    """

    part_selected = Signal(int)
    product_selected = Signal(object)
    pasted = Signal(object)
    status_message = Signal(str)

    def __init__(self, *, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = undo_stack
        self.session: WorkspaceSession | None = None
        self.products = ProductListModel(undo_stack=undo_stack, parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.products)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setDynamicSortFilter(True)
        self.proxy.sort(0)
        self.bom = BomTreeModel(undo_stack=undo_stack, parent=self)
        self.tree = BomTreeView(self.bom)
        self._build()
        self._connect()
        self.set_session(None)

    # -- public API ---------------------------------------------------------------------

    def set_session(self, session: WorkspaceSession | None) -> None:
        """Show the products of `session` (None when no workspace is open)."""
        if self.session is not None:
            self.session.changed.disconnect(self._on_session_changed)
        self.session = session
        self.products.set_session(session)
        self.bom.set_session(session)
        if session is not None:  # after the models, so they are up to date when we look
            session.changed.connect(self._on_session_changed)
        self.search.clear()
        self._show(None)
        for widget in (self.add_product_button, self.add_assembly_button, self.add_line_button):
            widget.setEnabled(session is not None)

    def current_product_id(self) -> int | None:
        """Return the product chosen in the list, or None."""
        index = self.list.currentIndex()
        return index.data(KeyRole) if index.isValid() else None

    def select_product(self, product_id: int | None) -> None:
        """Choose a product in the list (None clears the choice)."""
        row = self.products.row_of(product_id) if product_id is not None else -1
        index = (
            self.proxy.mapFromSource(self.products.index(row)) if row >= 0 else QModelIndex()
        )
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        self.list.selectionModel().setCurrentIndex(index, flags)

    def add_product(self, kind: str = "product") -> int | None:
        """Add a product (or sub-assembly, into the chosen product); start editing its name."""
        if self.session is None:
            return None
        names = {p.name.lower() for p in self.session.workspace.all(Product)}
        base = name = "New product" if kind == "product" else "New sub-assembly"
        number = 1
        while name.lower() in names:
            number += 1
            name = f"{base} {number}"
        into = self.current_product_id() if kind == "assembly" else None
        text = f"Add {name}" + (
            f" to {self.bom.product_name(into)}" if into is not None else ""
        )
        self.undo_stack.beginMacro(text)
        command = InsertRecordsCommand(
            self.session, [Product(name=name, kind=kind, description="")], text
        )
        self.undo_stack.push(command)
        if into is not None:
            self.bom.add_line(into, product_id=command.keys[0])
        self.undo_stack.endMacro()
        self.select_product(command.keys[0])
        self.list.edit(self.list.currentIndex())
        return int(command.keys[0])

    def delete_product(self) -> None:
        """Delete the chosen product with its BOM lines and build plan (undo restores all)."""
        product_id = self.current_product_id()
        if self.session is None or product_id is None:
            self._show_message("Choose a product to delete")
            return
        name = self.bom.product_name(product_id)
        self.undo_stack.push(
            DeleteRecordsCommand(self.session, Product, [product_id], f"Delete {name}")
        )
        self.status_message.emit(
            f"Deleted {name} with its BOM lines and build plan (Undo restores them)"
        )

    def add_line(self) -> int | None:
        """Ask for a part number or sub-assembly and add it to the current product."""
        target = self.tree.target_product()
        if self.session is None or target is None:
            self._show_message("Choose a product first")
            return None
        ws = self.session.workspace
        choices = [
            f"{p.part_number} — {p.description}".rstrip(" —")
            for p in ws.all(Part, Part.part_number)
        ]
        choices += [p.name for p in ws.all(Product, Product.name) if p.kind == "assembly"]
        label = f"Part number or sub-assembly to add to {self.bom.product_name(target)}:"
        text, ok = QInputDialog.getItem(self, "Add BOM line", label, choices, 0, True)
        if not ok:
            return None
        item = text.split(" — ")[0].strip()
        part_id, product_id = self.bom.find_item(item)
        if part_id is None and product_id is None:
            self._show_message(f"No part or sub-assembly is called {item!r}")
            return None
        line = self.bom.add_line(target, part_id=part_id, product_id=product_id)
        if line is not None:
            self._select_line(line)
        return line

    def copy(self) -> None:
        """Copy: product names from the list, BOM lines from the tree."""
        if self.list.hasFocus():
            names = [[str(i.data(DISPLAY))] for i in self.list.selectionModel().selectedRows()]
            QGuiApplication.clipboard().setText(format_tsv(names))
        else:
            self.tree.copy()

    def paste(self) -> None:
        """Paste BOM lines into the current product."""
        self.tree.paste()

    def delete_selection(self) -> None:
        """Delete: the chosen product from the list, or the selected BOM lines."""
        if self.list.hasFocus():
            self.delete_product()
        else:
            self.tree.delete_selection()

    # -- construction -------------------------------------------------------------------

    def _build(self) -> None:
        self.search = QLineEdit(placeholderText="Find product…", clearButtonEnabled=True)
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.add_product_button = QPushButton(icon("add"), "Add product")
        self.add_assembly_button = QPushButton(icon("assembly"), "Add sub-assembly")
        self.delete_product_button = QPushButton(icon("delete"), "Delete")
        self.add_line_button = QPushButton(icon("add"), "Add line…")
        self.delete_line_button = QPushButton(icon("delete"), "Delete line")
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {STATUS_COLORS['error']}")
        self.message.hide()
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.search)
        column.addWidget(self.list, 1)
        column.addLayout(_row(self.add_product_button, self.add_assembly_button))
        column.addLayout(_row(self.delete_product_button))
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(
            _row(self.title, self.add_line_button, self.delete_line_button, stretch_first=True)
        )
        column.addWidget(self.tree, 1)
        column.addWidget(self.message)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([230, 930])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def _connect(self) -> None:
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.list.selectionModel().currentChanged.connect(self._on_list_current_changed)
        self.tree.selectionModel().currentChanged.connect(self._on_tree_current_changed)
        self.add_product_button.clicked.connect(lambda: self.add_product("product"))
        self.add_assembly_button.clicked.connect(lambda: self.add_product("assembly"))
        self.delete_product_button.clicked.connect(self.delete_product)
        self.add_line_button.clicked.connect(self.add_line)
        self.delete_line_button.clicked.connect(self.tree.delete_selection)
        for source in (self.bom.edit_refused, self.products.edit_refused):
            source.connect(self._show_message)
        self.tree.pasted.connect(self.pasted)
        self.undo_stack.indexChanged.connect(self.message.hide)  # a later edit: old news
        self.tree.status_message.connect(self.status_message)

    # -- reactions ----------------------------------------------------------------------

    def _show(self, product_id: int | None) -> None:
        self.bom.set_root(product_id)
        self.title.setText(
            self.bom.product_name(product_id) if product_id is not None else "All products"
        )
        self.delete_product_button.setEnabled(product_id is not None)
        self.message.hide()
        self.product_selected.emit(product_id)

    @Slot(object)
    def _on_session_changed(self, change: Change) -> None:
        if change.entity == "products" and self.bom.root_id is not None:
            self.title.setText(self.bom.product_name(self.bom.root_id))

    def _select_line(self, line_id: int) -> None:
        start = self.bom.index(0, 0)
        hits = self.bom.match(
            start,
            LineIdRole,
            line_id,
            1,
            Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive,
        )
        if hits:
            self.tree.setCurrentIndex(hits[0])
            self.tree.edit(hits[0].siblingAtColumn(Column.PIECES))

    @Slot(str)
    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self.status_message.emit(text)

    @Slot(QModelIndex, QModelIndex)
    def _on_list_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        product_id = current.data(KeyRole) if current.isValid() else None
        if product_id != self.bom.root_id:
            self._show(product_id)

    @Slot(QModelIndex, QModelIndex)
    def _on_tree_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        part_id = current.data(PartIdRole) if current.isValid() else None
        if part_id is not None:
            self.part_selected.emit(part_id)


def _row(*widgets: QWidget, stretch_first: bool = False) -> QHBoxLayout:
    layout = QHBoxLayout()
    for number, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if stretch_first and number == 0 else 0)
    if not stretch_first:
        layout.addStretch(1)
    return layout
