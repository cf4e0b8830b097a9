"""Check every row of an import before anything is written: a reason per cell, never a guess.

Each data row becomes a RowResult (ok, warning or error) with a CellResult per field, read
through the same FieldSpecs as editing and paste. Duplicate keys are reported on every row
involved, naming the others, and never silently dropped. Quantities such as "~3M", "many",
"1 pair" or "2-3" are errors, and so are Excel errors (#N/A) in number and date columns.

Modes: `add` creates new records only (an existing key is an error), `update` changes
records found by key (an unknown key is an error; empty cells keep the stored value) and
`replace` makes the records the file names match it (BOM: the product's lines are replaced;
build plan: the product's quantities in the file's periods).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from planner.fields import Context, FieldError
from planner.importing.field_specs import NUMERIC, UNIT_FACTORS, Lookups, field_spec
from planner.importing.table import cell_text, error_code

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from planner.importing.cell_block import CellBlock
    from planner.importing.magnet_text import MagnetGuess
    from planner.importing.mapping import ColumnMapping
    from planner.importing.table import TableGuess
    from planner.workspace import Workspace

MODES = ("add", "update", "replace")
_BLOCK = 10_000  # rows read at once, between progress reports and cancel checks
OK, WARNING, ERROR = "ok", "warning", "error"
_RANK = {OK: 0, WARNING: 1, ERROR: 2}


class ImportCancelledError(Exception):
    """The user cancelled a long import step; nothing was written."""


@dataclass(frozen=True)
class Monitor:
    """Callbacks for long steps: progress reports and a cancel request.

    Attributes:
        progress: Called with (done, total) now and then.
        cancel: Polled; returning True stops the step (nothing is written).
    """

    progress: Callable[[int, int], None] | None = None
    cancel: Callable[[], bool] | None = None

    def tick(self, done: int, total: int) -> None:
        """Report progress and raise ImportCancelledError when cancel asks to stop."""
        if self.cancel is not None and self.cancel():
            raise ImportCancelledError("cancelled: nothing was written")
        if self.progress is not None:
            self.progress(done, total)


class CellResult(NamedTuple):
    """One field of one row: the value to store, or why it cannot be.

    Attributes:
        value: The parsed value (None when empty or refused).
        status: "ok", "warning" or "error".
        reason: Why, when the status is not ok.
    """

    value: Any
    status: str = OK
    reason: str = ""


class Derived:
    """A row's values worked out from its cells whenever asked (`make(row)`), not stored.

    One instance serves every row of a kind, so a long import keeps no per-row copy.
    """

    __slots__ = ("make",)

    def __init__(self, make: Callable[[RowResult], Any]) -> None:
        self.make = make


class RowResult:
    """One data row of the sheet after validation.

    Attributes:
        source_row: 0-based row index in the sheet.
        status: "ok", "warning" or "error" (the worst of its cells and messages).
        messages: Row-level messages, in words a buyer understands.
        cells: Field -> result, for the mapped fields.
        action: "insert", "update" or "skip".
        key: The record's key (part number, product name, order reference ...).
        target: Primary key of the existing record an update changes.
        record: Column values to write to the kind's table.
        parent: BOM and build plan: the product name.
        new_part: BOM: values of the magnet part to create, when it does not exist.
        magnet_source: BOM: the line's text and stated mass, read by `magnet` when asked.

    `cells` may come from a CellBlock (made when first asked for); `record`, `new_part`
    and `magnet_source` may be `Derived` from the cells each time they are read. Set them
    to change them.
    """

    # No slot for the row's place in its block: an int object per row cost ~3 MB on
    # 100,000 lines (`make bench`); the block finds the row by `source_row`.
    __slots__ = (
        "_cells",  # the row's own cells, or the CellBlock they are read from
        "_magnet_source",
        "_messages",
        "_new_part",
        "_record",
        "action",
        "key",
        "parent",
        "source_row",
        "status",
        "target",
    )

    def __init__(
        self,
        source_row: int,
        status: str = OK,
        cells: dict[str, CellResult] | None = None,
        *,
        block: CellBlock | None = None,
    ) -> None:
        self.source_row = source_row
        self.status = status
        self._messages: list[str] | None = None
        self._cells: dict[str, CellResult] | CellBlock = (
            cells if cells is not None else block if block is not None else {}
        )
        self.action = "insert"
        self.key: str | None = None
        self.target: Any = None
        self._record: dict[str, Any] | Derived = {}
        self.parent: str | None = None
        self._new_part: dict[str, Any] | Derived | None = None
        self._magnet_source: tuple[str, float | None] | Derived | None = None

    def __repr__(self) -> str:
        return f"RowResult(row {self.source_row + 1}, {self.status}, {self.action})"

    @property
    def messages(self) -> list[str]:
        """Row-level messages, in words a buyer understands (made when first needed)."""
        if self._messages is None:
            self._messages = []
        return self._messages

    @property
    def cells(self) -> dict[str, CellResult]:
        """Field -> result, for the mapped fields."""
        cells = self._cells
        if not isinstance(cells, dict):
            cells = self._cells = cells.cells_of(self.source_row)
        return cells

    @property
    def record(self) -> dict[str, Any]:
        """Column values to write to the kind's table (kept once asked for)."""
        record = self._record
        if isinstance(record, Derived):
            record = self._record = record.make(self)
        return record

    @record.setter
    def record(self, values: dict[str, Any] | Derived) -> None:
        self._record = values

    @property
    def new_part(self) -> dict[str, Any] | None:
        """BOM: values of the magnet part to create, when it does not exist (kept once
        asked for)."""
        part = self._new_part
        if isinstance(part, Derived):
            part = self._new_part = part.make(self)
        return part

    @new_part.setter
    def new_part(self, values: dict[str, Any] | Derived | None) -> None:
        self._new_part = values

    @property
    def derives_record(self) -> bool:
        """Whether `record` is worked out from the cells when asked (not stored)."""
        return isinstance(self._record, Derived)

    @property
    def derives_new_part(self) -> bool:
        """Whether `new_part` is worked out from the cells when asked (not stored)."""
        return isinstance(self._new_part, Derived)

    def values(self, *names: str) -> list[Any]:
        """Return the parsed values of some fields (None when absent, empty or refused)."""
        cells = self._cells
        if not isinstance(cells, dict):
            return cells.values(names, self.source_row)
        return [self.value(name) for name in names]

    @property
    def has_new_part(self) -> bool:
        """BOM: whether the line creates a part (without working its values out)."""
        return self._new_part is not None

    @property
    def magnet_source(self) -> tuple[str, float | None] | None:
        """BOM: the line's text and stated mass, read by `magnet` when asked."""
        source = self._magnet_source
        return source.make(self) if isinstance(source, Derived) else source

    @magnet_source.setter
    def magnet_source(self, source: tuple[str, float | None] | Derived | None) -> None:
        self._magnet_source = source

    @property
    def magnet(self) -> MagnetGuess | None:
        """BOM: what the line's text says about a magnet (worked out when asked).

        Explicit family, grade and size columns settle most lines without it; the preview
        asks only for the rows it shows.
        """
        source = self.magnet_source
        if source is None:
            return None
        from planner.importing.magnet_text import recognise

        text, stated_mass_g = source
        return recognise(text, stated_mass_g=stated_mass_g)

    def note(self, message: str, status: str = OK) -> None:
        """Add a message and raise the row's status to at least `status`."""
        self.messages.append(message)
        self.raise_to(status)

    def raise_to(self, status: str) -> None:
        """Raise the row's status to at least `status`."""
        if _RANK[status] > _RANK[self.status]:
            self.status = status

    def value(self, name: str) -> Any:
        """Return the parsed value of a field (None when absent, empty or refused)."""
        cells = self._cells
        if not isinstance(cells, dict):
            return cells.value(name, self.source_row)
        cell = cells.get(name)
        return cell.value if cell is not None else None

    def problems(self) -> list[str]:
        """Return every cell reason and non-ok message, for reports."""
        cells = [f"{n}: {c.reason}" for n, c in self.cells.items() if c.status != OK]
        return cells + [m for m in self._messages or () if m]


def values_of(rows: Sequence[RowResult], names: tuple[str, ...]) -> list[list[Any]]:
    """Return, per field in `names`, the parsed value of each row (None where absent).

    Rows still reading their cells from a block are taken a run at a time, field by field:
    a commit of 100,000 lines works its records out this way (`make bench`).
    """
    columns: list[list[Any]] = [[] for _ in names]
    start, count = 0, len(rows)
    while start < count:
        block = rows[start]._cells
        if isinstance(block, dict):
            for column, name in zip(columns, names, strict=True):
                column.append(rows[start].value(name))
            start += 1
            continue
        stop = start + 1
        while stop < count and rows[stop]._cells is block:
            stop += 1
        sources = [row.source_row for row in rows[start:stop]]
        for column, found in zip(columns, block.take(names, sources), strict=True):
            column.extend(found)
        start = stop
    return columns


@dataclass
class ImportPreview:
    """The validated import, ready to show, export as an error workbook, or commit.

    Attributes:
        kind: Import kind.
        mode: "add", "update" or "replace".
        rows: One result per data row.
        mapping: The column mapping used.
        guess: The table found in the sheet.
        product: The product a BOM without a parent column goes under.
        notes: Import-wide remarks (products to create, ignored columns ...).
    """

    kind: str
    mode: str
    rows: list[RowResult]
    mapping: ColumnMapping
    guess: TableGuess
    product: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        """Whether any row has an error."""
        return any(r.status == ERROR for r in self.rows)

    def summary(self) -> dict[str, int]:
        """Return row counts by status and by action."""
        counts = {"rows": len(self.rows), OK: 0, "warnings": 0, "errors": 0}
        counts |= {"insert": 0, "update": 0, "skip": 0}
        for row in self.rows:
            counts[{OK: OK, WARNING: "warnings", ERROR: "errors"}[row.status]] += 1
            counts[row.action] += 1
        return counts


def read_cell(
    kind: str, name: str, raw: object, unit: str | None, context: Context
) -> CellResult:
    """Read one cell into a field's value with the field's own rules and the header's unit."""
    spec = field_spec(kind, name)
    code = error_code(raw)
    if code is not None:
        if name in NUMERIC:
            return CellResult(None, ERROR, f"Excel error {code} in the file")
        return CellResult(None, WARNING, f"Excel error {code} in the file: left empty")
    text = cell_text(raw)
    if text and unit:
        text = _with_unit(name, text, unit)
    try:
        return CellResult(spec.read(text, context))
    except FieldError as exc:
        return CellResult(None, ERROR, exc.reason)


def _with_unit(name: str, text: str, unit: str) -> str:
    factor = UNIT_FACTORS.get((name, unit))
    if factor is not None:
        from planner.values import ValueReadError, parse_number

        try:
            return repr(parse_number(text) * factor)
        except ValueReadError:
            return text
    if (
        name == "dimensions"
        and unit in {"mm", "cm", "in"}
        and not any(ch.isalpha() or ch == '"' for ch in text.replace("x", "").replace("X", ""))
    ):
        return f"{text} {unit}"
    return text


def validate(
    rows: Sequence[Sequence[object]],
    guess: TableGuess,
    mapping: ColumnMapping,
    workspace: Workspace,
    *,
    mode: str = "add",
    product: str | None = None,
    monitor: Monitor | None = None,
) -> ImportPreview:
    """Validate every data row of the table; nothing is written.

    Args:
        rows: The sheet's cells.
        guess: Where the table is.
        mapping: Which column fills which field.
        workspace: Where existing records are looked up.
        mode: "add", "update" or "replace".
        product: BOM: the product the lines go under when there is no parent column.
        monitor: Progress and cancel callbacks; cancelling raises ImportCancelledError.
    """
    from planner.importing.bom_rules import bom_rules
    from planner.importing.row_rules import apply_kind_rules, mark_duplicates

    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
    from planner.importing.column_read import ColumnReader

    lookups = Lookups.load(workspace)
    preview = ImportPreview(mapping.kind, mode, [], mapping, guess, product)
    data_rows = guess.data_rows()
    monitor = monitor or Monitor()
    reader = ColumnReader(mapping, lookups.suppliers)
    for start in range(0, len(data_rows), _BLOCK):
        monitor.tick(start, len(data_rows))
        block = reader.read(rows, data_rows[start : start + _BLOCK])
        if mapping.kind == "bom":
            bom_rules(preview, block.rows, block.values, lookups)
        else:
            for result in block.rows:
                apply_kind_rules(preview, result, rows, lookups)
        preview.rows.extend(block.rows)
    mark_duplicates(preview)
    missing = mapping.missing()
    if missing:
        message = f"no column for {', '.join(missing)}: map one before importing"
        preview.notes.append(message)
        for result in preview.rows:
            if result.action != "skip":
                result.note(message, ERROR)
    monitor.tick(len(data_rows), len(data_rows))
    return preview
