"""The pages of the navigation list, in DESIGN.md's order, built when first shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtGui import QUndoStack

    from ui.page import Page
    from ui.settings import Settings


@dataclass(frozen=True)
class PageSpec:
    """What the navigation shows for a page, and how to build it.

    Building a page imports its models and views; doing it on first show keeps start-up to
    the page the buyer actually looks at.
    """

    key: str
    title: str
    icon_name: str
    build: Callable[[QUndoStack, Settings], Page]


def _placeholder(key: str) -> Callable[[QUndoStack, Settings], Page]:
    def build(undo_stack: QUndoStack, settings: Settings) -> Page:
        from ui.placeholder_page import PlaceholderPage

        return PlaceholderPage(key, undo_stack=undo_stack, settings=settings)

    return build


def _products(undo_stack: QUndoStack, settings: Settings) -> Page:
    from ui.products_page import ProductsPage

    return ProductsPage(undo_stack=undo_stack, settings=settings)


def _build_plan(undo_stack: QUndoStack, settings: Settings) -> Page:
    from ui.build_plan_page import BuildPlanPage

    return BuildPlanPage(undo_stack=undo_stack, settings=settings)


def _stock(undo_stack: QUndoStack, settings: Settings) -> Page:
    from ui.stock_page import StockPage

    return StockPage(undo_stack=undo_stack, settings=settings)


def _licences(undo_stack: QUndoStack, settings: Settings) -> Page:
    from ui.licences_page import LicencesPage

    return LicencesPage(undo_stack=undo_stack, settings=settings)


def _rules(undo_stack: QUndoStack, settings: Settings) -> Page:
    from ui.rules_page import RulesPage

    return RulesPage(undo_stack=undo_stack, settings=settings)


def _plan(undo_stack: QUndoStack, settings: Settings) -> Page:
    from ui.plan_page import PlanPage

    return PlanPage(undo_stack=undo_stack, settings=settings)


def _dashboard(undo_stack: QUndoStack, settings: Settings) -> Page:
    from ui.dashboard_page import DashboardPage

    return DashboardPage(undo_stack=undo_stack, settings=settings)


PAGES: tuple[PageSpec, ...] = (
    PageSpec("dashboard", "Dashboard", "dashboard", _dashboard),
    PageSpec("products", "Products & BOM", "products", _products),
    PageSpec("build-plan", "Build plan", "build-plan", _build_plan),
    PageSpec("stock", "Stock & orders", "stock", _stock),
    PageSpec("licences", "Licences", "licences", _licences),
    PageSpec("suppliers", "Suppliers", "suppliers", _placeholder("suppliers")),
    PageSpec("plan", "Plan", "plan", _plan),
    PageSpec("rules", "Rules", "rules", _rules),
)
