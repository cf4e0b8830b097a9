"""Prove in bulk that rows below a header are ordinary data rows of the table (issue #4).

`table.guess_table` walks the rows below the header with rules that look at every cell's
text; cell by cell that took seconds for 100,000 rows. `Scanner.read` looks at a block of
rows with a few C-level operations instead: the text cells of each row are joined into one
string, the number cells of each column are summed, and one regular expression over the
lower-cased text finds every cell that could start a total word ("Subtotal", "Summe") or
repeat a header name. The rows it cannot rule out (those, rows with too few filled cells,
short rows, text in a number column, error values) come back as special rows, which the
walk takes one by one with its usual rules; so the answers are the same as walking every
row (tests/planner/importing/test_table_oracle.py checks it on generated sheets).

Cells are taken to be the reader's values (`planner.importing.Cell`): subclasses of str,
int or float that read differently, and other number-like objects, are outside that promise.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import accumulate, compress, repeat
from operator import countOf, itemgetter, ne, not_
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

CHUNK = 2048  # rows read at once (fewer after a block that did not fit)
MIN_ROWS = 64  # shorter stretches are walked row by row
_LOOK = 16  # rows looked at to tell whether a column holds text, numbers or dates
_NUMBERS = frozenset({float, int, bool})
_DATES = frozenset({datetime, date, time, timedelta})
_BLANK_OR_DATE = _DATES | {type(None)}
_TEXT, _NUMBER, _DATE = "text", "number", "date"
_FINE = {  # cell types a column of each kind takes as they are (NaN aside)
    _TEXT: frozenset({str, type(None)}),
    _NUMBER: _NUMBERS | {type(None)},
    _DATE: _BLANK_OR_DATE | _NUMBERS,
}
_STAND_IN: dict[str, object] = {_TEXT: "0", _NUMBER: 1, _DATE: date.min}  # filled, harmless
# Every text `table._TOTAL_RE` matches starts (once stripped and lower-cased) with one of
# these; ſ and ı are the only non-ASCII letters re.IGNORECASE matches to s and i.
_TOTAL_STARTS = "tot|[sſ]u[mb]|gra|zw[iı]|ge[sſ]|[sſ]om"
_TOTAL_FIRSTS = "tsgzſ"
_SEP = "\x01"
# Every `table.cell_text` of a bool, int, float, date, datetime, time or timedelta (and more).
_FRACTION, _ZONE = r"(?:\.\d+)?", r"(?:[+-]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)?"
_NUMBER_TEXT = re.compile(
    rf"yes|no|-?inf|-?\d+{_FRACTION}(?:e[+-]\d+)?"  # bool, int, float (NaN reads as blank)
    rf"|\d{{4}}-\d\d-\d\d(?: \d\d:\d\d:\d\d{_FRACTION}{_ZONE})?"  # date, datetime
    rf"|\d\d:\d\d:\d\d{_FRACTION}{_ZONE}"  # time
    rf"|(?:-?\d+ days?, )?\d+:\d\d:\d\d{_FRACTION}"  # timedelta
)


class Block(NamedTuple):
    """What a bulk read proved about the rows from its start to `stop`.

    Attributes:
        stop: First row after the block.
        special: Rows (ascending) that may be anything but an ordinary data row.
        full: Columns filled in every row that is not special; in the other columns
            blank cells are None or "".
    """

    stop: int
    special: list[int]
    full: frozenset[int]


def number_proof(header: str) -> bool:
    """Whether no number, date, yes/no or blank cell reads as this header text (any case)."""
    return bool(header) and _NUMBER_TEXT.fullmatch(header.lower()) is None


@dataclass
class Walk:
    """What the walk down the rows has found so far.

    Attributes:
        rows: The sheet's rows.
        columns: The table's columns.
        header_texts: The header text of each column ("" where there is none).
        skipped: Rows that are not data, with the reason.
        data: The data rows, ascending.
        fill_counts: Column -> data rows filling it (rows in `runs` not counted yet).
        runs: (start, stop, full columns) of data rows added in bulk.
    """

    rows: Sequence[Sequence[object]]
    columns: list[int]
    header_texts: list[str]
    skipped: dict[int, str] = field(default_factory=dict)
    data: list[int] = field(default_factory=list)
    fill_counts: dict[int, int] = field(default_factory=dict)
    runs: list[tuple[int, int, frozenset[int]]] = field(default_factory=list)

    def fits(self, filled: set[int]) -> bool:
        """Whether a row fills two thirds of the columns most data rows fill."""
        if len(self.data) < 3:
            return True
        self._count_runs()
        core = {c for c, n in self.fill_counts.items() if n * 2 >= len(self.data)}
        return not core or len(filled & core) * 3 >= len(core) * 2

    def add(self, row: int, filled: set[int]) -> None:
        """Add one data row with its filled columns."""
        self.data.append(row)
        for column in filled:
            self.fill_counts[column] = self.fill_counts.get(column, 0) + 1

    def add_run(self, start: int, stop: int, full: frozenset[int]) -> None:
        """Add rows a `Block` proved ordinary; their cells are counted when `fits` asks."""
        self.data.extend(range(start, stop))
        self.runs.append((start, stop, full))

    def _count_runs(self) -> None:
        """Count the filled cells of the runs: blanks there are None or "" (`Block.full`)."""
        for start, stop, full in self.runs:
            block = self.rows[start:stop]
            for column in self.columns:
                count = stop - start
                if column not in full:
                    cells = list(map(itemgetter(column), block))
                    count -= countOf(cells, None) + countOf(cells, "")
                if count:
                    self.fill_counts[column] = self.fill_counts.get(column, 0) + count
        self.runs.clear()


@lru_cache(maxsize=64)
def _pattern(header_starts: tuple[str, ...]) -> re.Pattern[str]:
    """Match an empty cell, or one that is blank-led or starts a total word or header name."""
    extra = "".join("|" + re.escape(start) for start in header_starts)
    # The lookahead turns most cells away on their first character (2x faster).
    firsts = "".join(sorted({re.escape(start[:1]) for start in header_starts if start}))
    # Group 1 is an empty cell: not special, but the block's text columns have a gap. The
    # match is the separator alone, so no cell start is passed over.
    return re.compile(
        f"{_SEP}(?=[{_SEP}\\s{_TOTAL_FIRSTS}{firsts}])(?=({_SEP})|\\s|{_TOTAL_STARTS}{extra})"
    )


def _getter(columns: list[int]) -> Callable[[Sequence[object]], Any]:
    """Return a function picking these columns of a row as a sequence (even for one column)."""
    if len(columns) == 1:
        return itemgetter(slice(columns[0], columns[0] + 1))
    return itemgetter(*columns)


@dataclass
class _Pass:
    """One block being read: its rows (odd ones swapped for a stand-in row) and findings.

    Attributes:
        block: The rows; odd rows and odd cells are replaced by harmless stand-ins.
        kinds: Column -> text, number or date, by the majority of its first cells.
        odd: Rows (in the block) left to the walk.
        dummy: The stand-in row: harmless and gapless.
        pattern: Finds the cells that start a total word or a header name (`_pattern`).
        names: Column -> the start of its header name, lower-cased ("" when unnamed).
        blanks_checked: Whether wholly blank rows have been set aside.
        mended: Whether a column did not fit its kind (`_mend`).
    """

    block: list[Sequence[object]]
    kinds: dict[int, str]
    odd: set[int]
    dummy: list[object]
    pattern: re.Pattern[str]
    names: dict[int, str]
    blanks_checked: bool = False
    mended: bool = False

    def suspect(self, column: int, text: str) -> bool:
        """Whether a text in a number or date column may make its row special."""
        low, name = text.lower(), self.names[column]
        named = bool(name) and low.startswith(name)
        return "\x00" in text or bool(self.pattern.match(_SEP + low)) or named

    def set_odd(self, index: int) -> None:
        """Leave a row to the walk."""
        self.odd.add(index)
        self.block[index] = self.dummy

    def stand_in(self, index: int, column: int, kind: str) -> None:
        """Replace one cell by a harmless one of the column's kind."""
        row = self.block[index] = list(self.block[index])
        row[column] = _STAND_IN[kind]

    def drop_blank_rows(self, column: int, columns: list[int]) -> bool:
        """Leave rows blank in all `columns` to the walk, found among those blank in `column`.

        Returns:
            Whether there were any. Only the first call looks, and only when `column` is
            mostly filled (else blanks stay in place and read as blanks).
        """
        if self.blanks_checked:
            return False
        self.blanks_checked = True
        cells = map(itemgetter(column), self.block)
        falsy = list(compress(range(len(self.block)), map(not_, cells)))
        if not falsy or len(falsy) > len(self.block) // 8:
            return False
        blank = [i for i in falsy if all(self.block[i][c] in (None, "") for c in columns)]
        for index in blank:
            self.set_odd(index)
        return bool(blank)


def _sum(block: list[Sequence[object]], column: int) -> bool | None:
    """Sum a number column: True when all cells are numbers, False with blanks, None if odd."""
    try:
        total = sum(map(itemgetter(column), block))
        gapless = True
    except TypeError:  # blanks, or text
        try:
            total = sum(filter(None, map(itemgetter(column), block)))
        except (TypeError, OverflowError):
            return None
        gapless = False
    except OverflowError:
        return None
    if type(total) is not int and (type(total) is not float or math.isnan(total)):
        return None  # a NaN, or values that are not plain numbers
    return gapless


def _mend(work: _Pass, column: int) -> None:
    """Make a column fit its kind, looking only at cells whose type does not.

    A number or date among text, or a date among numbers, never reads as a total word or a
    number-proof header name: a stand-in takes its place, as it does for text among numbers
    or dates that `_Pass.suspect` clears. Other text, NaN and error values (which read as
    blank or as codes) leave the row to the walk.
    """
    work.mended = True
    kind = work.kinds[column]
    cells = list(map(itemgetter(column), work.block))
    fine = _FINE[kind]
    suspects = set(
        compress(range(len(cells)), map(not_, map(fine.__contains__, map(type, cells))))
    )
    if kind != _TEXT:
        suspects.update(compress(range(len(cells)), map(ne, cells, cells)))  # NaN
    for index in sorted(suspects):
        cell = cells[index]
        kind_of = type(cell)
        if kind_of is str:
            if cell and work.suspect(column, cell):
                work.set_odd(index)
            elif cell:
                work.stand_in(index, column, kind)
        elif (kind_of in _NUMBERS and not (kind_of is float and math.isnan(cell))) or (
            kind_of in _DATES
        ):
            if kind == _TEXT or (kind == _NUMBER and kind_of in _DATES):
                work.stand_in(index, column, kind)
        else:
            work.set_odd(index)


class Scanner:
    """Reads blocks of rows of one table in bulk.

    Args:
        rows: The sheet's rows.
        columns: The table's columns.
        header_texts: The header text of each column ("" where there is none).
        text_of: `table.cell_text`, to rank header names by how often data starts with them.
    """

    def __init__(
        self,
        rows: Sequence[Sequence[object]],
        columns: list[int],
        header_texts: list[str],
        text_of: Callable[[object], str],
    ) -> None:
        self.rows = rows
        self.columns = columns
        self.headers = dict(zip(columns, header_texts, strict=True))
        self.text_of = text_of
        self.last = max(columns, default=-1)
        self.need = 2 if len(columns) >= 3 else 1  # filled cells that rule out a label row
        named = sum(1 for text in header_texts if text)
        # A repeated header matches 60% of the named columns (table._is_repeated_header),
        # so it matches at least one of any set of more than 40% of them.
        self.guard = next((m for m in range(named + 1) if m * 10 > named * 4), 0)
        self.names = {c: text.lower()[:3] for c, text in self.headers.items()}
        self._ranked: list[int] | None = None
        self._layout: tuple[dict[int, str], list[object], re.Pattern[str]] | None = None

    def read(self, start: int, stop: int) -> Block | None:
        """Read rows start..stop-1 in bulk, or return None when they do not fit the mould."""
        work = self._start(start, stop)
        block = self._prove(work, start, stop) if work is not None else None
        if block is None or work is None or work.mended:
            self._layout = None  # the next block tells its column kinds afresh
        return block

    def _prove(self, work: _Pass, start: int, stop: int) -> Block | None:
        """Find the block's special rows and full columns."""
        full = self._check_columns(work)  # first, so that odd rows become stand-ins
        if full is None:
            return None
        texts = [c for c in self.columns if work.kinds[c] == _TEXT]
        text_rows = self._text_rows(work, texts)
        if text_rows is None:
            return None
        found, gapless = text_rows
        if gapless:
            full.update(texts)
        special = work.odd | found
        # A row needs `need` filled cells to be neither blank nor a label: full columns
        # give them; other columns are checked, and rows blank there are special.
        anchors = self._anchors(work, full)
        if anchors is None:
            return None
        for column in anchors:
            falsy = map(not_, map(itemgetter(column), work.block))
            special.update(compress(range(len(work.block)), falsy))
        return Block(stop, sorted(r + start for r in special), frozenset(full))

    def _start(self, start: int, stop: int) -> _Pass | None:
        """Take the block's rows, leave short ones to the walk and tell the column kinds.

        The kinds (and what follows from them) are those of the previous block unless
        that one had to be mended.
        """
        block = list(self.rows[start:stop])
        if not block or self.last < 0:
            return None
        odd: set[int] = set()
        if min(map(len, block)) <= self.last:
            odd.update(compress(range(len(block)), map(self.last.__ge__, map(len, block))))
        if self._layout is None:
            sample = [row for i, row in enumerate(block[: _LOOK + len(odd)]) if i not in odd]
            self._layout = self._lay_out(sample[:_LOOK])
        if self._layout is None:
            return None
        kinds, dummy, pattern = self._layout
        work = _Pass(block, kinds, set(), dummy, pattern, self.names)
        for index in odd:
            work.set_odd(index)
        return work

    def _lay_out(
        self, sample: list[Sequence[object]]
    ) -> tuple[dict[int, str], list[object], re.Pattern[str]] | None:
        """Tell the column kinds by a sample; return them, the stand-in row and the pattern."""
        kinds = {c: _kind(map(itemgetter(c), sample)) for c in self.columns}
        texts = [c for c in self.columns if kinds[c] == _TEXT]
        numbers = [c for c in self.columns if kinds[c] == _NUMBER]
        starts = self._header_starts(sample, texts, numbers)
        if starts is None:
            return None
        dummy = [_STAND_IN[kinds.get(c, _TEXT)] for c in range(self.last + 1)]
        return kinds, dummy, _pattern(starts)

    def _anchors(self, work: _Pass, full: set[int]) -> list[int] | None:
        """Pick columns to check for blanks (the most often filled), or None if too few."""
        checks = self.need - min(self.need, len(full))
        if not checks:
            return []
        sample = [row for index, row in enumerate(work.block) if index not in work.odd][:_LOOK]
        filled = {c: sum(1 for row in sample if row[c]) for c in self.columns if c not in full}
        ranked = sorted((c for c in filled if filled[c]), key=filled.__getitem__, reverse=True)
        return ranked[:checks] if len(ranked) >= checks else None

    def _check_columns(self, work: _Pass) -> set[int] | None:
        """Check the number and date columns (mending them); return the gapless ones."""
        full: set[int] = set()
        for column, kind in work.kinds.items():
            if kind == _NUMBER:
                gapless = _sum(work.block, column)
                if gapless is not True and work.drop_blank_rows(column, self.columns):
                    gapless = _sum(work.block, column)
                if gapless is None:
                    _mend(work, column)
                    gapless = _sum(work.block, column)
                    if gapless is None:
                        return None
                if gapless:
                    full.add(column)
            elif kind == _DATE:
                held = set(map(type, map(itemgetter(column), work.block)))
                if not held.issubset(_DATES) and work.drop_blank_rows(column, self.columns):
                    held = set(map(type, map(itemgetter(column), work.block)))
                if held.issubset(_DATES):
                    full.add(column)
                elif not held.issubset(_BLANK_OR_DATE):
                    _mend(work, column)
        return full

    def _text_rows(self, work: _Pass, texts: list[int]) -> tuple[set[int], bool] | None:
        """Find the rows with a text cell that is blank-led or starts a total or header word.

        Returns:
            The rows, and whether every text cell of the block is filled (or mended).
        """
        if not texts:
            return set(), True
        keys = _keys(work.block, texts, blanks=False)
        if keys is None and work.drop_blank_rows(texts[0], self.columns):
            keys = _keys(work.block, texts, blanks=False)
        gapless = keys is not None
        if keys is None:
            keys = _keys(work.block, texts, blanks=True)
        if keys is None:  # numbers, dates or odd values among the text: mend, try again
            for column in texts:
                if not _FINE[_TEXT].issuperset(map(type, map(itemgetter(column), work.block))):
                    _mend(work, column)
            keys = _keys(work.block, texts, blanks=False)
            gapless = keys is not None
            keys = keys or _keys(work.block, texts, blanks=True)
            if keys is None:
                return None
        text = _SEP + _SEP.join(keys)
        rows: set[int] = set()
        if "\x00" in text:  # NUL characters vanish from cell texts: leave such rows to the walk
            rows.update(index for index, key in enumerate(keys) if "\x00" in key)
        low = text.lower()
        if len(low) != len(text):  # a letter whose lower case is longer: keep rows apart
            keys = list(map(str.lower, keys))
            low = _SEP + _SEP.join(keys)
        found: list[int] = []
        gapless = gapless and not text.endswith(_SEP)  # an empty last cell
        for match in work.pattern.finditer(low):
            if match.lastindex:
                gapless = False
            else:
                found.append(match.start())
        if found:
            offsets = list(accumulate(map((1).__add__, map(len, keys)), initial=0))
            rows.update(bisect_right(offsets, at) - 1 for at in found)
        return rows, gapless

    def _header_starts(
        self, sample: list[Sequence[object]], texts: list[int], numbers: list[int]
    ) -> tuple[str, ...] | None:
        """Pick header names to look for so that any repeated header row is found."""
        if not self.guard:
            return ()
        have = sum(1 for c in numbers if number_proof(self.headers[c]))
        starts: list[str] = []
        for column in self._ranking(sample):
            if have >= self.guard:
                break
            if column in texts:
                starts.append(self.headers[column].lower()[:3])
                have += 1
        return tuple(starts) if have >= self.guard else None

    def _ranking(self, sample: list[Sequence[object]]) -> list[int]:
        """Order the columns with number-proof headers, the rarest start in the data first."""
        if self._ranked is None:  # the first block's first rows stand for the data
            named = [c for c in self.columns if number_proof(self.headers[c])]

            def hits(column: int) -> int:
                start, text_of = self.headers[column].lower()[:3], self.text_of
                return sum(text_of(row[column]).lower().startswith(start) for row in sample)

            self._ranked = sorted(named, key=hits)
        return self._ranked


def _kind(cells: Iterator[object]) -> str:
    """Tell a column's kind by the majority of its non-blank cells (text when none)."""
    votes = {_TEXT: 0, _NUMBER: 0, _DATE: 0}
    for cell in cells:
        if type(cell) is str:
            votes[_TEXT] += bool(cell)
        elif type(cell) in _NUMBERS:
            votes[_NUMBER] += 1
        elif type(cell) in _DATES:
            votes[_DATE] += 1
    return max(votes, key=votes.__getitem__)


def _keys(block: list[Sequence[object]], texts: list[int], *, blanks: bool) -> list[str] | None:
    """Join each row's text cells (blanks as None left out); None if a cell is not text."""
    picked: Iterator[Any] = map(_getter(texts), block)
    if blanks:
        picked = map(filter, repeat(None), picked)
    try:
        return list(map(_SEP.join, picked))
    except TypeError:
        return None
