"""Product line stops: the earliest runout among each product's parts, in both views."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from planner.plan_model import NEVER

from ui.plan_format import SHORT_LINE, ordinal_iso, ordinal_text
from ui.roles import (
    ALIGN,
    DISPLAY,
    EDIT,
    FONT,
    FOREGROUND,
    LEFT,
    TOOLTIP,
    EditTextRole,
    KeyRole,
    SortRole,
)

if TYPE_CHECKING:
    from PySide6.QtCore import QObject

    from planner.plan_result import Plan

    AnyIndex = QModelIndex | QPersistentModelIndex

COLUMNS = (
    ("product", "Product"),
    ("with_pending", "Line stop"),
    ("with_pending_part", "Caused by"),
    ("firm", "Firm only"),
    ("firm_part", "Caused by"),
)
COLUMN_OF = {key: column for column, (key, _) in enumerate(COLUMNS)}
_TIPS = {
    "with_pending": "Earliest runout among the product's parts, counting pending licences "
    "as expected (through sub-assemblies)",
    "firm": "Earliest runout among the product's parts, counting firm supply only",
    "with_pending_part": "The part that runs out first",
    "firm_part": "The part that runs out first counting firm supply only",
}
_ROLES = frozenset(
    {DISPLAY, EDIT, EditTextRole, SortRole, ALIGN, FOREGROUND, TOOLTIP, KeyRole, FONT}
)


class LineStopModel(QAbstractTableModel):
    """One row per product and sub-assembly of a plan, read only.

    Attributes:
        plan: The plan shown (None before the first calculation).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.plan: Plan | None = None
        self._italic = QFont()
        self._italic.setItalic(True)

    def set_plan(self, plan: Plan | None) -> None:
        """Show another plan (None: nothing)."""
        self.beginResetModel()
        self.plan = plan
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.rowCount."""
        if parent.isValid() or self.plan is None:
            return 0
        return len(self.plan.snapshot.products.id)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.columnCount."""
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: AnyIndex, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.data."""
        if role not in _ROLES or not index.isValid() or self.plan is None:
            return None
        row, key = index.row(), COLUMNS[index.column()][0]
        products, stops = self.plan.snapshot.products, self.plan.line_stop
        if role == ALIGN:
            return LEFT
        if role == KeyRole:
            return int(products.id[row])
        if key == "product":
            return self._product(row, role)
        if key.endswith("_part"):
            part = int(getattr(stops, key)[row])
            text = self.plan.snapshot.parts.number[part] if part >= 0 else ""
            return text if role in (DISPLAY, EDIT, EditTextRole, SortRole) else None
        return self._day(int(getattr(stops, key)[row]), key, role)

    def _product(self, row: int, role: int) -> Any:
        assert self.plan is not None
        products = self.plan.snapshot.products
        assembly = products.kind[row] == "assembly"
        if role in (DISPLAY, EDIT, EditTextRole, SortRole):
            return products.name[row]
        if role == FONT:
            return self._italic if assembly else None
        if role == TOOLTIP:
            return "A sub-assembly (in italics)" if assembly else "A product"
        return None

    @staticmethod
    def _day(day: int, key: str, role: int) -> Any:
        if role in (DISPLAY, EDIT):
            return ordinal_text(day)
        if role == EditTextRole:
            return ordinal_iso(day)
        if role == SortRole:
            return day
        if role == FOREGROUND:
            return SHORT_LINE if day < NEVER else None
        if role == TOOLTIP:
            view = "firm supply only" if key == "firm" else "pending licences as expected"
            if day >= NEVER:
                return f"No part runs out within the horizon ({view})"
            return f"The line stops on {ordinal_text(day)} ({view})"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.headerData."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        key, title = COLUMNS[section]
        if role == DISPLAY:
            return title
        if role == TOOLTIP:
            return _TIPS.get(key)
        return LEFT if role == ALIGN else None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Reimplemented from QAbstractItemModel.flags."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
