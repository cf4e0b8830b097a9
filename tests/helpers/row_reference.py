"""The cell-by-cell row reader the bulk ColumnReader replaced, kept as a test oracle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from planner.families import Family
from planner.fields import Context
from planner.importing.field_specs import KIND_FIELDS
from planner.importing.validate import OK, CellResult, RowResult, read_cell
from planner.shapes import Shape

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from planner.importing.mapping import ColumnMapping


def _context_after(context: Context, name: str, value: Any) -> Context:
    if name == "family" and value is not None:
        return Context(family=Family(value), shape=context.shape, suppliers=context.suppliers)
    if name == "shape" and value is not None:
        return Context(family=context.family, shape=Shape(value), suppliers=context.suppliers)
    return context


def read_row(
    rows: Sequence[Sequence[object]],
    row: int,
    mapping: ColumnMapping,
    suppliers: Mapping[str, int],
) -> RowResult:
    """Read every mapped cell of one row, in field order (family before grade ...)."""
    cells = rows[row]
    result = RowResult.alone(row)
    context = Context(suppliers=suppliers)
    by_field = {m.field: m for m in mapping.matches.values()}
    for name in KIND_FIELDS[mapping.kind]:
        match = by_field.get(name)
        if match is None:
            continue
        raw = cells[match.column] if match.column < len(cells) else None
        cell = read_cell(mapping.kind, name, raw, match.unit, context)
        unit = match.unit
        priced = name == "unit_price" and cell.value is not None
        if priced and unit is not None and unit.isupper() and "currency" not in by_field:
            result.cells["currency"] = CellResult(unit, OK, "currency from the header")
        result.cells[name] = cell
        result.raise_to(cell.status)
        context = _context_after(context, name, cell.value)
    return result
