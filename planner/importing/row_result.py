"""The result of checking one data row, and where a block of them keeps what they hold.

A RowResult is two references: the `RowStore` of its block and its place there. The store
keeps each attribute of the block's rows together, the way a long import makes them: the
key of each row in a list, status and action as one byte each, and the rest (parent,
record, magnet text ...) as one value the block shares plus the rows that differ. An
object with eleven attributes per row and an int per sheet row held 15 MB of 100,000 BOM
lines' check, more than any other part of it (`make bench`, import memory).
"""

from __future__ import annotations

from array import array
from collections import Counter
from itertools import groupby, islice, repeat
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from planner.importing.cell_block import CellBlock
    from planner.importing.magnet_text import MagnetGuess

OK, WARNING, ERROR = "ok", "warning", "error"
RANK = {OK: 0, WARNING: 1, ERROR: 2}
_STATUSES = (OK, WARNING, ERROR)
_ACTIONS = ("insert", "update", "skip")
_ACTION_CODES = {action: code for code, action in enumerate(_ACTIONS)}
UPDATE, SKIP = _ACTION_CODES["update"], _ACTION_CODES["skip"]  # in `row_column(.., "actions")`
# Places in a block as shared int objects: 10,000 rows' places cost no int each.
_PLACES = tuple(range(10_000))
_STORE, _PLACE = attrgetter("store"), attrgetter("place")
_LISTS = frozenset({"keys", "sources", "statuses", "actions"})
# Columns given as arrays: the rows' places in the sheet are no int object each.
_EMPTY: dict[str, Callable[[], Any]] = {
    "statuses": bytearray, "actions": bytearray, "sources": lambda: array("q"),
}  # fmt: skip


class CellResult(NamedTuple):
    """One field of one row: the value to store, or why it cannot be.

    Attributes:
        value: The parsed value (None when empty or refused).
        status: "ok", "warning" or "error".
        reason: Why, when the status is not ok.
    """

    value: Any
    status: str = OK
    reason: str = ""


class Derived:
    """A row's values worked out from its cells whenever asked (`make(row)`), not stored.

    One instance serves every row of a kind, so a long import keeps no per-row copy.
    """

    __slots__ = ("make",)

    def __init__(self, make: Callable[[RowResult], Any]) -> None:
        self.make = make


class RowStore:
    """What the RowResults of one block hold.

    Attributes:
        sources: Each row's 0-based row in the sheet.
        block: The block's cells, or None when each row has its own (`own` "cells").
        statuses: Each row's status, as its rank.
        actions: Each row's action, as its place in ("insert", "update", "skip").
        keys: Each row's key.
        shared: Per attribute, the value rows have unless they have their own.
        own: Per attribute, the rows with a value of their own, by place.
    """

    __slots__ = ("actions", "block", "keys", "own", "shared", "sources", "statuses")

    def __init__(
        self,
        sources: Sequence[int],
        block: CellBlock | None,
        statuses: bytes | bytearray | None = None,
    ) -> None:
        size = len(sources)
        self.sources = sources
        self.block = block
        self.statuses = bytearray(statuses if statuses is not None else size)
        self.actions = bytearray(size)
        self.keys: list[str | None] = [None] * size
        self.shared: dict[str, Any] = {
            "target": None, "parent": None, "record": None, "new_part": None,
            "magnet_source": None, "messages": None, "cells": None,
        }  # fmt: skip
        self.own: dict[str, dict[int, Any]] = {}

    def rows(self) -> list[RowResult]:
        """Return a RowResult for each row of the store, in order."""
        size = len(self.sources)
        places: Iterable[int] = _PLACES[:size] if size <= len(_PLACES) else range(size)
        return [RowResult(self, at) for at in places]

    def get(self, name: str, at: int) -> Any:
        """Return the value of an attribute for the row at `at`."""
        own = self.own.get(name)
        return own.get(at, self.shared[name]) if own else self.shared[name]

    def put(self, name: str, at: int, value: Any) -> None:
        """Set the value of an attribute for the row at `at`."""
        own = self.own.get(name)
        if value is self.shared[name]:
            if own:
                own.pop(at, None)
        elif own is None:
            self.own[name] = {at: value}
        else:
            own[at] = value

    def put_all(self, name: str, values: Sequence[Any]) -> None:
        """Set an attribute for every row of the store (`values` in order): the most
        common value is shared, the others are the rows' own."""
        if not values:
            return
        ids = Counter(map(id, values)).most_common(1)[0][0]
        common = next(v for v in values if id(v) == ids)
        self.shared[name] = common
        self.own[name] = {at: v for at, v in enumerate(values) if v is not common}

    def share(self, name: str, value: Any) -> None:
        """Give every row of the store `value` for an attribute."""
        self.shared[name] = value
        self.own.pop(name, None)


def store_of(rows: Sequence[RowResult]) -> RowStore | None:
    """Return the store of `rows` when they are exactly its rows, in order."""
    found = list(islice(runs(rows), 2))
    return found[0][0] if len(found) == 1 and found[0][1] is None else None


def runs(rows: Sequence[RowResult]) -> Iterator[tuple[RowStore, list[int] | None]]:
    """Yield each run of rows kept in one store: the store and the rows' places (None
    when the run is all the store's rows, in order)."""
    for store, run in groupby(rows, _STORE):
        places = list(map(_PLACE, run))
        size = len(places)
        whole = size == len(store.keys) and places[-1] == size - 1 and places == [*range(size)]
        yield store, None if whole else places


def row_column(rows: Sequence[RowResult], name: str) -> Any:
    """Return what each of `rows` holds for one name (see `row_columns`)."""
    return row_columns(rows, name)[0]


def row_columns(rows: Sequence[RowResult], *names: str) -> list[Any]:
    """Return, per name, what each of `rows` holds, taken a store at a time.

    A name is one of the store's lists ("keys"; "sources" in an array; "statuses" as ranks
    and "actions" as codes, in a bytearray) or an attribute it keeps shared or per row (a
    `Derived` is given as it is). The check and the commit ask for these of every line.
    """
    found: list[Any] = [_EMPTY[name]() if name in _EMPTY else [] for name in names]
    for store, places in runs(rows):
        size = len(store.keys) if places is None else len(places)
        for column, name in zip(found, names, strict=True):
            if name in _LISTS:
                values = getattr(store, name)
                column.extend(values if places is None else map(values.__getitem__, places))
                continue
            own, shared = store.own.get(name), store.shared[name]
            if not own:
                column.extend(repeat(shared, size))
            else:
                column.extend(
                    map(own.get, range(size) if places is None else places, repeat(shared))
                )
    return found


class RowResult:
    """One data row of the sheet after validation.

    Attributes:
        source_row: 0-based row index in the sheet.
        status: "ok", "warning" or "error" (the worst of its cells and messages).
        messages: Row-level messages, in words a buyer understands.
        cells: Field -> result, for the mapped fields.
        action: "insert", "update" or "skip".
        key: The record's key (part number, product name, order reference ...).
        target: Primary key of the existing record an update changes.
        record: Column values to write to the kind's table.
        parent: BOM and build plan: the product name.
        new_part: BOM: values of the magnet part to create, when it does not exist.
        magnet_source: BOM: the line's text and stated mass, read by `magnet` when asked.
        store: Where the row's values are kept (see `RowStore`); `place`: its place there.

    `cells` may come from a CellBlock (made when first asked for); `record`, `new_part`
    and `magnet_source` may be `Derived` from the cells each time they are read. Set them
    to change them.
    """

    __slots__ = ("place", "store")

    def __init__(self, store: RowStore, place: int) -> None:
        self.store = store
        self.place = place

    @classmethod
    def alone(
        cls, source_row: int, status: str = OK, cells: dict[str, CellResult] | None = None
    ) -> RowResult:
        """Return a row with a store of its own, not read as part of a block."""
        store = RowStore((source_row,), None, bytes((RANK[status],)))
        store.put("cells", 0, {} if cells is None else cells)
        return cls(store, 0)

    def __repr__(self) -> str:
        return f"RowResult(row {self.source_row + 1}, {self.status}, {self.action})"

    @property
    def source_row(self) -> int:
        """0-based row index in the sheet."""
        return self.store.sources[self.place]

    @property
    def status(self) -> str:
        """The row's status: "ok", "warning" or "error"."""
        return _STATUSES[self.store.statuses[self.place]]

    @status.setter
    def status(self, status: str) -> None:
        self.store.statuses[self.place] = RANK[status]

    @property
    def action(self) -> str:
        """What the commit does with the row: "insert", "update" or "skip"."""
        return _ACTIONS[self.store.actions[self.place]]

    @action.setter
    def action(self, action: str) -> None:
        self.store.actions[self.place] = _ACTION_CODES[action]

    @property
    def key(self) -> str | None:
        """The record's key."""
        return self.store.keys[self.place]

    @key.setter
    def key(self, key: str | None) -> None:
        self.store.keys[self.place] = key

    @property
    def target(self) -> Any:
        """Primary key of the existing record an update changes."""
        return self.store.get("target", self.place)

    @target.setter
    def target(self, target: Any) -> None:
        self.store.put("target", self.place, target)

    @property
    def parent(self) -> str | None:
        """BOM and build plan: the product name."""
        parent: str | None = self.store.get("parent", self.place)
        return parent

    @parent.setter
    def parent(self, parent: str | None) -> None:
        self.store.put("parent", self.place, parent)

    @property
    def messages(self) -> list[str]:
        """Row-level messages, in words a buyer understands (made when first needed)."""
        messages: list[str] | None = self.store.get("messages", self.place)
        if messages is None:
            messages = []
            self.store.put("messages", self.place, messages)
        return messages

    @property
    def cells(self) -> dict[str, CellResult]:
        """Field -> result, for the mapped fields (the row's own once asked for)."""
        cells, own = self._current_cells()
        if not own:
            self.store.put("cells", self.place, cells)
        return cells

    def _current_cells(self) -> tuple[dict[str, CellResult], bool]:
        """Return the row's cells and whether it has them of its own (else read from the
        block just now)."""
        cells: dict[str, CellResult] | None = self.store.get("cells", self.place)
        if cells is not None:
            return cells, True
        block = self.store.block
        return (block.cells_at(self.place) if block is not None else {}), False

    @property
    def record(self) -> dict[str, Any]:
        """Column values to write to the kind's table (kept once asked for)."""
        record = self.store.get("record", self.place)
        if record is None or isinstance(record, Derived):
            record = {} if record is None else record.make(self)
            self.store.put("record", self.place, record)
        return record  # type: ignore[no-any-return]

    @record.setter
    def record(self, values: dict[str, Any] | Derived) -> None:
        self.store.put("record", self.place, values)

    @property
    def new_part(self) -> dict[str, Any] | None:
        """BOM: values of the magnet part to create, when it does not exist (kept once
        asked for)."""
        part = self.store.get("new_part", self.place)
        if isinstance(part, Derived):
            part = part.make(self)
            self.store.put("new_part", self.place, part)
        return part  # type: ignore[no-any-return]

    @new_part.setter
    def new_part(self, values: dict[str, Any] | Derived | None) -> None:
        self.store.put("new_part", self.place, values)

    @property
    def magnet_source(self) -> tuple[str, float | None] | None:
        """BOM: the line's text and stated mass, read by `magnet` when asked."""
        source = self.store.get("magnet_source", self.place)
        return source.make(self) if isinstance(source, Derived) else source  # type: ignore[no-any-return]

    @magnet_source.setter
    def magnet_source(self, source: tuple[str, float | None] | Derived | None) -> None:
        self.store.put("magnet_source", self.place, source)

    @property
    def magnet(self) -> MagnetGuess | None:
        """BOM: what the line's text says about a magnet (worked out when asked).

        Explicit family, grade and size columns settle most lines without it; the preview
        asks only for the rows it shows.
        """
        source = self.magnet_source
        if source is None:
            return None
        from planner.importing.magnet_text import recognise

        text, stated_mass_g = source
        return recognise(text, stated_mass_g=stated_mass_g)

    def note(self, message: str, status: str = OK) -> None:
        """Add a message and raise the row's status to at least `status`."""
        self.messages.append(message)
        self.raise_to(status)

    def raise_to(self, status: str) -> None:
        """Raise the row's status to at least `status`."""
        statuses = self.store.statuses
        statuses[self.place] = max(statuses[self.place], RANK[status])

    def value(self, name: str) -> Any:
        """Return the parsed value of a field (None when absent, empty or refused)."""
        store = self.store
        if store.block is not None and store.get("cells", self.place) is None:
            return store.block.value_at(name, self.place)
        cell = self.cells.get(name)
        return cell.value if cell is not None else None

    def values(self, *names: str) -> list[Any]:
        """Return the parsed values of some fields (None when absent, empty or refused)."""
        store = self.store
        if store.block is not None and store.get("cells", self.place) is None:
            return [store.block.value_at(name, self.place) for name in names]
        return [self.value(name) for name in names]

    def problems(self) -> list[str]:
        """Return every cell reason and non-ok message, for reports (without keeping a
        dict of cells for each skipped line)."""
        found, _ = self._current_cells()
        cells = [f"{n}: {c.reason}" for n, c in found.items() if c.status != OK]
        messages = self.store.get("messages", self.place) or ()
        return cells + [m for m in messages if m]
