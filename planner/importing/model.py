"""Values the reader pipeline hands out: cells, sheet and file descriptions, limits, errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Literal, TypeAlias

Category: TypeAlias = Literal[
    "damaged", "encrypted", "not_a_spreadsheet", "too_large", "unsafe", "empty"
]
CATEGORIES: tuple[Category, ...] = (
    "damaged",
    "encrypted",
    "not_a_spreadsheet",
    "too_large",
    "unsafe",
    "empty",
)
MAX_CELL_TEXT = 32_767  # Excel's own limit for the text of one cell
MIB = 1 << 20
GIB = 1 << 30


@dataclass(frozen=True)
class CellError:
    """An Excel error value such as "#N/A" or "#DIV/0!", kept apart from blank cells.

    Attributes:
        code: the error exactly as Excel shows it.
    """

    code: str

    def __str__(self) -> str:
        """Return the code, as Excel displays it."""
        return self.code


Cell: TypeAlias = (
    str | int | float | bool | datetime | date | time | timedelta | CellError | None
)


@dataclass(frozen=True)
class Limits:
    """What a file may cost before it is refused.

    Attributes:
        max_file_bytes: size of the file on disk.
        max_uncompressed_bytes: declared total size of all parts of a zip container.
        max_ratio: compression ratio any large zip part may have (POI's zip-bomb rule).
        max_entries: parts in a zip container.
        max_cells: rows × columns of the sheet's real extent.
        max_rows: rows of the real extent.
        max_columns: columns of the real extent.
        worker_memory_bytes: address space the reading process may use.
        worker_seconds: wall-clock time the reading process may take.
    """

    max_file_bytes: int = 200 * MIB
    max_uncompressed_bytes: int = 1 * GIB
    max_ratio: float = 100.0
    max_entries: int = 10_000
    max_cells: int = 20_000_000
    max_rows: int = 1_048_576
    max_columns: int = 16_384
    worker_memory_bytes: int = 3 * GIB
    worker_seconds: float = 120.0


@dataclass(frozen=True)
class SheetInfo:
    """One sheet as the pre-scan found it.

    Attributes:
        name: the sheet name as the spreadsheet shows it.
        hidden: True for hidden and "very hidden" sheets; they are not read by default.
        rows: rows up to the last cell holding a value (the real extent, not `<dimension>`).
        columns: columns up to the last cell holding a value.
    """

    name: str
    hidden: bool
    rows: int
    columns: int


@dataclass(frozen=True)
class Notice:
    """Something a buyer should know about what was read; row and column are 0-based.

    Attributes:
        sheet: the sheet concerned, or None for the whole file.
        row: the row concerned, or None.
        column: the column concerned, or None.
        text: what happened, in plain words.
    """

    sheet: str | None
    row: int | None
    column: int | None
    text: str

    def __str__(self) -> str:
        """Return e.g. "Sheet1!B7: cell text longer than 32,767 characters was cut"."""
        where = self.sheet or ""
        if self.row is not None and self.column is not None:
            cell = f"{column_name(self.column)}{self.row + 1}"
            where = f"{where}!{cell}" if where else cell
        return f"{where}: {self.text}" if where else self.text


@dataclass(frozen=True)
class SheetData:
    """The cells of one sheet, row by row, with column positions as in the file.

    Attributes:
        name: the sheet name.
        rows: rectangular rows of cells; blank cells are None, errors are CellError.
        notices: what was cut, flagged or guessed while reading.
        engine: the library that parsed the cells ("calamine", "openpyxl", "xlrd", "csv").
    """

    name: str
    rows: list[list[Cell]]
    notices: tuple[Notice, ...]
    engine: str = "calamine"


@dataclass(frozen=True)
class FileInfo:
    """What `inspect_file` learned about a file without parsing its cells in-process.

    Attributes:
        path: the file.
        kind: "xlsx", "xlsm", "xlsb", "xls", "ods" or "csv", sniffed from the bytes.
        sheets: every sheet, hidden ones included (chart and macro sheets left out).
        encoding: the text encoding of a CSV file, else None.
        delimiter: the field delimiter of a CSV file, else None.
        decimal_comma: True when numbers in the file use a decimal comma (a per-file setting).
        notices: file-level notices such as "encoding: Windows-1252".
    """

    path: Path
    kind: str
    sheets: tuple[SheetInfo, ...]
    encoding: str | None = None
    delimiter: str | None = None
    decimal_comma: bool = False
    notices: tuple[Notice, ...] = field(default=())

    def first_visible(self) -> SheetInfo | None:
        """Return the first visible sheet with data, else the first visible sheet."""
        visible = [sheet for sheet in self.sheets if not sheet.hidden]
        with_data = [sheet for sheet in visible if sheet.rows and sheet.columns]
        candidates = with_data or visible
        return candidates[0] if candidates else None


_DEFAULT_MESSAGES: dict[Category, str] = {
    "damaged": "the file is damaged and cannot be read",
    "encrypted": (
        "the file is password-protected (encrypted); open it in Excel, remove the password "
        "and save it again"
    ),
    "not_a_spreadsheet": "this is not a spreadsheet (xlsx, xlsm, xlsb, xls, ods or csv)",
    "too_large": "the file is too large to import",
    "unsafe": "the file contains unsafe XML and was not opened",
    "empty": "the file is empty",
}


class ReadError(Exception):
    """A file or sheet that cannot be imported, in one of six categories.

    Attributes:
        category: damaged, encrypted, not_a_spreadsheet, too_large, unsafe or empty.
        file: the file concerned.
        sheet: the sheet concerned, or None when the whole file failed.
        message: what went wrong, in words a buyer understands.
        detail: the technical cause, for logs and bug reports (not part of str()).
    """

    def __init__(
        self,
        category: Category,
        file: Path | str,
        sheet: str | None = None,
        message: str = "",
        *,
        detail: str = "",
    ) -> None:
        """Create the error; an empty message takes the category's default wording."""
        self.category: Category = category
        self.file = Path(file)
        self.sheet = sheet
        self.message = message or _DEFAULT_MESSAGES[category]
        self.detail = detail
        super().__init__(str(self))

    def __str__(self) -> str:
        """Return one line naming the file (and sheet) and saying what is wrong."""
        where = f"“{self.file.name}”"
        if self.sheet is not None:
            where += f", sheet “{self.sheet}”"
        return f"{where}: {self.message}"

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle with the keyword-only detail (exceptions pickle their args only)."""
        return (
            _rebuild_error,
            (self.category, self.file, self.sheet, self.message, self.detail),
        )


def _rebuild_error(
    category: Category, file: Path, sheet: str | None, message: str, detail: str
) -> ReadError:
    """Recreate a pickled ReadError."""
    return ReadError(category, file, sheet, message, detail=detail)


class ReadCancelledError(Exception):
    """The caller's cancel callback asked to stop; the worker process was ended."""


def column_name(index: int) -> str:
    """Return the spreadsheet column letters of a 0-based column index (0 → "A")."""
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """Return the 0-based column index of spreadsheet column letters ("A" → 0)."""
    number = 0
    for char in letters:
        number = number * 26 + (ord(char) - 64)
    return number - 1
