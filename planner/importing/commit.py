"""Apply a validated import in one transaction, and undo it exactly as one step.

Everything or nothing: any refusal or a cancel rolls the whole import back. Every change
is audited: a record changed or removed gets its own entry with before and after, and the
rows inserted in bulk get one entry per table listing their keys (their values are the
rows themselves; any later change to them is audited in turn). The ImportResult keeps
the keys inserted per table, the previous values of updated rows and the rows a replace
removed, so `undo_import` can put the workspace back as it was (the audit log,
append-only, records the undo too).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from datetime import date
from itertools import compress
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, delete, insert, select, update

from planner.importing.bom_commit import create_parts, write_bom_rows
from planner.importing.bulk import insert_rows, json_value, key_runs
from planner.importing.row_result import RANK, SKIP, row_column, row_columns
from planner.importing.validate import ERROR, Monitor
from planner.schema import (
    Base,
    BomLine,
    BuildPlanEntry,
    Licence,
    Order,
    Part,
    Product,
    Stock,
    Supplier,
)
from planner.workspace import Change, ChangeKind, ValidationError, record_dict

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sqlalchemy.orm import Session

    from planner.importing.bulk import Columns
    from planner.importing.validate import ImportPreview, RowResult
    from planner.workspace import Workspace

_DELETE_BATCH = 500  # keys per DELETE … IN (…) when an import is undone
_MODELS: dict[str, type[Base]] = {
    "parts": Part, "suppliers": Supplier, "licences": Licence, "orders": Order, "stock": Stock,
}  # fmt: skip


@dataclass
class ImportResult:
    """What an import wrote, enough to show it and to undo it as one step.

    Attributes:
        kind: Import kind.
        mode: Import mode.
        inserted: Table -> primary keys of the rows inserted (tuples for composite keys).
        updated: Table -> (primary key, previous values of every column) of changed rows.
        deleted: Table -> full values of the rows a replace removed.
        changes: What changed, per table, for the views to refresh.
        imported_rows: Sheet rows (0-based) that were written.
        skipped_rows: Sheet rows (0-based) not written, with the reason.
    """

    kind: str
    mode: str
    inserted: dict[str, Sequence[Any]] = field(default_factory=dict)
    updated: dict[str, list[tuple[Any, dict[str, Any]]]] = field(default_factory=dict)
    deleted: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    imported_rows: array[int] = field(default_factory=lambda: array("q"))
    skipped_rows: dict[int, str] = field(default_factory=dict)

    def summary(self) -> dict[str, int]:
        """Return counts of rows imported and skipped, and records per table and action."""
        counts = {"imported": len(self.imported_rows), "skipped": len(self.skipped_rows)}
        for name, keys in self.inserted.items():
            counts[f"{name} inserted"] = len(keys)
        for name, pairs in self.updated.items():
            counts[f"{name} updated"] = len(pairs)
        for name, values in self.deleted.items():
            counts[f"{name} deleted"] = len(values)
        return counts


class ImportRefusedError(ValidationError):
    """An import with error rows that the caller did not ask to skip."""


def _key(record: Base) -> Any:
    table = record.__table__
    assert isinstance(table, Table)
    keys = tuple(getattr(record, c.key) for c in table.primary_key.columns)
    return keys[0] if len(keys) == 1 else keys


@dataclass
class ImportWriter:
    """Writes records in the import's transaction; keys and audit rows come at `settle`.

    Few records (products, updates) go through the ORM with `add`; the many new rows of
    an import are `queue`d as plain values and inserted in bulk with their audit rows:
    100,000 ORM objects and their flush cost ~30 s, the bulk insert about a tenth.
    """

    workspace: Workspace
    session: Session
    result: ImportResult
    operation: str
    pending: list[Base] = field(default_factory=list)
    products: dict[str, Product] = field(default_factory=dict)
    queued: dict[type[Base], list[Any]] = field(default_factory=dict)
    makers: dict[type[Base], Callable[[list[Any], int], Columns]] = field(default_factory=dict)
    keys: dict[type[Base], Sequence[Any]] = field(default_factory=dict)
    monitor: Monitor = field(default_factory=Monitor)

    def add(self, record: Base) -> Base:
        self.session.add(record)
        self.pending.append(record)
        return record

    def queue(self, model: type[Base], values: dict[str, Any]) -> None:
        """Insert a new record at the next `settle`; its key lands in `keys[model]`."""
        if model in self.makers:
            raise ValueError(f"{model.__tablename__}: queue values or made rows, not both")
        self.queued.setdefault(model, []).append(values)

    def queue_made(
        self,
        model: type[Base],
        sources: list[Any],
        make: Callable[[list[Any], int], Columns],
    ) -> None:
        """Insert new records at the next `settle`, their values made from `sources` batch
        by batch, column by column (100,000 value dicts made up front cost ~65 MB).

        The first list queued for a model is taken over, not copied: the insert empties
        it as it goes.
        """
        queued = self.queued.get(model)
        if queued and self.makers.get(model) is not make:
            raise ValueError(f"{model.__tablename__}: queue values or made rows, not both")
        if queued:
            queued.extend(sources)
        else:
            self.queued[model] = sources
        self.makers[model] = make

    def settle(self) -> None:
        """Flush what was added, insert what was queued, note the keys, audit each record."""
        self.session.flush()
        for record in self.pending:
            key = _key(record)
            self._note_inserted(record.__tablename__, [key])
            self.workspace.audit(
                self.session,
                operation=self.operation,
                entity=record.__tablename__,
                entity_id=key,
                before=None,
                after=record_dict(record),
            )
        self.pending.clear()
        self.keys = {}
        for model, rows in self.queued.items():
            make = self.makers.pop(model, None)
            self.keys[model] = self._insert(model, rows, make) if rows else []
        self.queued.clear()

    def _insert(
        self,
        model: type[Base],
        rows: list[Any],
        make: Callable[[list[Any], int], Columns] | None = None,
    ) -> Sequence[Any]:
        """Insert rows in batches, audit them in one entry; return their keys in order.

        Batches keep each database call short and free what they used as they go: the
        GIL is released between them (the GUI stays responsive while a worker thread
        imports; freeing 500,000 rows at once held it for 0.2 s) and cancel is checked.
        One audit entry per table lists the keys inserted; the values are the rows
        themselves, and any later change to them is audited with its before and after.
        """
        table = model.__table__
        assert isinstance(table, Table)
        keys = insert_rows(self.session, table, rows, make, self.monitor.tick)
        self._note_inserted(table.name, keys)
        self.workspace.audit(
            self.session,
            operation=self.operation,
            entity=table.name,
            entity_id=f"{len(keys)} rows",
            before=None,
            after={"inserted": len(keys), "keys": key_runs(keys)},
        )
        return keys

    def _note_inserted(self, table: str, keys: Sequence[Any]) -> None:
        """Add keys to the table's inserted keys; a first `range` is kept as it is."""
        inserted = self.result.inserted
        known = inserted.get(table)
        if known is None:
            inserted[table] = keys if isinstance(keys, range) else list(keys)
        elif isinstance(known, list):
            known.extend(keys)
        else:
            inserted[table] = [*known, *keys]

    def change(self, record: Base, values: dict[str, Any]) -> None:
        before = record_dict(record)
        previous = {c.key: getattr(record, c.key) for c in _columns(record)}
        for name, value in values.items():
            setattr(record, name, value)
        key = _key(record)
        self.result.updated.setdefault(record.__tablename__, []).append((key, previous))
        self.workspace.audit(
            self.session,
            operation=self.operation,
            entity=record.__tablename__,
            entity_id=key,
            before={k: before[k] for k in values},
            after={k: json_value(v) for k, v in values.items()},
        )

    def remove(self, record: Base) -> None:
        table = record.__tablename__
        values = {c.key: getattr(record, c.key) for c in _columns(record)}
        self.result.deleted.setdefault(table, []).append(values)
        self.workspace.audit(
            self.session,
            operation=self.operation,
            entity=table,
            entity_id=_key(record),
            before=record_dict(record),
            after=None,
        )
        self.session.delete(record)


def _columns(record: Base) -> list[Any]:
    table = record.__table__
    assert isinstance(table, Table)
    return list(table.columns)


def commit(
    workspace: Workspace,
    preview: ImportPreview,
    *,
    skip_errors: bool = False,
    monitor: Monitor | None = None,
) -> ImportResult:
    """Write a validated import in one transaction and return what it did.

    Rows marked "skip" are never written. Rows with errors make the whole import refused
    unless `skip_errors` is set; then they are left out and listed in `skipped_rows`.

    Raises:
        ImportRefusedError: some rows have errors and `skip_errors` is not set.
        ImportCancelledError: the monitor's cancel returned True; nothing was written.
        ValidationError: the workspace refused a record; nothing was written.
    """
    rows = preview.rows
    statuses, actions = row_columns(rows, "statuses", "actions")
    errors = statuses.count(RANK[ERROR])
    if errors and not skip_errors:
        raise ImportRefusedError(
            f"{errors} row(s) have errors; fix them (see the error workbook) "
            "or skip them, nothing was imported"
        )
    result = ImportResult(preview.kind, preview.mode)
    monitor = monitor or Monitor()
    lines, error = zip(statuses, actions, strict=True), RANK[ERROR]
    wanted = bytes(action != SKIP and status != error for status, action in lines)
    todo = list(compress(rows, wanted))
    for row in compress(rows, bytes(not want for want in wanted)):
        result.skipped_rows[row.source_row] = "; ".join(row.problems()) or "skipped"
    del statuses, actions
    with workspace.transaction() as session:
        writer = ImportWriter(
            workspace, session, result, f"import {preview.kind}", monitor=monitor
        )
        if preview.kind in {"bom", "build-plan"}:
            _prepare_products(writer, preview, todo)
        count = len(todo)
        if preview.kind == "bom":
            write_bom_rows(writer, todo, create_parts(writer, todo))
        else:
            for done, row in enumerate(todo):
                if done % 200 == 0:
                    monitor.tick(done, count)
                _write_row(writer, preview, row)
        del todo  # the BOM lines' insert empties the list as it goes (`write_bom_rows`)
        writer.settle()
        result.imported_rows.extend(compress(row_column(rows, "sources"), wanted))
        monitor.tick(count, count)
    result.changes = _changes(result)
    return result


def _write_row(writer: ImportWriter, preview: ImportPreview, row: RowResult) -> None:
    if preview.kind == "build-plan":
        _write_plan_row(writer, preview, row)
    elif row.action == "update":
        record = writer.session.get(_MODELS[preview.kind], row.target)
        if record is None:
            raise ValidationError(f"{preview.kind} {row.key} no longer exists")
        values = {k: v for k, v in row.record.items() if k != "part_id"}
        writer.change(record, values)
    else:
        writer.queue(_MODELS[preview.kind], dict(row.record))


def _prepare_products(
    writer: ImportWriter, preview: ImportPreview, rows: list[RowResult]
) -> None:
    """Find or create every product the rows name; replace clears a BOM's old lines."""
    existing = {p.name.lower(): p for p in writer.session.scalars(select(Product))}
    for name in dict.fromkeys(p or "" for p in row_column(rows, "parent")):
        product = existing.get(name.lower())
        if product is None:
            product = Product(name=name, kind="product")
            writer.add(product)
        writer.products[name.lower()] = product
    writer.settle()
    if preview.kind == "bom" and preview.mode == "replace":
        ids = [p.id for p in writer.products.values()]
        for line in writer.session.scalars(select(BomLine).where(BomLine.parent_id.in_(ids))):
            writer.remove(line)
        writer.session.flush()


def _write_plan_row(writer: ImportWriter, preview: ImportPreview, row: RowResult) -> None:
    product = writer.products[(row.parent or "").lower()]
    for text, quantity in row.record.items():
        period = date.fromisoformat(text)
        entry = writer.session.get(BuildPlanEntry, (product.id, period))
        if entry is None:
            writer.add(BuildPlanEntry(product_id=product.id, period=period, quantity=quantity))
        elif preview.mode != "add":
            writer.change(entry, {"quantity": quantity})


def _changes(result: ImportResult) -> list[Change]:
    changes = [
        Change(t, ChangeKind.INSERT, k if isinstance(k, range) else tuple(k))
        for t, k in result.inserted.items()
    ]
    for table, pairs in result.updated.items():
        changes.append(Change(table, ChangeKind.UPDATE, tuple(k for k, _ in pairs)))
    for table in result.deleted:
        changes.append(Change(table, ChangeKind.RESET))
    return changes


def _pk_filter(table: Table, key: Any) -> list[Any]:
    keys = key if isinstance(key, tuple) else (key,)
    return [c == k for c, k in zip(table.primary_key.columns, keys, strict=True)]


def _delete_keys(session: Session, table: Table, keys: Sequence[Any]) -> None:
    """Delete rows by primary key: single keys in chunks, composite ones one by one."""
    primary = list(table.primary_key.columns)
    if len(primary) > 1:
        for key in keys:
            session.execute(delete(table).where(*_pk_filter(table, key)))
        return
    for start in range(0, len(keys), _DELETE_BATCH):
        chunk = list(keys[start : start + _DELETE_BATCH])
        session.execute(delete(table).where(primary[0].in_(chunk)))


def undo_import(workspace: Workspace, result: ImportResult) -> list[Change]:
    """Put the workspace back exactly as it was before `result`'s import, in one step.

    Inserted rows are deleted (children first), updated rows get back every previous
    column value (version included) and rows a replace removed come back with their keys.
    """
    tables = Base.metadata.tables
    order = [t.name for t in Base.metadata.sorted_tables]
    with workspace.transaction() as session:
        for name in reversed(order):
            _delete_keys(session, tables[name], result.inserted.get(name, []))
        for name, pairs in result.updated.items():
            for key, previous in pairs:
                table = tables[name]
                session.execute(update(table).where(*_pk_filter(table, key)).values(previous))
        for name in order:
            for values in result.deleted.get(name, []):
                session.execute(insert(tables[name]).values(**values))
        workspace.audit(
            session,
            operation=f"undo import {result.kind}",
            entity=result.kind,
            entity_id=f"{len(result.imported_rows)} rows",
            before=None,
            after={"summary": result.summary()},
        )
    return [
        Change(change.entity, ChangeKind.RESET) for change in result.changes if change.entity
    ]
