"""What the import wizard knows so far, and the plain logic of its steps (no Qt).

The long steps that run on a worker thread are in `ui.import_steps`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from planner.importing.field_specs import KEY_FIELD, KIND_FIELDS, KINDS, REQUIRED
from planner.importing.mapping import (
    IGNORE,
    ColumnMatch,
    field_label,
    header_score,
    split_header,
)
from planner.importing.value_hints import period_of_header

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from planner.importing import FileInfo, ReadError, SheetData
    from planner.importing.commit import ImportResult
    from planner.importing.mapping import ColumnMapping
    from planner.importing.table import TableGuess
    from planner.importing.validate import ImportPreview

    Progress = Callable[[int, int], None]
    Cancel = Callable[[], bool]

KIND_LABELS = {
    "bom": "BOM lines",
    "parts": "Magnet parts",
    "build-plan": "Build plan",
    "stock": "Stock",
    "orders": "Open orders",
    "licences": "Licences",
    "suppliers": "Suppliers",
}
assert tuple(KIND_LABELS) == KINDS
MODE_LABELS = {"add": "Add new", "update": "Update by key", "replace": "Replace"}
CATEGORY_LABELS = {
    "damaged": "damaged file",
    "encrypted": "encrypted",
    "not_a_spreadsheet": "not a spreadsheet",
    "too_large": "too large",
    "unsafe": "unsafe content",
    "empty": "empty",
}
_HEADLINES = {
    "damaged": "is damaged and cannot be read",
    "encrypted": "is password-protected",
    "not_a_spreadsheet": "cannot be imported",
    "too_large": "cannot be imported",
    "unsafe": "holds unsafe content and was not opened",
    "empty": "holds no data",
}
_ADVICE = {
    "damaged": "open it in Excel or LibreOffice, save a copy and import the copy",
    "encrypted": "save it without a password in Excel and import again",
    "not_a_spreadsheet": "choose an .xlsx, .xlsm, .xlsb, .xls, .ods or .csv file",
    "too_large": "delete unused rows and columns, or split it into smaller files",
    "unsafe": "save it again from Excel as a plain workbook, then import that copy",
    "empty": "check that you chose the right file and sheet",
}


def describe_read_error(error: ReadError) -> str:
    """Return one message naming the file, the sheet and the category, with what to do."""
    where = error.file.name + (f", sheet “{error.sheet}”" if error.sheet else "")
    category = CATEGORY_LABELS.get(error.category, error.category)
    text = f"{where} {_HEADLINES[error.category]} ({category}): {_ADVICE[error.category]}."
    from planner.importing.model import ReadError as _ReadError

    default = _ReadError(error.category, error.file).message
    if error.message and error.message != default:
        text += f"\nDetails: {error.message}."
    return text


def set_field(mapping: ColumnMapping, column: int, name: str) -> None:
    """Map one column (by index) to a field, or unmap it with "ignore".

    Mirrors planner.importing.mapping.apply_overrides, which names columns by header text;
    the wizard knows the column index, which stays right when two headers read the same.
    """
    mapping.matches.pop(column, None)
    mapping.periods.pop(column, None)
    if name == IGNORE:
        return
    for other, match in list(mapping.matches.items()):
        if match.field == name:
            del mapping.matches[other]
    header = mapping.headers[column]
    unit = split_header(header)[1]
    mapping.matches[column] = ColumnMatch(column, header, name, 1.0, unit, "user")


def mode_help(kind: str, mode: str) -> str:
    """Return what a mode does for a kind, in a buyer's words."""
    key = field_label(KEY_FIELD[kind]).lower()
    if mode == "add":
        return f"Creates new records; a row whose {key} already exists is shown as an error."
    if mode == "update":
        return (
            f"Changes existing records found by {key}; empty cells keep the stored value, "
            "unknown keys are shown as errors."
        )
    if kind == "bom":
        return "Replaces the product's BOM lines with the lines in the file."
    if kind == "build-plan":
        return "Replaces the product's quantities in the periods the file names."
    return f"Adds new records and overwrites existing ones with the same {key}."


def guess_kind(rows: Sequence[Sequence[object]], guess: TableGuess) -> tuple[str | None, str]:
    """Guess the import kind from the header row; return (kind or None, why)."""
    headers = [h for h in guess.headers(rows).values() if not h.startswith("Column ")]
    if not headers:
        return None, ""
    scores = {kind: _kind_score(kind, headers) for kind in KINDS}
    header_cells = rows[guess.header_row] if guess.header_row is not None else []
    periods = sum(1 for cell in header_cells if _is_period(cell))
    if periods >= 3:
        scores["build-plan"] += periods
    best = max(KINDS, key=lambda kind: scores[kind])
    if scores[best] < 1.5:
        return None, ""
    named = _named_fields(best, headers)[:4]
    if best == "build-plan" and periods >= 3:
        named.insert(0, f"{periods} period columns")
    why = ", ".join(named)
    return best, f"guessed from the headers ({why})"


def _is_period(cell: object) -> bool:
    from datetime import date

    return period_of_header(cell, date.today().replace(day=1)) is not None


def _matches(kind: str, headers: Sequence[str]) -> dict[str, tuple[str, float]]:
    """Return field -> (header, score) for the best header of each field (each used once)."""
    pairs = []
    for header in headers:
        for name in KIND_FIELDS[kind]:
            score = header_score(header, name, 0.7)
            if score >= 0.7:
                pairs.append((score, header, name))
    found: dict[str, tuple[str, float]] = {}
    used: set[str] = set()
    for score, header, name in sorted(pairs, reverse=True):
        if name not in found and header not in used:
            found[name] = (header, score)
            used.add(header)
    return found


def _kind_score(kind: str, headers: Sequence[str]) -> float:
    found = _matches(kind, headers)
    score = sum(s for _, s in found.values())
    missing = [name for name in REQUIRED[kind] if name not in found]
    if kind == "bom" and not found.keys() & {"description", "name", "part_number"}:
        missing.append("description")
    return score * (0.3 if missing else 1.0)


def _named_fields(kind: str, headers: Sequence[str]) -> list[str]:
    found = _matches(kind, headers)
    return [f"{header} → {field_label(name)}" for name, (header, _) in found.items()]


@dataclass
class TableChoice:
    """Where the user says the table is (None: let the detection decide); rows 0-based.

    Attributes:
        header_row: The header row, or None.
        first_data_row: The first data row, or None.
        last_data_row: The last data row, or None.
        no_header: True when the sheet has no header row at all.
    """

    header_row: int | None = None
    first_data_row: int | None = None
    last_data_row: int | None = None
    no_header: bool = False


@dataclass
class ImportState:
    """Everything chosen and computed so far, step by step.

    Attributes:
        path: The file to import.
        kind: The import kind (one of planner.importing.field_specs.KINDS).
        product: BOM: the product the lines go under.
        mode: "add", "update" or "replace".
        info: What the pre-scan found in the file.
        sheet: The sheet chosen.
        sheets: Sheets read so far, by name.
        choice: The table extent the user set.
        guess: The table found with that choice.
        overrides: Column -> field (or "ignore") the user chose on the mapping step.
        mapping: The column mapping in force.
        preview: The validated rows.
        skip_errors: Import the good rows and leave the rows with errors out.
        remember_mapping: Save the mapping for files with the same columns.
        result: What the import wrote.
    """

    path: Path | None = None
    kind: str = "bom"
    product: str = ""
    mode: str = "add"
    info: FileInfo | None = None
    sheet: str | None = None
    sheets: dict[str, SheetData] = field(default_factory=dict)
    choice: TableChoice = field(default_factory=TableChoice)
    guess: TableGuess | None = None
    overrides: dict[int, str] = field(default_factory=dict)
    mapping: ColumnMapping | None = None
    preview: ImportPreview | None = None
    skip_errors: bool = False
    remember_mapping: bool = True
    result: ImportResult | None = None

    @property
    def rows(self) -> Sequence[Sequence[object]]:
        """Return the chosen sheet's cells (empty before it is read)."""
        data = self.sheets.get(self.sheet or "")
        return data.rows if data is not None else []

    def forget_file(self) -> None:
        """Drop everything learned from the previous file."""
        self.info, self.sheet, self.sheets = None, None, {}
        self.forget_table()

    def forget_table(self) -> None:
        """Drop the table, mapping and preview (a new sheet was chosen)."""
        self.choice, self.guess, self.overrides = TableChoice(), None, {}
        self.mapping = self.preview = None
