"""Stock & orders page (being built)."""

from __future__ import annotations

from ui.page import Page


class StockPage(Page):
    """Stock & orders."""

    key = "stock"
    title = "Stock & orders"
    icon_name = "stock"
