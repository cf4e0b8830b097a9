"""Menus and standard shortcuts of the main window."""

from __future__ import annotations

import platform
import sys
from functools import partial
from typing import TYPE_CHECKING

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from planner import __version__

from ui.resources import icon

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from ui.main_window import MainWindow

Key = QKeySequence.StandardKey


def _action(
    window: MainWindow,
    text: str,
    slot: Callable[[], object],
    *,
    shortcut: QKeySequence | Key | str | None = None,
    icon_name: str | None = None,
    tip: str = "",
) -> QAction:
    action = QAction(text, window)
    if icon_name:
        action.setIcon(icon(icon_name))
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
    action.triggered.connect(lambda *_: slot())
    return action


def build_menus(window: MainWindow) -> dict[str, QAction]:
    """Create the menus; return the actions by name."""
    actions: dict[str, QAction] = {}
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    for name, text, slot, key, icon_name in (
        ("new", "&New workspace…", window.new_workspace, Key.New, "new"),
        ("open", "&Open…", window.choose_workspace, Key.Open, "open"),
    ):
        actions[name] = _action(window, text, slot, shortcut=key, icon_name=icon_name)
        file_menu.addAction(actions[name])
    window.recent_menu = QMenu("Open &recent", window)
    file_menu.addMenu(window.recent_menu)
    actions["sample"] = _action(
        window,
        "Open &sample",
        window.open_sample,
        icon_name="magnet",
        tip="Build and open a fresh copy of the sample workspace",
    )
    file_menu.addAction(actions["sample"])
    actions["import"] = _action(
        window,
        "&Import…",
        lambda: _start_import(window),
        shortcut="Ctrl+I",
        icon_name="import",
        tip="Import BOM lines, parts, a build plan, stock, orders, licences or suppliers "
        "from a spreadsheet",
    )
    file_menu.addAction(actions["import"])
    file_menu.addSeparator()
    actions["save_copy"] = _action(
        window, "Save a &copy as…", window.save_copy_as, shortcut=Key.SaveAs, icon_name="save"
    )
    actions["close"] = _action(
        window,
        "&Close workspace",
        window.close_workspace,
        shortcut=Key.Close,
        icon_name="close",
    )
    actions["quit"] = _action(window, "&Quit", window.close, shortcut=Key.Quit)
    for name in ("save_copy", "close"):
        file_menu.addAction(actions[name])
    file_menu.addSeparator()
    file_menu.addAction(actions["quit"])
    _edit_menu(window, bar.addMenu("&Edit"), actions)
    _view_menu(window, bar.addMenu("&View"), actions)
    help_menu = bar.addMenu("&Help")
    actions["about"] = _action(window, "&About Magnet Planner", lambda: show_about(window))
    help_menu.addAction(actions["about"])
    return actions


def _start_import(window: MainWindow) -> None:
    from ui.import_wizard import start_import  # loaded on first use: start-up stays lean

    start_import(window)


def _edit_menu(window: MainWindow, menu: QMenu, actions: dict[str, QAction]) -> None:
    undo = window.undo_stack.createUndoAction(window, "&Undo")
    undo.setShortcut(QKeySequence(Key.Undo))
    undo.setIcon(icon("undo"))
    redo = window.undo_stack.createRedoAction(window, "&Redo")
    redo.setShortcut(QKeySequence(Key.Redo))
    redo.setIcon(icon("redo"))
    actions["undo"], actions["redo"] = undo, redo
    menu.addAction(undo)
    menu.addAction(redo)
    menu.addSeparator()

    def on_target(method: str) -> Callable[[], None]:
        def run() -> None:
            target = window.edit_target()
            if target is not None and hasattr(target, method):
                getattr(target, method)()

        return run

    for name, text, method, key, icon_name in (
        ("cut", "Cu&t", "cut", Key.Cut, "cut"),
        ("copy", "&Copy", "copy", Key.Copy, "copy"),
        ("paste", "&Paste rows from Excel", "paste", Key.Paste, "paste"),
        ("delete", "&Delete", "delete_selection", Key.Delete, "delete"),
        ("select_all", "Select &all", "selectAll", Key.SelectAll, None),
    ):
        actions[name] = _action(
            window, text, on_target(method), shortcut=key, icon_name=icon_name
        )
        menu.addAction(actions[name])
    menu.addSeparator()

    def find() -> None:
        page = window.current_page()
        if page is not None:
            page.focus_search()

    actions["find"] = _action(window, "&Find…", find, shortcut=Key.Find, icon_name="find")
    menu.addAction(actions["find"])


def _view_menu(window: MainWindow, menu: QMenu, actions: dict[str, QAction]) -> None:
    for number, page in enumerate(window.page_specs, start=1):
        key = page.key
        action = _action(
            window,
            page.title,
            partial(window.show_page, key),
            shortcut=f"Ctrl+{number}",
            icon_name=page.icon_name,
        )
        actions[f"page:{key}"] = action
        menu.addAction(action)
    menu.addSeparator()
    actions["full_screen"] = _action(
        window,
        "&Full screen",
        lambda: window.showNormal() if window.isFullScreen() else window.showFullScreen(),
        shortcut=Key.FullScreen,
    )
    menu.addAction(actions["full_screen"])


def fill_recent_menu(window: MainWindow, paths: list[Path]) -> None:
    """Rebuild File › Open recent."""
    menu = window.recent_menu
    menu.clear()
    for number, path in enumerate(paths, start=1):
        action = menu.addAction(f"&{number} {path.name}")
        action.setStatusTip(str(path))
        action.triggered.connect(lambda *_, p=path: window.open_workspace(p))
    if paths:
        menu.addSeparator()
        clear = menu.addAction("Clear list")

        def clear_list() -> None:
            window.settings.clear_recent_files()
            fill_recent_menu(window, [])

        clear.triggered.connect(clear_list)
    menu.setEnabled(bool(paths))


def about_text(window: MainWindow) -> str:
    """Return the About box text: versions of the app, Qt, Python and the rule set."""
    from planner.rules import load_rule_set

    rule_set = window.session.rule_set if window.session is not None else load_rule_set()
    return (
        f"<h3>Magnet Planner {__version__}</h3>"
        "<p>Plans rare-earth magnet supply under China's export licensing.</p>"
        "<table>"
        f"<tr><td>Qt</td><td>{qVersion()} (PySide6 {pyside_version})</td></tr>"
        f"<tr><td>Python</td><td>{platform.python_version()} ({sys.platform})</td></tr>"
        f"<tr><td>Rule set</td><td>{rule_set.version}, as of "
        f"{rule_set.as_of.isoformat()} (reviewed {rule_set.reviewed_on.isoformat()})</td></tr>"
        "</table>"
        "<p>Export-control rules change often: verify a rule's status with its sources "
        "before acting on it.</p>"
    )


def show_about(window: MainWindow) -> None:
    """Show the About box."""
    QMessageBox.about(window, "About Magnet Planner", about_text(window))
