"""Table models of the import wizard's table and mapping steps, and the mapping delegates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QComboBox, QStyle, QStyledItemDelegate, QWidget

from planner.importing.field_specs import KIND_FIELDS, REQUIRED
from planner.importing.mapping import IGNORE, field_label
from planner.importing.table import cell_text, column_letter

from ui.import_state import set_field
from ui.resources import STATUS_COLORS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from PySide6.QtWidgets import QStyleOptionViewItem

    from planner.importing.mapping import ColumnMapping, ColumnMatch
    from planner.importing.table import TableGuess

    AnyIndex = QModelIndex | QPersistentModelIndex

SHOWN_ROWS = 200  # the table step shows the top of the sheet; the extent covers all rows
_MAX_TEXT = 80
ConfidenceRole = int(Qt.ItemDataRole.UserRole) + 40
HEADER_BACKGROUND = "#d6e6fb"
_DISPLAY = Qt.ItemDataRole.DisplayRole
_EDIT = Qt.ItemDataRole.EditRole
_ORIGINS = {"header": "header", "values": "values", "profile": "saved mapping", "user": "you"}


class SheetRowsModel(QAbstractTableModel):
    """The top of a sheet as read, with the row each plays in the table found in it.

    Column 0 says what the row is (header, data, or skipped and why); the others are the
    sheet's columns A, B, C ... The header row is highlighted, skipped rows are greyed.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: Sequence[Sequence[object]] = []
        self._guess: TableGuess | None = None
        self._data: set[int] = set()
        self._columns: set[int] = set()
        self._width = 0

    def set_table(self, rows: Sequence[Sequence[object]], guess: TableGuess | None) -> None:
        """Show the top of `rows` with the table `guess` found in them."""
        self.beginResetModel()
        self._rows = rows
        self._guess = guess
        shown = rows[:SHOWN_ROWS]
        self._width = min(max((len(r) for r in shown), default=0), 256)
        top = guess.first_data_rows(SHOWN_ROWS) if guess is not None else []
        self._data = {row for row in top if row < SHOWN_ROWS}
        self._columns = set(guess.columns) if guess is not None else set()
        self.endResetModel()

    def role_of(self, row: int) -> str:
        """Return what a sheet row is in the table: "Header", "Data", a reason, or ""."""
        guess = self._guess
        if guess is None:
            return ""
        if row == guess.header_row:
            return "Header"
        if row in guess.skipped_rows:
            return "Skipped: " + guess.skipped_rows[row]
        if row in self._data:
            return "Data"
        return ""

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.rowCount."""
        return 0 if parent.isValid() else min(len(self._rows), SHOWN_ROWS)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.columnCount."""
        return 0 if parent.isValid() else self._width + 1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY
    ) -> Any:
        """Reimplemented from QAbstractItemModel.headerData."""
        if role != _DISPLAY:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return "Row is" if section == 0 else column_letter(section - 1)

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.data."""
        if not index.isValid():
            return None
        row, column = index.row(), index.column() - 1
        what = self.role_of(row)
        if role == _DISPLAY:
            if column < 0:
                return what
            cells = self._rows[row]
            text = cell_text(cells[column]) if column < len(cells) else ""
            return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"
        if role == Qt.ItemDataRole.ToolTipRole:
            return what or "outside the table"
        return self._style(role, row, column, what)

    def _style(self, role: int, row: int, column: int, what: str) -> Any:
        header = what == "Header"
        outside = (
            not what
            or what.startswith("Skipped")
            or (column >= 0 and column not in self._columns)
        )
        if role == Qt.ItemDataRole.BackgroundRole and header:
            return QBrush(QColor(HEADER_BACKGROUND))
        if role == Qt.ItemDataRole.ForegroundRole:
            if header:
                return QBrush(QColor("#15325c"))
            if outside:
                return QBrush(QColor("#8a8f98"))
        if role == Qt.ItemDataRole.FontRole and (header or (outside and column < 0)):
            font = QFont()
            font.setBold(header)
            font.setItalic(not header)
            return font
        return None


class MappingModel(QAbstractTableModel):
    """One line per source column: header, sample values, field, confidence and origin.

    Signals:
        field_chosen: (sheet column, field or "ignore") after the user picked a field.
    """

    field_chosen = Signal(int, str)

    COLUMNS = ("Column", "Header in the file", "Sample values", "Imported as", "Sure", "From")
    FIELD, CONFIDENCE = 3, 4

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mapping: ColumnMapping | None = None
        self._order: list[int] = []
        self._samples: dict[int, str] = {}

    def set_mapping(self, mapping: ColumnMapping, rows: Sequence[Sequence[object]],
                    guess: TableGuess) -> None:  # fmt: skip
        """Show `mapping` with sample values from the table's first data rows."""
        self.beginResetModel()
        self.mapping = mapping
        self._order = list(mapping.headers)
        data_rows = guess.first_data_rows(50)
        self._samples = {}
        for column in self._order:
            seen: list[str] = []
            for row in data_rows:
                cells = rows[row]
                text = cell_text(cells[column]) if column < len(cells) else ""
                if text and text not in seen:
                    seen.append(text[:40])
                if len(seen) == 3:
                    break
            self._samples[column] = " · ".join(seen)
        self.endResetModel()

    def clear(self) -> None:
        """Show nothing (while the columns are being matched)."""
        self.beginResetModel()
        self.mapping, self._order, self._samples = None, [], {}
        self.endResetModel()

    def column_at(self, row: int) -> int:
        """Return the sheet column shown on a line."""
        return self._order[row]

    def field_of(self, row: int) -> str:
        """Return the field a line's column fills, "period" or "ignore"."""
        assert self.mapping is not None
        column = self._order[row]
        if column in self.mapping.periods:
            return "period"
        match = self.mapping.matches.get(column)
        return match.field if match is not None else IGNORE

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.rowCount."""
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.columnCount."""
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY
    ) -> Any:
        """Reimplemented from QAbstractItemModel.headerData."""
        if role == _DISPLAY and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Reimplemented from QAbstractItemModel.flags."""
        flags = super().flags(index)
        if index.isValid() and index.column() == self.FIELD:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.data."""
        if not index.isValid() or self.mapping is None:
            return None
        column = self._order[index.row()]
        match = self.mapping.matches.get(column)
        name = self.field_of(index.row())
        if role == _EDIT and index.column() == self.FIELD:
            return name
        if role == ConfidenceRole and index.column() == self.CONFIDENCE:
            return match.confidence if match is not None else None
        if role == Qt.ItemDataRole.ForegroundRole and name == IGNORE:
            return QBrush(QColor("#8a8f98"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(column, match)
        if role != _DISPLAY:
            return None
        return self._text(index.column(), column, match, name)

    def _text(self, section: int, column: int, match: ColumnMatch | None, name: str) -> str:
        assert self.mapping is not None
        if section == 0:
            return column_letter(column)
        if section == 1:
            return self.mapping.headers[column]
        if section == 2:
            return self._samples.get(column, "")
        if section == self.FIELD:
            if name == "period":
                return f"Quantity for {self.mapping.periods[column]:%b %Y}"
            return "— not imported —" if name == IGNORE else field_label(name)
        if section == self.CONFIDENCE:
            return f"{match.confidence:.0%}" if match is not None else ""
        if name == "period":
            return "period header"
        return _ORIGINS.get(match.origin, match.origin) if match is not None else ""

    def _tooltip(self, column: int, match: ColumnMatch | None) -> str:
        assert self.mapping is not None
        if match is None:
            return "Not imported: choose a field to import this column"
        unit = f", unit {match.unit} from the header" if match.unit else ""
        origin = _ORIGINS.get(match.origin, match.origin)
        return f"{field_label(match.field)} ({match.confidence:.0%} sure, from {origin}{unit})"

    def setData(self, index: AnyIndex, value: Any, role: int = _EDIT) -> bool:
        """Reimplemented from QAbstractItemModel.setData: map the line to another field."""
        if self.mapping is None or role != _EDIT or index.column() != self.FIELD:
            return False
        name = str(value)
        if name == self.field_of(index.row()) or name == "period":
            return False
        column = self._order[index.row()]
        set_field(self.mapping, column, name)
        top = self.index(0, 0)
        bottom = self.index(self.rowCount() - 1, self.columnCount() - 1)
        self.dataChanged.emit(top, bottom, [_DISPLAY, _EDIT, ConfidenceRole])
        self.field_chosen.emit(column, name)
        return True


class FieldDelegate(QStyledItemDelegate):
    """A combo of the kind's fields (required ones starred) and "not imported"."""

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        """Reimplemented from QStyledItemDelegate.createEditor."""
        combo = QComboBox(parent)
        combo.addItem("— not imported —", IGNORE)
        for name in KIND_FIELDS[self.kind]:
            star = " *" if name in REQUIRED[self.kind] else ""
            combo.addItem(field_label(name) + star, name)
        if index.data(_EDIT) == "period":
            combo.insertItem(1, str(index.data(_DISPLAY)), "period")
        combo.currentIndexChanged.connect(lambda *_: self.commitData.emit(combo))
        return combo

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        """Reimplemented from QStyledItemDelegate.setEditorData."""
        assert isinstance(editor, QComboBox)
        position = editor.findData(index.data(_EDIT))
        editor.blockSignals(True)
        editor.setCurrentIndex(max(0, position))
        editor.blockSignals(False)

    def setModelData(self, editor: QWidget, model: Any, index: AnyIndex) -> None:
        """Reimplemented from QStyledItemDelegate.setModelData."""
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), _EDIT)


class ConfidenceDelegate(QStyledItemDelegate):
    """Paints a line's confidence as a small bar (green when sure, amber when not)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        """Reimplemented from QStyledItemDelegate.paint."""
        value = index.data(ConfidenceRole)
        if value is None:
            super().paint(painter, option, index)
            return
        widget: QWidget | None = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(
            QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget
        )
        rect: QRect = option.rect.adjusted(6, 0, -6, 0)
        bar = QRect(rect.left(), rect.center().y() - 3, min(60, rect.width() // 2), 7)
        colour = STATUS_COLORS["not-required"] if value >= 0.8 else STATUS_COLORS["warning"]
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        palette = option.palette
        painter.setBrush(palette.color(QPalette.ColorRole.Midlight))
        painter.drawRoundedRect(bar, 3, 3)
        painter.setBrush(QColor(colour))
        filled = QRect(bar.left(), bar.top(), round(bar.width() * value), bar.height())
        painter.drawRoundedRect(filled, 3, 3)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        text_rect = rect.adjusted(bar.width() + 8, 0, 0, 0)
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter), f"{value:.0%}")
        painter.restore()
