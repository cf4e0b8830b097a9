"""Checking new BOM lines: the item named, pieces and scrap as typed, cycles, pasted blocks."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from planner.bom_edit import BomSnapshot
from planner.sample import build_sample

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from planner.bom_edit import Candidate

MOTOR, ROTOR = "EPS-M200 steering motor", "EPS-M200 rotor"


@pytest.fixture
def book(tmp_path: Path) -> Iterator[BomSnapshot]:
    workspace = build_sample(tmp_path / "s.magplan", anchor=date(2026, 12, 1))
    yield BomSnapshot.of(workspace)
    workspace.close()


def product(book: BomSnapshot, name: str) -> int:
    return next(p.id for p in book.products.values() if p.name == name)


def typed(book: BomSnapshot, item: str, pieces: str = "1", scrap: str = "") -> Candidate:
    return (*book.find_item(item), item, pieces, scrap, "")


def test_items_are_found_by_part_number_or_product_name_in_any_case(
    book: BomSnapshot,
) -> None:
    part_id, product_id = book.find_item(" mg-1001 ")
    assert product_id is None
    assert part_id is not None
    assert book.parts[part_id].part_number == "MG-1001"
    assert book.find_item(ROTOR.upper()) == (None, product(book, ROTOR))
    assert book.find_item("MG-9999") == (None, None)


def test_unknown_part_number_is_refused_with_a_reason(book: BomSnapshot) -> None:
    records, reasons = book.new_lines(product(book, ROTOR), [typed(book, "MG-9999")])
    assert records == []
    assert reasons == ["no part or sub-assembly is called 'MG-9999'; add it first"]


@pytest.mark.parametrize(
    ("pieces", "reason"),
    [("0", "must be more than 0"), ("many", "'many' is not a number")],
)
def test_impossible_pieces_are_refused(book: BomSnapshot, pieces: str, reason: str) -> None:
    row = typed(book, "MG-1002", pieces)
    records, reasons = book.new_lines(product(book, ROTOR), [row])
    assert records == []
    assert reasons[0].startswith("Pieces per unit: ")
    assert reason in reasons[0]


def test_a_cycle_is_refused_naming_it(book: BomSnapshot) -> None:
    records, reasons = book.new_lines(product(book, ROTOR), [typed(book, MOTOR)])
    assert records == []
    assert reasons[0].startswith(f"{MOTOR} cannot go into {ROTOR}: ")
    assert f"{ROTOR} → {MOTOR} → {ROTOR}" in reasons[0]


def test_a_valid_line_is_accepted_after_every_existing_one(book: BomSnapshot) -> None:
    rotor = product(book, ROTOR)
    records, reasons = book.new_lines(rotor, [typed(book, "mg-1002", "2", "1,5")])
    assert reasons == [""]
    [line] = records
    assert (line.parent_id, line.child_product_id) == (rotor, None)
    assert book.parts[line.child_part_id or -1].part_number == "MG-1002"
    assert (line.pieces_per_unit, line.scrap_pct, line.note) == (2, 1.5, "")
    assert line.position == max(x.position for x in book.lines.values()) + 1


def test_pasted_block_skips_the_header_and_reports_rows_as_numbered(
    book: BomSnapshot,
) -> None:
    block = [
        ["Part number", "Pieces per unit", "Scrap %", "Note"],
        ["MG-1402", "4", "1,5", "balance"],
        ["MG-9999", "2"],
        ["", "", "", ""],
        ["mg-1404", "many"],
    ]
    records, report = book.pasted_lines(product(book, ROTOR), block)
    assert [r.note for r in records] == ["balance"]
    assert report.accepted == 1
    assert [(r.row, r.value) for r in report.rejected] == [(3, "MG-9999"), (5, "mg-1404")]
