"""Build plan page: units of each product per period, edited like a spreadsheet."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QDate, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from planner.periods import Bucket
from planner.schema import BuildPlanEntry, Product

from ui.build_plan_model import HORIZONS, BuildPlanModel, plan_start
from ui.grid_delegates import NumberDelegate, format_compact, quieten
from ui.page import Page
from ui.resources import STATUS_COLORS, icon
from ui.table_view import ExcelTableView

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from planner.tsv import PasteReport

    from ui.session import WorkspaceSession
    from ui.settings import Settings

_OWNER = "BuildPlanPage"
_PERIOD_WIDTH = 84
_TOTAL_WIDTH = 100


class BuildPlanGrid(ExcelTableView):
    """The plan grid, with product names that stay put and Delete that clears cells.

    Product names live in the row header, so they stay readable while scrolling across
    periods; a copy of whole rows starts each line with the product name.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSortingEnabled(False)
        self.setItemDelegate(NumberDelegate(self))
        rows = self.verticalHeader()
        rows.show()
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        rows.setMinimumWidth(180)
        columns = self.horizontalHeader()
        columns.setStretchLastSection(False)
        columns.setDefaultSectionSize(_PERIOD_WIDTH)
        columns.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def plan_model(self) -> BuildPlanModel | None:
        """Return the build plan model shown, if any."""
        model = self.model()
        return model if isinstance(model, BuildPlanModel) else None

    def selected_block(self) -> tuple[list[list[str]], bool]:
        """Reimplemented from ExcelTableView: whole rows start with the product name."""
        block, whole = super().selected_block()
        model = self.plan_model()
        if whole and model is not None and block:
            rows = sorted({i.row() for i in self.selectionModel().selectedIndexes()})
            names = [
                model.product_name(r) if r < model.product_count else "Total" for r in rows
            ]
            block = [["Product", *block[0]]] + [
                [name, *line] for name, line in zip(names, block[1:], strict=True)
            ]
        return block, whole

    def delete_selection(self) -> None:
        """Reimplemented from ExcelTableView: clear the selected cells (one undo step)."""
        model = self.plan_model()
        if model is not None:
            model.clear_cells(self.selectionModel().selectedIndexes())

    def fill_right(self) -> None:
        """Fill the selection right from its left-most cells."""
        model = self.plan_model()
        if model is not None and not model.fill_right(self.selectionModel().selectedIndexes()):
            self.status_message.emit("Fill right: select cells across periods first")

    def fill_down(self) -> None:
        """Fill the selection down from its top cells."""
        model = self.plan_model()
        if model is not None and not model.fill_down(self.selectionModel().selectedIndexes()):
            self.status_message.emit("Fill down: select cells across products first")


class BuildPlanPage(Page):
    """The build plan grid with its horizon, first period and fill actions.

    Attributes:
        model: The build plan model (None without a workspace).
        grid: The plan grid.
        horizon: Number of periods shown (12, 18, 24 or 36).
        first_period: The first period shown; the plan itself is not moved.
        hint: What the grid holds, what it leaves out, and its shortcuts.
        message: The last refusal or paste summary.
        fill_right_action: Fill right (Ctrl+R).
        fill_down_action: Fill down (Ctrl+D).
    """

    key = "build-plan"
    title = "Build plan"
    icon_name = "build-plan"

    def __init__(
        self, *, undo_stack: QUndoStack, settings: Settings, parent: QWidget | None = None
    ) -> None:
        super().__init__(undo_stack=undo_stack, settings=settings, parent=parent)
        self.model: BuildPlanModel | None = None
        self.grid = BuildPlanGrid(self)
        self.grid.pasted.connect(self._on_grid_pasted)
        self.grid.status_message.connect(self._show_message)
        self.horizon = QComboBox(self)
        self.horizon.setToolTip("How many periods the grid shows")
        self.first_period = QDateEdit(self)
        self.first_period.setCalendarPopup(True)
        self.first_period.setToolTip("The first period shown (the plan itself is not moved)")
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.RichText)
        quieten(self.hint)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fill_right_action = self._make_action("Fill right", "fill-right", "Ctrl+R")
        self.fill_right_action.triggered.connect(self.grid.fill_right)
        self.fill_down_action = self._make_action("Fill down", "fill-down", "Ctrl+D")
        self.fill_down_action.triggered.connect(self.grid.fill_down)
        self._build_layout()
        self._set_horizon_items(Bucket.MONTH)
        self.horizon.currentIndexChanged.connect(self._on_horizon_changed)
        self.first_period.dateChanged.connect(self._on_first_period_changed)
        self.set_session(None)

    def _make_action(self, text: str, icon_name: str, shortcut: str) -> QAction:
        action = QAction(icon(icon_name), text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(f"{text} ({shortcut}): copy the first selected value to the others")
        self.addAction(action)
        return action

    def _build_layout(self) -> None:
        bar = QToolBar(self)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.addWidget(QLabel("Horizon ", bar))
        bar.addWidget(self.horizon)
        bar.addSeparator()
        bar.addWidget(QLabel("From ", bar))
        bar.addWidget(self.first_period)
        bar.addSeparator()
        bar.addAction(self.fill_right_action)
        bar.addAction(self.fill_down_action)
        top = QHBoxLayout()
        top.addWidget(bar)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        layout.addWidget(self.grid, 1)

    def _set_horizon_items(self, bucket: Bucket) -> None:
        unit = "months" if bucket is Bucket.MONTH else "weeks"
        chosen = self.horizon.currentData() or HORIZONS[0]
        self.horizon.blockSignals(True)
        self.horizon.clear()
        for count in HORIZONS:
            self.horizon.addItem(f"{count} {unit}", count)
        self.horizon.setCurrentIndex(max(0, self.horizon.findData(chosen)))
        self.horizon.blockSignals(False)
        self.first_period.setDisplayFormat(
            "MMM yyyy" if bucket is Bucket.MONTH else "d MMM yyyy"
        )

    # -- Page interface -------------------------------------------------------------------

    def set_session(self, session: WorkspaceSession | None) -> None:
        """Reimplemented from Page.set_session: build a model over the new workspace."""
        super().set_session(session)
        old, old_selection = self.model, self.grid.selectionModel()
        self.model = None
        self.grid.setModel(None)
        if old is not None:
            old.deleteLater()
        if old_selection is not None:
            old_selection.deleteLater()  # setModel() leaves the old one to us (Qt docs)
        self._show_message("")
        for widget in (self.horizon, self.first_period, self.grid):
            widget.setEnabled(session is not None)
        self.fill_right_action.setEnabled(session is not None)
        self.fill_down_action.setEnabled(session is not None)
        if session is None:
            self.hint.setText("")
            return
        model = BuildPlanModel(session, undo_stack=self.undo_stack, parent=self)
        model.set_horizon(int(self.horizon.currentData() or HORIZONS[0]))
        model.edit_refused.connect(self._on_model_edit_refused)
        model.modelReset.connect(self._size_columns)
        model.modelReset.connect(self._update_hint)
        model.columnsInserted.connect(self._size_columns)
        self.model = model
        self.grid.setModel(model)
        self._set_horizon_items(model.bucket)
        first = model.shown_periods[0]
        self.first_period.blockSignals(True)
        self.first_period.setDate(QDate(first.year, first.month, first.day))
        self.first_period.blockSignals(False)
        self._size_columns()
        self._update_hint()

    def focus_search(self) -> None:
        """Reimplemented from Page.focus_search: the grid has no search; focus it."""
        self.grid.setFocus()

    def default_edit_target(self) -> ExcelTableView:
        """Return the grid for the Edit menu."""
        return self.grid

    def save_state(self) -> None:
        """Reimplemented from Page.save_state: remember the horizon."""
        count = int(self.horizon.currentData() or HORIZONS[0])
        self.settings.set_state(_OWNER, "horizon", QByteArray(str(count).encode()))

    def restore_state(self) -> None:
        """Reimplemented from Page.restore_state."""
        saved = self.settings.state(_OWNER, "horizon")
        text = bytes(saved.data()).decode() if saved is not None else ""
        if text.isdigit() and int(text) in HORIZONS:
            self.horizon.setCurrentIndex(self.horizon.findData(int(text)))

    def status_counts(self) -> str:
        """Return e.g. "7 products × 12 months, 2.4 M units" (read fresh from the workspace)."""
        if self.model is None or self.session is None:
            return ""
        shown = self.model.shown_periods
        unit = "months" if self.model.bucket is Bucket.MONTH else "weeks"
        # Read from the workspace: the window may ask before the model saw the change.
        wanted, workspace = set(shown), self.session.workspace
        products = {p.id for p in workspace.all(Product) if p.kind == "product"}
        total = sum(
            e.quantity
            for e in workspace.all(BuildPlanEntry)
            if e.period in wanted and e.product_id in products
        )
        return f"{len(products)} products × {len(shown)} {unit}, {format_compact(total)} units"

    # -- private --------------------------------------------------------------------------

    @Slot()
    def _update_hint(self) -> None:
        if self.session is None or self.model is None:
            return
        if not self.model.product_count:
            self.hint.setText(
                "No products yet: add products on the Products & BOM page to plan them."
            )
            return
        workspace = self.session.workspace
        products = workspace.all(Product, Product.name)
        assemblies = [p.name for p in products if p.kind != "product"]
        monthly = self.model.bucket is Bucket.MONTH
        start = plan_start(workspace, self.session.today)
        when = f"{start:%b %Y}" if monthly else f"the week of {start:%d %b %Y}"
        unit = "month" if monthly else "week"
        text = f"Units of each product to build per {unit}; the plan starts in {when}."
        if assemblies:
            text += (
                f" Sub-assemblies ({html.escape(', '.join(assemblies))}) are not planned here: "
                "their parent products drive them through the BOM."
            )
        self.hint.setText(
            text + "<br>Ctrl+R fill right · Ctrl+D fill down · Ctrl+V paste a block from "
            "Excel · Delete clears the selected cells"
        )

    @Slot()
    def _size_columns(self) -> None:
        if self.model is not None:
            header = self.grid.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            for column in range(self.model.total_column):
                header.resizeSection(column, _PERIOD_WIDTH)
            header.resizeSection(self.model.total_column, _TOTAL_WIDTH)

    @Slot(int)
    def _on_horizon_changed(self, _position: int) -> None:
        if self.model is not None:
            self.model.set_horizon(int(self.horizon.currentData() or HORIZONS[0]))
            self._size_columns()

    @Slot(QDate)
    def _on_first_period_changed(self, day: QDate) -> None:
        if self.model is not None:
            self.model.set_first_period(day.toPython())  # type: ignore[arg-type]

    @Slot(str)
    def _on_model_edit_refused(self, reason: str) -> None:
        self._show_message(reason, warning=True)

    @Slot(object)
    def _on_grid_pasted(self, report: PasteReport) -> None:
        if not report.rejected:
            self._show_message(f"Pasted {report.accepted} cell(s).")
            return
        shown = "; ".join(f"line {r.row}, {r.column}: {r.reason}" for r in report.rejected[:3])
        more = f" (and {len(report.rejected) - 3} more)" if len(report.rejected) > 3 else ""
        self._show_message(
            f"Pasted {report.accepted} cell(s); refused {len(report.rejected)}, left as "
            f"they were: {shown}{more}.",
            warning=True,
        )

    def _show_message(self, text: str, *, warning: bool = False) -> None:
        self.message.setVisible(bool(text))
        prefix = "⚠ " if warning else ""
        self.message.setText(prefix + text)
        self.message.setStyleSheet(f"color: {STATUS_COLORS['warning']};" if warning else "")
