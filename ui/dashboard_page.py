"""The Dashboard: the morning view of risks, line stops, pending licences and alerts.

Figures come from a plan under the statutory scenario, calculated in the background when
the page is first shown and again when it is shown after the workspace changed. Before a
plan has run the figures say "calculating…": the page never shows a number it has not
computed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ui.dashboard_figures import figures_job
from ui.grid_delegates import quieten
from ui.page import Page
from ui.plan_format import day_text
from ui.plan_runner import PLAN_ENTITIES, PlanRunner
from ui.resources import STATUS_COLORS, icon

if TYPE_CHECKING:
    from PySide6.QtGui import QShowEvent, QUndoStack

    from planner.licence_alerts import Alert
    from planner.workspace import Change

    from ui.dashboard_figures import Figures
    from ui.session import WorkspaceSession
    from ui.settings import Settings

CALCULATING = "calculating…"
TOP_ALERTS = 6
TOP_STOPS = 5
_ICONS = {"critical": "error", "warning": "warning", "info": "info"}
_ALERT_ENTITIES = frozenset({"licences", "licence_items", "licence_events", "orders"})
_PAGE_TITLES = {
    "plan": "Plan",
    "licences": "Licences",
    "rules": "Rules",
    "products": "Products",
}


def _link(key: str, page: DashboardPage) -> QPushButton:
    button = QPushButton(f"{_PAGE_TITLES[key]} ›")
    button.setFlat(True)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setToolTip(f"Go to the {_PAGE_TITLES[key]} page")
    button.clicked.connect(lambda: page.navigate.emit(key))
    return button


class FigureCard(QFrame):
    """One headline figure: a title, the value, what it means, and a link to its page.

    Attributes:
        value: The figure.
        detail: What it means and its basis.
        link: Switches to the page behind the figure.
    """

    def __init__(self, title: str, target: str, page: DashboardPage) -> None:
        super().__init__(page)
        self.setObjectName("figureCard")
        self.setStyleSheet(
            "QFrame#figureCard { border: 1px solid palette(mid); border-radius: 6px; }"
        )
        heading = QLabel(title.upper())
        quieten(heading)
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 0.85)
        font.setBold(True)
        heading.setFont(font)
        self.value = QLabel(CALCULATING)
        big = QFont(self.value.font())
        big.setPointSizeF(big.pointSizeF() * 1.9)
        big.setBold(True)
        self.value.setFont(big)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.link = _link(target, page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 8)
        layout.addWidget(heading)
        layout.addWidget(self.value)
        layout.addWidget(self.detail, 1)
        layout.addWidget(self.link, 0, Qt.AlignmentFlag.AlignLeft)

    def show_figure(self, value: str, detail: str, *, alarm: bool = False) -> None:
        """Show a figure; `alarm` colours it as a problem."""
        self.value.setText(value)
        self.value.setStyleSheet(f"color: {STATUS_COLORS['error']};" if alarm else "")
        self.detail.setText(detail)


class DashboardPage(Page):
    """Headline figures from the latest statutory plan, and the licence alerts.

    Attributes:
        basis: What the figures assume.
        at_risk: Parts running out within the horizon (firm supply only).
        line_stop: The earliest product line stop.
        pending: Quantity waiting on pending licences.
        china: China's share of licence-controlled demand.
        alert_summary: The alerts in one line.
        alert_rows: One row per top alert, each with a link to its page.
        stops: The next line stops.
        figures: What is on screen (None until the first calculation).
        runner: Calculates the figures off the GUI thread.

    Signals:
        navigate: The key of the page to switch to.
    """

    key = "dashboard"
    title = "Dashboard"
    icon_name = "dashboard"
    navigate = Signal(str)

    def __init__(
        self, *, undo_stack: QUndoStack, settings: Settings, parent: QWidget | None = None
    ) -> None:
        super().__init__(undo_stack=undo_stack, settings=settings, parent=parent)
        self.figures: Figures | None = None
        self._dirty = False
        self.runner = PlanRunner(self)
        self.runner.failed.connect(self._on_runner_failed)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(400)
        self._debounce.timeout.connect(self.refresh)
        self.basis = QLabel(self)
        self.basis.setWordWrap(True)
        quieten(self.basis)
        self.at_risk = FigureCard("Parts at risk", "plan", self)
        self.line_stop = FigureCard("Earliest line stop", "plan", self)
        self.pending = FigureCard("Waiting on pending licences", "licences", self)
        self.china = FigureCard("China share of controlled demand", "products", self)
        self.alert_summary = QLabel(CALCULATING, self)
        self.alert_summary.setWordWrap(True)
        self.alert_list = QVBoxLayout()
        self.alert_rows: list[QWidget] = []
        self.more_alerts = QLabel(self)
        quieten(self.more_alerts)
        self.stops = QLabel(CALCULATING, self)
        self.stops.setTextFormat(Qt.TextFormat.RichText)
        self._build_layout()
        self.set_session(None)

    def _build_layout(self) -> None:
        cards = QGridLayout()
        cards.setSpacing(12)
        for column, card in enumerate((self.at_risk, self.line_stop, self.pending, self.china)):
            cards.addWidget(card, 0, column)
            cards.setColumnStretch(column, 1)
        title = QLabel("<h2>Dashboard</h2>")
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(24, 12, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(self.basis)
        layout.addLayout(cards)
        layout.addSpacing(8)
        layout.addWidget(QLabel("<b>Licence alerts</b>"))
        layout.addWidget(self.alert_summary)
        layout.addLayout(self.alert_list)
        layout.addWidget(self.more_alerts)
        layout.addSpacing(8)
        layout.addWidget(
            QLabel("<b>Next line stops</b> (pending licences counted as expected)")
        )
        layout.addWidget(self.stops)
        layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        # See-through, so the page itself paints (the --screenshot watcher waits for it).
        scroll.viewport().setAutoFillBackground(False)
        body.setAutoFillBackground(False)  # QScrollArea.setWidget turned it on
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    # -- Page interface -------------------------------------------------------------------

    def set_session(self, session: WorkspaceSession | None) -> None:
        """Reimplemented from Page.set_session: calculate the figures in the background."""
        self.runner.cancel()
        self.runner.wait()
        if self.session is not None and isValid(self.session):
            self.session.changed.disconnect(self._on_session_changed)
        super().set_session(session)
        self._show(None)
        if session is None:
            self.basis.setText("Open a workspace to see its figures.")
            return
        session.changed.connect(self._on_session_changed)
        self.refresh()

    def busy(self) -> bool:
        """Whether the figures are being calculated (the screenshot waits for them)."""
        return self.runner.busy

    def status_counts(self) -> str:
        """Return e.g. "23 of 25 parts at risk"."""
        if self.figures is None:
            return ""
        return f"{self.figures.parts_at_risk} of {self.figures.part_count} parts at risk"

    # -- figures --------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        """Calculate the figures again, off the GUI thread."""
        if self.session is None:
            return
        self._dirty = False
        if self.figures is None:
            self.basis.setText(f"Figures are {CALCULATING}")
        self.runner.start(figures_job(self.session), self._show)

    def _show(self, found: Figures | None) -> None:
        self.figures = found
        if found is None:
            for card in (self.at_risk, self.line_stop, self.pending, self.china):
                card.show_figure(CALCULATING, "")
            self.alert_summary.setText(CALCULATING)
            self.stops.setText(CALCULATING)
            self._show_alerts([])
            return
        self.basis.setText(found.basis)
        self._show_risk(found)
        self._show_pending(found)
        summary = found.alert_summary
        self.alert_summary.setText(summary[:1].upper() + summary[1:] + ".")
        self._show_alerts(list(found.alerts[:TOP_ALERTS]))
        self._show_stops(found)

    def _show_risk(self, found: Figures) -> None:
        horizon = f"by {day_text(found.horizon_end)}"
        if found.first_runout is None:
            detail = f"No part runs out {horizon} counting firm supply only."
        else:
            part, day = found.first_runout
            detail = (
                f"run out {horizon} counting firm supply only; first {part} on {day_text(day)}."
            )
        self.at_risk.show_figure(
            f"{found.parts_at_risk} of {found.part_count}",
            detail,
            alarm=found.parts_at_risk > 0,
        )
        if not found.line_stops:
            self.line_stop.show_figure("none", f"No product line stops {horizon}.")
            return
        stop = found.line_stops[0]
        firm = day_text(stop.firm_day) if stop.firm_day else "none in the horizon"
        self.line_stop.show_figure(
            day_text(stop.day),
            f"<b>{stop.product}</b>, caused by {stop.part}. Counting firm supply only: {firm}.",
            alarm=True,
        )

    def _show_pending(self, found: Figures) -> None:
        orders, licences = found.pending_orders, found.pending_licences
        self.pending.show_figure(
            f"{found.pending_pieces:,.0f} pcs",
            f"on {orders} order{'s' if orders != 1 else ''} waiting on {licences} pending "
            f"licence{'s' if licences != 1 else ''}, counted as arriving after the expected "
            "decision plus transit.",
        )
        share = found.china_share
        if share is None:
            self.china.show_figure("—", "No licence-controlled magnets in the plan.")
            return
        self.china.show_figure(
            f"{share:.0%}",
            f"of {found.controlled_kg:,.0f} kg licence-controlled magnet demand "
            f"{'to ' + day_text(found.horizon_end)} is bought from Chinese suppliers "
            f"({found.china_kg:,.0f} kg).",
            alarm=share >= 0.5,
        )

    def _show_alerts(self, found: list[Alert]) -> None:
        for row in self.alert_rows:
            self.alert_list.removeWidget(row)
            row.deleteLater()
        self.alert_rows = [self._alert_row(alert) for alert in found]
        for row in self.alert_rows:
            self.alert_list.addWidget(row)
        more = len(self.figures.alerts) - len(found) if self.figures is not None else 0
        self.more_alerts.setText(f"… and {more} more on the Licences and Rules pages.")
        self.more_alerts.setVisible(more > 0)

    def _alert_row(self, alert: Alert) -> QWidget:
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        sign = QLabel()
        sign.setPixmap(icon(_ICONS[alert.severity.value]).pixmap(QSize(16, 16)))
        text = QLabel(alert.text)
        text.setWordWrap(True)
        layout.addWidget(sign, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(text, 1)
        layout.addWidget(_link("rules" if alert.rule_id is not None else "licences", self))
        return row

    def _show_stops(self, found: Figures) -> None:
        if not found.line_stops:
            self.stops.setText("No product line stops within the horizon.")
            return
        rows = "".join(
            f"<tr><td>{stop.product}</td><td style='color:{STATUS_COLORS['error']}'>"
            f"{day_text(stop.day)}</td><td>{stop.part}</td>"
            f"<td>{day_text(stop.firm_day)}</td></tr>"
            for stop in found.line_stops[:TOP_STOPS]
        )
        self.stops.setText(
            "<table cellspacing='0' cellpadding='3'><tr><th align='left'>Product</th>"
            "<th align='left'>Line stop</th><th align='left'>Caused by</th>"
            f"<th align='left'>Firm supply only</th></tr>{rows}</table>"
        )

    # -- slots ----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        """Reimplemented from QWidget.showEvent: catch up with changes made elsewhere."""
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    @Slot(object)
    def _on_session_changed(self, change: Change) -> None:
        if change.entity in PLAN_ENTITIES | _ALERT_ENTITIES:
            self._dirty = True
            if self.isVisible():
                self._debounce.start()

    @Slot(str)
    def _on_runner_failed(self, text: str) -> None:
        self.basis.setText(text)
        if self.figures is None:
            for card in (self.at_risk, self.line_stop, self.pending, self.china):
                card.show_figure("—", "")
