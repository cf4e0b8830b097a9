"""Two saved scenarios side by side: each part's runout dates under both, and the shift."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.plan_format import NONE_IN_HORIZON, SHORT_LINE, day_text
from ui.plan_runner import PlanRunner, ProgressStrip, plan_job
from ui.roles import (
    ALIGN,
    DISPLAY,
    EDIT,
    FONT,
    FOREGROUND,
    LEFT,
    RIGHT,
    TOOLTIP,
    EditTextRole,
    SortRole,
)
from ui.table_view import ExcelTableView

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import date

    from PySide6.QtCore import QObject

    from planner.scenarios import RunoutComparison

    from ui.background import TaskControl
    from ui.plan_runner import PlanOutcome
    from ui.session import WorkspaceSession

    AnyIndex = QModelIndex | QPersistentModelIndex

_KEYS = ("part", "a_firm", "a_with_pending", "b_firm", "b_with_pending", "shift")
_ROLES = frozenset({DISPLAY, EDIT, EditTextRole, SortRole, ALIGN, FOREGROUND, TOOLTIP, FONT})
_LAST = 10**9  # sorts "no runout" after every date


class ComparisonModel(QAbstractTableModel):
    """Runout dates of every part under scenarios A and B; read only.

    Attributes:
        names: The two scenarios' names (A, B).
        rows: One comparison per part, in part-number order.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.names = ("A", "B")
        self.rows: list[RunoutComparison] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, names: tuple[str, str], rows: Sequence[RunoutComparison]) -> None:
        """Show another comparison."""
        self.beginResetModel()
        self.names, self.rows = names, list(rows)
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(_KEYS) - 1)

    def changed_count(self) -> int:
        """Return how many parts run out on a different date under B."""
        return sum(1 for row in self.rows if row.changed)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.rowCount."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Reimplemented from QAbstractItemModel.columnCount."""
        return 0 if parent.isValid() else len(_KEYS)

    def data(self, index: AnyIndex, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.data."""
        if role not in _ROLES or not index.isValid():
            return None
        row, key = self.rows[index.row()], _KEYS[index.column()]
        if role == ALIGN:
            return RIGHT if key == "shift" else LEFT
        if role == FONT:
            return self._bold if row.changed and key in ("part", "shift") else None
        if key == "part":
            return row.part if role in (DISPLAY, EDIT, EditTextRole, SortRole) else None
        if key == "shift":
            return _shift(row, role)
        return _day(getattr(row, key), role)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        """Reimplemented from QAbstractItemModel.headerData."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(_KEYS):
            return None
        key = _KEYS[section]
        if role == ALIGN:
            return RIGHT if key == "shift" else LEFT
        if role not in (DISPLAY, TOOLTIP):
            return None
        if key == "part":
            return "Part"
        if key == "shift":
            return "B − A (days)" if role == DISPLAY else "How much later B runs out, pending"
        name = self.names[0] if key.startswith("a_") else self.names[1]
        view = "firm only" if key.endswith("firm") else "with pending"
        return f"{name}: {view}"

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Reimplemented from QAbstractItemModel.flags."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def _day(day: date | None, role: int) -> Any:
    if role == SortRole:
        return day.toordinal() if day is not None else _LAST
    if role == EditTextRole:
        return day.isoformat() if day is not None else ""
    if role == FOREGROUND:
        return SHORT_LINE if day is not None else None
    return day_text(day) if role in (DISPLAY, EDIT) else None


def _shift(row: RunoutComparison, role: int) -> Any:
    """Return the difference cell: B's runout (with pending) minus A's, in days."""
    days = row.shift_days
    a, b = row.a_with_pending, row.b_with_pending
    if role == SortRole:
        return days if days is not None else (0 if a == b else _LAST)
    if days is not None:
        if role == TOOLTIP:
            return None
        if role == EditTextRole:
            return str(days)
        return f"{days:+d}".replace("-", "−") if days else ""
    if role == EditTextRole or a == b:
        return "" if role != TOOLTIP else None
    text = "B lasts the horizon" if b is None else "only B runs out"
    return text if role in (DISPLAY, EDIT) else f"A: {day_text(a)}, B: {day_text(b)}"


class ChangedOnlyProxy(QSortFilterProxyModel):
    """Sorts by SortRole and can hide the parts whose runouts do not change."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SortRole)
        self._only_changed = False

    @Slot(bool)
    def set_only_changed(self, only: bool) -> None:
        """Show only the parts whose runout dates differ."""
        self.beginFilterChange()
        self._only_changed = only
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        """Reimplemented from QSortFilterProxyModel.filterAcceptsRow."""
        model = self.sourceModel()
        if not self._only_changed or not isinstance(model, ComparisonModel):
            return True
        return model.rows[source_row].changed


class ComparePanel(QWidget):
    """Pick two saved scenarios, plan both in the background, compare their runouts.

    Attributes:
        first: Scenario A.
        second: Scenario B.
        compare_button: Starts the comparison.
        only_changed: Hides parts whose runouts are the same.
        summary: What the comparison found, or why there is none.
        model: The comparison.
        view: The table.
        runner: Plans both scenarios off the GUI thread.

    Signals:
        compared: The comparison is on screen.
    """

    compared = Signal()

    def __init__(self, start_of: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: WorkspaceSession | None = None
        self._start_of = start_of
        self.first, self.second = QComboBox(), QComboBox()
        self.compare_button = QPushButton("Compare")
        self.compare_button.clicked.connect(self.compare)
        self.only_changed = QCheckBox("Only parts that change")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.model = ComparisonModel(self)
        self.proxy = ChangedOnlyProxy(self)
        self.proxy.setSourceModel(self.model)
        self.only_changed.toggled.connect(self.proxy.set_only_changed)
        self.view = ExcelTableView(self)
        self.view.setModel(self.proxy)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setDefaultSectionSize(170)
        self.view.horizontalHeader().setStretchLastSection(False)
        self.runner = PlanRunner(self)
        self.runner.failed.connect(self.summary.setText)
        self.runner.busy_changed.connect(self._on_runner_busy_changed)
        bar = QHBoxLayout()
        for widget in (QLabel("Compare"), self.first, QLabel("(A) with"), self.second):
            bar.addWidget(widget)
        bar.addWidget(QLabel("(B)"))
        bar.addWidget(self.compare_button)
        bar.addSpacing(12)
        bar.addWidget(self.only_changed)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(ProgressStrip(self.runner, self))
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        self.set_names([])

    def set_names(self, names: Sequence[str]) -> None:
        """List the saved scenarios, keeping the current choices where they still exist."""
        for combo, fallback in ((self.first, 0), (self.second, 1)):
            chosen = combo.currentText()
            combo.clear()
            combo.addItems(list(names))
            index = combo.findText(chosen)
            combo.setCurrentIndex(index if index >= 0 else min(fallback, len(names) - 1))
        self._update_button()
        if len(names) < 2 and not self.model.rows:
            self.summary.setText(
                "Save two scenarios (Scenario ▸ Save as…) to compare their runout dates, "
                "e.g. statutory review against all pending licences rejected."
            )

    @Slot()
    def compare(self) -> None:
        """Plan scenarios A and B in the background and show their runouts side by side."""
        from planner.plan_model import ScenarioError
        from planner.scenarios import load_scenario

        session, names = self.session, (self.first.currentText(), self.second.currentText())
        if session is None or not all(names):
            return
        try:
            a, b = (load_scenario(session.workspace, n, start=self._start_of()) for n in names)
        except ScenarioError as exc:
            self.summary.setText(str(exc))
            return
        job_a, job_b = plan_job(session, a), plan_job(session, b)

        def job(control: TaskControl) -> tuple[PlanOutcome, PlanOutcome]:
            return job_a(control), job_b(control)

        self.runner.start(job, lambda result: self._show(names, *result))

    def _show(self, names: tuple[str, str], a: PlanOutcome, b: PlanOutcome) -> None:
        from planner.scenarios import compare

        self.model.set_rows(names, compare(a.plan, b.plan))
        changed, total = self.model.changed_count(), self.model.rowCount()
        self.summary.setText(
            f"<b>{changed} of {total} parts</b> run out on a different date under "
            f"<b>{names[1]}</b> than under <b>{names[0]}</b>. “{NONE_IN_HORIZON}”: stock "
            "lasts the horizon."
        )
        self.compared.emit()

    def set_session(self, session: WorkspaceSession | None, names: Sequence[str]) -> None:
        """Compare within another workspace (None: none); forget the last comparison."""
        self.runner.cancel()
        self.runner.wait()
        self.session = session
        self.model.set_rows(("A", "B"), [])
        self.summary.clear()
        self.set_names(names)

    def _update_button(self) -> None:
        ready = self.session is not None and self.first.count() >= 2 and not self.runner.busy
        self.compare_button.setEnabled(ready)

    @Slot(bool)
    def _on_runner_busy_changed(self, _busy: bool) -> None:
        self._update_button()
