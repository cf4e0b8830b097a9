"""Multi-level BOM: pieces of each part per product unit, cycles, and where a part is used."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


@dataclass(frozen=True)
class BomEdge:
    """One BOM line reduced to what explosion needs."""

    parent_id: int
    part_id: int | None
    product_id: int | None
    pieces: float
    scrap_pct: float

    @property
    def gross(self) -> float:
        """Pieces per parent unit including scrap."""
        return self.pieces * (1 + self.scrap_pct / 100)


class BomCycleError(ValueError):
    """A sub-assembly that contains itself; `cycle` lists the product names around it."""

    def __init__(self, cycle: list[str]) -> None:
        super().__init__("BOM cycle: " + " → ".join(cycle))
        self.cycle = tuple(cycle)


def _children(edges: Iterable[BomEdge]) -> dict[int, list[BomEdge]]:
    by_parent: dict[int, list[BomEdge]] = defaultdict(list)
    for edge in edges:
        by_parent[edge.parent_id].append(edge)
    return by_parent


def part_multipliers(
    edges: Iterable[BomEdge], names: Mapping[int, str]
) -> dict[int, dict[int, float]]:
    """Return, per product, the gross pieces of each part in one unit, through sub-assemblies.

    Raises:
        BomCycleError: a product contains itself, directly or through sub-assemblies.
    """
    children = _children(edges)
    done: dict[int, dict[int, float]] = {}
    visiting: list[int] = []

    def visit(product: int) -> dict[int, float]:
        if product in done:
            return done[product]
        if product in visiting:
            loop = [*visiting[visiting.index(product) :], product]
            raise BomCycleError([names.get(p, f"#{p}") for p in loop])
        visiting.append(product)
        totals: dict[int, float] = defaultdict(float)
        for edge in children.get(product, []):
            if edge.part_id is not None:
                totals[edge.part_id] += edge.gross
            elif edge.product_id is not None:
                for part, pieces in visit(edge.product_id).items():
                    totals[part] += edge.gross * pieces
        visiting.pop()
        done[product] = dict(totals)
        return done[product]

    for product in list(names):
        visit(product)
    return done


def where_used(
    part_id: int, edges: Iterable[BomEdge], names: Mapping[int, str]
) -> list[tuple[list[str], float]]:
    """Return every path from a top product down to the part, with pieces per top unit."""
    edge_list = list(edges)
    parents: dict[int, list[BomEdge]] = defaultdict(list)
    for edge in edge_list:
        if edge.product_id is not None:
            parents[edge.product_id].append(edge)
    paths: list[tuple[list[str], float]] = []

    def climb(product: int, path: list[str], pieces: float, seen: frozenset[int]) -> None:
        above = [e for e in parents.get(product, []) if e.parent_id not in seen]
        if not above:
            paths.append(([names.get(product, f"#{product}"), *path], pieces))
        for edge in above:
            climb(
                edge.parent_id,
                [names.get(product, f"#{product}"), *path],
                pieces * edge.gross,
                seen | {edge.parent_id},
            )

    for edge in edge_list:
        if edge.part_id == part_id:
            climb(edge.parent_id, [], edge.gross, frozenset({edge.parent_id}))
    return sorted(paths, key=lambda item: item[0])
