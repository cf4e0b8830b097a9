"""Build plan page (being built)."""

from __future__ import annotations

from ui.page import Page


class BuildPlanPage(Page):
    """Build plan."""

    key = "build-plan"
    title = "Build plan"
    icon_name = "build-plan"
