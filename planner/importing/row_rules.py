"""Per-kind rules applied to a read row: keys and modes, references, magnets, duplicates."""

from __future__ import annotations

from array import array
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from planner.families import Family
from planner.fields import Context
from planner.grades import GradeError, parse_grade
from planner.importing.bulk import DEFAULT, Columns, columns_of
from planner.importing.magnet_text import grade_in_text, recognise
from planner.importing.validate import (
    ERROR,
    OK,
    WARNING,
    CellResult,
    Derived,
    read_cell,
    values_of,
)
from planner.shapes import DimensionError, parse_dimensions

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

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


def sheet_row(row: RowResult) -> str:
    """Return how people name a row: its 1-based number in the sheet."""
    return f"row {row.source_row + 1}"


def _record_fields(kind: str) -> tuple[tuple[str, str], ...]:
    """Return (field, column) pairs a kind's record takes from the cells, in field order."""
    from planner.importing.field_specs import KIND_FIELDS

    names = _RECORD_FIELDS.get(kind)
    renames = _RENAMES.get(kind, {})
    fields = [n for n in KIND_FIELDS[kind] if names is None or n in names]
    return tuple((name, renames.get(name, name)) for name in fields)


_RECORD_COLUMNS = {kind: _record_fields(kind) for kind in _RENAMES}
_RECORD_NAMES = {kind: tuple(n for n, _ in pairs) for kind, pairs in _RECORD_COLUMNS.items()}


def _record(kind: str, row: RowResult) -> dict[str, Any]:
    """Return the record's column values: the kind's fields that hold a value."""
    pairs = _RECORD_COLUMNS[kind]
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


def _skip(row: RowResult, message: str) -> None:
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


_PLACEHOLDERS = frozenset({"link", "-", "—", "n/a", "na", "tbd", "?", "none", "x", "0"})


def _is_link(text: str | None) -> bool:
    return bool(text) and str(text).lower().startswith(("http://", "https://", "www."))


_BOM_VALUES = (
    *("parent", "name", "description", "part_number", "mass_g"),
    *("family", "grade", "dimensions", "shape", "supplier"),
)
_PART_EXTRAS = ("mass_g", "coating", "unit_price", "currency", "lead_time_days", "moq")
_PART_EXTRA_COLUMNS = tuple(_RENAMES["parts"].get(name, name) for name in _PART_EXTRAS)


def bom_rules(
    preview: ImportPreview,
    block: Sequence[RowResult],
    values: Mapping[str, Sequence[Any]],
    lookups: Lookups,
) -> None:
    """Apply the BOM rules to a block of read rows; `values` holds each field's values.

    Rows are taken a block at a time, with each field's values at hand, because a long
    BOM is mostly plain lines: this is ~3× quicker than looking the values up row by row
    (`make bench`, import of 100,000 lines). A line's record, its magnet text and, when
    its columns state the whole magnet, the part it creates are `Derived` from its cells
    when asked rather than stored (~100 MB less for 100,000 lines).
    """
    blank: list[Any] = [None] * len(block)
    extra_columns = [
        (_RENAMES["parts"].get(name, name), values[name])
        for name in _PART_EXTRAS
        if name in values
    ]
    known, product = lookups.parts, preview.product
    check_lines = preview.mode != "add" or bool(lookups.bom_lines)
    lines = zip(block, *(values.get(name, blank) for name in _BOM_VALUES), strict=True)
    for position, line in enumerate(lines):
        row, parent, name, description, number, _ = line[:6]
        family, grade, dims, shape, supplier = line[6:]
        parent = parent or product
        row.parent = parent
        row.magnet_source = _MAGNET_SOURCE
        row.record = _BOM_RECORD
        existing = None
        if number:  # folded once: a long BOM's time goes on its plain lines (`make bench`)
            folded = number.lower()
            if folded in _PLACEHOLDERS or (number[0] in "hHwW" and _is_link(number)):
                row.note(f"{number!r} is not a part number: one is generated", OK)
                number = None
            elif known:
                existing = known.get(folded)
        if existing is None and not (family or grade or dims) and _not_a_magnet(row):
            continue
        if not parent:
            row.note("no product: add a parent column or name the product (--product)", ERROR)
        if existing is not None:
            row.key = existing[1]
            row.note(f"uses existing part {existing[1]}", OK)
        else:
            # A stated number is not a known part (looked up above); a made-up one may be.
            key = row.key = number or f"{parent}-{row.source_row + 1}"
            if not number and key.lower() in known:
                row.note(f"uses existing part {key}", OK)
            elif family and grade and dims and shape and not supplier:  # all stated
                row.new_part = _STATED_PART
            else:
                extras = {
                    c: v for c, column in extra_columns if (v := column[position]) is not None
                }
                text = _line_text(name, description)
                stated = _Stated(family, grade, dims, shape, supplier)
                row.new_part = _new_part(row, text, lookups, stated, extras)
        if check_lines:
            _bom_mode(preview, row, lookups)


def _placeholder(number: str) -> bool:
    """Whether a part number cell holds no real number ("-", "TBD", a link ...)."""
    return number.lower() in _PLACEHOLDERS or (number[0] in "hHwW" and _is_link(number))


def _line_text(name: str | None, description: str | None) -> str:
    return f"{name} {description}" if name and description else name or description or ""


def _magnet_source(row: RowResult) -> tuple[str, float | None]:
    """A BOM line's text (or else its part number) and stated mass, for `recognise`."""
    number = row.value("part_number")
    text = _line_text(row.value("name"), row.value("description"))
    real = number if number and not _placeholder(number) else None
    return (text or real or "", row.value("mass_g"))


_BOM_RECORD_FIELDS = tuple(name for name, _ in _RECORD_COLUMNS["bom"])
_STATED_FIELDS = ("name", "description", "family", "grade", "shape", "dimensions")


def _bom_record(row: RowResult) -> dict[str, Any]:
    """A BOM line's own values: quantity, scrap, note, position."""
    found = row.values(*_BOM_RECORD_FIELDS)
    columns = _RECORD_COLUMNS["bom"]
    return {c: v for (_, c), v in zip(columns, found, strict=True) if v is not None}


def _stated_part(row: RowResult) -> dict[str, Any]:
    """The part a BOM line creates when its columns state family, grade, size and shape."""
    name, description, family, grade, shape, dims, *extras = row.values(
        *_STATED_FIELDS, *_PART_EXTRAS
    )
    part: dict[str, Any] = {
        "part_number": row.key, "description": _line_text(name, description)[:500],
        "family": family, "grade": grade, "shape": shape, "dimensions": dims, "form": "bare",
    }  # fmt: skip
    for column, extra in zip(_PART_EXTRA_COLUMNS, extras, strict=True):
        if extra is not None:
            part[column] = extra
    return part


def bom_records_of(rows: list[RowResult]) -> dict[str, list[Any]]:
    """Return the records of BOM lines column by column (None where a line states
    nothing), worked out a batch at a time where derived."""
    columns = [column for _, column in _RECORD_COLUMNS["bom"]]
    if all(row.derives_record for row in rows):
        return dict(zip(columns, values_of(rows, _BOM_RECORD_FIELDS), strict=True))
    records = [row.record for row in rows]
    return {column: [record.get(column) for record in records] for column in columns}


def new_parts_of(rows: list[RowResult]) -> Columns:
    """Return the parts BOM lines create, column by column, worked out a batch at a time
    where derived."""
    derived = [row for row in rows if row.derives_new_part]
    name, description, family, grade, shape, dims, *extras = values_of(
        derived, (*_STATED_FIELDS, *_PART_EXTRAS)
    )
    stated: dict[str, list[Any]] = {
        "part_number": [row.key for row in derived],
        "description": [_line_text(n, d)[:500] for n, d in zip(name, description, strict=True)],
        "family": family, "grade": grade, "shape": shape, "dimensions": dims,
        "form": ["bare"] * len(derived),
    }  # fmt: skip
    stated.update(zip(_PART_EXTRA_COLUMNS, extras, strict=True))
    if len(derived) == len(rows):
        return Columns(len(rows), stated)
    # Some lines' parts were filled in from their text while they were checked.
    given = columns_of([row.new_part or {} for row in rows if not row.derives_new_part])
    merged: dict[str, list[Any]] = {}
    for column in dict.fromkeys([*stated, *given.values]):
        from_stated = iter(stated.get(column) or [DEFAULT] * len(derived))
        from_given = iter(given.values.get(column) or [DEFAULT] * given.size)
        merged[column] = [
            next(from_stated) if row.derives_new_part else next(from_given) for row in rows
        ]
    return Columns(len(rows), merged)


_MAGNET_SOURCE = Derived(_magnet_source)
_BOM_RECORD = Derived(_bom_record)
_STATED_PART = Derived(_stated_part)


def _not_a_magnet(row: RowResult) -> bool:
    """Skip a line whose text names no loose magnet; return True when skipped."""
    guess = _guessed(row)
    if guess.is_magnet:
        return False
    held = "; contains magnets (information only)" if guess.contains_magnets else ""
    _skip(row, f"not a magnet: skipped{held}")
    return True


class _Stated(NamedTuple):
    """What a BOM line's own columns say about its magnet."""

    family: str | None
    grade: str | None
    dimensions: str | None
    shape: str | None
    supplier: str | None


def _new_part(
    row: RowResult, text: str, lookups: Lookups, stated: _Stated, extras: dict[str, Any]
) -> dict[str, Any]:
    """Return the values of the part a BOM line creates; the text fills what columns lack."""
    family = stated.family
    grade = stated.grade or _guessed(row).grade
    if family is None and stated.grade:
        family = parse_grade(stated.grade).family.value
    if not family:
        guessed = _guessed(row).family
        family = guessed.value if guessed else "sintered_ndfeb"
    if grade and not stated.grade:
        try:
            parse_grade(grade, family=Family(family))
        except GradeError as exc:
            row.note(f"grade {grade} from the text dropped: {exc.reason}", WARNING)
            grade = None
    dims = stated.dimensions or _guessed(row).dimensions
    shape = stated.shape
    if dims and not shape:
        try:
            shape = parse_dimensions(dims).shape.value
        except DimensionError:
            guessed_shape = _guessed(row).shape
            shape = guessed_shape.value if guessed_shape else None
    if not stated.family and not grade and _guessed(row).family_assumed:
        row.note("no magnet family named: sintered NdFeB assumed, please check", WARNING)
    if not dims:
        row.note("no dimensions found: mass per piece unknown", WARNING)
    part: dict[str, Any] = {
        "part_number": row.key, "description": text[:500], "family": family,
        "grade": grade, "shape": shape, "dimensions": dims, "form": "bare",
    }  # fmt: skip
    part |= extras
    supplier = stated.supplier
    if _is_link(supplier):
        part["notes"] = f"source: {supplier}"
    elif supplier:
        part["supplier_id"] = lookups.supplier_id(supplier)
        if part["supplier_id"] is None:
            row.note(f"supplier {supplier!r} is not in the workspace: part has none", WARNING)
    return part


def _guessed(row: RowResult) -> MagnetGuess:
    guess = row.magnet
    assert guess is not None
    return guess


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
    keyed = [row for row in preview.rows if row.action != "skip" and row.key]
    if preview.kind == "bom":  # a key made up for a line without a part number is unique
        (numbers,) = values_of(keyed, ("part_number",))
        keyed = [
            row
            for row, number in zip(keyed, numbers, strict=True)
            if not (row.has_new_part and row.key != number)
        ]
    if not _may_repeat(keyed):  # the usual case: nothing to report
        return
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


def _may_repeat(rows: list[RowResult]) -> bool:
    """Whether two rows may share a (parent, key): True on any repeated hash.

    Hashes keep this cheap on 500,000 rows: a set of every key tuple held the GIL for
    ~0.1 s to build and again to free (`make bench`, GUI latency). They are kept in 16
    arrays by their low bits, each checked with a set of its own: one set of 100,000
    hashes held ~9 MB at once. A repeated hash is only a hint; the exact grouping decides.
    """
    parts = [array("q") for _ in range(16)]
    for row in rows:
        code = hash(((row.parent or "").lower(), (row.key or "").lower()))
        parts[code & 15].append(code)
    return any(len(set(part)) < len(part) for part in parts)


def _folded(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v.casefold() if isinstance(v, str) else v for k, v in record.items()}
