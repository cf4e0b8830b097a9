"""Validation: a reason per cell, duplicates on every row involved, modes, units, errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from planner.importing import CellError
from planner.importing.mapping import map_columns
from planner.importing.table import guess_table
from planner.importing.validate import ImportCancelledError, ImportPreview, Monitor, validate
from planner.schema import Part, Supplier
from planner.workspace import Workspace

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

Row = list[object]


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.create(tmp_path / "w.magplan")
    supplier, _ = ws.insert(Supplier(name="Ningbo Magnet Co", country="CN"), operation="t")
    ws.insert(
        Part(
            part_number="M-1", family="sintered_ndfeb", grade="N42SH", supplier_id=supplier.id
        ),
        operation="t",
    )
    yield ws
    ws.close()


def check(
    rows: list[Row], workspace: Workspace, kind: str = "bom", **options: object
) -> ImportPreview:
    guess = guess_table(rows)
    mapping = map_columns(rows, guess, kind, workspace=workspace)
    return validate(rows, guess, mapping, workspace, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("quantity", ["~3M", "many", "1 pair", "2-3", "—"])
def test_vague_quantities_are_errors_not_guesses(quantity: str, workspace: Workspace) -> None:
    rows: list[Row] = [["Description", "Qty"], ["N42 magnet 10x5x2", quantity]]
    row = check(rows, workspace, product="Motor").rows[0]
    assert row.status == "error"
    assert row.cells["quantity"].status == "error"
    assert row.cells["quantity"].value is None
    assert "not a number" in row.cells["quantity"].reason


def test_excel_error_in_a_number_column(workspace: Workspace) -> None:
    rows: list[Row] = [["Description", "Qty"], ["N42 magnet 10x5x2", CellError("#N/A")]]
    cell = check(rows, workspace, product="Motor").rows[0].cells["quantity"]
    assert (cell.status, cell.reason) == ("error", "Excel error #N/A in the file")


def test_excel_error_text_from_a_csv_counts_too(workspace: Workspace) -> None:
    rows: list[Row] = [
        ["Description", "Qty", "Notes"],
        ["N42 magnet 10x5x2", "#DIV/0!", "#N/A"],
    ]
    row = check(rows, workspace, product="Motor").rows[0]
    assert row.cells["quantity"].reason == "Excel error #DIV/0! in the file"
    assert row.cells["note"].status == "warning"


def test_duplicate_part_numbers_warn_on_both_rows_and_keep_both(workspace: Workspace) -> None:
    rows: list[Row] = [
        ["Part number", "Description", "Qty"],
        ["MAG-7", "N52 12x5x3mm magnet", 4],
        ["MAG-8", "N35 disc magnet 6x3", 2],
        ["MAG-7", "N52 12x5x3mm magnet", 2],
    ]
    preview = check(rows, workspace, product="Motor")
    first, _, third = preview.rows
    assert (first.status, third.status) == ("warning", "warning")
    assert any("also on row 4" in m for m in first.messages)
    assert any("also on row 2" in m for m in third.messages)
    assert [r.action for r in preview.rows] == ["insert", "insert", "insert"]


def test_bom_lines_read_magnets_and_skip_the_rest(workspace: Workspace) -> None:
    rows: list[Row] = [
        ["Description", "Qty"],
        ["6x3mm Neodimium Magnet", 8],
        ["NEMA 17 stepper motor", 2],
        ["Magnet wire 0.5mm", "~3M"],
    ]
    magnet, motor, wire = check(rows, workspace, product="Printer").rows
    assert (magnet.action, magnet.key, magnet.parent) == ("insert", "Printer-2", "Printer")
    assert magnet.new_part is not None
    assert magnet.new_part["family"] == "sintered_ndfeb"
    assert magnet.new_part["dimensions"] == "disc ⌀6 × 3 mm"
    assert magnet.record == {"pieces_per_unit": 8.0}
    assert (motor.action, motor.status) == ("skip", "ok")
    assert motor.magnet is not None
    assert motor.magnet.contains_magnets
    assert "not a magnet: skipped" in motor.messages[0]
    assert (motor.cells["quantity"].value, motor.cells["quantity"].status) == (2, "ok")
    assert (wire.action, wire.status) == ("skip", "warning")  # not imported, so not blocking
    assert wire.cells["quantity"].status == "warning"
    assert "(the line is not imported anyway)" in wire.cells["quantity"].reason


def test_bom_line_of_an_existing_part_number(workspace: Workspace) -> None:
    rows: list[Row] = [["Part #", "Description", "Qty"], ["m-1", "rotor piece", 16]]
    row = check(rows, workspace, product="Motor").rows[0]
    assert (row.action, row.key, row.new_part) == ("insert", "M-1", None)


def test_bom_without_product_is_an_error(workspace: Workspace) -> None:
    rows: list[Row] = [["Description", "Qty"], ["N42 magnet 10x5x2", 1]]
    row = check(rows, workspace).rows[0]
    assert row.status == "error"
    assert any("no product" in m for m in row.messages)


def test_units_in_headers_are_applied(workspace: Workspace) -> None:
    rows: list[Row] = [
        ["Part number", "Family", "Gewicht [kg]", "Price (EUR)", "Lead time (weeks)"],
        ["P-9", "NdFeB", "0.002", "1.5", 6],
    ]
    row = check(rows, workspace, kind="parts").rows[0]
    assert row.status == "ok", row.problems()
    assert row.record["stated_mass_g"] == pytest.approx(2.0)
    assert (row.record["unit_price"], row.record["currency"]) == (1.5, "EUR")
    assert row.record["lead_time_days"] == 42


def test_parts_modes(workspace: Workspace) -> None:
    rows: list[Row] = [
        ["Part number", "Grade", "Notes"],
        ["M-1", "N45SH", "x"],
        ["P-2", "N35", ""],
    ]
    add = check(rows, workspace, kind="parts", mode="add").rows
    assert [r.status for r in add] == ["error", "ok"]
    assert "already exists" in add[0].messages[0]
    assert add[1].record["family"] == "sintered_ndfeb"  # from the grade
    update = check(rows, workspace, kind="parts", mode="update").rows
    assert [(r.status, r.action) for r in update] == [("ok", "update"), ("error", "insert")]
    assert "no part P-2" in update[1].messages[0]
    replace = check(rows, workspace, kind="parts", mode="replace").rows
    assert [(r.status, r.action) for r in replace] == [("ok", "update"), ("ok", "insert")]


def test_parts_need_a_family(workspace: Workspace) -> None:
    rows: list[Row] = [["Part number", "Description"], ["P-3", "spacer"]]
    row = check(rows, workspace, kind="parts").rows[0]
    assert row.cells["family"].status == "error"


def test_keyed_duplicates_with_same_values_are_imported_once(workspace: Workspace) -> None:
    rows: list[Row] = [["Part number", "Grade"], ["P-4", "N42"], ["p-4", "N42"], ["P-5", "N42"]]
    first, second, _ = check(rows, workspace, kind="parts").rows
    assert (first.action, second.action) == ("insert", "skip")
    assert first.status == second.status == "warning"


def test_keyed_duplicates_with_other_values_are_errors_on_both(workspace: Workspace) -> None:
    rows: list[Row] = [["Part number", "Grade"], ["P-4", "N42"], ["P-4", "N52"]]
    assert [r.status for r in check(rows, workspace, kind="parts").rows] == ["error", "error"]


def test_stock_of_an_unknown_part(workspace: Workspace) -> None:
    rows: list[Row] = [["Part number", "On hand"], ["M-1", 500], ["ZZZ", 5]]
    known, unknown = check(rows, workspace, kind="stock").rows
    assert known.status == "ok"
    assert known.record == {"on_hand": 500.0, "part_id": known.record["part_id"]}
    assert unknown.status == "error"


def test_orders_resolve_parts_and_suppliers(workspace: Workspace) -> None:
    rows: list[Row] = [
        ["PO", "Part number", "Supplier", "Qty", "ETA"],
        ["PO-1", "M-1", "ningbo magnet co", 1000, "2027-03-01"],
        ["PO-2", "M-1", "Nobody Ltd", 10, "01.04.2027"],
    ]
    good, bad = check(rows, workspace, kind="orders").rows
    assert good.status == "ok", good.problems()
    assert set(good.record) >= {"reference", "part_id", "supplier_id", "quantity"}
    assert bad.cells["supplier"].status == "error"


def test_build_plan_wide(workspace: Workspace) -> None:
    rows: list[Row] = [["Product", "Jan 2027", "Feb 2027"], ["Motor M7", 100, "lots"]]
    row = check(rows, workspace, kind="build-plan").rows[0]
    assert row.record == {"2027-01-01": 100.0}
    assert row.cells["2027-02-01"].status == "error"
    assert any("will be created" in m for m in row.messages)


def test_cancel_stops_validation(workspace: Workspace) -> None:
    rows: list[Row] = [["Description", "Qty"], ["magnet 6x3", 1]]
    with pytest.raises(ImportCancelledError):
        check(rows, workspace, product="P", monitor=Monitor(cancel=lambda: True))


def test_progress_is_reported(workspace: Workspace) -> None:
    seen: list[tuple[int, int]] = []
    body: list[Row] = [["magnet 6x3", 1] for _ in range(5)]
    rows: list[Row] = [["Description", "Qty"], *body]
    check(
        rows, workspace, product="P", monitor=Monitor(progress=lambda a, b: seen.append((a, b)))
    )
    assert seen[-1] == (5, 5)


def test_summary_counts(workspace: Workspace) -> None:
    rows: list[Row] = [["Description", "Qty"], ["magnet 6x3", 1], ["screw", 2], ["magnet", "x"]]
    summary = check(rows, workspace, product="P").summary()
    assert summary == {
        "rows": 3, "ok": 1, "warnings": 1, "errors": 1, "insert": 2, "update": 0, "skip": 1,
    }  # fmt: skip


def test_a_missing_quantity_column_is_an_error_on_every_imported_row(
    workspace: Workspace,
) -> None:
    rows: list[Row] = [["Description", "Notes"], ["magnet 6x3", "x"], ["screw", ""]]
    preview = check(rows, workspace, product="P")
    magnet, screw = preview.rows
    assert magnet.status == "error"
    assert "no column for Quantity" in magnet.messages[-1]
    assert screw.action == "skip"
    assert preview.notes
