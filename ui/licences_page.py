"""Licences page: alerts, every application with its expected decision, a timeline, details."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QItemSelectionModel, QModelIndex, Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from planner.licence_forecast import ReviewDays
from planner.licence_rows import review_text
from planner.licences import LicenceStatus
from planner.schema import Part, Supplier

from ui import licence_dialogs
from ui.alerts_badge import AlertsStrip
from ui.licence_columns import COLUMN_OF
from ui.licence_commands import AddLicenceCommand, push_refusable
from ui.licence_detail import LicenceDetail
from ui.licence_review import ReviewChooser
from ui.licence_timeline import LicenceTimeline
from ui.licences_model import OPEN, LicencesModel, LicencesProxy
from ui.page import Page
from ui.resources import STATUS_COLORS, icon
from ui.table_view import ExcelTableView

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from planner.licence_alerts import Alert
    from planner.licences import NewLicence
    from planner.workspace import Change

    from ui.session import WorkspaceSession
    from ui.settings import Settings

_OWNER = "LicencesPage"
_WIDTHS = (132, 140, 118, 84, 112, 86, 88, 84, 180, 130, 76, 104, 100, 90, 84)
# Changes after which the filter choices (exporters, parts) may differ.
_FILTER_ENTITIES = frozenset({"licences", "licence_items", "suppliers", "parts"})


def _combo(tip: str) -> QComboBox:
    combo = QComboBox()
    combo.setToolTip(tip)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(14)
    return combo


class LicencesPage(Page):
    """Alerts above; the applications table and its timeline; the selected licence's detail.

    Attributes:
        model: Licence rows (None without a workspace).
        proxy: Filters and sorting of the table.
        view: The table (copies to Excel).
        timeline: One lane per shown licence.
        detail: The selected licence.
        alerts_strip: Current alerts.
        search: Search of references, exporters, parts, orders and notes.
        supplier_filter: Exporter filter.
        status_filter: Status filter ("open" = pending).
        part_filter: Part filter.
        review: The review-time scenario and what it rests on (e.g. the sample size).
        add_button: Adds a licence application.
        message: The last refusal or confirmation.
    """

    key = "licences"
    title = "Licences"
    icon_name = "licences"

    def __init__(
        self, *, undo_stack: QUndoStack, settings: Settings, parent: QWidget | None = None
    ) -> None:
        super().__init__(undo_stack=undo_stack, settings=settings, parent=parent)
        self.model: LicencesModel | None = None
        self.proxy = LicencesProxy(self)
        self.view = ExcelTableView(self)
        self.timeline = LicenceTimeline(self)
        self.detail = LicenceDetail(undo_stack=undo_stack, parent=self)
        self.alerts_strip = AlertsStrip(self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search licences, exporters, parts, orders…")
        self.search.setClearButtonEnabled(True)
        self.supplier_filter = _combo("Show the licences of one exporter")
        self.status_filter = _combo("Show licences in one status; open = pending at MOFCOM")
        self.part_filter = _combo("Show the licences applying for one part")
        self.review = ReviewChooser(self)
        self.add_button = QPushButton(icon("add"), "Add licence…")
        self.add_button.clicked.connect(self.request_add)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self._splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self._left = QSplitter(Qt.Orientation.Vertical, self._splitter)
        self._build_layout()
        self._connect()
        self.set_session(None)

    def _build_layout(self) -> None:
        tools = QHBoxLayout()
        tools.addWidget(self.search, 2)
        for combo in (self.supplier_filter, self.status_filter, self.part_filter):
            tools.addWidget(combo, 1)
        tools.addWidget(self.add_button)
        self._left.addWidget(self.view)
        # The timeline keeps its lanes full height and scrolls when the splitter is short.
        scroller = QScrollArea()
        scroller.setWidget(self.timeline)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QScrollArea.Shape.NoFrame)
        self._left.addWidget(scroller)
        self._left.setSizes([330, 270])  # a dozen rows above, a dozen lanes below
        self._left.setChildrenCollapsible(False)
        self._splitter.addWidget(self._left)
        self._splitter.addWidget(self.detail)
        self._splitter.setStretchFactor(0, 1)
        self._splitter.setChildrenCollapsible(False)
        self._splitter.setSizes([800, 340])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.alerts_strip)
        layout.addLayout(tools)
        layout.addWidget(self.review)
        layout.addWidget(self.message)
        layout.addWidget(self._splitter, 1)

    def _connect(self) -> None:
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(ExcelTableView.SelectionBehavior.SelectRows)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.sortByColumn(COLUMN_OF["reference"], Qt.SortOrder.AscendingOrder)
        self.view.selectionModel().currentRowChanged.connect(self._on_view_current_changed)
        self.view.status_message.connect(self._show_message)
        self.search.textChanged.connect(self.proxy.set_search)
        self.supplier_filter.currentIndexChanged.connect(self._on_filter_changed)
        self.status_filter.currentIndexChanged.connect(self._on_filter_changed)
        self.part_filter.currentIndexChanged.connect(self._on_filter_changed)
        self.review.choice_changed.connect(self._on_review_changed)
        for signal in (
            self.proxy.layoutChanged,
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.modelReset,
        ):
            signal.connect(self._sync_timeline)
        self.timeline.licence_clicked.connect(self.select_licence)
        self.alerts_strip.alert_activated.connect(self._on_alert_activated)
        self.detail.status_message.connect(self._show_message)

    # -- Page interface -------------------------------------------------------------------

    def set_session(self, session: WorkspaceSession | None) -> None:
        """Reimplemented from Page.set_session: build the model over the new workspace."""
        if self.session is not None:
            self.session.changed.disconnect(self._on_session_changed)
        super().set_session(session)
        if self.model is not None:
            self.model.deleteLater()
        self.model = None
        # Qt accepts no source (QAbstractProxyModel::setSourceModel); the stubs do not.
        self.proxy.setSourceModel(None)  # type: ignore[arg-type]
        self._show_message("")
        self.setEnabled(session is not None)
        if session is not None:
            self.model = LicencesModel(session, choice=self.review.choice(), parent=self)
            self.proxy.setSourceModel(self.model)
            # Connected after the model's own handler, so the rows are fresh here.
            session.changed.connect(self._on_session_changed)
            for column, width in enumerate(_WIDTHS):
                self.view.horizontalHeader().resizeSection(column, width)
        self._fill_filters()
        self._show_book()
        self.detail.show_row(session, None)
        if self.model is not None and self.model.rowCount():
            # Open on the most urgent licence, so the buyer sees what to act on first.
            urgent = [a.licence_id for a in self.model.book.alerts if a.licence_id is not None]
            self.select_licence(urgent[0] if urgent else self.model.row_data(0).id)

    def focus_search(self) -> None:
        """Reimplemented from Page.focus_search."""
        self.search.setFocus()
        self.search.selectAll()

    def default_edit_target(self) -> ExcelTableView:
        """Return the table for the Edit menu when nothing else has the focus."""
        return self.view

    def save_state(self) -> None:
        """Reimplemented from Page.save_state: splitters, columns and the review time."""
        self.settings.set_state(_OWNER, "splitter", self._splitter.saveState())
        self.settings.set_state(_OWNER, "left", self._left.saveState())
        self.settings.set_state(_OWNER, "header", self.view.horizontalHeader().saveState())
        choice = str(self.review.choice()).encode()
        self.settings.set_state(_OWNER, "review", QByteArray(choice))

    def restore_state(self) -> None:
        """Reimplemented from Page.restore_state."""
        for key, widget in (("splitter", self._splitter), ("left", self._left)):
            state = self.settings.state(_OWNER, key)
            if state is not None:
                widget.restoreState(state)
        header = self.settings.state(_OWNER, "header")
        if header is not None:
            self.view.horizontalHeader().restoreState(header)
        review = self.settings.state(_OWNER, "review")
        if review is not None:
            # A setting this version cannot read keeps the statutory time.
            with contextlib.suppress(ValueError):
                self.review.set_choice(ReviewDays.parse(bytes(review.data()).decode()))

    def status_counts(self) -> str:
        """Return e.g. "9 licences · 4 open · 1 overdue"."""
        if self.model is None:
            return ""
        rows = self.model.rows()
        pending = sum(1 for r in rows if r.status.is_pending)
        late = sum(1 for r in rows if r.overdue_days)
        return f"{len(rows)} licences · {pending} open · {late} overdue"

    # -- scenario, selection, adding ------------------------------------------------------

    def set_review(self, choice: ReviewDays) -> None:
        """Use another review-time scenario; expected decisions are recomputed."""
        self.review.set_choice(choice)

    def select_licence(self, licence_id: int) -> None:
        """Select a licence in the table (clearing filters that hide it)."""
        if self.model is None:
            return
        source = self.model.index(self.model.row_of(licence_id), 0)
        index = self.proxy.mapFromSource(source)
        if not index.isValid() and source.isValid():
            self.search.clear()
            for combo in (self.supplier_filter, self.status_filter, self.part_filter):
                combo.setCurrentIndex(0)
            index = self.proxy.mapFromSource(source)
        if index.isValid():
            flags = (
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows
            )
            self.view.selectionModel().setCurrentIndex(index, flags)
            self.view.scrollTo(index)

    @Slot()
    def request_add(self) -> None:
        """Ask for a new application and add it."""
        if self.session is None:
            return
        workspace = self.session.workspace
        dialog = licence_dialogs.AddLicenceDialog(
            workspace.all(Supplier), workspace.all(Part), self.session.today, parent=self
        )
        if dialog.exec() == licence_dialogs.AddLicenceDialog.DialogCode.Accepted:
            self.add_licence(dialog.new_licence())

    def add_licence(self, new: NewLicence) -> str:
        """Add a licence application (one undo step) and select it; return a refusal or ""."""
        if self.session is None:
            return "no workspace open"
        command = AddLicenceCommand(self.session, new)
        reason = push_refusable(self.undo_stack, command)
        if reason:
            self._show_message(reason, warning=True)
        elif command.licence_id is not None:
            self.select_licence(command.licence_id)
            self._show_message(f"Licence {new.reference.strip()} added.")
        return reason

    # -- refreshing -----------------------------------------------------------------------

    def _fill_filters(self) -> None:
        rows = self.model.rows() if self.model is not None else []
        suppliers = {r.licence.supplier_id: r.supplier for r in rows}
        parts = {p.part_id: p.part_number for r in rows for p in r.parts}
        statuses: list[tuple[str, object]] = [("All statuses", None), ("Open (pending)", OPEN)]
        statuses += [(s.label.capitalize(), s.value) for s in LicenceStatus]
        for combo, everything, entries in (
            (self.supplier_filter, "All exporters", suppliers),
            (self.part_filter, "All parts", parts),
        ):
            named = sorted(entries.items(), key=lambda item: item[1])
            self._refill(combo, [(everything, None), *((n, k) for k, n in named)])
        self._refill(self.status_filter, statuses)

    def _refill(self, combo: QComboBox, entries: list[tuple[str, object]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for text, data in entries:
            combo.addItem(text, data)
        combo.setCurrentIndex(max(combo.findData(current), 0) if current is not None else 0)
        combo.blockSignals(False)

    def _show_book(self) -> None:
        """Show what depends on the whole book: alerts, scenario text, timeline."""
        if self.model is None:
            self.alerts_strip.set_alerts([], "no workspace open")
            self.review.label.clear()
            self.timeline.set_rows([], dt.date.today())
            return
        from planner.licence_alerts import summary_line

        book = self.model.book
        self.alerts_strip.set_alerts(book.alerts, summary_line(book.alerts))
        self.review.label.setText(review_text(book.review))
        self._sync_timeline()

    @Slot()
    def _sync_timeline(self) -> None:
        if self.model is None or self.session is None:
            return
        rows = [
            self.model.row_data(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
            for r in range(self.proxy.rowCount())
        ]
        self.timeline.set_rows(rows, self.session.today)
        self.timeline.set_selected(self.detail.licence_id)

    @Slot(object)
    def _on_session_changed(self, change: Change) -> None:
        if change.entity in _FILTER_ENTITIES:
            self._fill_filters()
        self._show_book()
        self._show_current()

    @Slot(object)
    def _on_review_changed(self, choice: ReviewDays) -> None:
        if self.model is not None:
            self.model.set_review(choice)
        self._show_book()
        self._show_current()

    @Slot()
    def _on_filter_changed(self) -> None:
        self.proxy.set_supplier(self.supplier_filter.currentData())
        self.proxy.set_status(self.status_filter.currentData())
        self.proxy.set_part(self.part_filter.currentData())

    @Slot(QModelIndex, QModelIndex)
    def _on_view_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_current(current)

    def _show_current(self, current: QModelIndex | None = None) -> None:
        current = self.view.currentIndex() if current is None else current
        row = None
        if self.model is not None and current.isValid():
            row = self.model.row_data(self.proxy.mapToSource(current).row())
        self.detail.show_row(self.session, row)
        self.timeline.set_selected(row.id if row is not None else None)

    @Slot(object)
    def _on_alert_activated(self, alert: Alert) -> None:
        if alert.licence_id is not None:
            self.select_licence(alert.licence_id)
        elif alert.rule_id is not None:
            self._show_message("Rule alerts are resolved on the Rules page.")

    def _show_message(self, text: str, *, warning: bool = False) -> None:
        warning = warning or text.startswith("⚠")
        text = text.removeprefix("⚠ ")
        self.message.setVisible(bool(text))
        self.message.setText(("⚠ " if warning else "") + text)
        self.message.setStyleSheet(f"color: {STATUS_COLORS['warning']};" if warning else "")
        if text:
            self.status_message.emit(text)
