"""The planning rules once more in plain Python: the oracle for tests and the benchmark.

Dicts and loops only, one part and one period at a time, following the same rules and
conventions as `planner.engine` (see its module docstring and those of `engine_supply` and
`engine_recommend`). It reads the snapshot's arrays as Python lists and returns plain lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from planner.bom import BomEdge, part_multipliers
from planner.engine_reference_buy import (
    EPS,
    exposure,
    offset,
    period_index,
    recommendations,
    wd,
)
from planner.licences import LicenceStatus
from planner.plan_model import NEVER, PendingMode
from planner.plan_result import SupplyClass, SupplyReason

if TYPE_CHECKING:
    from planner.plan_model import Snapshot

_STATUS = {
    LicenceStatus.APPROVED: SupplyReason.LICENCE_VALID,
    LicenceStatus.DRAFT: SupplyReason.NOT_SUBMITTED,
    LicenceStatus.DOCUMENTS_PENDING: SupplyReason.NOT_SUBMITTED,
    LicenceStatus.REJECTED: SupplyReason.LICENCE_REJECTED,
    LicenceStatus.WITHDRAWN: SupplyReason.LICENCE_WITHDRAWN,
    LicenceStatus.EXPIRED: SupplyReason.LICENCE_EXPIRED,
    LicenceStatus.USED_UP: SupplyReason.USED_UP,
}
_FIRM = {
    SupplyReason.SHIPPED,
    SupplyReason.NOT_FROM_CHINA,
    SupplyReason.NOT_CONTROLLED,
    SupplyReason.LICENCE_VALID,
}


@dataclass(frozen=True)
class ReferencePlan:
    """What the reference computes, as plain lists indexed like the snapshot.

    Attributes:
        demand: Gross demand [part][period].
        stock_firm: End-of-period stock, firm only.
        stock_with_pending: End-of-period stock, firm + pending.
        runout_firm: First day below zero per part (NEVER when none).
        runout_with_pending: The same with pending supply.
        below_safety: First day below safety stock (firm + pending).
        line_stop_firm: Per product (day, part) of the earliest runout, firm only.
        line_stop_with_pending: The same with pending supply.
        supply: (order, qty, class, arrival, reason, decision) sorted by order then class.
        recommendations: One dict per purchase, by need period then part.
        exposure: Per-period lists: pieces, kg, dy_tb_kg, sm_kg, licence_kg, pending_kg.
    """

    demand: list[list[float]]
    stock_firm: list[list[float]]
    stock_with_pending: list[list[float]]
    runout_firm: list[int]
    runout_with_pending: list[int]
    below_safety: list[int]
    line_stop_firm: list[tuple[int, int]]
    line_stop_with_pending: list[tuple[int, int]]
    supply: list[tuple[int, float, int, int, int, int]]
    recommendations: list[dict[str, Any]]
    exposure: dict[str, list[float]]


def _demand(s: Snapshot) -> list[list[float]]:
    bom = s.bom
    edges = [
        BomEdge(parent, part if part >= 0 else None, product if product >= 0 else None, n, x)
        for parent, part, product, n, x in zip(
            bom.parent.tolist(),
            bom.child_part.tolist(),
            bom.child_product.tolist(),
            bom.pieces.tolist(),
            bom.scrap_pct.tolist(),
            strict=True,
        )
    ]
    multipliers = part_multipliers(edges, dict(enumerate(s.products.name)))
    demand = [[0.0] * s.period_count for _ in s.parts.id]
    for product, period, qty in zip(
        s.build.product.tolist(), s.build.period.tolist(), s.build.qty.tolist(), strict=True
    ):
        for part, pieces in multipliers.get(product, {}).items():
            demand[part][period] += qty * pieces
    return demand


def _facts(s: Snapshot) -> dict[str, Any]:
    """Return the snapshot columns the supply rules read, as lists."""
    lic = s.licences
    return {
        "bounds": s.bounds.tolist(),
        "from_china": s.suppliers.from_china.tolist(),
        "transit": s.suppliers.transit_days.tolist(),
        "controlled": s.parts.controlled.tolist(),
        "status": [LicenceStatus(x) for x in lic.status],
        "valid_from": lic.valid_from.tolist(),
        "valid_until": lic.valid_until.tolist(),
    }


def _reason(
    s: Snapshot,
    facts: dict[str, Any],
    part: int,
    supplier: int,
    licence: int,
    eta: int,
    shipped: bool,
) -> SupplyReason:
    """Return why an order's quantity is in its class (before licence quantities)."""
    period = min(period_index(facts["bounds"], eta), s.period_count - 1)
    if shipped:
        return SupplyReason.SHIPPED
    if not facts["from_china"][supplier]:
        return SupplyReason.NOT_FROM_CHINA
    if not facts["controlled"][part][period]:
        return SupplyReason.NOT_CONTROLLED
    if licence < 0:
        return SupplyReason.NO_LICENCE
    status = facts["status"][licence]
    if status.is_pending:
        if s.scenario.pending is PendingMode.REJECTED:
            return SupplyReason.PENDING_AS_REJECTED
        return SupplyReason.LICENCE_PENDING
    ship = eta - facts["transit"][supplier]
    valid = facts["valid_from"][licence] <= ship <= facts["valid_until"][licence]
    if _STATUS[status] is SupplyReason.LICENCE_VALID and not valid:
        return SupplyReason.NOT_VALID_ON_SHIP_DATE
    return _STATUS[status]


def _supply(s: Snapshot) -> list[tuple[int, float, int, int, int, int]]:
    o, lic = s.orders, s.licences
    expected, left_of = lic.expected_decision.tolist(), lic.quantity_left.tolist()
    transit_of = s.suppliers.transit_days.tolist()
    facts = _facts(s)
    rows: list[tuple[int, float, int, int, int, int]] = []
    using: dict[int, list[tuple[int, int, int, float]]] = {}
    for i, (part, supplier, licence, eta, qty, shipped) in enumerate(
        zip(
            o.part.tolist(),
            o.supplier.tolist(),
            o.licence.tolist(),
            o.eta.tolist(),
            o.qty.tolist(),
            o.shipped.tolist(),
            strict=True,
        )
    ):
        transit, decision, arrival = transit_of[supplier], 0, eta
        reason = _reason(s, facts, part, supplier, licence, eta, shipped)
        if reason is SupplyReason.LICENCE_PENDING:
            decision = max(expected[licence], s.today.toordinal())
            if s.scenario.pending is PendingMode.DELAYED:
                decision = wd(decision, s.scenario.pending_delay_working_days)
            arrival = max(eta, decision + transit)
        if reason is SupplyReason.LICENCE_VALID:
            using.setdefault(licence, []).append((eta - transit, i, eta, qty))
        else:
            rows.append((i, qty, _class(reason), arrival, reason, decision))
    for licence, group in using.items():
        left = left_of[licence]
        for _ship, i, eta, qty in sorted(group):
            firm = min(qty, max(0.0, left))
            left -= firm
            if firm > 0:
                rows.append((i, firm, SupplyClass.FIRM, eta, SupplyReason.LICENCE_VALID, 0))
            if firm < qty:
                rows.append((i, qty - firm, SupplyClass.BLOCKED, eta, SupplyReason.USED_UP, 0))
    rows.sort(key=lambda row: (row[0], row[2]))
    return [(r[0], r[1], int(r[2]), r[3], int(r[4]), r[5]) for r in rows]


def _class(reason: SupplyReason) -> SupplyClass:
    if reason in _FIRM:
        return SupplyClass.FIRM
    return (
        SupplyClass.PENDING if reason is SupplyReason.LICENCE_PENDING else SupplyClass.BLOCKED
    )


def _project(
    s: Snapshot, demand: list[list[float]], arrivals: list[list[float]]
) -> list[list[float]]:
    result = []
    for part, on_hand in enumerate(s.parts.on_hand.tolist()):
        stock, row = on_hand, []
        for period in range(s.period_count):
            stock = stock + (arrivals[part][period] - demand[part][period])
            row.append(stock)
        result.append(row)
    return result


def _first_below(
    s: Snapshot, stock: list[list[float]], demand: list[list[float]], levels: list[float]
) -> list[int]:
    bounds, result = s.bounds.tolist(), []
    for part, level in enumerate(levels):
        day = NEVER
        for period in range(s.period_count):
            if stock[part][period] < level - EPS:
                use = demand[part][period]
                start = stock[part][period] + use
                days = bounds[period + 1] - bounds[period]
                day = bounds[period] + offset(start, level, use, days)
                break
        result.append(day)
    return result


def _line_stops(s: Snapshot, runout: list[int]) -> list[tuple[int, int]]:
    children: dict[int, list[tuple[int, int]]] = {}
    for parent, part, product in zip(
        s.bom.parent.tolist(),
        s.bom.child_part.tolist(),
        s.bom.child_product.tolist(),
        strict=True,
    ):
        children.setdefault(parent, []).append((part, product))
    none = (NEVER, len(runout))
    memo: dict[int, tuple[int, int]] = {}

    def best(product: int) -> tuple[int, int]:
        if product not in memo:
            found = [none]
            for part, child in children.get(product, []):
                found.append((runout[part], part) if part >= 0 else best(child))
            memo[product] = min(found)
        return memo[product]

    return [
        (day, part if day < NEVER else -1)
        for day, part in (best(p) for p in range(len(s.products.id)))
    ]


def _arrivals(
    s: Snapshot, supply: list[tuple[int, float, int, int, int, int]], wanted: SupplyClass
) -> list[list[float]]:
    bounds, part_of = s.bounds.tolist(), s.orders.part.tolist()
    result = [[0.0] * s.period_count for _ in s.parts.id]
    for order, qty, supply_class, arrival, _reason, _decision in supply:
        period = period_index(bounds, arrival)
        if supply_class == wanted and period < s.period_count:
            result[part_of[order]][period] += qty
    return result


def reference_plan(s: Snapshot) -> ReferencePlan:
    """Return the plan of `s` computed the straightforward way (current supplier only)."""
    demand = _demand(s)
    supply = _supply(s)
    firm = _arrivals(s, supply, SupplyClass.FIRM)
    pending = _arrivals(s, supply, SupplyClass.PENDING)
    both = [
        [a + b for a, b in zip(x, y, strict=True)] for x, y in zip(firm, pending, strict=True)
    ]
    stock_firm = _project(s, demand, firm)
    stock = _project(s, demand, both)
    zero = [0.0] * len(s.parts.id)
    runout_firm = _first_below(s, stock_firm, demand, zero)
    runout = _first_below(s, stock, demand, zero)
    return ReferencePlan(
        demand=demand,
        stock_firm=stock_firm,
        stock_with_pending=stock,
        runout_firm=runout_firm,
        runout_with_pending=runout,
        below_safety=_first_below(s, stock, demand, s.parts.safety.tolist()),
        line_stop_firm=_line_stops(s, runout_firm),
        line_stop_with_pending=_line_stops(s, runout),
        supply=supply,
        recommendations=recommendations(s, demand, stock),
        exposure=exposure(s, demand, stock_firm, stock),
    )
