"""What the import wizard knows so far, and the long steps it runs off the GUI thread.

Nothing here imports Qt: the step functions take plain `progress(done, total)` and
`cancel()` callbacks, so they run on a worker thread and in tests alike. Each one mirrors
a stage of `planner.cli_import` (read → find the table → map → validate → commit).
"""

from __future__ import annotations

import gc
import sys
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from planner.importing.field_specs import KEY_FIELD, KIND_FIELDS, KINDS, REQUIRED
from planner.importing.mapping import (
    IGNORE,
    ColumnMatch,
    field_label,
    header_score,
    map_columns,
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
    from planner.importing.validate import ImportPreview, RowResult
    from planner.workspace import Workspace

    Progress = Callable[[int, int], None]
    Cancel = Callable[[], bool]

T = TypeVar("T")
# While a step runs, a GUI callback waits at most this long for the GIL (default 5 ms):
# painting a table calls Python once per cell, and each call would otherwise queue.
_SWITCH_SECONDS = 0.0005
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
    "not_a_spreadsheet": "is not a spreadsheet",
    "too_large": "is too large to import",
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


def data_count(guess: TableGuess) -> int:
    """Return how many data rows the table has (`len(guess.data_rows())`, without a copy)."""
    return bisect_right(guess.data, guess.last_data_row) - bisect_left(
        guess.data, guess.first_data_row
    )


def first_data_rows(guess: TableGuess, count: int) -> list[int]:
    """Return the first `count` data rows (`guess.data_rows()[:count]`, without a copy)."""
    start = bisect_left(guess.data, guess.first_data_row)
    return [r for r in guess.data[start : start + count] if r <= guess.last_data_row]


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
    named = _named_fields(best, headers)
    why = ", ".join(named[:4]) if named else f"{periods} period columns"
    return best, f"guessed from the headers ({why})"


def _is_period(cell: object) -> bool:
    from datetime import date

    return period_of_header(cell, date.today().replace(day=1)) is not None


def _matches(kind: str, headers: Sequence[str]) -> dict[str, tuple[str, float]]:
    """Return field -> (header, score) for the best header of each field (each used once)."""
    pairs = []
    for header in headers:
        for name in KIND_FIELDS[kind]:
            score = header_score(header, name)
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


# ---------------------------------------------------------------- steps (worker thread)


@dataclass(frozen=True)
class Loaded:
    """A file's pre-scan and its first sheet, with the table and kind found in it.

    Attributes:
        info: The pre-scan.
        data: The sheet read.
        guess: The table found in it.
        kind: The kind guessed from the headers, or None.
        why: Why that kind.
    """

    info: FileInfo
    data: SheetData
    guess: TableGuess
    kind: str | None
    why: str


def load_file(path: Path, progress: Progress, cancel: Cancel) -> Loaded:
    """Pre-scan a file, read its first visible sheet and find the table in it."""
    from planner.importing import ReadError, inspect_file

    info = inspect_file(path)
    first = info.first_visible()
    if first is None:
        raise ReadError("empty", path, None, "no visible sheet holds any data")
    data, guess = load_sheet(path, first.name, first.rows, progress, cancel)
    kind, why = guess_kind(data.rows, guess)
    return Loaded(info, data, guess, kind, why)


def load_sheet(
    path: Path, sheet: str, expected: int, progress: Progress, cancel: Cancel
) -> tuple[SheetData, TableGuess]:
    """Read one sheet in the reader process and find the table in it."""
    from planner.importing import read_sheet
    from planner.importing.table import guess_table

    def report(done: int, total: int) -> None:
        progress(done, max(total, expected, done))

    data = read_sheet(path, sheet, progress=report, cancel=cancel)
    progress(0, 0)
    guess = guess_table(data.rows)
    return data, guess


def build_mapping(
    rows: Sequence[Sequence[object]],
    guess: TableGuess,
    kind: str,
    overrides: dict[int, str],
    workspace: Workspace,
) -> ColumnMapping:
    """Map the columns (a saved profile first), then apply the user's choices by column."""
    mapping = map_columns(rows, guess, kind, workspace=workspace)
    for column, name in overrides.items():
        if column in mapping.headers:
            set_field(mapping, column, name)
    return mapping


def find_table(rows: Sequence[Sequence[object]], choice: TableChoice) -> TableGuess:
    """Find the table again with the user's header row and extent."""
    from planner.importing.table import guess_table

    guess = guess_table(
        rows,
        header_row=choice.header_row,
        first_data_row=choice.first_data_row,
        last_data_row=choice.last_data_row,
    )
    if choice.no_header:
        guess.header_row = None
    return guess


@dataclass(frozen=True)
class Checked:
    """The validated rows and, per category (ok, warning, error, skipped), their positions.

    Attributes:
        preview: The validated import.
        by_category: Category -> indices into `preview.rows`.
    """

    preview: ImportPreview
    by_category: dict[str, list[int]]

    def count(self, category: str) -> int:
        """Return how many rows are in a category."""
        return len(self.by_category.get(category, []))


def row_category(row: RowResult) -> str:
    """Return how the check step files a row: ok, warning, error or skipped."""
    return "skipped" if row.action == "skip" else row.status


def check_and_sort(
    state: ImportState, workspace: Workspace, progress: Progress, cancel: Cancel
) -> Checked:
    """Validate every data row and sort them by category (all off the GUI thread)."""
    preview = check_rows(state, workspace, progress, cancel)
    by_category: dict[str, list[int]] = {"ok": [], "warning": [], "error": [], "skipped": []}
    for index, row in enumerate(preview.rows):
        by_category[row_category(row)].append(index)
    return Checked(preview, by_category)


def check_rows(
    state: ImportState, workspace: Workspace, progress: Progress, cancel: Cancel
) -> ImportPreview:
    """Validate every data row (nothing is written)."""
    from planner.importing.validate import Monitor, validate

    assert state.guess is not None
    assert state.mapping is not None
    preview = validate(
        state.rows,
        state.guess,
        state.mapping,
        workspace,
        mode=state.mode,
        product=state.product if state.kind == "bom" else None,
        monitor=Monitor(progress, cancel),
    )
    data = state.sheets[state.sheet or ""]
    preview.notes.extend([str(n) for n in data.notices] + state.guess.notes)
    return preview


def write_rows(
    preview: ImportPreview,
    workspace: Workspace,
    skip_errors: bool,
    progress: Progress,
    cancel: Cancel,
) -> ImportResult:
    """Write the validated rows in one transaction (all or nothing)."""
    from planner.importing.commit import commit
    from planner.importing.validate import Monitor

    return commit(
        workspace, preview, skip_errors=skip_errors, monitor=Monitor(progress, cancel)
    )


def shown_rows(
    preview: ImportPreview, result: ImportResult, limit: int
) -> dict[int, RowResult]:
    """Return the row results of the first `limit` imported and skipped sheet rows."""
    wanted = set(result.imported_rows[:limit]) | set(sorted(result.skipped_rows)[:limit])
    return {r.source_row: r for r in preview.rows if r.source_row in wanted}


def quiet_collector(step: Callable[[], T]) -> T:
    """Run a long step with the cycle collector paused, then freeze what it built.

    A sheet of 500,000 rows is millions of lists and row results. Each full collection
    would walk all of them while holding the GIL, stalling the window for seconds
    (tests/bench/import_pipeline.py measured 1.3 s). Reference counting still frees
    everything as usual; `gc.freeze()` keeps the step's long-lived results out of later
    collections, and `release_frozen()` hands them back when the wizard closes.
    """
    enabled = gc.isenabled()
    interval = sys.getswitchinterval()
    gc.disable()
    sys.setswitchinterval(_SWITCH_SECONDS)
    try:
        return step()
    finally:
        sys.setswitchinterval(interval)
        gc.freeze()
        if enabled:
            gc.enable()


def release_frozen() -> None:
    """Let the cycle collector see the objects frozen by `quiet_collector` again."""
    gc.unfreeze()
