"""Operations behind undo: deletes that remember dependents, restores, bulk plan edits."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from planner.operations import delete_with_dependents, restore, set_build_quantities, set_stock
from planner.sample import build_sample
from planner.schema import (
    AuditEntry,
    BomLine,
    BuildPlanEntry,
    LicenceItem,
    Order,
    Part,
    Product,
    Stock,
    Supplier,
)
from planner.workspace import ChangeKind, ValidationError, record_dict

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from planner.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = build_sample(tmp_path / "s.magplan", anchor=date(2026, 12, 1))
    yield workspace
    workspace.close()


def _snapshot(ws: Workspace) -> dict[str, list[dict[str, object]]]:
    tables = (Part, BomLine, Stock, Order, LicenceItem, Product, BuildPlanEntry, Supplier)
    return {
        model.__tablename__: sorted(
            (record_dict(r) for r in ws.all(model)), key=lambda d: sorted(map(str, d.items()))
        )
        for model in tables
    }


def _part(ws: Workspace, number: str) -> Part:
    return next(p for p in ws.all(Part) if p.part_number == number)


def test_deleting_a_part_takes_its_lines_stock_orders_and_restore_brings_all_back(
    ws: Workspace,
) -> None:
    before = _snapshot(ws)
    arc = _part(ws, "MG-1001")
    removed, change = delete_with_dependents(ws, Part, [arc.id], operation="delete part")
    assert change.kind is ChangeKind.DELETE
    assert ws.get(Part, arc.id) is None
    assert not [line for line in ws.all(BomLine) if line.child_part_id == arc.id]
    assert ws.get(Stock, arc.id) is None
    assert not [o for o in ws.all(Order) if o.part_id == arc.id]
    tables = {name for name, _ in removed.rows}
    assert {"parts", "bom_lines", "stock", "orders", "licence_items"} <= tables
    restore(ws, removed, operation="undo delete part")
    assert _snapshot(ws) == before


def test_deleting_a_supplier_is_refused_while_orders_point_to_it(ws: Workspace) -> None:
    supplier = ws.all(Supplier)[0]
    with pytest.raises(ValidationError):
        delete_with_dependents(ws, Supplier, [supplier.id], operation="delete supplier")
    assert ws.get(Supplier, supplier.id) is not None


def test_deleting_a_product_restores_with_sub_assembly_links(ws: Workspace) -> None:
    before = _snapshot(ws)
    rotor = next(p for p in ws.all(Product) if p.name == "EPS-M200 rotor")
    removed, _ = delete_with_dependents(ws, Product, [rotor.id], operation="delete product")
    assert not [
        line for line in ws.all(BomLine) if rotor.id in (line.parent_id, line.child_product_id)
    ]
    restore(ws, removed, operation="undo")
    assert _snapshot(ws) == before


def test_delete_of_a_missing_record_changes_nothing(ws: Workspace) -> None:
    audit = ws.count(AuditEntry)
    with pytest.raises(ValidationError, match="no longer exists"):
        delete_with_dependents(ws, Part, [999_999], operation="delete part")
    assert ws.count(AuditEntry) == audit


def test_build_quantities_set_clear_and_revert(ws: Workspace) -> None:
    motor = next(p for p in ws.all(Product) if p.name == "EPS-M200 steering motor")
    dec, jan = date(2026, 12, 1), date(2027, 1, 1)
    far = date(2030, 1, 1)
    previous, change = set_build_quantities(
        ws,
        [(motor.id, dec, 100.0), (motor.id, jan, None), (motor.id, far, 5.0)],
        operation="paste",
    )
    assert previous == [
        (motor.id, dec, 18000.0),
        (motor.id, jan, 19000.0),
        (motor.id, far, None),
    ]
    assert ws.get(BuildPlanEntry, (motor.id, dec)).quantity == 100  # type: ignore[union-attr]
    assert ws.get(BuildPlanEntry, (motor.id, jan)) is None
    assert len(change.ids) == 3
    set_build_quantities(ws, previous, operation="undo")
    assert ws.get(BuildPlanEntry, (motor.id, jan)).quantity == 19000  # type: ignore[union-attr]
    assert ws.get(BuildPlanEntry, (motor.id, far)) is None


def test_negative_build_quantity_is_refused_whole(ws: Workspace) -> None:
    motor = ws.all(Product)[0]
    with pytest.raises(ValidationError, match="negative"):
        set_build_quantities(
            ws,
            [(motor.id, date(2026, 12, 1), 5.0), (motor.id, date(2027, 1, 1), -1.0)],
            operation="paste",
        )


def test_set_stock_creates_the_row_when_missing(tmp_path: Path) -> None:
    from planner.workspace import Workspace

    workspace = Workspace.create(tmp_path / "e.magplan")
    part, _ = workspace.insert(Part(part_number="X", family="ferrite"), operation="add")
    previous, change = set_stock(workspace, part.id, {"on_hand": 50.0}, operation="count")
    assert previous is None
    assert change.kind is ChangeKind.INSERT
    previous, _ = set_stock(workspace, part.id, {"on_hand": 70.0}, operation="count")
    assert previous == {"on_hand": 50.0}
    workspace.close()
