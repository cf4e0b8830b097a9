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
from typing import TYPE_CHECKING, Any

from planner.fields import Context, FieldError
from planner.importing.field_specs import NUMERIC, UNIT_FACTORS, Lookups, field_spec
from planner.importing.row_result import (
    ERROR,
    OK,
    WARNING,
    CellResult,
    RowResult,
    runs,
)
from planner.importing.table import cell_text, error_code

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from planner.importing.mapping import ColumnMapping
    from planner.importing.table import TableGuess
    from planner.workspace import Workspace

__all__ = [
    "ERROR",
    "MODES",
    "OK",
    "WARNING",
    "CellResult",
    "ImportCancelledError",
    "ImportPreview",
    "Monitor",
    "RowResult",
    "read_cell",
    "validate",
    "values_of",
]

MODES = ("add", "update", "replace")
_BLOCK = 10_000  # rows read at once, between progress reports and cancel checks


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


def values_of(rows: Sequence[RowResult], names: tuple[str, ...]) -> list[list[Any]]:
    """Return, per field in `names`, the parsed value of each row (None where absent).

    Rows reading their cells from a block are taken a block at a time, field by field:
    a commit of 100,000 lines works its records out this way (`make bench`).
    """
    columns: list[list[Any]] = [[] for _ in names]
    for store, places in runs(rows):
        block = store.block
        every = range(len(store.keys)) if places is None else places
        if block is None:
            for column, name in zip(columns, names, strict=True):
                column.extend(RowResult(store, at).value(name) for at in every)
            continue
        found = block.take(names, every)
        own = store.own.get("cells") or {}  # rows whose cells were asked for: may differ
        for offset, at in enumerate(every) if own else ():
            cells: dict[str, CellResult] = own.get(at, {})
            for column, name in zip(found, names, strict=True) if at in own else ():
                cell = cells.get(name)
                column[offset] = cell.value if cell is not None else None
        for column, values in zip(columns, found, strict=True):
            column.extend(values)
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
