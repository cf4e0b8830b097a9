"""Base class of the pages behind the navigation list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from ui.session import WorkspaceSession
    from ui.settings import Settings


class Page(QWidget):
    """A page of the main window.

    Attributes:
        key: Stable name used by --page and settings ("products", "build-plan" ...).
        title: Navigation text.
        icon_name: Bundled icon shown in the navigation list.

    Signals:
        status_message: One line for the status bar (refused edits, paste summaries).
        pasted: A PasteReport, for the window to summarise.
    """

    status_message = Signal(str)
    pasted = Signal(object)

    key: str = ""
    title: str = ""
    icon_name: str = "info"

    def __init__(
        self, *, undo_stack: QUndoStack, settings: Settings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.undo_stack = undo_stack
        self.settings = settings
        self.session: WorkspaceSession | None = None

    def set_session(self, session: WorkspaceSession | None) -> None:
        """Show the data of `session` (None when no workspace is open)."""
        self.session = session

    def focus_search(self) -> None:
        """Focus the page's search field, if it has one."""

    def save_state(self) -> None:
        """Remember splitter and header layout."""

    def restore_state(self) -> None:
        """Restore splitter and header layout."""

    def status_counts(self) -> str:
        """Return a short count for the status bar, e.g. "25 parts"."""
        return ""
