"""Cell normalisation: blanks, over-long text, NUL, line ends, error values, rectangular rows.

`RowCleaner` runs in the worker on each chunk before it is sent (so it overlaps with the
caller decoding the previous chunk); a chunk costs one pass over its cells and one join of
its text unless it holds something to fix, and only then are its rows looked at one by one.
`SheetAssembly` runs in the caller: it collects the chunks, places the error values and
formula flags the pre-scan found, and squares the table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.importing.model import MAX_CELL_TEXT, CellError, Notice

if TYPE_CHECKING:
    from planner.importing.model import Cell
    from planner.importing.sheetscan import SheetScan

MAX_NOTICES_PER_KIND = 100
_JOIN_CHARS = 8 << 20  # a chunk with more text than this is checked row by row
CUT = f"cell text longer than {MAX_CELL_TEXT:,} characters was cut"
NUL = "NUL characters were removed from the cell"
NO_RESULT = "formula without stored result – open and re-save in Excel/LibreOffice"


class NoticeBoard:
    """Notices with at most MAX_NOTICES_PER_KIND of each kind, plus a count of the rest."""

    def __init__(self, sheet: str) -> None:
        """Start empty."""
        self.sheet = sheet
        self.notices: list[Notice] = []
        self.counts: dict[str, int] = {}

    def note(self, row: int | None, column: int | None, text: str) -> None:
        """Add a notice unless this kind has already been reported often enough."""
        count = self.counts.get(text, 0) + 1
        self.counts[text] = count
        if count <= MAX_NOTICES_PER_KIND:
            self.notices.append(Notice(self.sheet, row, column, text))

    def merge(self, notices: list[Notice], counts: dict[str, int]) -> None:
        """Take over the notices and counts of another board (e.g. the worker's)."""
        self.notices.extend(notices)
        for text, count in counts.items():
            self.counts[text] = self.counts.get(text, 0) + count

    def all(self) -> tuple[Notice, ...]:
        """Return the notices, with a summary line for every kind that was capped."""
        summary = [
            Notice(self.sheet, None, None, f"{text} ({count:,} cells in all)")
            for text, count in self.counts.items()
            if count > MAX_NOTICES_PER_KIND
        ]
        return (*self.notices, *summary)


class RowCleaner:
    """Normalise chunks of rows in place: blanks → None, text cut, NUL stripped, CR → LF."""

    def __init__(self, sheet: str) -> None:
        """Start at row 0."""
        self.board = NoticeBoard(sheet)
        self.row = 0
        # One cleaned string per distinct original: 12,000 cells sharing one 1 MiB string
        # stay one 32 KiB string (in memory and in the pickle), not 12,000 copies.
        self._fixed: dict[str, tuple[str | None, bool, bool]] = {}

    def feed(self, chunk: list[list[Cell]]) -> list[list[Cell]]:
        """Clean a chunk of rows (the next ones in the sheet) and return it."""
        str_ = str
        texts = [value for row in chunk for value in row if value.__class__ is str_]
        if "" in texts:
            _blanks_to_none(chunk)
        if (
            sum(map(len, texts)) <= _JOIN_CHARS
            and max(map(len, texts), default=0) <= MAX_CELL_TEXT
        ):
            text = "".join(texts)
            if "\x00" not in text and "\r" not in text:
                self.row += len(chunk)
                return chunk  # the usual case: nothing to cut, strip or normalise
        return self._feed_rows(chunk)

    def _feed_rows(self, chunk: list[list[Cell]]) -> list[list[Cell]]:
        """Clean a chunk row by row (it holds text to cut, strip or normalise)."""
        str_ = str
        for offset, row in enumerate(chunk):
            texts = [value for value in row if value.__class__ is str_]
            if sum(map(len, texts)) > MAX_CELL_TEXT:
                self._fix_row(self.row + offset, row)  # never join megabytes of text
                continue
            text = "".join(texts)
            if "\x00" in text or "\r" in text:
                self._fix_row(self.row + offset, row)
        self.row += len(chunk)
        return chunk

    def _fix_row(self, row_index: int, row: list[Cell]) -> None:
        """Cut, strip and normalise the text cells of one row."""
        for index, value in enumerate(row):
            if not isinstance(value, str):
                continue
            fixed = self._fixed.get(value)
            if fixed is None:
                fixed = self._fixed[value] = _fix_text(value)
            text, had_nul, was_cut = fixed
            if had_nul:
                self.board.note(row_index, index, NUL)
            if was_cut:
                self.board.note(row_index, index, CUT)
            row[index] = text


def _blanks_to_none(chunk: list[list[Cell]]) -> None:
    """Turn the empty strings an engine gives for blank cells into None."""
    for row in chunk:
        if "" in row:
            for index, value in enumerate(row):
                if value == "":
                    row[index] = None


def _fix_text(value: str) -> tuple[str | None, bool, bool]:
    """Return (cleaned text or None, NUL removed, text cut) for one string."""
    text = value
    had_nul = "\x00" in text
    if had_nul:
        text = text.replace("\x00", "")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    was_cut = len(text) > MAX_CELL_TEXT
    if was_cut:
        text = text[:MAX_CELL_TEXT]
    return text or None, had_nul, was_cut


class SheetAssembly:
    """The caller's side: collect chunks, place pre-scan findings, square the table."""

    def __init__(self, sheet: str) -> None:
        """Start with no rows."""
        self.rows: list[list[Cell]] = []
        self.board = NoticeBoard(sheet)

    def add(self, chunk: list[list[Cell]]) -> None:
        """Append a chunk of cleaned rows."""
        self.rows.extend(chunk)

    def apply_scan(self, scan: SheetScan) -> None:
        """Put error values where the pre-scan found them and flag result-less formulas."""
        for row, column, code in scan.errors:
            self._place(row, column, CellError(code))
        for row, column in scan.formulas:
            self._place(row, column, None)
            self.board.note(row, column, NO_RESULT)

    def _place(self, row: int, column: int, value: Cell) -> None:
        """Set one cell, growing the table if the engine left that position out."""
        if row < 0 or column < 0:
            return
        while len(self.rows) <= row:
            self.rows.append([])
        cells = self.rows[row]
        if len(cells) <= column:
            cells.extend([None] * (column + 1 - len(cells)))
        cells[column] = value

    def finish(self) -> list[list[Cell]]:
        """Return rectangular rows without trailing empty rows."""
        rows = self.rows
        while rows and all(cell is None for cell in rows[-1]):
            rows.pop()
        width = max(map(len, rows), default=0)
        if min(map(len, rows), default=0) < width:
            for row in rows:
                if len(row) < width:
                    row.extend([None] * (width - len(row)))
        return rows
