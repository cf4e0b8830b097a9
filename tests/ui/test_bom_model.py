"""BomTreeModel: structure, edits with undo, refusals, cycles, additions, deletions, paste."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import pytest

from PySide6.QtCore import QModelIndex

from planner.schema import BomLine, BuildPlanEntry, Part, Product

from ui.bom_columns import Column, LineIdRole, PartIdRole
from ui.bom_model import BomTreeModel
from ui.commands import DeleteRecordsCommand, SetFieldsCommand
from ui.roles import DISPLAY, EditTextRole

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pytestqt.qtbot import QtBot

    from PySide6.QtCore import QAbstractItemModel
    from PySide6.QtGui import QUndoStack

    from ui.session import WorkspaceSession


class ModelChecker(Protocol):
    """The typed part of pytest-qt's `qtmodeltester` fixture."""

    def check(self, model: QAbstractItemModel) -> None:
        """Run QAbstractItemModelTester on `model` for the rest of the test."""


MOTOR, ROTOR = "EPS-M200 steering motor", "EPS-M200 rotor"


@pytest.fixture
def model(session: WorkspaceSession, undo_stack: QUndoStack) -> BomTreeModel:
    return BomTreeModel(session, undo_stack=undo_stack)


def walk(model: BomTreeModel, parent: QModelIndex | None = None) -> Iterator[QModelIndex]:
    parent = parent or QModelIndex()
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        yield index
        yield from walk(model, index)


def find(model: BomTreeModel, *path: str) -> QModelIndex:
    """Return the row reached by following item names (part number or product name)."""
    parent = QModelIndex()
    for name in path:
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            if index.data(EditTextRole) == name:
                parent = index
                break
        else:
            raise LookupError(f"{name!r} not under {parent.data(EditTextRole)!r}")
    return parent


def cell(index: QModelIndex, column: Column) -> str:
    return str(index.siblingAtColumn(column).data(DISPLAY))


def stored(session: WorkspaceSession, index: QModelIndex) -> BomLine:
    line = session.workspace.get(BomLine, index.data(LineIdRole))
    assert line is not None
    return line


def ids(session: WorkspaceSession) -> dict[str, int]:
    ws = session.workspace
    return {p.part_number: p.id for p in ws.all(Part)} | {p.name: p.id for p in ws.all(Product)}


def test_whole_workspace_and_one_product_pass_the_model_tester(
    session: WorkspaceSession, model: BomTreeModel, qtmodeltester: ModelChecker
) -> None:
    qtmodeltester.check(model)
    tops = [model.index(r, 0).data(EditTextRole) for r in range(model.rowCount())]
    assert MOTOR in tops
    assert ROTOR not in tops  # a sub-assembly shows under its product
    magnet = find(model, MOTOR, ROTOR, "MG-1001")
    assert cell(magnet, Column.ITEM).startswith("MG-1001 — ")
    assert cell(magnet, Column.GROSS) == "10.2"  # 1 rotor × 10 × 1.02
    assert cell(magnet, Column.LICENCE) == "Required"
    model.set_root(ids(session)[MOTOR])
    qtmodeltester.check(model)
    assert model.rowCount() == 1
    assert model.rowCount(model.index(0, 0)) == 3


def test_edit_pieces_and_scrap_round_trip(
    session: WorkspaceSession, model: BomTreeModel, undo_stack: QUndoStack, qtbot: QtBot
) -> None:
    model.set_root(ids(session)[MOTOR])
    rotor = find(model, MOTOR, ROTOR)
    magnet = find(model, MOTOR, ROTOR, "MG-1001")
    with qtbot.waitSignal(model.dataChanged):
        assert model.setData(rotor.siblingAtColumn(Column.PIECES), "2")
    assert cell(magnet, Column.GROSS) == "20.4"
    assert stored(session, rotor).pieces_per_unit == 2
    assert undo_stack.undoText() == f"Set pieces per unit of {ROTOR} in {MOTOR}"

    assert model.setData(magnet.siblingAtColumn(Column.SCRAP), "5 %")
    assert cell(magnet, Column.GROSS) == "21"  # 2 × 10 × 1.05
    undo_stack.undo()
    assert cell(magnet, Column.GROSS) == "20.4"
    assert stored(session, magnet).scrap_pct == 2.0
    undo_stack.undo()
    assert cell(magnet, Column.GROSS) == "10.2"
    assert cell(rotor, Column.PIECES) == "1"
    undo_stack.redo()
    undo_stack.redo()
    assert cell(magnet, Column.GROSS) == "21"
    assert stored(session, magnet).scrap_pct == 5.0


@pytest.mark.parametrize(
    ("column", "text", "reason"),
    [
        (Column.PIECES, "0", "must be more than 0"),
        (Column.PIECES, "-2", "must be more than 0"),
        (Column.PIECES, "many", "'many' is not a number"),
        (Column.PIECES, "", "Pieces per unit is required"),
        (Column.SCRAP, "100", "must be at most 99.9"),
    ],
)
def test_invalid_values_are_refused_with_a_reason(
    model: BomTreeModel,
    undo_stack: QUndoStack,
    qtbot: QtBot,
    column: Column,
    text: str,
    reason: str,
) -> None:
    index = find(model, MOTOR, ROTOR, "MG-1001").siblingAtColumn(column)
    before = index.data(DISPLAY)
    with qtbot.waitSignal(model.edit_refused) as blocker:
        assert not model.setData(index, text)
    assert reason in blocker.args[0]
    assert "MG-1001" in blocker.args[0]
    assert index.data(DISPLAY) == before
    assert undo_stack.count() == 0


def test_sub_assembly_cycle_is_refused_naming_it(
    session: WorkspaceSession, model: BomTreeModel, undo_stack: QUndoStack, qtbot: QtBot
) -> None:
    key = ids(session)
    with qtbot.waitSignal(model.edit_refused) as blocker:
        assert model.add_line(key[ROTOR], product_id=key[MOTOR]) is None
    assert f"{ROTOR} → {MOTOR} → {ROTOR}" in blocker.args[0]
    assert undo_stack.count() == 0
    with qtbot.waitSignal(model.edit_refused) as blocker:
        model.add_line(key[ROTOR], product_id=key[ROTOR])
    assert f"{ROTOR} → {ROTOR}" in blocker.args[0]


def test_add_and_delete_lines_with_undo(
    session: WorkspaceSession,
    model: BomTreeModel,
    undo_stack: QUndoStack,
    qtbot: QtBot,
    qtmodeltester: ModelChecker,
) -> None:
    key = ids(session)
    model.set_root(key[MOTOR])
    qtmodeltester.check(model)
    rotor = find(model, MOTOR, ROTOR)
    with qtbot.waitSignal(model.rowsInserted):
        line_id = model.add_line(key[ROTOR], part_id=key["MG-1002"], pieces=2, scrap=1)
    assert line_id is not None
    added = find(model, MOTOR, ROTOR, "MG-1002")
    assert cell(added, Column.GROSS) == "2.02"
    assert model.rowCount(rotor) == 2
    undo_stack.undo()
    assert model.rowCount(rotor) == 1
    assert session.workspace.get(BomLine, line_id) is None
    undo_stack.redo()
    assert find(model, MOTOR, ROTOR, "MG-1002").data(LineIdRole) == line_id

    doomed = [find(model, MOTOR, n).data(LineIdRole) for n in ("MG-1002", "MG-1003")]
    with qtbot.waitSignal(model.rowsRemoved):
        model.delete_lines(doomed)
    assert model.rowCount(model.index(0, 0)) == 1
    assert undo_stack.undoText() == "Remove 2 BOM lines"
    undo_stack.undo()
    assert model.rowCount(model.index(0, 0)) == 3
    assert all(session.workspace.get(BomLine, k) is not None for k in doomed)


def test_product_rows_cannot_be_deleted_here(
    model: BomTreeModel, undo_stack: QUndoStack, qtbot: QtBot
) -> None:
    with qtbot.waitSignal(model.edit_refused):
        model.delete_rows([0])
    assert undo_stack.count() == 0


def test_deleting_a_product_and_undo_restore_rows_and_plan(
    session: WorkspaceSession, model: BomTreeModel, undo_stack: QUndoStack
) -> None:
    key = ids(session)
    names = [model.index(r, 0).data(EditTextRole) for r in range(model.rowCount())]
    undo_stack.push(DeleteRecordsCommand(session, Product, [key[MOTOR]], f"Delete {MOTOR}"))
    after = [model.index(r, 0).data(EditTextRole) for r in range(model.rowCount())]
    assert MOTOR not in after
    assert ROTOR in after  # no longer used anywhere: shown at the top so it is not lost
    ws = session.workspace
    assert not [e for e in ws.all(BuildPlanEntry) if e.product_id == key[MOTOR]]
    undo_stack.undo()
    assert [model.index(r, 0).data(EditTextRole) for r in range(model.rowCount())] == names
    assert cell(find(model, MOTOR, ROTOR, "MG-1001"), Column.GROSS) == "10.2"
    assert len([e for e in ws.all(BuildPlanEntry) if e.product_id == key[MOTOR]]) == 12


def test_paste_lines_rejects_unknown_part_numbers_in_one_undo_step(
    session: WorkspaceSession, model: BomTreeModel, undo_stack: QUndoStack
) -> None:
    key = ids(session)
    model.set_root(key[ROTOR])
    block = [
        ["Part number", "Pieces per unit", "Scrap %", "Note"],
        ["MG-1402", "4", "1,5", "balance"],
        ["MG-9999", "2", "0", ""],
        ["mg-1404", "many", "", ""],
        ["", "", "", ""],
        ["TRX-150 lamination stack", "1", "", ""],
    ]
    report = model.paste_block(0, 0, block)
    assert report.accepted == 2
    assert [(r.row, r.value) for r in report.rejected] == [(3, "MG-9999"), (4, "mg-1404")]
    assert "no part or sub-assembly is called 'MG-9999'" in report.rejected[0].reason
    assert "Pieces per unit" in report.rejected[1].reason
    assert undo_stack.count() == 1
    pasted = find(model, ROTOR, "MG-1402")
    assert cell(pasted, Column.GROSS) == "4.06"
    assert cell(pasted, Column.NOTE) == "balance"
    assert (
        cell(find(model, ROTOR, "TRX-150 lamination stack", "MG-1401"), Column.GROSS) == "16.24"
    )
    undo_stack.undo()
    assert model.rowCount(model.index(0, 0)) == 1


def test_paste_without_a_product_is_refused(model: BomTreeModel) -> None:
    report = model.paste_block(0, 0, [["MG-1001", "1"]])
    assert report.accepted == 0
    assert report.rejected[0].reason == "choose a product first"


def test_part_edit_updates_item_and_licence_cells(
    session: WorkspaceSession, model: BomTreeModel, undo_stack: QUndoStack, qtbot: QtBot
) -> None:
    magnet = find(model, MOTOR, ROTOR, "MG-1001")
    assert magnet.data(PartIdRole) == ids(session)["MG-1001"]
    assert cell(magnet, Column.LICENCE) == "Required"
    values = {"part_number": "MG-1001B", "family": "ferrite", "grade": "Y30"}
    with qtbot.waitSignal(model.dataChanged):
        undo_stack.push(SetFieldsCommand(session, Part, magnet.data(PartIdRole), values, "t"))
    assert cell(magnet, Column.ITEM).startswith("MG-1001B")
    assert cell(magnet, Column.LICENCE) == "Not required"
