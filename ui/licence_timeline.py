"""A timeline of licence applications: review period, overdue time and validity per licence.

Painted with QPainter: one lane per licence, a bar from the (re)submission to the
expected decision (amber while pending, red past it, dashed when provisional), then the
validity period (green while approved, grey once expired or used up), and a line at
today. Hovering a bar shows what it means; clicking a lane selects the licence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from planner.licences import LicenceStatus

from ui.licence_columns import GREY
from ui.resources import STATUS_COLORS

if TYPE_CHECKING:
    from PySide6.QtGui import QPaintEvent

    from planner.licence_rows import LicenceRow

LANE = 22
AXIS = 24
LEGEND = 22
LABEL_WIDTH = 132
AMBER = STATUS_COLORS["warning"]
RED = STATUS_COLORS["error"]
GREEN = STATUS_COLORS["not-required"]
TODAY_COLOUR = STATUS_COLORS["info"]


@dataclass(frozen=True)
class Bar:
    """One painted span of a licence's lane.

    Attributes:
        licence_id: The licence.
        kind: "review", "overdue", "provisional", "validity" or "decision".
        start: First day.
        end: Last day.
        colour: Fill colour (#rrggbb).
        text: What the span means, for the tooltip.
    """

    licence_id: int
    kind: str
    start: dt.date
    end: dt.date
    colour: str
    text: str


def licence_bars(row: LicenceRow, today: dt.date) -> list[Bar]:
    """Return the spans to paint for one licence on `today`."""
    forecast, licence, key = row.forecast, row.licence, row.id
    bars: list[Bar] = []
    start = forecast.clock_start or licence.submitted_on
    if forecast.provisional and forecast.date is not None and start is not None:
        text = f"{row.reference}: provisional decision {forecast.date} ({forecast.basis})"
        bars.append(Bar(key, "provisional", start, forecast.date, AMBER, text))
    elif row.status.is_pending and start is not None and forecast.date is not None:
        text = f"{row.reference}: {row.status.label}, decision expected {forecast.date}"
        bars.append(
            Bar(key, "review", start, forecast.date, AMBER, f"{text} ({forecast.basis})")
        )
        if row.overdue_days:
            late = f"{row.reference}: overdue by {row.overdue_days} Chinese working days"
            bars.append(Bar(key, "overdue", forecast.date, today, RED, late))
    elif row.status.is_decided and licence.submitted_on is not None and forecast.date:
        start = forecast.clock_start or licence.submitted_on
        text = f"{row.reference}: {forecast.basis}"
        bars.append(Bar(key, "review", start, forecast.date, _faded(AMBER), text))
    if row.status is LicenceStatus.REJECTED and licence.decided_on is not None:
        text = f"{row.reference}: rejected {licence.decided_on}"
        bars.append(Bar(key, "decision", licence.decided_on, licence.decided_on, RED, text))
    begin = licence.valid_from or licence.decided_on
    if row.validity_end is not None and begin is not None and row.status.is_decided:
        colour = GREEN if row.status is LicenceStatus.APPROVED else GREY
        text = f"{row.reference}: {row.status.label}, valid {begin} to {row.validity_end}"
        bars.append(Bar(key, "validity", begin, row.validity_end, colour, text))
    return bars


def _faded(colour: str) -> str:
    base = QColor(colour)
    return QColor.fromHsvF(base.hsvHueF(), base.hsvSaturationF() * 0.45, 0.92).name()


class LicenceTimeline(QWidget):
    """One lane per licence from submission to decision and through its validity.

    Signals:
        licence_clicked: The id of the licence whose lane was clicked.
    """

    licence_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[LicenceRow] = []
        self._bars: list[tuple[int, Bar]] = []  # (lane, bar)
        self._today = dt.date.today()
        self._selected: int | None = None
        self._span = (self._today, self._today + dt.timedelta(days=1))
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(AXIS + LEGEND + 2 * LANE)

    def set_rows(self, rows: list[LicenceRow], today: dt.date) -> None:
        """Show these licences (in this order) on `today`."""
        self._rows, self._today = list(rows), today
        self._bars = [
            (lane, bar)
            for lane, row in enumerate(self._rows)
            for bar in licence_bars(row, today)
        ]
        days = [today] + [d for _, b in self._bars for d in (b.start, b.end)]
        first, last = min(days), max(days)
        margin = dt.timedelta(days=max(7, (last - first).days // 40))
        self._span = (first - margin, last + margin)
        self.setMinimumHeight(self.sizeHint().height())
        self.updateGeometry()
        self.update()

    def set_selected(self, licence_id: int | None) -> None:
        """Highlight the lane of this licence (None: no highlight)."""
        self._selected = licence_id
        self.update()

    def bars(self) -> list[Bar]:
        """Return the painted spans, lane by lane."""
        return [bar for _, bar in self._bars]

    def bar_rect(self, bar: Bar) -> QRectF:
        """Return where a span is painted."""
        lane = next(lane for lane, b in self._bars if b is bar)
        return self._rect(lane, bar)

    def bar_at(self, point: QPointF) -> Bar | None:
        """Return the span under a point, if any (the last painted wins)."""
        hits = [bar for lane, bar in self._bars if self._rect(lane, bar).contains(point)]
        return hits[-1] if hits else None

    def sizeHint(self) -> QSize:
        """Reimplemented from QWidget.sizeHint: every lane at full height."""
        return QSize(640, AXIS + LEGEND + LANE * max(len(self._rows), 2) + 4)

    # -- geometry -----------------------------------------------------------------------

    def _x(self, day: dt.date) -> float:
        first, last = self._span
        width = max(self.width() - LABEL_WIDTH - 12, 10)
        return LABEL_WIDTH + width * (day - first).days / max((last - first).days, 1)

    def _rect(self, lane: int, bar: Bar) -> QRectF:
        top = AXIS + lane * LANE + 4
        left = self._x(bar.start)
        # A bar covers its last day; a decision is a marker a few pixels wide.
        right = max(self._x(bar.end + dt.timedelta(days=1)), left + 4)
        return QRectF(left, top, right - left, LANE - 8)

    # -- events -------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        """Reimplemented from QObject.event: tooltips on spans, clicks select a lane."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            bar = self.bar_at(QPointF(event.pos()))
            if bar is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), bar.text, self)
            return True
        if event.type() == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            self.click_at(event.position())
        return super().event(event)

    def click_at(self, point: QPointF) -> None:
        """Select the licence of the lane under `point` (emits licence_clicked)."""
        lane = int((point.y() - AXIS) // LANE)
        if point.y() >= AXIS and 0 <= lane < len(self._rows):
            self.licence_clicked.emit(self._rows[lane].id)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Reimplemented from QWidget.paintEvent."""
        with QPainter(self) as painter:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            palette = self.palette()
            painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
            if not self._rows:
                painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
                painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No licences")
                return
            self._paint_lanes(painter, palette)
            self._paint_axis(painter, palette)
            for lane, bar in self._bars:
                self._paint_bar(painter, self._rect(lane, bar), bar)
            self._paint_today(painter)
            self._paint_legend(painter, palette)

    def _paint_lanes(self, painter: QPainter, palette: QPalette) -> None:
        metrics = QFontMetrics(self.font())
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        for lane, row in enumerate(self._rows):
            band = QRectF(0, AXIS + lane * LANE, self.width(), LANE)
            if row.id == self._selected:
                # A light band keeps the bars' colours readable on the selected lane.
                selected = QColor(palette.color(QPalette.ColorRole.Highlight))
                selected.setAlpha(70)
                painter.fillRect(band, selected)
            elif lane % 2:
                painter.fillRect(band, palette.color(QPalette.ColorRole.AlternateBase))
            elide = Qt.TextElideMode.ElideRight
            label = metrics.elidedText(row.reference, elide, LABEL_WIDTH - 8)
            align = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
            painter.drawText(band.adjusted(6, 0, 0, 0), align, label)

    def _paint_axis(self, painter: QPainter, palette: QPalette) -> None:
        first, last = self._span
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        step = 1 if months <= 14 else 2 if months <= 28 else 3
        grid = QColor(palette.color(QPalette.ColorRole.Mid))
        grid.setAlpha(90)
        bottom = AXIS + LANE * len(self._rows)
        metrics = QFontMetrics(self.font())
        taken, right, year = self._today_box(), 0.0, 0
        day, index = first.replace(day=1), 0
        while day <= last:
            x = self._x(day)
            if day >= first and x >= LABEL_WIDTH:
                painter.setPen(QPen(grid, 1))
                painter.drawLine(QPointF(x, AXIS - 4), QPointF(x, bottom))
                # The year is named on the first label and whenever it changes.
                label = day.strftime("%b" if day.year == year else "%b %Y")
                box = QRectF(x + 3, 2, metrics.horizontalAdvance(label) + 2, AXIS - 6)
                if index % step == 0 and not box.intersects(taken) and box.left() > right:
                    painter.setPen(palette.color(QPalette.ColorRole.Text))
                    painter.drawText(box, Qt.AlignmentFlag.AlignVCenter, label)
                    right, year = box.right() + 6, day.year
            day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
            index += 1

    def _paint_bar(self, painter: QPainter, rect: QRectF, bar: Bar) -> None:
        colour = QColor(bar.colour)
        if bar.kind == "provisional":
            painter.setPen(QPen(colour, 1.5, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
        if bar.kind == "validity":
            rect = rect.adjusted(0, 3, 0, -3)
        painter.drawRoundedRect(rect, 3, 3)

    def _today_box(self) -> QRectF:
        label = f"today {self._today:%d %b}"
        width = QFontMetrics(self.font()).horizontalAdvance(label) + 8
        return QRectF(self._x(self._today) - width / 2, 2, width, AXIS - 6)

    def _paint_today(self, painter: QPainter) -> None:
        x = self._x(self._today)
        painter.setPen(QPen(QColor(TODAY_COLOUR), 2))
        bottom = AXIS + LANE * len(self._rows)
        painter.drawLine(QPointF(x, AXIS - 2), QPointF(x, bottom))
        box = self._today_box()
        painter.fillRect(box, QColor(TODAY_COLOUR))
        painter.setPen(QColor("white"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, f"today {self._today:%d %b}")

    def _paint_legend(self, painter: QPainter, palette: QPalette) -> None:
        y = AXIS + LANE * len(self._rows) + 6
        items = (
            (AMBER, "review (pending)"),
            (RED, "overdue"),
            (GREEN, "valid (approved)"),
            (GREY, "expired / used up"),
        )
        metrics = QFontMetrics(self.font())
        x = float(LABEL_WIDTH)
        for colour, text in items:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colour))
            painter.drawRoundedRect(QRectF(x, y + 3, 14, 10), 2, 2)
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            painter.drawText(QPointF(x + 18, y + 12), text)
            x += 18 + metrics.horizontalAdvance(text) + 16
