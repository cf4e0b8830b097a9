"""Check new BOM lines before they are added: the item they name, their values, cycles."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from planner.bom import BomCycleError, BomEdge, part_multipliers
from planner.fields import BOM_FIELDS, FieldError, spec
from planner.schema import BomLine, Part, Product
from planner.tsv import PasteReport, Rejection

if TYPE_CHECKING:
    from planner.workspace import Workspace

# A line to add: part id, product id, the text naming it, then pieces, scrap and note as typed.
Candidate = tuple[int | None, int | None, str, str, str, str]

HEADER_WORDS = frozenset({"item", "part", "part number", "part no", "pn", "sub-assembly"})


@dataclass(frozen=True)
class BomSnapshot:
    """The products, parts and BOM lines that new lines are checked against.

    Attributes:
        products: Products and sub-assemblies by id, in name order.
        parts: Magnet parts by id.
        lines: BOM lines by id, in position order.
    """

    products: dict[int, Product] = field(default_factory=dict)
    parts: dict[int, Part] = field(default_factory=dict)
    lines: dict[int, BomLine] = field(default_factory=dict)

    @classmethod
    def of(cls, workspace: Workspace) -> BomSnapshot:
        """Return the products, parts and BOM lines of `workspace` as they are now."""
        return cls(
            {p.id: p for p in workspace.all(Product, Product.name)},
            {p.id: p for p in workspace.all(Part)},
            {x.id: x for x in workspace.all(BomLine, BomLine.position, BomLine.id)},
        )

    def product_name(self, product_id: int) -> str:
        """Return a product's name ("#id" when unknown)."""
        product = self.products.get(product_id)
        return product.name if product is not None else f"#{product_id}"

    def find_item(self, text: str) -> tuple[int | None, int | None]:
        """Return (part id, product id) named by a part number or product name, any case."""
        wanted = text.strip().lower()
        parts = [p.id for p in self.parts.values() if p.part_number.lower() == wanted]
        products = [p.id for p in self.products.values() if p.name.lower() == wanted]
        return (parts[0], None) if parts else (None, products[0] if products else None)

    def problem(self, parent_id: int, child: Candidate, edges: list[BomEdge]) -> str:
        """Return why `child` cannot go under `parent_id` given `edges` ("" if it can)."""
        part_id, product_id, label = child[:3]
        if parent_id not in self.products:
            return f"product #{parent_id} no longer exists"
        if part_id is None and product_id is None:
            if not label.strip():
                return "the part number or sub-assembly is missing"
            return f"no part or sub-assembly is called {label.strip()!r}; add it first"
        if part_id is not None and product_id is not None:
            return "a line holds a part or a sub-assembly, not both"
        if product_id is None:
            return "" if part_id in self.parts else f"part #{part_id} no longer exists"
        if product_id not in self.products:
            return f"product #{product_id} no longer exists"
        names = {
            parent_id: self.product_name(parent_id)
        }  # visited first: the cycle starts here
        names |= {k: p.name for k, p in self.products.items()}
        try:
            part_multipliers([*edges, BomEdge(parent_id, None, product_id, 1, 0)], names)
        except BomCycleError as exc:
            return f"{self.product_name(product_id)} cannot go into {names[parent_id]}: {exc}"
        return ""

    def new_lines(
        self, parent_id: int, rows: list[Candidate]
    ) -> tuple[list[BomLine], list[str]]:
        """Validate candidate lines; return the acceptable ones and a reason per row.

        Each accepted line counts when checking the rows after it, and the new lines are
        positioned after every existing one.
        """
        edges = [
            BomEdge(x.parent_id, x.child_part_id, x.child_product_id, 1, 0)
            for x in self.lines.values()
        ]
        position = max((x.position for x in self.lines.values()), default=-1) + 1
        records: list[BomLine] = []
        reasons: list[str] = []
        for child in rows:
            reason = self.problem(parent_id, child, edges)
            values: dict[str, Any] = {}
            for name, raw in zip(
                ("pieces_per_unit", "scrap_pct", "note"), child[3:], strict=True
            ):
                try:
                    values[name] = spec(BOM_FIELDS, name).read(raw)
                except FieldError as exc:
                    reason = reason or f"{spec(BOM_FIELDS, name).label}: {exc.reason}"
            reasons.append(reason)
            if not reason:
                line = BomLine(
                    parent_id=parent_id,
                    child_part_id=child[0],
                    child_product_id=child[1],
                    pieces_per_unit=values["pieces_per_unit"],
                    scrap_pct=values["scrap_pct"] or 0.0,
                    note=values["note"] or "",
                    position=position + len(records),
                )
                records.append(line)
                edges.append(BomEdge(parent_id, child[0], child[1], 1, 0))
        return records, reasons

    def pasted_lines(
        self, parent_id: int, block: list[list[str]]
    ) -> tuple[list[BomLine], PasteReport]:
        """Read Excel rows (item, pieces, scrap %, note) as lines to add under a product.

        A first row of column names is skipped and blank rows are ignored. Return the
        acceptable lines and a report whose rejections carry row numbers as the buyer
        sees them.
        """
        first = block[0][0].strip().lower() if block and block[0] else ""
        offset = 2 if first in HEADER_WORDS else 1  # row numbers as the buyer sees them
        rows = [(r + [""] * 4)[:4] for r in block[offset - 1 :]]
        numbers = [n for n, r in enumerate(rows, start=offset) if any(c.strip() for c in r)]
        chosen = [rows[n - offset] for n in numbers]
        candidates = [(*self.find_item(r[0]), r[0], r[1], r[2], r[3]) for r in chosen]
        records, reasons = self.new_lines(parent_id, candidates)
        report = PasteReport(len(records))
        for number, row, reason in zip(numbers, chosen, reasons, strict=True):
            if reason:
                report.rejected.append(Rejection(number, "Item", row[0], reason))
        return records, report
