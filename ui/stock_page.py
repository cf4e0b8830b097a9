"""Stock & orders page: stock per part above, purchase orders below."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from planner.schema import Order, Part, Stock
from planner.tsv import parse_tsv

from ui.grid_delegates import (
    ComboDelegate,
    DateDelegate,
    NumberDelegate,
    SearchProxy,
    quieten,
)
from ui.orders_model import CLOSED_STATUSES, COLUMN_OF, SEARCH_COLUMNS, OrdersModel
from ui.page import Page
from ui.paste_report import show_paste_report
from ui.resources import STATUS_COLORS, icon
from ui.stock_model import COLUMN_OF as STOCK_COLUMN_OF
from ui.stock_model import OPEN_STATUSES, StockModel
from ui.stock_model import SEARCH_COLUMNS as STOCK_SEARCH_COLUMNS
from ui.table_view import ExcelTableView

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from planner.tsv import PasteReport

    from ui.session import WorkspaceSession
    from ui.settings import Settings

_OWNER = "StockPage"
_STOCK_WIDTHS = (100, 270, 270, 110, 135, 100, 120, 130)
_ORDER_WIDTHS = (100, 80, 262, 115, 95, 130, 272, 75, 85, 70)


class StockView(ExcelTableView):
    """The stock table: a pasted block goes down the rows as the buyer sees them sorted."""

    def paste(self) -> None:
        """Reimplemented from ExcelTableView.paste: map each line through the proxy."""
        proxy, block = self.model(), parse_tsv(QGuiApplication.clipboard().text())
        source = proxy.sourceModel() if isinstance(proxy, SearchProxy) else None
        if (
            not block
            or not isinstance(proxy, SearchProxy)
            or not isinstance(source, StockModel)
        ):
            self.status_message.emit("Nothing to paste: the clipboard holds no cells")
            return
        current = self.currentIndex()
        shown = range(max(current.row(), 0), proxy.rowCount())
        rows = [proxy.mapToSource(proxy.index(r, 0)).row() for r in shown]
        self.pasted.emit(source.paste_into(rows, max(current.column(), 0), block))

    def delete_selection(self) -> None:
        """Reimplemented from ExcelTableView: stock rows belong to parts; say so."""
        self.status_message.emit(
            "Parts are deleted on the Products & BOM page; type 0 to clear a stock figure"
        )


def _section(title: str, search: QLineEdit, *extra: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(QLabel(f"<b>{title}</b>"))
    row.addSpacing(8)
    row.addWidget(search, 2)
    for widget in extra:
        row.addWidget(widget)
    return row


class StockPage(Page):
    """Stock per part above, purchase orders below, in a splitter the page remembers.

    Attributes:
        stock_model: Stock per part (None without a workspace).
        orders_model: All orders (None without a workspace).
        stock_proxy: Search and sorting of the stock table.
        orders_proxy: Search, sorting, and hiding of received and cancelled orders.
        stock_view: The stock table.
        orders_view: The orders table.
        stock_search: Search field of the stock table.
        orders_search: Search field of the orders table.
        show_closed: Whether received and cancelled orders are shown.
        add_button: Adds a planned order of the selected part.
        delete_button: Deletes the selected orders.
        message: The last refusal or paste summary.
        splitter: Between the two tables.
    """

    key = "stock"
    title = "Stock & orders"
    icon_name = "stock"

    def __init__(
        self, *, undo_stack: QUndoStack, settings: Settings, parent: QWidget | None = None
    ) -> None:
        super().__init__(undo_stack=undo_stack, settings=settings, parent=parent)
        self.stock_model: StockModel | None = None
        self.orders_model: OrdersModel | None = None
        self.stock_proxy = SearchProxy(STOCK_SEARCH_COLUMNS, parent=self)
        self.orders_proxy = SearchProxy(
            SEARCH_COLUMNS,
            hide_column=COLUMN_OF["status"],
            hide_values=CLOSED_STATUSES,
            parent=self,
        )
        self.stock_view = StockView(self)
        self.orders_view = ExcelTableView(self)
        self.stock_search = self._search("Search parts, descriptions, suppliers…")
        self.orders_search = self._search("Search orders, parts, suppliers, licences…")
        self.stock_search.textChanged.connect(self.stock_proxy.set_search)
        self.orders_search.textChanged.connect(self.orders_proxy.set_search)
        self.show_closed = QCheckBox("Show closed")
        self.show_closed.setToolTip("Also show received and cancelled orders")
        self.show_closed.toggled.connect(self.orders_proxy.set_show_hidden)
        self.add_button = QPushButton(icon("add"), "Add order")
        self.add_button.setToolTip("Add a planned order of the selected part from its supplier")
        self.add_button.clicked.connect(self.add_order)
        self.delete_button = QPushButton(icon("delete"), "Delete")
        self.delete_button.setToolTip("Delete the selected orders (Delete key)")
        self.delete_button.clicked.connect(self.orders_view.delete_selection)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self._build_layout()
        self._set_up_views()
        self.set_session(None)

    def _search(self, placeholder: str) -> QLineEdit:
        search = QLineEdit(self)
        search.setPlaceholderText(placeholder)
        search.setClearButtonEnabled(True)
        search.setMinimumWidth(120)
        search.setMaximumWidth(360)
        search.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return search

    def _build_layout(self) -> None:
        hint = QLabel(
            "Cover is a simple indication (on hand ÷ average monthly demand of the build "
            "plan), not the plan."
        )
        hint.setWordWrap(True)
        quieten(hint)
        top, bottom = QWidget(self.splitter), QWidget(self.splitter)
        top_layout, bottom_layout = QVBoxLayout(top), QVBoxLayout(bottom)
        top_layout.setContentsMargins(0, 0, 0, 4)
        bottom_layout.setContentsMargins(0, 8, 0, 0)
        stock_bar = _section("Stock", self.stock_search, hint)
        stock_bar.setStretchFactor(hint, 3)
        top_layout.addLayout(stock_bar)
        top_layout.addWidget(self.stock_view)
        orders_bar = _section("Orders", self.orders_search, self.show_closed)
        orders_bar.addStretch(1)
        orders_bar.addWidget(self.add_button)
        orders_bar.addWidget(self.delete_button)
        bottom_layout.addLayout(orders_bar)
        bottom_layout.addWidget(self.orders_view)
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)

    def _set_up_views(self) -> None:
        self.stock_view.setModel(self.stock_proxy)
        self.orders_view.setModel(self.orders_proxy)
        numbers, dates = NumberDelegate(self), DateDelegate(self)
        for key in ("on_hand", "safety_stock"):
            self.stock_view.setItemDelegateForColumn(STOCK_COLUMN_OF[key], numbers)
        self.stock_view.setItemDelegateForColumn(STOCK_COLUMN_OF["counted_on"], dates)
        for key in ("quantity", "unit_price"):
            self.orders_view.setItemDelegateForColumn(COLUMN_OF[key], numbers)
        for key in ("order_date", "expected_arrival"):
            self.orders_view.setItemDelegateForColumn(COLUMN_OF[key], dates)
        self.orders_view.setItemDelegateForColumn(
            COLUMN_OF["part_id"], ComboDelegate(editable=True, parent=self)
        )
        combos = ComboDelegate(parent=self)
        for key in ("supplier_id", "licence_id", "status"):
            self.orders_view.setItemDelegateForColumn(COLUMN_OF[key], combos)
        for view in (self.stock_view, self.orders_view):
            view.pasted.connect(self._on_view_pasted)
            view.status_message.connect(self._show_message)
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.orders_view.sortByColumn(
            COLUMN_OF["expected_arrival"], Qt.SortOrder.AscendingOrder
        )
        self.stock_view.sortByColumn(
            STOCK_COLUMN_OF["part_number"], Qt.SortOrder.AscendingOrder
        )
        self.orders_view.selectionModel().selectionChanged.connect(self._update_buttons)

    # -- Page interface -------------------------------------------------------------------

    def set_session(self, session: WorkspaceSession | None) -> None:
        """Reimplemented from Page.set_session: build the models over the new workspace."""
        super().set_session(session)
        for model in (self.stock_model, self.orders_model):
            if model is not None:
                model.deleteLater()
        self.stock_model = self.orders_model = None
        # Qt accepts no source (QAbstractProxyModel::setSourceModel); the stubs do not.
        self.stock_proxy.setSourceModel(None)  # type: ignore[arg-type]
        self.orders_proxy.setSourceModel(None)  # type: ignore[arg-type]
        self._show_message("")
        widgets = (self.stock_view, self.orders_view, self.stock_search, self.orders_search)
        for widget in (*widgets, self.add_button):
            widget.setEnabled(session is not None)
        if session is None:
            self._update_buttons()
            return
        self.stock_model = StockModel(session, undo_stack=self.undo_stack, parent=self)
        self.orders_model = OrdersModel(session, undo_stack=self.undo_stack, parent=self)
        for model in (self.stock_model, self.orders_model):
            model.edit_refused.connect(self._on_model_edit_refused)
        self.stock_proxy.setSourceModel(self.stock_model)
        self.orders_proxy.setSourceModel(self.orders_model)
        views = ((self.stock_view, _STOCK_WIDTHS), (self.orders_view, _ORDER_WIDTHS))
        for view, widths in views:  # defaults; restore_state() brings the buyer's own
            for column, width in enumerate(widths):
                view.horizontalHeader().resizeSection(column, width)
        self._update_buttons()

    def focus_search(self) -> None:
        """Reimplemented from Page.focus_search: the search of the table in use."""
        search = self.orders_search if self.orders_view.hasFocus() else self.stock_search
        search.setFocus()
        search.selectAll()

    def default_edit_target(self) -> ExcelTableView:
        """Return the stock table for the Edit menu when no table has the focus."""
        return self.stock_view

    def save_state(self) -> None:
        """Reimplemented from Page.save_state: splitter and column layout."""
        self.settings.set_state(_OWNER, "splitter", self.splitter.saveState())
        for key, view in (("stock", self.stock_view), ("orders", self.orders_view)):
            self.settings.set_state(_OWNER, key, view.horizontalHeader().saveState())

    def restore_state(self) -> None:
        """Reimplemented from Page.restore_state."""
        splitter = self.settings.state(_OWNER, "splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        for key, view in (("stock", self.stock_view), ("orders", self.orders_view)):
            state = self.settings.state(_OWNER, key)
            if state is not None:
                view.horizontalHeader().restoreState(state)

    def status_counts(self) -> str:
        """Return e.g. "25 parts, 3 below safety stock · 20 open orders" (read fresh)."""
        if self.session is None:
            return ""
        workspace = self.session.workspace
        short = sum(1 for s in workspace.all(Stock) if s.on_hand < s.safety_stock)
        orders = sum(1 for o in workspace.all(Order) if o.status in OPEN_STATUSES)
        parts = workspace.count(Part)
        return f"{parts} parts, {short} below safety stock · {orders} open orders"

    # -- actions --------------------------------------------------------------------------

    @Slot()
    def add_order(self) -> None:
        """Add a planned order of the selected part (stock table) or the current order's."""
        if self.stock_model is None or self.orders_model is None:
            return
        part_id = self._chosen_part()
        if part_id is None:
            self._show_message("Select a part in the stock table first", warning=True)
            return
        row = self.orders_model.add_order(part_id)
        if row < 0:
            return
        index = self.orders_proxy.mapFromSource(self.orders_model.index(row, 0))
        if not index.isValid():  # hidden by the search: show it
            self.orders_search.clear()
            index = self.orders_proxy.mapFromSource(self.orders_model.index(row, 0))
        quantity = index.siblingAtColumn(COLUMN_OF["quantity"])
        self.orders_view.setCurrentIndex(quantity)
        self.orders_view.selectionModel().select(
            quantity, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.orders_view.scrollTo(quantity)
        self.orders_view.setFocus()
        self._show_message("Order added as planned: set its quantity, dates and licence.")

    def _chosen_part(self) -> int | None:
        assert self.session is not None
        assert self.stock_model is not None
        assert self.orders_model is not None
        if self.stock_view.currentIndex().isValid():
            row = self.stock_proxy.mapToSource(self.stock_view.currentIndex()).row()
            return self.stock_model.part_id(row)
        if self.orders_view.currentIndex().isValid():
            row = self.orders_proxy.mapToSource(self.orders_view.currentIndex()).row()
            order = self.session.workspace.get(Order, self.orders_model.order_id(row))
            return order.part_id if order is not None else None
        return None

    @Slot()
    def _update_buttons(self) -> None:
        selected = self.orders_view.selectionModel().hasSelection()
        self.delete_button.setEnabled(selected and self.orders_model is not None)

    @Slot(str)
    def _on_model_edit_refused(self, reason: str) -> None:
        self._show_message(reason, warning=True)

    @Slot(object)
    def _on_view_pasted(self, report: PasteReport) -> None:
        if not report.rejected:
            self._show_message(f"Pasted {report.accepted} row(s).")
            return
        skipped = len({r.row for r in report.rejected})
        self._show_message(
            f"Pasted {report.accepted} row(s); skipped {skipped} line(s) with refused cells.",
            warning=True,
        )
        show_paste_report(self, report)

    def _show_message(self, text: str, *, warning: bool = False) -> None:
        self.message.setVisible(bool(text))
        self.message.setText(("⚠ " if warning else "") + text)
        self.message.setStyleSheet(f"color: {STATUS_COLORS['warning']};" if warning else "")
