"""Insert many new rows of one table fast, in batches, in the caller's transaction.

An import writes tens of thousands of rows. Through SQLAlchemy's per-row parameter
handling, 100,000 parts took ~2 s; on SQLite the rows go straight to the driver's
executemany here, converted by each column type's own bind processor (the same stored
values as a SQLAlchemy insert), and a column holding one value in a whole batch is
written into the statement as a literal rather than bound on every row (binding is most
of the driver's cost: 100,000 rows of 20 columns, 0.6 s bound against 0.1 s as
literals). Server databases go through SQLAlchemy and hand out their own keys.
"""

from __future__ import annotations

import math
import sqlite3
from datetime import date
from itertools import chain
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from sqlalchemy import Column, Float, Table, func, insert, select
from sqlalchemy.sql.schema import CallableColumnDefault

from planner.workspace import ValidationError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sqlalchemy.orm import Session

BATCH = 5_000  # rows per database call
_ROWS_PER_STATEMENT = 50
_MAX_VARIABLES = 32_766  # SQLite's limit of bound values in one statement (since 3.32)
_FLOATS = {float, type(None)}


class _Default:
    """The type of `DEFAULT`."""

    def __repr__(self) -> str:
        return "DEFAULT"


DEFAULT: Final = _Default()  # in a column of `Columns`: this row takes the column's default


class Columns(NamedTuple):
    """New rows of one table, column by column (100,000 rows as dicts cost ~0.3 s more
    to make and to take apart again, and ~65 MB).

    Attributes:
        size: How many rows.
        values: Column -> one value per row; `DEFAULT` where a row takes the column's
            default. A column left out takes its default in every row.
    """

    size: int
    values: dict[str, list[Any]]


def columns_of(rows: list[dict[str, Any]]) -> Columns:
    """Return dicts as columns; a key missing from a dict is `DEFAULT` in that row."""
    names = dict.fromkeys(name for row in rows for name in row)
    return Columns(
        len(rows), {name: [row.get(name, DEFAULT) for row in rows] for name in names}
    )


def insert_rows(
    session: Session,
    table: Table,
    rows: list[Any],
    make: Callable[[list[Any], int], Columns] | None,
    tick: Callable[[int, int], None],
) -> Sequence[Any]:
    """Insert new rows in batches; return their keys in order (a `range` when SQLite
    numbers them: 100,000 keys as a list took ~4 MB). `rows` is emptied.

    Args:
        session: The caller's transaction.
        table: The table.
        rows: Column -> value dicts, or the sources `make` turns into columns a batch at
            a time (so the values of 100,000 rows never exist at once).
        make: Turns a batch of sources, and where it starts in `rows`, into `Columns`;
            None when `rows` are dicts.
        tick: Called with (done, total) after each batch (it may raise to cancel).

    Raises:
        ValidationError: the database refused a row (nothing is kept: the caller's
            transaction rolls back).
    """
    primary = list(table.primary_key.columns)
    first = _made(rows[:1], make, 0).values
    next_key = _first_key(session, table, first)
    if next_key is not None or all(column.key in first for column in primary):
        return _insert_numbered(session, table, rows, next_key, make, tick)
    return _insert_returning(session, table, rows, make, tick)


def key_runs(keys: Sequence[Any]) -> list[Any]:
    """Return keys as JSON holds them: runs of whole numbers as [first, last] pairs
    (an import numbers its rows in one run), tuples as lists, dates as text."""
    if not keys:
        return []
    if isinstance(keys, range) and keys.step == 1:  # as the bulk insert numbers them
        return [[keys[0], keys[-1]]]
    if not all(type(key) is int for key in keys):
        return [
            list(map(json_value, k)) if isinstance(k, tuple) else json_value(k) for k in keys
        ]
    runs: list[list[int]] = []
    for key in keys:
        if runs and key == runs[-1][1] + 1:
            runs[-1][1] = key
        else:
            runs.append([key, key])
    return runs


def json_value(value: Any) -> Any:
    """Return a value as JSON holds it (dates as ISO text)."""
    return value.isoformat() if isinstance(value, date) else value


def _defaults(table: Table) -> dict[str, Any]:
    """Return column -> value a new row gets when none is given (its scalar default or None).

    The ORM fills the same defaults on insert. The autoincrement key is left out.
    """
    found: dict[str, Any] = {}
    for column in table.columns:
        if column is table.autoincrement_column:
            continue
        default = column.default
        is_scalar = default is not None and default.is_scalar
        found[column.key] = default.arg if is_scalar else None  # type: ignore[union-attr]
    return found


def _first_key(session: Session, table: Table, first: dict[str, list[Any]]) -> int | None:
    """Return the key for SQLite to number new rows from (max + 1), or None.

    Numbering here needs no RETURNING. The import's transaction is the only writer
    (the wizard is modal; the CLI is one process); a concurrent insert would fail
    the unique key and roll everything back. Server databases keep their sequences.
    """
    column = table.autoincrement_column
    dialect = session.get_bind().dialect.name
    if column is None or dialect != "sqlite" or column.key in first:
        return None
    return int(session.scalar(select(func.max(column))) or 0) + 1


def _made(
    sources: list[Any], make: Callable[[list[Any], int], Columns] | None, start: int
) -> Columns:
    return make(sources, start) if make is not None else columns_of(sources)


def _dicts(batch: Columns, defaults: dict[str, Any]) -> list[dict[str, Any]]:
    """Return a batch as the dicts SQLAlchemy inserts, every row with every column."""
    names = list(batch.values)
    return [
        defaults | {n: v for n, v in zip(names, values, strict=True) if v is not DEFAULT}
        for values in zip(*batch.values.values(), strict=True)
    ] or [dict(defaults) for _ in range(batch.size)]


def _keys_of(batch: Columns, primary: list[Any]) -> list[Any]:
    columns = [batch.values[column.key] for column in primary]
    return list(columns[0]) if len(columns) == 1 else list(zip(*columns, strict=True))


def _insert_numbered(
    session: Session,
    table: Table,
    rows: list[Any],
    next_key: int | None,
    make: Callable[[list[Any], int], Columns] | None,
    tick: Callable[[int, int], None],
) -> Sequence[Any]:
    """Insert rows whose keys are known (given, or numbered from `next_key`).

    Batches keep each database call short and free what they used as they go: the GIL
    is released between them (the GUI stays responsive while a worker thread imports;
    freeing 500,000 rows at once held it for 0.2 s) and cancel is checked.
    """
    dialect = session.get_bind().dialect
    defaults = _defaults(table)
    numbered = table.autoincrement_column if next_key is not None else None
    primary = list(table.primary_key.columns)
    given: list[Any] = []
    numbers = range(next_key or 0, (next_key or 0) + len(rows))
    write = _sqlite_writer(session, table) if dialect.name == "sqlite" else None
    total, done = len(rows), 0
    while rows:
        sources = rows[:BATCH]
        del rows[:BATCH]
        batch = _made(sources, make, done)
        if numbered is not None:
            batch.values[numbered.key] = list(numbers[done : done + batch.size])
        else:
            given.extend(_keys_of(batch, primary))
        done += batch.size
        if write is not None:
            write(batch)
        else:
            session.execute(insert(table), _dicts(batch, defaults))
        tick(done, total)
    return numbers if numbered is not None else given


def _insert_returning(
    session: Session,
    table: Table,
    rows: list[Any],
    make: Callable[[list[Any], int], Columns] | None,
    tick: Callable[[int, int], None],
) -> list[Any]:
    """Insert rows and collect the keys the database gives them."""
    primary = list(table.primary_key.columns)
    defaults = _defaults(table)
    statement = insert(table).returning(*primary, sort_by_parameter_order=True)
    keys: list[Any] = []
    for start in range(0, len(rows), BATCH):
        batch = _dicts(_made(rows[start : start + BATCH], make, start), defaults)
        keys.extend(r[0] for r in session.execute(statement, batch))
        tick(len(keys), len(rows))
    return keys


def _sqlite_writer(session: Session, table: Table) -> Callable[[Columns], None]:
    """Return a function that inserts a batch of rows with the SQLite driver.

    Each column is completed (defaults, callable defaults made per row), converted by
    its type's bind processor and written as one literal when it holds one value.
    """
    dialect = session.get_bind().dialect
    columns = list(table.columns)
    defaults = _defaults(table)
    converters = {
        column.key: (processor, _is_float(column))
        for column in columns
        if (processor := column.type.dialect_impl(dialect).bind_processor(dialect))
    }
    made: dict[str, Callable[[Any], Any]] = {  # per row: an empty list or dict
        column.key: column.default.arg
        for column in columns
        if isinstance(column.default, CallableColumnDefault)
    }
    names = [column.key for column in columns]
    quote = dialect.identifier_preparer.quote
    head = f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, names))}) VALUES "
    driver = session.connection().connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    cursor = driver.cursor()

    def complete(name: str, size: int, given: list[Any] | None) -> list[Any]:
        """Return a column's values as stored; `given` (the caller's) is never changed."""
        default = defaults.get(name)
        column = [default] * size if given is None else given
        if given is not None and DEFAULT in given:
            column = [default if v is DEFAULT else v for v in given]
        make = made.get(name)
        if make is not None and None in column:
            column = [make(None) if v is None else v for v in column]
        convert, is_float = converters.get(name, (None, False))
        if convert is not None and not (is_float and set(map(type, column)) <= _FLOATS):
            column = list(map(convert, column))  # None too, as SQLAlchemy does
        return column

    def write(batch: Columns) -> None:
        slots: list[str] = []
        bound: list[list[Any]] = []
        for name in names:
            column = complete(name, batch.size, batch.values.get(name))
            literal = _shared_literal(column)
            if literal is None:
                slots.append("?")
                bound.append(column)
            else:
                slots.append(literal)
        params = list(zip(*bound, strict=True)) if bound else [()] * batch.size
        try:
            _execute(cursor, head, f"({', '.join(slots)})", params, len(bound))
        except sqlite3.IntegrityError as exc:
            raise ValidationError(f"refused by the workspace: {exc}") from exc

    return write


def _execute(
    cursor: sqlite3.Cursor, head: str, row: str, params: list[tuple[Any, ...]], bound: int
) -> None:
    """Run `head` + `row` for every parameter tuple, several rows per statement.

    SQLite steps and resets once per statement: with one row each, that was ~20% of the
    driver's time on 100,000 parts.
    """
    per = max(1, min(_ROWS_PER_STATEMENT, _MAX_VARIABLES // max(bound, 1)))
    whole = len(params) - len(params) % per
    if whole:
        groups = (chain.from_iterable(params[i : i + per]) for i in range(0, whole, per))
        cursor.executemany(head + ", ".join([row] * per), map(tuple, groups))
    if whole < len(params):
        cursor.executemany(head + row, params[whole:])


def _is_float(column: Column[Any]) -> bool:
    """Whether a column is a plain Float, whose bind processor leaves floats as they are."""
    kind = column.type
    return isinstance(kind, Float) and not kind.asdecimal


def _shared_literal(column: list[Any]) -> str | None:
    """Return the SQL literal of the one value a column holds, or None to bind it.

    Only exact literals: NULL, whole numbers, finite floats and text without NUL; the same
    type throughout (1, 1.0 and True are equal in Python, not in a typeless column).
    """
    first = column[0]
    kind = type(first)
    if column.count(first) != len(column) or len(set(map(type, column))) != 1:
        return None
    if first is None:
        return "NULL"
    if kind is int:
        return str(first)
    if kind is float and math.isfinite(first):
        return repr(first)
    if kind is str and "\x00" not in first:
        text: str = first
        return "'" + text.replace("'", "''") + "'"
    return None
