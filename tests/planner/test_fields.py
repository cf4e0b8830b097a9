"""Reading typed and pasted values, field specs and part edits with their reasons."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.fields import BOM_FIELDS, ORDER_FIELDS, PART_FIELDS, FieldError, spec
from planner.part_edit import new_part_values, part_changes
from planner.sample import build_sample
from planner.schema import Part
from planner.values import ValueReadError, parse_count, parse_date, parse_number

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from planner.workspace import Workspace


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,234.5", 1234.5),
        ("1.234,5", 1234.5),
        ("2,5", 2.5),
        ("0,002", 0.002),
        ("1 200", 1200),
        ("1,200", 1200),
        ("12 %", 12),
        ("3 g", 3),
        ("$3.20", 3.2),
        ("-4", -4),
        ("0.5", 0.5),
        ("1\u00a0500", 1500),
    ],
)
def test_numbers_as_buyers_type_them(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["many", "~3M", "1 pair", "", "1.2.3", "12x5"])
def test_not_numbers_are_refused_not_guessed(text: str) -> None:
    with pytest.raises(ValueReadError):
        parse_number(text)


def test_counts_refuse_fractions() -> None:
    assert parse_count("1,500") == 1500
    with pytest.raises(ValueReadError, match="whole number"):
        parse_count("1.5")


@given(st.integers(min_value=0, max_value=10**9))
def test_grouped_integers_round_trip(value: int) -> None:
    assert parse_number(f"{value:,}") == value


@pytest.mark.parametrize("text", ["2026-12-01", "01.12.2026", "01/12/2026", "1 Dec 2026"])
def test_dates(text: str) -> None:
    assert parse_date(text) == date(2026, 12, 1)


def test_spec_headers_and_required_fields() -> None:
    assert spec(PART_FIELDS, "stated_mass_g").header == "Stated mass (g)"
    with pytest.raises(FieldError, match="Part number is required"):
        spec(PART_FIELDS, "part_number").read("  ")
    with pytest.raises(FieldError, match="more than 0"):
        spec(BOM_FIELDS, "pieces_per_unit").read("0")
    with pytest.raises(FieldError, match=r"at most 99\.9"):
        spec(BOM_FIELDS, "scrap_pct").read("100")
    assert spec(ORDER_FIELDS, "status").read("Open") == "open"
    assert spec(PART_FIELDS, "currency").read("€") == "EUR"


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = build_sample(tmp_path / "s.magplan", anchor=date(2026, 12, 1))
    yield workspace
    workspace.close()


def _id(ws: Workspace, number: str) -> int:
    return next(p.id for p in ws.all(Part) if p.part_number == number)


def test_grade_is_stored_canonical(ws: Workspace) -> None:
    assert part_changes(ws, _id(ws, "MG-1001"), "grade", "42sh") == {"grade": "N42SH"}


def test_impossible_grade_gives_the_reason(ws: Workspace) -> None:
    with pytest.raises(FieldError) as info:
        part_changes(ws, _id(ws, "MG-1001"), "grade", "N60SH")
    assert "N56" in info.value.reason


def test_family_change_must_fit_the_grade(ws: Workspace) -> None:
    with pytest.raises(FieldError) as info:
        part_changes(ws, _id(ws, "MG-1001"), "family", "ferrite")
    assert "N38UH" in info.value.reason
    assert "change or clear the grade first" in info.value.reason


def test_dimensions_set_the_shape_too(ws: Workspace) -> None:
    changes = part_changes(ws, _id(ws, "MG-1202"), "dimensions", "12x5x3mm")
    assert changes == {"dimensions": "block 12 × 5 × 3 mm", "shape": "block"}


def test_duplicate_part_number_is_refused(ws: Workspace) -> None:
    with pytest.raises(FieldError, match=r"(?i)MG-1002 already exists"):
        part_changes(ws, _id(ws, "MG-1001"), "part_number", "mg-1002")


def test_supplier_by_name(ws: Workspace) -> None:
    changes = part_changes(
        ws, _id(ws, "MG-1001"), "supplier_id", "pune permanent magnets pvt. ltd. (fictional)"
    )
    assert isinstance(changes["supplier_id"], int)
    with pytest.raises(FieldError, match="no supplier named"):
        part_changes(ws, _id(ws, "MG-1001"), "supplier_id", "Nobody Ltd")


def test_new_part_is_validated_in_row_context(ws: Workspace) -> None:
    values = new_part_values(
        ws,
        {
            "part_number": "MG-2000",
            "family": "SmCo 2:17",
            "grade": "YXG-28",
            "dimensions": "⌀6 x 2.5mm",
            "stated_mass_g": "0,6",
        },
    )
    assert values["family"] == "sm2co17"
    assert values["grade"] == "YXG-28"
    assert values["shape"] == "disc"
    assert values["stated_mass_g"] == pytest.approx(0.6)
    assert values["form"] == "bare"
    with pytest.raises(FieldError) as info:
        new_part_values(ws, {"part_number": "MG-2001", "family": "ferrite", "grade": "N42"})
    assert info.value.field == "grade"
