"""Reading a workspace into a snapshot, and the sample workspace's plan."""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pytest

from planner.bom import BomCycleError
from planner.engine import plan_workspace, run_plan
from planner.engine_reference import reference_plan
from planner.periods import Bucket
from planner.plan_model import PendingMode, Scenario, date_of
from planner.plan_result import Plan, RecommendationStatus, SupplyClass, SupplyReason
from planner.plan_snapshot import build_snapshot, period_bounds, spread_build_plan
from planner.sample import build_sample
from planner.schema import BomLine, Order, Product
from tests.planner.test_engine_reference import assert_same

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from planner.plan_model import Snapshot
    from planner.workspace import Workspace

TODAY = date(2026, 11, 30)
START = date(2026, 12, 1)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    workspace = build_sample(tmp_path_factory.mktemp("plan") / "s.magplan", anchor=START)
    yield workspace
    workspace.close()


@pytest.fixture(scope="module")
def snapshot(sample: Workspace) -> Snapshot:
    return build_snapshot(sample, Scenario(start=START, horizon=12), today=TODAY)


@pytest.fixture(scope="module")
def plan(snapshot: Snapshot) -> Plan:
    return run_plan(snapshot)


def supply_of(
    plan: Plan, reference: str
) -> list[tuple[SupplyClass, SupplyReason, date | None]]:
    orders = plan.snapshot.orders
    index = orders.reference.index(reference)
    s = plan.supply
    return [
        (
            SupplyClass(int(s.supply_class[i])),
            SupplyReason(int(s.reason[i])),
            date_of(int(s.arrival[i])),
        )
        for i in np.flatnonzero(s.order == index)
    ]


def test_periods_and_parts(snapshot: Snapshot) -> None:
    assert snapshot.labels[:2] == ("Dec 2026", "Jan 2027")
    assert snapshot.period_count == 12
    assert list(snapshot.parts.number) == sorted(snapshot.parts.number)
    assert len(snapshot.parts.number) == 25
    assert snapshot.review_working_days == 45
    assert snapshot.review_basis == "statutory"


def test_licence_need_per_part(snapshot: Snapshot) -> None:
    parts = snapshot.parts
    at = snapshot.part_index
    assert parts.controlled[at("MG-1001")].all()  # N38UH from Ningbo: Dy/Tb
    assert not parts.controlled[at("MG-1101")].any()  # ferrite
    # N40M: the need is unverified; counted as needing a licence from China, and noted.
    assert parts.controlled[at("MG-1701")].all()
    assert parts.unverified[at("MG-1701")]
    assert any(note.startswith("MG-1701: licence need unverified") for note in snapshot.notes)
    # Haiphong ships MG-1704 from Vietnam, but a Chinese exporter would need a licence.
    assert parts.licence_need[at("MG-1704")] == "unverified"
    assert parts.controlled[at("MG-1704")].all()


def test_orders_licences_and_quantities(snapshot: Snapshot) -> None:
    licences = snapshot.licences
    at = licences.reference.index
    # Submitted 2026-08-28 (anchor - 95) + 45 Chinese working days.
    assert date_of(int(licences.expected_decision[at("LIC-BT-2026-012")])) == date(2026, 11, 5)
    # 600,000 approved, 200,000 shipped on PO-26-4410.
    assert licences.quantity_left[at("LIC-NB-2026-031")] == 400_000
    assert date_of(int(licences.valid_until[at("LIC-NB-2026-031")])) == date(2027, 2, 27)
    assert math.isinf(licences.quantity_left[at("LIC-NB-2026-058")])
    assert len(snapshot.orders.id) == 21
    assert snapshot.orders.shipped[snapshot.orders.reference.index("PO-26-4410")]


def test_cancelled_and_received_orders_are_left_out(tmp_path: Path) -> None:
    workspace = build_sample(tmp_path / "w.magplan", anchor=START)
    try:
        order = workspace.all(Order, Order.id)[0]
        workspace.update(Order, order.id, {"status": "received"}, operation="test")
        workspace.update(Order, order.id + 1, {"status": "cancelled"}, operation="test")
        snap = build_snapshot(workspace, Scenario(start=START), today=TODAY)
        assert len(snap.orders.id) == 19
    finally:
        workspace.close()


def test_review_days_choices(sample: Workspace) -> None:
    custom = build_snapshot(sample, Scenario(start=START, review_days=30), today=TODAY)
    assert custom.review_working_days == 30
    at = custom.licences.reference.index
    # 2026-08-28 + 30 Chinese working days: 23 to Sep 30 (Sun Sep 20 is a make-up day,
    # Fri Sep 25 Mid-Autumn is off), Golden Week Oct 1-7 off, then Oct 8, 9, Sat 10
    # (make-up), 12, 13, 14 and 15.
    assert date_of(int(custom.licences.expected_decision[at("LIC-BT-2026-012")])) == date(
        2026, 10, 15
    )
    median = build_snapshot(sample, Scenario(start=START, review_days="median"), today=TODAY)
    p90 = build_snapshot(sample, Scenario(start=START, review_days="p90"), today=TODAY)
    assert median.review_basis == "observed median of 4"
    assert p90.review_basis == "observed p90 of 4"
    assert 45 <= median.review_working_days <= p90.review_working_days


def test_build_plan_spread_over_other_buckets() -> None:
    weekly = Scenario(start=START, horizon=5, bucket=Bucket.WEEK)
    bounds = period_bounds(weekly)
    # Tue Dec 1 - Sun Dec 6 (6 days), three full weeks, then Dec 28-31 (4 of 7 days).
    assert bounds[:2] == [date(2026, 12, 1), date(2026, 12, 7)]
    _products, periods, qty = spread_build_plan([(0, START, 3100)], bounds, Bucket.MONTH)
    assert periods == [0, 1, 2, 3, 4]
    assert qty == [600.0, 700.0, 700.0, 700.0, 400.0]
    # A plan starting mid-month demands only the rest of the month: 16 of 31 days.
    mid = period_bounds(Scenario(start=date(2026, 12, 16), horizon=3))
    assert spread_build_plan([(0, START, 3100)], mid, Bucket.MONTH)[2] == [1600.0]


def test_bom_cycle_is_reported(tmp_path: Path) -> None:
    workspace = build_sample(tmp_path / "c.magplan", anchor=START)
    try:
        names = {p.name: p.id for p in workspace.all(Product)}
        line = BomLine(
            parent_id=names["EPS-M200 rotor"],
            child_product_id=names["EPS-M200 steering motor"],
            pieces_per_unit=1,
        )
        workspace.insert(line, operation="test")
        with pytest.raises(BomCycleError) as caught:
            plan_workspace(workspace, Scenario(start=START), today=TODAY)
        assert set(caught.value.cycle) == {"EPS-M200 rotor", "EPS-M200 steering motor"}
    finally:
        workspace.close()


def test_sample_plan_waits_on_the_overdue_licence(plan: Plan) -> None:
    at = plan.snapshot.part_index
    for number in ("MG-1401", "MG-1402"):
        outlook = plan.outlook(at(number))
        assert outlook.runout_firm is not None
        assert outlook.runout_with_pending is not None
        assert outlook.runout_firm < outlook.runout_with_pending
    # LIC-BT-2026-012 was due 2026-11-05: overdue, so expected from today, + 35 days.
    assert supply_of(plan, "PO-26-4530") == [
        (SupplyClass.PENDING, SupplyReason.LICENCE_PENDING, date(2027, 1, 4))
    ]
    assert plan.outlook(at("MG-1402")).runout_firm == date(2027, 1, 8)


def test_sample_supply_classes(plan: Plan) -> None:
    for reference in ("PO-26-4701", "PO-26-4702", "PO-26-4703", "PO-26-4704"):  # ferrite
        assert supply_of(plan, reference)[0][:2] == (
            SupplyClass.FIRM,
            SupplyReason.NOT_CONTROLLED,
        )
    assert supply_of(plan, "PO-26-4410")[0][:2] == (SupplyClass.FIRM, SupplyReason.SHIPPED)
    assert supply_of(plan, "PO-26-4650")[0][:2] == (
        SupplyClass.FIRM,
        SupplyReason.LICENCE_VALID,
    )
    assert supply_of(plan, "PO-26-4710")[0][:2] == (
        SupplyClass.FIRM,
        SupplyReason.NOT_FROM_CHINA,
    )
    assert supply_of(plan, "PO-27-0003")[0][:2] == (
        SupplyClass.BLOCKED,
        SupplyReason.NOT_SUBMITTED,
    )


def test_sample_demand_line_stops_and_purchases(plan: Plan) -> None:
    at = plan.snapshot.part_index
    # Dec 2026: 18,000 steering motors x 10 arcs x 1.02 scrap.
    assert plan.demand[at("MG-1001"), 0] == pytest.approx(183_600)
    products = plan.snapshot.product_index
    stops = plan.line_stop
    assert date_of(int(stops.firm[products("TRX-150 traction rotor")])) == date(2027, 1, 8)
    assert stops.firm_part[products("TRX-150 traction rotor")] == at("MG-1402")
    recs = plan.recommendations
    mine = np.flatnonzero(recs.part == at("MG-1001"))
    assert recs.licence[mine].all()
    assert recs.review_working_days[mine[0]] == 45
    assert RecommendationStatus.LATE in recs.status[mine]
    ferrite = np.flatnonzero(recs.part == at("MG-1101"))
    assert not recs.licence[ferrite].any()
    exposure = plan.exposure
    assert ((exposure.controlled_share > 0) & (exposure.controlled_share < 1)).all()
    assert exposure.pending_share.max() > 0
    assert set(exposure.country_share()) >= {"CN"}


@pytest.mark.parametrize("pending", list(PendingMode))
def test_sample_engine_matches_reference(sample: Workspace, pending: PendingMode) -> None:
    scenario = Scenario(start=START, horizon=12, pending=pending, pending_delay_working_days=20)
    snap = build_snapshot(sample, scenario, today=TODAY)
    assert_same(run_plan(snap), reference_plan(snap))


def test_plans_in_a_worker_thread(sample: Workspace) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            pool.submit(
                plan_workspace, sample, Scenario(start=START, review_days=days), today=TODAY
            )
            for days in (45, 60)
        ]
        plans = [future.result() for future in futures]
    assert [plan.snapshot.review_working_days for plan in plans] == [45, 60]
