"""The reference's purchases and exposure: `planner.engine_reference`, continued.

Plain Python, one part and one period at a time, as the module it serves.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from datetime import date
from typing import TYPE_CHECKING, Any

from planner.cn_calendar import add_working_days
from planner.plan_model import NEVER
from planner.plan_result import RecommendationStatus

if TYPE_CHECKING:
    from planner.plan_model import Snapshot

EPS = 1e-6


def wd(day: int, n: int, count_start_day: bool = False) -> int:
    return add_working_days(
        date.fromordinal(day), n, count_start_day=count_start_day
    ).toordinal()


def period_index(bounds: list[int], day: int) -> int:
    return min(max(bisect_right(bounds, day) - 1, 0), len(bounds) - 1)


def offset(start: float, level: float, use: float, days: int) -> int:
    if start < level:
        return 0
    return int(min(days - 1, math.floor((start - level) * days / use)))


def _sources(s: Snapshot) -> dict[int, list[tuple[int, int, int, int, float, float, float]]]:
    """Return per part its current supplier as (supplier, lead, transit, qualification,
    MOQ, multiple, price)."""
    parts, transit = s.parts, s.suppliers.transit_days.tolist()
    result = {}
    for part, (supplier, lead, moq, multiple, price) in enumerate(
        zip(
            parts.supplier.tolist(),
            parts.lead_days.tolist(),
            parts.moq.tolist(),
            parts.multiple.tolist(),
            parts.unit_price.tolist(),
            strict=True,
        )
    ):
        if supplier >= 0:
            result[part] = [
                (supplier, lead, transit[supplier], 0, moq, max(multiple, 1.0), price)
            ]
    return result


def _gap(
    stock: list[float],
    use: list[float],
    bounds: list[int],
    period: int,
    arrival: int,
    received: float,
) -> float:
    """Return how far stock falls below zero from `period` until `arrival`."""
    count = len(bounds) - 1
    arrive = period_index(bounds, arrival)
    lowest = math.inf
    for k in range(period, min(arrive, count)):
        lowest = min(lowest, stock[k] + received)
    if arrive < count:
        start = (stock[arrive] + received) + use[arrive]
        days = bounds[arrive + 1] - bounds[arrive]
        lowest = min(lowest, start - (arrival - bounds[arrive]) * use[arrive] / days)
    return max(-lowest, 0.0)


def _choose(
    s: Snapshot,
    lists: dict[str, Any],
    part: int,
    period: int,
    need: int,
    sources: list[tuple[int, int, int, int, float, float, float]],
) -> tuple[Any, ...]:
    """Return the first source on time, else the earliest: (late, source, licence,
    order_by, earliest arrival, review days)."""
    today, review = s.today.toordinal(), s.review_working_days
    start_day = s.scenario.count_start_day
    best: tuple[Any, ...] | None = None
    for rank, (supplier, lead, transit, qual, moq, multiple, _price) in enumerate(sources):
        licence = lists["from_china"][supplier] and lists["controlled"][part][period]
        decision = need - transit - lead
        submitted = wd(decision, -review, start_day) if licence else decision
        order_by = submitted - qual
        begin = today + qual
        earliest = (wd(begin, review, start_day) if licence else begin) + lead + transit
        late = order_by < today
        key = (late, earliest if late else 0, rank)
        if best is None or key < best[0]:
            best = (
                key,
                supplier,
                licence,
                order_by,
                earliest,
                decision - submitted,
                moq,
                multiple,
            )
    assert best is not None
    return best


def recommendations(
    s: Snapshot, demand: list[list[float]], stock: list[list[float]]
) -> list[dict[str, Any]]:
    bounds, sources = s.bounds.tolist(), _sources(s)
    safety, found = s.parts.safety.tolist(), []
    received = [0.0] * len(safety)
    lists = {
        "from_china": s.suppliers.from_china.tolist(),
        "controlled": s.parts.controlled.tolist(),
    }
    for period in range(s.period_count):
        days = bounds[period + 1] - bounds[period]
        for part in range(len(safety)):
            end = stock[part][period] + received[part]
            if not end < safety[part] - EPS:
                continue
            use = demand[part][period]
            need = bounds[period] + offset(end + use, safety[part], use, days)
            rec: dict[str, Any] = {
                "part": part,
                "period": period,
                "need": need,
                "shortage": safety[part] - end,
            }
            if part not in sources:
                qty = float(max(0.0, math.ceil(safety[part] - end - EPS)))
                rec.update(
                    supplier=-1,
                    licence=False,
                    order_by=NEVER,
                    arrival=NEVER,
                    review_days=0,
                    status=RecommendationStatus.INFEASIBLE,
                )
            else:
                (
                    (late, _e, _r),
                    supplier,
                    licence,
                    order_by,
                    earliest,
                    review_days,
                    moq,
                    mult,
                ) = _choose(s, lists, part, period, need, sources[part])
                qty = float(max(moq, math.ceil((safety[part] - end - EPS) / mult) * mult))
                rec.update(
                    supplier=supplier,
                    licence=bool(licence),
                    order_by=order_by,
                    arrival=earliest if late else need,
                    review_days=review_days,
                    status=RecommendationStatus.LATE if late else RecommendationStatus.OK,
                )
            rec["qty"] = qty
            rec["shortfall"] = 0.0
            if rec["status"] is not RecommendationStatus.OK:
                gap = _gap(
                    stock[part], demand[part], bounds, period, rec["arrival"], received[part]
                )
                rec["shortfall"] = min(gap, qty)
            received[part] += qty
            found.append(rec)
    return found


def exposure(
    s: Snapshot,
    demand: list[list[float]],
    stock_firm: list[list[float]],
    stock: list[list[float]],
) -> dict[str, list[float]]:
    parts, count = s.parts, s.period_count
    names = ("pieces", "kg", "dy_tb_kg", "sm_kg", "licence_kg", "pending_kg")
    out = {name: [0.0] * count for name in names}
    from_china = s.suppliers.from_china.tolist()
    for part, (supplier, grams, dy_tb, sm, controlled) in enumerate(
        zip(
            parts.supplier.tolist(),
            parts.grams.tolist(),
            parts.dy_tb_pct.tolist(),
            parts.sm_pct.tolist(),
            parts.controlled.tolist(),
            strict=True,
        )
    ):
        for t in range(count):
            use = demand[part][t]
            kg = use * (grams / 1000)
            out["pieces"][t] += use
            out["kg"][t] += kg
            out["dy_tb_kg"][t] += kg * (dy_tb / 100)
            out["sm_kg"][t] += kg * (sm / 100)
            if controlled[t] and supplier >= 0 and from_china[supplier]:
                out["licence_kg"][t] += kg
            unmet_firm = min(use, max(-stock_firm[part][t], 0.0))
            unmet = min(use, max(-stock[part][t], 0.0))
            out["pending_kg"][t] += (unmet_firm - unmet) * (grams / 1000)
    return out
