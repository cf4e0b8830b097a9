"""The workspace session: opened from a quick sqlite3 read, the ORM workspace after paint."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from PySide6.QtWidgets import QWidget

from planner.quickread import QuickReader
from planner.schema import Part

from ui.session import WorkspaceSession

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot


@pytest.fixture
def quick_session(sample_path: Path) -> Iterator[WorkspaceSession]:
    """Return a session over the sample that has not opened the ORM workspace yet."""
    reader = QuickReader.open(sample_path)
    assert reader is not None
    result = WorkspaceSession(reader, reader.rule_set())
    yield result
    result.close()


def test_the_workspace_opens_when_first_asked_for(quick_session: WorkspaceSession) -> None:
    assert (quick_session.loaded, quick_session.reader is None) == (False, False)
    assert quick_session.name == "Sample - Nordwerk Antriebe (fictional)"
    assert quick_session.location.path is not None
    assert quick_session.location.path.name == "sample.magplan"
    workspace = quick_session.workspace
    assert (quick_session.loaded, quick_session.reader) == (True, None)
    assert quick_session.workspace is workspace
    assert quick_session.load() is workspace
    assert workspace.count(Part) == 25
    assert quick_session.name == workspace.name


def test_the_workspace_opens_once_a_widget_has_painted(
    qtbot: QtBot, quick_session: WorkspaceSession
) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    quick_session.load_after_paint(widget)
    qtbot.wait(20)
    assert not quick_session.loaded  # nothing painted yet
    widget.show()
    qtbot.waitUntil(lambda: quick_session.loaded)


def test_a_closed_session_is_not_opened_after_paint(
    qtbot: QtBot, quick_session: WorkspaceSession
) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    quick_session.load_after_paint(widget)
    quick_session.close()
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.wait(20)
    assert not quick_session.loaded


def test_a_session_over_an_open_workspace_is_loaded(session: WorkspaceSession) -> None:
    assert session.loaded
    assert session.reader is None
    assert session.location == session.workspace.location
