"""Plan a paste of spreadsheet cells into the parts table: map columns, validate, report.

A row that lands on an existing part edits the pasted cells of that part; a row beyond the
last part becomes a new part. Every refused cell is reported and its whole row is left
out, so nothing is half-applied. No Qt here: the model turns the plan into undo commands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from planner.families import Family, family_info
from planner.fields import PART_FIELDS, Context, FieldError, spec
from planner.grades import GradeError, parse_grade
from planner.part_edit import new_part_values, supplier_lookup
from planner.shapes import DimensionError, Shape, parse_dimensions
from planner.tsv import PasteReport, Rejection

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from planner.workspace import Workspace

# Header words buyers' sheets use for each field, besides our own headers and labels.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "part_number": (
        "part no", "part no.", "part #", "p/n", "pn", "part", "part nr", "item", "item no",
        "item number", "article", "article no", "article number", "material number", "mpn",
    ),
    "description": ("desc", "name", "part description", "part name", "designation"),
    "family": ("magnet family", "material", "magnet material", "magnet type", "type"),
    "grade": ("magnet grade", "material grade"),
    "dimensions": ("dims", "dimension", "size", "size (mm)", "dimensions (mm)"),
    "stated_mass_g": (
        "mass", "mass (g)", "weight", "weight (g)", "piece weight", "unit weight",
        "mass per piece", "weight per piece",
    ),
    "coating": ("plating", "surface", "surface treatment"),
    "measured_dy_pct": ("dy", "dy %", "dy (wt%)", "dy wt%", "dysprosium", "measured dy"),
    "measured_tb_pct": ("tb", "tb %", "tb (wt%)", "tb wt%", "terbium", "measured tb"),
    "supplier_id": ("vendor", "supplier name", "vendor name", "manufacturer", "maker"),
    "unit_price": ("price", "price/pc", "price per piece", "unit cost", "cost", "piece price"),
    "currency": ("curr", "ccy", "cur"),
    "lead_time_days": ("lead time", "lt", "lead time days", "lt (days)", "lead"),
    "moq": ("min order qty", "minimum order quantity", "min. order qty", "min qty"),
    "order_multiple": ("multiple", "pack size", "order increment", "spq", "rounding"),
    "notes": ("note", "remarks", "remark", "comment", "comments"),
}  # fmt: skip
# Headers we recognise but never import: derived columns and quantities of other tables.
_READ_ONLY = ("mass per piece (g)", "licence", "license", "licence need", "qty", "quantity")


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum() or ch == "#")


def _header_fields() -> dict[str, str | None]:
    known: dict[str, str | None] = {_key(h): None for h in _READ_ONLY}
    for item in PART_FIELDS:
        for word in (item.header, item.label, item.name, *_SYNONYMS.get(item.name, ())):
            known[_key(word)] = item.name
    return known


HEADER_FIELDS = _header_fields()


class PasteTable(Protocol):
    """What the plan needs to know about the table it pastes into."""

    def rowCount(self) -> int:
        """Return the number of parts."""
        ...

    def field_values(self, row: int) -> dict[str, Any]:
        """Return the stored values of a row's part, with its "id"."""
        ...

    def number_owners(self) -> dict[str, int]:
        """Return part id by lower-case part number."""
        ...


@dataclass
class PastePlan:
    """What a paste will do.

    Attributes:
        edits: (part id, changed values) for rows that landed on existing parts.
        inserts: Values of each new part.
        report: Rows taken and cells refused.
    """

    edits: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    inserts: list[dict[str, Any]] = field(default_factory=list)
    report: PasteReport = field(default_factory=PasteReport)


def header_map(cells: Sequence[str]) -> dict[int, str | None] | None:
    """Return block column -> field (None: known but not imported) if `cells` are headers."""
    filled = [i for i, cell in enumerate(cells) if cell.strip()]
    keys = {i: _key(cells[i]) for i in filled}
    found = {i: HEADER_FIELDS[key] for i, key in keys.items() if key in HEADER_FIELDS}
    if not found or len(found) * 2 < len(filled):
        return None
    return found


def plan_paste(
    workspace: Workspace,
    block: Sequence[Sequence[str]],
    *,
    row: int,
    column: int,
    table: PasteTable,
    column_fields: Sequence[tuple[str, str | None]],
) -> PastePlan:
    """Return what pasting `block` with its top-left cell at (row, column) does.

    Args:
        workspace: The workspace (suppliers, new-part validation).
        block: Rows of cell texts; a first row of headers maps columns by name.
        row: Source row the first data row lands on.
        column: Column the first block column lands on when there are no headers.
        table: The parts table.
        column_fields: (header, field or None) of each table column, in order.
    """
    mapping = header_map(block[0]) if len(block) > 1 else None
    if mapping is not None:
        names = {j: block[0][j].strip() for j in mapping}
        data, first_line = block[1:], 2
    else:
        width = max(len(cells) for cells in block)
        spots = [(j, column + j) for j in range(width) if column + j < len(column_fields)]
        mapping = {j: column_fields[c][1] for j, c in spots}
        names = {j: column_fields[c][0] for j, c in spots}
        data, first_line = block, 1
    fields = {f: j for j, f in mapping.items() if f is not None}
    planner = _Planner(workspace, table, {f: names[j] for f, j in fields.items()})
    for offset, cells in enumerate(data):
        texts = {f: cells[j] for f, j in fields.items() if j < len(cells)}
        if any(text.strip() for text in texts.values()):
            planner.add(first_line + offset, row + offset, texts)
    return planner.plan


class _Planner:
    """Validates pasted rows one by one, remembering part numbers the paste claims."""

    def __init__(self, workspace: Workspace, table: PasteTable, names: dict[str, str]) -> None:
        self.workspace, self.table, self.names = workspace, table, names
        self.suppliers = supplier_lookup(workspace)
        self.owners = table.number_owners()
        self.claimed: dict[str, int] = {}
        self.plan = PastePlan()

    def add(self, line: int, target: int, texts: dict[str, str]) -> None:
        """Validate one pasted row and add it to the plan or the rejections."""
        if target < self.table.rowCount():
            current = self.table.field_values(target)
            values, errors = _read_edit(current, texts, self.suppliers)
            part_id: int | None = current["id"]
        else:
            values, errors = self._read_new(texts)
            part_id = None
        number = values.get("part_number")
        if number is not None and not errors:
            errors = self._number_errors(number, part_id)
        if errors:
            self.plan.report.rejected.extend(
                Rejection(line, self._name(e.field), texts.get(e.field, ""), e.reason)
                for e in errors
            )
            return
        if number is not None:
            self.claimed[number.lower()] = line
        self.plan.report.accepted += 1
        if part_id is None:
            self.plan.inserts.append(values)
            return
        changed = {k: v for k, v in values.items() if v != current.get(k)}
        if changed:
            self.plan.edits.append((part_id, changed))

    def _name(self, field_name: str) -> str:
        return self.names.get(field_name) or spec(PART_FIELDS, field_name).header

    def _read_new(self, texts: dict[str, str]) -> tuple[dict[str, Any], list[FieldError]]:
        try:
            return new_part_values(self.workspace, texts), []
        except FieldError as first:
            # Read every cell to report all that are refused, not just the first.
            _, errors = _read_fields(texts, {}, self.suppliers, every_field=True)
            return {}, errors or [first]

    def _number_errors(self, number: str, part_id: int | None) -> list[FieldError]:
        key = number.lower()
        owner = self.owners.get(key)
        if owner is not None and owner != part_id:
            return [FieldError("part_number", f"part number {number} already exists")]
        if key in self.claimed:
            line = self.claimed[key]
            reason = f"part number {number} is also in pasted row {line}"
            return [FieldError("part_number", reason)]
        return []


def _read_fields(
    texts: Mapping[str, str],
    current: Mapping[str, Any],
    suppliers: dict[str, int],
    *,
    every_field: bool = False,
) -> tuple[dict[str, Any], list[FieldError]]:
    """Read pasted texts in field order, each in its row's family and shape context."""
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    family, shape = current.get("family"), current.get("shape")
    for item in PART_FIELDS:
        if item.name not in texts and not every_field:
            continue
        context = Context(
            family=Family(family) if family else None,
            shape=Shape(shape) if shape else None,
            suppliers=suppliers,
        )
        try:
            value = item.read(texts.get(item.name), context)
        except FieldError as exc:
            errors.append(exc)
            continue
        values[item.name] = value
        if item.name == "family":
            family = value
        elif item.name == "shape":
            shape = value
        elif item.name == "dimensions" and value is not None and "shape" not in texts:
            shape = values["shape"] = parse_dimensions(value).shape.value
    return values, errors


def _read_edit(
    current: Mapping[str, Any], texts: Mapping[str, str], suppliers: dict[str, int]
) -> tuple[dict[str, Any], list[FieldError]]:
    """Read pasted cells of an existing part; refuse a family or shape its data no longer fits.

    The checks match `planner.part_edit.part_changes`, applied to several cells at once.
    """
    values, errors = _read_fields(texts, current, suppliers)
    family, grade = values.get("family"), current.get("grade")
    if family is not None and "grade" not in texts and grade:
        try:
            parse_grade(grade, family=Family(family))
        except GradeError as exc:
            label = family_info(Family(family)).label
            reason = (
                f"grade {grade} does not fit {label} ({exc.reason}); change or clear the "
                "grade first"
            )
            errors.append(FieldError("family", reason))
    shape, dims = values.get("shape"), current.get("dimensions")
    if shape is not None and "shape" in texts and "dimensions" not in texts and dims:
        try:
            parse_dimensions(dims, shape=Shape(shape))
        except DimensionError:
            reason = (
                f"the dimensions {dims} do not describe a {shape}; edit the dimensions instead"
            )
            errors.append(FieldError("shape", reason))
    return values, errors
