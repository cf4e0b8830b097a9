"""Commit: one transaction, audit rows, and an undo that restores the workspace exactly."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select

from planner.importing.commit import ImportRefusedError, commit, undo_import
from planner.importing.mapping import map_columns
from planner.importing.row_result import Derived, row_column
from planner.importing.table import guess_table
from planner.importing.validate import ImportCancelledError, ImportPreview, Monitor, validate
from planner.schema import AuditEntry, Base, BomLine, Licence, Part, Product, Supplier
from planner.workspace import ValidationError, Workspace

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

Row = list[object]


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.create(tmp_path / "w.magplan")
    ws.insert(Supplier(name="Ningbo Magnet Co", country="CN"), operation="t")
    part, _ = ws.insert(Part(part_number="M-1", family="sintered_ndfeb"), operation="t")
    product, _ = ws.insert(Product(name="Motor"), operation="t")
    ws.insert(
        BomLine(parent_id=product.id, child_part_id=part.id, pieces_per_unit=16), operation="t"
    )
    yield ws
    ws.close()


def dump(workspace: Workspace) -> dict[str, list[dict[str, Any]]]:
    """Return every table but the audit log, row by row, in key order."""
    tables: dict[str, list[dict[str, Any]]] = {}
    with workspace.transaction() as session:
        for table in Base.metadata.sorted_tables:
            if table.name == "audit_log":
                continue
            rows = session.execute(select(table).order_by(*table.primary_key.columns))
            tables[table.name] = [dict(r._mapping) for r in rows]
    return tables


def prepare(
    rows: list[Row], workspace: Workspace, kind: str = "bom", **options: Any
) -> ImportPreview:
    guess = guess_table(rows)
    return validate(rows, guess, map_columns(rows, guess, kind), workspace, **options)


BOM: list[Row] = [
    ["Part #", "Description", "Qty"],
    ["", "6x3mm Neodimium Magnet", 8],
    ["MAG-52", "N52 12x5x3mm magnet", 4],
    ["", "NEMA 17 stepper motor", 2],
    ["M-1", "rotor segment", 12],
]


def test_bom_import_creates_product_parts_and_lines_and_undo_restores(
    workspace: Workspace,
) -> None:
    before = dump(workspace)
    audits = workspace.count(AuditEntry)
    preview = prepare(BOM, workspace, product="Printer")
    result = commit(workspace, preview)
    assert list(result.imported_rows) == [1, 2, 4]
    assert result.skipped_rows == {
        3: "not a magnet: skipped; contains magnets (information only)"
    }
    assert len(result.inserted["products"]) == 1
    assert len(result.inserted["parts"]) == 2
    assert len(result.inserted["bom_lines"]) == 3
    parts = {p.part_number: p for p in workspace.all(Part)}
    assert parts["Printer-2"].dimensions == "disc ⌀6 × 3 mm"
    assert (parts["MAG-52"].grade, parts["MAG-52"].shape) == ("N52", "block")
    # One audit entry per record added one by one (the product), one per bulk table.
    assert workspace.count(AuditEntry) == audits + 3
    entries = {e.entity: e for e in workspace.all(AuditEntry)[audits:]}
    new_parts, lines = result.inserted["parts"], result.inserted["bom_lines"]
    assert entries["parts"].after == {"inserted": 2, "keys": [[new_parts[0], new_parts[-1]]]}
    assert entries["bom_lines"].after == {"inserted": 3, "keys": [[lines[0], lines[-1]]]}
    assert list(lines) == list(range(lines[0], lines[0] + 3))
    assert entries["bom_lines"].operation == "import bom"
    assert {c.entity for c in result.changes} == {"products", "parts", "bom_lines"}
    undo_import(workspace, result)
    assert dump(workspace) == before


def test_a_bom_update_that_only_changes_lines_writes_no_new_ones(
    workspace: Workspace,
) -> None:
    rows: list[Row] = [["Part number", "Description", "Qty"], ["MAG-9", "N42 magnet 10x5x2", 3]]
    commit(workspace, prepare(rows, workspace, product="Pump"))
    rows[1][2] = 5
    result = commit(workspace, prepare(rows, workspace, product="Pump", mode="update"))
    assert "bom_lines" not in result.inserted
    assert [line.pieces_per_unit for line in workspace.all(BomLine)][-1] == 5.0
    undo_import(workspace, result)
    assert [line.pieces_per_unit for line in workspace.all(BomLine)][-1] == 3.0


def test_replace_mode_replaces_the_products_lines_and_undo_brings_them_back(
    workspace: Workspace,
) -> None:
    before = dump(workspace)
    rows: list[Row] = [["Description", "Qty"], ["N42 magnet 10x5x2", 3]]
    result = commit(workspace, prepare(rows, workspace, product="Motor", mode="replace"))
    lines = workspace.all(BomLine)
    assert [line.pieces_per_unit for line in lines] == [3.0]
    assert len(result.deleted["bom_lines"]) == 1
    undo_import(workspace, result)
    assert dump(workspace) == before


def test_update_mode_and_undo_restore_previous_values_and_versions(
    workspace: Workspace,
) -> None:
    before = dump(workspace)
    rows: list[Row] = [
        ["Part number", "Grade", "Unit price", "Currency"],
        ["M-1", "N45SH", 2, "€"],
    ]
    result = commit(workspace, prepare(rows, workspace, kind="parts", mode="update"))
    part = workspace.all(Part)[0]
    assert (part.grade, part.unit_price, part.currency, part.version) == (
        "N45SH",
        2.0,
        "EUR",
        2,
    )
    assert result.updated["parts"][0][1]["grade"] is None
    undo_import(workspace, result)
    assert dump(workspace) == before


def test_rows_with_errors_refuse_the_whole_import(workspace: Workspace) -> None:
    before = dump(workspace)
    rows: list[Row] = [
        ["Description", "Qty"],
        ["N42 magnet 10x5x2", 3],
        ["N35 magnet 6x3", "~3M"],
    ]
    preview = prepare(rows, workspace, product="Printer")
    with pytest.raises(ImportRefusedError, match="1 row"):
        commit(workspace, preview)
    assert dump(workspace) == before
    result = commit(workspace, preview, skip_errors=True)
    assert list(result.imported_rows) == [1]
    assert "not a number" in result.skipped_rows[2]


def test_a_refused_record_rolls_everything_back(workspace: Workspace) -> None:
    before = dump(workspace)
    preview = prepare(BOM, workspace, product="Printer")
    preview.rows[-1].record["pieces_per_unit"] = -1  # the workspace's CHECK refuses it
    with pytest.raises(ValidationError):
        commit(workspace, preview)
    assert dump(workspace) == before


def test_cancel_writes_nothing(workspace: Workspace) -> None:
    before = dump(workspace)
    calls = iter([False, True])
    preview = prepare(BOM * 60, workspace, product="Printer")
    with pytest.raises(ImportCancelledError):
        commit(workspace, preview, monitor=Monitor(cancel=lambda: next(calls, True)))
    assert dump(workspace) == before


def test_build_plan_wide_import_and_undo(workspace: Workspace) -> None:
    before = dump(workspace)
    rows: list[Row] = [["Product", "Jan 2027", "Feb 2027"], ["Motor", 100, 120], ["New", 5, ""]]
    seen: list[tuple[int, int]] = []
    preview = prepare(rows, workspace, kind="build-plan")
    result = commit(
        workspace, preview, monitor=Monitor(progress=lambda a, b: seen.append((a, b)))
    )
    assert len(result.inserted["build_plan"]) == 3
    assert result.inserted["build_plan"][0][1] == date(2027, 1, 1)
    assert seen[-1] == (2, 2)
    again = prepare(rows, workspace, kind="build-plan", mode="replace")
    second = commit(workspace, again)
    assert len(second.updated["build_plan"]) == 3
    undo_import(workspace, second)
    undo_import(workspace, result)
    assert dump(workspace) == before


@pytest.mark.parametrize(
    ("kind", "rows"),
    [
        ("suppliers", [["Name", "Country", "Lead time"], ["Pune Magnetics", "India", 56]]),
        ("stock", [["Part number", "On hand", "Safety stock"], ["M-1", 500, 100]]),
        ("orders", [["PO", "Part number", "Supplier", "Qty"],
                    ["PO-1", "M-1", "Ningbo Magnet Co", 5]]),
        ("licences", [["Licence", "Supplier", "Status", "Submitted"],
                      ["L-1", "Ningbo Magnet Co", "submitted", "2026-11-02"]]),
        ("parts", [["Part number", "Description", "Dimensions"],
                   ["P-7", "N42SH ring", "10x5x3 ring"]]),
    ],
)  # fmt: skip
def test_other_kinds_import_and_undo(kind: str, rows: list[Row], workspace: Workspace) -> None:
    before = dump(workspace)
    preview = prepare(rows, workspace, kind=kind)
    assert not preview.has_errors, [r.problems() for r in preview.rows]
    result = commit(workspace, preview)
    assert sum(len(keys) for keys in result.inserted.values()) == 1
    undo_import(workspace, result)
    assert dump(workspace) == before


def test_bulk_rows_read_back_as_the_orm_would_write_them(workspace: Workspace) -> None:
    """The bulk path converts values with the column types: dates, floats, JSON, booleans."""
    suppliers: list[Row] = [
        ["Name", "Country", "Certifications", "Chinese owned", "Capacity"],
        ["Pune Magnetics", "India", "IATF 16949, ISO 9001", "no", 120],
    ]
    commit(workspace, prepare(suppliers, workspace, kind="suppliers"))
    pune = next(s for s in workspace.all(Supplier) if s.name == "Pune Magnetics")
    assert pune.certifications == ["IATF 16949", "ISO 9001"]
    assert pune.capabilities == {}  # the column's default, made for the row
    assert pune.chinese_owned is False
    assert pune.capacity_t_per_year == 120.0
    assert isinstance(pune.capacity_t_per_year, float)
    licences: list[Row] = [
        ["Licence", "Supplier", "Status", "Submitted", "Approved quantity"],
        ["L-9", "Pune Magnetics", "submitted", "02.11.2026", 5000],
    ]
    commit(workspace, prepare(licences, workspace, kind="licences"))
    licence = next(x for x in workspace.all(Licence) if x.reference == "L-9")
    assert licence.submitted_on == date(2026, 11, 2)
    assert licence.quantity_approved == 5000.0
    assert licence.version == 1


@pytest.mark.parametrize(
    "note", ["O'Brien's spare", "Robert'); DROP TABLE parts;--", "ünïcode ⌀8", "", "1.5"]
)
def test_a_value_shared_by_every_row_is_stored_exactly(note: str, workspace: Workspace) -> None:
    """Values the same on every row are written as SQL literals: quotes must survive."""
    rows: list[Row] = [["Part number", "Description", "Qty", "Note"]]
    rows += [[f"Q-{i}", "N42 magnet 10x5x2", 2, note] for i in range(3)]
    commit(workspace, prepare(rows, workspace, product="Quote test"))
    product = next(p for p in workspace.all(Product) if p.name == "Quote test")
    lines = [line for line in workspace.all(BomLine) if line.parent_id == product.id]
    assert [line.note for line in lines] == [note] * 3
    assert [line.pieces_per_unit for line in lines] == [2.0] * 3
    assert workspace.count(Part) >= 3


def test_lines_left_blank_take_the_defaults_and_stated_values_win(
    workspace: Workspace,
) -> None:
    """Blank cells take the column's default (scrap 0 %, no note, the sheet row as the
    position); a part stated in columns and one filled in from its text share a batch."""
    rows: list[Row] = [
        ["Pos", "Part number", "Description", "Qty", "Scrap", "Note", "Family", "Grade",
         "Shape", "Dimensions", "Coating"],
        [10, "S-1", "rotor magnet", 4, 2, "keep dry", "NdFeB", "N42SH", "block", "10x5x2",
         "Zn"],
        [None, "S-2", "rotor magnet", 6, None, None, "NdFeB", "N45UH", "block", "12x6x3",
         None],
        [30, "S-3", "N52 disc magnet 8x2mm", 1, None, "", None, None, None, None, None],
    ]  # fmt: skip
    preview = prepare(rows, workspace, product="Rotor")
    made = row_column(preview.rows, "new_part")  # stated in columns, or from the text
    assert [isinstance(part, Derived) for part in made] == [True, True, False]
    result = commit(workspace, preview)
    assert list(result.imported_rows) == [1, 2, 3]
    product = next(p for p in workspace.all(Product) if p.name == "Rotor")
    lines = {
        line.child_part_id: line
        for line in workspace.all(BomLine)
        if line.parent_id == product.id
    }
    parts = {p.part_number: p for p in workspace.all(Part)}
    one, two, three = (lines[parts[n].id] for n in ("S-1", "S-2", "S-3"))
    assert (one.position, one.pieces_per_unit, one.scrap_pct, one.note) == (
        10,
        4,
        2,
        "keep dry",
    )
    assert (two.position, two.pieces_per_unit, two.scrap_pct, two.note) == (2, 6, 0.0, "")
    assert (three.position, three.scrap_pct, three.note) == (30, 0.0, "")
    assert (parts["S-1"].grade, parts["S-1"].dimensions, parts["S-1"].coating) == (
        "N42SH", "block 10 × 5 × 2 mm", "Zn",
    )  # fmt: skip
    assert parts["S-2"].coating is None
    assert (parts["S-3"].grade, parts["S-3"].shape) == ("N52", "disc")
    assert parts["S-3"].description == "N52 disc magnet 8x2mm"
    assert {p.form for p in parts.values() if p.part_number.startswith("S-")} == {"bare"}


def test_part_numbers_differing_only_in_case_make_one_part(workspace: Workspace) -> None:
    rows: list[Row] = [
        ["Part number", "Description", "Qty"],
        ["MAG-7", "N42 magnet 10x5x2", 2],
        ["mag-7", "N42 magnet 10x5x2", 3],
        ["m-1", "rotor segment", 1],  # the fixture's M-1
    ]
    result = commit(workspace, prepare(rows, workspace, product="Case"))
    assert len(result.inserted["parts"]) == 1
    parts = {p.part_number.lower(): p.id for p in workspace.all(Part)}
    product = next(p for p in workspace.all(Product) if p.name == "Case")
    children = [
        line.child_part_id for line in workspace.all(BomLine) if line.parent_id == product.id
    ]
    assert Counter(children) == Counter([parts["mag-7"], parts["mag-7"], parts["m-1"]])


def test_a_part_deleted_after_the_check_refuses_the_import(workspace: Workspace) -> None:
    rows: list[Row] = [["Part number", "Qty"], ["M-1", 4]]
    preview = prepare(rows, workspace, product="Late")
    with workspace.transaction() as session:
        session.delete(session.scalars(select(Part).where(Part.part_number == "M-1")).one())
    before = dump(workspace)
    with pytest.raises(ValidationError, match="part M-1 no longer exists"):
        commit(workspace, preview)
    assert dump(workspace) == before


def test_many_rows_are_written_in_order_with_their_own_values(workspace: Workspace) -> None:
    """Rows go to SQLite several per statement: 123 parts (whole groups and a remainder)
    each keep their values, in the sheet's order, and undo takes them all back."""
    before = dump(workspace)
    rows: list[Row] = [["Part number", "Description", "Grade", "Unit price (EUR)"]]
    rows += [
        [f"B-{i:03d}", f"block magnet {i}", ("N42", "N52")[i % 2], i / 4] for i in range(123)
    ]
    result = commit(workspace, prepare(rows, workspace, kind="parts"))
    keys = list(result.inserted["parts"])
    assert len(keys) == 123
    by_key = {p.id: p for p in workspace.all(Part)}
    written = [by_key[key] for key in keys]
    assert [p.part_number for p in written] == [f"B-{i:03d}" for i in range(123)]
    assert [p.description for p in written] == [f"block magnet {i}" for i in range(123)]
    assert [p.grade for p in written] == [("N42", "N52")[i % 2] for i in range(123)]
    assert [p.unit_price for p in written] == [i / 4 for i in range(123)]
    undo_import(workspace, result)
    assert dump(workspace) == before
