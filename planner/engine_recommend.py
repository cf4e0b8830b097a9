"""Recommended purchases: walk the periods and buy whenever stock would fall below safety.

For every part at once, period by period, the projected stock counting firm and pending
supply plus the purchases already recommended is checked against safety stock. Where it
ends a period below, one purchase is recommended: max(MOQ, shortage rounded up to the order
multiple), to arrive on the day stock crosses safety stock (the need date); it is counted
from that period on. The source is the first candidate, in the order `sources` gives them,
that can arrive by the need date; when none can, the one that arrives first, flagged late.

Total lead time = qualification (a source not yet qualified) + licence review (a source
shipping from China when the part is controlled in that period) + production + transit,
in that order. The review is Chinese working days, so its calendar length depends on the
dates: counting back from the need date, the decision is due at need - transit -
production, and the application must go in that many working days earlier. An order-by day
before today is late; the shortfall it leaves is how far stock would fall below zero before
the earliest possible arrival (ordering today), at most the purchase itself.

The loop runs over periods only; within a period every part that falls short is handled
at once with numpy, and purchases are written straight into preallocated columns.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import compress
from typing import TYPE_CHECKING, Any

import numpy as np

from planner.engine_supply import period_of, shift_working_days
from planner.plan_model import NEVER
from planner.plan_result import RecommendationStatus, RecommendationTable, SourceTable

if TYPE_CHECKING:
    from planner.plan_model import FloatArray, IntArray, Snapshot

# Tolerance in pieces when comparing stock with a level (scrap makes demand fractional).
EPS = 1e-6

SourceProvider = Callable[["Snapshot"], SourceTable]
"""Returns the candidate sources of every part; the extension point for alternatives."""


def current_supplier(snapshot: Snapshot) -> SourceTable:
    """Return each part's current supplier as its only candidate (the default sources)."""
    parts = snapshot.parts
    rows = np.flatnonzero(parts.supplier >= 0)
    supplier = parts.supplier[rows]
    return SourceTable(
        part=rows.astype(np.int64),
        supplier=supplier,
        lead_days=parts.lead_days[rows],
        transit_days=snapshot.suppliers.transit_days[supplier],
        qualification_days=np.zeros(len(rows), dtype=np.int64),
        moq=parts.moq[rows],
        multiple=np.maximum(parts.multiple[rows], 1.0),
        unit_price=parts.unit_price[rows],
        currency=tuple(compress(parts.currency, parts.supplier >= 0)),
    )


def need_offset(
    start: FloatArray, level: FloatArray, demand: FloatArray, days: IntArray | int
) -> IntArray:
    """Return the day within a period on which stock starting at `start` falls below `level`.

    Demand is spread evenly over the period's days: 0 when stock starts below the level,
    else floor((start - level) * days / demand), at most days - 1.
    """
    offset = np.subtract(start, level)
    offset *= days
    np.divide(offset, demand, out=offset, where=demand > 0)
    np.floor(offset, out=offset)
    np.clip(offset, 0, np.subtract(days, 1), out=offset)
    return offset.astype(np.int64)


class _Sources:
    """Per candidate row the facts lead times need, with a last row for "no source".

    Index -1 (no source) therefore reads MOQ 0, multiple 1, no licence and supplier -1.
    """

    def __init__(self, snapshot: Snapshot, table: SourceTable) -> None:
        def padded(values: Any, last: float) -> Any:
            return np.append(np.asarray(values), last)

        review, start_day = snapshot.review_working_days, snapshot.scenario.count_start_day
        self.review, self.start_day = review, start_day
        self.today = snapshot.today.toordinal()
        self.moq = padded(table.moq, 0.0)
        self.multiple = padded(table.multiple, 1.0)
        self.travel = padded(table.lead_days + table.transit_days, 0)
        self.qualify = padded(table.qualification_days, 0)
        self.supplier = padded(table.supplier, -1)
        self.china = padded(snapshot.suppliers.from_china[table.supplier], False)
        self.controlled = np.ascontiguousarray(snapshot.parts.controlled.T)
        self.qualifying = bool(table.qualification_days.any())
        self.begin_free = self.today + self.qualify
        self.begin_licensed = shift_working_days(
            self.begin_free, review, count_start_day=start_day
        )

    def dates(self, row: IntArray, part: IntArray, period: int, need: IntArray) -> Any:
        """Return (licence, order_by, earliest arrival, review calendar days) per purchase."""
        licence = self.china[row] & self.controlled[period][part]
        travel = self.travel[row]
        decision = need - travel
        submitted = decision
        if licence.any():
            reviewed = shift_working_days(
                decision, -self.review, count_start_day=self.start_day
            )
            submitted = np.where(licence, reviewed, decision)
        if self.qualifying:
            begin = np.where(licence, self.begin_licensed[row], self.begin_free[row])
            order_by = submitted - self.qualify[row]
        else:
            begin = np.where(licence, self.begin_licensed[-1], self.today)
            order_by = submitted
        return licence, order_by, begin + travel, decision - submitted


def _choose(
    sources: _Sources,
    first: IntArray,
    count: IntArray,
    part: IntArray,
    period: int,
    need: IntArray,
) -> IntArray:
    """Return per part the chosen candidate row: the first on time, else the earliest."""
    position = np.repeat(np.arange(len(part)), count)
    row = np.repeat(first - np.cumsum(count) + count, count) + np.arange(len(position))
    _licence, order_by, earliest, _days = sources.dates(
        row, part[position], period, need[position]
    )
    late = order_by < sources.today
    choice = np.lexsort((row, np.where(late, earliest, 0), late, position))
    chosen = choice[np.r_[True, position[choice][1:] != position[choice][:-1]]]
    return np.asarray(row[chosen], dtype=np.int64)


_FIELDS = (
    ("part", np.int32),
    ("source", np.int32),
    ("qty", np.float64),
    ("shortage", np.float64),
    ("need", np.int32),
    ("period", np.int16),
    ("order_by", np.int32),
    ("arrival", np.int32),
    ("status", np.int8),
    ("licence", np.bool_),
    ("review_days", np.int16),
)


class _Walk:
    """The state of the period walk: stock received so far and the purchases found.

    Purchases are written into arrays sized for one per part and period (pages never
    written cost nothing) and handed out as views of the filled length.
    """

    def __init__(
        self, snapshot: Snapshot, table: SourceTable, demand: FloatArray, stock: FloatArray
    ) -> None:
        parts, count = len(snapshot.parts.id), snapshot.period_count
        self.snapshot, self.table, self.demand, self.stock = snapshot, table, demand, stock
        self.sources = _Sources(snapshot, table)
        self.first = np.searchsorted(table.part, np.arange(parts), side="left")
        self.many = np.searchsorted(table.part, np.arange(parts), side="right") - self.first
        self.only = np.where(self.many == 1, self.first, -1)
        self.choosing = bool((self.many > 1).any())
        sourceless = np.flatnonzero(self.many == 0)
        self.sourceless_at = np.zeros(parts, dtype=np.int64)
        self.sourceless_at[sourceless] = np.arange(len(sourceless))
        self.tail_min = np.minimum.accumulate(stock[::-1, sourceless], axis=0)[::-1]
        self.sourceless = bool(len(sourceless))
        self.safety = snapshot.parts.safety
        self.threshold = snapshot.parts.safety - EPS
        self.level = np.empty(parts)
        self.received = np.zeros(parts)
        self.out = {name: np.empty(parts * count, dtype=dtype) for name, dtype in _FIELDS}
        self.columns = list(self.out.values())
        self.size = 0
        self.late_rows: list[IntArray] = []
        self.late_shortfall: list[FloatArray] = []

    def period(self, period: int) -> None:
        """Recommend the purchases of one period."""
        bounds, sources = self.snapshot.bounds, self.sources
        level = np.add(self.stock[period], self.received, out=self.level)
        short = np.flatnonzero(level < self.threshold)
        if len(short) == 0:
            return
        end, floor = level[short], self.safety[short]
        use = self.demand[period][short]
        days = int(bounds[period + 1] - bounds[period])
        need = bounds[period] + need_offset(end + use, floor, use, days)
        row = self.only[short]
        if self.choosing:
            several = np.flatnonzero(self.many[short] > 1)
            at = short[several]
            row[several] = _choose(
                sources, self.first[at], self.many[at], at, period, need[several]
            )
        shortage = floor - end
        step = sources.multiple[row]
        qty = np.ceil((shortage - EPS) / step)
        qty *= step
        np.maximum(qty, sources.moq[row], out=qty)
        licence, order_by, earliest, review = sources.dates(row, short, period, need)
        late = order_by < sources.today
        status = late.astype(np.int8)
        arrival = np.where(late, earliest, need)
        if self.sourceless:
            missing = np.flatnonzero(row < 0)
            status[missing] = RecommendationStatus.INFEASIBLE
            order_by[missing] = arrival[missing] = NEVER
        self._shortfalls(short, period, status, arrival, qty)
        values = (
            short,
            row,
            qty,
            shortage,
            need,
            period,
            order_by,
            arrival,
            status,
            licence,
            review,
        )
        stop = self.size + len(short)
        for column, value in zip(self.columns, values, strict=True):
            column[self.size : stop] = value
        self.size = stop
        self.received[short] += qty

    def _shortfalls(
        self, short: IntArray, period: int, status: Any, arrival: IntArray, qty: FloatArray
    ) -> None:
        """Record the shortfalls of this period's late and infeasible purchases."""
        bad = np.flatnonzero(status)
        if len(bad) == 0:
            return
        kind = status[bad]
        none = bad[kind == int(RecommendationStatus.INFEASIBLE)]
        if len(none):
            # Nothing can arrive: short by the lowest stock from here to the horizon's end.
            part = short[none]
            lowest = self.tail_min[period, self.sourceless_at[part]] + self.received[part]
            self.late_rows.append(self.size + none)
            self.late_shortfall.append(np.minimum(np.maximum(-lowest, 0.0), qty[none]))
        late = bad[kind == int(RecommendationStatus.LATE)]
        if len(late):
            part = short[late]
            gap = _shortfall(
                self.snapshot,
                self.stock,
                self.demand,
                part,
                period,
                self.received[part],
                arrival[late],
            )
            self.late_rows.append(self.size + late)
            self.late_shortfall.append(np.minimum(gap, qty[late]))

    def table_of(self) -> RecommendationTable:
        """Return the purchases found so far."""
        out: dict[str, Any] = {name: values[: self.size] for name, values in self.out.items()}
        rows = np.concatenate([np.zeros(0, dtype=np.int64), *self.late_rows])
        shortfall = np.concatenate([np.zeros(0), *self.late_shortfall])
        return RecommendationTable(
            sources=self.table,
            review=self.snapshot.review_working_days,
            late_rows=rows.astype(np.int32),
            late_shortfall=shortfall,
            **out,
        )


def _shortfall(
    snapshot: Snapshot,
    stock: FloatArray,
    demand: FloatArray,
    part: IntArray,
    period: int,
    received: FloatArray,
    arrival: IntArray,
) -> FloatArray:
    """Return how far stock falls below zero from `period` until each arrival.

    Stock declines evenly within a period, so its lowest points before an arrival are
    period ends and the day before the arrival; purchases so far count as received.
    """
    bounds, count = snapshot.bounds, snapshot.period_count
    arrive = period_of(bounds, arrival)
    span = int(arrive.max(initial=period)) - period
    lowest = np.full(len(part), np.inf)
    if span > 0:
        before = (period + np.arange(span))[:, None] < arrive
        np.min(
            stock[period : period + span][:, part],
            axis=0,
            where=before,
            out=lowest,
            initial=np.inf,
        )
    lowest += received
    inside = np.minimum(arrive, count - 1)
    begin = (stock[inside, part] + received) + demand[inside, part]
    days = bounds[inside + 1] - bounds[inside]
    elapsed = np.where(arrive < count, arrival - bounds[inside], 0)
    at_arrival = np.where(arrive < count, begin - elapsed * demand[inside, part] / days, np.inf)
    return np.asarray(np.maximum(-np.minimum(lowest, at_arrival), 0.0), dtype=np.float64)


def recommend(
    snapshot: Snapshot,
    demand: FloatArray,
    stock: FloatArray,
    sources: SourceProvider | None = None,
) -> RecommendationTable:
    """Return the recommended purchases, in need-period order, then part order.

    `stock` is the projected end-of-period stock counting firm and pending supply;
    `demand` and `stock` are periods x parts.
    """
    walk = _Walk(snapshot, _sorted((sources or current_supplier)(snapshot)), demand, stock)
    for period in range(snapshot.period_count):
        walk.period(period)
    return walk.table_of()


def _sorted(table: SourceTable) -> SourceTable:
    order = np.argsort(table.part, kind="stable")
    if np.array_equal(order, np.arange(len(order))):
        return table
    return SourceTable(
        part=table.part[order],
        supplier=table.supplier[order],
        lead_days=table.lead_days[order],
        transit_days=table.transit_days[order],
        qualification_days=table.qualification_days[order],
        moq=table.moq[order],
        multiple=table.multiple[order],
        unit_price=table.unit_price[order],
        currency=tuple(table.currency[i] for i in order.tolist()),
    )


__all__ = [
    "EPS",
    "SourceProvider",
    "SourceTable",
    "current_supplier",
    "need_offset",
    "recommend",
]
