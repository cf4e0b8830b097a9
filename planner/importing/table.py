"""Find the table in a sheet: header row, data extent, columns, and the rows to skip, with why.

Buyers' sheets carry titles, merged headings, empty leading columns, section labels
("Electronics" alone in a row), subtotal and total rows, summary blocks below the table,
repeated header blocks and sometimes a second table beside the first. `guess_table` scores
candidate header rows (short non-numeric cells that match known column names, followed by
rows that look alike) and walks the rows below, so no forced template is needed; the user
can still name the header row and the extent.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from planner.importing import CellError
from planner.importing.table_scan import CHUNK, MIN_ROWS, Scanner, Walk

if TYPE_CHECKING:
    from collections.abc import Sequence

EXCEL_ERRORS = frozenset(
    {"#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
)
_HEADER_SCAN = 40  # header rows are looked for among the first rows only
MAX_COLUMNS = 256  # wider tables are not BOMs or plans; the rest is left out, with a note
_TOTAL_RE = re.compile(
    r"^(grand\s*|sub\s*-?\s*|zwischen)?(total|totals|sum|summe|gesamt\w*|somme|suma)\b", re.I
)


def error_code(cell: object) -> str | None:
    """Return the Excel error a cell holds ("#N/A", "#DIV/0!" ...), or None.

    Reader cells carry errors as CellError values; CSV files saved by Excel carry them
    as plain text, which is just as wrong in a quantity column.
    """
    if isinstance(cell, CellError):
        return cell.code
    if isinstance(cell, str) and cell.strip().upper() in EXCEL_ERRORS:
        return cell.strip().upper()
    return None


def cell_text(cell: object) -> str:
    """Return a cell as the text a buyer would have typed (4.0 → "4", dates ISO)."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, float):
        if math.isnan(cell):
            return ""
        return str(int(cell)) if cell.is_integer() and abs(cell) < 1e15 else f"{cell:.12g}"
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else str(cell)
    if isinstance(cell, date):
        return cell.isoformat()
    code = error_code(cell)
    if code is not None:
        return code
    return str(cell).replace("\x00", "").strip()


def column_letter(index: int) -> str:
    """Return the spreadsheet letter of a 0-based column index (0 → A, 27 → AB)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ".").replace(" ", ""))
    except ValueError:
        return False
    return True


@dataclass
class TableGuess:
    """Where the table is in a sheet's rows (all indices 0-based, as in the sheet).

    Attributes:
        header_row: Row holding the column names, or None when the sheet has none.
        first_data_row: First row below the header that belongs to the table.
        last_data_row: Last data row (below first_data_row when the table is empty).
        columns: Columns of the table, left to right.
        skipped_rows: Rows within or around the table that are not data, with the reason.
        confidence: How sure the guess is, 0 to 1.
        notes: Remarks for the user, e.g. a second table beside this one.
        data: The data rows, ascending (the extent less skipped and empty rows); a
            `range` when they follow each other, as in most tables (an int object per
            row held ~4 MB of a 100,000-line import, `make bench`).
    """

    header_row: int | None
    first_data_row: int
    last_data_row: int
    columns: list[int]
    skipped_rows: dict[int, str] = field(default_factory=dict)
    confidence: float = 0.0
    notes: list[str] = field(default_factory=list)
    data: Sequence[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        data = self.data
        if type(data) is list and data and data[-1] - data[0] == len(data) - 1:
            self.data = range(data[0], data[-1] + 1)

    def data_rows(self) -> Sequence[int]:
        """Return the rows to import: the extent less skipped and empty rows.

        `data` is ascending (as `guess_table` builds it), so this is one slice.
        """
        low = bisect_left(self.data, self.first_data_row)
        return self.data[low : bisect_right(self.data, self.last_data_row, low)]

    def data_count(self) -> int:
        """Return how many rows to import (`len(data_rows())` without the copy)."""
        low = bisect_left(self.data, self.first_data_row)
        return bisect_right(self.data, self.last_data_row, low) - low

    def first_data_rows(self, count: int) -> list[int]:
        """Return the first `count` rows to import (`data_rows()[:count]` without copying
        them all: ~5 ms a call on 500,000 rows, with the GIL held)."""
        start = bisect_left(self.data, self.first_data_row)
        return [r for r in self.data[start : start + count] if r <= self.last_data_row]

    def headers(self, rows: Sequence[Sequence[object]]) -> dict[int, str]:
        """Return column -> header text ("Column C" where the header cell is empty)."""
        names: dict[int, str] = {}
        for column in self.columns:
            text = "" if self.header_row is None else _at(rows, self.header_row, column)
            names[column] = text or f"Column {column_letter(column)}"
        return names


def _at(rows: Sequence[Sequence[object]], row: int, column: int) -> str:
    cells = rows[row]
    return cell_text(cells[column]) if column < len(cells) else ""


def _has_text(cell: object) -> bool:
    """Return `bool(cell_text(cell))`, without building the text for common cells."""
    if type(cell) is str:
        return bool(cell.replace("\x00", "").strip())
    if type(cell) is float:
        return not math.isnan(cell)
    if type(cell) is int or type(cell) is bool:
        return True
    return cell is not None and bool(cell_text(cell))


def _filled(rows: Sequence[Sequence[object]], row: int) -> list[int]:
    return [i for i, cell in enumerate(rows[row]) if _has_text(cell)]


def _header_score(rows: Sequence[Sequence[object]], row: int, beat: float) -> float | None:
    """Score a row as the header; None when it cannot score above `beat`.

    The synonym term costs most (fuzzy matching against every known column name), so it is
    bounded by its cap first and summed only until it reaches the cap.
    """
    filled = _filled(rows, row)[:64]
    if len(filled) < 2:
        return 0.0
    texts = [_at(rows, row, c) for c in filled]
    textual = sum(1 for t in texts if not _is_number(t) and len(t) <= 60) / len(texts)
    if textual < 0.5:
        return 0.0
    unique = len({t.lower() for t in texts}) / len(texts)
    size = 0.6 + 0.4 * min(1.0, len(filled) / 3)
    # The score rises with `synonyms` and `below`, both at most 1 (float arithmetic keeps
    # that order), so these bounds are never below the score.
    if (0.3 * textual + 0.4 * 1.0 + 0.2 * 1.0 + 0.1 * unique) * size <= beat:
        return None
    below = _below_fit(rows, row, set(filled))
    if (0.3 * textual + 0.4 * 1.0 + 0.2 * below + 0.1 * unique) * size <= beat:
        return None
    synonyms = _synonyms(texts)
    return (0.3 * textual + 0.4 * synonyms + 0.2 * below + 0.1 * unique) * (
        0.6 + 0.4 * min(1.0, len(filled) / 3)
    )


def _synonyms(texts: list[str]) -> float:
    """Return min(1, known-name score sum / min(3, texts)), stopping once the cap is sure."""
    from planner.importing.mapping import known_header_score

    cap = min(3.0, len(texts))
    scores: list[float] = []
    for text in texts:
        if len(text) > 60:
            continue
        scores.append(known_header_score(text))
        # Scores are 0..1, so a sum that reaches the cap stays there. Whole scores add up
        # exactly; otherwise a margin keeps `sum`'s rounding (or 3.12's compensated
        # summation) from mattering.
        if sum(1 for s in scores if s >= 1.0) >= cap or math.fsum(scores) >= cap + 1e-9:
            return 1.0
    return min(1.0, sum(scores) / cap)


def _below_fit(rows: Sequence[Sequence[object]], row: int, columns: set[int]) -> float:
    """Share of the next non-empty rows that fill at least half of the header's columns."""
    seen = fits = 0
    for below in range(row + 1, min(len(rows), row + 25)):
        filled = set(_filled(rows, below)) & columns
        if not filled:
            continue
        seen += 1
        fits += len(filled) * 2 >= min(len(columns), 4)
        if seen == 8:
            break
    return fits / seen if seen else 0.3


def _find_header(rows: Sequence[Sequence[object]]) -> tuple[int | None, float]:
    best, best_score = None, 0.0
    for row in range(min(len(rows), _HEADER_SCAN)):
        score = _header_score(rows, row, best_score + 0.02)
        if score is not None and score > best_score + 0.02:
            best, best_score = row, score
    if best_score < 0.3:
        return None, best_score
    return best, best_score


def _column_blocks(
    rows: Sequence[Sequence[object]], header: int | None, start: int
) -> list[list[int]]:
    """Split the used columns into blocks separated by wholly empty columns."""
    used: set[int] = set(_filled(rows, header)) if header is not None else set()
    for row in range(start, min(len(rows), start + 500)):
        used.update(_filled(rows, row))
    blocks: list[list[int]] = []
    for column in sorted(used):
        if blocks and column == blocks[-1][-1] + 1:
            blocks[-1].append(column)
        else:
            blocks.append([column])
    return blocks


def _pick_columns(
    rows: Sequence[Sequence[object]], header: int | None, start: int, notes: list[str]
) -> list[int]:
    blocks = _column_blocks(rows, header, start)
    if header is None:
        return [c for block in blocks for c in block]
    titled = [b for b in blocks if sum(1 for c in b if _at(rows, header, c)) >= 2]
    if not titled:
        return [c for block in blocks for c in block]
    for other in titled[1:]:
        span = f"{column_letter(other[0])}–{column_letter(other[-1])}"
        notes.append(
            f"a second table beside this one (columns {span}) was not imported; "
            "import it separately by choosing its header and columns"
        )
    return titled[0]


def _is_repeated_header(row_texts: list[str], header_texts: list[str]) -> bool:
    named = [(a, b) for a, b in zip(row_texts, header_texts, strict=True) if b]
    same = sum(1 for a, b in named if a.lower() == b.lower())
    return bool(named) and same * 10 >= len(named) * 6


def _total_word(texts: list[str]) -> str | None:
    for text in texts:
        if text and len(text) <= 30 and _TOTAL_RE.match(text):
            return text
    return None


def _step(rows: Sequence[Sequence[object]], row: int, walk: Walk, gap: bool) -> bool | None:
    """Take one row by the walk's rules; return whether it was blank, or None to stop."""
    texts = [_at(rows, row, c) for c in walk.columns]
    filled = {c for c, t in zip(walk.columns, texts, strict=True) if t}
    if not filled:
        return True
    if any(walk.header_texts) and _is_repeated_header(texts, walk.header_texts):
        walk.skipped[row] = "repeated header row"
    elif (total := _total_word(texts)) is not None:
        walk.skipped[row] = f"total row ({total!r})"
    elif len(filled) == 1 and len(walk.columns) >= 3 and not _is_number(texts[0] or "0"):
        label = next(t for t in texts if t)
        walk.skipped[row] = f"section label {label!r}"
    elif gap and walk.data and not walk.fits(filled):
        return None
    else:
        walk.add(row, filled)
    return False


def _walk(rows: Sequence[Sequence[object]], start: int, stop: int, walk: Walk) -> None:
    """Walk the rows below the header: data rows, skipped rows, and where the table ends.

    Long stretches are read in blocks (`table_scan.Scanner`, issue #4): the rows a block
    could not prove ordinary and the row after a blank one go through `_step`, the others
    are data. A block that does not fit the mould is tried again at half the size, down to
    MIN_ROWS rows, which are then taken one by one.
    """
    scanner = (
        Scanner(rows, walk.columns, walk.header_texts, cell_text)
        if stop - start >= MIN_ROWS
        else None
    )
    gap = False
    row, size = start, CHUNK
    while row < stop:
        end = min(stop, row + size)
        block = scanner.read(row, end) if scanner is not None else None
        if block is None and size > MIN_ROWS and scanner is not None:
            size //= 2
            continue
        special = block.special if block is not None else range(row, end)
        for next_special in (*special, end):
            if row < next_special and block is not None:
                if gap:  # the row after a blank one: the walk may end here
                    blank = _step(rows, row, walk, gap)
                    if blank is None:
                        return
                    gap, row = blank, row + 1
                if row < next_special:
                    walk.add_run(row, next_special, block.full)
                    row = next_special
            if next_special < end:
                blank = _step(rows, next_special, walk, gap)
                if blank is None:
                    return
                gap, row = blank, next_special + 1
        size = min(CHUNK, size * 2) if block is not None else size


def guess_table(
    rows: Sequence[Sequence[object]],
    *,
    header_row: int | None = None,
    first_data_row: int | None = None,
    last_data_row: int | None = None,
) -> TableGuess:
    """Find the header row, columns and data extent of a sheet's rows.

    Args:
        rows: The sheet's cells, row by row, positions preserved.
        header_row: The header row when the user knows it (0-based); else it is guessed.
        first_data_row: First data row when the user sets the extent.
        last_data_row: Last data row (inclusive) when the user sets the extent.
    """
    notes: list[str] = []
    header: int | None = header_row
    score = 1.0
    if header is None:
        header, score = _find_header(rows)
        if header is None and rows:
            notes.append("no header row recognised: columns are named by letter")
    if first_data_row is not None:
        start = first_data_row
    else:
        start = header + 1 if header is not None else _first_filled(rows)
    stop = len(rows) if last_data_row is None else min(len(rows), last_data_row + 1)
    columns = _pick_columns(rows, header, start, notes)
    if len(columns) > MAX_COLUMNS:
        notes.append(f"only the first {MAX_COLUMNS} of {len(columns)} columns are read")
        columns = columns[:MAX_COLUMNS]
    header_texts = [_at(rows, header, c) if header is not None else "" for c in columns]
    walk = Walk(rows, columns, header_texts)
    _walk(rows, start, stop, walk)
    last = walk.data[-1] if walk.data else start - 1
    skipped = {r: why for r, why in walk.skipped.items() if r <= last}
    fit = len(walk.data) / max(1, len(walk.data) + len(skipped))
    repeated = [str(r + 1) for r, why in skipped.items() if why == "repeated header row"]
    if repeated:
        notes.append(f"repeated header row(s) skipped: sheet row {', '.join(repeated)}")
    _note_outside(rows, header, start, last, columns, skipped)
    confidence = round(min(1.0, score) * (0.7 + 0.3 * fit), 2)
    return TableGuess(header, start, last, columns, skipped, confidence, notes, walk.data)


def _first_filled(rows: Sequence[Sequence[object]]) -> int:
    return next((r for r in range(len(rows)) if any(map(_has_text, rows[r]))), 0)


def _note_outside(
    rows: Sequence[Sequence[object]],
    header: int | None,
    start: int,
    last: int,
    columns: list[int],
    skipped: dict[int, str],
) -> None:
    """Name the non-empty rows above the header and below the table as skipped."""
    top = header if header is not None else start
    for row in range(top):
        if any(map(_has_text, rows[row])):
            skipped[row] = "above the table (title or notes)"
    for row in range(max(last + 1, start), len(rows)):
        if any(map(_has_text, rows[row])):  # the same as a text in `columns` or elsewhere
            total = _total_word([_at(rows, row, c) for c in columns])
            skipped[row] = f"below the table ({total!r})" if total else "below the table"
