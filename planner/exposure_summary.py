"""Exposure per month for one product or the whole workspace, kept fresh change by change.

`ExposureBook` caches each part's insight and monthly figures. A Change of parts recomputes
only those parts; a Change of BOM lines, products or the build plan re-explodes demand
(cheap arithmetic) and keeps every insight.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from planner.bom import BomCycleError, BomEdge, part_multipliers
from planner.exposure import MonthFigures, bom_edges
from planner.parts import PartInsight, insight
from planner.periods import Bucket, period_label
from planner.rules import LicenceNeed
from planner.schema import BuildPlanEntry, Part, Product, Supplier
from planner.workspace import ChangeKind

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from planner.rules import RuleSet
    from planner.workspace import Change, Workspace

Demand = dict[int, dict[date, float]]


@dataclass(frozen=True)
class MonthTotals:
    """Exposure of a set of parts in one period.

    Attributes:
        period: First day of the period (None for a total over several periods).
        pieces: Gross pieces.
        kg: Magnet mass.
        dy_tb_kg: Dy+Tb mass.
        dy_tb_estimated_kg: The part of `dy_tb_kg` estimated from grade or family.
        sm_kg: Sm mass.
        controlled_kg: Magnet mass of parts that need a licence.
        unverified_kg: Magnet mass of parts whose licence need is not settled.
        unknown_mass_pieces: Pieces of parts whose mass per piece is unknown (no kg).
    """

    period: date | None
    pieces: float = 0.0
    kg: float = 0.0
    dy_tb_kg: float = 0.0
    dy_tb_estimated_kg: float = 0.0
    sm_kg: float = 0.0
    controlled_kg: float = 0.0
    unverified_kg: float = 0.0
    unknown_mass_pieces: float = 0.0

    @property
    def controlled_share(self) -> float | None:
        """Share of magnet kg that needs a licence (None without any kg)."""
        return self.controlled_kg / self.kg if self.kg > 0 else None

    @property
    def unverified_share(self) -> float | None:
        """Share of magnet kg whose licence need is unverified (None without any kg)."""
        return self.unverified_kg / self.kg if self.kg > 0 else None

    @property
    def dy_tb_estimated(self) -> bool:
        """True when some of the Dy/Tb figure rests on an estimate, not a measurement."""
        return self.dy_tb_estimated_kg > 0


def add_part(totals: MonthTotals, figures: MonthFigures, info: PartInsight) -> MonthTotals:
    """Return `totals` with one part's figures for the same period added."""
    need = info.licence.need
    return MonthTotals(
        totals.period,
        totals.pieces + figures.pieces,
        totals.kg + figures.kg,
        totals.dy_tb_kg + figures.dy_tb_kg,
        totals.dy_tb_estimated_kg + (0.0 if info.content_measured else figures.dy_tb_kg),
        totals.sm_kg + figures.sm_kg,
        totals.controlled_kg + (figures.kg if need is LicenceNeed.REQUIRED else 0.0),
        totals.unverified_kg + (figures.kg if need is LicenceNeed.UNVERIFIED else 0.0),
        totals.unknown_mass_pieces + (figures.pieces if info.mass.grams is None else 0.0),
    )


def grand_total(months: Iterable[MonthTotals]) -> MonthTotals:
    """Return the sum of several periods (its `period` is None)."""
    rows = list(months)
    return MonthTotals(
        None,
        *(sum(getattr(m, name) for m in rows) for name in _SUMMED),
    )


_SUMMED = (
    "pieces",
    "kg",
    "dy_tb_kg",
    "dy_tb_estimated_kg",
    "sm_kg",
    "controlled_kg",
    "unverified_kg",
    "unknown_mass_pieces",
)


def product_units(
    edges: Iterable[BomEdge], plan: Iterable[tuple[int, date, float]], names: Mapping[int, str]
) -> Demand:
    """Return units of every product per period: its own plan plus what parents need of it.

    Raises:
        BomCycleError: a product contains itself.
    """
    edge_list = list(edges)
    part_multipliers(edge_list, names)  # names the cycle, if any, before we recurse
    children: dict[int, list[BomEdge]] = defaultdict(list)
    for edge in edge_list:
        if edge.product_id is not None:
            children[edge.parent_id].append(edge)
    units: Demand = defaultdict(lambda: defaultdict(float))

    def push(product: int, period: date, quantity: float) -> None:
        units[product][period] += quantity
        for edge in children.get(product, []):
            assert edge.product_id is not None
            push(edge.product_id, period, quantity * edge.gross)

    for product, period, quantity in plan:
        push(product, period, quantity)
    return units


def scoped_part_demand(
    edges: Sequence[BomEdge],
    plan: Sequence[tuple[int, date, float]],
    names: Mapping[int, str],
    product_id: int | None,
) -> Demand:
    """Return gross pieces per part and period for one product (or all, when None).

    A sub-assembly's demand comes from the build plan of the products that contain it.

    Raises:
        BomCycleError: a product contains itself.
    """
    multipliers = part_multipliers(edges, names)
    demand: Demand = defaultdict(lambda: defaultdict(float))
    if product_id is None:
        sources: Iterable[tuple[int, date, float]] = plan
    else:
        units = product_units(edges, plan, names).get(product_id, {})
        sources = [(product_id, period, qty) for period, qty in units.items()]
    for product, period, quantity in sources:
        for part, pieces in multipliers.get(product, {}).items():
            demand[part][period] += quantity * pieces
    return demand


def part_months(info: PartInsight, demand: Mapping[date, float]) -> dict[date, MonthFigures]:
    """Return one part's figures per period from its pieces and its insight."""
    grams = info.mass.grams or 0.0
    result = {}
    for period, pieces in demand.items():
        kg = pieces * grams / 1000
        result[period] = MonthFigures(
            period, pieces, kg, kg * info.dy_tb_wt_pct / 100, kg * info.sm_wt_pct / 100
        )
    return result


def format_mass(kg: float) -> str:
    """Return "840 kg", "9.8 t" or "1,234 t": tonnes from one tonne up."""
    if kg < 1000:
        return f"{kg:,.1f} kg" if 0 < kg < 10 else f"{kg:,.0f} kg"
    tonnes = kg / 1000
    return f"{tonnes:,.1f} t" if tonnes < 100 else f"{tonnes:,.0f} t"


def format_share(share: float | None) -> str:
    """Return "18 %", "0.4 %" or "–" when there is nothing to share."""
    if share is None:
        return "–"
    pct = share * 100
    return f"{pct:.1f} %" if 0 < pct < 1 else f"{pct:.0f} %"


def headline(months: Sequence[MonthTotals], bucket: Bucket = Bucket.MONTH) -> str:
    """Return one line: "Dec 2026 – Nov 2027: 1,234 t magnet, 18 % licence-controlled, …"."""
    if not months or months[0].period is None or months[-1].period is None:
        return "No build plan: nothing to expose"
    first = period_label(months[0].period, bucket)
    last = period_label(months[-1].period, bucket)
    span = first if first == last else f"{first} – {last}"
    total = grand_total(months)
    parts = [f"{format_mass(total.kg)} magnet"]
    parts.append(f"{format_share(total.controlled_share)} licence-controlled")
    if total.unverified_kg > 0:
        parts.append(f"{format_share(total.unverified_share)} unverified")
    approx = "≈ " if total.dy_tb_estimated else ""
    parts.append(f"{approx}{format_mass(total.dy_tb_kg)} Dy/Tb")
    if total.sm_kg > 0:
        parts.append(f"{format_mass(total.sm_kg)} Sm")
    return f"{span}: " + ", ".join(parts)


@dataclass
class ExposureBook:
    """Monthly exposure of one product or the workspace, cached per part.

    Attributes:
        workspace: Where the data comes from.
        rule_set: The rules that decide licence needs.
        on: The evaluation date of licence needs.
        product_id: The product in scope, or None for every product.
        problem: Why there are no figures (a BOM cycle), or None.
    """

    workspace: Workspace
    rule_set: RuleSet
    on: date
    product_id: int | None = None
    problem: str | None = None
    _parts: dict[int, Part] = field(default_factory=dict)
    _insights: dict[int, PartInsight] = field(default_factory=dict)
    _figures: dict[int, dict[date, MonthFigures]] = field(default_factory=dict)
    _demand: Demand = field(default_factory=dict)
    _edges: list[BomEdge] = field(default_factory=list)
    _plan: list[tuple[int, date, float]] = field(default_factory=list)
    _names: dict[int, str] = field(default_factory=dict)

    def load(self) -> None:
        """Read everything afresh: parts, insights, BOM and build plan."""
        self._parts = {p.id: p for p in self.workspace.all(Part, Part.part_number)}
        self._insights = {}
        self._refresh_insights(self._parts)
        self._load_demand()

    @property
    def scope_name(self) -> str | None:
        """Name of the product in scope, or None for every product."""
        return self._names.get(self.product_id) if self.product_id is not None else None

    def insight_of(self, part_id: int) -> PartInsight | None:
        """Return the cached insight of a part."""
        return self._insights.get(part_id)

    def set_scope(self, product_id: int | None) -> None:
        """Show one product (through its sub-assemblies) or, with None, every product."""
        self.product_id = product_id
        self._explode()

    def set_rule_set(self, rule_set: RuleSet) -> None:
        """Use other rules; every insight is recomputed."""
        self.rule_set = rule_set
        self._refresh_insights(self._parts)
        self._sum_parts(self._parts)

    def apply(self, change: Change) -> bool:
        """Refresh what `change` concerns; return whether the figures may have changed."""
        if change.entity == "parts":
            if not change.ids:  # a reset: many rows changed
                self.load()
                return True
            self._reload_parts(set(change.ids))
            if change.kind is not ChangeKind.UPDATE:  # inserts and deletes carry BOM lines
                self._load_demand()
        elif change.entity == "suppliers":
            if change.kind is ChangeKind.UPDATE:
                touched = set(change.ids)
                self._reload_parts(
                    {k for k, p in self._parts.items() if p.supplier_id in touched}
                )
            else:  # deletes clear parts' supplier and restores set it back
                self.load()
        elif change.entity in {"bom_lines", "products", "build_plan"}:
            self._load_demand()
        else:
            return False
        return True

    def periods(self) -> list[date]:
        """Return every period of the build plan, in order."""
        return sorted({period for _, period, _ in self._plan})

    def months(self) -> list[MonthTotals]:
        """Return the totals per period of the build plan (zeros where nothing is built)."""
        totals = {period: MonthTotals(period) for period in self.periods()}
        for part_id, by_period in self._figures.items():
            info = self._insights.get(part_id)
            if info is None:
                continue
            for period, figures in by_period.items():
                totals[period] = add_part(totals[period], figures, info)
        return list(totals.values())

    def _reload_parts(self, ids: set[int]) -> None:
        fresh = {k: self.workspace.get(Part, k) for k in ids}
        for key, part in fresh.items():
            if part is None:
                self._parts.pop(key, None)
                self._insights.pop(key, None)
                self._figures.pop(key, None)
            else:
                self._parts[key] = part
        changed = {k: p for k, p in fresh.items() if p is not None}
        self._refresh_insights(changed)
        self._sum_parts(changed)

    def _refresh_insights(self, parts: Mapping[int, Part]) -> None:
        wanted = {p.supplier_id for p in parts.values() if p.supplier_id is not None}
        suppliers = {s.id: s for s in self.workspace.all(Supplier) if s.id in wanted}
        for key, part in parts.items():
            supplier = suppliers.get(part.supplier_id) if part.supplier_id is not None else None
            self._insights[key] = insight(part, supplier, self.on, self.rule_set)

    def _load_demand(self) -> None:
        self._names = {p.id: p.name for p in self.workspace.all(Product)}
        self._edges = bom_edges(self.workspace)
        self._plan = [
            (e.product_id, e.period, e.quantity) for e in self.workspace.all(BuildPlanEntry)
        ]
        self._explode()

    def _explode(self) -> None:
        self.problem = None
        if self.product_id not in self._names:  # deleted while shown: fall back to all
            self.product_id = None
        try:
            self._demand = scoped_part_demand(
                self._edges, self._plan, self._names, self.product_id
            )
        except BomCycleError as exc:
            self._demand, self.problem = {}, str(exc)
        self._figures = {}
        self._sum_parts(self._parts)

    def _sum_parts(self, parts: Iterable[int]) -> None:
        for key in parts:
            info = self._insights.get(key)
            demand = self._demand.get(key)
            if info is None or not demand:
                self._figures.pop(key, None)
            else:
                self._figures[key] = part_months(info, demand)
