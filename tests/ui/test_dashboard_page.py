"""The Dashboard: figures from a background plan, alerts with links, never fake numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from PySide6.QtWidgets import QLabel, QPushButton

from planner.licence_alerts import alerts, summary_line
from planner.schema import Stock

from ui.commands import SetFieldsCommand
from ui.dashboard_page import CALCULATING, DashboardPage
from ui.plan_page import PlanPage

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from PySide6.QtGui import QUndoStack

    from ui.main_window import MainWindow
    from ui.session import WorkspaceSession
    from ui.settings import Settings


def wait_for_figures(qtbot: QtBot, page: DashboardPage) -> None:
    qtbot.waitUntil(lambda: page.figures is not None and not page.busy(), timeout=10_000)


@pytest.fixture
def page(
    qtbot: QtBot, undo_stack: QUndoStack, settings: Settings, session: WorkspaceSession
) -> Iterator[DashboardPage]:
    result = DashboardPage(undo_stack=undo_stack, settings=settings)
    qtbot.addWidget(result)
    result.resize(1160, 820)
    result.set_session(session)
    yield result
    result.set_session(None)


def test_says_calculating_until_the_plan_has_run(qtbot: QtBot, page: DashboardPage) -> None:
    assert page.busy()
    for card in (page.at_risk, page.line_stop, page.pending, page.china):
        assert card.value.text() == CALCULATING
    assert page.alert_summary.text() == CALCULATING
    wait_for_figures(qtbot, page)
    assert page.at_risk.value.text() != CALCULATING


def test_shows_the_earliest_line_stop_and_its_basis(qtbot: QtBot, page: DashboardPage) -> None:
    wait_for_figures(qtbot, page)
    assert page.line_stop.value.text() == "27 Dec 2026"
    assert "Chassis sensor kit" in page.line_stop.detail.text()
    assert "MG-1602" in page.line_stop.detail.text()
    assert page.at_risk.value.text() == "23 of 25"
    assert "first MG-1602 on 27 Dec 2026" in page.at_risk.detail.text()
    assert page.pending.value.text() == "560,000 pcs"
    assert "3 pending licences" in page.pending.detail.text()
    assert page.china.value.text() == "99%"
    basis = page.basis.text()
    assert "statutory licence review, 45 Chinese working days" in basis
    assert "rules as of 31 May 2026" in basis
    assert "Chassis sensor kit" in page.stops.text()
    assert page.status_counts() == "23 of 25 parts at risk"


def test_shows_the_alert_summary_and_top_alerts(
    qtbot: QtBot, page: DashboardPage, session: WorkspaceSession
) -> None:
    wait_for_figures(qtbot, page)
    found = alerts(session.workspace, session.today, rule_set=session.rule_set)
    summary = summary_line(found)
    assert page.alert_summary.text().lower() == summary.lower() + "."
    assert 0 < len(page.alert_rows) <= 6
    assert found[0].text in [label.text() for label in page.alert_rows[0].findChildren(QLabel)]


def test_links_ask_to_navigate(qtbot: QtBot, page: DashboardPage) -> None:
    wait_for_figures(qtbot, page)
    with qtbot.waitSignal(page.navigate, check_params_cb=lambda key: key == "plan"):
        page.line_stop.link.click()
    button = page.alert_rows[0].findChild(QPushButton)
    assert button is not None
    with qtbot.waitSignal(page.navigate, check_params_cb=lambda k: k in {"licences", "rules"}):
        button.click()


def test_an_edit_refreshes_the_figures_when_shown(
    qtbot: QtBot, page: DashboardPage, session: WorkspaceSession, undo_stack: QUndoStack
) -> None:
    wait_for_figures(qtbot, page)
    shown = page.figures
    stock = session.workspace.all(Stock)[0]
    undo_stack.push(SetFieldsCommand(session, Stock, stock.part_id, {"on_hand": 0.0}, "Set"))
    assert page.figures is shown  # hidden: nothing runs until the page is shown
    page.show()
    qtbot.waitUntil(lambda: page.figures is not shown and not page.busy(), timeout=10_000)


def test_dashboard_links_switch_pages_in_the_main_window(
    qtbot: QtBot, make_main_window: Callable[[], MainWindow], sample_path: Path
) -> None:
    window = make_main_window()
    window.open_workspace(sample_path)
    window.show_page("dashboard")
    page = window.current_page()
    assert isinstance(page, DashboardPage)
    wait_for_figures(qtbot, page)
    page.at_risk.link.click()
    plan = window.current_page()
    assert isinstance(plan, PlanPage)
    qtbot.waitUntil(lambda: plan.plan is not None and not plan.busy(), timeout=10_000)
    window.close_workspace()
