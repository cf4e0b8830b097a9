"""Fixtures: the parts model, its filter proxy and an Excel-style view over the sample."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from PySide6.QtCore import Qt

from ui.parts_columns import PART_NUMBER
from ui.parts_model import PartsFilterProxy, PartsTableModel
from ui.table_view import ExcelTableView

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from PySide6.QtGui import QUndoStack

    from ui.session import WorkspaceSession


@pytest.fixture
def model(session: WorkspaceSession, undo_stack: QUndoStack) -> PartsTableModel:
    """Return the parts model over the sample workspace."""
    return PartsTableModel(session, undo_stack=undo_stack)


@pytest.fixture
def proxy(model: PartsTableModel) -> PartsFilterProxy:
    """Return the filter proxy over the parts model."""
    result = PartsFilterProxy()
    result.setSourceModel(model)
    return result


@pytest.fixture
def view(qtbot: QtBot, proxy: PartsFilterProxy) -> ExcelTableView:
    """Return an Excel-style view over the proxy, sorted by part number."""
    result = ExcelTableView()
    qtbot.addWidget(result)
    result.setModel(proxy)
    result.sortByColumn(PART_NUMBER, Qt.SortOrder.AscendingOrder)
    return result
