"""Workspace operations that undo needs: deletes that remember dependents, restores, bulk sets.

Each function is one transaction and returns what changed (STYLE.md §2); the ui wraps each
in one undo command.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, delete, insert, select, update

from planner.schema import Base, BuildPlanEntry, Stock
from planner.workspace import Change, ChangeKind, ValidationError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from sqlalchemy.orm import Session

    from planner.workspace import Workspace


@dataclass(frozen=True)
class Removed:
    """Rows a delete removed (dependents included) and foreign keys it cleared.

    Attributes:
        rows: (table, values) in an order that can be re-inserted (parents first).
        cleared: (table, primary key values, column, old value) of rows whose reference
            was set to NULL by the delete.
    """

    rows: tuple[tuple[str, dict[str, Any]], ...]
    cleared: tuple[tuple[str, dict[str, Any], str, Any], ...]


def _pk_filter(table: Table, values: dict[str, Any]) -> list[Any]:
    return [table.c[col.name] == values[col.name] for col in table.primary_key.columns]


def _referencing(table: Table) -> list[tuple[Table, str, str, str | None]]:
    """Return (child table, child column, referenced column, ondelete) for FKs to `table`."""
    found = []
    for child in Base.metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table is table:
                found.append((child, fk.parent.name, fk.column.name, fk.ondelete))
    return found


def _collect(
    session: Session,
    table: Table,
    criteria: list[Any],
    rows: list[tuple[str, dict[str, Any]]],
    cleared: list[tuple[str, dict[str, Any], str, Any]],
) -> None:
    found = [dict(r._mapping) for r in session.execute(select(table).where(*criteria))]
    if not found:
        return
    rows.extend((table.name, values) for values in found)
    for child, column, target, ondelete in _referencing(table):
        keys = [values[target] for values in found]
        child_criteria = [child.c[column].in_(keys)]
        if ondelete == "CASCADE":
            _collect(session, child, child_criteria, rows, cleared)
        elif ondelete == "SET NULL":
            for row in session.execute(select(child).where(*child_criteria)):
                values = dict(row._mapping)
                pk = {c.name: values[c.name] for c in child.primary_key.columns}
                cleared.append((child.name, pk, column, values[column]))


def delete_with_dependents(
    workspace: Workspace, model: type[Base], keys: Sequence[Any], *, operation: str
) -> tuple[Removed, Change]:
    """Delete records and everything that cascades from them, remembering all of it."""
    table = model.__table__
    assert isinstance(table, Table)
    pk_cols = list(table.primary_key.columns)
    rows: list[tuple[str, dict[str, Any]]] = []
    cleared: list[tuple[str, dict[str, Any], str, Any]] = []
    with workspace.transaction() as session:
        for key in keys:
            values = key if isinstance(key, tuple) else (key,)
            criteria = [col == value for col, value in zip(pk_cols, values, strict=True)]
            found = len(rows)
            _collect(session, table, criteria, rows, cleared)
            if len(rows) == found:
                raise ValidationError(f"{table.name} {key} no longer exists")
            session.execute(delete(table).where(*criteria))
        workspace.audit(
            session,
            operation=operation,
            entity=table.name,
            entity_id=",".join(map(str, keys)),
            before=_jsonable_snapshot(rows),
            after=None,
        )
    return Removed(tuple(rows), tuple(cleared)), Change(
        table.name, ChangeKind.DELETE, tuple(keys)
    )


def _jsonable_snapshot(rows: Iterable[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    return {
        "rows": [
            {
                "table": name,
                "values": {
                    k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()
                },
            }
            for name, values in rows
        ]
    }


def restore(workspace: Workspace, removed: Removed, *, operation: str) -> Change:
    """Put back what `delete_with_dependents` removed, with the same keys."""
    tables = Base.metadata.tables
    order = {t.name: i for i, t in enumerate(Base.metadata.sorted_tables)}
    seen: set[tuple[str, Any]] = set()
    with workspace.transaction() as session:
        for name, values in sorted(removed.rows, key=lambda item: order[item[0]]):
            identity = (name, _key_value(tables[name], values))
            if identity in seen:  # reached twice, e.g. a line between two deleted products
                continue
            seen.add(identity)
            session.execute(insert(tables[name]).values(**values))
        for name, pk, column, old in removed.cleared:
            table = tables[name]
            session.execute(update(table).where(*_pk_filter(table, pk)).values({column: old}))
        top = removed.rows[0][0]
        keys = tuple(_key_value(tables[top], v) for name, v in removed.rows if name == top)
        workspace.audit(
            session,
            operation=operation,
            entity=top,
            entity_id=",".join(map(str, keys)),
            before=None,
            after=_jsonable_snapshot(removed.rows),
        )
    return Change(top, ChangeKind.INSERT, keys)


def _key_value(table: Table, values: dict[str, Any]) -> Any:
    keys = tuple(values[c.name] for c in table.primary_key.columns)
    return keys[0] if len(keys) == 1 else keys


PlanCell = tuple[int, date, float | None]


def set_build_quantities(
    workspace: Workspace, cells: Iterable[PlanCell], *, operation: str
) -> tuple[list[PlanCell], Change]:
    """Set (product, period) quantities in one transaction; None clears a cell.

    Returns the previous values of the same cells (for undo) and the change.
    """
    cells = list(cells)
    for _product, period, quantity in cells:
        if quantity is not None and quantity < 0:
            raise ValidationError(f"{period:%b %Y}: a build quantity cannot be negative")
    previous: list[PlanCell] = []
    with workspace.transaction() as session:
        for product_id, period, quantity in cells:
            entry = session.get(BuildPlanEntry, (product_id, period))
            previous.append((product_id, period, entry.quantity if entry else None))
            if quantity is None:
                if entry is not None:
                    session.delete(entry)
            elif entry is None:
                session.add(
                    BuildPlanEntry(product_id=product_id, period=period, quantity=quantity)
                )
            else:
                entry.quantity = quantity
        workspace.audit(
            session,
            operation=operation,
            entity="build_plan",
            entity_id=f"{len(cells)} cells",
            before={"cells": [[p, d.isoformat(), q] for p, d, q in previous]},
            after={"cells": [[p, d.isoformat(), q] for p, d, q in cells]},
        )
    return previous, Change("build_plan", ChangeKind.UPDATE, tuple((p, d) for p, d, _ in cells))


def set_stock(
    workspace: Workspace, part_id: int, values: dict[str, Any], *, operation: str
) -> tuple[dict[str, Any] | None, Change]:
    """Set stock fields of a part, creating its stock row when missing.

    Returns the previous values (None when there was no row) and the change.
    """
    if workspace.get(Stock, part_id) is None:
        workspace.insert(Stock(part_id=part_id, **values), operation=operation)
        return None, Change("stock", ChangeKind.INSERT, (part_id,), tuple(values))
    current = workspace.get(Stock, part_id)
    assert current is not None
    before = {name: getattr(current, name) for name in values}
    return before, workspace.update(Stock, part_id, values, operation=operation)
