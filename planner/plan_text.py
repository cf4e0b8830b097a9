"""Plans in words: why a purchase is recommended and why supply is firm, pending or blocked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.plan_model import MAX_DAY, MIN_DAY, date_of
from planner.plan_result import RecommendationStatus, SupplyReason

if TYPE_CHECKING:
    from planner.plan_result import Plan


def _pieces(value: float) -> str:
    return f"{value:,.0f}"


def _day(value: int) -> str:
    day = date_of(int(value))
    return day.isoformat() if day is not None else "-"


def _bound(value: int) -> str:
    return "open" if int(value) in (MIN_DAY, MAX_DAY) else _day(value)


def recommendation_reason(plan: Plan, row: int) -> str:
    """Explain one recommended purchase in words, lead times and lateness included."""
    snapshot, recs = plan.snapshot, plan.recommendations
    part = int(recs.part[row])
    period = int(recs.period[row])
    text = (
        f"{snapshot.parts.number[part]} falls below safety stock "
        f"{_pieces(snapshot.parts.safety[part])} in {snapshot.labels[period]} "
        f"(on {_day(recs.need[row])}); order {_pieces(recs.qty[row])}"
    )
    status = RecommendationStatus(int(recs.status[row]))
    if status is RecommendationStatus.INFEASIBLE:
        return text + ", but there is no supplier to order from"
    supplier = snapshot.suppliers.name[int(recs.supplier[row])]
    source, sources = int(recs.source[row]), recs.sources
    steps = []
    if sources.qualification_days[source]:
        steps.append(f"{sources.qualification_days[source]} days qualification")
    steps.append(f"{sources.lead_days[source]} days production")
    if recs.licence[row]:
        steps.append(
            f"{recs.review_working_days[row]} Chinese working days licence review "
            f"({recs.review_days[row]} days)"
        )
    steps.append(f"{sources.transit_days[source]} days transit")
    text += (
        f" (MOQ {_pieces(sources.moq[source])}, multiple {_pieces(sources.multiple[source])})"
        " from "
        f"{supplier} by {_day(recs.order_by[row])}: " + " + ".join(steps)
    )
    if status is RecommendationStatus.LATE:
        text += f"; LATE: ordered today it arrives {_day(recs.arrival[row])}"
        short = float(recs.shortfall[row])
        text += f", {_pieces(short)} pieces short until then" if short > 0 else ""
    return text


def supply_reason(plan: Plan, row: int) -> str:
    """Explain in words why one supply row is firm, pending or blocked."""
    snapshot, supply = plan.snapshot, plan.supply
    orders, licences = snapshot.orders, snapshot.licences
    order = int(supply.order[row])
    reason = SupplyReason(int(supply.reason[row]))
    licence = int(orders.licence[order])
    ref = licences.reference[licence] if licence >= 0 else ""
    status = licences.status[licence].replace("_", " ") if licence >= 0 else ""
    ship = int(orders.eta[order] - snapshot.suppliers.transit_days[orders.supplier[order]])
    due = ""
    if reason is SupplyReason.LICENCE_PENDING:
        expected = int(licences.expected_decision[licence])
        if expected < snapshot.today.toordinal():
            due = f" (overdue since {_day(expected)}; counted from today)"
    texts = {
        SupplyReason.SHIPPED: "shipped: on its way",
        SupplyReason.NOT_FROM_CHINA: (
            f"ships from {snapshot.suppliers.country[int(orders.supplier[order])]}: "
            "no Chinese export licence needed"
        ),
        SupplyReason.NOT_CONTROLLED: "the part needs no export licence on arrival",
        SupplyReason.LICENCE_VALID: f"licence {ref} approved and valid on {_day(ship)}",
        SupplyReason.LICENCE_PENDING: (
            f"licence {ref} {status}: decision expected {_day(supply.decision[row])}{due}, "
            f"arrives {_day(supply.arrival[row])}"
        ),
        SupplyReason.PENDING_AS_REJECTED: (
            f"licence {ref} {status}: the scenario counts pending licences as rejected"
        ),
        SupplyReason.NO_LICENCE: "needs a Chinese export licence and none is linked",
        SupplyReason.NOT_SUBMITTED: f"licence {ref} not submitted yet ({status})",
        SupplyReason.LICENCE_REJECTED: f"licence {ref} rejected",
        SupplyReason.LICENCE_WITHDRAWN: f"licence {ref} withdrawn",
        SupplyReason.LICENCE_EXPIRED: f"licence {ref} expired",
        SupplyReason.NOT_VALID_ON_SHIP_DATE: (
            f"licence {ref} not valid on the ship date {_day(ship)} (valid "
            f"{_bound(licences.valid_from[licence])} to "
            f"{_bound(licences.valid_until[licence])})"
        ),
        SupplyReason.USED_UP: f"licence {ref} has no approved quantity left for this",
    }
    return texts[reason]
