"""The planning engine: explode, classify supply, project stock, find runouts, recommend.

Vectorised over parts with numpy (research/performance.md §5): BOM explosion level by level
over the product graph with `np.bincount`, projections with `np.cumsum`, and a loop over at
most 36 periods only where one period depends on the previous one (recommendations).

Conventions inside a period: arrivals count at its first day (an arrival counts in the
period containing its date; an overdue one in the first period); demand is spread evenly
over its days. So stock that starts a period at S with demand D over n days first falls
below a level L on day start + floor((S - L) * n / D), or on the first day when S < L.
The runout date is that day for L = 0, the below-safety date for L = safety stock. Stock
is compared with a tolerance of `EPS` pieces, as scrap makes demand fractional.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from planner.bom import BomCycleError
from planner.engine_recommend import EPS, SourceProvider, need_offset, recommend
from planner.engine_supply import arrivals_by_period, classify_supply, pending_arrivals
from planner.plan_model import NEVER, weighted_counts
from planner.plan_result import Exposure, LineStops, Plan, SupplyClass

if TYPE_CHECKING:
    from datetime import date

    from planner.plan_model import BoolArray, FloatArray, IntArray, Scenario, Snapshot
    from planner.rules import RuleSet
    from planner.workspace import Workspace

__all__ = ["SourceProvider", "plan_workspace", "product_levels", "run_plan"]


def product_levels(snapshot: Snapshot) -> list[IntArray]:
    """Return the products in levels (Kahn's algorithm): parents before their children.

    Raises:
        BomCycleError: A product contains itself; the error names the products around it.
    """
    count = len(snapshot.products.id)
    bom = snapshot.bom
    sub = bom.child_product >= 0
    parent, child = bom.parent[sub], bom.child_product[sub]
    waiting = np.bincount(child, minlength=count)
    done = np.zeros(count, dtype=np.bool_)
    frontier = np.flatnonzero(waiting == 0)
    levels: list[IntArray] = []
    while len(frontier):
        levels.append(frontier)
        done[frontier] = True
        released = np.bincount(child[np.isin(parent, frontier)], minlength=count)
        waiting = waiting - released
        frontier = np.flatnonzero((waiting == 0) & (released > 0))
    if not done.all():
        raise BomCycleError(_cycle(snapshot, parent, child, done))
    return levels


def _cycle(snapshot: Snapshot, parent: IntArray, child: IntArray, done: BoolArray) -> list[str]:
    """Return the names around one cycle among the products Kahn's algorithm left."""
    left = ~done[parent] & ~done[child]
    parents: dict[int, int] = {}
    for up, down in sorted(zip(parent[left].tolist(), child[left].tolist(), strict=True)):
        parents.setdefault(down, up)
    path = [min(parents)]
    while path[-1] not in path[:-1]:
        path.append(parents[path[-1]])
    loop = path[path.index(path[-1]) :]
    return [snapshot.products.name[i] for i in reversed(loop)]


def _levels_of(products: int, levels: list[IntArray]) -> IntArray:
    level_of = np.zeros(products, dtype=np.int64)
    for index, level in enumerate(levels):
        level_of[level] = index
    return level_of


def explode(snapshot: Snapshot, levels: list[IntArray]) -> FloatArray:
    """Return gross demand per period and part (periods x parts), through sub-assemblies.

    Units of each product flow down the levels (parents first); then each period's part
    demand is one `np.bincount` over the BOM lines to parts, scrap included.
    """
    products, parts = len(snapshot.products.id), len(snapshot.parts.id)
    count = snapshot.period_count
    build, bom = snapshot.build, snapshot.bom
    cells = build.period * products + build.product
    units = weighted_counts(cells, build.qty, count * products).reshape(count, products)
    gross = bom.pieces * (1 + bom.scrap_pct / 100)
    level_of = _levels_of(products, levels)
    sub = np.flatnonzero(bom.child_product >= 0)
    for index in range(len(levels) - 1):
        edges = sub[level_of[bom.parent[sub]] == index]
        if len(edges):
            parent, child, ratio = bom.parent[edges], bom.child_product[edges], gross[edges]
            for period in range(count):
                units[period] += weighted_counts(child, units[period][parent] * ratio, products)
    # Lines to sub-assemblies count into a spare bin past the last part.
    target = np.where(bom.child_part >= 0, bom.child_part, parts)
    demand = np.empty((count, parts))
    flow = np.empty(len(target))
    for period in range(count):
        np.take(units[period], bom.parent, out=flow)
        flow *= gross
        demand[period] = weighted_counts(target, flow, parts + 1)[:parts]
    return demand


def project(
    on_hand: FloatArray,
    arrivals: FloatArray,
    demand: FloatArray,
    *,
    out: FloatArray | None = None,
) -> FloatArray:
    """Return stock at each period's end (periods x parts): on hand + arrivals - demand.

    With `out` (which may be `arrivals` itself) the result is written there.
    """
    stock = np.subtract(arrivals, demand, out=out)
    stock[0] += on_hand
    # Row by row: numpy's cumsum along the first axis is ~15x slower on this layout.
    for period in range(1, len(stock)):
        np.add(stock[period - 1], stock[period], out=stock[period])
    return stock


def first_below(
    snapshot: Snapshot, stock: FloatArray, demand: FloatArray, level: FloatArray
) -> IntArray:
    """Return per part the first day stock falls below `level` (NEVER when it does not).

    `stock` and `demand` are periods x parts.
    """
    below = stock < level - EPS
    rows = np.flatnonzero(below.any(axis=0))
    period = np.argmax(below, axis=0)[rows]
    bounds = snapshot.bounds
    days = bounds[period + 1] - bounds[period]
    use = demand[period, rows]
    offset = need_offset(stock[period, rows] + use, level[rows], use, days)
    result = np.full(stock.shape[1], NEVER, dtype=np.int64)
    result[rows] = bounds[period] + offset
    return result


def line_stops(
    snapshot: Snapshot, levels: list[IntArray], runout: IntArray
) -> tuple[IntArray, IntArray]:
    """Return per product the earliest runout among its parts and that part (-1 none).

    Ties go to the part that comes first in part-number order.
    """
    parts, products = len(snapshot.parts.id), len(snapshot.products.id)
    bom = snapshot.bom
    width = parts + 1
    key = runout * width + np.arange(parts)
    best = np.full(products, NEVER * width + parts, dtype=np.int64)
    edges = bom.child_part >= 0
    np.minimum.at(best, bom.parent[edges], key[bom.child_part[edges]])
    level_of = _levels_of(products, levels)
    sub = np.flatnonzero(bom.child_product >= 0)
    for index in reversed(range(len(levels))):
        edges_at = sub[level_of[bom.parent[sub]] == index]
        np.minimum.at(best, bom.parent[edges_at], best[bom.child_product[edges_at]])
    day, part = best // width, best % width
    return day, np.where(day < NEVER, part, -1)


def _weighted(matrix: FloatArray, weights: FloatArray) -> FloatArray:
    """Return matrix @ weights without BLAS, whose threads spin on a busy machine."""
    return np.asarray(np.einsum("tp,p->t", matrix, weights), dtype=np.float64)


def _unmet(demand: FloatArray, stock: FloatArray, out: FloatArray) -> FloatArray:
    """Return the part of each period's demand that stock below zero leaves unmet."""
    np.negative(stock, out=out)
    np.maximum(out, 0.0, out=out)
    return np.minimum(out, demand, out=out)


def exposure(
    snapshot: Snapshot,
    demand: FloatArray,
    stock: FloatArray,
    waiting: IntArray,
    firm_waiting: FloatArray,
) -> Exposure:
    """Return pieces, kilograms, controlled elements and China dependence per period.

    The matrices are periods x parts; `waiting` lists the parts with pending arrivals,
    the only ones whose firm-only stock (`firm_waiting`, their columns) differs.
    """
    parts, suppliers = snapshot.parts, snapshot.suppliers
    kg_each = parts.grams / 1000
    has = parts.supplier >= 0
    from_china = np.zeros(len(parts.id), dtype=np.bool_)
    names = sorted(set(suppliers.country))
    country = np.full(len(parts.id), -1, dtype=np.int64)
    if len(suppliers.id):
        from_china[has] = suppliers.from_china[parts.supplier[has]]
        code = np.array([names.index(c) for c in suppliers.country], dtype=np.int64)
        country[has] = code[parts.supplier[has]]
    flags = parts.controlled
    if flags.size == 0 or (flags == flags[:, :1]).all():
        # The usual case: a part's licence need does not change within the horizon.
        steady = flags[:, 0] if flags.size else np.zeros(len(parts.id), dtype=np.bool_)
        controlled, weight = demand, kg_each * steady
    else:
        controlled, weight = demand * flags.T, kg_each
    present = np.unique(country[weight > 0])
    by_country = {
        (names[c] if c >= 0 else ""): _weighted(controlled, np.where(country == c, weight, 0.0))
        for c in present.tolist()
    }
    # Pending supply only changes the stock of the parts waiting for it.
    use, weight_waiting = demand[:, waiting], kg_each[waiting]
    scratch = np.empty_like(use)
    pending_kg = _weighted(_unmet(use, firm_waiting, scratch), weight_waiting)
    pending_kg -= _weighted(_unmet(use, stock[:, waiting], scratch), weight_waiting)
    return Exposure(
        pieces=demand.sum(axis=1),
        kg=_weighted(demand, kg_each),
        dy_tb_kg=_weighted(demand, kg_each * (parts.dy_tb_pct / 100)),
        sm_kg=_weighted(demand, kg_each * (parts.sm_pct / 100)),
        licence_kg=_weighted(controlled, weight * from_china),
        pending_kg=pending_kg,
        controlled_kg_by_country={name: kg for name, kg in by_country.items() if kg.any()},
    )


def run_plan(snapshot: Snapshot, *, sources: SourceProvider | None = None) -> Plan:
    """Return the plan of a snapshot.

    Args:
        snapshot: What to plan from (see `planner.plan_snapshot.build_snapshot`).
        sources: Candidate sources per part for recommendations; default: the current
            supplier only.

    Raises:
        BomCycleError: The BOM contains a cycle.
    """
    levels = product_levels(snapshot)
    demand = explode(snapshot, levels)
    supply = classify_supply(snapshot)
    on_hand, safety = snapshot.parts.on_hand, snapshot.parts.safety
    zero = np.zeros(len(on_hand))
    # The two views differ only for the parts with pending arrivals: project those twice.
    arrivals = arrivals_by_period(snapshot, supply, SupplyClass.FIRM)
    waiting, pending = pending_arrivals(snapshot, supply)
    use = demand[:, waiting]
    firm_waiting = project(on_hand[waiting], arrivals[:, waiting], use)
    arrivals[:, waiting] += pending
    stock = project(on_hand, arrivals, demand, out=arrivals)
    runout = first_below(snapshot, stock, demand, zero)
    runout_firm = runout.copy()
    runout_firm[waiting] = first_below(snapshot, firm_waiting, use, zero[waiting])
    stop_firm, stop_firm_part = line_stops(snapshot, levels, runout_firm)
    stop, stop_part = line_stops(snapshot, levels, runout)
    return Plan(
        snapshot=snapshot,
        demand=demand.T,
        stock_with_pending=stock.T,
        pending_parts=waiting,
        firm_stock_of_pending_parts=firm_waiting.T,
        runout_firm=runout_firm,
        runout_with_pending=runout,
        below_safety=first_below(snapshot, stock, demand, safety),
        line_stop=LineStops(stop_firm, stop_firm_part, stop, stop_part),
        supply=supply,
        recommendations=recommend(snapshot, demand, stock, sources),
        exposure=exposure(snapshot, demand, stock, waiting, firm_waiting),
    )


def plan_workspace(
    workspace: Workspace,
    scenario: Scenario,
    *,
    today: date,
    rule_set: RuleSet | None = None,
    sources: SourceProvider | None = None,
) -> Plan:
    """Read a workspace and plan it; safe to call from a worker thread.

    Raises:
        BomCycleError: The BOM contains a cycle.
    """
    from planner.plan_snapshot import build_snapshot

    snapshot = build_snapshot(workspace, scenario, today=today, rule_set=rule_set)
    return run_plan(snapshot, sources=sources)
