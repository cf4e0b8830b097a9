"""The cells of rows read together, kept field by field and shared by their RowResults.

A 100,000-line import held a dict of cells per row (~65 MB, `make bench`); rows look their
cells up here and make the dict only when it is asked for. Each field is kept in the
cheapest form that gives its cells back (`Column`): a field of few distinct cells as a
byte code per row, whole numbers in an array, other fields as a list. The rows are found
by their sheet row, so a RowResult holds no position of its own (an int object each).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from itertools import islice
from operator import eq, lt
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

from planner.importing.validate import CellResult

if TYPE_CHECKING:
    from collections.abc import Sequence


class Coded(NamedTuple):
    """A field of few distinct cells: each row's code picks its cell.

    A code costs one or two bytes a row where a list costs an 8-byte reference.

    Attributes:
        codes: Per row, an index into `cells`.
        cells: The distinct cells.
    """

    codes: Sequence[int]
    cells: list[CellResult]


# Per row: a CellResult, or the value itself where the cell is ordinary (ok, no remark),
# so unique values such as part numbers cost no CellResult each. Whole numbers are kept in
# an array (no int object per row) and fields of few distinct cells are Coded.
Column: TypeAlias = "list[Any] | array[int] | Coded"


def code_array(codes: list[int], count: int) -> Sequence[int]:
    """Return `codes` (each below `count`) in the narrowest array that holds them."""
    if count <= 256:
        return bytes(codes)
    return array("H" if count <= 65_536 else "L", codes)


def whole_array(values: Sequence[int], least: float, most: float) -> array[int]:
    """Return whole numbers from `least` to `most` in an array of 4 bytes each where they
    fit, else of 8."""
    return array("i" if least >= -(2**31) and most < 2**31 else "q", values)


def cell_at(column: Column, at: int) -> CellResult:
    """Return the cell of one row of a column."""
    cell = column.cells[column.codes[at]] if type(column) is Coded else column[at]
    return cell if type(cell) is CellResult else CellResult(cell)


def parsed(column: Column, positions: Sequence[int] | None = None) -> list[Any]:
    """Return the parsed value of each row of a column (or of the rows at `positions`)."""
    if isinstance(column, Coded):
        codes = column.codes
        picked = codes if positions is None else map(codes.__getitem__, positions)
        values = [cell.value for cell in column.cells]
        return list(map(values.__getitem__, picked))
    if isinstance(column, array):
        if positions is None:
            return column.tolist()
        return list(map(column.__getitem__, positions))
    cells = column.copy() if positions is None else list(map(column.__getitem__, positions))
    if CellResult not in set(map(type, cells)):  # all plain: ~4× quicker to find out
        return cells
    return [c.value if type(c) is CellResult else c for c in cells]


class CellBlock:
    """The cells of rows read together, field by field.

    Args:
        names: The fields, in reading order.
        columns: Per field, one cell per row of the block.
        sources: The sheet row of each row of the block.
        absent: Field -> positions of the rows that do not have that cell (the header's
            currency on rows without a price).

    Attributes:
        names: The fields, in reading order.
        size: How many rows the block holds.
    """

    __slots__ = ("_absent", "_by_name", "_first", "_index", "names", "size")

    def __init__(
        self,
        names: list[str],
        columns: list[Column],
        sources: Sequence[int],
        absent: dict[str, set[int]] | None = None,
    ) -> None:
        self.names = names
        self._by_name = dict(zip(names, columns, strict=True))
        self._absent = absent or {}
        self.size = len(sources)
        self._first = sources[0] if sources else 0
        self._index = _index(sources)

    def position(self, source: int) -> int:
        """Return where the sheet row `source` is in the block."""
        index = self._index
        if index is None:
            return source - self._first
        if type(index) is dict:
            return index[source]
        return bisect_left(index, source)

    def cells_of(self, source: int) -> dict[str, CellResult]:
        """Return field -> cell of one row of the block."""
        at = self.position(source)
        cells = {name: cell_at(column, at) for name, column in self._by_name.items()}
        for name, rows in self._absent.items():
            if at in rows:
                del cells[name]
        return cells

    def value(self, name: str, source: int) -> Any:
        """Return the parsed value of one field of one row (None when absent or empty)."""
        column = self._by_name.get(name)
        if column is None:
            return None
        at = self.position(source)
        if self._absent and at in self._absent.get(name, ()):
            return None
        if type(column) is Coded:
            return column.cells[column.codes[at]].value
        cell = column[at]
        return cell.value if type(cell) is CellResult else cell

    def values(self, names: tuple[str, ...], source: int) -> list[Any]:
        """Return the parsed values of some fields of one row (None when absent or empty)."""
        return [self.value(name, source) for name in names]

    def column_values(self, name: str) -> list[Any]:
        """Return the parsed value of one field for every row of the block, in order."""
        return self._take(name, None)

    def take(self, names: tuple[str, ...], sources: Sequence[int]) -> list[list[Any]]:
        """Return, per field in `names`, the parsed value of each row in `sources`."""
        positions = self._positions(sources)
        return [self._take(name, positions) for name in names]

    def _take(self, name: str, positions: Sequence[int] | None) -> list[Any]:
        """Return the parsed values of one field at `positions` (None: every row)."""
        column = self._by_name.get(name)
        if column is None:
            return [None] * (self.size if positions is None else len(positions))
        found = parsed(column, positions)
        absent = self._absent.get(name)
        if absent:
            at = range(self.size) if positions is None else positions
            found = [None if a in absent else v for a, v in zip(at, found, strict=True)]
        return found

    def _positions(self, sources: Sequence[int]) -> Sequence[int] | None:
        """Return where `sources` are in the block; None when they are its rows in order."""
        index, first = self._index, self._first
        if index is None:
            every = range(first, first + self.size)
            if len(sources) == self.size and all(map(eq, sources, every)):
                return None
            return [source - first for source in sources]
        if type(index) is dict:
            return list(map(index.__getitem__, sources))
        if len(sources) == self.size and all(map(eq, sources, index)):
            return None
        return [bisect_left(index, source) for source in sources]


def _index(sources: Sequence[int]) -> list[int] | dict[int, int] | None:
    """How to find a sheet row in a block: None when the rows are consecutive (by offset),
    the ascending rows themselves (by bisection), else a dict."""
    ascending = all(map(lt, sources, islice(sources, 1, None)))
    if ascending and (not sources or sources[-1] - sources[0] == len(sources) - 1):
        return None
    if ascending:
        return list(sources)
    return {source: at for at, source in enumerate(sources)}
