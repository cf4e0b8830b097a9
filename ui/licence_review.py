"""The review-time scenario chooser: statutory, observed median, observed p90 or custom N."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from planner.licence_forecast import ReviewBasis, ReviewDays

from ui.grid_delegates import quieten

_BASES = (
    ("Statutory", ReviewBasis.STATUTORY),
    ("Observed median", ReviewBasis.MEDIAN),
    ("Observed p90", ReviewBasis.P90),
    ("Custom", ReviewBasis.CUSTOM),
)


class ReviewChooser(QWidget):
    """Picks the review time expected decisions are computed with, and says what it rests on.

    Signals:
        choice_changed: The new ReviewDays, after the buyer changed the basis or N.

    Attributes:
        basis: Statutory, observed median, observed p90 or custom.
        custom_days: Working days of a custom scenario (enabled for custom only).
        label: What the scenario rests on, e.g. "median of 4 decided licences: 48 …".
    """

    choice_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.basis = QComboBox()
        for text, basis in _BASES:
            self.basis.addItem(text, basis.value)
        self.basis.setToolTip("Review time used for expected decisions")
        self.custom_days = QSpinBox()
        self.custom_days.setRange(1, 400)
        self.custom_days.setValue(60)
        self.custom_days.setSuffix(" working days")
        self.custom_days.setEnabled(False)
        self.label = QLabel()
        quieten(self.label)
        self.basis.currentIndexChanged.connect(self._on_input_changed)
        self.custom_days.valueChanged.connect(self._on_input_changed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Review time:"))
        layout.addWidget(self.basis)
        layout.addWidget(self.custom_days)
        layout.addWidget(self.label, 1)

    def choice(self) -> ReviewDays:
        """Return the scenario chosen."""
        basis = ReviewBasis(self.basis.currentData())
        if basis is ReviewBasis.CUSTOM:
            return ReviewDays(basis, self.custom_days.value())
        return ReviewDays(basis)

    def set_choice(self, choice: ReviewDays) -> None:
        """Show `choice` and announce it once."""
        for widget in (self.basis, self.custom_days):
            widget.blockSignals(True)
        self.basis.setCurrentIndex(self.basis.findData(choice.basis.value))
        if choice.custom is not None:
            self.custom_days.setValue(choice.custom)
        for widget in (self.basis, self.custom_days):
            widget.blockSignals(False)
        self._on_input_changed()

    @Slot()
    def _on_input_changed(self) -> None:
        choice = self.choice()
        self.custom_days.setEnabled(choice.basis is ReviewBasis.CUSTOM)
        self.choice_changed.emit(choice)
