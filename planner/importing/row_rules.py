"""Per-kind rules applied to a read row: keys and modes, references, magnets, duplicates."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from planner.families import Family
from planner.fields import Context
from planner.grades import GradeError, parse_grade
from planner.importing.magnet_text import grade_in_text, recognise
from planner.importing.validate import ERROR, OK, WARNING, CellResult, read_cell
from planner.shapes import DimensionError, parse_dimensions

if TYPE_CHECKING:
    from collections.abc import Sequence

    from planner.importing.field_specs import Lookups
    from planner.importing.magnet_text import MagnetGuess
    from planner.importing.validate import ImportPreview, RowResult

# Field -> table column where they differ; other fields keep their name.
_RENAMES: dict[str, dict[str, str]] = {
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
_WHAT = {
    "parts": "part", "stock": "stock of part", "orders": "order", "licences": "licence",
    "suppliers": "supplier",
}  # fmt: skip


def _recognised(text: str, stated_mass_g: float | None, lookups: Lookups) -> MagnetGuess:
    """Return `recognise(text)`, remembered for this validation in `lookups.memo`.

    A long BOM names the same magnets many times. A MagnetGuess is frozen and never
    changed after it is made, so rows may share one.
    """
    key = ("recognise", text, stated_mass_g)
    guess: MagnetGuess | None = lookups.memo.get(key)
    if guess is None:
        guess = lookups.memo[key] = recognise(text, stated_mass_g=stated_mass_g)
    return guess


def sheet_row(row: RowResult) -> str:
    """Return how people name a row: its 1-based number in the sheet."""
    return f"row {row.source_row + 1}"


def _record(kind: str, row: RowResult, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    names = _RECORD_FIELDS.get(kind)
    renames = _RENAMES.get(kind, {})
    return {
        renames.get(name, name): cell.value
        for name, cell in row.cells.items()
        if cell.value is not None and name not in skip and (names is None or name in names)
    }


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
        _bom(preview, row, lookups)
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


def _skip(row: RowResult, message: str) -> None:
    row.action = "skip"
    row.status = OK
    for name, cell in list(row.cells.items()):
        if cell.status != OK:
            reason = f"{cell.reason} (the line is not imported anyway)"
            row.cells[name] = CellResult(cell.value, WARNING, reason)
            row.raise_to(WARNING)
    row.messages.append(message)


_PLACEHOLDERS = frozenset({"link", "-", "—", "n/a", "na", "tbd", "?", "none", "x", "0"})


def _is_link(text: str | None) -> bool:
    return bool(text) and str(text).lower().startswith(("http://", "https://", "www."))


def _real_part_number(row: RowResult) -> str | None:
    number: str | None = row.value("part_number")
    if number and (number.strip().lower() in _PLACEHOLDERS or _is_link(number)):
        row.note(f"{number!r} is not a part number: one is generated", OK)
        return None
    return number


def _bom(preview: ImportPreview, row: RowResult, lookups: Lookups) -> None:
    parent = row.value("parent") or preview.product
    row.parent = parent
    text = " ".join(t for t in (row.value("name"), row.value("description")) if t)
    number = _real_part_number(row)
    existing = lookups.parts.get(number.lower()) if number else None
    guess = _recognised(text or number or "", row.value("mass_g"), lookups)
    row.magnet = guess
    explicit = any(row.value(n) for n in ("family", "grade", "dimensions"))
    if existing is None and not guess.is_magnet and not explicit:
        held = "; contains magnets (information only)" if guess.contains_magnets else ""
        _skip(row, f"not a magnet: skipped{held}")
        return
    if not parent:
        row.note("no product: add a parent column or name the product (--product)", ERROR)
    row.record = _record("bom", row)
    if existing is not None:
        row.key = existing[1]
        row.note(f"uses existing part {existing[1]}", OK)
    else:
        row.key = number or f"{parent}-{row.source_row + 1}"
        if row.key.lower() in lookups.parts:
            row.note(f"uses existing part {row.key}", OK)
        else:
            row.new_part = _new_part(row, text, lookups)
    _bom_mode(preview, row, lookups)


def _new_part(row: RowResult, text: str, lookups: Lookups) -> dict[str, Any]:
    guess = row.magnet
    assert guess is not None
    grade = row.value("grade") or guess.grade
    family = row.value("family")
    if family is None and row.value("grade"):
        family = parse_grade(row.value("grade")).family.value
    family = family or (guess.family.value if guess.family else "sintered_ndfeb")
    if grade and not row.value("grade"):
        try:
            parse_grade(grade, family=Family(family))
        except GradeError as exc:
            row.note(f"grade {grade} from the text dropped: {exc.reason}", WARNING)
            grade = None
    dims = row.value("dimensions") or guess.dimensions
    shape = row.value("shape")
    if dims and not shape:
        try:
            shape = parse_dimensions(dims).shape.value
        except DimensionError:
            shape = guess.shape.value if guess.shape else None
    if guess.family_assumed and not row.value("family") and not grade:
        row.note("no magnet family named: sintered NdFeB assumed, please check", WARNING)
    if not dims:
        row.note("no dimensions found: mass per piece unknown", WARNING)
    values: dict[str, Any] = {
        "part_number": row.key, "description": text[:500], "family": family,
        "grade": grade, "shape": shape, "dimensions": dims, "form": "bare",
    }  # fmt: skip
    for name in ("mass_g", "coating", "unit_price", "currency", "lead_time_days", "moq"):
        if row.value(name) is not None:
            values[_RENAMES["parts"].get(name, name)] = row.value(name)
    supplier = row.value("supplier")
    if _is_link(supplier):
        values["notes"] = f"source: {supplier}"
    elif supplier:
        values["supplier_id"] = lookups.supplier_id(supplier)
        if values["supplier_id"] is None:
            row.note(f"supplier {supplier!r} is not in the workspace: part has none", WARNING)
    return values


def _bom_mode(preview: ImportPreview, row: RowResult, lookups: Lookups) -> None:
    parent_id = lookups.products.get((row.parent or "").lower())
    part = lookups.parts.get((row.key or "").lower())
    line = lookups.bom_lines.get((parent_id, part[0])) if parent_id and part else None
    if preview.mode == "add" and line is not None:
        row.note(
            f"{row.parent} already has a line for {row.key}; use mode update or replace",
            ERROR,
        )
    elif preview.mode == "update":
        if line is None:
            row.note(f"{row.parent} has no line for {row.key}; use mode add", ERROR)
        row.action, row.target = "update", line


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
    groups: dict[tuple[str, str], list[RowResult]] = {}
    for row in preview.rows:
        if row.action == "skip" or not row.key:
            continue
        if (
            preview.kind == "bom"
            and row.new_part is not None
            and row.key != row.value("part_number")
        ):
            continue
        groups.setdefault(((row.parent or "").lower(), row.key.lower()), []).append(row)
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


def _folded(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v.casefold() if isinstance(v, str) else v for k, v in record.items()}
