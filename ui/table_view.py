"""A table view that speaks Excel: copy as tab-separated text, paste blocks, delete rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from PySide6.QtCore import QAbstractItemModel, QAbstractProxyModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from planner.tsv import PasteReport, format_tsv, parse_tsv

from ui.roles import EditTextRole

if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent


@runtime_checkable
class PasteTarget(Protocol):
    """A source model that accepts a pasted block at a cell."""

    def paste_block(self, row: int, column: int, block: list[list[str]]) -> PasteReport:
        """Apply the block with its top-left cell at (row, column); return what happened."""
        ...


@runtime_checkable
class RowDeleter(Protocol):
    """A source model that deletes rows as one undo step."""

    def delete_rows(self, rows: list[int]) -> None:
        """Delete the given source rows."""
        ...


@runtime_checkable
class EditTarget(Protocol):
    """A widget the Edit menu can act on."""

    def copy(self) -> None:
        """Copy the selection."""
        ...

    def paste(self) -> None:
        """Paste the clipboard."""
        ...

    def delete_selection(self) -> None:
        """Delete what is selected."""
        ...


def _source(
    model: QAbstractItemModel, index: QModelIndex
) -> tuple[QAbstractItemModel, QModelIndex]:
    while isinstance(model, QAbstractProxyModel):
        index = model.mapToSource(index)
        model = model.sourceModel()
    return model, index


class ExcelTableView(QTableView):
    """Table view with Excel-style copy, paste and delete.

    Signals:
        pasted: A PasteReport after a paste, for the window to summarise.
        status_message: A one-line message for the status bar.
    """

    pasted = Signal(object)
    status_message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(True)
        self.setWordWrap(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().hide()
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )

    # -- Edit menu ---------------------------------------------------------------------

    def selected_block(self) -> tuple[list[list[str]], bool]:
        """Return the selected cells as rows of text and whether whole rows are selected."""
        model = self.model()
        indexes = self.selectionModel().selectedIndexes()
        if not indexes:
            return [], False
        rows = sorted({i.row() for i in indexes})
        columns = sorted({i.column() for i in indexes}, key=self.horizontalHeader().visualIndex)
        columns = [c for c in columns if not self.isColumnHidden(c)]
        chosen = {(i.row(), i.column()) for i in indexes}
        block = [
            [
                str(model.index(r, c).data(EditTextRole) or "") if (r, c) in chosen else ""
                for c in columns
            ]
            for r in rows
        ]
        whole = all(self.selectionModel().isRowSelected(r, QModelIndex()) for r in rows)
        if whole:
            header = [
                str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in columns
            ]
            block.insert(0, header)
        return block, whole

    def copy(self) -> None:
        """Copy the selection as tab-separated text, with headers for whole rows."""
        block, _ = self.selected_block()
        if block:
            QGuiApplication.clipboard().setText(format_tsv(block))
            self.status_message.emit(f"Copied {len(block)} row(s)")

    def paste(self) -> None:
        """Paste tab-separated clipboard text at the current cell."""
        block = parse_tsv(QGuiApplication.clipboard().text())
        model = self.model()
        if not block or model is None:
            self.status_message.emit("Nothing to paste: the clipboard holds no cells")
            return
        current = self.currentIndex()
        if not current.isValid():
            current = model.index(max(model.rowCount() - 1, 0), 0)
        source, index = _source(model, current)
        if not isinstance(source, PasteTarget):
            self.status_message.emit("This table does not take pasted cells")
            return
        row = index.row() if index.isValid() else source.rowCount()
        report = source.paste_block(row, max(index.column(), 0), block)
        self.pasted.emit(report)

    def delete_selection(self) -> None:
        """Delete the selected rows (one undo step)."""
        model = self.model()
        indexes = self.selectionModel().selectedIndexes()
        source: QAbstractItemModel | None = None
        rows: set[int] = set()
        for index in indexes:
            source, mapped = _source(model, index)
            rows.add(mapped.row())
        deleter = getattr(source, "delete_rows", None)
        if callable(deleter) and rows:
            deleter(sorted(rows))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Reimplemented from QAbstractItemView.keyPressEvent (copy/paste without menus)."""
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
        elif event.matches(QKeySequence.StandardKey.Paste):
            self.paste()
        elif event.matches(QKeySequence.StandardKey.Delete) and self.state() != (
            QAbstractItemView.State.EditingState
        ):
            self.delete_selection()
        else:
            super().keyPressEvent(event)
