"""The licence detail panel: fields, workflow moves, document checklist, history, orders.

Every edit is one undo command (ui/licence_commands.py); a refusal by the planner (dates
out of order, a move the workflow forbids) is shown in the panel and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from planner.licences import DATE_FIELDS, document_checklist, field_words, next_statuses
from planner.schema import LicenceDocument, LicenceEvent

from ui import licence_dialogs
from ui.grid_delegates import format_pieces, plain_number, quieten
from ui.licence_columns import STATUS_COLOURS
from ui.licence_commands import (
    MoveLicenceCommand,
    SetDocumentCommand,
    SetLicenceFieldsCommand,
    push_refusable,
)
from ui.licence_orders import LicenceOrdersPanel
from ui.resources import STATUS_COLORS

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from planner.licence_rows import LicenceRow
    from planner.licences import LicenceStatus

    from ui.session import WorkspaceSession

_KEY_ROLE = int(Qt.ItemDataRole.UserRole) + 41
_FIELDS = (*DATE_FIELDS, "quantity_approved")
_MOVES_PER_LINE = 2


class LicenceDetail(QWidget):
    """Everything about one licence, and the edits a buyer makes to it.

    Signals:
        status_message: A refusal or confirmation for the page's message line.

    Attributes:
        title: Reference and exporter.
        summary: Status, expected decision and how it was computed.
        moves: The row of buttons for the allowed next statuses.
        fields: Date and quantity editors by field name.
        notes: The notes editor, saved with `save_notes_button`.
        documents: The checklist, one checkable item per document.
        history: The dated events.
        orders: The linked orders tab.
        tabs: Details, documents, history, orders.
    """

    status_message = Signal(str)

    def __init__(self, *, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._undo_stack = undo_stack
        self._session: WorkspaceSession | None = None
        self._row: LicenceRow | None = None
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.moves = QGridLayout()
        self.fields = {name: self._field(name) for name in _FIELDS}
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(70)
        self.save_notes_button = QPushButton("Save notes")
        self.save_notes_button.clicked.connect(self._on_save_notes_clicked)
        self.notes.textChanged.connect(self._on_notes_text_changed)
        self.documents = QListWidget()
        self.documents.setWordWrap(True)
        self.documents.itemChanged.connect(self._on_document_item_changed)
        self.history = QTextBrowser()
        self.orders = LicenceOrdersPanel(undo_stack=undo_stack)
        self.orders.refused.connect(self._refused)
        self.tabs = QTabWidget()
        self._build_layout()
        self.show_row(None, None)

    def _field(self, name: str) -> QLineEdit:
        editor = QLineEdit()
        editor.setPlaceholderText("pcs" if name == "quantity_approved" else "yyyy-mm-dd")
        editor.setClearButtonEnabled(True)
        editor.editingFinished.connect(lambda: self._on_field_edited(name))
        return editor

    def _build_layout(self) -> None:
        form = QFormLayout()
        labels = {"quantity_approved": "Approved (pcs)"}
        for name, editor in self.fields.items():
            form.addRow(labels.get(name, field_words(name).capitalize()), editor)
        form.addRow("Notes", self.notes)
        form.addRow("", self.save_notes_button)
        details = QWidget()
        column = QVBoxLayout(details)
        column.addLayout(form)
        column.addStretch(1)
        self.tabs.addTab(details, "Details")
        self.tabs.addTab(self.documents, "Documents")
        self.tabs.addTab(self.history, "History")
        self.tabs.addTab(self.orders, "Orders")
        moves_label = QLabel("Move to:")
        quieten(moves_label)
        moves = QHBoxLayout()
        moves.addWidget(moves_label, 0, Qt.AlignmentFlag.AlignTop)
        moves.addLayout(self.moves, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addLayout(moves)
        layout.addWidget(self.tabs, 1)

    # -- showing ------------------------------------------------------------------------

    @property
    def licence_id(self) -> int | None:
        """Return the licence shown, or None."""
        return self._row.id if self._row is not None else None

    def show_row(self, session: WorkspaceSession | None, row: LicenceRow | None) -> None:
        """Show a licence row of `session` (None: a hint to select one)."""
        self._session, self._row = session, row
        self.setEnabled(row is not None)
        self._show_header(row)
        self._show_moves(row)
        self._show_fields(row)
        self._show_documents(row)
        self._show_history(row)
        self.orders.show_licence(session, row.licence if row is not None else None)
        linked = len(row.orders) if row is not None else 0
        self.tabs.setTabText(3, f"Orders {linked}")

    def _show_header(self, row: LicenceRow | None) -> None:
        if row is None:
            self.title.setText("<h3>No licence selected</h3>")
            self.summary.setText("<i>Select a licence to see and edit it.</i>")
            return
        licence, forecast = row.licence, row.forecast
        kind = licence.kind + (", amendment" if licence.is_amendment else "")
        self.title.setText(
            f"<h3 style='margin:0'>{escape(row.reference)}</h3>"
            f"{escape(row.supplier)} ({escape(row.country)}) · {escape(kind)}"
        )
        colour = STATUS_COLORS["error"] if row.overdue_days else STATUS_COLOURS[row.status]
        late = f", overdue by {row.overdue_days} working days" if row.overdue_days else ""
        when = "Decided" if forecast.decided else "Expected decision"
        expected = (
            f"<br>{when}: <b>{forecast.date}</b> — {escape(forecast.basis)}"
            if forecast.date is not None
            else f"<br>{escape(forecast.basis)}"
        )
        parts = ", ".join(f"{p.part_number} {format_pieces(p.quantity)} pcs" for p in row.parts)
        self.summary.setText(
            f"<b style='color:{colour}'>{escape(row.status.label.capitalize())}{late}</b>"
            f"{expected}<br>Applied for: {escape(parts or 'no parts recorded')}"
        )

    def _show_moves(self, row: LicenceRow | None) -> None:
        while self.moves.count():
            item = self.moves.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # deleteLater waits for the event loop
                widget.deleteLater()
        targets = next_statuses(row.status) if row is not None else ()
        for position, target in enumerate(targets):
            button = QPushButton(target.label)
            button.setToolTip(f"Record the move to {target.label} (asks the date and a note)")
            button.clicked.connect(lambda _=False, t=target: self.request_move(t))
            self.moves.addWidget(button, *divmod(position, _MOVES_PER_LINE))
        if row is not None and not targets:
            final = QLabel(f"{row.status.label} is final")
            quieten(final)
            self.moves.addWidget(final, 0, 0)

    def _show_fields(self, row: LicenceRow | None) -> None:
        for name, editor in self.fields.items():
            editor.setText(_field_text(row.licence, name) if row is not None else "")
        self.notes.blockSignals(True)
        self.notes.setPlainText(row.licence.notes if row is not None else "")
        self.notes.blockSignals(False)
        self.save_notes_button.setEnabled(False)

    def _show_documents(self, row: LicenceRow | None) -> None:
        wanted = self._document_items(row)
        keys = [self.documents.item(i).data(_KEY_ROLE) for i in range(self.documents.count())]
        self.documents.blockSignals(True)
        if keys == [item.data(_KEY_ROLE) for item in wanted]:
            # Update in place: this may run inside the list's own itemChanged signal, when
            # deleting the item that emitted it would pull it from under Qt's feet.
            for position, item in enumerate(wanted):
                shown = self.documents.item(position)
                shown.setText(item.text())
                shown.setCheckState(item.checkState())
                shown.setToolTip(item.toolTip())
        else:
            self.documents.clear()
            for item in wanted:
                self.documents.addItem(item)
        self.documents.blockSignals(False)
        done = sum(item.checkState() == Qt.CheckState.Checked for item in wanted)
        total = len(wanted)
        self.tabs.setTabText(1, f"Documents {done}/{total}" if total else "Documents")

    def _document_items(self, row: LicenceRow | None) -> list[QListWidgetItem]:
        if row is None or self._session is None:
            return []
        stored = {
            d.key: d
            for d in self._session.workspace.all(LicenceDocument)
            if d.licence_id == row.id
        }
        items = [
            _document_item(spec.key, spec.label, stored.pop(spec.key, None), spec)
            for spec in document_checklist()
        ]
        # Documents outside the standard list come last.
        items += [_document_item(k, d.label, d, None) for k, d in stored.items()]
        return items

    def _show_history(self, row: LicenceRow | None) -> None:
        if row is None or self._session is None:
            self.history.clear()
            return
        events = [
            e
            for e in self._session.workspace.all(LicenceEvent, LicenceEvent.on, LicenceEvent.id)
            if e.licence_id == row.id
        ]
        lines = "".join(
            f"<tr><td style='padding-right:10px'>{e.on}</td>"
            f"<td style='padding-right:10px'><b>{escape(e.status.replace('_', ' '))}</b></td>"
            f"<td>{escape(e.note)}{_by(e.author)}</td></tr>"
            for e in events
        )
        self.history.setHtml(
            f"<table cellspacing='0' cellpadding='2'>{lines}</table>"
            if events
            else "<i>No events recorded.</i>"
        )
        self.tabs.setTabText(2, f"History {len(events)}")

    # -- edits --------------------------------------------------------------------------

    def request_move(self, target: LicenceStatus) -> None:
        """Ask for the date and a note, then move the licence to `target`."""
        if self._row is None or self._session is None:
            return
        request = licence_dialogs.ask_move(
            self, self._row.reference, target, self._session.today, self._row.quantity_applied
        )
        if request is not None:
            self.move_to(target, request)

    def move_to(self, target: LicenceStatus, request: licence_dialogs.MoveRequest) -> str:
        """Move the shown licence to `target` as entered; return a refusal or ""."""
        if self._row is None or self._session is None:
            return "no licence selected"
        command = MoveLicenceCommand(
            self._session,
            self._row.id,
            target,
            request.on,
            note=request.note,
            grant=request.grant,
        )
        return self._push(command, f"{self._row.reference} moved to {target.label}")

    def set_document(self, key: str, done: bool) -> str:
        """Tick or untick a checklist document today; return a refusal or ""."""
        if self._row is None or self._session is None:
            return "no licence selected"
        command = SetDocumentCommand(
            self._session, self._row.id, key, done, self._session.today
        )
        return self._push(command, "")

    def set_fields(self, values: dict[str, Any]) -> str:
        """Change licence fields as one undo step; return a refusal or ""."""
        if self._row is None or self._session is None:
            return "no licence selected"
        names = ", ".join(field_words(name) for name in values)
        text = f"Set {names} of {self._row.reference}"
        return self._push(
            SetLicenceFieldsCommand(self._session, self._row.id, values, text), ""
        )

    def _push(self, command: Any, done: str) -> str:
        reason = push_refusable(self._undo_stack, command)
        if reason:
            self._refused(reason)
        elif done:
            self.status_message.emit(done)
        return reason

    @Slot(str)
    def _refused(self, reason: str) -> None:
        self.status_message.emit(f"⚠ {reason}")

    def _on_field_edited(self, name: str) -> None:
        if self._row is None:
            return
        editor = self.fields[name]
        current = getattr(self._row.licence, name)
        try:
            value = _parse_field(name, editor.text())
        except ValueError as exc:
            self._refused(f"{field_words(name).capitalize()}: {exc}")
            editor.setText(_field_text(self._row.licence, name))
            return
        if value != current and self.set_fields({name: value}):
            editor.setText(_field_text(self._row.licence, name))

    @Slot()
    def _on_notes_text_changed(self) -> None:
        current = self._row.licence.notes if self._row is not None else ""
        self.save_notes_button.setEnabled(self.notes.toPlainText() != current)

    @Slot()
    def _on_save_notes_clicked(self) -> None:
        self.set_fields({"notes": self.notes.toPlainText()})

    @Slot(QListWidgetItem)
    def _on_document_item_changed(self, item: QListWidgetItem) -> None:
        done = item.checkState() == Qt.CheckState.Checked
        if self.set_document(str(item.data(_KEY_ROLE)), done):
            self._show_documents(self._row)


def _field_text(licence: Any, name: str) -> str:
    value = getattr(licence, name)
    if name == "quantity_approved":
        return plain_number(value)
    return value.isoformat() if value is not None else ""


def _parse_field(name: str, text: str) -> Any:
    """Return a typed field value; raise ValueError saying what is wrong."""
    text = text.strip()
    if name == "quantity_approved":
        try:
            return licence_dialogs.parse_pieces(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a number of pieces") from None
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise ValueError(f"{text!r} is not a date (yyyy-mm-dd)") from None


def _by(author: str) -> str:
    return f" <span style='color:gray'>({escape(author)})</span>" if author else ""


def _document_item(
    key: str, label: str, document: LicenceDocument | None, spec: Any
) -> QListWidgetItem:
    done = document is not None and document.done
    when = f" — done {document.done_on}" if document is not None and document.done_on else ""
    item = QListWidgetItem(f"{label}{when}")
    item.setFlags(
        Qt.ItemFlag.ItemIsEnabled
        | Qt.ItemFlag.ItemIsUserCheckable
        | Qt.ItemFlag.ItemIsSelectable
    )
    item.setCheckState(Qt.CheckState.Checked if done else Qt.CheckState.Unchecked)
    item.setData(_KEY_ROLE, key)
    if spec is not None:
        item.setToolTip(
            f"{label}\nConfidence: {spec.confidence}\nSources: {', '.join(spec.sources)}"
        )
    return item
