"""The open workspace as the interface sees it: data, rules, today, and change signals."""

from __future__ import annotations

import threading
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from planner.quickread import QuickReader

from ui import plain_imports

if TYPE_CHECKING:
    from collections.abc import Callable

    from planner.rules import RuleSet
    from planner.storage import Location
    from planner.workspace import Change, Workspace


class WorkspaceSession(QObject):
    """Holds the planner workspace and tells views what changed.

    Every edit runs one planner operation (through an undo command) and then calls
    `notify` with the operation's Change, so each view refreshes only what it shows.

    A session opened from a `QuickReader` paints the first window from plain sqlite3 reads
    (`reader`); the ORM workspace, whose import takes ~0.25 s (`make bench`), is opened
    after the first paint (`load_after_paint`), or as soon as anything asks for it.

    Attributes:
        location: Where the workspace lives.
        rule_set: The rule set in force (shipped data plus local overrides).
        today: The evaluation date for licence needs.

    Signals:
        changed: A planner Change after an operation or its undo.
    """

    changed = Signal(object)

    def __init__(
        self,
        workspace: Workspace | QuickReader,
        rule_set: RuleSet,
        *,
        today: date | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._reader = workspace if isinstance(workspace, QuickReader) else None
        self._workspace = None if isinstance(workspace, QuickReader) else workspace
        self._lock = threading.Lock()
        self._closed = False
        self.location: Location = workspace.location
        self.rule_set = rule_set
        self.today = today or date.today()

    @property
    def workspace(self) -> Workspace:
        """The planner workspace (opened now if the session started from a quick read)."""
        workspace = self._workspace
        return workspace if workspace is not None else self.load()

    @property
    def reader(self) -> QuickReader | None:
        """The first paint's sqlite3 reader while the workspace is not opened, else None."""
        return self._reader

    @property
    def loaded(self) -> bool:
        """True once the ORM workspace is open."""
        return self._workspace is not None

    @property
    def name(self) -> str:
        """The workspace's display name."""
        reader = self._reader
        return reader.name if reader is not None else self.workspace.name

    def load_after_paint(self, widget: QObject) -> None:
        """Open the ORM workspace once `widget` has painted and events are processed again."""
        if self._workspace is None:
            _AfterPaint(widget, self._load_unless_closed)

    def notify(self, change: Change) -> None:
        """Announce a change to every view."""
        self.changed.emit(change)

    def close(self) -> None:
        """Release the workspace."""
        self._closed = True
        if self._workspace is not None:
            self._workspace.close()
        elif self._reader is not None:
            self._reader.close()

    def load(self) -> Workspace:
        """Open the ORM workspace now unless it is open already; return it."""
        with self._lock:
            if self._workspace is None:
                assert self._reader is not None
                with plain_imports():
                    self._workspace = self._reader.open_workspace()
                reader, self._reader = self._reader, None
                reader.close()
            return self._workspace

    def _load_unless_closed(self) -> None:
        if not self._closed:
            self.load()


class _AfterPaint(QObject):
    """Calls back once, from the event loop, after the first paint of a widget."""

    def __init__(self, target: QObject, callback: Callable[[], None]) -> None:
        super().__init__(target)
        self._callback = callback
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Reimplemented from QObject.eventFilter."""
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            # Queued: the paint (and the rest of the window's) finishes first.
            QTimer.singleShot(0, self, self._fire)
        return False

    def _fire(self) -> None:
        self._callback()
        self.deleteLater()
