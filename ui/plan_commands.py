"""Undoable edits the Plan page makes: accept a purchase, save or delete a scenario."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from planner.plan_model import Scenario, date_of
from planner.plan_result import RecommendationStatus
from planner.scenarios import delete_scenario, save_scenario
from planner.schema import Order
from planner.schema import Scenario as ScenarioRow

from ui.commands import InsertRecordsCommand

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from PySide6.QtGui import QUndoStack

    from planner.plan_result import Plan

    from ui.session import WorkspaceSession


def planned_order(plan: Plan, row: int, today: date) -> Order:
    """Return the planned order that buys recommended purchase `row` of `plan`.

    It is ordered on the order-by date (today when that has passed) and expected on the
    purchase's arrival date, from the source the engine chose, at its unit price.

    Raises:
        ValueError: The purchase has no source (infeasible).
    """
    recs, snapshot = plan.recommendations, plan.snapshot
    supplier = int(recs.supplier[row])
    if supplier < 0:
        raise ValueError("this purchase has no supplier to order from")
    order_by = date_of(int(recs.order_by[row]))
    late = RecommendationStatus(int(recs.status[row])) is not RecommendationStatus.OK
    price = float(recs.unit_price[row])
    return Order(
        reference="",
        part_id=int(snapshot.parts.id[int(recs.part[row])]),
        supplier_id=int(snapshot.suppliers.id[supplier]),
        quantity=float(recs.qty[row]),
        order_date=today if late or order_by is None or order_by < today else order_by,
        expected_arrival=date_of(int(recs.arrival[row])),
        status="planned",
        unit_price=None if math.isnan(price) else price,
        currency=recs.currency(row) or None,
    )


def accept_command(session: WorkspaceSession, plan: Plan, row: int) -> InsertRecordsCommand:
    """Return the undo command that turns a recommended purchase into a planned order."""
    order = planned_order(plan, row, session.today)
    recs = plan.recommendations
    number = plan.snapshot.parts.number[int(recs.part[row])]
    supplier = plan.snapshot.suppliers.name[int(recs.supplier[row])]
    text = f"Accept purchase of {float(recs.qty[row]):,.0f} {number} from {supplier}"
    return InsertRecordsCommand(session, [order], text)


def accept_purchases(
    undo_stack: QUndoStack, session: WorkspaceSession, plan: Plan, rows: Sequence[int]
) -> list[int]:
    """Create planned orders for purchases `rows` as one undo step; return their ids."""
    commands = [accept_command(session, plan, row) for row in rows]
    if len(commands) > 1:
        undo_stack.beginMacro(f"Accept {len(commands)} purchases")
    for command in commands:
        undo_stack.push(command)
    if len(commands) > 1:
        undo_stack.endMacro()
    return [command.keys[0] for command in commands]


def accepted_message(plan: Plan, rows: Sequence[int]) -> str:
    """Return what accepting purchases `rows` did, and what the buyer must still do."""
    text = f"Created {len(rows)} planned order(s) on the Stock & orders page."
    licensed = sum(1 for row in rows if plan.recommendations.licence[row])
    if licensed:
        text += (
            f" {licensed} of them need a Chinese export licence: until an application is "
            "linked, the plan counts them as blocked supply."
        )
    return text


def _saved_settings(session: WorkspaceSession, name: str) -> dict[str, Any] | None:
    for row in session.workspace.all(ScenarioRow):
        if row.name == name:
            return dict(row.settings or {})
    return None


def _restore(session: WorkspaceSession, name: str, settings: dict[str, Any] | None) -> None:
    """Put a scenario back as it was saved (None: it did not exist)."""
    workspace = session.workspace
    if settings is None:
        session.notify(delete_scenario(workspace, name))
        return
    scenario = Scenario.from_settings(name, settings, start=session.today)
    change = save_scenario(workspace, scenario, keep_start="start" in settings)
    session.notify(change)


class SaveScenarioCommand(QUndoCommand):
    """Save planning assumptions under a name; undo restores what that name held."""

    def __init__(self, session: WorkspaceSession, scenario: Scenario) -> None:
        super().__init__(f"Save scenario {scenario.name}")
        self._session, self._scenario = session, scenario
        self._before = _saved_settings(session, scenario.name)

    def redo(self) -> None:
        """Reimplemented from QUndoCommand.redo."""
        self._session.notify(save_scenario(self._session.workspace, self._scenario))

    def undo(self) -> None:
        """Reimplemented from QUndoCommand.undo."""
        _restore(self._session, self._scenario.name, self._before)


class DeleteScenarioCommand(QUndoCommand):
    """Delete a saved scenario; undo saves it again."""

    def __init__(self, session: WorkspaceSession, name: str) -> None:
        super().__init__(f"Delete scenario {name}")
        self._session, self._name = session, name
        self._before = _saved_settings(session, name)

    def redo(self) -> None:
        """Reimplemented from QUndoCommand.redo."""
        self._session.notify(delete_scenario(self._session.workspace, self._name))

    def undo(self) -> None:
        """Reimplemented from QUndoCommand.undo."""
        _restore(self._session, self._name, self._before)
