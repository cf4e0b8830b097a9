"""Supply classes: which incoming quantities are firm, pending a licence, or blocked.

An order is *firm* when it has shipped, when its supplier ships from outside China, when
its part needs no licence on the arrival date, or when its licence is approved, valid on
the ship date (ETA minus transit) and has quantity left. An approved licence's quantity
left is used by its orders in ship-date order (ties by order index); an order that finds
only part of what it needs is split into a firm and a blocked row. An order is *pending*
while its licence application is with MOFCOM: it arrives at max(ETA, decision + transit),
where the decision is the expected one, no earlier than today (an overdue decision can
still only come from today on), and later by the scenario's delay; a scenario that treats
pending licences as rejected blocks it. Anything else that needs a licence is *blocked*:
no licence linked, an application not yet submitted, rejected, withdrawn, expired, used
up, or approved but not valid on the ship date.
"""

from __future__ import annotations

import threading
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from planner.cn_calendar import add_working_days
from planner.licences import LicenceStatus
from planner.plan_model import PendingMode, weighted_counts
from planner.plan_result import SupplyClass, SupplyReason, SupplyTable

if TYPE_CHECKING:
    from planner.plan_model import FloatArray, IntArray, Snapshot

# Licence statuses as the supply rules see them: the reason an order needing one gets.
STATUS_REASON: dict[str, SupplyReason] = {
    LicenceStatus.APPROVED: SupplyReason.LICENCE_VALID,
    LicenceStatus.SUBMITTED: SupplyReason.LICENCE_PENDING,
    LicenceStatus.UNDER_REVIEW: SupplyReason.LICENCE_PENDING,
    LicenceStatus.INFORMATION_REQUESTED: SupplyReason.LICENCE_PENDING,
    LicenceStatus.RESUBMITTED: SupplyReason.LICENCE_PENDING,
    LicenceStatus.DRAFT: SupplyReason.NOT_SUBMITTED,
    LicenceStatus.DOCUMENTS_PENDING: SupplyReason.NOT_SUBMITTED,
    LicenceStatus.REJECTED: SupplyReason.LICENCE_REJECTED,
    LicenceStatus.WITHDRAWN: SupplyReason.LICENCE_WITHDRAWN,
    LicenceStatus.EXPIRED: SupplyReason.LICENCE_EXPIRED,
    LicenceStatus.USED_UP: SupplyReason.USED_UP,
}
_STATUS_CODE = {str(status): int(reason) for status, reason in STATUS_REASON.items()}
FIRM_REASONS = frozenset(
    {
        SupplyReason.SHIPPED,
        SupplyReason.NOT_FROM_CHINA,
        SupplyReason.NOT_CONTROLLED,
        SupplyReason.LICENCE_VALID,
    }
)


def reason_class(reason: SupplyReason) -> SupplyClass:
    """Return the supply class a reason puts a quantity in."""
    if reason in FIRM_REASONS:
        return SupplyClass.FIRM
    if reason is SupplyReason.LICENCE_PENDING:
        return SupplyClass.PENDING
    return SupplyClass.BLOCKED


_CLASS_OF = np.array([reason_class(r) for r in SupplyReason], dtype=np.int8)


def shift_working_days(
    days: IntArray, working_days: int, *, count_start_day: bool = False
) -> IntArray:
    """Return each ordinal moved `working_days` Chinese working days (back when negative).

    Results are memoised in a table per (working days, clock rule) indexed by day, so a
    planning run looks each day up in the calendar at most once per process.
    """
    if working_days == 0 or len(days) == 0:
        return days.copy()
    if int(days.max()) - int(days.min()) > _SPAN:
        unique, inverse = np.unique(days, return_inverse=True)
        moved = [
            add_working_days(
                date.fromordinal(day), working_days, count_start_day=count_start_day
            )
            for day in unique.tolist()
        ]
        return np.array([d.toordinal() for d in moved], dtype=np.int64)[inverse.reshape(-1)]
    with _TABLES_LOCK:
        low, high = int(days.min()), int(days.max())
        base, table = _TABLES.get((working_days, count_start_day), (low, _EMPTY))
        if low < base or high >= base + len(table):
            start, stop = min(low, base), max(high + 1, base + len(table))
            wider = np.zeros(stop - start, dtype=np.int64)
            wider[base - start : base - start + len(table)] = table
            base, table = start, wider
            _TABLES[working_days, count_start_day] = (base, table)
        found = table[days - base]
        if not found.all():
            for day in np.unique(days[found == 0]).tolist():
                result = add_working_days(
                    date.fromordinal(day), working_days, count_start_day=count_start_day
                )
                table[day - base] = result.toordinal()
            found = table[days - base]
    return found


_SPAN = 20_000
"""Widest range of days (about 55 years) kept in a memo table; wider inputs are not memoised."""
_TABLES: dict[tuple[int, bool], tuple[int, IntArray]] = {}
_TABLES_LOCK = threading.Lock()
_EMPTY = np.zeros(0, dtype=np.int64)


def pending_decisions(snapshot: Snapshot) -> IntArray:
    """Return per licence the decision day the scenario counts (meaningful for pending)."""
    scenario = snapshot.scenario
    today = snapshot.today.toordinal()
    decided = np.maximum(snapshot.licences.expected_decision, today)
    if scenario.pending is PendingMode.DELAYED:
        return shift_working_days(decided, scenario.pending_delay_working_days)
    return decided


def period_of(bounds: IntArray, days: IntArray) -> IntArray:
    """Return the period containing each day: 0 before the start, the count beyond."""
    table = _period_table(bounds.tobytes())
    offset = np.clip(days - bounds[0], -1, len(table) - 2)
    return np.asarray(table[offset + 1], dtype=np.int64)


@lru_cache(maxsize=16)
def _period_table(key: bytes) -> IntArray:
    """Return, for the day before the start and each day after it, its period."""
    bounds = np.frombuffer(key, dtype=np.int64)
    count = len(bounds) - 1
    days = np.repeat(np.arange(count, dtype=np.int64), np.diff(bounds))
    return np.concatenate([[0], days, [count]])


def _order_reasons(snapshot: Snapshot, ship: IntArray, eta_period: IntArray) -> IntArray:
    """Return each order's SupplyReason before approved quantities are shared out."""
    orders, licences = snapshot.orders, snapshot.licences
    count = snapshot.period_count
    reason = np.full(len(orders.id), int(SupplyReason.NO_LICENCE), dtype=np.int64)
    if len(licences.id):
        codes = {s: _STATUS_CODE[s] for s in set(licences.status)}
        status = np.fromiter((codes[s] for s in licences.status), np.int64, len(licences.id))
        lic = np.maximum(orders.licence, 0)
        reason = np.where(orders.licence >= 0, status[lic], reason)
        approved = reason == int(SupplyReason.LICENCE_VALID)
        outside = (licences.valid_from[lic] > ship) | (ship > licences.valid_until[lic])
        reason[approved & outside] = int(SupplyReason.NOT_VALID_ON_SHIP_DATE)
    if snapshot.scenario.pending is PendingMode.REJECTED:
        reason[reason == int(SupplyReason.LICENCE_PENDING)] = int(
            SupplyReason.PENDING_AS_REJECTED
        )
    # Lowest precedence first: shipped beats not from China beats not controlled.
    controlled = snapshot.parts.controlled[orders.part, np.minimum(eta_period, count - 1)]
    reason[~controlled] = int(SupplyReason.NOT_CONTROLLED)
    reason[~snapshot.suppliers.from_china[orders.supplier]] = int(SupplyReason.NOT_FROM_CHINA)
    reason[orders.shipped] = int(SupplyReason.SHIPPED)
    return reason


def _licence_firm_qty(snapshot: Snapshot, reasons: IntArray, ship: IntArray) -> FloatArray:
    """Return per order the pieces its approved licence still covers, in ship-date order."""
    orders = snapshot.orders
    firm = orders.qty.copy()
    using = np.flatnonzero(reasons == SupplyReason.LICENCE_VALID)
    if len(using) == 0:
        return firm
    ordered = using[np.lexsort((using, ship[using], orders.licence[using]))]
    licence = orders.licence[ordered]
    qty = orders.qty[ordered]
    before = np.cumsum(qty) - qty
    first = np.r_[True, licence[1:] != licence[:-1]]
    group = np.cumsum(first) - 1
    used_before = before - before[first][group]
    left = snapshot.licences.quantity_left[licence] - used_before
    firm[ordered] = np.clip(left, 0.0, qty)
    return firm


def classify_supply(snapshot: Snapshot) -> SupplyTable:
    """Return every order's quantity by supply class, sorted by order then class."""
    orders = snapshot.orders
    transit = snapshot.suppliers.transit_days[orders.supplier]
    ship = orders.eta - transit
    eta_period = period_of(snapshot.bounds, orders.eta)
    reasons = _order_reasons(snapshot, ship, eta_period)
    firm_qty = _licence_firm_qty(snapshot, reasons, ship)
    decisions = pending_decisions(snapshot)
    lic = np.maximum(orders.licence, 0)
    pending = reasons == int(SupplyReason.LICENCE_PENDING)
    decision = np.zeros(len(reasons), dtype=np.int64)
    if len(decisions):
        decision[pending] = decisions[lic[pending]]
    arrival = orders.eta.copy()
    arrival[pending] = np.maximum(orders.eta[pending], decision[pending] + transit[pending])
    covered = orders.qty.copy()
    using = reasons == int(SupplyReason.LICENCE_VALID)
    covered[using] = firm_qty[using]
    main_reason = reasons.copy()
    main_reason[covered <= 0] = int(SupplyReason.USED_UP)
    main_qty = np.where(covered > 0, covered, orders.qty)
    split = (covered > 0) & (covered < orders.qty)
    # Each split order's blocked remainder goes right after its firm row.
    main_at = np.arange(len(split)) + np.cumsum(split, dtype=np.int64) - split
    extra = np.flatnonzero(split)
    extra_at = main_at[extra] + 1

    def rows(main: Any, remainder: Any) -> Any:
        out = np.empty(len(split) + len(extra), dtype=np.asarray(main).dtype)
        out[main_at] = main
        out[extra_at] = remainder
        return out

    reason = rows(main_reason, int(SupplyReason.USED_UP))
    arrivals = rows(arrival, arrival[extra])
    at = np.flatnonzero(pending)
    eta_period[at] = period_of(snapshot.bounds, arrival[at])
    periods = rows(eta_period, eta_period[extra])
    return SupplyTable(
        order=rows(np.arange(len(split), dtype=np.int64), extra),
        qty=rows(main_qty, orders.qty[extra] - covered[extra]),
        supply_class=_CLASS_OF[reason],
        arrival=arrivals,
        period=periods,
        reason=reason.astype(np.int8),
        decision=rows(decision, decision[extra]),
    )


def arrivals_by_period(
    snapshot: Snapshot, supply: SupplyTable, supply_class: SupplyClass
) -> FloatArray:
    """Return the pieces of one class arriving per period and part (beyond: left out)."""
    parts, count = len(snapshot.parts.id), snapshot.period_count
    rows = (supply.supply_class == supply_class) & (supply.period < count)
    cell = supply.period[rows] * parts + snapshot.orders.part[supply.order[rows]]
    return weighted_counts(cell, supply.qty[rows], count * parts).reshape(count, parts)


def pending_arrivals(snapshot: Snapshot, supply: SupplyTable) -> tuple[IntArray, FloatArray]:
    """Return the parts with pending arrivals and those arrivals per period (periods x parts).

    The columns hold the parts in the order returned; sums run in supply-row order, as in
    `arrivals_by_period`, so the figures are the same to the last bit.
    """
    parts, count = len(snapshot.parts.id), snapshot.period_count
    rows = (supply.period < count) & (supply.supply_class == SupplyClass.PENDING)
    part = snapshot.orders.part[supply.order[rows]]
    waiting = np.unique(part)
    column = np.full(parts, -1, dtype=np.int64)
    column[waiting] = np.arange(len(waiting))
    cells = supply.period[rows] * len(waiting) + column[part]
    flat = weighted_counts(cells, supply.qty[rows], count * len(waiting))
    return waiting, flat.reshape(count, len(waiting))
