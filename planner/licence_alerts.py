"""Licence alerts: overdue and imminent decisions, expiry, depletion, unlicensed shipments.

Pure: works on a `LicenceSnapshot` (read once from a workspace) and a date, so the
dashboard, the Licences page and `magplan licences` show the same list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from planner.licence_forecast import (
    ResolvedReview,
    overdue_days,
    quantity_left,
    statutory_review,
    validity_end,
)
from planner.licences import LicenceStatus
from planner.parts import insight
from planner.rules import LicenceNeed, RuleKind, RuleState
from planner.schema import Licence, Order, Part, Supplier

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from planner.licence_forecast import Forecast
    from planner.rules import Rule, RuleSet
    from planner.workspace import Workspace

DEFAULT_TRANSIT_DAYS = 35
"""Calendar days from a Chinese port to the buyer when the supplier records none."""
SHIP_WITHIN_DAYS = 30
"""Orders shipping within this many days (or late) are checked for a valid licence."""
OPEN_ORDER_STATUSES = frozenset({"planned", "open"})


class AlertKind(StrEnum):
    """What an alert is about, in the order the summary names them."""

    OVERDUE = "overdue"
    ORDER_UNLICENSED = "order_unlicensed"
    VALIDITY_ENDED = "validity_ended"
    VALIDITY_ENDING = "validity_ending"
    QUANTITY_LOW = "quantity_low"
    INFORMATION_REQUESTED = "information_requested"
    DECISION_SOON = "decision_soon"
    RULE_UNVERIFIED = "rule_unverified"


class Severity(StrEnum):
    """How urgent an alert is."""

    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"


_SEVERITY_ORDER = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.INFO: 2}
_KIND_ORDER = {kind: index for index, kind in enumerate(AlertKind)}


@dataclass(frozen=True)
class Alert:
    """One thing about licences a buyer should act on.

    Attributes:
        kind: What it is about.
        severity: How urgent.
        text: A sentence for the buyer.
        licence_id: The licence concerned, if any.
        order_id: The order concerned, if any.
        rule_id: The rule concerned, if any.
    """

    kind: AlertKind
    severity: Severity
    text: str
    licence_id: int | None = None
    order_id: int | None = None
    rule_id: str | None = None


@dataclass(frozen=True)
class LicenceSnapshot:
    """The records licence alerts and forecasts read, taken from a workspace at once.

    Attributes:
        licences: Every licence.
        orders: Every order.
        suppliers: Suppliers by id.
        parts: Parts by id.
    """

    licences: tuple[Licence, ...]
    orders: tuple[Order, ...]
    suppliers: dict[int, Supplier]
    parts: dict[int, Part]

    @classmethod
    def of(cls, workspace: Workspace) -> LicenceSnapshot:
        """Read the snapshot from `workspace`."""
        return cls(
            tuple(workspace.all(Licence, Licence.reference)),
            tuple(workspace.all(Order, Order.id)),
            {s.id: s for s in workspace.all(Supplier)},
            {p.id: p for p in workspace.all(Part)},
        )


def alerts(
    source: Workspace | LicenceSnapshot,
    on: dt.date,
    *,
    rule_set: RuleSet,
    review: ResolvedReview | None = None,
    decision_within_days: int = 14,
    validity_within_days: int = 30,
    quantity_left_below_pct: float = 10.0,
) -> list[Alert]:
    """Return every licence alert on `on`, most urgent first.

    Args:
        source: A workspace, or a snapshot of one.
        on: Today.
        rule_set: Rules for licence need and rule status (with the workspace's overrides).
        review: Review-time scenario for expected decisions (default: statutory).
        decision_within_days: Announce decisions expected within this many calendar days.
        validity_within_days: Warn when validity ends within this many calendar days.
        quantity_left_below_pct: Warn when less than this share of the approved quantity
            is left.
    """
    snapshot = source if isinstance(source, LicenceSnapshot) else LicenceSnapshot.of(source)
    review = review or statutory_review(rule_set)
    found: list[Alert] = []
    for licence in snapshot.licences:
        found.extend(_decision_alerts(licence, on, review, decision_within_days))
        found.extend(_validity_alerts(licence, on, rule_set, validity_within_days))
        found.extend(_quantity_alerts(licence, snapshot.orders, quantity_left_below_pct))
    found.extend(_order_alerts(snapshot, on, rule_set, review))
    found.extend(_rule_alerts(rule_set, on))
    return sorted(found, key=lambda a: (_SEVERITY_ORDER[a.severity], _KIND_ORDER[a.kind]))


def summary_line(
    found: Sequence[Alert],
    *,
    decision_within_days: int = 14,
    validity_within_days: int = 30,
    quantity_left_below_pct: float = 10.0,
) -> str:
    """Return the alerts in one line, e.g. "3 licences overdue, 1 expires within 30 days"."""
    counts = {kind: sum(1 for a in found if a.kind is kind) for kind in AlertKind}
    phrases = {
        AlertKind.OVERDUE: ("licence overdue", "licences overdue"),
        AlertKind.ORDER_UNLICENSED: (
            "order ships without an approved licence",
            "orders ship without an approved licence",
        ),
        AlertKind.VALIDITY_ENDED: (
            "is past its validity but still approved",
            "are past their validity but still approved",
        ),
        AlertKind.VALIDITY_ENDING: (
            f"expires within {validity_within_days} days",
            f"expire within {validity_within_days} days",
        ),
        AlertKind.QUANTITY_LOW: (
            f"has less than {quantity_left_below_pct:g}% quantity left",
            f"have less than {quantity_left_below_pct:g}% quantity left",
        ),
        AlertKind.INFORMATION_REQUESTED: ("awaits more information", "await more information"),
        AlertKind.DECISION_SOON: (
            f"decision expected within {decision_within_days} days",
            f"decisions expected within {decision_within_days} days",
        ),
        AlertKind.RULE_UNVERIFIED: ("rule to verify", "rules to verify"),
    }
    parts = [
        f"{counts[kind]} {phrases[kind][0 if counts[kind] == 1 else 1]}"
        for kind in AlertKind
        if counts[kind]
    ]
    return ", ".join(parts) if parts else "no licence alerts"


def valid_on(licence: Licence, day: dt.date, rule_set: RuleSet) -> bool:
    """Return whether `licence` is approved and within its validity on `day`."""
    if LicenceStatus(licence.status) is not LicenceStatus.APPROVED:
        return False
    start = licence.valid_from or licence.decided_on
    end = validity_end(licence, rule_set)
    return (start is None or start <= day) and (end is None or day <= end)


def _decision_alerts(
    licence: Licence, on: dt.date, review: ResolvedReview, within: int
) -> Iterable[Alert]:
    status = LicenceStatus(licence.status)
    if status is LicenceStatus.INFORMATION_REQUESTED:
        yield Alert(
            AlertKind.INFORMATION_REQUESTED,
            Severity.WARNING,
            f"{licence.reference}: MOFCOM asked for more information; the review clock "
            f"restarts when the exporter resubmits",
            licence_id=licence.id,
        )
    if not status.is_pending:
        return
    forecast = review.expect(licence, on=on)
    if forecast.date is None or forecast.provisional:
        return
    late = overdue_days(
        licence,
        on,
        review,
        count_start_day=review.count_start_day,
        restart_on_resubmission=review.restart_on_resubmission,
    )
    if late > 0:
        text = (
            f"{licence.reference}: decision overdue by {late} Chinese working day"
            f"{'s' if late != 1 else ''} (expected {forecast.date}; {forecast.basis})"
        )
        yield Alert(AlertKind.OVERDUE, Severity.WARNING, text, licence_id=licence.id)
        return
    days = (forecast.date - on).days
    if days <= within:
        when = f"was due {forecast.date}" if days < 0 else f"expected {_in_days(days)}"
        text = f"{licence.reference}: decision {when} ({forecast.basis})"
        yield Alert(AlertKind.DECISION_SOON, Severity.INFO, text, licence_id=licence.id)


def _validity_alerts(
    licence: Licence, on: dt.date, rule_set: RuleSet, within: int
) -> Iterable[Alert]:
    if LicenceStatus(licence.status) is not LicenceStatus.APPROVED:
        return
    end = validity_end(licence, rule_set)
    if end is None:
        return
    days = (end - on).days
    if days < 0:
        text = f"{licence.reference}: validity ended {end}; record it as expired"
        yield Alert(AlertKind.VALIDITY_ENDED, Severity.WARNING, text, licence_id=licence.id)
    elif days <= within:
        text = f"{licence.reference}: valid until {end}, expires {_in_days(days)}"
        yield Alert(AlertKind.VALIDITY_ENDING, Severity.WARNING, text, licence_id=licence.id)


def _quantity_alerts(
    licence: Licence, orders: Sequence[Order], below_pct: float
) -> Iterable[Alert]:
    if LicenceStatus(licence.status) is not LicenceStatus.APPROVED:
        return
    left = quantity_left(licence, orders)
    approved = licence.quantity_approved
    if left is None or not approved:
        return
    share = 100 * left / approved
    if share >= below_pct:
        return
    if left <= 0:
        text = f"{licence.reference}: approved quantity used up ({approved:,.0f} pcs shipped)"
        severity = Severity.CRITICAL
    else:
        text = (
            f"{licence.reference}: {left:,.0f} of {approved:,.0f} pcs left ({share:.1f}%), "
            f"under {below_pct:g}%"
        )
        severity = Severity.WARNING
    yield Alert(AlertKind.QUANTITY_LOW, severity, text, licence_id=licence.id)


def ship_date(order: Order, supplier: Supplier | None) -> dt.date | None:
    """Return when an order leaves the supplier: arrival minus the supplier's transit days."""
    if order.expected_arrival is None:
        return None
    transit = supplier.transit_days if supplier and supplier.transit_days is not None else None
    return order.expected_arrival - dt.timedelta(days=transit or DEFAULT_TRANSIT_DAYS)


def _order_alerts(
    snapshot: LicenceSnapshot, on: dt.date, rule_set: RuleSet, review: ResolvedReview
) -> Iterable[Alert]:
    licences = {licence.id: licence for licence in snapshot.licences}
    horizon = on + dt.timedelta(days=SHIP_WITHIN_DAYS)
    for order in snapshot.orders:
        if order.status not in OPEN_ORDER_STATUSES:
            continue
        supplier = snapshot.suppliers.get(order.supplier_id)
        ships = ship_date(order, supplier)
        part = snapshot.parts.get(order.part_id)
        if ships is None or ships > horizon or part is None:
            continue
        licence = licences.get(order.licence_id) if order.licence_id is not None else None
        if licence is not None and valid_on(licence, ships, rule_set):
            continue
        if insight(part, supplier, ships, rule_set).licence.need is not LicenceNeed.REQUIRED:
            continue
        yield _unlicensed(order, part, ships, on, licence, review, rule_set)


def _unlicensed(
    order: Order,
    part: Part,
    ships: dt.date,
    on: dt.date,
    licence: Licence | None,
    review: ResolvedReview,
    rule_set: RuleSet,
) -> Alert:
    when = f"was due to ship {ships}" if ships < on else f"ships {ships}"
    head = f"order {order.reference or order.id} ({part.part_number}) {when}"
    if licence is None:
        why, severity = "no licence linked, and this part needs one", Severity.CRITICAL
    else:
        status = LicenceStatus(licence.status)
        if status.is_pending:
            why, severity = f"licence {licence.reference} is {status.label}", Severity.WARNING
            why += _decision_words(review.expect(licence, on=on), on)
        elif status is LicenceStatus.APPROVED:
            end = validity_end(licence, rule_set)
            why = f"licence {licence.reference} is not valid that day (valid until {end})"
            severity = Severity.CRITICAL
        else:
            why, severity = f"licence {licence.reference} is {status.label}", Severity.CRITICAL
    licence_id = licence.id if licence is not None else None
    return Alert(
        AlertKind.ORDER_UNLICENSED,
        severity,
        f"{head}: {why}",
        licence_id=licence_id,
        order_id=order.id,
    )


def _rule_alerts(rule_set: RuleSet, on: dt.date) -> Iterable[Alert]:
    for rule in rule_set.rules:
        if rule.disabled or rule.state_on(on) is not RuleState.UNVERIFIED:
            continue
        yield Alert(
            AlertKind.RULE_UNVERIFIED, Severity.WARNING, _unverified_text(rule), rule_id=rule.id
        )


def _unverified_text(rule: Rule) -> str:
    """Say what is unknown about a rule past its `status_known_until`."""
    known = rule.status_known_until
    last = rule.last_suspension
    if (
        last is not None
        and last.until is not None
        and known is not None
        and last.until <= known
    ):
        return f"{rule.label}'s suspension ended {last.until} with no known outcome: verify"
    if rule.kind is RuleKind.SUSPENSION and rule.effective_to is not None:
        return (
            f"{rule.label}'s suspension of other rules ended {rule.effective_to} with no known "
            f"outcome: verify"
        )
    return f"{rule.label}: status known only until {known}: verify"


def _decision_words(forecast: Forecast, on: dt.date) -> str:
    if forecast.date is None:
        return ""
    if forecast.provisional:
        return f", no decision before {forecast.date}"
    if forecast.date < on:
        return f", decision was due {forecast.date}"
    return f", decision expected {forecast.date}"


def _in_days(days: int) -> str:
    if days == 0:
        return "today"
    return "tomorrow" if days == 1 else f"in {days} days"
