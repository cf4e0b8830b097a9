"""Undo commands: each calls one planner operation in redo() and its inverse in undo().

Values are validated before a command is built, so redo() never refuses (STYLE.md §6).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect

from PySide6.QtGui import QUndoCommand

from planner.operations import (
    PlanCell,
    Removed,
    delete_with_dependents,
    restore,
    set_build_quantities,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from planner.schema import Base

    from ui.session import WorkspaceSession


class SetFieldsCommand(QUndoCommand):
    """Change some fields of one record."""

    def __init__(
        self,
        session: WorkspaceSession,
        model: type[Base],
        key: Any,
        values: dict[str, Any],
        text: str,
    ) -> None:
        super().__init__(text)
        self._session, self._model, self._key, self._new = session, model, key, values
        record = session.workspace.get(model, key)
        assert record is not None, f"{model.__tablename__} {key} is gone"
        self._old = {name: getattr(record, name) for name in values}

    def redo(self) -> None:
        """Reimplemented from QUndoCommand.redo."""
        self._apply(self._new)

    def undo(self) -> None:
        """Reimplemented from QUndoCommand.undo."""
        self._apply(self._old)

    def _apply(self, values: dict[str, Any]) -> None:
        ws = self._session.workspace
        self._session.notify(ws.update(self._model, self._key, values, operation=self.text()))


class InsertRecordsCommand(QUndoCommand):
    """Insert records (one row or a pasted block) as one undo step; redo keeps their keys."""

    def __init__(self, session: WorkspaceSession, records: Sequence[Base], text: str) -> None:
        super().__init__(text)
        self._session = session
        self._model = type(records[0])
        mapper = inspect(self._model)
        columns = [col.key for col in mapper.column_attrs]
        # A single integer key ("id") is kept after the first redo so redo after undo brings
        # back the same records; natural keys (stock's part_id) are in the values already.
        primary = [col.key for col in mapper.primary_key]
        self._auto_key = primary[0] if primary == ["id"] else None
        self._values = [
            {k: getattr(r, k) for k in columns if getattr(r, k) is not None} for r in records
        ]
        self._keys: list[Any] = []

    @property
    def keys(self) -> list[Any]:
        """Primary keys of the inserted records (after the first redo)."""
        return list(self._keys)

    def redo(self) -> None:
        """Reimplemented from QUndoCommand.redo."""
        records = [self._model(**values) for values in self._values]
        change = self._session.workspace.insert_many(records, operation=self.text())
        self._keys = list(change.ids)
        if self._auto_key is not None:
            for values, key in zip(self._values, self._keys, strict=True):
                values[self._auto_key] = key
        self._session.notify(change)

    def undo(self) -> None:
        """Reimplemented from QUndoCommand.undo."""
        _, change = delete_with_dependents(
            self._session.workspace, self._model, self._keys, operation=f"undo {self.text()}"
        )
        self._session.notify(change)


class DeleteRecordsCommand(QUndoCommand):
    """Delete records and what depends on them; undo puts all of it back."""

    def __init__(
        self, session: WorkspaceSession, model: type[Base], keys: Sequence[Any], text: str
    ) -> None:
        super().__init__(text)
        self._session, self._model, self._keys = session, model, list(keys)
        self._removed: Removed | None = None

    def redo(self) -> None:
        """Reimplemented from QUndoCommand.redo."""
        self._removed, change = delete_with_dependents(
            self._session.workspace, self._model, self._keys, operation=self.text()
        )
        self._session.notify(change)

    def undo(self) -> None:
        """Reimplemented from QUndoCommand.undo."""
        assert self._removed is not None
        change = restore(
            self._session.workspace, self._removed, operation=f"undo {self.text()}"
        )
        self._session.notify(change)


class SetBuildQuantitiesCommand(QUndoCommand):
    """Set a block of build-plan cells (edit, paste, fill) as one undo step."""

    def __init__(self, session: WorkspaceSession, cells: Sequence[PlanCell], text: str) -> None:
        super().__init__(text)
        self._session, self._cells = session, list(cells)
        self._previous: list[PlanCell] = []

    def redo(self) -> None:
        """Reimplemented from QUndoCommand.redo."""
        self._previous, change = set_build_quantities(
            self._session.workspace, self._cells, operation=self.text()
        )
        self._session.notify(change)

    def undo(self) -> None:
        """Reimplemented from QUndoCommand.undo."""
        _, change = set_build_quantities(
            self._session.workspace, self._previous, operation=f"undo {self.text()}"
        )
        self._session.notify(change)
