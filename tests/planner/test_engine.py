"""The planning engine on small hand-computed cases: every date and quantity checked.

Unless a test says otherwise: today 2026-11-30, the plan starts 2027-01-01 in months, so
the periods are Jan (31 days), Feb (28), Mar (31), Apr (30), May (31), Jun (30).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pytest

from planner.bom import BomCycleError
from planner.engine import SourceProvider, run_plan
from planner.periods import Bucket
from planner.plan_model import NEVER, PendingMode, date_of
from planner.plan_result import (
    RecommendationStatus,
    SourceTable,
    SupplyClass,
    SupplyReason,
)
from planner.plan_text import recommendation_reason, supply_reason
from tests.helpers.plan_factory import SnapshotFactory

if TYPE_CHECKING:
    from planner.plan_model import Snapshot

D = date.toordinal
# Per month at 100 pieces a day: Jan 3,100, Feb 2,800, Mar 3,100, Apr 3,000, May 3,100.
DAILY_100 = [3100, 2800, 3100, 3000, 3100, 3000]


def one_part(**part: object) -> tuple[SnapshotFactory, int, int]:
    """A product "Motor" using one piece of part "MG-A" and building 100 a day."""
    factory = SnapshotFactory()
    motor = factory.product("Motor")
    mg = factory.part("MG-A", **part)  # type: ignore[arg-type]
    factory.line(motor, part=mg, pieces=1)
    factory.build(motor, DAILY_100)
    return factory, motor, mg


def test_runout_and_below_safety_dates() -> None:
    factory, _motor, mg = one_part(on_hand=5000, safety=1000)
    plan = run_plan(factory.snapshot())
    # Stock at the end of Jan: 5,000 - 3,100 = 1,900; of Feb: 1,900 - 2,800 = -900.
    assert plan.stock_firm[mg, :2].tolist() == [1900.0, -900.0]
    # Runout in Feb: day Feb 1 + floor(1,900 * 28 / 2,800) = Feb 1 + 19 = Feb 20.
    assert date_of(int(plan.runout_firm[mg])) == date(2027, 2, 20)
    assert date_of(int(plan.runout_with_pending[mg])) == date(2027, 2, 20)
    # Below 1,000: Feb 1 + floor((1,900 - 1,000) * 28 / 2,800) = Feb 1 + 9 = Feb 10.
    assert date_of(int(plan.below_safety[mg])) == date(2027, 2, 10)


def test_stock_starting_below_safety_is_below_on_the_first_day() -> None:
    factory, _motor, mg = one_part(on_hand=500, safety=1000)
    plan = run_plan(factory.snapshot())
    assert date_of(int(plan.below_safety[mg])) == date(2027, 1, 1)
    # Runout: Jan 1 + floor(500 * 31 / 3,100) = Jan 6.
    assert date_of(int(plan.runout_firm[mg])) == date(2027, 1, 6)


def test_no_runout_within_the_horizon() -> None:
    factory, _motor, mg = one_part(on_hand=1_000_000)
    plan = run_plan(factory.snapshot())
    assert plan.runout_firm[mg] == NEVER
    assert plan.outlook(mg).runout_firm is None


def test_multi_level_explosion_with_scrap() -> None:
    factory = SnapshotFactory()
    top = factory.product("Pump")
    sub = factory.product("Rotor", "assembly")
    x = factory.part("MG-X")
    factory.line(top, product=sub, pieces=2)
    factory.line(sub, part=x, pieces=4, scrap=25)  # 4 x 1.25 = 5 per rotor
    factory.line(top, part=x, pieces=1, scrap=50)  # 1.5 per pump
    factory.build(top, [100, 200])
    factory.build(sub, [10])  # spare rotors
    plan = run_plan(factory.snapshot())
    # Jan: 100 pumps x (2 x 5 + 1.5) = 1,150, plus 10 spare rotors x 5 = 50: 1,200.
    # Feb: 200 x 11.5 = 2,300.
    assert plan.demand[x].tolist() == [1200.0, 2300.0, 0.0, 0.0, 0.0, 0.0]


def test_bom_cycle_names_the_products_around_it() -> None:
    factory = SnapshotFactory()
    a, b, c, d = (factory.product(name) for name in "ABCD")
    factory.line(a, product=b, pieces=1)
    factory.line(b, product=c, pieces=1)
    factory.line(c, product=a, pieces=1)
    factory.line(d, product=a, pieces=1)
    with pytest.raises(BomCycleError) as caught:
        run_plan(factory.snapshot())
    assert caught.value.cycle == ("A", "B", "C", "A")
    assert str(caught.value) == "BOM cycle: A → B → C → A"


def supply_case(pending: PendingMode = PendingMode.COUNTED, delay: int = 0) -> SnapshotFactory:
    factory = SnapshotFactory(pending=pending, pending_delay=delay)
    cn = factory.supplier("Ningbo", "CN", transit=35)
    de = factory.supplier("Hanau", "DE", transit=3)
    mg = factory.part("MG-A", cn)
    ferrite = factory.part("FE-1", cn, controlled=False)
    approved = factory.licence(
        "LIC-OK",
        "approved",
        valid_from=date(2026, 12, 1),
        valid_until=date(2027, 3, 31),
        left=1500,
    )
    expired = factory.licence("LIC-EXP", "expired")
    short_lived = factory.licence("LIC-SHORT", "approved", valid_until=date(2027, 1, 10))
    rejected = factory.licence("LIC-REJ", "rejected")
    pending_lic = factory.licence("LIC-PEND", "under_review", decision=date(2027, 1, 10))
    overdue = factory.licence("LIC-LATE", "submitted", decision=date(2026, 11, 1))
    draft = factory.licence("LIC-DRAFT", "draft")
    jan20, feb20 = date(2027, 1, 20), date(2027, 2, 20)
    factory.order(mg, cn, 100, jan20)  # 0: no licence linked
    factory.order(mg, cn, 1000, feb20, licence=approved)  # 1: ships Jan 16
    factory.order(mg, cn, 1000, jan20, licence=approved)  # 2: ships Dec 16, first in line
    factory.order(mg, cn, 200, jan20, licence=expired)  # 3
    factory.order(mg, cn, 300, feb20, licence=short_lived)  # 4: ships Jan 16 > Jan 10
    factory.order(mg, cn, 400, jan20, licence=rejected)  # 5
    factory.order(mg, cn, 500, date(2027, 1, 15), licence=pending_lic)  # 6
    factory.order(mg, cn, 600, date(2026, 12, 20), licence=overdue)  # 7
    factory.order(mg, cn, 700, jan20, shipped=True)  # 8: on the water
    factory.order(mg, de, 800, jan20)  # 9: from Germany
    factory.order(ferrite, cn, 900, jan20)  # 10: not controlled
    factory.order(mg, cn, 50, jan20, licence=draft)  # 11
    return factory


SupplyRow = tuple[int, float, SupplyClass, date | None, SupplyReason]


def supply_rows(pending: PendingMode = PendingMode.COUNTED, delay: int = 0) -> list[SupplyRow]:
    plan = run_plan(supply_case(pending, delay).snapshot())
    s = plan.supply
    return [
        (
            int(s.order[i]),
            float(s.qty[i]),
            SupplyClass(int(s.supply_class[i])),
            date_of(int(s.arrival[i])),
            SupplyReason(int(s.reason[i])),
        )
        for i in range(len(s))
    ]


def test_supply_classes() -> None:
    jan20, feb20 = date(2027, 1, 20), date(2027, 2, 20)
    firm, pending, blocked = SupplyClass.FIRM, SupplyClass.PENDING, SupplyClass.BLOCKED
    assert supply_rows() == [
        (0, 100.0, blocked, jan20, SupplyReason.NO_LICENCE),
        # LIC-OK has 1,500 left: order 2 ships first (Dec 16) and takes 1,000; order 1
        # (ships Jan 16) gets the last 500 and the other 500 are blocked.
        (1, 500.0, firm, feb20, SupplyReason.LICENCE_VALID),
        (1, 500.0, blocked, feb20, SupplyReason.USED_UP),
        (2, 1000.0, firm, jan20, SupplyReason.LICENCE_VALID),
        (3, 200.0, blocked, jan20, SupplyReason.LICENCE_EXPIRED),
        (4, 300.0, blocked, feb20, SupplyReason.NOT_VALID_ON_SHIP_DATE),
        (5, 400.0, blocked, jan20, SupplyReason.LICENCE_REJECTED),
        # Decision Jan 10 + 35 days transit = Feb 14, later than the ETA of Jan 15.
        (6, 500.0, pending, date(2027, 2, 14), SupplyReason.LICENCE_PENDING),
        # Overdue decision: expected no earlier than today, Nov 30 + 35 = Jan 4.
        (7, 600.0, pending, date(2027, 1, 4), SupplyReason.LICENCE_PENDING),
        (8, 700.0, firm, jan20, SupplyReason.SHIPPED),
        (9, 800.0, firm, jan20, SupplyReason.NOT_FROM_CHINA),
        (10, 900.0, firm, jan20, SupplyReason.NOT_CONTROLLED),
        (11, 50.0, blocked, jan20, SupplyReason.NOT_SUBMITTED),
    ]


def test_pending_delayed_by_working_days() -> None:
    rows = {row[0]: row for row in supply_rows(PendingMode.DELAYED, 10)}
    # Jan 10 2027 (a Sunday) + 10 Chinese working days = Jan 22; + 35 days = Feb 26.
    assert rows[6][2:4] == (SupplyClass.PENDING, date(2027, 2, 26))


def test_pending_treated_as_rejected() -> None:
    rows = {row[0]: row for row in supply_rows(PendingMode.REJECTED)}
    assert rows[6][2] is SupplyClass.BLOCKED
    assert rows[6][4] is SupplyReason.PENDING_AS_REJECTED
    assert rows[7][2] is SupplyClass.BLOCKED


def test_projection_views_and_arrival_buckets() -> None:
    plan = run_plan(supply_case().snapshot())
    mg = plan.snapshot.part_index("MG-A")
    # Firm in Jan: 1,000 (order 2) + 700 shipped + 800 from Germany; Feb: 500 of order 1.
    assert plan.arrivals_firm[mg, :3].tolist() == [2500.0, 500.0, 0.0]
    # Pending: 600 on Jan 4 (Jan) and 500 on Feb 14 (Feb).
    assert plan.arrivals_pending[mg, :3].tolist() == [600.0, 500.0, 0.0]
    assert plan.stock_with_pending[mg, 1] - plan.stock_firm[mg, 1] == 1100.0


def test_supply_reasons_in_words() -> None:
    plan = run_plan(supply_case().snapshot())
    texts = [supply_reason(plan, i) for i in range(len(plan.supply))]
    assert texts[0] == "needs a Chinese export licence and none is linked"
    assert texts[2] == "licence LIC-OK has no approved quantity left for this"
    assert "LIC-PEND under review: decision expected 2027-01-10, arrives 2027-02-14" in texts[7]
    assert texts[10] == "ships from DE: no Chinese export licence needed"


def test_pending_supply_delays_runout_only_with_pending() -> None:
    factory, _motor, mg = one_part(on_hand=3100)
    cn = factory.supplier("Ningbo")
    factory.rows["parts"][mg]["supplier"] = cn
    pending = factory.licence("LIC-P", "under_review", decision=date(2027, 1, 10))
    factory.order(mg, cn, 2800, date(2027, 2, 1), licence=pending)  # arrives Feb 14
    plan = run_plan(factory.snapshot())
    # Firm: Jan ends at 0, Feb starts at 0 and runs out on Feb 1.
    assert date_of(int(plan.runout_firm[mg])) == date(2027, 2, 1)
    # With pending, 2,800 arrive in Feb (counted at its start): Feb ends at 0, Mar runs
    # out on its first day.
    assert date_of(int(plan.runout_with_pending[mg])) == date(2027, 3, 1)


def test_recommendation_on_time_with_moq_and_multiple() -> None:
    factory, _motor, mg = one_part(on_hand=5000, safety=1000, lead=20, moq=1000, multiple=500)
    de = factory.supplier("Hanau", "DE", transit=5)
    factory.rows["parts"][mg]["supplier"] = de
    factory.rows["parts"][mg]["price"] = 0.5
    plan = run_plan(factory.snapshot())
    recs = plan.recommendations
    # Feb ends at -900, below 1,000 on Feb 10; shortage 1,900 -> 4 x 500 = 2,000.
    # Mar starts at 1,100 and ends at -2,000: below 1,000 on Mar 1 + floor(100 * 31 /
    # 3,100) = Mar 2; shortage 3,000 = 6 x 500.
    assert recs.qty[:2].tolist() == [2000.0, 3000.0]
    assert [date_of(int(d)) for d in recs.need[:2]] == [date(2027, 2, 10), date(2027, 3, 2)]
    # Order by = need - 20 days production - 5 days transit, no licence (Germany).
    assert [date_of(int(d)) for d in recs.order_by[:2]] == [date(2027, 1, 16), date(2027, 2, 5)]
    assert recs.status[:2].tolist() == [RecommendationStatus.OK] * 2
    assert recs.cost[0] == 1000.0
    assert not recs.licence[0]
    assert recommendation_reason(plan, 0) == (
        "MG-A falls below safety stock 1,000 in Feb 2027 (on 2027-02-10); order 2,000 "
        "(MOQ 1,000, multiple 500) from Hanau by 2027-01-16: 20 days production + "
        "5 days transit"
    )
    # With the purchases received, stock never again ends a period below safety stock.
    assert (plan.stock_planned[mg] >= 1000).all()


def test_moq_wins_over_a_small_shortage() -> None:
    factory, _motor, mg = one_part(on_hand=3000, safety=0, moq=5000, multiple=500)
    de = factory.supplier("Hanau", "DE", transit=0)
    factory.rows["parts"][mg]["supplier"] = de
    plan = run_plan(factory.snapshot())
    # Jan ends at -100: shortage 100 -> one multiple of 500, but the MOQ is 5,000.
    assert plan.recommendations.qty[0] == 5000.0
    assert plan.recommendations.shortage[0] == 100.0


def late_case(moq: float = 20000) -> tuple[SnapshotFactory, int]:
    factory, _motor, mg = one_part(on_hand=3100, lead=42, moq=moq, multiple=500)
    cn = factory.supplier("Ningbo Eastfield", "CN", transit=35)
    factory.rows["parts"][mg]["supplier"] = cn
    return factory, mg


def test_late_recommendation_with_licence_review_and_shortfall() -> None:
    factory, _mg = late_case()
    plan = run_plan(factory.snapshot())
    recs = plan.recommendations
    assert len(recs) == 1
    # Jan ends at 0; Feb starts at 0, so stock is below safety (0) on Feb 1.
    assert date_of(int(recs.need[0])) == date(2027, 2, 1)
    # Back from Feb 1: -35 transit = Dec 28 (ship), -42 production = Nov 16 (decision),
    # 45 Chinese working days earlier = Sep 8 2026 (Golden Week in between): 69 days.
    assert date_of(int(recs.order_by[0])) == date(2026, 9, 8)
    assert recs.review_days[0] == 69
    assert recs.status[0] == RecommendationStatus.LATE
    # Ordering today: Nov 30 + 45 working days = Feb 2 2027, + 42 + 35 = Apr 20.
    assert date_of(int(recs.arrival[0])) == date(2027, 4, 20)
    # Short until Apr 20: Feb -2,800, Mar -5,900, then 19 days of Apr at 100 = -7,800.
    assert recs.shortfall[0] == 7800.0
    assert recs.qty[0] == 20000.0
    assert recommendation_reason(plan, 0).endswith(
        "from Ningbo Eastfield by 2026-09-08: 42 days production + 45 Chinese working days "
        "licence review (69 days) + 35 days transit; LATE: ordered today it arrives "
        "2027-04-20, 7,800 pieces short until then"
    )


def test_shortfall_is_at_most_the_purchase() -> None:
    factory, _mg = late_case(moq=0)
    plan = run_plan(factory.snapshot())
    recs = plan.recommendations
    # Lot for lot in multiples of 500: Feb ends at -2,800 -> 3,000; Mar then ends at
    # 200 - 3,100 = -2,900 -> 3,000; Apr at 100 - 3,000 = -2,900 -> 3,000. All arrive on
    # Apr 20 at the earliest, so all three are late.
    assert recs.qty[:3].tolist() == [3000.0, 3000.0, 3000.0]
    assert recs.status[:3].tolist() == [RecommendationStatus.LATE] * 3
    # Short until Apr 20 without any purchase: 7,800 (see above). The first two are
    # short of their whole quantity; the third of what is left: Apr starts at 100 with
    # the first two counted, less 19 days x 100 = -1,800. Together: 7,800.
    assert recs.shortfall[:3].tolist() == [3000.0, 3000.0, 1800.0]


def test_no_supplier_is_infeasible() -> None:
    factory, _motor, _mg = one_part(on_hand=3100, multiple=1)
    plan = run_plan(factory.snapshot())
    recs = plan.recommendations
    assert recs.status[0] == RecommendationStatus.INFEASIBLE
    assert recs.supplier[0] == -1
    assert recs.order_by[0] == NEVER
    # Short 2,800 in Feb; nothing can arrive, so all of it is short.
    assert recs.qty[0] == 2800.0
    assert recs.shortfall[0] == 2800.0
    assert recommendation_reason(plan, 0).endswith("but there is no supplier to order from")


def test_line_stop_through_sub_assemblies() -> None:
    factory = SnapshotFactory()
    pump = factory.product("Pump")
    rotor = factory.product("Rotor", "assembly")
    fan = factory.product("Fan")
    x = factory.part("MG-X", on_hand=5000)  # 3,100 a month: runs out Feb 20
    y = factory.part("MG-Y", on_hand=6200)
    factory.line(pump, product=rotor, pieces=1)
    factory.line(rotor, part=x, pieces=1)
    factory.line(pump, part=y, pieces=1)
    factory.line(fan, part=y, pieces=1)
    factory.build(pump, DAILY_100)
    plan = run_plan(factory.snapshot())
    # Y: Jan ends 3,100, Feb ends 300, Mar starts at 300: Mar 1 + floor(300*31/3100) = Mar 4.
    assert date_of(int(plan.runout_firm[y])) == date(2027, 3, 4)
    stops = plan.line_stop
    assert date_of(int(stops.firm[pump])) == date(2027, 2, 20)
    assert stops.firm_part[pump] == x
    assert stops.firm_part[rotor] == x
    assert date_of(int(stops.with_pending[fan])) == date(2027, 3, 4)
    assert stops.with_pending_part[fan] == y


def test_exposure_per_period() -> None:
    factory, _motor, mg = one_part(on_hand=10000, grams=10.0, dy_tb=5.0)
    cn = factory.supplier("Ningbo")
    factory.rows["parts"][mg]["supplier"] = cn
    pending = factory.licence("LIC-P", "under_review", decision=date(2027, 1, 10))
    factory.order(mg, cn, 3000, date(2027, 3, 1), licence=pending)  # arrives Mar 1
    plan = run_plan(factory.snapshot())
    exposure = plan.exposure
    assert exposure.pieces[0] == 3100.0
    # 3,100 x 10 g = 31 kg, of which 5 % Dy/Tb = 1.55 kg; all of it needs a licence.
    assert exposure.kg[0] == pytest.approx(31.0)
    assert exposure.dy_tb_kg[0] == pytest.approx(1.55)
    assert exposure.controlled_share.tolist()[:2] == [1.0, 1.0]
    assert exposure.country_share() == {"CN": pytest.approx(np.ones(6))}
    # Firm stock ends Mar at 10,000 - 9,000 = 1,000, Apr at -2,000: 2,000 of Apr's 3,000
    # unmet; with the pending 3,000 Apr ends at 1,000: 2,000 pieces = 20 kg of 30 depend
    # on the pending licence.
    assert exposure.pending_share[3] == pytest.approx(2 / 3)
    assert exposure.pending_share[2] == 0.0


def test_arrivals_beyond_the_horizon_are_left_out() -> None:
    factory, _motor, mg = one_part(on_hand=0)
    de = factory.supplier("Hanau", "DE")
    factory.order(mg, de, 1000, date(2028, 1, 1))
    plan = run_plan(factory.snapshot())
    assert plan.arrivals_firm.sum() == 0
    assert plan.supply.period[0] == 6


def test_weekly_buckets() -> None:
    factory = SnapshotFactory(start=date(2027, 1, 4), bucket=Bucket.WEEK)
    motor = factory.product("Motor")
    mg = factory.part("MG-A", on_hand=1000)
    factory.line(motor, part=mg, pieces=1)
    factory.build(motor, [700, 700, 700])
    plan = run_plan(factory.snapshot())
    # Week 1 ends at 300, week 2 starts at 300 (100 a day): Jan 11 + 3 = Jan 14.
    assert date_of(int(plan.runout_firm[mg])) == date(2027, 1, 14)
    assert plan.snapshot.labels[0] == "2027-W01"


def two_sources(qualification: int) -> SourceProvider:
    """Ningbo (the current supplier) first, then Hanau with `qualification` days."""

    def provide(snapshot: Snapshot) -> SourceTable:
        return SourceTable(
            part=np.array([0, 0]),
            supplier=np.array([0, 1]),
            lead_days=np.array([42, 20]),
            transit_days=np.array([35, 5]),
            qualification_days=np.array([0, qualification]),
            moq=np.array([20000.0, 1000.0]),
            multiple=np.array([500.0, 100.0]),
            unit_price=np.array([1.0, 1.4]),
            currency=("USD", "EUR"),
        )

    return provide


def test_alternative_source_on_time_is_chosen() -> None:
    factory, _mg = late_case()
    factory.supplier("Hanau", "DE", transit=5)
    plan = run_plan(factory.snapshot(), sources=two_sources(qualification=30))
    recs = plan.recommendations
    # Ningbo would be late (see above); Hanau: Feb 1 - 5 - 20 - 30 days = Dec 8 2026.
    assert recs.supplier[0] == 1
    assert date_of(int(recs.order_by[0])) == date(2026, 12, 8)
    assert recs.status[0] == RecommendationStatus.OK
    assert not recs.licence[0]
    # Feb needs 2,800: 28 x 100 with Hanau's multiple, above its MOQ of 1,000.
    assert recs.qty[0] == 2800.0
    assert recs.currency(0) == "EUR"
    assert "30 days qualification + 20 days production + 5 days transit" in (
        recommendation_reason(plan, 0)
    )


def test_when_every_source_is_late_the_earliest_wins() -> None:
    factory, _mg = late_case()
    factory.supplier("Hanau", "DE", transit=5)
    plan = run_plan(factory.snapshot(), sources=two_sources(qualification=200))
    recs = plan.recommendations
    # Ningbo arrives Apr 20 (see above); Hanau only after 200 + 20 + 5 days = Jul 13.
    assert recs.supplier[0] == 0
    assert recs.status[0] == RecommendationStatus.LATE
    assert date_of(int(recs.arrival[0])) == date(2027, 4, 20)


@pytest.mark.parametrize("working_days", [-45, -20, 10, 45])
@pytest.mark.parametrize("count_start_day", [False, True])
def test_shifting_arrays_of_days_matches_the_calendar(
    working_days: int, count_start_day: bool
) -> None:
    from planner.cn_calendar import add_working_days
    from planner.engine_supply import shift_working_days

    days = [date(2026, 9, 25), date(2026, 10, 1), date(2027, 2, 14), date(2027, 1, 1)]
    wide = [*days, date(1960, 1, 4)]  # beyond the memo table's span
    for sample in (days, wide):
        ordinals = np.array([d.toordinal() for d in sample])
        shifted = shift_working_days(ordinals, working_days, count_start_day=count_start_day)
        expected = [
            add_working_days(d, working_days, count_start_day=count_start_day).toordinal()
            for d in sample
        ]
        assert shifted.tolist() == expected
