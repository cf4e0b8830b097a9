"""Projected stock of one part over time: firm, firm + pending, safety stock, runouts.

Arrivals count on the first day of their period and demand is spread evenly over its
days (planner/engine.py), so each line rises at a period's start and falls straight to
its end. The band between the firm and the firm + pending lines is what pending licences
are expected to add.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCharts import (
    QAreaSeries,
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QDateTime, QMargins, QPointF, Qt, QTime
from PySide6.QtGui import QBrush, QColor, QPainter, QPen

from planner.periods import Bucket
from planner.plan_model import NEVER, date_of

from ui.plan_format import (
    FIRM_LINE,
    PENDING_LINE,
    SAFETY_LINE,
    SHORT_LINE,
    ordinal_text,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from PySide6.QtWidgets import QWidget

    from planner.plan_result import Plan

EMPTY_TITLE = "Select a part in the grid to see its projected stock"


def _msecs(day: date | int) -> float:
    found = date.fromordinal(day) if isinstance(day, int) else day
    moment = QDateTime(QDate(found.year, found.month, found.day), QTime(12, 0))
    return float(moment.toMSecsSinceEpoch())


def stock_points(
    bounds: Sequence[int], on_hand: float, arrivals: Sequence[float], stock: Sequence[float]
) -> list[tuple[int, float]]:
    """Return (day, pieces) corners of a projected stock line.

    Each period starts where the last one ended, jumps by its arrivals and falls to its
    end-of-period stock on the last day.
    """
    level = on_hand
    points = [(bounds[0], level)]
    for period, end_stock in enumerate(stock):
        if arrivals[period]:
            points.append((bounds[period], level + arrivals[period]))
        level = end_stock
        points.append((bounds[period + 1] - 1, level))
    return points


def _runout_words(firm: int, with_pending: int) -> str:
    if firm >= NEVER:
        return "stock lasts the whole horizon"
    if firm == with_pending:
        return f"runs out {ordinal_text(firm)}"
    later = ordinal_text(with_pending) if with_pending < NEVER else "not within the horizon"
    return f"runs out {ordinal_text(firm)} on firm supply, {later} with pending licences"


def _line(
    name: str, colour: QColor, *, width: float = 2.0, dashed: bool = False
) -> QLineSeries:
    series = QLineSeries()
    series.setName(name)
    pen = QPen(colour, width)
    if dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    series.setPen(pen)
    return series


class CoverageChart(QChartView):
    """A chart view showing one part of a plan.

    Attributes:
        part: The part number shown ("" when none).
        runout_markers: The runout points shown (one per view, or one for both).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.part = ""
        self.runout_markers: list[QScatterSeries] = []
        self._scale = 1.0
        self._x = QDateTimeAxis()
        self._y = QValueAxis()
        self._y.setLabelFormat("%.0f")
        self._y.setTitleText("pieces")
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        chart.addAxis(self._x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self._y, Qt.AlignmentFlag.AlignLeft)
        self.setChart(chart)
        self.setMinimumHeight(220)
        self.clear()

    def clear(self, title: str = EMPTY_TITLE) -> None:
        """Show no part."""
        self.chart().removeAllSeries()
        self.runout_markers = []
        self.part = ""
        self.chart().setTitle(title)
        self._x.hide()
        self._y.hide()

    def show_part(self, plan: Plan, row: int, today: date) -> None:
        """Show the projected stock of part `row` of `plan`, with today marked."""
        self.clear()
        snapshot = plan.snapshot
        bounds = [int(b) for b in snapshot.bounds]
        on_hand, safety = float(snapshot.parts.on_hand[row]), float(snapshot.parts.safety[row])
        firm_arrivals = plan.arrivals_firm[row].tolist()
        pending_arrivals = (plan.arrivals_firm[row] + plan.arrivals_pending[row]).tolist()
        firm = stock_points(bounds, on_hand, firm_arrivals, plan.stock_firm[row].tolist())
        with_pending = stock_points(
            bounds, on_hand, pending_arrivals, plan.stock_with_pending[row].tolist()
        )
        start, end = min(bounds[0], today.toordinal()), bounds[-1] - 1
        low, high = self._set_y_range([v for _, v in firm + with_pending] + [safety, 0.0])
        self.part = snapshot.parts.number[row]
        runouts = int(plan.runout_firm[row]), int(plan.runout_with_pending[row])
        self.chart().setTitle(f"<b>{self.part}</b>: {_runout_words(*runouts)}")
        self._add_band(firm, with_pending)
        self._add(self._points(_line("Firm supply", FIRM_LINE), firm))
        pending_line = _line("Firm + pending", PENDING_LINE, dashed=True)
        self._add(self._points(pending_line, with_pending))
        safety_line = _line(f"Safety {safety:,.0f}", SAFETY_LINE, width=1.2, dashed=True)
        self._add(self._points(safety_line, [(start, safety), (end, safety)]))
        if low < 0:
            zero = _line("zero", QColor("#7a7f87"), width=0.8)
            self._add(self._points(zero, [(start, 0.0), (end, 0.0)]), legend=False)
        today_line = _line(f"Today {today:%d %b}", QColor("#5b6270"), width=1.2)
        day = today.toordinal()
        self._add(self._points(today_line, [(day, low), (day, high)]))
        self._add_runouts(*runouts)
        monthly = snapshot.scenario.bucket is Bucket.MONTH
        self._x.setFormat("MMM yyyy" if monthly else "d MMM")
        self._x.setTickCount(min(snapshot.period_count + 1, 5))
        self._x.setRange(
            QDateTime.fromMSecsSinceEpoch(int(_msecs(start))),
            QDateTime.fromMSecsSinceEpoch(int(_msecs(end))),
        )
        self._x.show()
        self._y.show()

    def _set_y_range(self, values: list[float]) -> tuple[float, float]:
        """Scale the pieces axis to the values (thousands when large); return its range."""
        low, high = min(values), max(values)
        self._scale = 1000.0 if max(abs(low), abs(high)) >= 20_000 else 1.0
        self._y.setTitleText("thousand pieces" if self._scale > 1 else "pieces")
        # Far below zero only says "short": keep the scale on what is still in stock.
        low = max(low, -max(high, 1.0))
        pad = (high - low) * 0.06 or 1.0
        low, high = (low - pad if low < 0 else 0.0), high + pad
        self._y.setRange(low / self._scale, high / self._scale)
        self._y.applyNiceNumbers()
        return self._y.min() * self._scale, self._y.max() * self._scale

    def series_names(self) -> list[str]:
        """Return the names of the series shown (the legend), in drawing order."""
        return [series.name() for series in self.chart().series()]

    # -- helpers ----------------------------------------------------------------------------

    def _points(self, series: QLineSeries, points: Sequence[tuple[int, float]]) -> QLineSeries:
        scale = self._scale
        series.replace([QPointF(_msecs(day), value / scale) for day, value in points])
        return series

    def _add(self, series: QLineSeries, *, legend: bool = True) -> None:
        chart = self.chart()
        chart.addSeries(series)
        series.attachAxis(self._x)
        series.attachAxis(self._y)
        if not legend:
            for marker in chart.legend().markers(series):
                marker.setVisible(False)

    def _add_band(
        self, firm: Sequence[tuple[int, float]], with_pending: Sequence[tuple[int, float]]
    ) -> None:
        upper = self._points(QLineSeries(), with_pending)
        lower = self._points(QLineSeries(), firm)
        band = QAreaSeries(upper, lower)
        upper.setParent(band)  # the chart deletes the band; its edges go with it
        lower.setParent(band)
        band.setName("Pending")
        colour = QColor(PENDING_LINE)
        colour.setAlpha(60)
        band.setBrush(QBrush(colour))
        band.setPen(QPen(Qt.PenStyle.NoPen))
        self.chart().addSeries(band)
        band.attachAxis(self._x)
        band.attachAxis(self._y)
        for marker in self.chart().legend().markers(band):
            marker.setVisible(False)

    def _add_runouts(self, firm: int, with_pending: int) -> None:
        if firm < NEVER and firm == with_pending:
            self._marker("Runs out", firm, SHORT_LINE)
            return
        if firm < NEVER:
            self._marker("Runs out (firm)", firm, SHORT_LINE)
        if with_pending < NEVER:
            self._marker("Runs out (pending)", with_pending, PENDING_LINE)

    def _marker(self, name: str, day: int, colour: QColor) -> None:
        marker = QScatterSeries()
        marker.setName(name)
        marker.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeTriangle)
        marker.setMarkerSize(13)
        marker.setColor(colour)
        marker.setBorderColor(QColor("#ffffff"))
        marker.append(_msecs(day), 0.0)
        found = date_of(day)
        marker.setPointLabelsFormat(f"{found:%d %b}" if found else "")
        marker.setPointLabelsVisible(True)
        marker.setPointLabelsColor(colour)
        self.chart().addSeries(marker)
        marker.attachAxis(self._x)
        marker.attachAxis(self._y)
        self.runout_markers.append(marker)
