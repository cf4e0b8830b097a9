"""The Plan page's result panels: coverage (grid, chart, line stops) and the purchase plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui.coverage_chart import CoverageChart
from ui.coverage_model import CoverageDelegate, CoverageModel
from ui.grid_delegates import SearchProxy, quieten
from ui.line_stop_model import COLUMN_OF as STOP_COLUMN_OF
from ui.line_stop_model import LineStopModel
from ui.plan_format import FIRM_BACKGROUND, PENDING_BACKGROUND, SHORT_BACKGROUND, SHORT_LINE
from ui.recommendations_model import COLUMN_OF, RecommendationsModel, RecommendationsProxy
from ui.resources import icon
from ui.table_view import ExcelTableView

if TYPE_CHECKING:
    from datetime import date

    from PySide6.QtGui import QColor

    from planner.plan_result import Plan

_PERIOD_WIDTH = 74
_PURCHASE_WIDTHS = {
    "part": 84, "quantity": 80, "source": 210, "order_by": 96, "arrival": 96, "need": 96,
    "licence": 58, "status": 78, "shortfall": 80, "cost": 96,
}  # fmt: skip


def _swatch(colour: QColor, text: str, *, outline: bool = False) -> QWidget:
    box = QLabel()
    box.setFixedSize(14, 14)
    border = f"2px solid {SHORT_LINE.name()}" if outline else "1px solid #9aa0a6"
    box.setStyleSheet(f"background: {colour.name()}; border: {border};")
    widget = QWidget()
    layout = QHBoxLayout(widget)
    layout.setContentsMargins(4, 0, 4, 0)
    layout.setSpacing(4)
    layout.addWidget(box)
    layout.addWidget(QLabel(text))
    return widget


def _table(parent: QWidget) -> ExcelTableView:
    view = ExcelTableView(parent)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


class CoveragePanel(QWidget):
    """Coverage grid above; the chart of the selected part and the line stops below.

    Attributes:
        model: Projected stock per part and period.
        proxy: Part search and sorting.
        view: The grid.
        search: Filters parts by number.
        with_pending: Shows stock counting pending licences as expected.
        firm_only: Shows stock counting firm supply only.
        chart: Projected stock of the selected part.
        line_stops: Line stops per product.
        line_stop_proxy: Their sorting.
        line_stop_view: Their table.
        splitter: Grid above, chart and line stops below.
        bottom: Chart left, line stops right.

    Signals:
        part_selected: The part number selected in the grid ("" when none).
    """

    part_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today: date | None = None
        self.model = CoverageModel(self)
        self.proxy = SearchProxy((0,), parent=self)
        self.proxy.setSourceModel(self.model)
        self.view = _table(self)
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(CoverageDelegate(self.view))
        self.view.horizontalHeader().setStretchLastSection(False)
        self.view.horizontalHeader().setDefaultSectionSize(_PERIOD_WIDTH)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Filter parts…")
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(200)
        self.search.textChanged.connect(self.proxy.set_search)
        self.with_pending = QRadioButton("Firm + pending licences")
        self.with_pending.setToolTip("Count supply waiting on pending licences as expected")
        self.firm_only = QRadioButton("Firm supply only")
        self.firm_only.setToolTip("Count only supply that needs no pending licence")
        self._views = QButtonGroup(self)
        for button in (self.with_pending, self.firm_only):
            self._views.addButton(button)
        self.with_pending.setChecked(True)
        self.firm_only.toggled.connect(self._on_firm_only_toggled)
        self.chart = CoverageChart(self)
        self.line_stops = LineStopModel(self)
        self.line_stop_proxy = SearchProxy((0,), parent=self)
        self.line_stop_proxy.setSourceModel(self.line_stops)
        self.line_stop_view = _table(self)
        self.line_stop_view.setModel(self.line_stop_proxy)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.bottom = QSplitter(Qt.Orientation.Horizontal, self.splitter)
        self._build_layout()
        self.view.selectionModel().currentRowChanged.connect(self._on_current_row_changed)

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(QLabel("<b>Projected stock</b> at period end"))
        bar.addWidget(self.search)
        bar.addSpacing(12)
        bar.addWidget(self.with_pending)
        bar.addWidget(self.firm_only)
        bar.addStretch(1)
        for colour, text in (
            (FIRM_BACKGROUND, "firm"),
            (PENDING_BACKGROUND, "only with pending licences"),
            (SHORT_BACKGROUND, "short"),
        ):
            bar.addWidget(_swatch(colour, text))
        bar.addWidget(_swatch(SHORT_BACKGROUND, "runs out", outline=True))
        top = QWidget(self.splitter)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 4, 0, 4)
        top_layout.addLayout(bar)
        top_layout.addWidget(self.view, 1)
        stops = QWidget(self.bottom)
        stops_layout = QVBoxLayout(stops)
        stops_layout.setContentsMargins(6, 0, 0, 0)
        title = QLabel("<b>Product line stops</b>: earliest runout among each product's parts")
        title.setWordWrap(True)
        stops_layout.addWidget(title)
        stops_layout.addWidget(self.line_stop_view, 1)
        self.bottom.addWidget(self.chart)
        self.bottom.addWidget(stops)
        self.bottom.setStretchFactor(0, 3)
        self.bottom.setStretchFactor(1, 2)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.bottom)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([340, 340])
        self.bottom.setSizes([600, 530])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

    def set_plan(self, plan: Plan | None, today: date) -> None:
        """Show a plan, keeping the selected part where it still exists."""
        chosen = self.current_part()
        self._today = today
        self.model.set_plan(plan)
        self.line_stops.set_plan(plan)
        if plan is None:
            self.chart.clear()
            return
        widths = {"product": 180, "with_pending": 92, "with_pending_part": 76, "firm": 92}
        for key, width in widths.items():
            self.line_stop_view.setColumnWidth(STOP_COLUMN_OF[key], width)
        self.view.setColumnWidth(0, 88)
        self.view.setColumnWidth(1, 96)
        if self.proxy.sortColumn() < 0:
            self.view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        if self.line_stop_proxy.sortColumn() < 0:
            column = STOP_COLUMN_OF["with_pending"]
            self.line_stop_view.sortByColumn(column, Qt.SortOrder.AscendingOrder)
        if not plan.snapshot.parts.number:
            self.chart.clear("No magnet parts in this workspace yet")
            return
        self.select_part(chosen or self.model.part_number(self._first_source_row()))

    def _first_source_row(self) -> int:
        return (
            self.proxy.mapToSource(self.proxy.index(0, 0)).row() if self.proxy.rowCount() else 0
        )

    def select_part(self, number: str) -> None:
        """Select a part's row in the grid (and show its chart)."""
        row = self.model.row_of(number)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            self.search.clear()
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.scrollTo(index)
        self._show_chart(row)

    def current_part(self) -> str:
        """Return the part number selected in the grid ("" when none)."""
        index = self.view.currentIndex()
        if not index.isValid() or self.model.plan is None:
            return ""
        return self.model.part_number(self.proxy.mapToSource(index).row())

    def _show_chart(self, row: int) -> None:
        plan = self.model.plan
        if plan is None or self._today is None:
            return
        if self.chart.part != plan.snapshot.parts.number[row]:
            self.chart.show_part(plan, row, self._today)

    @Slot()
    def _on_current_row_changed(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self._show_chart(self.proxy.mapToSource(index).row())
        self.part_selected.emit(self.current_part())

    @Slot(bool)
    def _on_firm_only_toggled(self, firm_only: bool) -> None:
        self.model.set_firm_only(firm_only)
        self.proxy.invalidate()


class PurchasePanel(QWidget):
    """The purchase plan: filters, Accept, and the table of recommended purchases.

    Attributes:
        model: The purchases.
        proxy: Filters and sorting.
        view: The table.
        search: Filters by part, source or reason.
        status_filter: Filters by status.
        selected_part_only: Shows only the part selected on the coverage grid.
        accept_button: Turns the selected purchases into planned orders.
        alternatives_button: Extension point for alternative suppliers: hidden until the
            sourcing feature connects `alternatives_requested` and shows it.
        summary: Counts and cost.
        reason: Why the current purchase is recommended, in full.

    Signals:
        accept_requested: Source rows of the purchases to accept.
        alternatives_requested: Source row of the purchase to find other sources for.
    """

    accept_requested = Signal(list)
    alternatives_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._part = ""
        self.model = RecommendationsModel(self)
        self.proxy = RecommendationsProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = _table(self)
        self.view.setModel(self.proxy)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search parts, sources, reasons…")
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(280)
        self.search.textChanged.connect(self.proxy.set_search)
        self.status_filter = QComboBox(self)
        for text, statuses in RecommendationsProxy.STATUS_FILTERS:
            self.status_filter.addItem(text, statuses)
        self.status_filter.currentIndexChanged.connect(self._on_status_filter_changed)
        self.selected_part_only = QCheckBox("Only the part selected on Coverage")
        self.selected_part_only.toggled.connect(self._apply_part_filter)
        self.accept_button = QPushButton(icon("add"), "Accept as planned order")
        self.accept_button.setToolTip(
            "Create planned orders for the selected purchases (undoable); "
            "recalculate to include them"
        )
        self.accept_button.clicked.connect(self._on_accept_clicked)
        self.alternatives_button = QPushButton("Alternatives…")
        self.alternatives_button.hide()
        self.alternatives_button.clicked.connect(self._on_alternatives_clicked)
        self.summary = QLabel(self)
        quieten(self.summary)
        self.reason = QLabel(self)
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar = QHBoxLayout()
        for widget in (self.search, self.status_filter, self.selected_part_only):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.alternatives_button)
        bar.addWidget(self.accept_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.reason)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.dataChanged.connect(self._update_buttons)  # accepted rows
        self._update_buttons()

    def set_plan(self, plan: Plan | None, reasons: tuple[str, ...]) -> None:
        """Show the purchases of a plan."""
        self.model.set_plan(plan, reasons)
        for key, width in _PURCHASE_WIDTHS.items():
            self.view.setColumnWidth(COLUMN_OF[key], width)
        if self.proxy.sortColumn() < 0:
            self.view.sortByColumn(COLUMN_OF["need"], Qt.SortOrder.AscendingOrder)
        self.summary.setText(_summary(plan))
        self._update_buttons()

    def set_selected_part(self, number: str) -> None:
        """Remember the part selected on the coverage grid, for the part filter."""
        self._part = number
        self.selected_part_only.setText(
            f"Only {number}" if number else "Only the part selected on Coverage"
        )
        self._apply_part_filter()

    def selected_rows(self) -> list[int]:
        """Return the source rows of the selected purchases."""
        rows = {
            self.proxy.mapToSource(i).row() for i in self.view.selectionModel().selectedRows()
        }
        return sorted(rows)

    @Slot()
    def _apply_part_filter(self) -> None:
        self.proxy.set_part(self._part if self.selected_part_only.isChecked() else "")

    @Slot(int)
    def _on_status_filter_changed(self, index: int) -> None:
        self.proxy.set_statuses(self.status_filter.itemData(index))

    @Slot()
    def _update_buttons(self) -> None:
        rows = self.selected_rows()
        current = self.view.currentIndex()
        reason = self.model.reason(self.proxy.mapToSource(current).row()) if rows else ""
        self.reason.setText(f"<b>Why:</b> {reason}" if reason and current.isValid() else "")
        self.accept_button.setEnabled(any(self.model.can_accept(r) for r in rows))
        self.alternatives_button.setEnabled(len(rows) == 1)

    @Slot()
    def _on_accept_clicked(self) -> None:
        rows = [r for r in self.selected_rows() if self.model.can_accept(r)]
        if rows:
            self.accept_requested.emit(rows)

    @Slot()
    def _on_alternatives_clicked(self) -> None:
        rows = self.selected_rows()
        if len(rows) == 1:
            self.alternatives_requested.emit(rows[0])


def _summary(plan: Plan | None) -> str:
    if plan is None:
        return ""
    import numpy as np

    from planner.plan_result import RecommendationStatus

    recs = plan.recommendations
    counts = np.bincount(recs.status, minlength=len(RecommendationStatus))
    late = int(counts[RecommendationStatus.LATE])
    infeasible = int(counts[RecommendationStatus.INFEASIBLE])
    priced = ~np.isnan(recs.cost) & (recs.source >= 0)
    by_source = np.bincount(
        recs.source[priced], weights=recs.cost[priced], minlength=len(recs.sources.part)
    )
    costs: dict[str, float] = {}
    for source, amount in enumerate(by_source.tolist()):
        if amount:
            currency = recs.sources.currency[source] or "?"
            costs[currency] = costs.get(currency, 0.0) + amount
    money = ", ".join(f"{amount:,.0f} {currency}" for currency, amount in sorted(costs.items()))
    return (
        f"{len(recs)} purchases recommended: {late} late, {infeasible} infeasible"
        + (f"; cost {money} where a price is recorded" if money else "")
        + ". Select one or more and accept them as planned orders."
    )
