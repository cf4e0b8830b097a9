"""Undo commands for licences and rule overrides: one planner operation each way.

A planner refusal (a move the workflow forbids, a licence of another supplier) is
caught in the first redo: the command keeps the reason in `refusal` and marks itself
obsolete, so ``QUndoStack.push`` drops it instead of stacking a step that did nothing
(https://doc.qt.io/qt-6/qundostack.html#push). `push_refusable` returns that reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from planner.licence_ops import (
    add_licence,
    link_order,
    move_licence,
    set_document,
    set_licence_fields,
    undo_move,
    undo_set_document,
)
from planner.operations import delete_with_dependents, restore
from planner.rules import RuleSetError
from planner.schema import Licence, RuleOverrideRow
from planner.workspace import Change, ValidationError
from planner.workspace_rules import workspace_rule_set

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import date

    from PySide6.QtGui import QUndoStack

    from planner.licence_ops import DocumentUndo, MoveUndo
    from planner.licences import Grant, LicenceStatus, NewLicence
    from planner.operations import Removed
    from planner.rules import RuleOverride

    from ui.session import WorkspaceSession


def push_refusable(stack: QUndoStack, command: RefusableCommand) -> str:
    """Push `command`; return the planner's reason when it refused, else ""."""
    stack.push(command)
    # An obsolete command is deleted by the stack; its Python attributes stay readable.
    return command.refusal


class RefusableCommand(QUndoCommand):
    """A command whose first redo may be refused by the planner.

    Attributes:
        refusal: The planner's reason when the first redo was refused, else "".
    """

    def __init__(self, session: WorkspaceSession, text: str) -> None:
        super().__init__(text)
        self.session = session
        self.refusal = ""
        self._done_once = False

    def redo(self) -> None:
        """Reimplemented from QUndoCommand.redo."""
        if self._done_once:
            self.session.notify(self.apply())
            return
        try:
            change = self.apply()
        except (ValidationError, RuleSetError) as exc:
            self.refusal = str(exc)
            self.setObsolete(True)
            return
        self._done_once = True
        self.session.notify(change)

    def undo(self) -> None:
        """Reimplemented from QUndoCommand.undo."""
        self.session.notify(self.revert())

    def apply(self) -> Change:
        """Run the planner operation; return what changed."""
        raise NotImplementedError

    def revert(self) -> Change:
        """Run the inverse operation; return what changed."""
        raise NotImplementedError


class MoveLicenceCommand(RefusableCommand):
    """Move a licence along the workflow on a date, with a note."""

    def __init__(
        self,
        session: WorkspaceSession,
        licence_id: int,
        target: LicenceStatus,
        on: date,
        *,
        note: str = "",
        grant: Grant | None = None,
    ) -> None:
        super().__init__(session, f"Move licence to {target.label}")
        self._args = (licence_id, target, on, note, grant)
        self._undo: MoveUndo | None = None

    def apply(self) -> Change:
        """Reimplemented from RefusableCommand.apply."""
        licence_id, target, on, note, grant = self._args
        ws = self.session.workspace
        self._undo, change = move_licence(
            ws, licence_id, target, on, author=ws.user, note=note, grant=grant
        )
        return change

    def revert(self) -> Change:
        """Reimplemented from RefusableCommand.revert."""
        assert self._undo is not None
        return undo_move(self.session.workspace, self._undo)


class SetDocumentCommand(RefusableCommand):
    """Tick or untick one checklist document, dated."""

    def __init__(
        self, session: WorkspaceSession, licence_id: int, key: str, done: bool, on: date
    ) -> None:
        super().__init__(session, f"{'Tick' if done else 'Untick'} licence document")
        self._args = (licence_id, key, done, on)
        self._undo: DocumentUndo | None = None

    def apply(self) -> Change:
        """Reimplemented from RefusableCommand.apply."""
        licence_id, key, done, on = self._args
        self._undo, change = set_document(self.session.workspace, licence_id, key, done, on)
        return change

    def revert(self) -> Change:
        """Reimplemented from RefusableCommand.revert."""
        assert self._undo is not None
        return undo_set_document(self.session.workspace, self._undo)


class SetLicenceFieldsCommand(RefusableCommand):
    """Edit fields of a licence (dates, approved quantity, notes)."""

    def __init__(
        self, session: WorkspaceSession, licence_id: int, values: Mapping[str, Any], text: str
    ) -> None:
        super().__init__(session, text)
        self._licence_id, self._new = licence_id, dict(values)
        self._old: dict[str, Any] = {}

    def apply(self) -> Change:
        """Reimplemented from RefusableCommand.apply."""
        ws = self.session.workspace
        self._old, change = set_licence_fields(ws, self._licence_id, self._new)
        return change

    def revert(self) -> Change:
        """Reimplemented from RefusableCommand.revert."""
        return set_licence_fields(self.session.workspace, self._licence_id, self._old)[1]


class LinkOrderCommand(RefusableCommand):
    """Link an order to a licence of its supplier, or unlink it (None)."""

    def __init__(
        self, session: WorkspaceSession, order_id: int, licence_id: int | None, text: str
    ) -> None:
        super().__init__(session, text)
        self._order_id, self._licence_id = order_id, licence_id
        self._previous: int | None = None

    def apply(self) -> Change:
        """Reimplemented from RefusableCommand.apply."""
        ws = self.session.workspace
        self._previous, change = link_order(ws, self._order_id, self._licence_id)
        return change

    def revert(self) -> Change:
        """Reimplemented from RefusableCommand.revert."""
        return link_order(self.session.workspace, self._order_id, self._previous)[1]


class AddLicenceCommand(RefusableCommand):
    """Add a licence with its items and checklist; redo after undo restores the same id.

    Attributes:
        licence_id: The new licence's id, after the first redo.
    """

    def __init__(self, session: WorkspaceSession, new: NewLicence) -> None:
        super().__init__(session, f"Add licence {new.reference.strip()}")
        self._new = new
        self.licence_id: int | None = None
        self._removed: Removed | None = None

    def apply(self) -> Change:
        """Reimplemented from RefusableCommand.apply."""
        ws = self.session.workspace
        if self._removed is not None:
            return restore(ws, self._removed, operation=self.text())
        self.licence_id, change = add_licence(ws, self._new, author=ws.user)
        return change

    def revert(self) -> Change:
        """Reimplemented from RefusableCommand.revert."""
        assert self.licence_id is not None
        ws, operation = self.session.workspace, f"undo {self.text()}"
        self._removed, change = delete_with_dependents(
            ws, Licence, [self.licence_id], operation=operation
        )
        return change


class _OverrideCommand(RefusableCommand):
    """Shared by the override commands: recompute the session's rule set after each step."""

    def _rules_changed(self, change: Change) -> Change:
        self.session.rule_set = workspace_rule_set(self.session.workspace)
        return Change("rule_overrides", change.kind, change.ids)

    def _insert(self, removed: Removed | None, override: RuleOverride | None) -> Change:
        ws = self.session.workspace
        if removed is not None:
            return self._rules_changed(restore(ws, removed, operation=self.text()))
        assert override is not None
        # Refuse overrides the rule set cannot apply before anything is stored.
        workspace_rule_set(ws).with_overrides([override])
        row = RuleOverrideRow(rule_id=override.rule_id, data=override.to_json(), active=True)
        return self._rules_changed(ws.insert_many([row], operation=self.text()))

    def _delete(self, row_id: int) -> tuple[Removed, Change]:
        ws = self.session.workspace
        removed, change = delete_with_dependents(
            ws, RuleOverrideRow, [row_id], operation=self.text()
        )
        return removed, self._rules_changed(change)


class AddRuleOverrideCommand(_OverrideCommand):
    """Store a local rule override; the session's rule set follows.

    Attributes:
        row_id: The stored row's id, after the first redo.
    """

    def __init__(self, session: WorkspaceSession, override: RuleOverride) -> None:
        super().__init__(session, f"Add local override of {override.rule_id}")
        self._override = override
        self._removed: Removed | None = None
        self.row_id: int | None = None

    def apply(self) -> Change:
        """Reimplemented from RefusableCommand.apply."""
        change = self._insert(self._removed, self._override)
        self.row_id = change.ids[0] if change.ids else self.row_id
        return change

    def revert(self) -> Change:
        """Reimplemented from RefusableCommand.revert."""
        assert self.row_id is not None
        self._removed, change = self._delete(self.row_id)
        return change


class RemoveRuleOverrideCommand(_OverrideCommand):
    """Remove a stored local rule override; undo puts it back with the same id."""

    def __init__(self, session: WorkspaceSession, row_id: int, rule_id: str) -> None:
        super().__init__(session, f"Remove local override of {rule_id}")
        self._row_id = row_id
        self._removed: Removed | None = None

    def apply(self) -> Change:
        """Reimplemented from RefusableCommand.apply."""
        self._removed, change = self._delete(self._row_id)
        return change

    def revert(self) -> Change:
        """Reimplemented from RefusableCommand.revert."""
        return self._insert(self._removed, None)
