"""The cells of rows read together, kept field by field and shared by their RowResults.

A 100,000-line import held a dict of cells per row (~65 MB, `make bench`); rows look their
cells up here and make the dict only when it is asked for. Each field is kept in the
cheapest form that gives its cells back (`Column`): a field of few distinct cells as a
byte code per row, whole numbers in an array, other fields as a list.
"""

from __future__ import annotations

from array import array
from operator import eq
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

from planner.importing.row_result import CellResult

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
        size: How many rows the block holds.
        absent: Field -> places of the rows that do not have that cell (the header's
            currency on rows without a price).

    Attributes:
        names: The fields, in reading order.
        size: How many rows the block holds.

    Rows are found by their place in the block (`RowResult.place`).
    """

    __slots__ = ("_absent", "_by_name", "names", "size")

    def __init__(
        self,
        names: list[str],
        columns: list[Column],
        size: int,
        absent: dict[str, set[int]] | None = None,
    ) -> None:
        self.names = names
        self._by_name = dict(zip(names, columns, strict=True))
        self._absent = absent or {}
        self.size = size

    def cells_at(self, at: int) -> dict[str, CellResult]:
        """Return field -> cell of the row at `at`."""
        cells = {name: cell_at(column, at) for name, column in self._by_name.items()}
        for name, rows in self._absent.items():
            if at in rows:
                del cells[name]
        return cells

    def value_at(self, name: str, at: int) -> Any:
        """Return the parsed value of one field of the row at `at` (None when absent or
        empty)."""
        column = self._by_name.get(name)
        if column is None:
            return None
        if self._absent and at in self._absent.get(name, ()):
            return None
        if type(column) is Coded:
            return column.cells[column.codes[at]].value
        cell = column[at]
        return cell.value if type(cell) is CellResult else cell

    def column_values(self, name: str) -> list[Any]:
        """Return the parsed value of one field for every row of the block, in order."""
        return self._take(name, None)

    def take(self, names: tuple[str, ...], places: Sequence[int]) -> list[list[Any]]:
        """Return, per field in `names`, the parsed value of the rows at `places`."""
        every = len(places) == self.size and all(map(eq, places, range(self.size)))
        return [self._take(name, None if every else places) for name in names]

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
