"""Small dialogs of the Licences page: a workflow move, and a new licence application."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.licences import KINDS, Grant, LicenceStatus, NewLicence

from ui.grid_delegates import ISO_DATE, plain_number
from ui.resources import STATUS_COLORS, icon

if TYPE_CHECKING:
    from collections.abc import Sequence

    from planner.schema import Part, Supplier


def parse_pieces(text: str) -> float | None:
    """Return a quantity typed as "120000", "120,000" or "" (None); raise ValueError."""
    cleaned = text.strip().replace(",", "").replace("_", "").replace(" ", "")
    if not cleaned:
        return None
    value = float(cleaned)
    if value < 0:
        raise ValueError("a quantity cannot be negative")
    return value


def date_edit(day: dt.date) -> QDateEdit:
    """Return an ISO date editor with a calendar popup, set to `day`."""
    editor = QDateEdit(QDate(day.year, day.month, day.day))
    editor.setCalendarPopup(True)
    editor.setDisplayFormat(ISO_DATE)
    return editor


def _day(editor: QDateEdit) -> dt.date:
    value = editor.date()
    return dt.date(value.year(), value.month(), value.day())


@dataclass(frozen=True)
class MoveRequest:
    """What the buyer entered for a workflow move.

    Attributes:
        on: The day it happened.
        note: Why, or what MOFCOM said.
        grant: Validity and quantity of an approval, when they differ from the defaults.
    """

    on: dt.date
    note: str
    grant: Grant | None = None


class MoveDialog(QDialog):
    """Asks when a licence moved to a status, a note, and for approvals what was granted."""

    def __init__(
        self,
        reference: str,
        target: LicenceStatus,
        today: dt.date,
        *,
        applied: float | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{reference}: {target.label}")
        self._target = target
        self.on = date_edit(today)
        self.note = QLineEdit()
        self.note.setPlaceholderText("e.g. MOFCOM asked for the end-user certificate original")
        self.quantity = QLineEdit(plain_number(applied))
        self.quantity.setPlaceholderText("as applied for")
        self.valid_until = QLineEdit()
        self.valid_until.setPlaceholderText("default: the usual validity (yyyy-mm-dd)")
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {STATUS_COLORS['error']};")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Date", self.on)
        form.addRow("Note", self.note)
        if target is LicenceStatus.APPROVED:
            form.addRow("Quantity approved (pcs)", self.quantity)
            form.addRow("Valid until", self.valid_until)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Move <b>{reference}</b> to <b>{target.label}</b>."))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def request(self) -> MoveRequest:
        """Return what was entered; raise ValueError naming a bad quantity or date."""
        grant = None
        if self._target is LicenceStatus.APPROVED:
            try:
                quantity = parse_pieces(self.quantity.text())
            except ValueError:
                raise ValueError(f"quantity {self.quantity.text()!r} is not a number") from None
            text = self.valid_until.text().strip()
            try:
                until = dt.date.fromisoformat(text) if text else None
            except ValueError:
                raise ValueError(f"valid until {text!r} is not a date (yyyy-mm-dd)") from None
            if quantity is not None or until is not None:
                grant = Grant(valid_until=until, quantity_approved=quantity)
        return MoveRequest(_day(self.on), self.note.text().strip(), grant)

    def accept(self) -> None:
        """Reimplemented from QDialog.accept: refuse unreadable values in place."""
        try:
            self.request()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        super().accept()


def ask_move(
    parent: QWidget,
    reference: str,
    target: LicenceStatus,
    today: dt.date,
    applied: float | None,
) -> MoveRequest | None:
    """Ask for the move's date and note; None when cancelled."""
    dialog = MoveDialog(reference, target, today, applied=applied, parent=parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.request()


class AddLicenceDialog(QDialog):
    """Asks for a new application: reference, exporter, kind, parts and quantities.

    Attributes:
        reference: The exporter's or MOFCOM's reference.
        supplier: The exporter.
        kind: Individual or general.
        amendment: Whether it amends an earlier licence.
        submitted: Whether it was submitted already, and when (`submitted_on`).
        part_rows: (part combo, quantity field) pairs.
    """

    def __init__(
        self,
        suppliers: Sequence[Supplier],
        parts: Sequence[Part],
        today: dt.date,
        *,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add licence application")
        self._parts = {p.part_number.casefold(): p.id for p in parts}
        self._numbers = sorted(p.part_number for p in parts)
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("e.g. LIC-NB-2026-080")
        self.supplier = QComboBox()
        for supplier in sorted(suppliers, key=lambda s: (s.country != "CN", s.name)):
            self.supplier.addItem(f"{supplier.name} ({supplier.country})", supplier.id)
        self.kind = QComboBox()
        self.kind.addItems(list(KINDS))
        self.amendment = QCheckBox("Amendment of an earlier licence (20 working days)")
        self.submitted = QCheckBox("Already submitted on")
        self.submitted_on = date_edit(today)
        self.submitted_on.setEnabled(False)
        self.submitted.toggled.connect(self.submitted_on.setEnabled)
        self.part_rows: list[tuple[QComboBox, QLineEdit]] = []
        self._grid = QGridLayout()
        self._grid.addWidget(QLabel("Part"), 0, 0)
        self._grid.addWidget(QLabel("Pieces applied for"), 0, 1)
        self.add_part_row()
        more = QPushButton(icon("add"), "Another part")
        more.clicked.connect(self.add_part_row)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {STATUS_COLORS['error']};")
        self._layout(more)

    def _layout(self, more: QPushButton) -> None:
        form = QFormLayout()
        form.addRow("Reference", self.reference)
        form.addRow("Exporter", self.supplier)
        form.addRow("Kind", self.kind)
        form.addRow("", self.amendment)
        submitted = QGridLayout()
        submitted.addWidget(self.submitted, 0, 0)
        submitted.addWidget(self.submitted_on, 0, 1)
        form.addRow("", submitted)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(self._grid)
        layout.addWidget(more)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def add_part_row(self) -> None:
        """Add a line for one more part."""
        part = QComboBox()
        part.setEditable(True)
        part.addItems(["", *self._numbers])
        part.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        quantity = QLineEdit()
        quantity.setPlaceholderText("pcs")
        row = len(self.part_rows) + 1
        self._grid.addWidget(part, row, 0)
        self._grid.addWidget(quantity, row, 1)
        self.part_rows.append((part, quantity))

    def new_licence(self) -> NewLicence:
        """Return the application entered; raise ValueError saying what is wrong."""
        reference = self.reference.text().strip()
        if not reference:
            raise ValueError("give the licence a reference")
        items: list[tuple[int, float]] = []
        for part, quantity in self.part_rows:
            number = part.currentText().strip()
            if not number and not quantity.text().strip():
                continue
            if number.casefold() not in self._parts:
                raise ValueError(f"no part {number!r} in the workspace")
            try:
                pieces = parse_pieces(quantity.text())
            except ValueError:
                pieces = None
            if pieces is None or pieces <= 0:
                raise ValueError(f"{number}: enter the pieces applied for (above 0)")
            items.append((self._parts[number.casefold()], pieces))
        if not items:
            raise ValueError("add at least one part with the pieces applied for")
        submitted = self.submitted.isChecked()
        return NewLicence(
            reference=reference,
            supplier_id=int(self.supplier.currentData()),
            kind=self.kind.currentText(),
            is_amendment=self.amendment.isChecked(),
            status=LicenceStatus.SUBMITTED if submitted else LicenceStatus.DRAFT,
            dates={"submitted_on": _day(self.submitted_on)} if submitted else {},
            items=tuple(items),
        )

    def accept(self) -> None:
        """Reimplemented from QDialog.accept: refuse incomplete entries in place."""
        try:
            self.new_licence()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        super().accept()
