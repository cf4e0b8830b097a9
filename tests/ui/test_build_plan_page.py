"""The build plan page: renders the sample, horizon and first period, fill, paste, state."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from PySide6.QtCore import QDate, QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit, QStyleOptionViewItem, QWidget

from planner.schema import BuildPlanEntry, Product

from ui.build_plan_page import BuildPlanPage
from ui.roles import KeyRole
from ui.settings import Settings

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from PySide6.QtGui import QUndoStack

    from ui.build_plan_model import BuildPlanModel
    from ui.session import WorkspaceSession


@pytest.fixture
def page(
    qtbot: QtBot, undo_stack: QUndoStack, settings: Settings, session: WorkspaceSession
) -> BuildPlanPage:
    """Return the page showing the sample, at the size of a laptop window."""
    result = BuildPlanPage(undo_stack=undo_stack, settings=settings)
    qtbot.addWidget(result)
    result.set_session(session)
    result.resize(1360, 860)
    return result


def plan(page: BuildPlanPage) -> BuildPlanModel:
    """Return the page's model."""
    assert page.model is not None
    return page.model


def non_blank(widget: QWidget) -> bool:
    """Return whether a grab of the widget shows more than a few colours."""
    image = widget.grab().toImage()
    step = 13
    colours = {
        image.pixel(x, y)
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
    }
    return len(colours) > 5


def select(page: BuildPlanPage, rows: range, columns: range) -> None:
    """Select a block of grid cells."""
    model = plan(page)
    top_left = model.index(rows.start, columns.start)
    bottom_right = model.index(rows.stop - 1, columns.stop - 1)
    selection = page.grid.selectionModel()
    selection.setCurrentIndex(top_left, QItemSelectionModel.SelectionFlag.NoUpdate)
    selection.select(
        QItemSelection(top_left, bottom_right), QItemSelectionModel.SelectionFlag.ClearAndSelect
    )


def test_renders_the_sample_with_counts_and_hint(page: BuildPlanPage, qtbot: QtBot) -> None:
    page.show()
    qtbot.waitExposed(page)
    assert non_blank(page)
    assert page.status_counts() == "7 products × 12 months, 2.5 M units"
    assert "EPS-M200 rotor" in page.hint.text()
    assert "not planned here" in page.hint.text()
    assert page.grid.verticalHeader().isVisible()  # product names stay put
    assert page.fill_right_action.shortcut().toString() == "Ctrl+R"
    assert page.fill_down_action.shortcut().toString() == "Ctrl+D"


def test_horizon_and_first_period_change_the_columns(page: BuildPlanPage) -> None:
    page.horizon.setCurrentIndex(page.horizon.findData(24))
    assert plan(page).columnCount() == 25
    assert page.status_counts() == "7 products × 24 months, 2.5 M units"
    page.first_period.setDate(QDate(2027, 6, 1))
    assert plan(page).headerData(0, Qt.Orientation.Horizontal) == "Jun 2027"
    assert page.status_counts() == "7 products × 24 months, 1.2 M units"


def test_status_counts_follow_an_edit(page: BuildPlanPage) -> None:
    model = plan(page)
    assert model.setData(model.index(0, 0), "1,015,000")
    assert page.status_counts() == "7 products × 12 months, 3.5 M units"


def test_fill_right_action_is_one_undo_step(
    page: BuildPlanPage, undo_stack: QUndoStack, session: WorkspaceSession
) -> None:
    select(page, range(0, 2), range(0, 6))
    page.fill_right_action.trigger()
    assert undo_stack.count() == 1
    assert [plan(page).index(1, c).data() for c in range(6)] == ["18,000"] * 6
    undo_stack.undo()
    assert plan(page).index(1, 5).data() == "23,000"


def test_fill_down_action_is_one_undo_step(page: BuildPlanPage, undo_stack: QUndoStack) -> None:
    select(page, range(0, 7), range(2, 3))
    page.fill_down_action.trigger()
    assert undo_stack.count() == 1
    assert plan(page).index(6, 2).data() == "16,000"


def test_fill_without_a_block_says_what_to_select(page: BuildPlanPage) -> None:
    select(page, range(0, 1), range(0, 1))
    page.fill_down_action.trigger()
    assert "select cells" in page.message.text()


def test_pasted_block_with_a_bad_cell_reports_it(
    page: BuildPlanPage, undo_stack: QUndoStack
) -> None:
    select(page, range(1, 2), range(0, 1))
    QGuiApplication.clipboard().setText("1\t2\t3\t4\n5\tmany\t7\t8\n9\t10\t11\t12\n")
    page.grid.paste()
    text = page.message.text()
    assert "Pasted 11 cell(s); refused 1" in text
    assert "line 2, Jan 2027: 'many' is not a number" in text
    assert undo_stack.count() == 1


def test_refused_edit_shows_why(page: BuildPlanPage) -> None:
    model = plan(page)
    assert not model.setData(model.index(0, 0), "-3")
    assert page.message.isVisibleTo(page)
    assert "cannot be negative" in page.message.text()


def test_delete_clears_the_selected_cells(
    page: BuildPlanPage, undo_stack: QUndoStack, session: WorkspaceSession
) -> None:
    before = len(session.workspace.all(BuildPlanEntry))
    select(page, range(0, 2), range(0, 3))
    page.grid.delete_selection()
    assert len(session.workspace.all(BuildPlanEntry)) == before - 6
    assert undo_stack.count() == 1
    undo_stack.undo()
    assert len(session.workspace.all(BuildPlanEntry)) == before


def test_copying_whole_rows_starts_with_product_names(page: BuildPlanPage) -> None:
    page.grid.selectRow(1)
    page.grid.copy()
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].startswith("Product\tDec 2026\tJan 2027")
    assert lines[1].startswith("EPS-M200 steering motor\t18000\t19000")


def test_number_editor_opens_on_plain_text_and_writes_back(
    page: BuildPlanPage, session: WorkspaceSession
) -> None:
    index = plan(page).index(1, 0)
    delegate = page.grid.itemDelegateForIndex(index)
    editor = delegate.createEditor(page.grid.viewport(), QStyleOptionViewItem(), index)
    assert isinstance(editor, QLineEdit)
    delegate.setEditorData(editor, index)
    assert editor.text() == "18000"
    editor.setText("18 500")
    delegate.setModelData(editor, plan(page), index)
    product_id, period = index.data(KeyRole)
    entry = session.workspace.get(BuildPlanEntry, (product_id, period))
    assert entry is not None
    assert (entry.quantity, period) == (18500, date(2026, 12, 1))


def test_horizon_is_remembered(
    page: BuildPlanPage, qtbot: QtBot, undo_stack: QUndoStack, session: WorkspaceSession
) -> None:
    page.horizon.setCurrentIndex(page.horizon.findData(36))
    page.save_state()
    other = BuildPlanPage(undo_stack=undo_stack, settings=Settings())
    qtbot.addWidget(other)
    other.set_session(session)
    other.restore_state()
    assert other.horizon.currentData() == 36
    assert plan(other).columnCount() == 37


def test_without_a_workspace_the_page_is_empty(page: BuildPlanPage) -> None:
    page.set_session(None)
    assert page.model is None
    assert page.status_counts() == ""
    assert not page.grid.isEnabled()


def test_empty_workspace_says_how_to_start(
    qtbot: QtBot, undo_stack: QUndoStack, empty_session: WorkspaceSession
) -> None:
    page = BuildPlanPage(undo_stack=undo_stack, settings=Settings())
    qtbot.addWidget(page)
    page.set_session(empty_session)
    assert "No products yet" in page.hint.text()
    assert page.status_counts() == "0 products × 12 months, 0 units"


def test_a_new_product_updates_rows_hint_and_counts(
    page: BuildPlanPage, session: WorkspaceSession
) -> None:
    _, change = session.workspace.insert(
        Product(name="Brake booster", kind="assembly"), operation="test"
    )
    session.notify(change)
    assert "Brake booster" in page.hint.text()
    _, change = session.workspace.insert(Product(name="Pump motor"), operation="test")
    session.notify(change)
    assert plan(page).product_count == 8
    assert page.status_counts().startswith("8 products × 12 months")
