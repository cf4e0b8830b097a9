"""Exposure per month of one product or the workspace: pieces, kg, Dy/Tb, Sm, licence share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from planner.exposure_summary import (
    ExposureBook,
    MonthTotals,
    format_share,
    grand_total,
    headline,
)
from planner.periods import Bucket, period_label

from ui.resources import STATUS_COLORS
from ui.roles import ALIGN, DISPLAY, FONT, LEFT, RIGHT, TOOLTIP, EditTextRole, SortRole

if TYPE_CHECKING:
    from PySide6.QtCore import QPersistentModelIndex

    from planner.workspace import Change

    from ui.session import WorkspaceSession

HEADERS = (
    "Month",
    "Pieces",
    "Magnet (kg)",
    "Dy/Tb (kg)",
    "Sm (kg)",
    "Licence-controlled",
    "Unverified",
)
LEGEND = (
    "≈ Dy/Tb partly estimated from the grade class (no measured content).  "
    "Licence-controlled: share of magnet kg that needs a Chinese export licence; "
    "unverified: share whose licence need is not settled."
)
_DYTB = 3
_HANDLED = frozenset({DISPLAY, ALIGN, FONT, TOOLTIP, EditTextRole, SortRole})


def _value(row: MonthTotals, column: int) -> float | None:
    values = (row.pieces, row.kg, row.dy_tb_kg, row.sm_kg)
    if 1 <= column <= len(values):
        return values[column - 1]
    return row.controlled_share if column == len(values) + 1 else row.unverified_share


class ExposureTableModel(QAbstractTableModel):
    """Periods as rows (and a total row), exposure figures as columns; read-only."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[MonthTotals] = []
        self._bucket = Bucket.MONTH
        self._italic, self._bold = QFont(), QFont()
        self._italic.setItalic(True)
        self._bold.setBold(True)

    def set_months(self, months: list[MonthTotals], bucket: Bucket) -> None:
        """Show new figures: a data change when the periods stay, a reset otherwise."""
        rows = [*months, grand_total(months)] if months else []
        same = [r.period for r in rows] == [r.period for r in self._rows]
        if same and bucket is self._bucket:
            self._rows = rows
            if rows:
                last = self.index(len(rows) - 1, len(HEADERS) - 1)
                self.dataChanged.emit(
                    self.index(0, 1), last, [DISPLAY, FONT, TOOLTIP, SortRole]
                )
            return
        self.beginResetModel()
        self._rows, self._bucket = rows, bucket
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        """Reimplemented from QAbstractTableModel.rowCount."""
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        """Reimplemented from QAbstractTableModel.columnCount."""
        return 0 if parent is not None and parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractTableModel.headerData."""
        horizontal = orientation == Qt.Orientation.Horizontal
        if int(role) == DISPLAY and horizontal and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractTableModel.data."""
        role = int(role)
        if role not in _HANDLED or not index.isValid():
            return None
        row, column = self._rows[index.row()], index.column()
        if role == ALIGN:
            return LEFT if column == 0 else RIGHT
        if role == FONT:
            if row.period is None:
                return self._bold
            return self._italic if column == _DYTB and row.dy_tb_estimated else None
        if column == 0:
            label = period_label(row.period, self._bucket) if row.period else "Total"
            return label if role in (DISPLAY, EditTextRole, SortRole) else None
        value = _value(row, column)
        if role == SortRole:
            return value
        if role == TOOLTIP:
            return self._tooltip(row, column)
        return self._format(row, column, value)

    @staticmethod
    def _format(row: MonthTotals, column: int, value: float | None) -> str:
        if column >= len(HEADERS) - 2:
            return format_share(value)
        if column == 1:
            return f"{value or 0:,.0f}"
        text = f"{value or 0:,.1f}"
        return f"≈ {text}" if column == _DYTB and row.dy_tb_estimated else text

    @staticmethod
    def _tooltip(row: MonthTotals, column: int) -> str | None:
        if column == _DYTB and row.dy_tb_estimated:
            measured = row.dy_tb_kg - row.dy_tb_estimated_kg
            return (
                f"{row.dy_tb_estimated_kg:,.1f} kg estimated from grade class, "
                f"{measured:,.1f} kg from measured content"
            )
        if column == 2 and row.unknown_mass_pieces > 0:
            return f"{row.unknown_mass_pieces:,.0f} pieces have no known mass and count as 0 kg"
        if column == len(HEADERS) - 2:
            return f"{row.controlled_kg:,.1f} kg of {row.kg:,.1f} kg needs a licence"
        return None


class ExposurePanel(QWidget):
    """Monthly exposure of the selected product (through sub-assemblies) or of everything.

    Keeps an `ExposureBook`: a Change of parts recomputes only those parts, a Change of BOM
    lines, products or the build plan re-explodes demand and reuses every part's insight.

    Attributes:
        model: The table model of periods.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: WorkspaceSession | None = None
        self.book: ExposureBook | None = None
        self.model = ExposureTableModel(self)
        self.scope = QLabel()
        self.headline = QLabel()
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.headline.setFont(font)
        self.headline.setWordWrap(True)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.legend = QLabel(LEGEND)
        self.footer = QLabel()
        for label in (self.legend, self.footer, self.scope):
            label.setWordWrap(True)
            label.setStyleSheet("color: palette(placeholder-text)")
        self.scope.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.scope, self.headline, self.table, self.legend, self.footer):
            layout.addWidget(widget, 1 if widget is self.table else 0)
        self.set_session(None)

    def set_session(self, session: WorkspaceSession | None) -> None:
        """Show the exposure of `session` (None when no workspace is open)."""
        if self.session is not None:
            self.session.changed.disconnect(self._on_session_changed)
        self.session, self.book = session, None
        if session is not None:
            self.book = ExposureBook(session.workspace, session.rule_set, session.today)
            self.book.load()
            session.changed.connect(self._on_session_changed)
        self._refresh()

    @Slot(object)
    def set_product(self, product_id: int | None) -> None:
        """Show one product through its sub-assemblies, or every product with None."""
        if self.book is not None:
            self.book.set_scope(product_id)
        self._refresh()

    @Slot(object)
    def _on_session_changed(self, change: Change) -> None:
        if self.book is None or self.session is None:
            return
        if change.entity == "rule_overrides":
            self.book.set_rule_set(self.session.rule_set)
        elif not self.book.apply(change):
            return
        self._refresh()

    def _refresh(self) -> None:
        book, session = self.book, self.session
        if book is None or session is None:
            self.model.set_months([], Bucket.MONTH)
            self.scope.setText("")
            self.headline.setText("No workspace open")
            self.footer.setText("")
            return
        bucket = Bucket(session.workspace.meta("period_bucket") or Bucket.MONTH.value)
        months = book.months()
        self.model.set_months(months, bucket)
        name = book.scope_name
        scope = f"{name}, through its sub-assemblies" if name else "all products"
        self.scope.setText(f"Exposure of {scope}")
        if book.problem:
            self.headline.setText(book.problem)
            self.headline.setStyleSheet(f"color: {STATUS_COLORS['error']}")
        else:
            self.headline.setText(headline(months, bucket))
            self.headline.setStyleSheet("")
        rules = session.rule_set
        self.footer.setText(
            f"Rules as of {rules.as_of:%d %b %Y} (rule set {rules.version}); licence need "
            f"evaluated on {session.today:%d %b %Y}. Magnet masses are stated, or estimated "
            "from grade and dimensions."
        )
