"""The coverage grid: projected stock per part and period, coloured by how it is covered.

A cell is green when firm supply covers the period, amber when only supply waiting on
pending licences does, and red when stock is short. The firm-only view counts firm supply
alone, so what pending licences would cover turns red there. The period in which the part
runs out (in the view shown) is outlined by `CoverageDelegate`.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QPainter, QPen
from PySide6.QtWidgets import QStyledItemDelegate

from planner.plan_model import NEVER

from ui.plan_format import (
    CELL_TEXT,
    FIRM_BACKGROUND,
    PENDING_BACKGROUND,
    SHORT_BACKGROUND,
    SHORT_LINE,
    day_text,
    ordinal_iso,
    ordinal_text,
    pieces_text,
    plain_pieces,
)
from ui.roles import (
    ALIGN,
    BACKGROUND,
    DISPLAY,
    EDIT,
    FOREGROUND,
    LEFT,
    RIGHT,
    TOOLTIP,
    EditTextRole,
    KeyRole,
    SortRole,
    StatusRole,
)

if TYPE_CHECKING:
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QStyleOptionViewItem

    from planner.plan_result import Plan

    AnyIndex = QModelIndex | QPersistentModelIndex

RunoutRole = int(Qt.ItemDataRole.UserRole) + 40
"""True on the cell of the period in which the part runs out (in the view shown)."""

FIRM, PENDING, SHORT = "firm", "pending", "short"
FIXED_COLUMNS = ("Part", "Runs out")
_ROLES = frozenset(
    {DISPLAY, EDIT, EditTextRole, SortRole, ALIGN, BACKGROUND, FOREGROUND, TOOLTIP}
    | {KeyRole, StatusRole, RunoutRole}
)
_VIEW_ROLES = [DISPLAY, EditTextRole, SortRole, BACKGROUND, TOOLTIP, StatusRole, RunoutRole]
# Brushes made once: a QColor returned from data() is converted to a new brush per call.
_BACKGROUNDS = {
    FIRM: QBrush(FIRM_BACKGROUND),
    PENDING: QBrush(PENDING_BACKGROUND),
    SHORT: QBrush(SHORT_BACKGROUND),
}
_TEXT = QBrush(CELL_TEXT)
_EPS = 1e-6


class CoverageModel(QAbstractTableModel):
    """Parts down, "Part", "Runs out" and then one column per period across; read only.

    Attributes:
        plan: The plan shown (None before the first calculation).
        firm_only: Whether the grid counts firm supply only.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.plan: Plan | None = None
        self.firm_only = False
        self._bounds: list[int] = []
        self._runout_period: tuple[dict[int, int], dict[int, int]] = ({}, {})
        self._rows: dict[tuple[bool, int], tuple[list[str], list[Any]]] = {}

    # -- domain interface -----------------------------------------------------------------

    def set_plan(self, plan: Plan | None) -> None:
        """Show another plan (None: nothing)."""
        self.beginResetModel()
        self.plan = plan
        self._rows = {}
        self._bounds = [] if plan is None else [int(b) for b in plan.snapshot.bounds]
        self._runout_period = ({}, {})
        if plan is not None:
            self._runout_period = (
                self._periods_of(plan.runout_with_pending),
                self._periods_of(plan.runout_firm),
            )
        self.endResetModel()

    def set_firm_only(self, firm_only: bool) -> None:
        """Count firm supply only, or firm plus pending supply as expected."""
        if firm_only == self.firm_only:
            return
        self.firm_only = firm_only
        rows, columns = self.rowCount(), self.columnCount()
        if rows and columns:
            bottom_right = self.index(rows - 1, columns - 1)
            self.dataChanged.emit(self.index(0, 1), bottom_right, _VIEW_ROLES)

    def period_of_column(self, column: int) -> int | None:
        """Return the period a column shows, or None for the fixed columns."""
        period = column - len(FIXED_COLUMNS)
        return period if self.plan is not None and period >= 0 else None

    def part_number(self, row: int) -> str:
        """Return the part number of a row (rows are the snapshot's parts, in order)."""
        assert self.plan is not None
        return self.plan.snapshot.parts.number[row]

    def row_of(self, number: str) -> int:
        """Return the row of a part number, or -1."""
        if self.plan is None or number not in self.plan.snapshot.parts.number:
            return -1
        return self.plan.snapshot.parts.number.index(number)

    def cell_class(self, row: int, period: int) -> str:
        """Return "firm", "pending" or "short" for a part's period in the view shown."""
        assert self.plan is not None
        if self.plan.stock_firm[row, period] >= -_EPS:
            return FIRM
        if not self.firm_only and self.plan.stock_with_pending[row, period] >= -_EPS:
            return PENDING
        return SHORT

    def runout(self, row: int) -> int:
        """Return a part's runout day (ordinal, `NEVER` for none) in the view shown."""
        assert self.plan is not None
        runouts = self.plan.runout_firm if self.firm_only else self.plan.runout_with_pending
        return int(runouts[row])

    def runout_period(self, row: int) -> int | None:
        """Return the period in which a part runs out in the view shown, or None."""
        return self._runout_period[int(self.firm_only)].get(row)

    def _periods_of(self, runouts: Any) -> dict[int, int]:
        ends = self._bounds[1:]
        return {
            row: bisect_right(ends, int(day))
            for row, day in enumerate(runouts.tolist())
            if day < NEVER
        }

    # -- Qt interface ---------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.rowCount."""
        if parent.isValid() or self.plan is None:
            return 0
        return len(self.plan.snapshot.parts.id)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.columnCount."""
        if parent.isValid() or self.plan is None:
            return 0
        return len(FIXED_COLUMNS) + self.plan.snapshot.period_count

    def data(self, index: AnyIndex, role: int = DISPLAY) -> Any:  # noqa: PLR0911 - hot path
        """Reimplemented from QAbstractItemModel.data."""
        if role not in _ROLES or self.plan is None:
            return None
        row, column = index.row(), index.column()
        if column >= 2:  # period cells: the hot path while scrolling
            if role == DISPLAY:
                return self._row_cells(row)[0][column - 2]
            if role == BACKGROUND:
                return self._row_cells(row)[1][column - 2]
            if role == ALIGN:
                return RIGHT
            if role == FOREGROUND:
                return _TEXT
        if role == KeyRole:
            return int(self.plan.snapshot.parts.id[row])
        if column == 0:
            return self._part_data(row, role)
        if column == 1:
            return self._runout_data(row, role)
        return self._cell_data(row, column - len(FIXED_COLUMNS), role)

    def _part_data(self, row: int, role: int) -> Any:
        if role in (DISPLAY, EDIT, EditTextRole, SortRole):
            return self.part_number(row)
        if role == ALIGN:
            return LEFT
        return None

    def _runout_data(self, row: int, role: int) -> Any:
        day = self.runout(row)
        if role in (DISPLAY, EDIT):
            return ordinal_text(day)
        if role == EditTextRole:
            return ordinal_iso(day)
        if role == SortRole:
            return day
        if role == FOREGROUND:
            return SHORT_LINE if day < NEVER else None
        if role == TOOLTIP:
            view = "counting firm supply only" if self.firm_only else "with pending licences"
            if day >= NEVER:
                return f"Stock lasts the whole horizon ({view})"
            return f"Stock falls below zero on {ordinal_text(day)} ({view})"
        return LEFT if role == ALIGN else None

    def _row_cells(self, row: int) -> tuple[list[str], list[Any]]:
        """Return a row's cell texts and backgrounds in the view shown, computed once.

        Qt asks for several roles of every visible cell on each scroll step; formatting
        numbers and classifying cells one numpy scalar at a time made scrolling 1.65× slower
        than a plain model (`make bench`).
        """
        key = (self.firm_only, row)
        cached = self._rows.get(key)
        if cached is None:
            plan = self.plan
            assert plan is not None
            stock = plan.stock_firm if self.firm_only else plan.stock_with_pending
            values = stock[row].tolist()
            texts = [pieces_text(value) for value in values]
            backgrounds = [
                _BACKGROUNDS[self.cell_class(row, period)] for period in range(len(values))
            ]
            cached = self._rows[key] = (texts, backgrounds)
        return cached

    def _cell_data(self, row: int, period: int, role: int) -> Any:
        plan = self.plan
        assert plan is not None
        stock = plan.stock_firm if self.firm_only else plan.stock_with_pending
        if role in (DISPLAY, EDIT, EditTextRole, SortRole):
            value = float(stock[row, period])
            if role == SortRole:
                return value
            return plain_pieces(value) if role == EditTextRole else pieces_text(value)
        if role == ALIGN:
            return RIGHT
        if role == BACKGROUND:
            return _BACKGROUNDS[self.cell_class(row, period)]
        if role == FOREGROUND:
            return CELL_TEXT
        if role == StatusRole:
            return self.cell_class(row, period)
        if role == RunoutRole:
            return self.runout_period(row) == period
        return self._tooltip(row, period)

    def _tooltip(self, row: int, period: int) -> str:
        plan = self.plan
        assert plan is not None
        snapshot = plan.snapshot
        safety = float(snapshot.parts.safety[row])
        firm = float(plan.stock_firm[row, period])
        pending = float(plan.stock_with_pending[row, period])
        lines = [
            f"<b>{snapshot.parts.number[row]}</b> · {self._period_range(period)}",
            f"Demand: {pieces_text(plan.demand[row, period])}",
            f"Arrivals: firm {pieces_text(plan.arrivals_firm[row, period])}, "
            f"pending licences {pieces_text(plan.arrivals_pending[row, period])}",
            f"Stock at period end: firm only {pieces_text(firm)}, "
            f"with pending {pieces_text(pending)}",
            f"Safety stock: {pieces_text(safety)}",
            _CLASS_WORDS[self.cell_class(row, period)],
        ]
        if self.runout_period(row) == period:
            lines.append(f"<b>Runs out on {ordinal_text(self.runout(row))}</b>")
        return "<br>".join(lines)

    def _period_range(self, period: int) -> str:
        from datetime import date

        first = date.fromordinal(self._bounds[period])
        last = date.fromordinal(self._bounds[period + 1] - 1)
        assert self.plan is not None
        return f"{self.plan.snapshot.labels[period]} ({day_text(first)} – {day_text(last)})"

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.headerData."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        period = section - len(FIXED_COLUMNS)
        if role == DISPLAY:
            return FIXED_COLUMNS[section] if period < 0 else self._label(period)
        if role == ALIGN:
            return LEFT if period < 0 else RIGHT
        if role == TOOLTIP and period >= 0:
            return f"Projected stock at the end of {self._period_range(period)}"
        return None

    def _label(self, period: int) -> str:
        assert self.plan is not None
        return self.plan.snapshot.labels[period]

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Reimplemented from QAbstractItemModel.flags."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


_CLASS_WORDS = {
    FIRM: "Covered by firm supply",
    PENDING: "Covered only with pending licences",
    SHORT: "Short: stock below zero",
}


class CoverageDelegate(QStyledItemDelegate):
    """Paints cells as usual and outlines the period in which a part runs out."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        """Reimplemented from QStyledItemDelegate.paint."""
        super().paint(painter, option, index)
        if index.data(RunoutRole):
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setPen(QPen(SHORT_LINE, 2))
            painter.drawRect(option.rect.adjusted(1, 1, -1, -1))
            painter.restore()
