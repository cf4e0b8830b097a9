"""Opening a workspace file: the first window paints from sqlite3 what the ORM would show."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMessageBox

from planner.schema import Part
from planner.workspace import Workspace
from planner.workspace_rules import workspace_rule_set
from tests.planner.test_quickread import make_damaged, make_newer

from ui.part_detail import PartDetail
from ui.parts_columns import DESCRIPTION
from ui.parts_model import PartsTableModel
from ui.products_page import ProductsPage
from ui.roles import (
    ALIGN,
    DECORATION,
    DISPLAY,
    EDIT,
    FONT,
    FOREGROUND,
    TOOLTIP,
    EditTextRole,
    KeyRole,
    SortRole,
    StatusRole,
)
from ui.session import WorkspaceSession

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from PySide6.QtGui import QUndoStack

    from ui.main_window import MainWindow

_ROLES = [DISPLAY, EDIT, TOOLTIP, DECORATION, FONT, FOREGROUND, ALIGN]
_ROLES += [EditTextRole, SortRole, StatusRole, KeyRole]


def _cells(model: PartsTableModel) -> dict[int, list[Any]]:
    """Return every role of every cell (icons by their cache key), by part id."""
    found: dict[int, list[Any]] = {}
    for row in range(model.rowCount()):
        cells = found[model.part_id(row)] = []
        for column in range(model.columnCount()):
            for role in _ROLES:
                value = model.data(model.index(row, column), role)
                cells.append(value.cacheKey() if isinstance(value, QIcon) else value)
    return found


def _products_page(window: MainWindow) -> tuple[WorkspaceSession, ProductsPage]:
    page = window.current_page()
    assert window.session is not None
    assert isinstance(page, ProductsPage)
    return window.session, page


def test_the_first_window_shows_what_the_orm_shows_without_loading_it(
    make_main_window: Callable[[], MainWindow],
    sample_path: Path,
    qtbot: QtBot,
    undo_stack: QUndoStack,
) -> None:
    window = make_main_window()
    assert window.open_workspace(sample_path)
    session, page = _products_page(window)
    assert page.model is not None
    workspace = Workspace.open(sample_path)
    reference = WorkspaceSession(workspace, workspace_rule_set(workspace), today=session.today)
    try:
        shown = _cells(page.model)
        assert len(shown) == 25
        assert shown == _cells(PartsTableModel(reference, undo_stack=undo_stack))
        detail = PartDetail(reference)
        qtbot.addWidget(detail)
        assert page.detail.part_id is not None  # the first part is selected and detailed
        detail.show_part(page.detail.part_id)
        assert page.detail.browser.toHtml() == detail.browser.toHtml()
    finally:
        reference.close()
    assert page.status_counts() == "25 parts · 7 need a licence · 4 unverified"
    assert window.windowTitle() == "Sample - Nordwerk Antriebe (fictional)[*] — Magnet Planner"
    assert window.path_label.text() == str(sample_path)
    assert "Rule set as of 31 May 2026" in window.rules_label.text()
    assert [session.loaded, session.reader is None] == [False, False]  # no SQLAlchemy yet
    window.show()
    qtbot.waitUntil(lambda: session.loaded)  # opened once the window has painted


def test_an_edit_right_after_opening_is_applied_and_undoable(
    make_main_window: Callable[[], MainWindow], sample_path: Path
) -> None:
    window = make_main_window()
    window.open_workspace(sample_path)
    session, page = _products_page(window)
    model, part_id = page.model, page.detail.part_id  # the part shown in the detail panel
    assert model is not None
    assert part_id is not None
    row = model.row_of(part_id)
    assert row is not None
    index = model.index(row, DESCRIPTION)
    before = model.data(index)

    def stored() -> str:
        part = session.workspace.get(Part, part_id)
        assert part is not None
        return part.description

    def detailed() -> str:
        return page.detail.browser.toPlainText()

    assert "Rotor arc, revised" not in detailed()
    assert model.setData(index, "Rotor arc, revised")  # opens the ORM workspace for it
    assert (model.data(index), stored()) == ("Rotor arc, revised", "Rotor arc, revised")
    assert "Rotor arc, revised" in detailed()
    assert window.isWindowModified()
    window.undo_stack.undo()
    assert (model.data(index), stored()) == (before, before)
    assert "Rotor arc, revised" not in detailed()
    assert not window.isWindowModified()
    window.undo_stack.redo()
    assert stored() == "Rotor arc, revised"


@pytest.mark.parametrize(
    ("make", "words"),
    [(make_damaged, "damaged"), (make_newer, "newer Magnet Planner")],
)
def test_damaged_and_newer_workspaces_are_still_refused(
    make_main_window: Callable[[], MainWindow],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make: Callable[[Path], None],
    words: str,
) -> None:
    seen: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: seen.append(text))
    path = tmp_path / "bad.magplan"
    make(path)
    window = make_main_window()
    assert not window.open_workspace(path)
    assert window.session is None
    assert window.stack.currentWidget() is window.start_page
    assert len(seen) == 1
    assert words in seen[0]
