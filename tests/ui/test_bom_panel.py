"""BomPanel: product list, search, names, products and lines with undo, copy/paste, signals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import pytest

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QInputDialog

from planner.schema import BomLine, BuildPlanEntry, Part, Product

from ui.bom_columns import Column, LineIdRole
from ui.bom_panel import BomPanel
from ui.roles import DISPLAY, EditTextRole
from ui.table_view import EditTarget

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from PySide6.QtCore import QAbstractItemModel, QModelIndex
    from PySide6.QtGui import QUndoStack

    from ui.session import WorkspaceSession


class ModelChecker(Protocol):
    """The typed part of pytest-qt's `qtmodeltester` fixture."""

    def check(self, model: QAbstractItemModel) -> None:
        """Run QAbstractItemModelTester on `model` for the rest of the test."""


MOTOR, ROTOR = "EPS-M200 steering motor", "EPS-M200 rotor"


@pytest.fixture
def panel(session: WorkspaceSession, undo_stack: QUndoStack, qtbot: QtBot) -> BomPanel:
    widget = BomPanel(undo_stack=undo_stack)
    qtbot.addWidget(widget)
    widget.set_session(session)
    return widget


def ids(session: WorkspaceSession) -> dict[str, int]:
    ws = session.workspace
    return {p.part_number: p.id for p in ws.all(Part)} | {p.name: p.id for p in ws.all(Product)}


def listed(panel: BomPanel) -> list[str]:
    return [str(panel.proxy.index(r, 0).data(DISPLAY)) for r in range(panel.proxy.rowCount())]


def tree_row(panel: BomPanel, *path: str) -> QModelIndex:
    model, parent = panel.bom, panel.bom.index(-1, -1)
    for name in path:
        rows = [model.index(r, 0, parent) for r in range(model.rowCount(parent))]
        parent = next(i for i in rows if i.data(EditTextRole) == name)
    return parent


def choose_in_dialog(monkeypatch: pytest.MonkeyPatch, text: str) -> list[list[str]]:
    offered: list[list[str]] = []

    def get_item(*args: Any) -> tuple[str, bool]:
        offered.append(list(args[3]))
        return text, True

    monkeypatch.setattr(QInputDialog, "getItem", get_item)
    return offered


def test_choosing_a_product_shows_its_tree(
    session: WorkspaceSession, panel: BomPanel, qtbot: QtBot, qtmodeltester: ModelChecker
) -> None:
    qtmodeltester.check(panel.products)
    assert isinstance(panel, EditTarget)
    assert panel.title.text() == "All products"
    with qtbot.waitSignal(
        panel.product_selected, check_params_cb=lambda i: i == ids(session)[MOTOR]
    ):
        panel.select_product(ids(session)[MOTOR])
    assert panel.title.text() == MOTOR
    assert panel.tree.isExpanded(tree_row(panel, MOTOR, ROTOR))
    magnet = tree_row(panel, MOTOR, ROTOR, "MG-1001")
    with qtbot.waitSignal(
        panel.part_selected, check_params_cb=lambda i: i == ids(session)["MG-1001"]
    ):
        panel.tree.setCurrentIndex(magnet)
    with qtbot.waitSignal(panel.product_selected, check_params_cb=lambda i: i is None):
        panel.select_product(None)


def test_search_filters_the_list(panel: BomPanel) -> None:
    assert len(listed(panel)) == 9
    panel.search.setText("eps")
    assert listed(panel) == [ROTOR, MOTOR]
    panel.search.clear()
    assert len(listed(panel)) == 9


@pytest.mark.parametrize(
    ("name", "reason"),
    [("", "a product needs a name"), ("  eps-m200 ROTOR ", "already called 'eps-m200 ROTOR'")],
)
def test_bad_names_are_refused(
    panel: BomPanel, undo_stack: QUndoStack, qtbot: QtBot, name: str, reason: str
) -> None:
    panel.select_product(None)
    index = panel.proxy.index(listed(panel).index(MOTOR), 0)
    with qtbot.waitSignal(panel.status_message) as blocker:
        assert not panel.proxy.setData(index, name)
    assert reason in blocker.args[0]
    assert panel.message.isVisibleTo(panel)
    assert undo_stack.count() == 0


def test_rename_with_undo(
    session: WorkspaceSession, panel: BomPanel, undo_stack: QUndoStack
) -> None:
    key = ids(session)[MOTOR]
    panel.select_product(key)
    assert panel.proxy.setData(panel.list.currentIndex(), "EPS-M300 steering motor")
    assert panel.title.text() == "EPS-M300 steering motor"
    assert "EPS-M300 steering motor" in listed(panel)
    undo_stack.undo()
    product = session.workspace.get(Product, key)
    assert product is not None
    assert product.name == MOTOR
    assert panel.title.text() == MOTOR


def test_add_product_and_sub_assembly_are_single_undo_steps(
    session: WorkspaceSession, panel: BomPanel, undo_stack: QUndoStack
) -> None:
    first = panel.add_product()
    assert panel.current_product_id() == first
    assert "New product" in listed(panel)
    panel.select_product(ids(session)[MOTOR])
    assembly = panel.add_product("assembly")
    assert assembly is not None
    added = session.workspace.get(Product, assembly)
    assert added is not None
    assert added.kind == "assembly"
    lines = [x for x in session.workspace.all(BomLine) if x.child_product_id == assembly]
    assert [x.parent_id for x in lines] == [ids(session)[MOTOR]]
    assert undo_stack.count() == 2
    undo_stack.undo()
    assert session.workspace.get(Product, assembly) is None
    assert not [x for x in session.workspace.all(BomLine) if x.child_product_id == assembly]
    undo_stack.undo()
    assert "New product" not in listed(panel)


def test_delete_product_and_undo_restore_lines_and_plan(
    session: WorkspaceSession, panel: BomPanel, undo_stack: QUndoStack, qtbot: QtBot
) -> None:
    ws, key = session.workspace, ids(session)[MOTOR]

    def owned() -> tuple[int, int]:
        lines = [x for x in ws.all(BomLine) if key in (x.parent_id, x.child_product_id)]
        return len(lines), len([e for e in ws.all(BuildPlanEntry) if e.product_id == key])

    assert owned() == (3, 12)
    panel.select_product(key)
    panel.show()
    panel.activateWindow()
    panel.list.setFocus()
    qtbot.waitUntil(panel.list.hasFocus)
    panel.delete_selection()  # the Edit menu's Delete with the list focused
    assert MOTOR not in listed(panel)
    assert owned() == (0, 0)
    undo_stack.undo()
    assert MOTOR in listed(panel)
    assert owned() == (3, 12)


def test_add_line_through_the_dialog(
    session: WorkspaceSession,
    panel: BomPanel,
    undo_stack: QUndoStack,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    panel.select_product(ids(session)[ROTOR])
    offered = choose_in_dialog(monkeypatch, "MG-1002 — whatever the description says")
    line = panel.add_line()
    assert line is not None
    assert any(c.startswith("MG-1001 — ") for c in offered[0])
    assert ROTOR in offered[0]
    stored = session.workspace.get(BomLine, line)
    assert stored is not None
    assert stored.child_part_id == ids(session)["MG-1002"]
    assert panel.tree.currentIndex().data(LineIdRole) == line
    undo_stack.undo()
    assert session.workspace.get(BomLine, line) is None


def test_add_line_refuses_a_cycle_in_the_panel(
    session: WorkspaceSession,
    panel: BomPanel,
    undo_stack: QUndoStack,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    panel.select_product(ids(session)[ROTOR])
    choose_in_dialog(monkeypatch, MOTOR)
    assert panel.add_line() is None
    assert f"{ROTOR} → {MOTOR} → {ROTOR}" in panel.message.text()
    choose_in_dialog(monkeypatch, "MG-4242")
    assert panel.add_line() is None
    assert "MG-4242" in panel.message.text()
    assert undo_stack.count() == 0


def test_copy_paste_and_delete_lines(
    session: WorkspaceSession, panel: BomPanel, undo_stack: QUndoStack, qtbot: QtBot
) -> None:
    panel.select_product(ids(session)[MOTOR])
    panel.tree.setCurrentIndex(tree_row(panel, MOTOR, "MG-1002"))
    panel.tree.setFocus()
    panel.copy()
    text = QGuiApplication.clipboard().text()
    assert text.splitlines()[1].startswith("MG-1002\t1\t0.5\t")
    panel.tree.setCurrentIndex(tree_row(panel, MOTOR, ROTOR))  # paste goes into the rotor
    QGuiApplication.clipboard().setText(text + "MG-0000\t1\t0\t\r\n")
    with qtbot.waitSignal(panel.pasted) as blocker:
        panel.paste()
    report = blocker.args[0]
    assert (report.accepted, [r.value for r in report.rejected]) == (1, ["MG-0000"])
    assert (
        tree_row(panel, MOTOR, ROTOR, "MG-1002").siblingAtColumn(Column.GROSS).data(DISPLAY)
        == "1.005"
    )
    assert undo_stack.count() == 1

    panel.tree.setCurrentIndex(tree_row(panel, MOTOR, ROTOR, "MG-1002"))
    panel.delete_selection()
    assert panel.bom.rowCount(tree_row(panel, MOTOR, ROTOR)) == 1
    undo_stack.undo()
    undo_stack.undo()
    assert panel.bom.rowCount(tree_row(panel, MOTOR, ROTOR)) == 1
    assert undo_stack.index() == 0


def test_without_a_workspace(undo_stack: QUndoStack, qtbot: QtBot) -> None:
    widget = BomPanel(undo_stack=undo_stack)
    qtbot.addWidget(widget)
    assert not widget.add_product_button.isEnabled()
    assert widget.add_product() is None
    assert widget.add_line() is None
