"""Read a block of sheet rows field by field: each distinct value is parsed once.

A long sheet repeats itself: a 100,000-line BOM holds a few hundred grades, sizes, prices
and quantities, and a few columns of values that never repeat (part numbers, positions,
references). Reading cell by cell cost ~5 s for such a sheet (`make bench`); here each
column is read at once: repeated values go through `read_cell` once per distinct value
(with the row's family or shape where the field's parser uses them), free text and whole
numbers take a bulk path that proves each cell is ordinary and sends the rest through
`read_cell`. The answers are the same as reading each cell with `read_cell`
(tests/planner/importing/test_column_read.py checks it on generated sheets).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from planner.families import Family
from planner.fields import Context, CountParser, TextParser, dimensions_value, grade_value
from planner.importing.field_specs import KIND_FIELDS, UNIT_FACTORS, field_spec
from planner.importing.validate import OK, CellBlock, CellResult, RowResult, read_cell
from planner.shapes import Shape

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from planner.importing.mapping import ColumnMapping

_RANK = {"ok": 0, "warning": 1, "error": 2}
_FAMILIES = {f.value: f for f in Family}
_SHAPES = {s.value: s for s in Shape}
_NO_CONTEXT: tuple[None, ...] = ()
_MEMO_LIMIT = 50_000  # distinct values remembered per field between blocks


def _mostly_unique(raw: list[object]) -> bool:
    """Whether most values differ (part numbers), so remembering them would not pay."""
    try:
        return len(set(raw)) > len(raw) // 2
    except TypeError:  # an unhashable value: the distinct-value path reads cell by cell
        return False


class _Column(NamedTuple):
    """One field of a block: cells (a CellResult, or the plain value of an ordinary
    cell), the parsed values, and the positions whose status is not ok."""

    cells: list[Any]
    values: list[Any]
    bad: Iterable[int]


_VALUE = itemgetter(0)


class Block(NamedTuple):
    """Rows read together.

    Attributes:
        rows: One RowResult per sheet row, cells read, rules not applied yet.
        values: Field -> the parsed value of each row (None where empty or refused).
    """

    rows: list[RowResult]
    values: dict[str, list[Any]]


@dataclass
class _Memo:
    """Cells read per distinct key of one field, and the keys whose cells are not ok."""

    cells: dict[Any, CellResult] = field(default_factory=dict)
    bad: set[Any] = field(default_factory=set)


class ColumnReader:
    """Reads rows of one mapping into RowResults, remembering parsed values across blocks.

    Args:
        mapping: Which column fills which field.
        suppliers: Supplier name -> id, for fields that look suppliers up.
    """

    def __init__(self, mapping: ColumnMapping, suppliers: Mapping[str, int]) -> None:
        self.kind = mapping.kind
        by_field = {m.field: m for m in mapping.matches.values()}
        self.fields = [(n, by_field[n]) for n in KIND_FIELDS[self.kind] if n in by_field]
        price = by_field.get("unit_price")
        self.header_currency = (
            price.unit
            if price is not None
            and price.unit is not None
            and price.unit.isupper()
            and "currency" not in by_field
            else None
        )
        self.suppliers = suppliers
        self._memo: dict[tuple[str, object], _Memo] = {}

    def read(self, rows: Sequence[Sequence[object]], indices: Sequence[int]) -> Block:
        """Read the sheet rows in `indices`: their RowResults (rules not applied yet) and
        each field's values."""
        block = [rows[i] for i in indices]
        width = min(map(len, block), default=0)
        names: list[str] = []
        columns: list[list[Any]] = []
        values: dict[str, list[Any]] = {}
        worst: dict[int, int] = {}  # position in block -> worst status rank, when not ok
        family: list[Family | None] | None = None
        shape: list[Shape | None] | None = None
        for name, match in self.fields:
            column = match.column
            if column < width:
                raw: list[object] = list(map(itemgetter(column), block))
            else:
                raw = [r[column] if column < len(r) else None for r in block]
            read = self._field(name, match.unit, raw, family, shape)
            for position in read.bad:
                rank = _RANK[read.cells[position].status]
                if rank > worst.get(position, 0):
                    worst[position] = rank
            if name == "unit_price" and self.header_currency is not None:
                header = CellResult(self.header_currency, OK, "currency from the header")
                names.append("currency")
                columns.append([header] * len(block))
                values["currency"] = [
                    self.header_currency if v is not None else None for v in read.values
                ]
            names.append(name)
            columns.append(read.cells)
            values[name] = read.values
            if name == "family":
                family = [_FAMILIES.get(v) for v in read.values]
            elif name == "shape":
                shape = [_SHAPES.get(v) for v in read.values]
        absent: dict[str, set[int]] = {}
        if self.header_currency is not None:  # no price on the row: no currency from the header
            unpriced = {at for at, price in enumerate(values["unit_price"]) if price is None}
            if unpriced:
                absent["currency"] = unpriced
        shared = CellBlock(names, columns, absent)
        status = ("ok", "warning", "error")
        results = [
            RowResult(source, status[worst.get(at, 0)], block=shared, at=at)
            for at, source in enumerate(indices)
        ]
        return Block(results, values)

    def _field(
        self,
        name: str,
        unit: str | None,
        raw: list[object],
        family: list[Family | None] | None,
        shape: list[Shape | None] | None,
    ) -> _Column:
        """Read one column."""
        spec = field_spec(self.kind, name)
        parse = spec.parse
        families: Sequence[Family | None] = _NO_CONTEXT
        shapes: Sequence[Shape | None] = _NO_CONTEXT
        if parse is grade_value and family is not None:
            families = family
        if parse is dimensions_value and shape is not None:
            shapes = shape
        if isinstance(parse, TextParser) and _mostly_unique(raw):
            return self._text(name, unit, raw, parse.limit, families, shapes)
        if isinstance(parse, CountParser) and (name, unit) not in UNIT_FACTORS:
            return self._whole(name, unit, raw, parse.low, families, shapes)
        return self._distinct(name, unit, raw, families, shapes)

    def _context(
        self,
        position: int,
        families: Sequence[Family | None],
        shapes: Sequence[Shape | None],
    ) -> Context:
        return Context(
            family=families[position] if families else None,
            shape=shapes[position] if shapes else None,
            suppliers=self.suppliers,
        )

    def _distinct(
        self,
        name: str,
        unit: str | None,
        raw: list[object],
        families: Sequence[Family | None],
        shapes: Sequence[Shape | None],
    ) -> _Column:
        """Read each distinct value once (with its type, and the row's family or shape
        where the parser uses them); share the results."""
        count = len(raw)
        keys: list[Any]
        if families or shapes:
            mode: object = "context"
            keys = list(
                zip(
                    raw,
                    map(type, raw),  # True == 1, but reads as "yes"
                    families or repeat(None, count),
                    shapes or repeat(None, count),
                    strict=True,
                )
            )
        elif len(classes := set(map(type, raw))) == 1:
            mode, keys = classes.pop(), raw  # one type: the value is the key
        else:
            mode, keys = "mixed", list(zip(raw, map(type, raw), strict=True))
        memo = self._memo.setdefault((name, mode), _Memo())
        try:
            fresh = [k for k in dict.fromkeys(keys) if k not in memo.cells]
        except TypeError:  # an unhashable cell value: read each cell
            return self._each(name, unit, raw, range(count), families, shapes)
        unshared: set[Any] = set()
        for key in fresh:
            value, family, shape = (
                (key[0], key[2], key[3])
                if mode == "context"
                else (key[0] if mode == "mixed" else key, None, None)
            )
            context = Context(family=family, shape=shape, suppliers=self.suppliers)
            cell = memo.cells[key] = read_cell(self.kind, name, value, unit, context)
            if cell.status != OK:
                memo.bad.add(key)
            if isinstance(cell.value, list | dict):  # mutable: each row gets its own
                unshared.add(key)
        try:
            cells = list(map(memo.cells.__getitem__, keys))
        except KeyError:  # NaN is not equal to itself: read each cell
            return self._each(name, unit, raw, range(count), families, shapes)
        if unshared:
            for position, key in enumerate(keys):
                if key in unshared:
                    cells[position] = read_cell(
                        self.kind,
                        name,
                        raw[position],
                        unit,
                        self._context(position, families, shapes),
                    )
            for key in unshared:
                del memo.cells[key]
        bad = memo.bad.copy()
        if len(memo.cells) > _MEMO_LIMIT:  # values that hardly repeat: not worth keeping
            memo.cells.clear()
            memo.bad.clear()
        values = list(map(_VALUE, cells))
        if not bad:
            return _Column(cells, values, ())
        return _Column(cells, values, [p for p, k in enumerate(keys) if k in bad])

    def _each(
        self,
        name: str,
        unit: str | None,
        raw: list[object],
        positions: Iterable[int],
        families: Sequence[Family | None],
        shapes: Sequence[Shape | None],
    ) -> _Column:
        """Read every cell one by one."""
        cells: list[Any] = list(raw)
        column = _Column(cells, list(raw), [])
        self._patch(column, name, unit, raw, positions, families, shapes)
        return column

    def _patch(
        self,
        column: _Column,
        name: str,
        unit: str | None,
        raw: list[object],
        positions: Iterable[int],
        families: Sequence[Family | None],
        shapes: Sequence[Shape | None],
    ) -> None:
        """Read the cells at `positions` with `read_cell` into `column`."""
        bad = column.bad
        assert isinstance(bad, list)
        for position in positions:
            context = self._context(position, families, shapes)
            cell = read_cell(self.kind, name, raw[position], unit, context)
            column.cells[position] = cell
            column.values[position] = cell.value
            if cell.status != OK:
                bad.append(position)

    def _text(
        self,
        name: str,
        unit: str | None,
        raw: list[object],
        limit: int,
        families: Sequence[Family | None],
        shapes: Sequence[Shape | None],
    ) -> _Column:
        """Free text: a non-empty string under the limit, not an Excel error, is itself.

        Anything else (empty, too long, "#N/A", a number or a date) is read by `read_cell`.
        The column keeps the plain strings (the sheet's own, when nothing was stripped),
        not a CellResult per cell.
        """
        values = [v.replace("\x00", "").strip() if v.__class__ is str else "" for v in raw]
        odd = [p for p, v in enumerate(values) if not v or v[0] == "#" or len(v) > limit]
        if not odd:
            return _Column(values, values, ())
        column = _Column(list(values), values, [])
        self._patch(column, name, unit, raw, odd, families, shapes)
        return column

    def _whole(
        self,
        name: str,
        unit: str | None,
        raw: list[object],
        low: int,
        families: Sequence[Family | None],
        shapes: Sequence[Shape | None],
    ) -> _Column:
        """Whole numbers: an int (or whole float) of at least `low` is itself.

        Anything else goes through the distinct-value path.
        """
        classes = set(map(type, raw))
        values: list[int]
        if classes == {float} and all(f.is_integer() for f in cast("list[float]", raw)):
            values = [int(f) for f in cast("list[float]", raw)]
        elif classes == {int}:
            values = cast("list[int]", raw)
        else:
            return self._distinct(name, unit, raw, families, shapes)
        if min(values, default=low) < low or max(values, default=0) >= 10**15:
            return self._distinct(name, unit, raw, families, shapes)
        return _Column(values, values, ())
