"""Read a workspace once into a `Snapshot` the planning engine can work on.

All tables are read in one transaction, so a plan never mixes two states of a shared
workspace. Derived facts come from the owning modules: each part's licence need, mass and
controlled-element content from `planner.parts` (memoised by the facts they depend on), and
each pending licence's expected decision, validity and quantity left from
`planner.licence_forecast`. The build plan is spread evenly over the days of its own
periods (the workspace's bucket) and counted into the scenario's periods by overlap, so a
plan starting mid-month demands only the rest of that month.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from planner.cn_calendar import add_working_days
from planner.licence_forecast import (
    ResolvedReview,
    ReviewDays,
    quantity_left,
    resolve_review_days,
    validity_end,
)
from planner.licences import LicenceStatus
from planner.parts import insight, part_facts, read_grade
from planner.periods import Bucket, add_months, period_label, period_start, periods
from planner.plan_model import (
    MAX_DAY,
    MIN_DAY,
    Bom,
    BuildPlan,
    Licences,
    Orders,
    Parts,
    Products,
    Snapshot,
    Suppliers,
    bool_array,
    float_array,
    int_array,
)
from planner.rules import LicenceNeed, evaluate
from planner.schema import (
    BomLine,
    BuildPlanEntry,
    Licence,
    Meta,
    Order,
    Part,
    Product,
    Stock,
    Supplier,
)
from planner.workspace_rules import workspace_rule_set

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from planner.parts import PartInsight
    from planner.plan_model import Scenario
    from planner.rules import PartFacts, RuleSet
    from planner.workspace import Workspace

DEFAULT_TRANSIT_DAYS = 35
"""Sea freight from China to Europe, used when a supplier records no transit time."""
EXCLUDED_ORDER_STATUSES = frozenset({"cancelled", "received"})


def period_bounds(scenario: Scenario) -> list[date]:
    """Return the period boundaries: the plan start, each next period start, the end."""
    starts = periods(scenario.start, scenario.horizon, scenario.bucket)
    return [scenario.start, *starts[1:], _next_start(starts[-1], scenario.bucket)]


def _next_start(start: date, bucket: Bucket) -> date:
    return add_months(start, 1) if bucket is Bucket.MONTH else start + timedelta(weeks=1)


def spread_build_plan(
    entries: list[tuple[int, date, float]], bounds: list[date], bucket: Bucket
) -> tuple[list[int], list[int], list[float]]:
    """Count (product, period start, quantity) entries of `bucket` size into `bounds`."""
    products, period_index, quantities = [], [], []
    for product, day, qty in entries:
        first = period_start(day, bucket)
        end = _next_start(first, bucket)
        length = (end - first).days
        index = max(bisect_right(bounds, first) - 1, 0)
        while index < len(bounds) - 1 and bounds[index] < end:
            overlap = (min(end, bounds[index + 1]) - max(first, bounds[index])).days
            if overlap > 0 and qty != 0:
                products.append(product)
                period_index.append(index)
                quantities.append(qty if overlap == length else qty * overlap / length)
            index += 1
    return products, period_index, quantities


@lru_cache(maxsize=4096)
def _china_need(facts: PartFacts, on: date, rule_set: RuleSet) -> LicenceNeed:
    """Return the licence need of a part exported from China on `on` (memoised by facts)."""
    return evaluate(facts, on, rule_set).need


class _Reader:
    """Turns the workspace's rows into snapshot tables for one scenario."""

    def __init__(self, session: Session, scenario: Scenario, today: date, rule_set: RuleSet):
        self.scenario = scenario
        self.today = today
        self.rule_set = rule_set
        self.notes: list[str] = []
        self.suppliers = list(session.scalars(select(Supplier).order_by(Supplier.id)))
        self.parts = list(session.scalars(select(Part).order_by(Part.part_number)))
        self.products = list(session.scalars(select(Product).order_by(Product.name)))
        self.bom = list(session.scalars(select(BomLine).order_by(BomLine.id)))
        self.build = list(
            session.scalars(
                select(BuildPlanEntry).order_by(
                    BuildPlanEntry.product_id, BuildPlanEntry.period
                )
            )
        )
        self.stock = {s.part_id: s for s in session.scalars(select(Stock))}
        self.orders = list(session.scalars(select(Order).order_by(Order.id)))
        self.licences = list(session.scalars(select(Licence).order_by(Licence.id)))
        bucket = session.get(Meta, "period_bucket")
        self.build_bucket = Bucket(bucket.value) if bucket is not None else Bucket.MONTH
        self.supplier_at = {s.id: i for i, s in enumerate(self.suppliers)}
        self.part_at = {p.id: i for i, p in enumerate(self.parts)}
        self.product_at = {p.id: i for i, p in enumerate(self.products)}
        self.licence_at = {lic.id: i for i, lic in enumerate(self.licences)}
        self.bounds = period_bounds(scenario)
        self.insights: dict[tuple[Any, ...], PartInsight] = {}

    def supplier_table(self) -> Suppliers:
        default = self.scenario.qualification_days_default
        transit = []
        for supplier in self.suppliers:
            if supplier.transit_days is None:
                self.notes.append(
                    f"{supplier.name}: no transit time recorded, "
                    f"{DEFAULT_TRANSIT_DAYS} days used"
                )
            transit.append(supplier.transit_days or DEFAULT_TRANSIT_DAYS)
        qualified = [s.qualification_status == "qualified" for s in self.suppliers]
        return Suppliers(
            id=int_array([s.id for s in self.suppliers]),
            name=tuple(s.name for s in self.suppliers),
            country=tuple(s.country.upper() for s in self.suppliers),
            from_china=bool_array([s.country.upper() == "CN" for s in self.suppliers]),
            transit_days=int_array(transit),
            qualified=bool_array(qualified),
            qualification_days=int_array(
                [
                    0 if ok else (s.qualification_days or default)
                    for s, ok in zip(self.suppliers, qualified, strict=True)
                ]
            ),
        )

    def _insight(self, part: Part, supplier: Supplier | None) -> PartInsight:
        key = (
            part.family,
            part.grade,
            part.shape,
            part.dimensions,
            part.stated_mass_g,
            part.measured_dy_pct,
            part.measured_tb_pct,
            part.form,
            None if supplier is None else supplier.id,
        )
        if key not in self.insights:
            self.insights[key] = insight(part, supplier, self.today, self.rule_set)
        return self.insights[key]

    def _controlled(self, part: Part, supplier: Supplier | None) -> tuple[list[bool], bool]:
        """Return per period whether exporting the part from China needs a licence.

        UNVERIFIED counts as needing one; the second value says it happened.
        """
        facts = part_facts(part, supplier, read_grade(part)[0])
        china = replace(facts, supplier_country="CN", china_origin_content=True)
        needs = [_china_need(china, day, self.rule_set) for day in self.bounds[:-1]]
        unverified = LicenceNeed.UNVERIFIED in needs
        if unverified:
            self.notes.append(
                f"{part.part_number}: licence need unverified; counted as needing a licence "
                "when shipped from China"
            )
        return [need is not LicenceNeed.NOT_REQUIRED for need in needs], unverified

    def _part_row(self, part: Part) -> dict[str, Any]:
        at = self.supplier_at.get(part.supplier_id) if part.supplier_id is not None else None
        supplier = None if at is None else self.suppliers[at]
        if supplier is None:
            self.notes.append(f"{part.part_number}: no supplier; purchases are infeasible")
        info = self._insight(part, supplier)
        controlled, unverified = self._controlled(part, supplier)
        lead = part.lead_time_days or (supplier.lead_time_days if supplier else None)
        if lead is None and supplier is not None:
            self.notes.append(f"{part.part_number}: no lead time recorded, 0 days used")
        stock = self.stock.get(part.id)
        return {
            "supplier": -1 if at is None else at,
            "lead": lead or 0,
            "moq": part.moq or (supplier.moq if supplier else None) or 0,
            "multiple": part.order_multiple or 1,
            "price": math.nan if part.unit_price is None else part.unit_price,
            "currency": part.currency or "",
            "controlled": controlled,
            "unverified": unverified,
            "need": info.licence.need.value,
            "grams": info.mass.grams or 0.0,
            "dy_tb": info.dy_tb_wt_pct,
            "sm": info.sm_wt_pct,
            "on_hand": stock.on_hand if stock else 0.0,
            "safety": stock.safety_stock if stock else 0.0,
        }

    def part_table(self) -> Parts:
        rows = [self._part_row(part) for part in self.parts]

        def column(name: str) -> list[Any]:
            return [row[name] for row in rows]

        return Parts(
            id=int_array([p.id for p in self.parts]),
            number=tuple(p.part_number for p in self.parts),
            supplier=int_array(column("supplier")),
            lead_days=int_array(column("lead")),
            moq=float_array(column("moq")),
            multiple=float_array(column("multiple")),
            unit_price=float_array(column("price")),
            currency=tuple(column("currency")),
            controlled=bool_array(column("controlled")).reshape(
                len(rows), len(self.bounds) - 1
            ),
            unverified=bool_array(column("unverified")).reshape(-1),
            licence_need=tuple(column("need")),
            grams=float_array(column("grams")),
            dy_tb_pct=float_array(column("dy_tb")),
            sm_pct=float_array(column("sm")),
            on_hand=float_array(column("on_hand")),
            safety=float_array(column("safety")),
        )

    def product_tables(self) -> tuple[Products, Bom, BuildPlan]:
        products = Products(
            id=int_array([p.id for p in self.products]),
            name=tuple(p.name for p in self.products),
            kind=tuple(p.kind for p in self.products),
        )
        lines = [line for line in self.bom if line.parent_id in self.product_at]
        bom = Bom(
            parent=int_array([self.product_at[line.parent_id] for line in lines]),
            child_part=int_array([_at(self.part_at, line.child_part_id) for line in lines]),
            child_product=int_array(
                [_at(self.product_at, line.child_product_id) for line in lines]
            ),
            pieces=float_array([line.pieces_per_unit for line in lines]),
            scrap_pct=float_array([line.scrap_pct for line in lines]),
        )
        entries = [
            (self.product_at[e.product_id], e.period, e.quantity)
            for e in self.build
            if e.product_id in self.product_at
        ]
        product, period, qty = spread_build_plan(entries, self.bounds, self.build_bucket)
        build = BuildPlan(int_array(product), int_array(period), float_array(qty))
        return products, bom, build

    def order_table(self, suppliers: Suppliers, parts: Parts) -> Orders:
        kept = [o for o in self.orders if o.status not in EXCLUDED_ORDER_STATUSES]
        eta = []
        for order in kept:
            if order.expected_arrival is not None:
                eta.append(order.expected_arrival.toordinal())
                continue
            start = max(order.order_date or self.today, self.today).toordinal()
            supplier = self.supplier_at[order.supplier_id]
            part = self.part_at[order.part_id]
            lead = int(parts.lead_days[part]) + int(suppliers.transit_days[supplier])
            eta.append(start + lead)
            self.notes.append(
                f"order {order.reference or order.id}: no expected arrival, "
                f"{date.fromordinal(eta[-1])} assumed (lead time + transit)"
            )
        return Orders(
            id=int_array([o.id for o in kept]),
            reference=tuple(o.reference or f"#{o.id}" for o in kept),
            part=int_array([self.part_at[o.part_id] for o in kept]),
            supplier=int_array([self.supplier_at[o.supplier_id] for o in kept]),
            qty=float_array([o.quantity for o in kept]),
            order_day=int_array(
                [o.order_date.toordinal() if o.order_date else MIN_DAY for o in kept]
            ),
            eta=int_array(eta),
            licence=int_array([_at(self.licence_at, o.licence_id) for o in kept]),
            shipped=bool_array([o.status == "shipped" for o in kept]).reshape(-1),
        )

    def licence_table(self, review: ResolvedReview) -> Licences:
        expected, basis, valid_until, left = [], [], [], []
        for licence in self.licences:
            day = 0
            text = LicenceStatus(licence.status).label
            if LicenceStatus(licence.status).is_pending:
                forecast = review.expect(licence, on=self.today)
                text = forecast.basis
                if forecast.date is None:
                    days = review.for_licence(licence).days
                    fallback = add_working_days(self.today, days)
                    text += f"; counted from today: {fallback}"
                    self.notes.append(f"licence {licence.reference}: {text}")
                    day = fallback.toordinal()
                else:
                    day = forecast.date.toordinal()
            expected.append(day)
            basis.append(text)
            until = validity_end(licence, self.rule_set)
            valid_until.append(MAX_DAY if until is None else until.toordinal())
            quantity = quantity_left(licence, self.orders)
            left.append(math.inf if quantity is None else quantity)
        return Licences(
            id=int_array([lic.id for lic in self.licences]),
            reference=tuple(lic.reference for lic in self.licences),
            status=tuple(lic.status for lic in self.licences),
            expected_decision=int_array(expected),
            decision_basis=tuple(basis),
            valid_from=int_array(
                [_day(lic.valid_from or lic.decided_on, MIN_DAY) for lic in self.licences]
            ),
            valid_until=int_array(valid_until),
            quantity_left=float_array(left),
        )


def _at(index: dict[int, int], key: int | None) -> int:
    return -1 if key is None else index.get(key, -1)


def _day(day: date | None, default: int) -> int:
    return default if day is None else day.toordinal()


def build_snapshot(
    workspace: Workspace, scenario: Scenario, *, today: date, rule_set: RuleSet | None = None
) -> Snapshot:
    """Read `workspace` into a snapshot for `scenario` as of `today`.

    Args:
        workspace: The workspace; read in one transaction, nothing is changed.
        scenario: The planning assumptions.
        today: The day the plan is made.
        rule_set: Rules to evaluate licence needs; default: the workspace's rule set.
    """
    rule_set = rule_set or workspace_rule_set(workspace)
    with workspace.transaction() as session:
        reader = _Reader(session, scenario, today, rule_set)
    review = resolve_review_days(
        ReviewDays.parse(str(scenario.review_days)),
        reader.licences,
        rule_set,
        count_start_day=scenario.count_start_day,
    )
    suppliers = reader.supplier_table()
    parts = reader.part_table()
    products, bom, build = reader.product_tables()
    orders = reader.order_table(suppliers, parts)
    licences = reader.licence_table(review)
    if review.application.note:
        reader.notes.append(f"licence review: {review.application.note}")
    return Snapshot(
        scenario=scenario,
        today=today,
        bounds=int_array([day.toordinal() for day in reader.bounds]),
        labels=tuple(
            period_label(day, scenario.bucket)
            for day in periods(scenario.start, scenario.horizon, scenario.bucket)
        ),
        review_working_days=review.application.days,
        review_basis=review.application.label,
        products=products,
        bom=bom,
        build=build,
        suppliers=suppliers,
        parts=parts,
        orders=orders,
        licences=licences,
        notes=tuple(dict.fromkeys(reader.notes)),
    )
