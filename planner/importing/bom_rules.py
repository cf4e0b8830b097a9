"""The BOM rules applied to read lines: magnet or not, the part a line uses or creates,
the line's record, and the columns the commit writes for both."""

from __future__ import annotations

from itertools import compress
from typing import TYPE_CHECKING, Any, NamedTuple

from planner.families import Family
from planner.grades import GradeError, parse_grade
from planner.importing.bulk import DEFAULT, Columns, columns_of
from planner.importing.row_result import Derived, row_column, store_of
from planner.importing.row_rules import RECORD_COLUMNS, RENAMES, skip_row
from planner.importing.validate import ERROR, OK, WARNING, values_of
from planner.shapes import DimensionError, parse_dimensions

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from planner.importing.field_specs import Lookups
    from planner.importing.magnet_text import MagnetGuess
    from planner.importing.row_result import RowStore
    from planner.importing.validate import ImportPreview, RowResult


_PLACEHOLDERS = frozenset({"link", "-", "—", "n/a", "na", "tbd", "?", "none", "x", "0"})


def _is_link(text: str | None) -> bool:
    return bool(text) and str(text).lower().startswith(("http://", "https://", "www."))


_BOM_VALUES = (
    *("parent", "name", "description", "part_number", "mass_g"),
    *("family", "grade", "dimensions", "shape", "supplier"),
)
_PART_EXTRAS = ("mass_g", "coating", "unit_price", "currency", "lead_time_days", "moq")
_PART_EXTRA_COLUMNS = tuple(RENAMES["parts"].get(name, name) for name in _PART_EXTRAS)


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
        (RENAMES["parts"].get(name, name), values[name])
        for name in _PART_EXTRAS
        if name in values
    ]
    known, product = lookups.parts, preview.product
    check_lines = preview.mode != "add" or bool(lookups.bom_lines)
    shared = {"parent": product, "magnet_source": _MAGNET_SOURCE, "record": _BOM_RECORD}
    store = _share(block, shared)
    made: list[Any] = [None] * len(block)  # the part each line creates
    lines = zip(block, *(values.get(name, blank) for name in _BOM_VALUES), strict=True)
    for position, line in enumerate(lines):
        row, parent, name, description, number, _ = line[:6]
        family, grade, dims, shape, supplier = line[6:]
        if parent:
            row.parent = parent
        else:
            parent = product
        existing = None
        if number:  # folded once: a long BOM's time goes on its plain lines (`make bench`)
            folded = number.lower()
            if _placeholder(number, folded):
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
                made[position] = _STATED_PART
            else:
                extras = {
                    c: v for c, column in extra_columns if (v := column[position]) is not None
                }
                text = _line_text(name, description)
                stated = _Stated(family, grade, dims, shape, supplier)
                made[position] = _new_part(row, text, lookups, stated, extras)
        if check_lines:
            _bom_mode(preview, row, lookups)
    _put_made(block, store, made)


def _put_made(block: Sequence[RowResult], store: RowStore | None, made: list[Any]) -> None:
    """Set the part each line creates (None: none), through the store when it holds
    exactly the block's rows."""
    if store is not None:
        store.put_all("new_part", made)
        return
    for row, part in zip(block, made, strict=True):
        row.new_part = part


def _share(block: Sequence[RowResult], values: dict[str, Any]) -> RowStore | None:
    """Give every row of the block the same values; return the block's store when the
    block is exactly its rows (the store then keeps each value once)."""
    store = store_of(block)
    for attribute, value in values.items():
        if store is not None:
            store.share(attribute, value)
        else:
            for row in block:
                setattr(row, attribute, value)
    return store


def _placeholder(number: str, folded: str) -> bool:
    """Whether a part number cell holds no real number ("-", "TBD", a link ...);
    `folded` is the number in lower case."""
    return folded in _PLACEHOLDERS or (number[0] in "hHwW" and _is_link(number))


def _line_text(name: str | None, description: str | None) -> str:
    return f"{name} {description}" if name and description else name or description or ""


def _magnet_source(row: RowResult) -> tuple[str, float | None]:
    """A BOM line's text (or else its part number) and stated mass, for `recognise`."""
    number = row.value("part_number")
    text = _line_text(row.value("name"), row.value("description"))
    real = number if number and not _placeholder(number, number.lower()) else None
    return (text or real or "", row.value("mass_g"))


_BOM_RECORD_FIELDS = tuple(name for name, _ in RECORD_COLUMNS["bom"])
_STATED_FIELDS = ("name", "description", "family", "grade", "shape", "dimensions")


def _bom_record(row: RowResult) -> dict[str, Any]:
    """A BOM line's own values: quantity, scrap, note, position."""
    found = row.values(*_BOM_RECORD_FIELDS)
    columns = RECORD_COLUMNS["bom"]
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
    columns = [column for _, column in RECORD_COLUMNS["bom"]]
    if set(map(type, row_column(rows, "record"))) <= {Derived}:
        return dict(zip(columns, values_of(rows, _BOM_RECORD_FIELDS), strict=True))
    records = [row.record for row in rows]
    return {column: [record.get(column) for record in records] for column in columns}


def new_parts_of(rows: list[RowResult]) -> Columns:
    """Return the parts BOM lines create, column by column, worked out a batch at a time
    where derived."""
    derives = [type(part) is Derived for part in row_column(rows, "new_part")]
    derived = list(compress(rows, derives))
    name, description, family, grade, shape, dims, *extras = values_of(
        derived, (*_STATED_FIELDS, *_PART_EXTRAS)
    )
    stated: dict[str, list[Any]] = {
        "part_number": row_column(derived, "keys"),
        "description": [_line_text(n, d)[:500] for n, d in zip(name, description, strict=True)],
        "family": family, "grade": grade, "shape": shape, "dimensions": dims,
        "form": ["bare"] * len(derived),
    }  # fmt: skip
    stated.update(zip(_PART_EXTRA_COLUMNS, extras, strict=True))
    if len(derived) == len(rows):
        return Columns(len(rows), stated)
    # Some lines' parts were filled in from their text while they were checked.
    given = columns_of(
        [row.new_part or {} for row, d in zip(rows, derives, strict=True) if not d]
    )
    merged: dict[str, list[Any]] = {}
    for column in dict.fromkeys([*stated, *given.values]):
        from_stated = iter(stated.get(column) or [DEFAULT] * len(derived))
        from_given = iter(given.values.get(column) or [DEFAULT] * given.size)
        merged[column] = [
            next(from_stated) if derive else next(from_given) for derive in derives
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
    skip_row(row, f"not a magnet: skipped{held}")
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
