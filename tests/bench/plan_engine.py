"""Planning engine: a whole plan against a bare numpy kernel and the plain-Python reference.

The problem: 2,000 products (500 of them sub-assemblies in two tiers), 20,000 parts,
100,000 BOM lines, 24 monthly periods, 50,000 orders and 5,000 licences, generated with a
fixed seed. Stock and orders cover several months, so about half of the part-periods need
a purchase (~237,000 recommendations): the engine's heaviest realistic case.

The kernel is the minimal computation of research/performance.md §5: gross demand by one
`np.bincount` per period over the BOM lines, receipts by `np.bincount`, then on hand +
cumulative sum. Timings are in-process, interleaved and the median of several runs.
"""

from __future__ import annotations

import math
import statistics
import time
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from planner.engine import run_plan
from planner.engine_reference import reference_plan
from planner.engine_supply import period_of
from planner.licences import LicenceStatus
from planner.periods import Bucket, period_label
from planner.plan_model import (
    MAX_DAY,
    MIN_DAY,
    Bom,
    BuildPlan,
    Licences,
    Orders,
    Parts,
    Products,
    Scenario,
    Snapshot,
    Suppliers,
)
from planner.plan_snapshot import period_bounds
from tests.bench.common import Ratio, ab

if TYPE_CHECKING:
    from collections.abc import Callable

    from planner.plan_model import FloatArray

PRODUCTS, ASSEMBLIES, PARTS, LINES, SUB_LINES = 2_000, 500, 20_000, 100_000, 5_000
PERIODS, ORDERS, LICENCES, SUPPLIERS = 24, 50_000, 5_000, 200
TODAY = date(2026, 11, 30)


def _bom(rng: np.random.Generator) -> Bom:
    """Products use sub-assemblies of a first tier, which use some of a second tier."""
    tops = PRODUCTS - ASSEMBLIES
    tier2 = tops + ASSEMBLIES // 2
    upper = SUB_LINES * 4 // 5
    parent_sub = np.concatenate(
        [rng.integers(0, tops, upper), rng.integers(tops, tier2, SUB_LINES - upper)]
    )
    child_sub = np.concatenate(
        [rng.integers(tops, tier2, upper), rng.integers(tier2, PRODUCTS, SUB_LINES - upper)]
    )
    part_lines = LINES - SUB_LINES
    parent = np.concatenate([parent_sub, rng.integers(0, PRODUCTS, part_lines)])
    return Bom(
        parent=parent.astype(np.int64),
        child_part=np.concatenate(
            [np.full(SUB_LINES, -1), rng.integers(0, PARTS, part_lines)]
        ).astype(np.int64),
        child_product=np.concatenate([child_sub, np.full(part_lines, -1)]).astype(np.int64),
        pieces=np.concatenate(
            [rng.choice([1.0, 2.0], SUB_LINES), rng.choice([1.0, 2.0, 4.0, 8.0], part_lines)]
        ),
        scrap_pct=rng.choice([0.0, 0.5, 1.0, 2.0], LINES),
    )


def _parts(rng: np.random.Generator) -> Parts:
    supplier = rng.integers(0, SUPPLIERS, PARTS)
    return Parts(
        id=np.arange(PARTS, dtype=np.int64),
        number=tuple(f"MG-{i:05d}" for i in range(PARTS)),
        supplier=np.where(rng.random(PARTS) < 0.01, -1, supplier).astype(np.int64),
        lead_days=rng.integers(20, 80, PARTS).astype(np.int64),
        moq=rng.choice([0.0, 1000.0, 5000.0], PARTS),
        multiple=rng.choice([1.0, 500.0, 1000.0], PARTS),
        unit_price=rng.uniform(0.05, 5.0, PARTS),
        currency=("USD",) * PARTS,
        controlled=np.repeat((rng.random(PARTS) < 0.4)[:, None], PERIODS, axis=1),
        unverified=np.zeros(PARTS, dtype=np.bool_),
        licence_need=("required",) * PARTS,
        grams=rng.uniform(0.5, 50.0, PARTS),
        dy_tb_pct=rng.choice([0.0, 4.0, 7.0], PARTS),
        sm_pct=rng.choice([0.0, 25.0], PARTS),
        on_hand=rng.integers(0, 600_000, PARTS).astype(np.float64),
        safety=rng.integers(0, 50_000, PARTS).astype(np.float64),
    )


def problem(seed: int = 7) -> Snapshot:
    """Return the generated planning problem."""
    rng = np.random.default_rng(seed)
    scenario = Scenario(
        name="bench", start=date(2027, 1, 1), horizon=PERIODS, bucket=Bucket.MONTH
    )
    bounds = np.array([d.toordinal() for d in period_bounds(scenario)], dtype=np.int64)
    from_china = rng.random(SUPPLIERS) < 0.6
    parts = _parts(rng)
    build_product = np.repeat(np.arange(PRODUCTS - ASSEMBLIES), PERIODS)
    build_period = np.tile(np.arange(PERIODS), PRODUCTS - ASSEMBLIES)
    statuses = [s.value for s in LicenceStatus]
    weights = np.array(
        [4 if s in {"approved", "under_review", "submitted"} else 1 for s in statuses]
    )
    order_part = rng.integers(0, PARTS, ORDERS)
    return Snapshot(
        scenario=scenario,
        today=TODAY,
        bounds=bounds,
        labels=tuple(period_label(date.fromordinal(int(d)), Bucket.MONTH) for d in bounds[:-1]),
        review_working_days=45,
        review_basis="statutory",
        products=Products(
            np.arange(PRODUCTS, dtype=np.int64),
            tuple(f"P{i}" for i in range(PRODUCTS)),
            ("product",) * PRODUCTS,
        ),
        bom=_bom(rng),
        build=BuildPlan(
            build_product.astype(np.int64),
            build_period.astype(np.int64),
            rng.integers(0, 400, len(build_product)).astype(np.float64),
        ),
        suppliers=Suppliers(
            id=np.arange(SUPPLIERS, dtype=np.int64),
            name=tuple(f"Supplier {i}" for i in range(SUPPLIERS)),
            country=tuple("CN" if c else "DE" for c in from_china),
            from_china=from_china,
            transit_days=rng.choice([3, 28, 35, 40], SUPPLIERS).astype(np.int64),
            qualified=np.ones(SUPPLIERS, dtype=np.bool_),
            qualification_days=np.zeros(SUPPLIERS, dtype=np.int64),
        ),
        parts=parts,
        orders=Orders(
            id=np.arange(ORDERS, dtype=np.int64),
            reference=tuple(f"PO-{i}" for i in range(ORDERS)),
            part=order_part.astype(np.int64),
            supplier=np.where(
                parts.supplier[order_part] >= 0, parts.supplier[order_part], 0
            ).astype(np.int64),
            qty=rng.choice([1000.0, 5000.0, 20_000.0, 100_000.0], ORDERS),
            order_day=np.full(ORDERS, MIN_DAY, dtype=np.int64),
            eta=rng.integers(TODAY.toordinal() - 20, int(bounds[-1]) + 30, ORDERS).astype(
                np.int64
            ),
            licence=np.where(
                rng.random(ORDERS) < 0.6, rng.integers(0, LICENCES, ORDERS), -1
            ).astype(np.int64),
            shipped=rng.random(ORDERS) < 0.1,
        ),
        licences=Licences(
            id=np.arange(LICENCES, dtype=np.int64),
            reference=tuple(f"LIC-{i}" for i in range(LICENCES)),
            status=tuple(rng.choice(statuses, LICENCES, p=weights / weights.sum()).tolist()),
            expected_decision=rng.integers(
                TODAY.toordinal() - 60, TODAY.toordinal() + 120, LICENCES
            ).astype(np.int64),
            decision_basis=("bench",) * LICENCES,
            valid_from=np.full(LICENCES, MIN_DAY, dtype=np.int64),
            valid_until=np.where(
                rng.random(LICENCES) < 0.5,
                MAX_DAY,
                rng.integers(TODAY.toordinal(), int(bounds[-1]), LICENCES),
            ).astype(np.int64),
            quantity_left=np.where(
                rng.random(LICENCES) < 0.3, math.inf, rng.integers(0, 500_000, LICENCES)
            ).astype(np.float64),
        ),
    )


def kernel(snapshot: Snapshot) -> FloatArray:
    """Return projected stock the minimal way: one-level gross demand, receipts, cumsum."""
    count, parts = snapshot.period_count, len(snapshot.parts.id)
    build, bom, orders = snapshot.build, snapshot.bom, snapshot.orders
    products = len(snapshot.products.id)
    units = np.bincount(build.product * count + build.period, build.qty, products * count)
    units = units.reshape(products, count)
    lines = bom.child_part >= 0
    gross = bom.pieces[lines] * (1 + bom.scrap_pct[lines] / 100)
    part, parent = bom.child_part[lines], bom.parent[lines]
    demand = np.empty((parts, count))
    for t in range(count):
        demand[:, t] = np.bincount(part, units[parent, t] * gross, parts)
    period = period_of(snapshot.bounds, orders.eta)
    inside = period < count
    receipts = np.bincount(
        orders.part[inside] * count + period[inside], orders.qty[inside], parts * count
    ).reshape(parts, count)
    return np.asarray(snapshot.parts.on_hand[:, None] + np.cumsum(receipts - demand, axis=1))


def _timer(work: Callable[[], object]) -> Callable[[], float]:
    def timed() -> float:
        start = time.perf_counter()
        work()
        return time.perf_counter() - start

    return timed


def run() -> list[Ratio]:
    """Time the engine against the bare kernel and against the reference, interleaved."""
    snapshot = problem()
    engine_time, kernel_time, ratio = ab(
        _timer(lambda: run_plan(snapshot)), _timer(lambda: kernel(snapshot)), pairs=9
    )
    plan = run_plan(snapshot)
    detail = (
        f"engine {engine_time * 1000:.0f} ms, kernel {kernel_time * 1000:.0f} ms; "
        f"{len(plan.recommendations):,} purchases, {len(plan.supply):,} supply rows"
    )
    engine_runs, reference_runs, speedups = [], [], []
    for _ in range(3):
        engine_runs.append(_timer(lambda: run_plan(snapshot))())
        reference_runs.append(_timer(lambda: reference_plan(snapshot))())
        speedups.append(reference_runs[-1] / engine_runs[-1])
    speed_detail = (
        f"reference {statistics.median(reference_runs):.2f} s, "
        f"engine {statistics.median(engine_runs) * 1000:.0f} ms"
    )
    return [
        Ratio(
            "plan engine vs bare numpy demand+stock kernel (100k BOM lines)", ratio, 3.0, detail
        ),
        Ratio(
            "plan engine speed-up over the plain-Python reference",
            statistics.median(speedups),
            5.0,
            speed_detail,
            lower_is_better=False,
        ),
    ]
