"""The undo command of a spreadsheet import: the whole import is one undo step."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from planner.importing.commit import commit, undo_import
from planner.workspace import Change, ChangeKind

if TYPE_CHECKING:
    from planner.importing.commit import ImportResult
    from planner.importing.validate import ImportPreview

    from ui.session import WorkspaceSession


def touched_tables(result: ImportResult) -> list[str]:
    """Return the tables an import wrote to, in a stable order."""
    names = [*result.inserted, *result.updated, *result.deleted]
    return list(dict.fromkeys(names))


class ImportCommand(QUndoCommand):
    """An import already committed in the background, pushed to be undone as one step.

    The first redo (run by `QUndoStack.push`) only announces the changes: the rows were
    written by `commit` on a worker thread before the push, and validating or writing
    them again here would freeze the window. Later redos commit the stored preview again,
    on the workspace exactly as it was before the import (undo restored it).
    """

    def __init__(
        self,
        session: WorkspaceSession,
        preview: ImportPreview,
        result: ImportResult,
        *,
        skip_errors: bool,
        text: str,
    ) -> None:
        super().__init__(text)
        self._session, self._preview, self._result = session, preview, result
        self._skip_errors = skip_errors
        self._written = True  # the rows are in the workspace: the first redo has no work

    @property
    def result(self) -> ImportResult:
        """What the import wrote (the latest redo's result)."""
        return self._result

    def redo(self) -> None:
        """Reimplemented from QUndoCommand.redo."""
        if not self._written:
            ws = self._session.workspace
            self._result = commit(ws, self._preview, skip_errors=self._skip_errors)
            self._written = True
        self._announce(touched_tables(self._result))

    def undo(self) -> None:
        """Reimplemented from QUndoCommand.undo."""
        undo_import(self._session.workspace, self._result)
        self._written = False
        self._announce(touched_tables(self._result))

    def _announce(self, tables: list[str]) -> None:
        for table in tables:
            self._session.notify(Change(table, ChangeKind.RESET))
