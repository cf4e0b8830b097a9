"""Named scenarios saved in a workspace, and runout dates of two plans side by side.

A saved scenario holds planning assumptions (review time, pending treatment, horizon,
bucket, qualification time); the start date is stored only when asked, so a scenario
saved last month still plans from today's start. Each operation is one audited
transaction and returns what changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from planner.plan_model import Scenario, ScenarioError, date_of
from planner.schema import Scenario as ScenarioRow
from planner.workspace import Change, ChangeKind, ValidationError

if TYPE_CHECKING:
    from datetime import date

    from planner.plan_result import Plan
    from planner.workspace import Workspace

NAME_LENGTH = 120


def scenario_names(workspace: Workspace) -> list[str]:
    """Return the names of the saved scenarios, alphabetically."""
    return sorted(row.name for row in workspace.all(ScenarioRow))


def load_scenario(workspace: Workspace, name: str, *, start: date) -> Scenario:
    """Return a saved scenario; `start` is its start unless it saved its own.

    Raises:
        ScenarioError: No scenario has that name, or its settings are unreadable.
    """
    for row in workspace.all(ScenarioRow):
        if row.name == name:
            return Scenario.from_settings(row.name, dict(row.settings or {}), start=start)
    known = ", ".join(scenario_names(workspace)) or "none"
    raise ScenarioError(f"no scenario named {name!r}; saved: {known}")


def save_scenario(
    workspace: Workspace, scenario: Scenario, *, keep_start: bool = False
) -> Change:
    """Save a scenario under its name, replacing one of the same name (audited).

    Raises:
        ValidationError: The name is empty or too long.
    """
    name = scenario.name.strip()
    if not name or len(name) > NAME_LENGTH:
        raise ValidationError(
            f"a scenario needs a name of 1 to {NAME_LENGTH} characters", field="name"
        )
    settings = scenario.to_settings()
    if not keep_start:
        settings.pop("start")
    with workspace.transaction() as session:
        row = session.scalars(select(ScenarioRow).where(ScenarioRow.name == name)).first()
        before: dict[str, Any] | None = None
        kind = ChangeKind.INSERT
        if row is None:
            row = ScenarioRow(name=name, settings=settings)
            session.add(row)
        else:
            before = {"name": row.name, "settings": dict(row.settings or {})}
            row.settings = settings
            kind = ChangeKind.UPDATE
        session.flush()
        workspace.audit(
            session,
            operation="save scenario",
            entity=ScenarioRow.__tablename__,
            entity_id=row.id,
            before=before,
            after={"name": name, "settings": settings},
        )
        key = row.id
    return Change(ScenarioRow.__tablename__, kind, (key,), ("settings",))


def delete_scenario(workspace: Workspace, name: str) -> Change:
    """Delete a saved scenario by name (audited).

    Raises:
        ValidationError: No scenario has that name.
    """
    with workspace.transaction() as session:
        row = session.scalars(select(ScenarioRow).where(ScenarioRow.name == name)).first()
        if row is None:
            raise ValidationError(f"no scenario named {name!r}", field="name")
        key = row.id
        workspace.audit(
            session,
            operation="delete scenario",
            entity=ScenarioRow.__tablename__,
            entity_id=key,
            before={"name": row.name, "settings": dict(row.settings or {})},
            after=None,
        )
        session.delete(row)
    return Change(ScenarioRow.__tablename__, ChangeKind.DELETE, (key,))


@dataclass(frozen=True)
class RunoutComparison:
    """One part's runout dates under two plans.

    Attributes:
        part: Part number.
        a_firm: Runout counting firm supply only, plan A (None: not within its horizon).
        a_with_pending: Runout counting pending supply as expected, plan A.
        b_firm: The same for plan B.
        b_with_pending: The same for plan B.
    """

    part: str
    a_firm: date | None
    a_with_pending: date | None
    b_firm: date | None
    b_with_pending: date | None

    @property
    def shift_days(self) -> int | None:
        """Days plan B runs out (with pending) later than plan A; None if either does not."""
        if self.a_with_pending is None or self.b_with_pending is None:
            return None
        return (self.b_with_pending - self.a_with_pending).days

    @property
    def changed(self) -> bool:
        """True when either runout date differs between the plans."""
        return (self.a_firm, self.a_with_pending) != (self.b_firm, self.b_with_pending)


def compare(plan_a: Plan, plan_b: Plan) -> list[RunoutComparison]:
    """Return every part of either plan with both plans' runout dates, by part number."""

    def dates(plan: Plan) -> dict[str, tuple[date | None, date | None]]:
        numbers = plan.snapshot.parts.number
        return {
            number: (
                date_of(int(plan.runout_firm[i])),
                date_of(int(plan.runout_with_pending[i])),
            )
            for i, number in enumerate(numbers)
        }

    a, b = dates(plan_a), dates(plan_b)
    none = (None, None)
    return [
        RunoutComparison(part, *a.get(part, none), *b.get(part, none))
        for part in sorted(a.keys() | b.keys())
    ]
