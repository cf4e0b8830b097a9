"""Pages whose features come later say what will be there -- never fake numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout

from ui.page import Page

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QWidget

    from ui.settings import Settings

PLANNED = {
    "dashboard": (
        "Dashboard",
        "dashboard",
        "The morning view: parts at risk, the earliest line stop, quantity waiting on pending "
        "licences, China share of controlled demand, and what needs attention today.",
    ),
    "licences": (
        "Licences",
        "licences",
        "Every export-licence application with its exporter, parts and quantities, status, "
        "expected decision in Chinese working days, overdue days, validity and document "
        "checklist, with a timeline.",
    ),
    "suppliers": (
        "Suppliers",
        "suppliers",
        "Your suppliers and a starter catalogue of non-China sources (India, Vietnam, Mexico "
        "first), ranked for each part with reasons you can read.",
    ),
    "plan": (
        "Plan",
        "plan",
        "Coverage per part and product line: when stock runs out counting only firm supply "
        "and counting pending licences, and what to order from whom by when.",
    ),
    "rules": (
        "Rules",
        "rules",
        "The export-control rule set with sources, dates and status on a chosen day, with a "
        "banner when a rule's known status has run out, and your local overrides.",
    ),
}


class PlaceholderPage(Page):
    """A page that explains what it will show once built."""

    def __init__(
        self,
        key: str,
        *,
        undo_stack: QUndoStack,
        settings: Settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(undo_stack=undo_stack, settings=settings, parent=parent)
        title, icon_name, text = PLANNED[key]
        self.key, self.title, self.icon_name = key, title, icon_name
        heading = QLabel(f"<h2>{title}</h2>")
        body = QLabel(text + "<p><i>This page is not built yet.</i></p>")
        body.setWordWrap(True)
        body.setMaximumWidth(640)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.addWidget(heading)
        layout.addWidget(body)
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
