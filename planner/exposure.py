"""Exposure: pieces, kilograms and controlled elements per part and month of the build plan."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from planner.bom import BomEdge, part_multipliers
from planner.parts import PartInsight, insight
from planner.rules import LicenceNeed
from planner.schema import BomLine, BuildPlanEntry, Part, Product, Supplier

if TYPE_CHECKING:
    from datetime import date

    from planner.rules import RuleSet
    from planner.workspace import Workspace


@dataclass(frozen=True)
class MonthFigures:
    """Demand of one part in one period."""

    period: date
    pieces: float
    kg: float
    dy_tb_kg: float
    sm_kg: float


@dataclass(frozen=True)
class PartExposure:
    """One part with what is derived about it and its demand per period."""

    part: Part
    supplier: Supplier | None
    insight: PartInsight
    months: tuple[MonthFigures, ...] = field(default=())

    @property
    def controlled(self) -> bool:
        """True when a licence is required on the evaluation date."""
        return self.insight.licence.need is LicenceNeed.REQUIRED


def bom_edges(workspace: Workspace) -> list[BomEdge]:
    """Return the workspace's BOM lines as explosion edges."""
    return [
        BomEdge(
            line.parent_id,
            line.child_part_id,
            line.child_product_id,
            line.pieces_per_unit,
            line.scrap_pct,
        )
        for line in workspace.all(BomLine)
    ]


def part_demand(workspace: Workspace) -> dict[int, dict[date, float]]:
    """Return gross pieces per part and period, exploded through sub-assemblies."""
    names = {p.id: p.name for p in workspace.all(Product)}
    multipliers = part_multipliers(bom_edges(workspace), names)
    demand: dict[int, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    for entry in workspace.all(BuildPlanEntry):
        for part_id, pieces in multipliers.get(entry.product_id, {}).items():
            demand[part_id][entry.period] += entry.quantity * pieces
    return demand


def _months(info: PartInsight, demand: dict[date, float]) -> tuple[MonthFigures, ...]:
    grams = info.mass.grams or 0.0
    rows = []
    for period in sorted(demand):
        kg = demand[period] * grams / 1000
        rows.append(
            MonthFigures(
                period,
                demand[period],
                kg,
                kg * info.dy_tb_wt_pct / 100,
                kg * info.sm_wt_pct / 100,
            )
        )
    return tuple(rows)


def exposure(workspace: Workspace, on: date, rule_set: RuleSet) -> list[PartExposure]:
    """Return every part with its insight on `on` and its demand per period."""
    suppliers = {s.id: s for s in workspace.all(Supplier)}
    demand = part_demand(workspace)
    result = []
    for part in workspace.all(Part, Part.part_number):
        supplier = suppliers.get(part.supplier_id) if part.supplier_id is not None else None
        info = insight(part, supplier, on, rule_set)
        result.append(
            PartExposure(part, supplier, info, _months(info, demand.get(part.id, {})))
        )
    return result
