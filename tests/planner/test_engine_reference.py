"""The vectorised engine against the plain-Python reference on random workspaces.

Quantities, pieces, scrap and masses are drawn from binary fractions (0.5, 1.125, ...) so
both implementations compute exactly the same floats and every date must match exactly.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.engine import run_plan
from planner.engine_reference import ReferencePlan, reference_plan
from planner.licences import LicenceStatus
from planner.periods import Bucket
from planner.plan_model import PendingMode
from tests.helpers.plan_factory import SnapshotFactory

if TYPE_CHECKING:
    from planner.plan_result import Plan

QUANTITIES = st.sampled_from([0, 50, 100, 250, 400, 1000, 3000])


@st.composite
def factories(draw: st.DrawFn) -> SnapshotFactory:
    """Return a small random planning problem."""
    start = draw(st.sampled_from([date(2027, 1, 1), date(2027, 1, 4), date(2027, 1, 15)]))
    factory = SnapshotFactory(
        today=start - timedelta(days=draw(st.integers(0, 120))),
        start=start,
        horizon=draw(st.integers(3, 8)),
        bucket=draw(st.sampled_from(list(Bucket))),
        review_working_days=draw(st.integers(1, 60)),
        pending=draw(st.sampled_from(list(PendingMode))),
        pending_delay=draw(st.integers(0, 15)),
        count_start_day=draw(st.booleans()),
    )
    suppliers = [
        factory.supplier(
            f"S{i}",
            draw(st.sampled_from(["CN", "CN", "DE", "VN"])),
            transit=draw(st.integers(0, 40)),
        )
        for i in range(draw(st.integers(1, 3)))
    ]
    parts = [_part(draw, factory, i, len(suppliers)) for i in range(draw(st.integers(1, 5)))]
    products = [factory.product(f"P{i}") for i in range(draw(st.integers(1, 4)))]
    for index, product in enumerate(products):
        for _ in range(draw(st.integers(0, 3))):
            pieces = draw(st.sampled_from([0.5, 1, 2, 3]))
            scrap = draw(st.sampled_from([0, 12.5, 25, 50]))
            later = products[index + 1 :]
            if len(later) > 0 and draw(st.booleans()):
                factory.line(
                    product, product=draw(st.sampled_from(later)), pieces=pieces, scrap=scrap
                )
            else:
                factory.line(
                    product, part=draw(st.sampled_from(parts)), pieces=pieces, scrap=scrap
                )
        factory.build(product, draw(st.lists(QUANTITIES, min_size=1, max_size=factory.horizon)))
    licences = [_licence(draw, factory, i, start) for i in range(draw(st.integers(0, 4)))]
    for _ in range(draw(st.integers(0, 8))):
        factory.order(
            draw(st.sampled_from(parts)),
            draw(st.sampled_from(suppliers)),
            draw(st.sampled_from([100, 500, 1000, 2500])),
            start + timedelta(days=draw(st.integers(-30, 250))),
            licence=draw(st.sampled_from([-1, *licences, *licences])),
            shipped=draw(st.booleans()),
        )
    return factory


def _part(draw: st.DrawFn, factory: SnapshotFactory, index: int, suppliers: int) -> int:
    return factory.part(
        f"MG-{index}",
        draw(st.integers(-1, suppliers - 1)),
        lead=draw(st.integers(0, 60)),
        moq=draw(st.sampled_from([0, 100, 1000])),
        multiple=draw(st.sampled_from([1, 50, 250])),
        price=draw(st.sampled_from([math.nan, 0.5])),
        controlled=draw(
            st.lists(st.booleans(), min_size=factory.horizon, max_size=factory.horizon)
        ),
        on_hand=draw(st.sampled_from([0, 500, 2000, 5000])),
        safety=draw(st.sampled_from([0, 250, 1000])),
        grams=draw(st.sampled_from([0.0, 0.5, 2.0, 10.0])),
        dy_tb=draw(st.sampled_from([0.0, 4.0])),
        sm=draw(st.sampled_from([0.0, 25.0])),
    )


def _licence(draw: st.DrawFn, factory: SnapshotFactory, index: int, start: date) -> int:
    def day() -> date | None:
        offset = draw(st.none() | st.none() | st.integers(-90, 200))
        return None if offset is None else start + timedelta(days=offset)

    return factory.licence(
        f"LIC-{index}",
        draw(st.sampled_from(["approved"] * 6 + [s.value for s in LicenceStatus])),
        decision=start + timedelta(days=draw(st.integers(-90, 120))),
        valid_from=day(),
        valid_until=day(),
        left=draw(st.sampled_from([math.inf, 0, 500, 2000])),
    )


def engine_recommendations(plan: Plan) -> list[dict[str, Any]]:
    recs = plan.recommendations
    return [
        {
            "part": int(recs.part[i]),
            "period": int(recs.period[i]),
            "need": int(recs.need[i]),
            "shortage": float(recs.shortage[i]),
            "supplier": int(recs.supplier[i]),
            "licence": bool(recs.licence[i]),
            "order_by": int(recs.order_by[i]),
            "arrival": int(recs.arrival[i]),
            "review_days": int(recs.review_days[i]),
            "status": int(recs.status[i]),
            "qty": float(recs.qty[i]),
            "shortfall": float(recs.shortfall[i]),
        }
        for i in range(len(recs))
    ]


def assert_same(plan: Plan, ref: ReferencePlan) -> None:
    assert plan.demand.tolist() == ref.demand
    assert plan.stock_firm.tolist() == ref.stock_firm
    assert plan.stock_with_pending.tolist() == ref.stock_with_pending
    assert plan.runout_firm.tolist() == ref.runout_firm
    assert plan.runout_with_pending.tolist() == ref.runout_with_pending
    assert plan.below_safety.tolist() == ref.below_safety
    stops = plan.line_stop
    assert list(zip(stops.firm.tolist(), stops.firm_part.tolist(), strict=True)) == (
        ref.line_stop_firm
    )
    assert (
        list(zip(stops.with_pending.tolist(), stops.with_pending_part.tolist(), strict=True))
        == ref.line_stop_with_pending
    )
    s = plan.supply
    assert (
        list(
            zip(
                s.order.tolist(),
                s.qty.tolist(),
                s.supply_class.tolist(),
                s.arrival.tolist(),
                s.reason.tolist(),
                s.decision.tolist(),
                strict=True,
            )
        )
        == ref.supply
    )
    expected = [
        {k: (int(v) if k == "status" else v) for k, v in r.items()} for r in ref.recommendations
    ]
    assert engine_recommendations(plan) == expected
    for name, values in ref.exposure.items():
        np.testing.assert_allclose(getattr(plan.exposure, name), values, rtol=1e-9, atol=1e-9)


@settings(max_examples=300, deadline=None)
@given(factories())
def test_engine_matches_reference(factory: SnapshotFactory) -> None:
    snapshot = factory.snapshot()
    assert_same(run_plan(snapshot), reference_plan(snapshot))


@settings(max_examples=150, deadline=None)
@given(factories(), st.data())
def test_more_supply_never_brings_a_runout_forward(
    factory: SnapshotFactory, data: st.DataObject
) -> None:
    before = run_plan(factory.snapshot())
    if not factory.rows.get("suppliers"):
        return
    part = data.draw(st.integers(0, len(factory.rows["parts"]) - 1))
    supplier = data.draw(st.integers(0, len(factory.rows["suppliers"]) - 1))
    eta = factory.start + timedelta(days=data.draw(st.integers(-10, 200)))
    qty = data.draw(st.sampled_from([1, 100, 5000]))
    factory.order(part, supplier, qty, eta, shipped=data.draw(st.booleans()))
    after = run_plan(factory.snapshot())
    assert (after.runout_firm >= before.runout_firm).all()
    assert (after.runout_with_pending >= before.runout_with_pending).all()
    assert (after.below_safety >= before.below_safety).all()
    assert (after.line_stop.with_pending >= before.line_stop.with_pending).all()


def test_reference_on_the_hand_computed_case() -> None:
    factory = SnapshotFactory()
    motor = factory.product("Motor")
    mg = factory.part("MG-A", on_hand=5000, safety=1000)
    factory.line(motor, part=mg, pieces=1)
    factory.build(motor, [3100, 2800])
    ref = reference_plan(factory.snapshot())
    assert date.fromordinal(ref.runout_firm[mg]) == date(2027, 2, 20)
    assert date.fromordinal(ref.below_safety[mg]) == date(2027, 2, 10)
    assert ref.recommendations[0]["status"] == 2  # no supplier: infeasible
