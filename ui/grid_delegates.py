"""Pieces shared by the planning grids (build plan, stock, orders) and their pages.

Editors, cell text, pasted-header matching, the search proxy and the hint-line colour.

Delegates only build editors: every value goes back to the model as text through
``setData(index, text, EditRole)``, so typing, picking and pasting share one validation
path (the model's FieldSpec or parser).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QWidget,
)

from ui.roles import EditTextRole, SortRole

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from PySide6.QtCore import QAbstractItemModel, QObject
    from PySide6.QtWidgets import QStyleOptionViewItem

    AnyIndex = QModelIndex | QPersistentModelIndex

# The texts a combo editor offers for a cell (list[str]). Kept clear of ui/roles.py's
# shared roles (UserRole + 1..4) so the two can live side by side.
ChoicesRole = int(Qt.ItemDataRole.UserRole) + 32

ISO_DATE = "yyyy-MM-dd"


# -- cell text ---------------------------------------------------------------------------


def plain_number(value: float | None) -> str:
    """Return a number as an editor or Excel wants it: "18000", "0.925", "" for None."""
    if value is None:
        return ""
    if value == int(value):
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def format_pieces(value: float | None) -> str:
    """Return a quantity with thousands separators: "18,000" or "1,234.5"; "" for None."""
    if value is None:
        return ""
    if value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def format_price(value: float | None) -> str:
    """Return a unit price with 2 to 4 decimals: "0.92", "0.0655"; "" for None."""
    if value is None:
        return ""
    text = f"{value:,.4f}"
    while text.endswith("0") and len(text.split(".")[1]) > 2:
        text = text[:-1]
    return text


def format_compact(value: float) -> str:
    """Return a large count compactly for status lines: "2.4 M", "860 k", "950"."""
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f} M"
    if abs(value) >= 10_000:
        return f"{value / 1_000:.0f} k"
    return f"{value:,.0f}"


def match_headers(line: Iterable[str], aliases: Mapping[str, str]) -> dict[int, str] | None:
    """Return column position -> field name when `line` is a header row, else None.

    A line is a header when at least two of its cells are known names (case and a
    trailing unit such as " (pcs)" ignored); unknown cells are left out of the result.
    """
    found: dict[int, str] = {}
    for position, cell in enumerate(line):
        key = cell.strip().lower()
        name = aliases.get(key) or aliases.get(key.split(" (")[0].strip())
        if name is not None and name not in found.values():
            found[position] = name
    return found if len(found) >= 2 else None


def quieten(label: QLabel) -> None:
    """Give a hint line a softer colour that still reads on any palette."""
    palette = label.palette()
    color = palette.color(QPalette.ColorRole.WindowText)
    color.setAlphaF(0.7)
    palette.setColor(QPalette.ColorRole.WindowText, color)
    label.setPalette(palette)


# -- editors -----------------------------------------------------------------------------


class NumberDelegate(QStyledItemDelegate):
    """A right-aligned line editor for numbers, opened on the plain (ungrouped) text."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        """Reimplemented from QStyledItemDelegate.createEditor."""
        editor = QLineEdit(parent)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.setFrame(False)
        return editor

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        """Reimplemented from QStyledItemDelegate.setEditorData."""
        if isinstance(editor, QLineEdit):
            editor.setText(str(index.data(EditTextRole) or ""))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        """Reimplemented from QStyledItemDelegate.setModelData."""
        if isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


class DateDelegate(QStyledItemDelegate):
    """A date editor with a calendar popup; an empty cell opens on today."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        """Reimplemented from QStyledItemDelegate.createEditor."""
        editor = QDateEdit(parent)
        editor.setCalendarPopup(True)
        editor.setDisplayFormat(ISO_DATE)
        return editor

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        """Reimplemented from QStyledItemDelegate.setEditorData."""
        if isinstance(editor, QDateEdit):
            day = QDate.fromString(str(index.data(EditTextRole) or ""), ISO_DATE)
            editor.setDate(day if day.isValid() else QDate.currentDate())

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        """Reimplemented from QStyledItemDelegate.setModelData."""
        if isinstance(editor, QDateEdit):
            model.setData(index, editor.date().toString(ISO_DATE), Qt.ItemDataRole.EditRole)


class ComboDelegate(QStyledItemDelegate):
    """A combo of the texts the model offers for the cell (ChoicesRole).

    Picking an entry commits at once. With `editable`, the buyer can also type, with
    completion, which suits long lists such as part numbers.
    """

    def __init__(self, *, editable: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._editable = editable

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        """Reimplemented from QStyledItemDelegate.createEditor."""
        editor = QComboBox(parent)
        editor.addItems([str(text) for text in index.data(ChoicesRole) or []])
        editor.setEditable(self._editable)
        if self._editable:
            editor.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        editor.activated.connect(lambda _row: self._commit(editor))
        return editor

    def _commit(self, editor: QComboBox) -> None:
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        """Reimplemented from QStyledItemDelegate.setEditorData."""
        if isinstance(editor, QComboBox):
            text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
            position = editor.findText(text)
            if position >= 0:
                editor.setCurrentIndex(position)
            elif self._editable:
                editor.setEditText(text)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        """Reimplemented from QStyledItemDelegate.setModelData."""
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


# -- filtering -----------------------------------------------------------------------------


class SearchProxy(QSortFilterProxyModel):
    """Sorts by SortRole and keeps rows whose text in some columns contains the search.

    Rows whose `hide_column` text is one of `hide_values` stay hidden until
    ``set_show_hidden(True)`` (e.g. received and cancelled orders).
    """

    def __init__(
        self,
        columns: Sequence[int],
        *,
        hide_column: int = -1,
        hide_values: frozenset[str] = frozenset(),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.setSortRole(SortRole)
        self._columns, self._hide_column, self._hide_values = (
            tuple(columns),
            hide_column,
            hide_values,
        )
        self._needle, self._show_hidden = "", False

    def set_search(self, text: str) -> None:
        """Show only rows containing `text` (case-insensitive); empty shows all."""
        self.beginFilterChange()
        self._needle = text.strip().lower()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_show_hidden(self, show: bool) -> None:
        """Show the rows hidden by their `hide_column` value too."""
        self.beginFilterChange()
        self._show_hidden = show
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        """Reimplemented from QSortFilterProxyModel.filterAcceptsRow."""
        model = self.sourceModel()

        def text(column: int) -> str:
            return str(model.index(source_row, column, source_parent).data(EditTextRole) or "")

        hidden = self._hide_column >= 0 and text(self._hide_column) in self._hide_values
        if hidden and not self._show_hidden:
            return False
        return not self._needle or any(self._needle in text(c).lower() for c in self._columns)
