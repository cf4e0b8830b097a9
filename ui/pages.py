"""The pages of the navigation list, in DESIGN.md's order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ui.build_plan_page import BuildPlanPage
from ui.placeholder_page import PlaceholderPage
from ui.products_page import ProductsPage
from ui.stock_page import StockPage

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from ui.page import Page
    from ui.settings import Settings


def make_pages(undo_stack: QUndoStack, settings: Settings) -> list[Page]:
    """Build every page: Dashboard, Products & BOM, Build plan, Stock & orders, Licences,
    Suppliers, Plan, Rules."""

    def placeholder(key: str) -> Page:
        return PlaceholderPage(key, undo_stack=undo_stack, settings=settings)

    return [
        placeholder("dashboard"),
        ProductsPage(undo_stack=undo_stack, settings=settings),
        BuildPlanPage(undo_stack=undo_stack, settings=settings),
        StockPage(undo_stack=undo_stack, settings=settings),
        placeholder("licences"),
        placeholder("suppliers"),
        placeholder("plan"),
        placeholder("rules"),
    ]
