"""The BOM tree view: Excel-style copy, paste of lines and delete."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Signal, Slot
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QTreeView

from planner.tsv import format_tsv, parse_tsv

from ui.bom_columns import HEADERS, Column, LineIdRole, PartIdRole, ProductIdRole
from ui.roles import EditTextRole

if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QWidget

    from ui.bom_model import BomTreeModel

_COPIED = (Column.ITEM, Column.PIECES, Column.SCRAP, Column.NOTE, Column.GROSS, Column.LICENCE)
_COPY_HEADER = ["Part number", *(HEADERS[c] for c in _COPIED[1:])]


class BomTreeView(QTreeView):
    """The BOM tree with Excel-style copy, paste of lines and delete.

    Signals:
        pasted: A PasteReport after a paste.
        status_message: A one-line message for the status bar.
    """

    pasted = Signal(object)
    status_message = Signal(str)

    def __init__(self, model: BomTreeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.bom = model
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        self.header().setStretchLastSection(True)
        self.header().setMinimumSectionSize(56)
        model.modelReset.connect(self._on_model_reset)
        model.rowsInserted.connect(self._on_rows_inserted)

    def selected_rows(self) -> list[QModelIndex]:
        """Return the selected rows (column 0) in the order shown."""
        return sorted(self.selectionModel().selectedRows(0), key=_path)

    def target_product(self) -> int | None:
        """Return the product new lines go into: the current row's product, else the root."""
        index = self.currentIndex().siblingAtColumn(0)
        if index.isValid() and index.data(PartIdRole) is not None:
            index = index.parent()
        product = index.data(ProductIdRole) if index.isValid() else None
        return product if product is not None else self.bom.root_id

    def copy(self) -> None:
        """Copy the selected lines as tab-separated text in the layout paste reads."""
        rows = [i for i in self.selected_rows() if i.data(LineIdRole) is not None]
        if not rows:
            self.status_message.emit("Select BOM lines to copy")
            return
        block = [
            [str(i.siblingAtColumn(c).data(EditTextRole) or "") for c in _COPIED] for i in rows
        ]
        QGuiApplication.clipboard().setText(format_tsv([_COPY_HEADER, *block]))
        self.status_message.emit(f"Copied {len(rows)} BOM line(s)")

    def paste(self) -> None:
        """Add the clipboard's rows as lines of the current product or sub-assembly."""
        block = parse_tsv(QGuiApplication.clipboard().text())
        target = self.target_product()
        if not block or target is None:
            self.status_message.emit(
                "Nothing to paste" if not block else "Choose a product first"
            )
            return
        self.pasted.emit(self.bom.paste_lines(target, block))

    def delete_selection(self) -> None:
        """Delete the selected BOM lines (one undo step)."""
        rows = self.selected_rows()
        if any(i.data(LineIdRole) is None for i in rows):
            self.bom.edit_refused.emit(
                "Products are deleted in the product list, not in the BOM"
            )
        self.bom.delete_lines(
            i.data(LineIdRole) for i in rows if i.data(LineIdRole) is not None
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Reimplemented from QAbstractItemView.keyPressEvent (copy/paste without menus)."""
        editing = self.state() == QAbstractItemView.State.EditingState
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
        elif event.matches(QKeySequence.StandardKey.Paste):
            self.paste()
        elif event.matches(QKeySequence.StandardKey.Delete) and not editing:
            self.delete_selection()
        else:
            super().keyPressEvent(event)

    @Slot()
    def _on_model_reset(self) -> None:
        self.expandAll()
        for column in (Column.PIECES, Column.SCRAP, Column.GROSS, Column.LICENCE):
            self.resizeColumnToContents(column)
        self.resizeColumnToContents(Column.ITEM)  # long descriptions are elided past 45 %
        cap = max(280, int(self.viewport().width() * 0.45))
        self.setColumnWidth(Column.ITEM, min(self.columnWidth(Column.ITEM), cap))

    @Slot(QModelIndex, int, int)
    def _on_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        for row in range(first, last + 1):
            self.expandRecursively(self.bom.index(row, 0, parent))


def _path(index: QModelIndex) -> list[int]:
    rows: list[int] = []
    while index.isValid():
        rows.insert(0, index.row())
        index = index.parent()
    return rows
