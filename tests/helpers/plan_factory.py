"""Build planning snapshots by hand for engine tests: suppliers, parts, orders, licences."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from planner.periods import Bucket, period_label
from planner.plan_model import (
    MAX_DAY,
    MIN_DAY,
    Bom,
    BuildPlan,
    Licences,
    Orders,
    Parts,
    PendingMode,
    Products,
    Scenario,
    Snapshot,
    Suppliers,
    bool_array,
    float_array,
    int_array,
)
from planner.plan_snapshot import period_bounds

if TYPE_CHECKING:
    from collections.abc import Sequence


@dataclass
class SnapshotFactory:
    """Collects rows and returns a Snapshot; indices are returned by each add method."""

    today: date = date(2026, 11, 30)
    start: date = date(2027, 1, 1)
    horizon: int = 6
    bucket: Bucket = Bucket.MONTH
    review_working_days: int = 45
    pending: PendingMode = PendingMode.COUNTED
    pending_delay: int = 0
    count_start_day: bool = False
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def _add(self, table: str, **values: Any) -> int:
        rows = self.rows.setdefault(table, [])
        rows.append(values)
        return len(rows) - 1

    def supplier(self, name: str, country: str = "CN", *, transit: int = 35) -> int:
        return self._add("suppliers", name=name, country=country, transit=transit)

    def part(
        self,
        number: str,
        supplier: int = -1,
        *,
        lead: int = 0,
        moq: float = 0,
        multiple: float = 1,
        price: float = math.nan,
        controlled: bool | Sequence[bool] = True,
        on_hand: float = 0,
        safety: float = 0,
        grams: float = 10.0,
        dy_tb: float = 0.0,
        sm: float = 0.0,
    ) -> int:
        flags = [controlled] * self.horizon if isinstance(controlled, bool) else controlled
        return self._add(
            "parts",
            number=number,
            supplier=supplier,
            lead=lead,
            moq=moq,
            multiple=multiple,
            price=price,
            controlled=list(flags),
            on_hand=on_hand,
            safety=safety,
            grams=grams,
            dy_tb=dy_tb,
            sm=sm,
        )

    def product(self, name: str, kind: str = "product") -> int:
        return self._add("products", name=name, kind=kind)

    def line(
        self, parent: int, *, part: int = -1, product: int = -1, pieces: float, scrap: float = 0
    ) -> None:
        self._add("bom", parent=parent, part=part, product=product, pieces=pieces, scrap=scrap)

    def build(self, product: int, quantities: Sequence[float]) -> None:
        for period, qty in enumerate(quantities):
            if qty:
                self._add("build", product=product, period=period, qty=qty)

    def licence(
        self,
        reference: str,
        status: str,
        *,
        decision: date | None = None,
        valid_from: date | None = None,
        valid_until: date | None = None,
        left: float = math.inf,
    ) -> int:
        return self._add(
            "licences",
            reference=reference,
            status=status,
            decision=decision.toordinal() if decision else 0,
            valid_from=valid_from.toordinal() if valid_from else MIN_DAY,
            valid_until=valid_until.toordinal() if valid_until else MAX_DAY,
            left=left,
        )

    def order(
        self,
        part: int,
        supplier: int,
        qty: float,
        eta: date,
        *,
        licence: int = -1,
        shipped: bool = False,
    ) -> int:
        return self._add(
            "orders",
            part=part,
            supplier=supplier,
            qty=qty,
            eta=eta.toordinal(),
            licence=licence,
            shipped=shipped,
        )

    def column(self, table: str, name: str) -> list[Any]:
        return [row[name] for row in self.rows.get(table, [])]

    def scenario(self) -> Scenario:
        return Scenario(
            name="test",
            start=self.start,
            horizon=self.horizon,
            bucket=self.bucket,
            review_days=self.review_working_days,
            pending=self.pending,
            pending_delay_working_days=self.pending_delay,
            count_start_day=self.count_start_day,
        )

    def snapshot(self) -> Snapshot:
        scenario = self.scenario()
        bounds = period_bounds(scenario)
        col = self.column
        n_parts, n_orders = len(col("parts", "number")), len(col("orders", "qty"))
        n_lic = len(col("licences", "reference"))
        return Snapshot(
            scenario=scenario,
            today=self.today,
            bounds=int_array([d.toordinal() for d in bounds]),
            labels=tuple(period_label(d, self.bucket) for d in bounds[:-1]),
            review_working_days=self.review_working_days,
            review_basis="test",
            products=Products(
                int_array(range(len(col("products", "name")))),
                tuple(col("products", "name")),
                tuple(col("products", "kind")),
            ),
            bom=Bom(
                int_array(col("bom", "parent")),
                int_array(col("bom", "part")),
                int_array(col("bom", "product")),
                float_array(col("bom", "pieces")),
                float_array(col("bom", "scrap")),
            ),
            build=BuildPlan(
                int_array(col("build", "product")),
                int_array(col("build", "period")),
                float_array(col("build", "qty")),
            ),
            suppliers=Suppliers(
                id=int_array(range(len(col("suppliers", "name")))),
                name=tuple(col("suppliers", "name")),
                country=tuple(col("suppliers", "country")),
                from_china=bool_array([c == "CN" for c in col("suppliers", "country")]),
                transit_days=int_array(col("suppliers", "transit")),
                qualified=bool_array([True] * len(col("suppliers", "name"))).reshape(-1),
                qualification_days=int_array([0] * len(col("suppliers", "name"))),
            ),
            parts=Parts(
                id=int_array(range(n_parts)),
                number=tuple(col("parts", "number")),
                supplier=int_array(col("parts", "supplier")),
                lead_days=int_array(col("parts", "lead")),
                moq=float_array(col("parts", "moq")),
                multiple=float_array(col("parts", "multiple")),
                unit_price=float_array(col("parts", "price")),
                currency=tuple("USD" for _ in range(n_parts)),
                controlled=bool_array(col("parts", "controlled")).reshape(
                    n_parts, self.horizon
                ),
                unverified=bool_array([False] * n_parts).reshape(-1),
                licence_need=tuple("required" for _ in range(n_parts)),
                grams=float_array(col("parts", "grams")),
                dy_tb_pct=float_array(col("parts", "dy_tb")),
                sm_pct=float_array(col("parts", "sm")),
                on_hand=float_array(col("parts", "on_hand")),
                safety=float_array(col("parts", "safety")),
            ),
            orders=Orders(
                id=int_array(range(n_orders)),
                reference=tuple(f"PO-{i}" for i in range(n_orders)),
                part=int_array(col("orders", "part")),
                supplier=int_array(col("orders", "supplier")),
                qty=float_array(col("orders", "qty")),
                order_day=int_array([MIN_DAY] * n_orders),
                eta=int_array(col("orders", "eta")),
                licence=int_array(col("orders", "licence")),
                shipped=bool_array(col("orders", "shipped")).reshape(-1),
            ),
            licences=Licences(
                id=int_array(range(n_lic)),
                reference=tuple(col("licences", "reference")),
                status=tuple(col("licences", "status")),
                expected_decision=int_array(col("licences", "decision")),
                decision_basis=tuple("test" for _ in range(n_lic)),
                valid_from=int_array(col("licences", "valid_from")),
                valid_until=int_array(col("licences", "valid_until")),
                quantity_left=float_array(col("licences", "left")),
            ),
        )
