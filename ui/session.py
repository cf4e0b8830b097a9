"""The open workspace as the interface sees it: data, rules, today, and change signals."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from planner.rules import RuleSet
    from planner.workspace import Change, Workspace


class WorkspaceSession(QObject):
    """Holds the planner workspace and tells views what changed.

    Every edit runs one planner operation (through an undo command) and then calls
    `notify` with the operation's Change, so each view refreshes only what it shows.

    Attributes:
        workspace: The planner workspace.
        rule_set: The rule set in force (shipped data plus local overrides).
        today: The evaluation date for licence needs.

    Signals:
        changed: A planner Change after an operation or its undo.
    """

    changed = Signal(object)

    def __init__(
        self,
        workspace: Workspace,
        rule_set: RuleSet,
        *,
        today: date | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.rule_set = rule_set
        self.today = today or date.today()

    def notify(self, change: Change) -> None:
        """Announce a change to every view."""
        self.changed.emit(change)

    def close(self) -> None:
        """Release the workspace."""
        self.workspace.close()
