"""The main window: open sample, new, recent, refusal of bad files, undo marker, About."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ui.menus import about_text

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from ui.main_window import MainWindow

PAGES = [
    "dashboard",
    "products",
    "build-plan",
    "stock",
    "licences",
    "suppliers",
    "plan",
    "rules",
]


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Capture message boxes instead of opening them."""
    seen: list[str] = []

    def record(_parent: object, title: str, text: str, *_: object) -> int:
        seen.append(f"{title}: {text}")
        return 0

    for name in ("critical", "warning", "information"):
        monkeypatch.setattr(QMessageBox, name, record)
    return seen


def test_starts_on_the_start_page_with_pages_in_design_order(
    make_main_window: Callable[[], MainWindow],
) -> None:
    window = make_main_window()
    assert [spec.key for spec in window.page_specs] == PAGES
    assert window.pages == []  # built when first shown
    assert window.stack.currentWidget() is window.start_page
    assert not window.navigation.isEnabled()
    assert window.windowTitle() == "Magnet Planner"


def test_open_sample_shows_the_workspace(make_main_window: Callable[[], MainWindow]) -> None:
    window = make_main_window()
    window.open_sample()
    assert window.session is not None
    assert "Nordwerk" in window.windowTitle()
    assert window.current_page() is window.page("products")
    assert "Rule set as of 31 May 2026" in window.rules_label.text()
    assert window.path_label.text().endswith("Sample.magplan")
    window.show_page("build-plan")
    assert window.current_page() is window.page("build-plan")


def test_open_sample_twice_rebuilds_it(make_main_window: Callable[[], MainWindow]) -> None:
    window = make_main_window()
    window.open_sample()
    window.open_sample()
    assert window.session is not None


def test_new_workspace_and_reopen_from_recent(
    make_main_window: Callable[[], MainWindow], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "line3"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    window = make_main_window()
    window.new_workspace()
    assert window.session is not None
    created = tmp_path / "line3.magplan"
    assert window.session.workspace.path == created
    window.close_workspace()
    assert not window.navigation.isEnabled()
    assert window.stack.currentWidget() is window.start_page
    assert window.start_page.recent.count() == 1
    actions = [a for a in window.recent_menu.actions() if a.text().endswith("line3.magplan")]
    assert actions
    actions[0].trigger()
    assert window.session is not None
    assert window.session.workspace.path == created


def test_new_workspace_never_overwrites(
    make_main_window: Callable[[], MainWindow],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    messages: list[str],
) -> None:
    existing = tmp_path / "keep.magplan"
    existing.write_text("precious")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(existing), ""))
    window = make_main_window()
    window.new_workspace()
    assert window.session is None
    assert existing.read_text() == "precious"
    assert "already exists" in messages[0]


def test_a_foreign_file_is_refused_with_a_clear_message(
    make_main_window: Callable[[], MainWindow], tmp_path: Path, messages: list[str]
) -> None:
    bogus = tmp_path / "bom.magplan"
    bogus.write_bytes(b"PK\x03\x04junk")
    window = make_main_window()
    assert not window.open_workspace(bogus)
    assert window.session is None
    assert "not a Magnet Planner workspace" in messages[0]
    assert str(bogus) in messages[0]
    window.open_sample()
    assert window.session is not None


class _Touch(QUndoCommand):
    def redo(self) -> None:
        pass

    def undo(self) -> None:
        pass


def test_modified_marker_follows_the_undo_stack(
    make_main_window: Callable[[], MainWindow],
) -> None:
    window = make_main_window()
    window.open_sample()
    assert not window.isWindowModified()
    window.undo_stack.push(_Touch("edit"))
    assert window.isWindowModified()
    window.undo_stack.undo()
    assert not window.isWindowModified()


def test_undo_survives_page_switches(make_main_window: Callable[[], MainWindow]) -> None:
    window = make_main_window()
    window.open_sample()
    window.undo_stack.push(_Touch("edit"))
    window.show_page("stock")
    window.show_page("licences")
    assert window.actions_by_name["undo"].isEnabled()
    assert window.actions_by_name["undo"].text() == "&Undo edit"


def test_about_names_versions_and_rule_set(make_main_window: Callable[[], MainWindow]) -> None:
    text = about_text(make_main_window())
    for needle in ("Magnet Planner 0.", "Qt", "PySide6", "Python", "as of 2026-05-31"):
        assert needle in text


def test_dropping_a_spreadsheet_explains_the_import(
    make_main_window: Callable[[], MainWindow], tmp_path: Path, messages: list[str]
) -> None:
    window = make_main_window()
    window.handle_dropped([tmp_path / "bom.xlsx"])
    assert "import wizard" in messages[0]
    assert "bom.xlsx" in messages[0]


def test_dropping_a_workspace_opens_it(
    make_main_window: Callable[[], MainWindow], sample_path: Path
) -> None:
    window = make_main_window()
    window.handle_dropped([sample_path])
    assert window.session is not None


def test_geometry_is_remembered(
    make_main_window: Callable[[], MainWindow], qtbot: QtBot
) -> None:
    window = make_main_window()
    window.show()
    qtbot.waitExposed(window)
    # The offscreen screen is 800×600, so the height is what can be checked here.
    window.resize(window.width(), 520)
    qtbot.waitUntil(lambda: window.height() == 520)
    window.close()
    again = make_main_window()
    assert again.height() == 520
    assert again.settings.state("MainWindow", "splitter") is not None
