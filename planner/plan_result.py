"""Planning outputs: a plan's projected stock, runouts, supply classes, purchases, exposure.

Every table is columnar (numpy arrays by row index) so a Qt model can serve 20,000 rows
without building 20,000 objects; `rows()` gives plain frozen records when that is handier.
Dates are ordinals as in `planner.plan_model`; `NEVER` means "none within the horizon".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from planner.plan_model import NEVER, date_of

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import date

    from planner.plan_model import (
        BoolArray,
        FloatArray,
        Int8Array,
        Int16Array,
        Int32Array,
        IntArray,
        Snapshot,
    )


class SupplyClass(IntEnum):
    """How an incoming quantity counts: firm, pending a licence, or blocked."""

    FIRM = 0
    PENDING = 1
    BLOCKED = 2

    @property
    def label(self) -> str:
        """Lower-case name, e.g. "pending"."""
        return self.name.lower()


class SupplyReason(IntEnum):
    """Why an incoming quantity is in its class."""

    SHIPPED = 0
    NOT_FROM_CHINA = 1
    NOT_CONTROLLED = 2
    LICENCE_VALID = 3
    LICENCE_PENDING = 4
    PENDING_AS_REJECTED = 5
    NO_LICENCE = 6
    NOT_SUBMITTED = 7
    LICENCE_REJECTED = 8
    LICENCE_WITHDRAWN = 9
    LICENCE_EXPIRED = 10
    NOT_VALID_ON_SHIP_DATE = 11
    USED_UP = 12


class RecommendationStatus(IntEnum):
    """Whether a recommended purchase can arrive by its need date."""

    OK = 0
    LATE = 1
    INFEASIBLE = 2

    @property
    def label(self) -> str:
        """Lower-case name, e.g. "late"."""
        return self.name.lower()


@dataclass(frozen=True, eq=False)
class SupplyTable:
    """Incoming quantities by class, one row per order (two when a licence covers part).

    Attributes:
        order: Order index in the snapshot.
        qty: Pieces in this row.
        supply_class: SupplyClass value.
        arrival: Day the quantity is counted (ETA, or the pending arrival).
        period: Period of `arrival` (0 when overdue, the period count when beyond).
        reason: SupplyReason value.
        decision: Expected licence decision counted for pending rows (0 otherwise).
    """

    order: IntArray
    qty: FloatArray
    supply_class: Int8Array
    arrival: IntArray
    period: IntArray
    reason: Int8Array
    decision: IntArray

    def __len__(self) -> int:
        return len(self.order)


@dataclass(frozen=True, eq=False)
class SourceTable:
    """Candidate sources: one row per part and supplier, in order of preference per part.

    Attributes:
        part: Part index (rows grouped by part, preferred first).
        supplier: Supplier index in the snapshot.
        lead_days: Production days.
        transit_days: Transit days.
        qualification_days: Days before the first order (0 when qualified).
        moq: Minimum order quantity.
        multiple: Order multiple (>= 1).
        unit_price: Price per piece (NaN unknown).
        currency: Currency of the price.
    """

    part: IntArray
    supplier: IntArray
    lead_days: IntArray
    transit_days: IntArray
    qualification_days: IntArray
    moq: FloatArray
    multiple: FloatArray
    unit_price: FloatArray
    currency: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class RecommendationTable:
    """Recommended purchases in need-period order, then part-number order.

    Attributes:
        part: Part index.
        source: Row of the chosen source in `sources`, or -1 (infeasible: no source).
        sources: The candidate sources the engine chose from.
        qty: Pieces to order (MOQ and multiple applied).
        shortage: Pieces needed to get back to safety stock, before rounding.
        need: Day stock (firm + pending + earlier purchases) falls below safety stock.
        period: Period of `need`.
        order_by: Last day to order (NEVER when infeasible).
        arrival: Expected arrival: the need date, or the earliest possible when late.
        status: RecommendationStatus value.
        late_rows: Rows of the late and infeasible purchases.
        late_shortfall: Their shortfalls: pieces short until the purchase can arrive.
        licence: Whether the purchase needs a Chinese export licence.
        review_days: The licence review in calendar days (0 when none).
        review: Chinese working days of one licence review in this plan.

    Day and index columns are 32-bit (16-bit for periods and review days) to keep a
    plan of hundreds of thousands of purchases small.
    """

    part: Int32Array
    source: Int32Array
    sources: SourceTable
    qty: FloatArray
    shortage: FloatArray
    need: Int32Array
    period: Int16Array
    order_by: Int32Array
    arrival: Int32Array
    status: Int8Array
    late_rows: Int32Array
    late_shortfall: FloatArray
    licence: BoolArray
    review_days: Int16Array
    review: int

    def __len__(self) -> int:
        return len(self.part)

    @cached_property
    def shortfall(self) -> FloatArray:
        """Pieces short until each purchase can arrive (0 when on time)."""
        result = np.zeros(len(self.part))
        result[self.late_rows] = self.late_shortfall
        return result

    @cached_property
    def supplier(self) -> IntArray:
        """Supplier index of each purchase's source, or -1."""
        return np.asarray(self._pick(self.sources.supplier, -1), dtype=np.int64)

    @property
    def review_working_days(self) -> IntArray:
        """Licence review in Chinese working days (0 when no licence is needed)."""
        return np.where(self.licence, self.review, 0).astype(np.int64)

    def _pick(self, values: Any, default: float) -> Any:
        if len(self.sources.part) == 0:
            return np.full(len(self.source), default, dtype=np.asarray(values).dtype)
        return np.where(self.source >= 0, values[np.maximum(self.source, 0)], default)

    @property
    def lead_days(self) -> IntArray:
        """Production days of the chosen source."""
        return np.asarray(self._pick(self.sources.lead_days, 0), dtype=np.int64)

    @property
    def transit_days(self) -> IntArray:
        """Transit days of the chosen source."""
        return np.asarray(self._pick(self.sources.transit_days, 0), dtype=np.int64)

    @property
    def qualification_days(self) -> IntArray:
        """Qualification days of the chosen source (0 when qualified)."""
        return np.asarray(self._pick(self.sources.qualification_days, 0), dtype=np.int64)

    @property
    def moq(self) -> FloatArray:
        """Minimum order quantity applied (0 when no source)."""
        return np.asarray(self._pick(self.sources.moq, 0.0), dtype=np.float64)

    @property
    def multiple(self) -> FloatArray:
        """Order multiple applied (1 when no source)."""
        return np.asarray(self._pick(self.sources.multiple, 1.0), dtype=np.float64)

    @property
    def unit_price(self) -> FloatArray:
        """Price per piece (NaN unknown)."""
        return np.asarray(self._pick(self.sources.unit_price, np.nan), dtype=np.float64)

    @property
    def cost(self) -> FloatArray:
        """Quantity times unit price (NaN when the price is unknown)."""
        return self.qty * self.unit_price

    def currency(self, row: int) -> str:
        """Return the currency of one purchase's price ("" when unknown)."""
        source = int(self.source[row])
        return self.sources.currency[source] if source >= 0 else ""


@dataclass(frozen=True, eq=False)
class LineStops:
    """Per product: earliest runout among its parts through sub-assemblies, both views.

    Attributes:
        firm: Line-stop day counting firm supply only (NEVER when none).
        firm_part: The part that runs out first then (-1 when none).
        with_pending: Line-stop day counting pending supply as expected.
        with_pending_part: The part that runs out first then.
    """

    firm: IntArray
    firm_part: IntArray
    with_pending: IntArray
    with_pending_part: IntArray


@dataclass(frozen=True, eq=False)
class Exposure:
    """Gross demand per period in pieces and kilograms, and how much depends on China.

    Attributes:
        pieces: Pieces of all magnet parts.
        kg: Kilograms of magnet.
        dy_tb_kg: Estimated kilograms of dysprosium and terbium.
        sm_kg: Estimated kilograms of samarium.
        licence_kg: Kilograms bought from China that need an export licence.
        pending_kg: Kilograms whose supply in the period depends on pending licences.
        controlled_kg_by_country: Kilograms of licence-controlled material by the current
            supplier's country ("" for parts without a supplier).
    """

    pieces: FloatArray
    kg: FloatArray
    dy_tb_kg: FloatArray
    sm_kg: FloatArray
    licence_kg: FloatArray
    pending_kg: FloatArray
    controlled_kg_by_country: dict[str, FloatArray]

    @property
    def controlled_share(self) -> FloatArray:
        """Share of each period's kilograms that needs a Chinese export licence."""
        return _share(self.licence_kg, self.kg)

    @property
    def pending_share(self) -> FloatArray:
        """Share of each period's kilograms that depends on pending licences."""
        return _share(self.pending_kg, self.kg)

    def country_share(self) -> dict[str, FloatArray]:
        """Share of licence-controlled material by supplier country, per period."""
        total = sum(self.controlled_kg_by_country.values(), np.zeros_like(self.kg))
        return {c: _share(kg, total) for c, kg in self.controlled_kg_by_country.items()}


def _share(part: FloatArray, whole: FloatArray) -> FloatArray:
    out = np.zeros_like(whole)
    np.divide(part, whole, out=out, where=whole > 0)
    return out


@dataclass(frozen=True)
class PartOutlook:
    """One part's dates, for lists and the command line.

    Attributes:
        part: Part number.
        runout_firm: First day stock falls below zero counting firm supply only.
        runout_with_pending: The same counting pending supply as expected.
        below_safety: First day stock (firm + pending) falls below safety stock.
    """

    part: str
    runout_firm: date | None
    runout_with_pending: date | None
    below_safety: date | None


@dataclass(frozen=True, eq=False)
class Plan:
    """The result of a planning run.

    Matrices are parts x periods (views of the engine's periods x parts arrays). Computed
    on first use: `stock_firm`, `arrivals_firm`, `arrivals_pending`, `planned` (the
    recommended purchases per part and need period) and `stock_planned`.

    Attributes:
        snapshot: What the plan was computed from.
        demand: Gross demand per part and period (pieces, scrap included).
        stock_with_pending: Projected stock at each period's end, firm + pending.
        pending_parts: The parts with pending arrivals: the only ones whose firm-only
            stock differs from `stock_with_pending`.
        firm_stock_of_pending_parts: Their firm-only stock (rows as `pending_parts`).
        runout_firm: Per part, first day below zero, firm only (NEVER when none).
        runout_with_pending: The same with pending supply.
        below_safety: Per part, first day below safety stock, firm + pending.
        line_stop: Per product line-stop days and the parts behind them.
        supply: Each order's quantity by supply class.
        recommendations: Recommended purchases.
        exposure: Exposure per period.
    """

    snapshot: Snapshot
    demand: FloatArray
    stock_with_pending: FloatArray
    pending_parts: IntArray
    firm_stock_of_pending_parts: FloatArray
    runout_firm: IntArray
    runout_with_pending: IntArray
    below_safety: IntArray
    line_stop: LineStops
    supply: SupplyTable
    recommendations: RecommendationTable
    exposure: Exposure

    @cached_property
    def stock_firm(self) -> FloatArray:
        """Projected stock at each period's end counting firm supply only."""
        stock = self.stock_with_pending.copy()
        stock[self.pending_parts] = self.firm_stock_of_pending_parts
        return stock

    @cached_property
    def arrivals_firm(self) -> FloatArray:
        """Firm arrivals per part and period (parts x periods)."""
        from planner.engine_supply import arrivals_by_period

        return arrivals_by_period(self.snapshot, self.supply, SupplyClass.FIRM).T

    @cached_property
    def arrivals_pending(self) -> FloatArray:
        """Pending arrivals per part and period, as the scenario expects them."""
        from planner.engine_supply import arrivals_by_period

        return arrivals_by_period(self.snapshot, self.supply, SupplyClass.PENDING).T

    @cached_property
    def planned(self) -> FloatArray:
        """Recommended purchases per part and period of their need date (parts x periods)."""
        parts, count = len(self.snapshot.parts.id), self.snapshot.period_count
        recs = self.recommendations
        cells = recs.part * count + recs.period
        flat = np.bincount(cells, weights=recs.qty, minlength=parts * count)
        return np.asarray(flat, dtype=np.float64).reshape(parts, count)

    @property
    def stock_planned(self) -> FloatArray:
        """Projected stock (firm + pending) with the recommended purchases received."""
        return self.stock_with_pending + np.cumsum(self.planned, axis=1)

    def outlook(self, part: int) -> PartOutlook:
        """Return one part's runout and below-safety dates."""
        return PartOutlook(
            self.snapshot.parts.number[part],
            date_of(int(self.runout_firm[part])),
            date_of(int(self.runout_with_pending[part])),
            date_of(int(self.below_safety[part])),
        )

    def outlooks(self) -> Iterator[PartOutlook]:
        """Yield every part's dates in part-number order."""
        for part in range(len(self.snapshot.parts.number)):
            yield self.outlook(part)

    def short_parts(self) -> IntArray:
        """Return the parts that run out within the horizon in either view, earliest first."""
        first = np.minimum(self.runout_firm, self.runout_with_pending)
        parts = np.flatnonzero(first < NEVER)
        return parts[np.argsort(first[parts], kind="stable")]
