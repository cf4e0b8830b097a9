"""pytest-qt fixtures: isolated settings, a sample workspace session, a main window factory."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from PySide6.QtCore import QCoreApplication, QStandardPaths
from PySide6.QtGui import QUndoStack

from planner.rules import load_rule_set
from planner.sample import build_sample
from planner.workspace import Workspace

from ui.resources import register_search_path
from ui.session import WorkspaceSession
from ui.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from ui.main_window import MainWindow

# The sample is built around this day so figures in tests never drift with the calendar.
ANCHOR = date(2026, 12, 1)
TODAY = date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _isolated_settings(qapp: QCoreApplication, tmp_path: Path) -> Iterator[None]:
    """Never touch the developer's real settings or data folders."""
    QStandardPaths.setTestModeEnabled(True)
    qapp.setOrganizationName("MagnetPlannerTests")
    qapp.setApplicationName(f"tests-{tmp_path.name}")
    register_search_path()
    yield
    Settings().clear_recent_files()


@pytest.fixture
def sample_path(tmp_path: Path) -> Path:
    """Return the path of a freshly built sample workspace (closed)."""
    path = tmp_path / "sample.magplan"
    build_sample(path, anchor=ANCHOR).close()
    return path


@pytest.fixture
def session(sample_path: Path) -> Iterator[WorkspaceSession]:
    """Return a session over the sample workspace, evaluated on TODAY."""
    workspace = Workspace.open(sample_path, user="tester")
    result = WorkspaceSession(workspace, load_rule_set(), today=TODAY)
    yield result
    result.close()


@pytest.fixture
def empty_session(tmp_path: Path) -> Iterator[WorkspaceSession]:
    """Return a session over a new, empty workspace."""
    workspace = Workspace.create(tmp_path / "empty.magplan", user="tester")
    result = WorkspaceSession(workspace, load_rule_set(), today=TODAY)
    yield result
    result.close()


@pytest.fixture
def undo_stack() -> QUndoStack:
    """Return an empty undo stack."""
    return QUndoStack()


@pytest.fixture
def settings() -> Settings:
    """Return settings in test mode."""
    return Settings()


@pytest.fixture
def make_main_window(qtbot: QtBot) -> Callable[[], MainWindow]:
    """Return a factory of main windows registered with qtbot."""
    from ui.main_window import MainWindow

    def make() -> MainWindow:
        window = MainWindow(Settings())
        qtbot.addWidget(window)
        return window

    return make
