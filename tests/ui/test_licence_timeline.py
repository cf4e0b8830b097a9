"""The licence timeline: spans per licence, colours, today line, hover text and clicks."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor

from planner.licence_rows import LicenceBook

from ui.licence_timeline import AMBER, GREEN, RED, LicenceTimeline, licence_bars

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from planner.licence_rows import LicenceRow

    from ui.session import WorkspaceSession

TODAY = date(2026, 11, 30)


@pytest.fixture
def rows(session: WorkspaceSession) -> list[LicenceRow]:
    return LicenceBook.of(session.workspace, TODAY, rule_set=session.rule_set).rows()


@pytest.fixture
def timeline(qtbot: QtBot, rows: list[LicenceRow]) -> LicenceTimeline:
    widget = LicenceTimeline()
    qtbot.addWidget(widget)
    widget.set_rows(rows, TODAY)
    widget.resize(900, widget.sizeHint().height())
    return widget


def by_reference(rows: list[LicenceRow], reference: str) -> LicenceRow:
    return next(row for row in rows if row.reference == reference)


def test_spans_follow_each_licence_state(rows: list[LicenceRow]) -> None:
    late = licence_bars(by_reference(rows, "LIC-BT-2026-012"), TODAY)
    assert [(b.kind, b.start, b.end, b.colour) for b in late] == [
        ("review", date(2026, 8, 28), date(2026, 11, 5), AMBER),
        ("overdue", date(2026, 11, 5), TODAY, RED),
    ]
    approved = licence_bars(by_reference(rows, "LIC-NB-2026-031"), TODAY)
    assert [b.kind for b in approved] == ["review", "validity"]
    assert (approved[1].start, approved[1].end, approved[1].colour) == (
        date(2026, 8, 28),
        date(2027, 2, 27),
        GREEN,
    )
    draft = licence_bars(by_reference(rows, "LIC-BT-2027-002"), TODAY)
    assert [(b.kind, b.start) for b in draft] == [("provisional", TODAY)]
    rejected = licence_bars(by_reference(rows, "LIC-BT-2025-077"), TODAY)
    assert [b.kind for b in rejected] == ["review", "decision"]


def test_renders_with_the_overdue_bar_in_red(timeline: LicenceTimeline, qtbot: QtBot) -> None:
    timeline.show()
    qtbot.waitExposed(timeline)
    image = timeline.grab().toImage()
    colours = {
        image.pixel(x, y)
        for x in range(0, image.width(), 7)
        for y in range(0, image.height(), 7)
    }
    assert len(colours) > 8
    overdue = next(b for b in timeline.bars() if b.kind == "overdue")
    centre = timeline.bar_rect(overdue).center()
    ratio = image.devicePixelRatio()
    pixel = QColor(image.pixel(int(centre.x() * ratio), int(centre.y() * ratio)))
    red = QColor(RED)
    assert abs(pixel.red() - red.red()) < 30
    assert abs(pixel.green() - red.green()) < 30
    assert abs(pixel.blue() - red.blue()) < 30


def test_hover_text_and_click(timeline: LicenceTimeline, qtbot: QtBot) -> None:
    overdue = next(b for b in timeline.bars() if b.kind == "overdue")
    rect = timeline.bar_rect(overdue)
    found = timeline.bar_at(rect.center())
    assert found is overdue
    assert found.text == "LIC-BT-2026-012: overdue by 17 Chinese working days"
    assert timeline.bar_at(QPointF(2, 2)) is None
    with qtbot.waitSignal(timeline.licence_clicked) as blocker:
        timeline.click_at(rect.center())
    assert blocker.args == [overdue.licence_id]
    timeline.set_selected(overdue.licence_id)
    assert timeline.grab().width() == timeline.width()


def test_today_lies_within_the_span(timeline: LicenceTimeline) -> None:
    bars = timeline.bars()
    assert min(b.start for b in bars) < TODAY < max(b.end for b in bars)


def test_empty_timeline_says_so(qtbot: QtBot) -> None:
    widget = LicenceTimeline()
    qtbot.addWidget(widget)
    widget.set_rows([], TODAY)
    widget.resize(400, 120)
    assert widget.bars() == []
    assert not widget.grab().isNull()
