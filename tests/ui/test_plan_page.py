"""The Plan page: background recalculation, coverage, chart, accepting purchases, scenarios."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Protocol

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from planner.plan_model import PendingMode
from planner.schema import Order, Stock

from ui.commands import SetFieldsCommand
from ui.plan_page import ACCEPTED_NOTE, PlanPage
from ui.plan_toolbar import UNSAVED
from ui.recommendations_model import ACCEPTED, COLUMN_OF

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from pytestqt.qtbot import QtBot

    from PySide6.QtCore import QAbstractItemModel
    from PySide6.QtGui import QUndoStack

    from ui.main_window import MainWindow
    from ui.session import WorkspaceSession
    from ui.settings import Settings


class ModelChecker(Protocol):
    """The typed part of pytest-qt's `qtmodeltester` fixture."""

    def check(self, model: QAbstractItemModel) -> None:
        """Run QAbstractItemModelTester on `model` for the rest of the test."""


def wait_for_plan(qtbot: QtBot, page: PlanPage) -> None:
    qtbot.waitUntil(lambda: page.plan is not None and not page.busy(), timeout=10_000)


@pytest.fixture
def page(
    qtbot: QtBot, undo_stack: QUndoStack, settings: Settings, session: WorkspaceSession
) -> Iterator[PlanPage]:
    """Return the page showing the sample's plan, at the size of a laptop window."""
    result = PlanPage(undo_stack=undo_stack, settings=settings)
    qtbot.addWidget(result)
    result.resize(1160, 820)
    result.set_session(session)
    wait_for_plan(qtbot, result)
    yield result
    result.set_session(None)  # waits for any calculation still reading the workspace


def planned_orders(session: WorkspaceSession) -> list[Order]:
    return [o for o in session.workspace.all(Order) if o.status == "planned"]


def test_recalculate_runs_in_the_background_and_fills_the_grid(
    qtbot: QtBot, page: PlanPage
) -> None:
    first = page.plan
    assert page.coverage.model.rowCount() == 25
    assert page.coverage.model.columnCount() == 14
    assert "statutory" in page.basis.text()
    assert "rules as of 31 May 2026" in page.basis.text()
    with qtbot.waitSignal(page.plan_changed, timeout=10_000):
        page.recalculate()
        assert page.busy()  # returned at once: the engine runs on a worker thread
    assert page.plan is not first
    assert not page.busy()
    assert page.tabs.tabText(1) == "Purchase plan (231)"
    summary = page.purchases.summary.text()
    assert summary.startswith("231 purchases recommended: 36 late, 0 infeasible; cost ")
    assert "EUR" in summary
    assert page.status_counts().startswith("25 parts:")


def test_ctrl_shift_r_recalculates(qtbot: QtBot, page: PlanPage) -> None:
    assert page.recalculate_action.shortcut().toString() == "Ctrl+Shift+R"
    with qtbot.waitSignal(page.plan_changed, timeout=10_000):
        page.recalculate_action.trigger()


def test_chart_of_mg_1401_has_series_and_a_runout_marker(page: PlanPage) -> None:
    page.coverage.select_part("MG-1401")
    chart = page.coverage.chart
    assert chart.part == "MG-1401"
    assert len(chart.chart().series()) >= 5
    assert chart.runout_markers
    assert page.purchases.selected_part_only.text() == "Only MG-1401"


def test_firm_only_view_shows_mg_1401_running_out_earlier(page: PlanPage) -> None:
    model, proxy = page.coverage.model, page.coverage.proxy
    row = model.row_of("MG-1401")
    with_pending = model.index(row, 1).data()
    before = [proxy.index(r, 0).data() for r in range(proxy.rowCount())].index("MG-1401")
    page.coverage.firm_only.setChecked(True)
    assert model.firm_only
    firm = model.index(row, 1).data()
    assert (firm, with_pending) == ("21 Jan 2027", "29 Mar 2027")
    # The grid re-sorts by the view's runout: MG-1401 moves up, after MG-1002 (20 Jan).
    order = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
    assert order.index("MG-1401") == order.index("MG-1002") + 1 < before


def test_accept_creates_a_planned_order_undo_removes_it_redo_restores_it(
    page: PlanPage, session: WorkspaceSession, undo_stack: QUndoStack
) -> None:
    model = page.purchases.model
    row = next(r for r in range(model.rowCount()) if model.part_number(r) == "MG-1703")
    before = len(planned_orders(session))
    view, proxy = page.purchases.view, page.purchases.proxy
    view.selectRow(proxy.mapFromSource(model.index(row, 0)).row())
    assert page.purchases.accept_button.isEnabled()
    page.purchases.accept_button.click()
    orders = planned_orders(session)
    assert len(orders) == before + 1
    assert orders[-1].quantity == float(page.plan.recommendations.qty[row])  # type: ignore[union-attr]
    assert model.index(row, COLUMN_OF["status"]).data() == ACCEPTED
    assert not page.purchases.accept_button.isEnabled()
    assert page.banner.isVisibleTo(page)
    assert ACCEPTED_NOTE in page.banner.text.text()
    assert undo_stack.undoText().startswith("Accept purchase of")
    undo_stack.undo()
    assert len(planned_orders(session)) == before
    assert model.index(row, COLUMN_OF["status"]).data() != ACCEPTED
    undo_stack.redo()
    assert len(planned_orders(session)) == before + 1
    assert model.index(row, COLUMN_OF["status"]).data() == ACCEPTED


def test_accepting_several_purchases_is_one_undo_step(
    page: PlanPage, session: WorkspaceSession, undo_stack: QUndoStack
) -> None:
    model = page.purchases.model
    rows = [r for r in range(model.rowCount()) if model.can_accept(r)][:3]
    before = len(planned_orders(session))
    page.accept_purchases(rows)
    assert len(planned_orders(session)) == before + 3
    assert "licence" in page.message.text() or "planned order" in page.message.text()
    undo_stack.undo()
    assert len(planned_orders(session)) == before


def test_an_edit_makes_the_plan_stale_until_recalculated(
    qtbot: QtBot, page: PlanPage, session: WorkspaceSession, undo_stack: QUndoStack
) -> None:
    assert not page.banner.isVisibleTo(page)
    stock = session.workspace.all(Stock)[0]
    undo_stack.push(
        SetFieldsCommand(session, Stock, stock.part_id, {"on_hand": 1.0}, "Set stock")
    )
    assert page.banner.isVisibleTo(page)
    assert "workspace changed" in page.banner.text.text()
    assert not page.busy()  # an edit never re-plans by itself
    with qtbot.waitSignal(page.plan_changed, timeout=10_000):
        page.banner.button.click()
    assert not page.banner.isVisibleTo(page)


def test_changing_a_setting_makes_the_plan_stale(page: PlanPage) -> None:
    page.bar.horizon.setValue(18)
    assert "settings changed" in page.banner.text.text()
    assert page.bar.current_name() == ""
    assert page.bar.scenario(date(2026, 12, 1)).horizon == 18


def test_weeks_custom_review_and_delayed_pending(qtbot: QtBot, page: PlanPage) -> None:
    bar = page.bar
    bar.bucket.setCurrentIndex(bar.bucket.findData("week"))
    bar.horizon.setValue(8)
    bar.review.setCurrentIndex(bar.review.findData("custom"))
    assert not bar.review_days.isHidden()
    bar.review_days.setValue(60)
    bar.pending.setCurrentIndex(bar.pending.findData(PendingMode.DELAYED.value))
    assert not bar.delay_days.isHidden()
    bar.delay_days.setValue(10)
    with qtbot.waitSignal(page.plan_changed, timeout=10_000):
        bar.recalculate_button.click()
    assert page.plan is not None
    scenario = page.plan.snapshot.scenario
    assert (scenario.review_days, scenario.pending_delay_working_days) == (60, 10)
    assert page.coverage.model.columnCount() == 2 + 8
    first = page.coverage.model.headerData(2, Qt.Orientation.Horizontal)
    assert str(first).startswith("2026-W")
    assert "delayed by 10 working days" in page.basis.text()
    assert "custom" in bar.describe() or "60 working days" in bar.describe()


def test_cancel_leaves_the_previous_plan_shown(qtbot: QtBot, page: PlanPage) -> None:
    shown = page.plan
    page.recalculate()
    assert page.busy()
    with qtbot.assertNotEmitted(page.plan_changed, wait=300):
        page.runner.cancel()
    page.runner.wait()
    assert not page.busy()
    assert page.plan is shown
    assert page.coverage.model.rowCount() == 25
    assert "cancelled" in page.message.text()


def test_save_and_compare_statutory_with_all_rejected(
    qtbot: QtBot,
    page: PlanPage,
    undo_stack: QUndoStack,
    monkeypatch: pytest.MonkeyPatch,
    qtmodeltester: ModelChecker,
) -> None:
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("Statutory", True))
    page.save_scenario_as()
    page.bar.pending.setCurrentIndex(page.bar.pending.findData(PendingMode.REJECTED.value))
    page.save_scenario("All rejected")
    assert page.bar.names() == ["All rejected", "Statutory"]
    assert page.bar.current_name() == "All rejected"
    compare = page.comparison
    compare.first.setCurrentText("Statutory")
    compare.second.setCurrentText("All rejected")
    assert compare.compare_button.isEnabled()
    with qtbot.waitSignal(compare.compared, timeout=10_000):
        compare.compare_button.click()
    qtmodeltester.check(compare.model)
    qtmodeltester.check(compare.proxy)
    rows = {row.part: row for row in compare.model.rows}
    mg1401 = rows["MG-1401"]
    assert mg1401.a_with_pending == date(2027, 3, 29)
    assert mg1401.b_with_pending == date(2027, 1, 21)
    assert mg1401.shift_days == -67
    proxy = compare.proxy
    parts = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
    proxy_row = parts.index("MG-1401")
    assert compare.proxy.index(proxy_row, 5).data() == "−67"
    assert "parts</b> run out on a different date" in compare.summary.text()
    compare.only_changed.setChecked(True)
    assert compare.proxy.rowCount() == compare.model.changed_count() < 25
    # Deleting a scenario is undoable.
    page.delete_scenario()
    assert page.bar.names() == ["Statutory"]
    undo_stack.undo()
    assert page.bar.names() == ["All rejected", "Statutory"]


def test_choosing_a_saved_scenario_loads_and_plans_it(qtbot: QtBot, page: PlanPage) -> None:
    page.bar.pending.setCurrentIndex(page.bar.pending.findData(PendingMode.REJECTED.value))
    page.save_scenario("All rejected")
    page.bar.pending.setCurrentIndex(0)
    assert page.bar.current_name() == ""
    index = page.bar.saved.findData("All rejected")
    with qtbot.waitSignal(page.plan_changed, timeout=10_000):
        page.bar.saved.setCurrentIndex(index)
        page.bar.saved.activated.emit(index)
    assert page.plan is not None
    assert page.plan.snapshot.scenario.pending is PendingMode.REJECTED
    assert "pending licences rejected" in page.basis.text()
    assert page.bar.saved.currentText() == "All rejected"
    assert UNSAVED not in page.basis.text()


def test_empty_workspace_plans_without_parts(
    qtbot: QtBot, undo_stack: QUndoStack, settings: Settings, empty_session: WorkspaceSession
) -> None:
    result = PlanPage(undo_stack=undo_stack, settings=settings)
    qtbot.addWidget(result)
    result.set_session(empty_session)
    wait_for_plan(qtbot, result)
    assert result.coverage.model.rowCount() == 0
    assert result.coverage.chart.chart().title() == "No magnet parts in this workspace yet"
    result.set_session(None)
    assert result.plan is None
    assert not result.bar.isEnabled()


def test_state_and_edit_target(page: PlanPage, settings: Settings) -> None:
    page.save_state()
    page.restore_state()
    assert page.default_edit_target() is page.coverage.view
    page.tabs.setCurrentWidget(page.purchases)
    assert page.default_edit_target() is page.purchases.view
    page.focus_search()
    page.tabs.setCurrentWidget(page.comparison)
    assert page.default_edit_target() is page.comparison.view
    page.focus_search()
    assert page.tabs.currentWidget() is page.coverage


def test_the_plan_page_in_the_main_window(
    qtbot: QtBot, make_main_window: Callable[[], MainWindow], sample_path: object
) -> None:
    from pathlib import Path

    window = make_main_window()
    assert isinstance(sample_path, Path)
    window.open_workspace(sample_path)
    window.show_page("plan")
    page = window.current_page()
    assert isinstance(page, PlanPage)
    wait_for_plan(qtbot, page)
    assert page.coverage.model.rowCount() == 25
    window.close_workspace()
    assert page.plan is None
    assert page.coverage.view.horizontalHeader().count() == 0
