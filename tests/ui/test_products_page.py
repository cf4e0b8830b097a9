"""The Products & BOM page: parts with licence answers first, BOM tab built when shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ui.parts_columns import LICENCE
from ui.products_page import ProductsPage

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from PySide6.QtGui import QUndoStack

    from ui.session import WorkspaceSession
    from ui.settings import Settings


def _page(qtbot: QtBot, undo_stack: QUndoStack, settings: Settings) -> ProductsPage:
    page = ProductsPage(undo_stack=undo_stack, settings=settings)
    qtbot.addWidget(page)
    return page


def test_parts_tab_shows_counts_and_licence_next_to_the_part(
    qtbot: QtBot, session: WorkspaceSession, undo_stack: QUndoStack, settings: Settings
) -> None:
    page = _page(qtbot, undo_stack, settings)
    page.set_session(session)
    qtbot.waitUntil(lambda: "25" in page.status_counts())
    assert page.status_counts() == "25 parts · 7 need a licence · 4 unverified"
    assert page.table.horizontalHeader().visualIndex(LICENCE) == 2
    assert page.detail.part_id is not None  # the first part is selected and detailed


def test_bom_tab_is_built_and_loaded_only_when_shown(
    qtbot: QtBot, session: WorkspaceSession, undo_stack: QUndoStack, settings: Settings
) -> None:
    page = _page(qtbot, undo_stack, settings)
    page.set_session(session)
    assert page.bom_splitter.count() == 0
    page.tabs.setCurrentIndex(1)
    assert page.bom_splitter.count() == 2
    assert page.bom.products.rowCount() == 9
    assert page.default_edit_target() is page.bom


def test_licence_filter_and_search(
    qtbot: QtBot, session: WorkspaceSession, undo_stack: QUndoStack, settings: Settings
) -> None:
    page = _page(qtbot, undo_stack, settings)
    page.set_session(session)
    page.filter.setCurrentIndex(1)  # licence required
    assert page.proxy.rowCount() == 7
    page.filter.setCurrentIndex(0)
    page.search.setText("ferrite")
    assert 0 < page.proxy.rowCount() < 25
