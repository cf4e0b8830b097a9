"""The purchase plan: recommended purchases of a plan, and the proxy that filters them."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

from planner.plan_model import NEVER
from planner.plan_result import RecommendationStatus

from ui.plan_format import ordinal_iso, ordinal_text, pieces_text, plain_pieces
from ui.resources import STATUS_COLORS
from ui.roles import (
    ALIGN,
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
    from collections.abc import Sequence

    from PySide6.QtCore import QObject

    from planner.plan_result import Plan

    AnyIndex = QModelIndex | QPersistentModelIndex

ACCEPTED = "accepted"
COLUMNS = (
    ("part", "Part"),
    ("quantity", "Quantity"),
    ("source", "Source"),
    ("order_by", "Order by"),
    ("arrival", "Arrival"),
    ("need", "Need date"),
    ("licence", "Licence"),
    ("status", "Status"),
    ("shortfall", "Shortfall"),
    ("cost", "Cost"),
    ("reason", "Reason"),
)
COLUMN_OF = {key: column for column, (key, _) in enumerate(COLUMNS)}
_NUMERIC = frozenset({"quantity", "shortfall", "cost"})
_DATES = frozenset({"order_by", "arrival", "need"})
_TIPS = {
    "quantity": "Pieces to order, MOQ and order multiple applied",
    "order_by": "Last day to order so it arrives by the need date",
    "arrival": "Expected arrival: the need date, or the earliest possible when late",
    "need": "Day stock (firm + pending + earlier purchases) falls below safety stock",
    "licence": "Whether the purchase needs a Chinese export licence",
    "status": "ok: can arrive in time · late: order-by date has passed · infeasible: no source",
    "shortfall": "Pieces short until a late purchase can arrive",
}
STATUS_COLOURS = {
    RecommendationStatus.OK.label: QColor(STATUS_COLORS["not-required"]),
    RecommendationStatus.LATE.label: QColor(STATUS_COLORS["warning"]),
    RecommendationStatus.INFEASIBLE.label: QColor(STATUS_COLORS["error"]),
    ACCEPTED: QColor("#6b7280"),
}
_ROLES = frozenset(
    {DISPLAY, EDIT, EditTextRole, SortRole, ALIGN, FOREGROUND, TOOLTIP, KeyRole, StatusRole}
)


class RecommendationsModel(QAbstractTableModel):
    """One row per recommended purchase, in the engine's order; read only.

    Attributes:
        plan: The plan shown (None before the first calculation).
        accepted: Rows accepted as planned orders since the plan was calculated.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.plan: Plan | None = None
        self.accepted: frozenset[int] = frozenset()
        self._reasons: Sequence[str] = ()
        self._cost: list[float] = []

    # -- domain interface -----------------------------------------------------------------

    def set_plan(self, plan: Plan | None, reasons: Sequence[str] = ()) -> None:
        """Show the purchases of another plan with their reasons in words."""
        self.beginResetModel()
        self.plan, self._reasons, self.accepted = plan, reasons, frozenset()
        self._cost = [] if plan is None else plan.recommendations.cost.tolist()
        self.endResetModel()

    def set_accepted(self, rows: frozenset[int]) -> None:
        """Mark the rows whose purchases are now planned orders."""
        changed = rows ^ self.accepted
        self.accepted = rows
        column = COLUMN_OF["status"]
        for row in sorted(changed):
            if 0 <= row < self.rowCount():
                index = self.index(row, column)
                self.dataChanged.emit(index, index, [DISPLAY, FOREGROUND, TOOLTIP, StatusRole])

    def status(self, row: int) -> str:
        """Return "ok", "late", "infeasible" or "accepted"."""
        if row in self.accepted:
            return ACCEPTED
        assert self.plan is not None
        return RecommendationStatus(int(self.plan.recommendations.status[row])).label

    def can_accept(self, row: int) -> bool:
        """Whether a row can become a planned order (it has a source, not yet accepted)."""
        if self.plan is None or not 0 <= row < self.rowCount() or row in self.accepted:
            return False
        return int(self.plan.recommendations.supplier[row]) >= 0

    def reason(self, row: int) -> str:
        """Return why the purchase is recommended, in words."""
        if row < len(self._reasons):
            return self._reasons[row]
        if self.plan is None:
            return ""
        from planner.plan_text import recommendation_reason

        return recommendation_reason(self.plan, row)  # beyond what the worker explained

    def cost(self, row: int) -> float:
        """Return the cost of a purchase (NaN when its price is unknown)."""
        return self._cost[row]

    def part_number(self, row: int) -> str:
        """Return the part number of a row."""
        assert self.plan is not None
        return self.plan.snapshot.parts.number[int(self.plan.recommendations.part[row])]

    # -- Qt interface ---------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.rowCount."""
        if parent.isValid() or self.plan is None:
            return 0
        return len(self.plan.recommendations)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.columnCount."""
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: AnyIndex, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.data."""
        if role not in _ROLES or not index.isValid() or self.plan is None:
            return None
        row, key = index.row(), COLUMNS[index.column()][0]
        if role == ALIGN:
            return RIGHT if key in _NUMERIC else LEFT
        if role == KeyRole:
            return row
        if role == StatusRole:
            return self.status(row)
        if role == FOREGROUND:
            return STATUS_COLOURS[self.status(row)] if key == "status" else None
        if role == TOOLTIP:
            return self._tooltip(row, key)
        value = _value(self, row, key)
        if role == SortRole:
            return value
        return _text(self, row, key, value, copy=role == EditTextRole)

    def _tooltip(self, row: int, key: str) -> str:
        if key == "status" and row in self.accepted:
            return "A planned order was created from this purchase: recalculate to include it"
        if key == "cost" and math.isnan(self._cost[row]):
            return "No unit price recorded for this part"
        return self.reason(row)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.headerData."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        key, title = COLUMNS[section]
        if role == DISPLAY:
            return title
        if role == ALIGN:
            return RIGHT if key in _NUMERIC else LEFT
        return _TIPS.get(key) if role == TOOLTIP else None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Reimplemented from QAbstractItemModel.flags."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def _supplier(model: RecommendationsModel, row: int) -> str:
    assert model.plan is not None
    supplier = int(model.plan.recommendations.supplier[row])
    return model.plan.snapshot.suppliers.name[supplier] if supplier >= 0 else ""


# Columns read straight from a RecommendationTable attribute.
_ATTRIBUTES = {
    "quantity": "qty",
    "order_by": "order_by",
    "arrival": "arrival",
    "need": "need",
    "licence": "licence",
    "shortfall": "shortfall",
}


def _value(model: RecommendationsModel, row: int, key: str) -> Any:
    """Return a cell's value for sorting: numbers, day ordinals, flags or text."""
    assert model.plan is not None
    if key in _ATTRIBUTES:
        return getattr(model.plan.recommendations, _ATTRIBUTES[key])[row].item()
    if key == "cost":
        cost = model.cost(row)
        return -1.0 if math.isnan(cost) else cost
    if key == "part":
        return model.part_number(row)
    if key == "source":
        return _supplier(model, row)
    return model.status(row) if key == "status" else model.reason(row)


def _text(model: RecommendationsModel, row: int, key: str, value: Any, *, copy: bool) -> str:
    """Return a cell's text on screen, or as copied to Excel when `copy`."""
    if key in _DATES:
        if value >= NEVER:
            return "" if copy else "—"
        return ordinal_iso(value) if copy else ordinal_text(value)
    if key in ("quantity", "shortfall"):
        if key == "shortfall" and value <= 0:
            return "" if copy else "—"
        return plain_pieces(value) if copy else pieces_text(value)
    if key == "licence":
        return ("yes" if copy else "Yes") if value else ("no" if copy else "No")
    if key == "cost":
        return _cost_text(model, row, value, copy=copy)
    if key == "source" and not value:
        return "" if copy else "— no supplier"
    return str(value)


def _cost_text(model: RecommendationsModel, row: int, value: float, *, copy: bool) -> str:
    if value < 0:
        return ""
    assert model.plan is not None
    currency = model.plan.recommendations.currency(row)
    amount = f"{value:.2f}" if copy else f"{value:,.0f}"
    return f"{amount} {currency}".strip()


class RecommendationsProxy(QSortFilterProxyModel):
    """Filters purchases by status, part and search text; sorts by SortRole."""

    STATUS_FILTERS: tuple[tuple[str, frozenset[str]], ...] = (
        ("All purchases", frozenset()),
        ("Needs action (late or infeasible)", frozenset({"late", "infeasible"})),
        ("Late", frozenset({"late"})),
        ("Infeasible", frozenset({"infeasible"})),
        ("On time", frozenset({"ok"})),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SortRole)
        self._statuses: frozenset[str] = frozenset()
        self._part = ""
        self._needle = ""

    def set_statuses(self, statuses: frozenset[str]) -> None:
        """Show only purchases with these statuses (empty: all)."""
        self._refilter("_statuses", statuses)

    def set_part(self, number: str) -> None:
        """Show only purchases of this part ("" for all)."""
        self._refilter("_part", number)

    def set_search(self, text: str) -> None:
        """Show only purchases whose part, source or reason contains `text`."""
        self._refilter("_needle", text.strip().casefold())

    def _refilter(self, name: str, value: object) -> None:
        self.beginFilterChange()
        setattr(self, name, value)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        """Reimplemented from QSortFilterProxyModel.filterAcceptsRow."""
        model = self.sourceModel()
        if not isinstance(model, RecommendationsModel) or model.plan is None:
            return True
        if self._part and model.part_number(source_row) != self._part:
            return False
        status = RecommendationStatus(int(model.plan.recommendations.status[source_row]))
        if self._statuses and status.label not in self._statuses:
            return False
        if not self._needle:
            return True
        texts = (model.part_number(source_row), _supplier(model, source_row))
        return any(self._needle in t.casefold() for t in (*texts, model.reason(source_row)))
