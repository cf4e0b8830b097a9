"""The Plan page's bars: scenarios (saved ones, horizon, review time, pending) and staleness."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QToolButton,
    QWidget,
)

from planner.periods import Bucket
from planner.plan_model import HORIZON_RANGE, PendingMode, Scenario

from ui.resources import STATUS_COLORS, icon

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ui.session import WorkspaceSession

UNSAVED = "Unsaved settings"
RECALCULATE_KEYS = QKeySequence("Ctrl+Shift+R")
_REVIEW = (
    ("statutory", "Statutory (45 / 20 days)"),
    ("median", "Observed median"),
    ("p90", "Observed p90"),
    ("custom", "Custom…"),
)
_PENDING = (
    (PendingMode.COUNTED, "Counted as expected"),
    (PendingMode.DELAYED, "Delayed by…"),
    (PendingMode.REJECTED, "All rejected"),
)


def plan_start(session: WorkspaceSession) -> date:
    """Return the first day of a plan: the workspace's plan start, not before today."""
    saved = session.workspace.meta("plan_start")
    try:
        start = date.fromisoformat(saved) if saved else session.today
    except ValueError:
        start = session.today
    return max(start, session.today)


def _combo(items: Sequence[tuple[str, str]], tip: str) -> QComboBox:
    combo = QComboBox()
    for value, text in items:
        combo.addItem(text, value)
    combo.setToolTip(tip)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


def _spin(low: int, high: int, suffix: str, tip: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setSuffix(suffix)
    spin.setToolTip(tip)
    spin.setAccelerated(True)
    return spin


class ScenarioBar(QWidget):
    """Controls for the planning assumptions and the saved scenarios.

    Attributes:
        saved: Saved scenarios; the first entry stands for settings not saved under a name.
        save_button: Saves the settings under a name.
        delete_button: Deletes the chosen saved scenario.
        horizon: Number of periods.
        bucket: Weeks or months.
        review: Licence review time basis.
        review_days: Working days of a custom review time.
        pending: How pending licences count.
        delay_days: Working days pending licences are delayed by.
        recalculate_button: Runs the plan (Ctrl+Shift+R).

    Signals:
        settings_changed: Any assumption changed (the plan on screen no longer matches).
        scenario_chosen: The name of a saved scenario picked from the list.
        save_requested: "Save as…" was clicked.
        delete_requested: "Delete" was clicked.
        recalculate_requested: Recalculate was clicked.
    """

    settings_changed = Signal()
    scenario_chosen = Signal(str)
    save_requested = Signal()
    delete_requested = Signal()
    recalculate_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self.saved = QComboBox()
        self.saved.setToolTip("Saved scenarios: pick one to load its assumptions")
        self.saved.setMinimumContentsLength(14)
        self.saved.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.save_button = QToolButton()
        self.save_button.setText("Save as…")
        self.save_button.setToolTip("Save these assumptions as a named scenario")
        self.delete_button = QToolButton()
        self.delete_button.setIcon(icon("delete"))
        self.delete_button.setToolTip("Delete the chosen saved scenario (undoable)")
        low, high = HORIZON_RANGE
        self.horizon = _spin(low, high, "", f"Planning horizon: {low} to {high} periods")
        self.bucket = _combo((("month", "months"), ("week", "weeks")), "Period size")
        self.review = _combo(_REVIEW, "Licence review time of applications")
        self.review_days = _spin(1, 1000, " wd", "Review time in Chinese working days")
        self.pending = _combo(
            [(mode.value, text) for mode, text in _PENDING],
            "How supply waiting on a pending licence counts",
        )
        self.delay_days = _spin(1, 500, " wd", "Extra Chinese working days on every decision")
        self.recalculate_button = QPushButton(icon("plan"), "Recalculate")
        self.recalculate_button.setToolTip(
            f"Plan again with these assumptions ({RECALCULATE_KEYS.toString()})"
        )
        self._build_layout()
        self._connect()
        self.set_scenario(Scenario(start=date.today()))
        self.set_names([])

    def _build_layout(self) -> None:
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        groups: tuple[tuple[str, tuple[QWidget, ...]], ...] = (
            ("Scenario", (self.saved, self.save_button, self.delete_button)),
            ("Horizon", (self.horizon, self.bucket)),
            ("Licence review", (self.review, self.review_days)),
            ("Pending licences", (self.pending, self.delay_days)),
        )
        for title, widgets in groups:
            label = QLabel(title)
            label.setBuddy(widgets[0])
            layout.addWidget(label)
            for widget in widgets:
                layout.addWidget(widget)
            layout.addSpacing(10)
        layout.addStretch(1)
        layout.addWidget(self.recalculate_button)

    def _connect(self) -> None:
        self.saved.activated.connect(self._on_saved_activated)
        self.save_button.clicked.connect(self.save_requested)
        self.delete_button.clicked.connect(self.delete_requested)
        self.recalculate_button.clicked.connect(self.recalculate_requested)
        for spin in (self.horizon, self.review_days, self.delay_days):
            spin.valueChanged.connect(self._on_control_changed)
        for combo in (self.bucket, self.review, self.pending):
            combo.currentIndexChanged.connect(self._on_control_changed)

    # -- reading and writing the assumptions ----------------------------------------------

    def scenario(self, start: date) -> Scenario:
        """Return the assumptions shown, planning from `start`."""
        review = self.review.currentData()
        pending = PendingMode(self.pending.currentData())
        delayed = pending is PendingMode.DELAYED
        return Scenario(
            name=self.current_name() or UNSAVED,
            start=start,
            horizon=self.horizon.value(),
            bucket=Bucket(self.bucket.currentData()),
            review_days=self.review_days.value() if review == "custom" else str(review),
            pending=pending,
            pending_delay_working_days=self.delay_days.value() if delayed else 0,
        )

    def set_scenario(self, scenario: Scenario) -> None:
        """Show the assumptions of `scenario` without announcing a change."""
        self._loading = True
        try:
            self.horizon.setValue(scenario.horizon)
            self.bucket.setCurrentIndex(self.bucket.findData(scenario.bucket.value))
            custom = isinstance(scenario.review_days, int)
            review = "custom" if custom else str(scenario.review_days)
            self.review.setCurrentIndex(self.review.findData(review))
            if isinstance(scenario.review_days, int):
                self.review_days.setValue(scenario.review_days)
            self.pending.setCurrentIndex(self.pending.findData(scenario.pending.value))
            if scenario.pending is PendingMode.DELAYED:
                self.delay_days.setValue(scenario.pending_delay_working_days)
        finally:
            self._loading = False
        self._show_extras()

    def set_names(self, names: Sequence[str], current: str | None = None) -> None:
        """List the saved scenarios and choose `current` (None: unsaved settings)."""
        self.saved.blockSignals(True)
        self.saved.clear()
        self.saved.addItem(UNSAVED, "")
        for name in names:
            self.saved.addItem(name, name)
        found = self.saved.findData(current) if current else 0
        self.saved.setCurrentIndex(max(found, 0))
        self.saved.blockSignals(False)
        self.delete_button.setEnabled(self.saved.currentIndex() > 0)

    def current_name(self) -> str:
        """Return the name of the chosen saved scenario ("" for unsaved settings)."""
        return str(self.saved.currentData() or "")

    def describe(self) -> str:
        """Return the assumptions in a few words, e.g. "statutory, pending rejected"."""
        scenario = self.scenario(date.today())
        review = scenario.review_days
        words = f"{review} working days" if isinstance(review, int) else str(review)
        return f"{words}, pending {scenario.pending_label}"

    def names(self) -> list[str]:
        """Return the saved scenario names listed."""
        return [str(self.saved.itemData(i)) for i in range(1, self.saved.count())]

    # -- slots ----------------------------------------------------------------------------

    @Slot(int)
    def _on_saved_activated(self, index: int) -> None:
        self.delete_button.setEnabled(index > 0)
        if index > 0:
            self.scenario_chosen.emit(str(self.saved.itemData(index)))

    @Slot()
    def _on_control_changed(self) -> None:
        self._show_extras()
        if self._loading:
            return
        # Edited assumptions are no longer the saved scenario's.
        self.saved.setCurrentIndex(0)
        self.delete_button.setEnabled(False)
        self.settings_changed.emit()

    def _show_extras(self) -> None:
        self.review_days.setVisible(self.review.currentData() == "custom")
        self.delay_days.setVisible(self.pending.currentData() == PendingMode.DELAYED.value)


class StaleBanner(QFrame):
    """An amber strip saying why the plan on screen is out of date, with Recalculate.

    Attributes:
        text: Why the plan is out of date.
        button: Recalculates.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planStaleBanner")
        self.setStyleSheet(
            f"QFrame#planStaleBanner {{ border-left: 4px solid {STATUS_COLORS['warning']}; "
            "background: rgba(217, 142, 4, 36); }"
        )
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.button = QPushButton(icon("plan"), "Recalculate")
        sign = QLabel()
        sign.setPixmap(icon("warning").pixmap(18, 18))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 6, 4)
        layout.addWidget(sign)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.button)
        self.hide()
