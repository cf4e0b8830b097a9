"""Licence alerts in the interface: counts, the navigation badges, the on-open note, the strip.

`alerts_summary` and `alert_counts` are plain helpers over a session. The main window
calls `install_alert_badges(window)` once: after each workspace opens, the Licences and
Rules entries of the navigation show how many alerts need action ("Licences  7"), and a
non-modal message sums them up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.background import Task, run_in_background
from ui.resources import STATUS_COLORS, icon

if TYPE_CHECKING:
    from collections.abc import Sequence

    from planner.licence_alerts import Alert
    from planner.workspace import Change

    from ui.main_window import MainWindow
    from ui.session import WorkspaceSession

_ACTION = frozenset({"critical", "warning"})
_ICONS = {"critical": "error", "warning": "warning", "info": "info"}
_BADGED = ("licences", "rules")
# Changes that can alter the alerts.
_RELATED = frozenset(
    {"licences", "licence_items", "licence_events", "orders", "parts", "suppliers"}
    | {"rule_overrides", "rules"}
)


@dataclass(frozen=True)
class AlertCounts:
    """Alerts that need action (critical or warning).

    Attributes:
        licences: About licences and the orders they cover.
        rules: Rules whose status must be verified.
    """

    licences: int
    rules: int

    @property
    def total(self) -> int:
        """Return every alert that needs action."""
        return self.licences + self.rules


def current_alerts(session: WorkspaceSession) -> list[Alert]:
    """Return today's licence alerts of the session (statutory review time)."""
    from planner.licence_alerts import alerts

    return alerts(session.workspace, session.today, rule_set=session.rule_set)


def alert_counts(
    session: WorkspaceSession, found: Sequence[Alert] | None = None
) -> AlertCounts:
    """Count the critical and warning alerts, licence ones apart from rule ones."""
    found = current_alerts(session) if found is None else found
    acting = [a for a in found if a.severity.value in _ACTION]
    rules = sum(1 for a in acting if a.rule_id is not None)
    return AlertCounts(len(acting) - rules, rules)


def alerts_summary(session: WorkspaceSession, found: Sequence[Alert] | None = None) -> str:
    """Return the alerts in one line, e.g. "1 licence overdue, 4 rules to verify"."""
    from planner.licence_alerts import summary_line

    return summary_line(current_alerts(session) if found is None else found)


class AlertBadges(QObject):
    """Keeps the navigation badges of a main window up to date.

    Attributes:
        message: The non-modal message shown when the last workspace opened, if any.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.message: QMessageBox | None = None
        self.ready = False
        self._task: Task[list[Alert]] | None = None

    @Slot(object)
    def on_session_opened(self, session: WorkspaceSession | None) -> None:
        """Follow a newly opened workspace (None: closed) and sum its alerts up."""
        self.ready = False
        if session is None:
            self._set_badges(None, "")
            return
        session.changed.connect(self._on_session_changed)
        # Working out alerts loads the Chinese holiday calendar (~0.1 s): do it off the GUI
        # thread so the window paints first; the badges and message follow.
        # Started a moment later so it does not compete with the first paint.
        QTimer.singleShot(250, lambda: self._start(session))

    def _start(self, session: WorkspaceSession) -> None:
        if self._window.session is not session:
            return
        session.load()  # on the GUI thread, if the first paint has not opened it yet
        self._task = run_in_background(
            lambda _control: current_alerts(session),
            on_success=lambda found: self._on_alerts_found(session, found),
            on_error=lambda _exc, _trace: None,
        )

    def _on_alerts_found(self, session: WorkspaceSession, found: list[Alert]) -> None:
        if self._window.session is not session:
            return  # the workspace was closed or replaced meanwhile
        summary, counts = alerts_summary(session, found), alert_counts(session, found)
        self._set_badges(counts, summary)
        self.ready = True
        if counts.total:
            self._show_message(session, summary)

    @Slot(object)
    def _on_session_changed(self, change: Change) -> None:
        session = self._window.session
        if session is not None and change.entity in _RELATED:
            found = current_alerts(session)
            self._set_badges(alert_counts(session, found), alerts_summary(session, found))

    def badge_text(self, key: str) -> str:
        """Return the navigation text of a page ("Licences  7")."""
        keys = [spec.key for spec in self._window.page_specs]
        return self._window.navigation.item(keys.index(key)).text()

    def _set_badges(self, counts: AlertCounts | None, summary: str) -> None:
        specs = self._window.page_specs
        for row, spec in enumerate(specs):
            if spec.key not in _BADGED:
                continue
            count = 0 if counts is None else getattr(counts, spec.key)
            item = self._window.navigation.item(row)
            item.setText(f"{spec.title}  {count}" if count else spec.title)
            item.setToolTip(summary if count else "")

    def _show_message(self, session: WorkspaceSession, summary: str) -> None:
        if self.message is not None:
            self.message.close()
        box = QMessageBox(self._window)
        box.setWindowTitle("Licence alerts")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setText(f"{session.workspace.name} on {session.today:%d %b %Y}:")
        box.setInformativeText(f"{summary[:1].upper()}{summary[1:]}.")
        show = box.addButton("Show licences", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.setModal(False)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        show.clicked.connect(lambda: self._window.show_page("licences"))
        box.destroyed.connect(self._on_message_destroyed)
        self.message = box
        box.show()

    @Slot()
    def _on_message_destroyed(self) -> None:
        self.message = None


def install_alert_badges(window: MainWindow) -> AlertBadges:
    """Show alert counts in the navigation of `window`, and a note when a workspace opens."""
    badges = AlertBadges(window)
    window.session_opened.connect(badges.on_session_opened)
    return badges


class AlertsStrip(QFrame):
    """A non-modal strip listing alerts with severity icons; a click selects the subject.

    Signals:
        alert_activated: The Alert clicked.

    Attributes:
        header: The summary line.
        listing: The alerts, most urgent first.
        toggle: Shows every alert or only the first few.
    """

    alert_activated = Signal(object)
    COLLAPSED_LINES = 3
    EXPANDED_LINES = 10

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._alerts: list[Alert] = []
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("alertsStrip")
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.toggle = QToolButton()
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._on_toggle_toggled)
        self.listing = QListWidget()
        self.listing.setFrameShape(QFrame.Shape.NoFrame)
        self.listing.setIconSize(QSize(16, 16))
        self.listing.setUniformItemSizes(True)
        self.listing.itemActivated.connect(self._on_listing_item)
        self.listing.itemClicked.connect(self._on_listing_item)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.toggle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.listing)

    def set_alerts(self, found: Sequence[Alert], summary: str) -> None:
        """Show these alerts under a one-line summary."""
        self._alerts = list(found)
        self.listing.clear()
        for alert in self._alerts:
            item = QListWidgetItem(icon(_ICONS[alert.severity.value]), alert.text)
            item.setToolTip(alert.text)
            self.listing.addItem(item)
        worst = _ICONS[self._alerts[0].severity.value] if self._alerts else "not-required"
        colour = STATUS_COLORS[worst]
        self.setStyleSheet(
            f"QFrame#alertsStrip {{ border: 1px solid palette(mid); "
            f"border-left: 4px solid {colour}; }}"
        )
        count = len(self._alerts)
        self.header.setText(f"<b>{count} alert{'s' if count != 1 else ''}</b>: {summary}")
        self.toggle.setVisible(count > self.COLLAPSED_LINES)
        self.toggle.setText("Show fewer" if self.toggle.isChecked() else f"Show all {count}")
        self.listing.setVisible(bool(self._alerts))
        self._fit()

    def _fit(self) -> None:
        lines = self.EXPANDED_LINES if self.toggle.isChecked() else self.COLLAPSED_LINES
        shown = min(self.listing.count(), lines)
        height = self.listing.sizeHintForRow(0) if self.listing.count() else 0
        self.listing.setFixedHeight(shown * height + 2 * self.listing.frameWidth() + 2)

    @Slot(bool)
    def _on_toggle_toggled(self, checked: bool) -> None:
        count = len(self._alerts)
        self.toggle.setText("Show fewer" if checked else f"Show all {count}")
        self._fit()

    @Slot(QListWidgetItem)
    def _on_listing_item(self, item: QListWidgetItem) -> None:
        row = self.listing.row(item)
        if 0 <= row < len(self._alerts):
            self.alert_activated.emit(self._alerts[row])
