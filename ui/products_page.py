"""Products & BOM page (being built)."""

from __future__ import annotations

from ui.page import Page


class ProductsPage(Page):
    """Products & BOM."""

    key = "products"
    title = "Products & BOM"
    icon_name = "products"
