"""Cell normalisation: blanks, over-long text, NUL, line ends, error values, rectangular rows.

All of it runs in the caller, on each chunk of rows as it arrives from the worker, while
the worker converts the next one (issue #4). `RowCleaner` cleans a chunk: unless it holds
something to fix, that costs one pass over its cells (or, for a chunk sent column by
column, over the distinct values of each column), and only then are its rows looked at
one by one. `SheetAssembly` collects the chunks, places the error values and formula
flags the pre-scan found, and squares the table.
"""

from __future__ import annotations

import random
from operator import itemgetter
from typing import TYPE_CHECKING, Any, cast

from planner.importing.model import MAX_CELL_TEXT, CellError, Notice

if TYPE_CHECKING:
    from collections.abc import Collection

    from planner.importing.model import Cell
    from planner.importing.sheetscan import SheetScan

MAX_NOTICES_PER_KIND = 100
_TEXT = frozenset({str})
_PLAIN = frozenset({str, type(None)})
_SHAREABLE = frozenset({float, int, bool})  # one of them per column
_SAMPLE = 128
_SAMPLERS: dict[int, itemgetter[Any]] = {}
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

    def put_first(self, notices: list[Notice]) -> None:
        """Put the notices of an earlier stage (the worker's parse) before these."""
        self.notices[:0] = notices

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

    def feed_columns(self, columns: tuple[tuple[Cell, ...], ...]) -> list[list[Cell]]:
        """Clean a rectangular chunk sent column by column; return it as rows.

        Equal values of a column share one object (see `_share`).
        """
        shared, suspect = _share(columns)
        rows = list(map(list, zip(*shared, strict=False)))  # `decode` checked the lengths
        if suspect:
            return self._feed_rows(rows)
        self.row += len(rows)
        return rows

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


def _share(columns: tuple[tuple[Cell, ...], ...]) -> tuple[list[tuple[Cell, ...]], bool]:
    """Make equal values of each column one object and blanks None; flag text to fix.

    A long sheet repeats grades, sizes, units and prices thousands of times, each cell its
    own object: 100,000 BOM lines took ~88 MiB here before. A column is shared with one
    dictionary (seeded so that blank text becomes None), unless it mixes kinds of numbers
    (1, 1.0 and True are equal keys but must stay what they are) or a sample of its values
    are all different (part or row numbers: nothing to share, and a third of the time).
    The text to check for NUL, CR and over-long cells is then each distinct string once.

    Returns:
        The columns, and True when some text needs the row-by-row path.
    """
    shared = list(columns)
    suspect = False
    for index, column in enumerate(columns):
        kinds = set(map(type, column))
        others = kinds - _PLAIN
        texts: Collection[str]
        if len(others) > 1 or not others <= _SHAREABLE:
            texts = [value for value in column if isinstance(value, str)]
        elif len(kinds) == 1 and _distinct(column):
            texts = cast("tuple[str, ...]", column) if kinds == _TEXT else ()
        else:
            seen: dict[Cell, Cell] = {"": None}
            shared[index] = tuple(map(seen.setdefault, column, column))
            del seen[""]  # blanks are None now
            if kinds == _TEXT:
                texts = cast("Collection[str]", seen)  # no join over keys that are not text
            else:
                texts = [value for value in seen if isinstance(value, str)]
        if "" in texts:
            shared[index] = tuple(None if value == "" else value for value in shared[index])
        if texts and not suspect:
            suspect = _needs_fixing(texts)
    return shared, suspect


def _distinct(column: tuple[Cell, ...]) -> bool:
    """Return True when values sampled all over a column are all different.

    Values drawn from a few thousand (sizes, prices) almost surely meet twice among
    `_SAMPLE` of them; part and row numbers never do. The sample is taken at random
    places (the same for every column of one length), so a column repeating a cycle of
    values is not mistaken for unique by a sample in step with it.
    """
    size = len(column)
    if size <= _SAMPLE:
        return len(set(column)) == size
    take = _SAMPLERS.get(size)
    if take is None:
        if len(_SAMPLERS) > 16:  # chunks of a sheet have one length, its last another
            _SAMPLERS.clear()
        take = _SAMPLERS[size] = itemgetter(*random.Random(size).sample(range(size), _SAMPLE))
    return len(set(take(column))) == _SAMPLE


def _needs_fixing(texts: Collection[str]) -> bool:
    """Return True when some text is too long or holds NUL or CR."""
    if max(map(len, texts), default=0) > MAX_CELL_TEXT:
        return True
    if sum(map(len, texts)) > _JOIN_CHARS:  # never join megabytes of text
        return any("\x00" in text or "\r" in text for text in texts)
    text = "".join(texts)
    return "\x00" in text or "\r" in text


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
    """The caller's side: clean and collect chunks, place pre-scan findings, square the table.

    It is the `RowSink` that `Worker.collect` fills.
    """

    def __init__(self, sheet: str) -> None:
        """Start with no rows."""
        self.sheet = sheet
        self.rows: list[list[Cell]] = []
        self._cleaner = RowCleaner(sheet)
        self.board = self._cleaner.board

    def add(self, rows: list[list[Cell]]) -> None:
        """Clean and append a chunk of rows (the next ones in the sheet)."""
        self.rows.extend(self._cleaner.feed(rows))

    def add_columns(self, columns: tuple[tuple[Cell, ...], ...]) -> None:
        """Clean and append a rectangular chunk of rows sent column by column."""
        self.rows.extend(self._cleaner.feed_columns(columns))

    def restart(self) -> None:
        """Forget every row and notice: the worker reads the sheet again from the start."""
        self.rows = []
        self._cleaner = RowCleaner(self.sheet)
        self.board = self._cleaner.board

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
