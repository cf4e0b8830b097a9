"""The Dashboard's headline figures, computed off the GUI thread from a plan and alerts.

Plain values only (no Qt), so the worker can build them and tests can check them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from planner.licence_alerts import Alert
    from planner.plan_result import Plan

    from ui.background import TaskControl
    from ui.session import WorkspaceSession

CHINA = "CN"


@dataclass(frozen=True)
class LineStop:
    """A product's line stop and the part behind it.

    Attributes:
        product: Product name.
        day: Line-stop date.
        part: Part number that runs out first.
        firm_day: The line stop counting firm supply only (None: not within the horizon).
    """

    product: str
    day: date
    part: str
    firm_day: date | None


@dataclass(frozen=True)
class Figures:
    """What the Dashboard shows, with its basis.

    Attributes:
        part_count: Magnet parts planned.
        parts_at_risk: Parts running out within the horizon, firm supply only.
        first_runout: The part that runs out first (firm only) and when, if any.
        line_stops: Products with a line stop within the horizon, earliest first
            (pending licences counted as expected).
        pending_pieces: Pieces on orders waiting on a pending licence.
        pending_orders: Orders waiting on a pending licence.
        pending_licences: Pending licences those orders wait on.
        controlled_kg: Licence-controlled magnet demand over the horizon, kg.
        china_kg: The part of it bought from Chinese suppliers, kg.
        alerts: Licence alerts, most urgent first.
        alert_summary: The alerts in one line.
        basis: What the figures assume, in words.
        horizon_end: Last day of the horizon.
    """

    part_count: int
    parts_at_risk: int
    first_runout: tuple[str, date] | None
    line_stops: tuple[LineStop, ...]
    pending_pieces: float
    pending_orders: int
    pending_licences: int
    controlled_kg: float
    china_kg: float
    alerts: tuple[Alert, ...]
    alert_summary: str
    basis: str
    horizon_end: date

    @property
    def china_share(self) -> float | None:
        """Share of controlled demand bought from China (None without controlled demand)."""
        return self.china_kg / self.controlled_kg if self.controlled_kg > 0 else None


def figures(plan: Plan, found: list[Alert], summary: str, rules_as_of: date) -> Figures:
    """Return the headline figures of a plan and today's licence alerts."""
    from planner.plan_model import NEVER, date_of
    from planner.plan_result import SupplyClass

    from ui.plan_format import day_text

    snapshot = plan.snapshot
    parts = snapshot.parts
    at_risk = [int(i) for i in (plan.runout_firm < NEVER).nonzero()[0]]
    first = min(at_risk, key=lambda i: (int(plan.runout_firm[i]), i), default=None)
    pending = plan.supply.supply_class == int(SupplyClass.PENDING)
    orders = {int(o) for o in plan.supply.order[pending]}
    licences = {int(snapshot.orders.licence[o]) for o in orders} - {-1}
    by_country = plan.exposure.controlled_kg_by_country
    scenario = snapshot.scenario
    basis = (
        f"Scenario: {snapshot.review_basis} licence review, {snapshot.review_working_days} "
        f"Chinese working days; pending licences {scenario.pending_label}; "
        f"{scenario.horizon} {scenario.bucket.value}s from {day_text(scenario.start)}; "
        f"rules as of {day_text(rules_as_of)}; calculated {datetime.now():%H:%M}."
    )
    end = date_of(int(snapshot.bounds[-1]) - 1)
    assert end is not None
    return Figures(
        part_count=len(parts.id),
        parts_at_risk=len(at_risk),
        first_runout=None if first is None else _runout(plan, first),
        line_stops=_line_stops(plan),
        pending_pieces=float(plan.supply.qty[pending].sum()),
        pending_orders=len(orders),
        pending_licences=len(licences),
        controlled_kg=float(sum(float(kg.sum()) for kg in by_country.values())),
        china_kg=float(by_country[CHINA].sum()) if CHINA in by_country else 0.0,
        alerts=tuple(found),
        alert_summary=summary,
        basis=basis,
        horizon_end=end,
    )


def _runout(plan: Plan, part: int) -> tuple[str, date]:
    from planner.plan_model import date_of

    day = date_of(int(plan.runout_firm[part]))
    assert day is not None
    return plan.snapshot.parts.number[part], day


def _line_stops(plan: Plan) -> tuple[LineStop, ...]:
    from planner.plan_model import date_of

    snapshot, stops = plan.snapshot, plan.line_stop
    found = []
    for product, name in enumerate(snapshot.products.name):
        day = date_of(int(stops.with_pending[product]))
        if day is None:
            continue
        part = snapshot.parts.number[int(stops.with_pending_part[product])]
        found.append(LineStop(name, day, part, date_of(int(stops.firm[product]))))
    return tuple(sorted(found, key=lambda s: (s.day, s.product)))


def figures_job(session: WorkspaceSession) -> Callable[[TaskControl], Figures]:
    """Return a background job planning the statutory scenario and reading the alerts."""
    from planner.plan_model import Scenario

    from ui.plan_runner import plan_job
    from ui.plan_toolbar import plan_start

    workspace, rule_set, today = session.workspace, session.rule_set, session.today
    plan_of = plan_job(
        session, Scenario(name="statutory", start=plan_start(session)), explain=False
    )

    def job(control: TaskControl) -> Figures:
        from planner.licence_alerts import alerts, summary_line

        outcome = plan_of(control)
        control.check()
        found = alerts(workspace, today, rule_set=rule_set)
        return figures(outcome.plan, found, summary_line(found), rule_set.as_of)

    return job
