"""Products & BOM page: magnet parts with their licence need, BOMs, and monthly exposure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QStringListModel, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.rules import LicenceNeed

from ui.page import Page
from ui.part_detail import PartDetail
from ui.parts_columns import LICENCE, default_column_widths
from ui.parts_delegates import PartsDelegate
from ui.parts_model import PartsFilterProxy, PartsTableModel
from ui.resources import icon
from ui.table_view import ExcelTableView

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from ui.bom_panel import BomPanel
    from ui.exposure_panel import ExposurePanel
    from ui.session import WorkspaceSession
    from ui.settings import Settings

_FILTERS = (
    ("All parts", None),
    ("Licence required", LicenceNeed.REQUIRED),
    ("Licence unverified", LicenceNeed.UNVERIFIED),
    ("No licence needed", LicenceNeed.NOT_REQUIRED),
)


class ProductsPage(Page):
    """Two tabs: the magnet parts table with a detail panel, and the BOMs with exposure."""

    key = "products"
    title = "Products & BOM"
    icon_name = "products"

    def __init__(
        self, *, undo_stack: QUndoStack, settings: Settings, parent: QWidget | None = None
    ) -> None:
        super().__init__(undo_stack=undo_stack, settings=settings, parent=parent)
        self.model: PartsTableModel | None = None
        self._bom_stale = False
        self.proxy = PartsFilterProxy(self)
        self._empty = QStringListModel(self)
        self.table = ExcelTableView()
        self.table.setModel(self.proxy)
        self.table.setItemDelegate(PartsDelegate(self.table))
        self.detail = PartDetail()
        self._bom_panels: tuple[BomPanel, ExposurePanel] | None = None
        # Counting licence needs walks every row: coalesce bursts of edits into one count.
        self._summary_timer = QTimer(self, singleShot=True, interval=150)
        self._summary_timer.timeout.connect(self._update_summary)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._parts_tab(), icon("magnet"), "Magnet parts")
        self.tabs.addTab(self._bom_tab(), icon("products"), "Products && BOM")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self._connect()

    # -- layout ------------------------------------------------------------------------

    def _parts_tab(self) -> QWidget:
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find part number, description, grade, supplier…")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("find"), QLineEdit.ActionPosition.LeadingPosition)
        self.filter = QComboBox()
        for text, _ in _FILTERS:
            self.filter.addItem(text)
        self.add_button = QPushButton(icon("add"), "Add part")
        self.delete_button = QPushButton(icon("delete"), "Delete")
        self.summary = QLabel()
        # A long count must not force the window wider: it is clipped instead.
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.filter)
        bar.addStretch(0)
        bar.addWidget(self.add_button)
        bar.addWidget(self.delete_button)
        table_side = QWidget()
        column = QVBoxLayout(table_side)
        column.setContentsMargins(8, 8, 0, 8)
        column.addLayout(bar)
        column.addWidget(self.table)
        column.addWidget(self.summary)
        self.parts_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.parts_splitter.addWidget(table_side)
        self.parts_splitter.addWidget(self.detail)
        self.parts_splitter.setStretchFactor(0, 3)
        self.parts_splitter.setStretchFactor(1, 1)
        self.parts_splitter.setSizes([820, 340])
        self.detail.setMinimumWidth(260)
        return self.parts_splitter

    def _bom_tab(self) -> QWidget:
        # Filled when first shown: start-up builds and paints the parts tab only.
        self.bom_splitter = QSplitter(Qt.Orientation.Vertical)
        return self.bom_splitter

    def _bom_widgets(self) -> tuple[BomPanel, ExposurePanel]:
        if self._bom_panels is None:
            from ui.bom_panel import BomPanel
            from ui.exposure_panel import ExposurePanel

            bom, exposure = BomPanel(undo_stack=self.undo_stack), ExposurePanel()
            self.bom_splitter.addWidget(bom)
            self.bom_splitter.addWidget(exposure)
            self.bom_splitter.setSizes([440, 360])
            state = self.settings.state(type(self).__name__, "bom_splitter")
            if state is not None:
                self.bom_splitter.restoreState(state)
            bom.product_selected.connect(exposure.set_product)
            bom.part_selected.connect(self._on_bom_part_selected)
            bom.pasted.connect(self.pasted)
            bom.status_message.connect(self.status_message)
            self._bom_panels = (bom, exposure)
        return self._bom_panels

    @property
    def bom(self) -> BomPanel:
        """The products list and BOM tree (built on first use)."""
        return self._bom_widgets()[0]

    @property
    def exposure(self) -> ExposurePanel:
        """The monthly exposure panel (built on first use)."""
        return self._bom_widgets()[1]

    def _sync_bom_tab(self) -> None:
        self._bom_stale = False
        self.bom.set_session(self.session)
        self.exposure.set_session(self.session)

    @Slot(int)
    def _on_tabs_current_changed(self, index: int) -> None:
        if index == 1 and self._bom_stale:
            self._sync_bom_tab()

    def _connect(self) -> None:
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.search.textChanged.connect(self.proxy.set_search_text)
        self.filter.currentIndexChanged.connect(self._on_filter_changed)
        self.add_button.clicked.connect(self.add_part)
        self.delete_button.clicked.connect(self.table.delete_selection)
        self.table.pasted.connect(self.pasted)
        self.table.status_message.connect(self.status_message)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)

    # -- Page interface ----------------------------------------------------------------

    def set_session(self, session: WorkspaceSession | None) -> None:
        """Reimplemented from Page.set_session."""
        super().set_session(session)
        if self.model is not None:
            self.model.edit_refused.disconnect(self.status_message)
            self.model.deleteLater()
            self.model = None
        if session is not None:
            self.model = PartsTableModel(session, undo_stack=self.undo_stack, parent=self)
            self.model.edit_refused.connect(self.status_message)
            for signal in (
                self.model.modelReset,
                self.model.rowsInserted,
                self.model.rowsRemoved,
                self.model.dataChanged,
            ):
                signal.connect(self._summary_timer.start)
        self.proxy.setSourceModel(self.model if self.model is not None else self._empty)
        self.detail.set_session(session)
        # The BOM tab loads when first shown (start-up paints the parts tab only).
        self._bom_stale = session is not None
        if self.tabs.currentIndex() == 1 or (session is None and self._bom_panels is not None):
            self._sync_bom_tab()
        self._apply_column_widths()
        self._update_summary()
        if self.model is not None and self.model.rowCount():
            self.table.selectRow(0)

    def focus_search(self) -> None:
        """Reimplemented from Page.focus_search."""
        if self.tabs.currentIndex() == 0:
            self.search.setFocus()
            self.search.selectAll()
        else:
            self.bom.search.setFocus()
            self.bom.search.selectAll()

    def default_edit_target(self) -> object:
        """Return what the Edit menu acts on when no table has focus."""
        return self.table if self.tabs.currentIndex() == 0 else self.bom

    def status_counts(self) -> str:
        """Reimplemented from Page.status_counts."""
        return self.summary.text().replace("<b>", "").replace("</b>", "")

    def save_state(self) -> None:
        """Reimplemented from Page.save_state."""
        owner = type(self).__name__
        self.settings.set_state(owner, "parts_splitter", self.parts_splitter.saveState())
        if self._bom_panels is not None:
            self.settings.set_state(owner, "bom_splitter", self.bom_splitter.saveState())
        self.settings.set_state(
            owner, "parts_header", self.table.horizontalHeader().saveState()
        )

    def restore_state(self) -> None:
        """Reimplemented from Page.restore_state."""
        owner = type(self).__name__
        splitters = [("parts_splitter", self.parts_splitter)]
        if self._bom_panels is not None:  # else restored when the tab is built
            splitters.append(("bom_splitter", self.bom_splitter))
        for key, widget in splitters:
            state = self.settings.state(owner, key)
            if state is not None:
                widget.restoreState(state)
        header = self.settings.state(owner, "parts_header")
        if header is not None:
            self.table.horizontalHeader().restoreState(header)

    # -- actions -----------------------------------------------------------------------

    @Slot()
    def add_part(self) -> None:
        """Add a part and start editing its number."""
        if self.model is None:
            return
        self.search.clear()
        self.filter.setCurrentIndex(0)
        row = self.model.add_part()
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        self.table.edit(index)

    def select_part(self, part_id: int) -> None:
        """Show a part in the parts tab (clearing filters that hide it)."""
        if self.model is None:
            return
        row = self.model.row_of(part_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            self.search.clear()
            self.filter.setCurrentIndex(0)
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)

    # -- private slots -----------------------------------------------------------------

    @Slot(int)
    def _on_filter_changed(self, position: int) -> None:
        self.proxy.set_licence_filter(_FILTERS[position][1])
        self._update_summary()

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection_changed(self, *_: object) -> None:
        current = self.proxy.mapToSource(self.table.currentIndex())
        if self.model is None or not current.isValid():
            self.detail.show_part(None)
            return
        self.detail.show_part(self.model.part_id(current.row()))

    @Slot(int)
    def _on_bom_part_selected(self, part_id: int) -> None:
        self.detail.show_part(part_id)

    def _apply_column_widths(self) -> None:
        for column, width in enumerate(default_column_widths(self.table.fontMetrics())):
            self.table.setColumnWidth(column, width)
        # The licence answer is what buyers scan for: show it next to the part number and
        # description (a saved header layout, restored afterwards, wins).
        header = self.table.horizontalHeader()
        header.moveSection(header.visualIndex(LICENCE), 2)

    def _update_summary(self, *_: object) -> None:
        if self.model is None:
            self.summary.clear()
            return
        counts = dict.fromkeys(LicenceNeed, 0)
        total = self.model.rowCount()
        for row in range(total):
            counts[self.model.licence_need(row)] += 1
        self.summary.setText(
            f"<b>{total}</b> parts · <b>{counts[LicenceNeed.REQUIRED]}</b> need a licence · "
            f"<b>{counts[LicenceNeed.UNVERIFIED]}</b> unverified"
        )
