"""BOM explosion with scrap through sub-assemblies, cycles, where-used."""

from __future__ import annotations

import pytest

from planner.bom import BomCycleError, BomEdge, part_multipliers, where_used

NAMES = {1: "Motor", 2: "Rotor", 3: "Sensor kit"}


def edge(
    parent: int,
    *,
    part: int | None = None,
    product: int | None = None,
    pieces: float = 1,
    scrap: float = 0,
) -> BomEdge:
    return BomEdge(parent, part, product, pieces, scrap)


def test_two_levels_with_scrap() -> None:
    edges = [
        edge(1, product=2, pieces=1),
        edge(2, part=10, pieces=10, scrap=2),
        edge(1, part=11, pieces=2, scrap=0.5),
    ]
    result = part_multipliers(edges, NAMES)
    assert result[1][10] == pytest.approx(10.2)
    assert result[1][11] == pytest.approx(2.01)
    assert result[2] == {10: pytest.approx(10.2)}


def test_same_part_on_two_paths_adds_up() -> None:
    edges = [
        edge(1, product=2, pieces=2),
        edge(2, part=10, pieces=3),
        edge(1, part=10, pieces=1),
    ]
    assert part_multipliers(edges, NAMES)[1][10] == pytest.approx(7)


def test_cycle_is_named() -> None:
    edges = [edge(1, product=2), edge(2, product=3), edge(3, product=2)]
    with pytest.raises(BomCycleError) as info:
        part_multipliers(edges, NAMES)
    assert "Rotor → Sensor kit → Rotor" in str(info.value)


def test_where_used_lists_paths_with_pieces() -> None:
    edges = [
        edge(1, product=2, pieces=1),
        edge(2, part=10, pieces=10, scrap=2),
        edge(3, part=10, pieces=4),
    ]
    paths = where_used(10, edges, NAMES)
    assert [path for path, _ in paths] == [["Motor", "Rotor"], ["Sensor kit"]]
    assert [pieces for _, pieces in paths] == pytest.approx([10.2, 4])
