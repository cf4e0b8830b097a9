"""The build plan model: products × periods, totals, edits, fills and pasted blocks."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Protocol

import pytest

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from planner.schema import BuildPlanEntry, Product
from planner.workspace import Change, ChangeKind

from ui.build_plan_model import BuildPlanModel, read_quantity
from ui.commands import SetBuildQuantitiesCommand
from ui.roles import EditTextRole
from ui.table_view import ExcelTableView

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from PySide6.QtCore import QAbstractItemModel
    from PySide6.QtGui import QUndoStack

    from planner.tsv import PasteReport

    from ui.session import WorkspaceSession


class ModelChecker(Protocol):
    """The typed part of pytest-qt's `qtmodeltester` fixture."""

    def check(self, model: QAbstractItemModel) -> None:
        """Run QAbstractItemModelTester on `model` for the rest of the test."""


DEC, JAN, FEB = date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)
EPS = "EPS-M200 steering motor"


@pytest.fixture
def model(session: WorkspaceSession, undo_stack: QUndoStack) -> BuildPlanModel:
    """Return a build plan model over the sample."""
    return BuildPlanModel(session, undo_stack=undo_stack)


def row_of(model: BuildPlanModel, name: str) -> int:
    """Return the row of a product."""
    return next(r for r in range(model.product_count) if model.product_name(r) == name)


def shown(model: BuildPlanModel, row: int, column: int) -> str:
    """Return the text a cell shows."""
    return str(model.index(row, column).data(Qt.ItemDataRole.DisplayRole))


def stored(session: WorkspaceSession, name: str, period: date) -> float | None:
    """Return the stored quantity of a product in a period."""
    product = next(p for p in session.workspace.all(Product) if p.name == name)
    entry = session.workspace.get(BuildPlanEntry, (product.id, period))
    return entry.quantity if entry is not None else None


def test_passes_the_model_tester(model: BuildPlanModel, qtmodeltester: ModelChecker) -> None:
    qtmodeltester.check(model)


def test_rows_are_products_with_a_totals_row_and_months_with_a_total_column(
    model: BuildPlanModel,
) -> None:
    names = [model.product_name(r) for r in range(model.product_count)]
    assert len(names) == 7
    assert "EPS-M200 rotor" not in names  # a sub-assembly, driven by its parent
    assert model.rowCount() == 8
    assert model.columnCount() == 13
    horizontal = Qt.Orientation.Horizontal
    assert model.headerData(0, horizontal) == "Dec 2026"
    assert model.headerData(11, horizontal) == "Nov 2027"
    assert model.headerData(12, horizontal) == "Total"
    assert model.headerData(7, Qt.Orientation.Vertical) == "Total"


def test_numbers_are_grouped_right_aligned_and_totals_bold_and_read_only(
    model: BuildPlanModel,
) -> None:
    eps = row_of(model, EPS)
    cell = model.index(eps, 0)
    assert cell.data() == "18,000"
    assert cell.data(EditTextRole) == "18000"
    assert cell.data(Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    )
    assert cell.flags() & Qt.ItemFlag.ItemIsEditable
    assert shown(model, eps, 12) == "255,000"
    assert shown(model, 7, 0) == "196,500"
    assert shown(model, 7, 12) == "2,483,500"
    total = model.index(7, 12)
    assert total.data(Qt.ItemDataRole.FontRole).bold()
    assert not total.flags() & Qt.ItemFlag.ItemIsEditable
    assert not model.index(eps, 12).flags() & Qt.ItemFlag.ItemIsEditable
    assert model.setData(total, "1") is False


def test_edit_undo_redo_updates_cell_totals_and_workspace(
    model: BuildPlanModel, session: WorkspaceSession, undo_stack: QUndoStack, qtbot: QtBot
) -> None:
    eps = row_of(model, EPS)
    with qtbot.waitSignal(
        model.dataChanged, check_params_cb=lambda _tl, _br, roles: bool(roles)
    ):
        assert model.setData(model.index(eps, 1), "20,500")
    assert shown(model, eps, 1) == "20,500"
    assert stored(session, EPS, JAN) == 20500
    assert shown(model, eps, 12) == "256,500"
    assert shown(model, 7, 1) == "201,300"
    assert undo_stack.count() == 1
    undo_stack.undo()
    assert (shown(model, eps, 1), stored(session, EPS, JAN)) == ("19,000", 19000)
    assert shown(model, eps, 12) == "255,000"
    undo_stack.redo()
    assert (shown(model, eps, 1), stored(session, EPS, JAN)) == ("20,500", 20500)


def test_empty_text_clears_a_cell_and_undo_puts_it_back(
    model: BuildPlanModel, session: WorkspaceSession, undo_stack: QUndoStack
) -> None:
    eps = row_of(model, EPS)
    assert model.setData(model.index(eps, 0), "  ")
    assert shown(model, eps, 0) == ""
    assert stored(session, EPS, DEC) is None
    undo_stack.undo()
    assert stored(session, EPS, DEC) == 18000


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("-5", "cannot be negative"),
        ("1.5", "whole units"),
        ("2,5", "whole units"),
        ("many", "not a number"),
    ],
)
def test_refused_values_say_why_and_change_nothing(
    model: BuildPlanModel, undo_stack: QUndoStack, qtbot: QtBot, text: str, reason: str
) -> None:
    eps = row_of(model, EPS)
    with qtbot.waitSignal(model.edit_refused) as blocker:
        assert model.setData(model.index(eps, 0), text) is False
    assert reason in blocker.args[0]
    assert blocker.args[0].startswith(f"{EPS}, Dec 2026")
    assert undo_stack.count() == 0
    assert shown(model, eps, 0) == "18,000"


def test_read_quantity_accepts_separators() -> None:
    assert read_quantity("1,234") == 1234
    assert read_quantity("1.234,0") == 1234
    assert read_quantity("") is None


def test_fill_right_is_one_undo_step(
    model: BuildPlanModel, session: WorkspaceSession, undo_stack: QUndoStack
) -> None:
    eps = row_of(model, EPS)
    sam = row_of(model, "SAM-12 seat-adjust motor")
    cells = [model.index(r, c) for r in (eps, sam) for c in range(4)]
    assert model.fill_right(cells) == 6
    assert [shown(model, eps, c) for c in range(4)] == ["18,000"] * 4
    assert [shown(model, sam, c) for c in range(4)] == ["40,000"] * 4
    assert stored(session, EPS, FEB) == 18000
    assert undo_stack.count() == 1
    assert undo_stack.text(0) == "Fill right (6 cell(s))"
    undo_stack.undo()
    assert [shown(model, eps, c) for c in range(4)] == ["18,000", "19,000", "21,000", "22,000"]
    assert stored(session, EPS, FEB) == 21000


def test_fill_down_is_one_undo_step(
    model: BuildPlanModel, session: WorkspaceSession, undo_stack: QUndoStack
) -> None:
    cells = [model.index(r, c) for r in range(3) for c in (0, 1)]
    top = [shown(model, 0, 0), shown(model, 0, 1)]
    assert model.fill_down(cells) == 4
    assert [shown(model, 2, 0), shown(model, 2, 1)] == top
    assert shown(model, 7, 0) != "196,500"
    assert undo_stack.count() == 1
    undo_stack.undo()
    assert shown(model, 7, 0) == "196,500"


def test_fill_with_a_single_cell_or_totals_does_nothing(
    model: BuildPlanModel, undo_stack: QUndoStack
) -> None:
    assert model.fill_right([model.index(0, 0), model.index(0, 12), model.index(7, 3)]) == 0
    assert undo_stack.count() == 0


def test_clear_cells_is_one_undo_step(
    model: BuildPlanModel, session: WorkspaceSession, undo_stack: QUndoStack
) -> None:
    eps = row_of(model, EPS)
    assert model.clear_cells([model.index(eps, 0), model.index(eps, 1)]) == 2
    assert stored(session, EPS, DEC) is None
    undo_stack.undo()
    assert stored(session, EPS, JAN) == 19000


def test_paste_3x4_block_from_the_clipboard_applies_good_cells_and_reports_the_bad(
    model: BuildPlanModel, session: WorkspaceSession, undo_stack: QUndoStack, qtbot: QtBot
) -> None:
    view = ExcelTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    eps = row_of(model, EPS)
    view.setCurrentIndex(model.index(eps, 1))
    QGuiApplication.clipboard().setText("1\t2\t3\t4\r\n5\tmany\t7\t8\r\n9\t10\t11\t1,200\r\n")
    with qtbot.waitSignal(view.pasted) as blocker:
        view.paste()
    report: PasteReport = blocker.args[0]
    assert report.accepted == 11
    assert [(r.row, r.column, r.value) for r in report.rejected] == [(2, "Feb 2027", "many")]
    assert "not a number" in report.rejected[0].reason
    assert [shown(model, eps, c) for c in range(1, 5)] == ["1", "2", "3", "4"]
    assert [shown(model, eps + 1, c) for c in range(1, 5)] == ["5", "44,000", "7", "8"]
    assert shown(model, eps + 2, 4) == "1,200"
    assert undo_stack.count() == 1
    undo_stack.undo()
    assert stored(session, EPS, JAN) == 19000


def test_paste_outside_the_grid_is_refused_per_cell(model: BuildPlanModel) -> None:
    report = model.paste_block(6, 11, [["1", "2"], ["3", ""]])
    assert report.accepted == 1
    assert [r.reason.split(":")[0] for r in report.rejected] == ["outside the plan"] * 2


def test_horizon_adds_and_removes_columns_before_the_total(
    model: BuildPlanModel, qtbot: QtBot
) -> None:
    with qtbot.waitSignal(model.columnsInserted):
        model.set_horizon(24)
    assert model.columnCount() == 25
    assert model.headerData(23, Qt.Orientation.Horizontal) == "Nov 2028"
    assert shown(model, 7, 24) == "2,483,500"  # the sample plans 12 months
    with qtbot.waitSignal(model.columnsRemoved):
        model.set_horizon(18)
    assert model.columnCount() == 19
    model.set_horizon(99)
    assert model.columnCount() == 37


def test_first_period_moves_the_window(model: BuildPlanModel) -> None:
    model.set_first_period(date(2027, 6, 17))
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Jun 2027"
    assert shown(model, row_of(model, EPS), 0) == "23,000"
    assert shown(model, 7, 12) == "1,230,700"


def test_changes_from_elsewhere_refresh_only_their_cells(
    model: BuildPlanModel, session: WorkspaceSession, qtbot: QtBot
) -> None:
    product = next(p for p in session.workspace.all(Product) if p.name == EPS)
    command = SetBuildQuantitiesCommand(session, [(product.id, FEB, 1.0)], "elsewhere")
    eps = row_of(model, EPS)
    with qtbot.waitSignal(model.dataChanged), qtbot.assertNotEmitted(model.modelReset):
        command.redo()
    assert shown(model, eps, 2) == "1"


def test_a_new_product_reloads_the_rows(
    model: BuildPlanModel, session: WorkspaceSession, qtbot: QtBot
) -> None:
    _, change = session.workspace.insert(Product(name="New motor"), operation="test")
    with qtbot.waitSignal(model.modelReset):
        session.notify(change)
    assert model.product_count == 8


def test_weekly_workspace_shows_weeks(
    empty_session: WorkspaceSession, undo_stack: QUndoStack, qtmodeltester: ModelChecker
) -> None:
    workspace = empty_session.workspace
    workspace.set_meta("period_bucket", "week")
    workspace.set_meta("plan_start", "2026-12-02")
    workspace.insert(Product(name="Pump"), operation="test")
    model = BuildPlanModel(empty_session, undo_stack=undo_stack)
    qtmodeltester.check(model)
    assert model.headerData(0, Qt.Orientation.Horizontal) == "2026-W49"
    assert model.shown_periods[0] == date(2026, 11, 30)
    assert model.setData(model.index(0, 0), "300")
    assert workspace.all(BuildPlanEntry)[0].period == date(2026, 11, 30)


def test_empty_workspace_has_no_rows(
    empty_session: WorkspaceSession, undo_stack: QUndoStack, qtmodeltester: ModelChecker
) -> None:
    model = BuildPlanModel(empty_session, undo_stack=undo_stack)
    qtmodeltester.check(model)
    assert model.rowCount() == 0
    assert model.paste_block(0, 0, [["5"]]).rejected


def test_change_of_unrelated_entity_is_ignored(
    model: BuildPlanModel, session: WorkspaceSession, qtbot: QtBot
) -> None:
    with qtbot.assertNotEmitted(model.dataChanged), qtbot.assertNotEmitted(model.modelReset):
        session.notify(Change("stock", ChangeKind.UPDATE, (1,)))
