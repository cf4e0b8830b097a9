"""Per-kind rules applied to a read row: keys and modes, references, duplicates (BOM lines:
bom_rules.py)."""

from __future__ import annotations

from array import array
from datetime import date
from itertools import compress
from typing import TYPE_CHECKING, Any

from planner.fields import Context
from planner.grades import parse_grade
from planner.importing.magnet_text import grade_in_text, recognise
from planner.importing.row_result import SKIP, row_columns
from planner.importing.validate import (
    ERROR,
    OK,
    WARNING,
    CellResult,
    read_cell,
    values_of,
)
from planner.shapes import parse_dimensions

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from planner.importing.field_specs import Lookups
    from planner.importing.validate import ImportPreview, RowResult

# Field -> table column where they differ; other fields keep their name.
RENAMES: dict[str, dict[str, str]] = {
    "parts": {"mass_g": "stated_mass_g", "supplier": "supplier_id"},
    "stock": {},
    "orders": {
        "order_reference": "reference", "supplier": "supplier_id", "order_quantity": "quantity",
    },
    "licences": {"licence_reference": "reference", "supplier": "supplier_id",
                 "licence_kind": "kind"},
    "suppliers": {"supplier_name": "name", "supplier_kind": "kind"},
    "bom": {"quantity": "pieces_per_unit"},
}  # fmt: skip
_RECORD_FIELDS: dict[str, frozenset[str]] = {
    "stock": frozenset({"on_hand", "safety_stock", "counted_on"}),
    "bom": frozenset({"quantity", "scrap_pct", "note", "position"}),
    "parts": frozenset(
        {"part_number", "description", "family", "grade", "shape", "dimensions", "mass_g"}
        | {"coating", "form", "measured_dy_pct", "measured_tb_pct", "supplier", "unit_price"}
        | {"currency", "lead_time_days", "moq", "order_multiple", "notes"}
    ),
    "orders": frozenset(
        {"order_reference", "supplier", "order_quantity", "order_date", "expected_arrival"}
        | {"status", "unit_price", "currency"}
    ),
}
_SLICE = 10_000  # rows looked at together for duplicates
_WHAT = {
    "parts": "part", "stock": "stock of part", "orders": "order", "licences": "licence",
    "suppliers": "supplier",
}  # fmt: skip


def sheet_row(row: RowResult) -> str:
    """Return how people name a row: its 1-based number in the sheet."""
    return f"row {row.source_row + 1}"


def _record_fields(kind: str) -> tuple[tuple[str, str], ...]:
    """Return (field, column) pairs a kind's record takes from the cells, in field order."""
    from planner.importing.field_specs import KIND_FIELDS

    names = _RECORD_FIELDS.get(kind)
    renames = RENAMES.get(kind, {})
    fields = [n for n in KIND_FIELDS[kind] if names is None or n in names]
    return tuple((name, renames.get(name, name)) for name in fields)


RECORD_COLUMNS = {kind: _record_fields(kind) for kind in RENAMES}
_RECORD_NAMES = {kind: tuple(n for n, _ in pairs) for kind, pairs in RECORD_COLUMNS.items()}


def _record(kind: str, row: RowResult) -> dict[str, Any]:
    """Return the record's column values: the kind's fields that hold a value."""
    pairs = RECORD_COLUMNS[kind]
    found = row.values(*_RECORD_NAMES[kind])
    return {column: v for (_, column), v in zip(pairs, found, strict=True) if v is not None}


def _keyed(preview: ImportPreview, row: RowResult, key: str | None, existing: Any) -> None:
    what = _WHAT[preview.kind]
    row.key = key
    if existing is None:
        row.action = "insert"
        if preview.mode == "update":
            row.note(f"no {what} {key} in the workspace; use mode add to create it", ERROR)
        return
    row.action, row.target = "update", existing
    if preview.mode == "add":
        row.note(f"{what} {key} already exists; use mode update or replace to change it", ERROR)


def apply_kind_rules(
    preview: ImportPreview, row: RowResult, rows: Sequence[Sequence[object]], lookups: Lookups
) -> None:
    """Apply the rules of the preview's kind to one read row."""
    kind = preview.kind
    if kind == "bom":
        from planner.importing.bom_rules import bom_rules  # it builds on this module

        values = {name: [cell.value] for name, cell in row.cells.items()}
        bom_rules(preview, [row], values, lookups)
    elif kind == "build-plan":
        _build_plan(preview, row, rows, lookups)
    else:
        row.record = _record(kind, row)
        {"parts": _part, "stock": _stock, "orders": _order}.get(kind, _plain)(
            preview, row, lookups
        )


def _plain(preview: ImportPreview, row: RowResult, lookups: Lookups) -> None:
    if preview.kind == "suppliers":
        name = row.value("supplier_name")
        _keyed(preview, row, name, lookups.supplier_id(name) if name else None)
    else:  # licences
        ref = row.value("licence_reference")
        _keyed(preview, row, ref, lookups.licences.get(ref.lower()) if ref else None)


def _part(preview: ImportPreview, row: RowResult, lookups: Lookups) -> None:
    number = row.value("part_number")
    found = lookups.parts.get(number.lower()) if number else None
    _keyed(preview, row, number, found[0] if found else None)
    text = " ".join(t for t in (row.value("name"), row.value("description")) if t)
    if text and "description" not in row.record:
        row.record["description"] = text[:500]
    if row.value("family") is None and row.value("grade"):
        row.record["family"] = parse_grade(row.value("grade")).family.value
    if "family" not in row.record and text:
        _family_from_text(row, text)
    if "family" not in row.record and row.action == "insert":
        reason = "Family is required: name it (NdFeB, SmCo, ferrite ...) or give a grade"
        row.cells["family"] = CellResult(None, ERROR, reason)
        row.raise_to(ERROR)
    dims = row.value("dimensions")
    if dims and row.value("shape") is None:
        row.record["shape"] = parse_dimensions(dims).shape.value
    if row.action == "insert":
        row.record.setdefault("form", "bare")


def _family_from_text(row: RowResult, text: str) -> None:
    guess = recognise(text)
    grade = grade_in_text(text)
    if grade is not None:
        row.record["family"] = grade.family.value
        if row.value("grade") is None:
            row.record["grade"] = grade.text
    elif guess.is_magnet and guess.family is not None and not guess.family_assumed:
        row.record["family"] = guess.family.value
    if "family" in row.record:
        row.note(f"family {row.record['family']} read from the description", OK)


def _part_id(row: RowResult, lookups: Lookups) -> int | None:
    number = row.value("part_number")
    found = lookups.parts.get(number.lower()) if number else None
    if number and found is None:
        row.note(f"no part {number} in the workspace; import or add the part first", ERROR)
    return found[0] if found else None


def _stock(preview: ImportPreview, row: RowResult, lookups: Lookups) -> None:
    part_id = _part_id(row, lookups)
    stocked = part_id if part_id in lookups.stock else None
    _keyed(preview, row, row.value("part_number"), stocked)
    row.record["part_id"] = part_id
    if row.action == "update":
        row.target = part_id


def _order(preview: ImportPreview, row: RowResult, lookups: Lookups) -> None:
    row.record["part_id"] = _part_id(row, lookups)
    licence = row.value("licence")
    if licence:
        row.record["licence_id"] = lookups.licences.get(licence.lower())
        if row.record["licence_id"] is None:
            row.note(f"no licence {licence} in the workspace; import licences first", ERROR)
    reference = row.value("order_reference")
    if reference is None and preview.mode != "add":
        row.note("updating orders needs an order reference column", ERROR)
    found = lookups.orders.get(reference.lower()) if reference else None
    _keyed(preview, row, reference, found)


def skip_row(row: RowResult, message: str) -> None:
    # A row is at least as bad as its worst cell: an ok row has no cell to soften, and
    # reading its cells would keep a dict of them per skipped line (most of a product's
    # BOM is not magnets).
    soften = row.status != OK
    row.action = "skip"
    row.status = OK
    for name, cell in list(row.cells.items()) if soften else ():
        if cell.status != OK:
            reason = f"{cell.reason} (the line is not imported anyway)"
            row.cells[name] = CellResult(cell.value, WARNING, reason)
            row.raise_to(WARNING)
    row.messages.append(message)


def _build_plan(
    preview: ImportPreview, row: RowResult, rows: Sequence[Sequence[object]], lookups: Lookups
) -> None:
    product = row.value("product")
    row.parent = row.key = product
    cells = rows[row.source_row]
    mapping = preview.mapping
    for column, period in sorted(mapping.periods.items(), key=lambda item: item[1]):
        raw = cells[column] if column < len(cells) else None
        cell = read_cell("build-plan", "build_quantity", raw, None, Context())
        row.cells[period.isoformat()] = cell
        row.raise_to(cell.status)
        if cell.value is not None:
            row.record[period.isoformat()] = cell.value
    if not mapping.periods:
        period, quantity = row.value("period"), row.value("build_quantity")
        if period is None or quantity is None:
            row.note("a period and a quantity are needed", ERROR)
        else:
            row.record[period.isoformat()] = quantity
            row.key = f"{product} {period.isoformat()}"
    product_id = lookups.products.get((product or "").lower())
    if product and product_id is None:
        row.note(f"product {product} is not in the workspace: it will be created", WARNING)
    taken = [p for p in row.record if (product_id, date.fromisoformat(p)) in lookups.plan]
    row.action = "update" if taken else "insert"
    if preview.mode == "add" and taken:
        row.note(f"{product} already has quantities for {', '.join(taken)}", ERROR)
    if preview.mode == "update" and len(taken) < len(row.record):
        missing = [p for p in row.record if p not in taken]
        row.note(f"{product} has no quantity yet for {', '.join(missing)}", ERROR)


def mark_duplicates(preview: ImportPreview) -> None:
    """Report rows with the same key on every row involved; never drop one silently."""
    rows = preview.rows
    kept = bytearray()  # per row: whether its key counts (`may_repeat` reads every hash)
    if not may_repeat(_key_hashes(preview, kept)):
        return  # the usual case: nothing to report
    assert len(kept) == len(rows)
    keyed = list(compress(rows, kept))
    groups: dict[tuple[str, str], list[RowResult]] = {}
    for row in keyed:
        groups.setdefault(((row.parent or "").lower(), (row.key or "").lower()), []).append(row)
    while groups:  # popped one by one: freeing 500,000 groups at once held the GIL 0.1 s
        _, same = groups.popitem()
        if len(same) < 2:
            continue
        for row in same:
            others = ", ".join(sheet_row(r) for r in same if r is not row)
            if preview.kind == "bom":
                row.note(f"part {row.key} is also on {others}: both lines are kept", WARNING)
            elif all(_folded(r.record) == _folded(same[0].record) for r in same):
                row.note(f"{row.key} is also on {others} with the same values", WARNING)
                if row is not same[0]:
                    row.action = "skip"
                    row.messages.append(f"imported once, from {sheet_row(same[0])}")
            else:
                row.note(f"{row.key} is also on {others} with other values: keep one", ERROR)


def _key_hashes(preview: ImportPreview, kept: bytearray) -> Iterator[int]:
    """Hash the (parent, key) of each row whose key counts, noting in `kept` which do.

    Rows are taken a slice at a time: the columns of every row at once held ~5 MB at the
    check's peak (`make bench`, import memory).
    """
    rows, bom = preview.rows, preview.kind == "bom"
    for start in range(0, len(rows), _SLICE):
        part = rows[start : start + _SLICE]
        actions, keys, parents, made = row_columns(
            part, "actions", "keys", "parent", "new_part"
        )
        lines = zip(actions, keys, strict=True)
        counts = [action != SKIP and bool(key) for action, key in lines]
        if bom:  # a key made up for a line without a part number is unique
            (numbers,) = values_of(part, ("part_number",))
            made_up = zip(counts, made, keys, numbers, strict=True)
            counts = [count and (new is None or key == n) for count, new, key, n in made_up]
        kept.extend(counts)
        pairs = zip(compress(parents, counts), compress(keys, counts), strict=True)
        yield from (hash(((p or "").lower(), (k or "").lower())) for p, k in pairs)


def may_repeat(codes: Iterable[int]) -> bool:
    """Whether a hash comes twice (a hint only: the caller's exact grouping decides).

    Kept cheap on 500,000 rows: a set of every key tuple held the GIL for ~0.1 s to build
    and again to free (`make bench`, GUI latency), and so does sorting 500,000 hashes.
    They are kept in 16 arrays by their low bits, each checked with a set of its own:
    one set of 100,000 hashes held ~9 MB at once.
    """
    parts = [array("q") for _ in range(16)]
    for code in codes:
        parts[code & 15].append(code)
    return any(len(set(part)) < len(part) for part in parts)


def _folded(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v.casefold() if isinstance(v, str) else v for k, v in record.items()}
