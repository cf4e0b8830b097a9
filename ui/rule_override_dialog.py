"""The dialog that records a local override of a rule after the buyer checked a source."""

from __future__ import annotations

import datetime as dt
import getpass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from planner.rules import RuleOverride

from ui.licence_dialogs import date_edit
from ui.resources import STATUS_COLORS

if TYPE_CHECKING:
    from planner.rules import Rule


def os_user() -> str:
    """Return the operating-system user name, or "" when it cannot be found."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, no USER variable
        return ""


class RuleOverrideDialog(QDialog):
    """Asks what changed about a rule: a longer suspension, a known status, or disabling it.

    Attributes:
        extend: Whether the last suspension is extended, to `extend_until`.
        effective_to: Whether the rule ends, on `effective_to_on`.
        known: Whether the status is known to a later day, `known_until`.
        disable: Whether the rule is switched off.
        note: Why, with the source checked (required).
        author: Who records it (default: the OS user).
    """

    def __init__(self, rule: Rule, today: dt.date, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Local override of {rule.label}")
        self._rule = rule
        last = rule.last_suspension
        can_extend = last is not None and last.until is not None
        base = rule.status_known_until or today
        self.extend, self.extend_until = self._dated("Suspension extended until", base)
        self.extend.setEnabled(can_extend)
        if not can_extend:
            self.extend.setToolTip("The rule has no dated suspension to extend")
        self.effective_to, self.effective_to_on = self._dated("In force until", base)
        self.known, self.known_until = self._dated("Status known until", today)
        self.disable = QCheckBox("Disable this rule (it no longer applies)")
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(
            "What you found and where (e.g. MOFCOM Announcement No. …)"
        )
        self.note.setMaximumHeight(80)
        self.author = QLineEdit(os_user())
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {STATUS_COLORS['error']};")
        self._layout(rule)

    def _dated(self, text: str, day: dt.date) -> tuple[QCheckBox, QDateEdit]:
        check, editor = QCheckBox(text), date_edit(day)
        editor.setEnabled(False)
        check.toggled.connect(editor.setEnabled)
        return check, editor

    def _layout(self, rule: Rule) -> None:
        known = rule.status_known_until or "no limit"
        intro = QLabel(
            f"<b>{rule.label}</b> ({rule.id})<br>Status known until {known}. Record what an "
            "official source says; the override is stored in this workspace and can be "
            "removed."
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        for check, editor in (
            (self.extend, self.extend_until),
            (self.effective_to, self.effective_to_on),
            (self.known, self.known_until),
        ):
            form.addRow(check, editor)
        form.addRow(self.disable)
        form.addRow("Note", self.note)
        form.addRow("Author", self.author)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def override(self) -> RuleOverride:
        """Return the override entered; raise ValueError saying what is missing."""
        changes = (self.extend, self.effective_to, self.known, self.disable)
        if not any(check.isChecked() for check in changes):
            raise ValueError("choose what changed: a suspension, an end, a status or disabling")
        note = self.note.toPlainText().strip()
        if not note:
            raise ValueError("add a note saying what you found and where")

        def day(check: QCheckBox, editor: QDateEdit) -> dt.date | None:
            value = editor.date()
            picked = dt.date(value.year(), value.month(), value.day())
            return picked if check.isChecked() else None

        return RuleOverride(
            rule_id=self._rule.id,
            suspended_until=day(self.extend, self.extend_until),
            effective_to=day(self.effective_to, self.effective_to_on),
            status_known_until=day(self.known, self.known_until),
            disabled=self.disable.isChecked(),
            note=note,
            author=self.author.text().strip(),
            created_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        )

    def accept(self) -> None:
        """Reimplemented from QDialog.accept: refuse incomplete entries in place."""
        try:
            self.override()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        super().accept()
