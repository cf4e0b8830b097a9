"""Exposure per month for a product or the workspace, with hand-computed figures."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

import planner.exposure_summary as summary
from planner.exposure_summary import (
    ExposureBook,
    MonthTotals,
    format_mass,
    format_share,
    headline,
)
from planner.operations import delete_with_dependents, restore
from planner.parts import insight
from planner.rules import LicenceNeed, load_rule_set
from planner.schema import BomLine, BuildPlanEntry, Part, Product, Supplier
from planner.workspace import Workspace

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

JAN, FEB = date(2027, 1, 1), date(2027, 2, 1)
ON = date(2026, 11, 30)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    """A motor (rotor sub-assembly + ferrite + an unverified part) and a fan."""
    workspace = Workspace.create(tmp_path / "tiny.magplan", user="tester")
    supplier, _ = workspace.insert(Supplier(name="Ningbo", country="CN"), operation="t")
    parts = [
        # A: measured 3 % Dy: controlled. B: ferrite: free. D: N40M, Dy/Tb unknown.
        Part(part_number="A-1", family="sintered_ndfeb", grade="N38UH", stated_mass_g=10.0,
             measured_dy_pct=3.0, supplier_id=supplier.id),
        Part(part_number="B-1", family="ferrite", grade="Y30", stated_mass_g=50.0,
             supplier_id=supplier.id),
        Part(part_number="D-1", family="sintered_ndfeb", grade="N40M", stated_mass_g=4.0,
             supplier_id=supplier.id),
    ]  # fmt: skip
    workspace.insert_many(parts, operation="t")
    products = [
        Product(name="Motor"),
        Product(name="Rotor", kind="assembly"),
        Product(name="Fan"),
    ]
    workspace.insert_many(products, operation="t")
    motor, rotor, fan = (p.id for p in products)
    a, b, d = (p.id for p in parts)
    workspace.insert_many(
        [
            BomLine(parent_id=motor, child_product_id=rotor, pieces_per_unit=1, scrap_pct=0),
            BomLine(parent_id=rotor, child_part_id=a, pieces_per_unit=4, scrap_pct=5),
            BomLine(parent_id=motor, child_part_id=b, pieces_per_unit=2, scrap_pct=0),
            BomLine(parent_id=motor, child_part_id=d, pieces_per_unit=1, scrap_pct=0),
            BomLine(parent_id=fan, child_part_id=b, pieces_per_unit=1, scrap_pct=0),
        ],
        operation="t",
    )
    workspace.insert_many(
        [
            BuildPlanEntry(product_id=motor, period=JAN, quantity=100),
            BuildPlanEntry(product_id=motor, period=FEB, quantity=200),
            BuildPlanEntry(product_id=fan, period=JAN, quantity=50),
        ],
        operation="t",
    )
    yield workspace
    workspace.close()


@pytest.fixture
def book(ws: Workspace) -> ExposureBook:
    result = ExposureBook(ws, load_rule_set(), ON)
    result.load()
    return result


def ids(ws: Workspace) -> dict[str, int]:
    found = {p.part_number: p.id for p in ws.all(Part)}
    return found | {p.name: p.id for p in ws.all(Product)}


def test_preconditions_of_the_hand_computation(ws: Workspace, book: ExposureBook) -> None:
    key = ids(ws)
    a, b, d = (book.insight_of(key[n]) for n in ("A-1", "B-1", "D-1"))
    assert a is not None
    assert b is not None
    assert d is not None
    assert (a.licence.need, a.content_measured, a.dy_tb_wt_pct) == (
        LicenceNeed.REQUIRED, True, 3.0
    )  # fmt: skip
    assert b.licence.need is LicenceNeed.NOT_REQUIRED
    assert b.dy_tb_wt_pct == 0
    assert (d.licence.need, d.content_measured) == (LicenceNeed.UNVERIFIED, False)
    assert d.dy_tb_wt_pct == pytest.approx(0.5)


def test_motor_through_its_rotor(ws: Workspace, book: ExposureBook) -> None:
    book.set_scope(ids(ws)["Motor"])
    jan, feb = book.months()
    # A: 100 motors × 1 rotor × 4 × 1.05 = 420 pcs × 10 g = 4.2 kg (3 % Dy, measured);
    # B: 100 × 2 = 200 pcs × 50 g = 10 kg; D: 100 pcs × 4 g = 0.4 kg (0.5 % Dy/Tb, estimated)
    assert jan.period == JAN
    assert jan.pieces == pytest.approx(720)
    assert jan.kg == pytest.approx(14.6)
    assert jan.dy_tb_kg == pytest.approx(4.2 * 0.03 + 0.4 * 0.005)
    assert jan.dy_tb_estimated_kg == pytest.approx(0.4 * 0.005)
    assert jan.dy_tb_estimated
    assert jan.controlled_share == pytest.approx(4.2 / 14.6)
    assert jan.unverified_share == pytest.approx(0.4 / 14.6)
    assert feb.kg == pytest.approx(29.2)


def test_sub_assembly_demand_comes_from_its_parents(ws: Workspace, book: ExposureBook) -> None:
    book.set_scope(ids(ws)["Rotor"])
    jan, feb = book.months()
    assert (jan.pieces, jan.kg, jan.controlled_share) == pytest.approx((420, 4.2, 1.0))
    assert feb.pieces == pytest.approx(840)
    assert not jan.dy_tb_estimated


def test_whole_workspace_adds_the_fan(book: ExposureBook) -> None:
    jan, _ = book.months()
    assert jan.pieces == pytest.approx(770)
    assert jan.kg == pytest.approx(17.1)
    assert jan.controlled_share == pytest.approx(4.2 / 17.1)


def test_headline_and_formats(book: ExposureBook) -> None:
    text = headline(book.months())
    # 17.1 + 29.2 = 46.3 kg; controlled 12.6 kg = 27 %; unverified 1.2 kg = 2.6 % → "3 %"
    assert text == (
        "Jan 2027 – Feb 2027: 46 kg magnet, 27 % licence-controlled, 3 % unverified, "
        "≈ 0.4 kg Dy/Tb"
    )
    assert format_mass(1_234_000) == "1,234 t"
    assert format_mass(9_800) == "9.8 t"
    assert format_share(0.004) == "0.4 %"
    assert format_share(None) == "–"
    assert headline([]) == "No build plan: nothing to expose"
    assert MonthTotals(JAN).controlled_share is None


def test_part_edit_recomputes_only_that_part(
    ws: Workspace, book: ExposureBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = insight

    def counting(part: Part, *args: Any) -> Any:
        calls.append(part.part_number)
        return real(part, *args)

    monkeypatch.setattr(summary, "insight", counting)
    key = ids(ws)
    change = ws.update(Part, key["B-1"], {"stated_mass_g": 60.0}, operation="t")
    assert book.apply(change)
    assert calls == ["B-1"]
    assert book.months()[0].kg == pytest.approx(4.2 + 250 * 0.060 + 0.4)

    calls.clear()
    change = ws.update(BuildPlanEntry, (key["Fan"], JAN), {"quantity": 0}, operation="t")
    assert book.apply(change)
    assert calls == []
    assert book.months()[0].kg == pytest.approx(4.2 + 12 + 0.4)


def test_unrelated_change_is_ignored(book: ExposureBook, ws: Workspace) -> None:
    assert not book.apply(ws.set_meta("name", "Other"))


def test_cycle_is_reported_not_raised(ws: Workspace, book: ExposureBook) -> None:
    key = ids(ws)
    _, change = ws.insert(
        BomLine(parent_id=key["Rotor"], child_product_id=key["Motor"], pieces_per_unit=1),
        operation="t",
    )
    book.apply(change)
    assert book.problem == "BOM cycle: Motor → Rotor → Motor"
    assert all(m.kg == 0 for m in book.months())


def test_deleted_scope_falls_back_to_everything(ws: Workspace, book: ExposureBook) -> None:
    key = ids(ws)
    book.set_scope(key["Fan"])
    assert book.months()[0].pieces == pytest.approx(50)
    book.apply(ws.delete(Product, key["Fan"], operation="t"))
    assert book.product_id is None
    assert book.months()[0].pieces == pytest.approx(720)


def test_part_delete_and_restore_touch_only_that_part(
    ws: Workspace, book: ExposureBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def counting(part: Part, *args: Any) -> Any:
        calls.append(part.part_number)
        return insight(part, *args)

    monkeypatch.setattr(summary, "insight", counting)
    removed, change = delete_with_dependents(ws, Part, [ids(ws)["B-1"]], operation="t")
    assert book.apply(change)
    assert book.months()[0].kg == pytest.approx(4.2 + 0.4)  # B's lines went with it
    assert book.apply(restore(ws, removed, operation="t"))
    assert book.months()[0].kg == pytest.approx(17.1)
    assert calls == ["B-1"]
