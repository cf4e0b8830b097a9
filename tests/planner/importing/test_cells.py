"""Row cleaning chunk by chunk, the table squaring, and how row chunks travel (issue #4)."""

from __future__ import annotations

import copy
import io
import random
import time
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

from planner.importing import worker_child
from planner.importing.cells import CUT, NUL, RowCleaner, SheetAssembly
from planner.importing.model import MAX_CELL_TEXT, CellError

if TYPE_CHECKING:
    from planner.importing.model import Cell


def _row_by_row(chunks: list[list[list[Cell]]]) -> tuple[list[list[Cell]], RowCleaner]:
    """Clean with the row-by-row path only (what every chunk went through before)."""
    cleaner = RowCleaner("S")
    rows: list[list[Cell]] = []
    for chunk in chunks:
        for row in chunk:
            for index, value in enumerate(row):
                if value == "":
                    row[index] = None
        rows += cleaner._feed_rows(chunk)
    return rows, cleaner


def _chunked(chunks: list[list[list[Cell]]]) -> tuple[list[list[Cell]], RowCleaner]:
    cleaner = RowCleaner("S")
    rows: list[list[Cell]] = []
    for chunk in chunks:
        rows += cleaner.feed(chunk)
    return rows, cleaner


def _random_chunks(seed: int) -> list[list[list[Cell]]]:
    rng = random.Random(seed)
    values: list[Cell] = ["", "", "P-1", "a\x00b", "x\r\ny", "z\rw", "ok", 1.5, 7, True, None]
    values += ["L" * (MAX_CELL_TEXT + 5), date(2024, 1, 2), CellError("#N/A")]
    return [
        [[rng.choice(values) for _ in range(5)] for _ in range(rng.randint(0, 40))]
        for _ in range(12)
    ]


@pytest.mark.parametrize("seed", range(20))
def test_chunk_path_matches_row_by_row(seed: int) -> None:
    """Whatever a chunk holds, the cells and notices are those of the row-by-row path."""
    chunks = _random_chunks(seed)
    expected, reference = _row_by_row(copy.deepcopy(chunks))
    got, cleaner = _chunked(chunks)
    assert got == expected
    assert cleaner.board.notices == reference.board.notices
    assert cleaner.board.counts == reference.board.counts
    assert cleaner.row == reference.row


def _as_columns(chunk: list[list[Cell]]) -> tuple[tuple[Cell, ...], ...]:
    return tuple(zip(*chunk, strict=True))


@pytest.mark.parametrize("seed", range(20))
def test_column_path_matches_row_by_row(seed: int) -> None:
    """A rectangular chunk sent column by column gives the cells and notices of the
    row-by-row path, whatever its columns mix."""
    chunks = [chunk for chunk in _random_chunks(seed) if chunk]
    expected, reference = _row_by_row(copy.deepcopy(chunks))
    cleaner = RowCleaner("S")
    got: list[list[Cell]] = []
    for chunk in chunks:
        got += cleaner.feed_columns(_as_columns(chunk))
    assert got == expected
    assert [[type(value) for value in row] for row in got] == [
        [type(value) for value in row] for row in expected
    ]
    assert cleaner.board.notices == reference.board.notices
    assert cleaner.board.counts == reference.board.counts
    assert cleaner.row == reference.row


def test_clean_chunk_is_returned_as_is() -> None:
    """A chunk with nothing to fix keeps its row objects; blanks become None."""
    chunk: list[list[Cell]] = [["a", 1.0, ""], ["b", "", True]]
    rows = list(chunk)
    cleaned = RowCleaner("S").feed(chunk)
    assert cleaned is chunk
    assert all(a is b for a, b in zip(cleaned, rows, strict=True))
    assert cleaned == [["a", 1.0, None], ["b", None, True]]


def test_notices_name_the_right_rows_after_clean_chunks() -> None:
    """Row numbers of notices count the rows of the chunks that needed no fixing."""
    cleaner = RowCleaner("S")
    cleaner.feed([["a"], ["b"]])
    cleaner.feed([["c"], ["d\x00"]])
    (notice,) = cleaner.board.notices
    assert (notice.row, notice.column, notice.text) == (3, 0, NUL)


def test_one_huge_string_in_many_cells_is_never_joined() -> None:
    """12,000 cells sharing a 1 MiB string: cut once, quickly, without a 12 GB join."""
    huge = "x" * (1 << 20)
    chunk: list[list[Cell]] = [[huge] for _ in range(12_000)]
    start = time.perf_counter()
    cleaner = RowCleaner("S")
    cleaned = cleaner.feed(chunk)
    assert time.perf_counter() - start < 2.0
    assert {len(row[0]) for row in cleaned if isinstance(row[0], str)} == {MAX_CELL_TEXT}
    assert len({id(row[0]) for row in cleaned}) == 1
    assert cleaner.board.counts[CUT] == 12_000
    by_column = RowCleaner("S")
    start = time.perf_counter()
    cleaned = by_column.feed_columns(((huge,) * 12_000,))
    assert time.perf_counter() - start < 2.0
    assert len({id(row[0]) for row in cleaned}) == 1
    assert {len(row[0]) for row in cleaned if isinstance(row[0], str)} == {MAX_CELL_TEXT}
    assert by_column.board.counts[CUT] == 12_000


def test_finish_squares_ragged_rows_and_keeps_square_ones() -> None:
    """Short rows are padded with None; trailing empty rows are dropped."""
    assembly = SheetAssembly("S")
    assembly.add([["a", "b", "c"], ["d"], [None, None]])
    assert assembly.finish() == [["a", "b", "c"], ["d", None, None]]
    square = SheetAssembly("S")
    rows: list[list[Cell]] = [["a", 1], ["b", 2]]
    square.add(rows)
    assert square.finish() == [["a", 1], ["b", 2]]


def _frames(data: bytes) -> list[tuple[bytes, Any]]:
    """Split a stream of frames into (kind byte, decoded message)."""
    stream = io.BytesIO(data)
    found = []
    while (frame := worker_child.read_frame(stream)) is not None:
        found.append((frame[:1], worker_child.decode(frame)))
    return found


def test_plain_chunks_travel_as_marshal_data_others_as_pickles() -> None:
    """Plain values go as marshal data; from the first chunk with a date on, pickles."""
    out = io.BytesIO()
    send = worker_child._chunk_sender(out)
    plain: list[list[Any]] = [["a", 1.5, 2, True, None, ""], ["é\ud800", -0.0, 10**30]]
    dated: list[list[Any]] = [["b", date(2024, 5, 6), CellError("#REF!")]]
    send(copy.deepcopy(plain))
    send(copy.deepcopy(dated))
    send(copy.deepcopy(plain))
    frames = _frames(out.getvalue())
    assert [kind for kind, _message in frames] == [b"M", b"P", b"P"]
    assert [message for _kind, message in frames] == [
        ("rows", plain),  # ragged
        ("columns", _as_columns(dated)),
        ("rows", plain),
    ]


def test_rectangular_chunks_travel_as_columns() -> None:
    """A rectangular chunk crosses column by column and arrives as the same rows."""
    out = io.BytesIO()
    send = worker_child._chunk_sender(out)
    rows: list[list[Any]] = [[f"P-{i}", "N42SH", float(i % 3), ""] for i in range(50)]
    send(copy.deepcopy(rows))
    ((kind, (name, columns)),) = _frames(out.getvalue())
    assert (kind, name) == (b"M", "columns")
    assembly = SheetAssembly("S")
    assembly.add_columns(columns)
    assert assembly.finish() == [[*row[:3], None] for row in rows]


def test_equal_values_in_a_column_arrive_as_one_object() -> None:
    """A chunk's repeated text and numbers end up as one object each, keeping their types."""
    grade, size = "N42" + "SH", "10" + "x5x3"  # built at run time: separate objects
    rows: list[list[Any]] = [
        [f"P-{i}", "".join(grade), "".join(size), float(i % 3), 1 if i % 2 else 1.0]
        for i in range(50)
    ]
    assembly = SheetAssembly("S")
    assembly.add_columns(_as_columns(rows))
    got = assembly.finish()
    assert got == rows
    assert len({id(row[1]) for row in got}) == 1
    assert len({id(row[2]) for row in got}) == 1
    assert len({id(row[3]) for row in got}) == 3
    # a column mixing 1 and 1.0 is left alone: equal keys, different values
    assert [type(row[4]) for row in got] == [type(row[4]) for row in rows]


def test_ragged_chunks_are_sent_as_they_are() -> None:
    out = io.BytesIO()
    send = worker_child._chunk_sender(out)
    rows: list[list[Any]] = [["a", "b"], ["a"], ["a", "b", "c"]]
    send(copy.deepcopy(rows))
    ((_kind, (_rows, got)),) = _frames(out.getvalue())
    assert got == rows
