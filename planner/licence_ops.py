"""Licence operations: workflow moves, documents, new licences, order links, field edits.

Each function is one transaction with audit rows and returns what changed (STYLE.md §2)
together with what its undo needs; the ui wraps each in one undo command.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from planner.licences import (
    DATE_FIELDS,
    EDITABLE_FIELDS,
    Grant,
    LicenceStatus,
    NewLicence,
    check_licence_values,
    check_move_date,
    check_status_dates,
    check_transition,
    default_validity_end,
    document_checklist,
)
from planner.schema import (
    Licence,
    LicenceDocument,
    LicenceEvent,
    LicenceItem,
    Order,
    Part,
    Supplier,
)
from planner.workspace import Change, ChangeKind, ValidationError, record_dict

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sqlalchemy.orm import Session

    from planner.workspace import Workspace

MOVE_FIELDS = ("status", *DATE_FIELDS, "quantity_approved")


@dataclass(frozen=True)
class MoveUndo:
    """What `undo_move` needs to put a licence back exactly.

    Attributes:
        licence_id: The licence moved.
        previous: Its status, dates and approved quantity before the move.
        event_id: The history event the move wrote.
    """

    licence_id: int
    previous: dict[str, Any]
    event_id: int


@dataclass(frozen=True)
class DocumentUndo:
    """What `undo_set_document` needs.

    Attributes:
        document_id: The checklist row changed or created.
        previous: (done, done_on) before, or None when the row was created.
    """

    document_id: int
    previous: tuple[bool, date | None] | None


def move_licence(
    ws: Workspace,
    licence_id: int,
    to_status: LicenceStatus | str,
    on: date,
    *,
    author: str = "",
    note: str = "",
    grant: Grant | None = None,
) -> tuple[MoveUndo, Change]:
    """Move a licence along the workflow on `on`, recording the event and the dates.

    Submission sets `submitted_on`, resubmission `resubmitted_on` (the review clock then
    restarts), a decision `decided_on`, and an approval also its validity and quantity.

    Raises:
        TransitionError: The workflow does not allow the move.
        ValidationError: The licence is gone, `on` precedes recorded dates, or a grant
            comes with something other than an approval.
    """
    target = LicenceStatus(to_status)
    if grant is not None and target is not LicenceStatus.APPROVED:
        raise ValidationError("validity and quantity are recorded with an approval only")
    with ws.transaction() as session:
        licence = _licence(session, licence_id)
        check_transition(LicenceStatus(licence.status), target, reference=licence.reference)
        check_move_date(licence.reference, _values(licence), on)
        previous = {name: getattr(licence, name) for name in MOVE_FIELDS}
        values = {"status": target.value, **_move_dates(session, licence, target, on, grant)}
        check_licence_values({**_values(licence), **values})
        for name, value in values.items():
            setattr(licence, name, value)
        event = LicenceEvent(
            licence_id=licence_id, on=on, status=target.value, author=author, note=note
        )
        session.add(event)
        session.flush()
        _audit(ws, session, "move licence", ("licences", licence_id), previous, values)
        _audit(
            ws, session, "move licence", ("licence_events", event.id), None, record_dict(event)
        )
    undo = MoveUndo(licence_id, previous, event.id)
    return undo, Change("licences", ChangeKind.UPDATE, (licence_id,), tuple(values))


def undo_move(ws: Workspace, undo: MoveUndo) -> Change:
    """Restore the fields a move changed and remove the event it wrote."""
    with ws.transaction() as session:
        licence = _licence(session, undo.licence_id)
        event = session.get(LicenceEvent, undo.event_id)
        if event is None:
            raise ValidationError(f"licence event {undo.event_id} no longer exists")
        current = {name: getattr(licence, name) for name in undo.previous}
        for name, value in undo.previous.items():
            setattr(licence, name, value)
        operation, key = "undo licence move", ("licences", undo.licence_id)
        _audit(ws, session, operation, ("licence_events", event.id), record_dict(event), None)
        session.delete(event)
        session.flush()
        _audit(ws, session, operation, key, current, undo.previous)
    return Change("licences", ChangeKind.UPDATE, (undo.licence_id,), tuple(undo.previous))


def set_document(
    ws: Workspace, licence_id: int, key: str, done: bool, on: date | None
) -> tuple[DocumentUndo, Change]:
    """Tick (or untick) a checklist document; a standard one missing is added first."""
    with ws.transaction() as session:
        licence = _licence(session, licence_id)
        row = session.scalars(
            select(LicenceDocument).where(
                LicenceDocument.licence_id == licence_id, LicenceDocument.key == key
            )
        ).first()
        previous: tuple[bool, date | None] | None = None
        if row is None:
            specs = {spec.key: spec for spec in document_checklist()}
            if key not in specs:
                raise ValidationError(
                    f"licence {licence.reference} has no document {key!r}; "
                    f"known: {', '.join(specs)}",
                    field="key",
                )
            row = LicenceDocument(licence_id=licence_id, key=key, label=specs[key].label)
            session.add(row)
        else:
            previous = (row.done, row.done_on)
        before = None if previous is None else record_dict(row)
        row.done, row.done_on = done, on if done else None
        session.flush()
        ws.audit(
            session,
            operation="set licence document",
            entity="licence_documents",
            entity_id=row.id,
            before=before,
            after=record_dict(row),
        )
    kind = ChangeKind.INSERT if previous is None else ChangeKind.UPDATE
    change = Change("licence_documents", kind, (row.id,), ("done", "done_on"))
    return DocumentUndo(row.id, previous), change


def undo_set_document(ws: Workspace, undo: DocumentUndo) -> Change:
    """Put a checklist row back as `set_document` found it (removing one it added)."""
    with ws.transaction() as session:
        row = session.get(LicenceDocument, undo.document_id)
        if row is None:
            raise ValidationError(f"licence document {undo.document_id} no longer exists")
        before = record_dict(row)
        if undo.previous is None:
            session.delete(row)
            after = None
        else:
            row.done, row.done_on = undo.previous
            session.flush()
            after = record_dict(row)
        ws.audit(
            session,
            operation="undo licence document",
            entity="licence_documents",
            entity_id=undo.document_id,
            before=before,
            after=after,
        )
    kind = ChangeKind.DELETE if undo.previous is None else ChangeKind.UPDATE
    return Change("licence_documents", kind, (undo.document_id,), ("done", "done_on"))


def add_licence(
    ws: Workspace, new: NewLicence, *, on: date | None = None, author: str = ""
) -> tuple[int, Change]:
    """Add a licence with its items, the standard document checklist and a first event.

    The event is dated `on` (default: the submission date, else no event). Undo with
    `planner.operations.delete_with_dependents(ws, Licence, [licence_id], ...)`.
    """
    values: dict[str, Any] = {
        "reference": new.reference.strip(),
        "supplier_id": new.supplier_id,
        "kind": new.kind,
        "is_amendment": new.is_amendment,
        "status": LicenceStatus(new.status).value,
        "quantity_approved": new.quantity_approved,
        "notes": new.notes,
        **{name: new.dates.get(name) for name in DATE_FIELDS},
    }
    unknown = set(new.dates) - set(DATE_FIELDS)
    if unknown:
        raise ValidationError(f"unknown date field(s) {sorted(unknown)}")
    check_licence_values(values)
    check_status_dates(LicenceStatus(new.status), values)
    with ws.transaction() as session:
        if session.get(Supplier, new.supplier_id) is None:
            raise ValidationError(
                f"supplier {new.supplier_id} does not exist", field="supplier"
            )
        _check_reference_free(session, values["reference"], None)
        licence = Licence(**values)
        session.add(licence)
        session.flush()
        _add_children(session, licence, new, on or new.dates.get("submitted_on"), author)
        ws.audit(
            session,
            operation="add licence",
            entity="licences",
            entity_id=licence.id,
            before=None,
            after={**record_dict(licence), "items": [list(item) for item in new.items]},
        )
    return licence.id, Change("licences", ChangeKind.INSERT, (licence.id,))


def link_order(
    ws: Workspace, order_id: int, licence_id: int | None
) -> tuple[int | None, Change]:
    """Link an order to a licence of its supplier (None unlinks); return the old link.

    Raises:
        ValidationError: The order or licence is gone, or the licence belongs to another
            supplier (only the exporter's own licence covers its shipment).
    """
    with ws.transaction() as session:
        order = session.get(Order, order_id)
        if order is None:
            raise ValidationError(f"order {order_id} no longer exists")
        if licence_id is not None:
            licence = _licence(session, licence_id)
            if licence.supplier_id != order.supplier_id:
                theirs = _supplier_name(session, licence.supplier_id)
                ours = _supplier_name(session, order.supplier_id)
                raise ValidationError(
                    f"licence {licence.reference} was applied for by {theirs}, but order "
                    f"{order.reference or order_id} is from {ours}: only the exporter's "
                    f"own licence covers its shipment",
                    field="licence_id",
                )
        previous = order.licence_id
        order.licence_id = licence_id
        session.flush()
        ws.audit(
            session,
            operation="link order to licence",
            entity="orders",
            entity_id=order_id,
            before={"licence_id": previous},
            after={"licence_id": licence_id},
        )
    return previous, Change("orders", ChangeKind.UPDATE, (order_id,), ("licence_id",))


def set_licence_fields(
    ws: Workspace, licence_id: int, values: Mapping[str, Any]
) -> tuple[dict[str, Any], Change]:
    """Edit licence fields (not the status: see `move_licence`); return the old values.

    Undo by calling it again with the returned values.

    Raises:
        ValidationError: An unknown or read-only field, dates out of order, a negative
            quantity, an unknown kind, or a reference already used.
    """
    unknown = set(values) - EDITABLE_FIELDS
    if unknown:
        hint = " (change the status with a workflow move)" if "status" in unknown else ""
        raise ValidationError(
            f"cannot edit licence field(s) {sorted(unknown)}{hint}", field=sorted(unknown)[0]
        )
    with ws.transaction() as session:
        licence = _licence(session, licence_id)
        check_licence_values({**_values(licence), **values})
        if "reference" in values:
            _check_reference_free(session, str(values["reference"]).strip(), licence_id)
        previous = {name: getattr(licence, name) for name in values}
        for name, value in values.items():
            setattr(licence, name, value)
        session.flush()
        _audit(ws, session, "edit licence", ("licences", licence_id), previous, values)
    return previous, Change("licences", ChangeKind.UPDATE, (licence_id,), tuple(values))


def _licence(session: Session, licence_id: int) -> Licence:
    licence = session.get(Licence, licence_id)
    if licence is None:
        raise ValidationError(f"licence {licence_id} no longer exists")
    return licence


def _supplier_name(session: Session, supplier_id: int) -> str:
    supplier = session.get(Supplier, supplier_id)
    return supplier.name if supplier is not None else f"supplier {supplier_id}"


def _values(licence: Licence) -> dict[str, Any]:
    """Return the checked fields of a licence as stored (dates as dates)."""
    return {name: getattr(licence, name) for name in (*EDITABLE_FIELDS, "status")}


def _check_reference_free(session: Session, reference: str, own_id: int | None) -> None:
    clash = session.scalars(select(Licence).where(Licence.reference == reference)).first()
    if clash is not None and clash.id != own_id:
        raise ValidationError(
            f"another licence already has the reference {reference!r}", field="reference"
        )


def _move_dates(
    session: Session, licence: Licence, target: LicenceStatus, on: date, grant: Grant | None
) -> dict[str, Any]:
    """Return the date and quantity fields a move to `target` on `on` sets."""
    if target is LicenceStatus.SUBMITTED:
        return {"submitted_on": on}
    if target is LicenceStatus.RESUBMITTED:
        return {"resubmitted_on": on}
    if target is LicenceStatus.REJECTED:
        return {"decided_on": on}
    if target is not LicenceStatus.APPROVED:
        return {}
    from planner.rules import load_rule_set

    grant = grant or Grant()
    valid_from = grant.valid_from or on
    valid_until = grant.valid_until
    if valid_until is None and licence.kind == "individual":
        valid_until = default_validity_end(valid_from, load_rule_set())
    quantity = grant.quantity_approved
    if quantity is None:
        quantity = licence.quantity_approved
    if quantity is None:
        applied = session.scalars(
            select(LicenceItem.quantity).where(LicenceItem.licence_id == licence.id)
        ).all()
        quantity = float(sum(applied)) if applied else None
    return {
        "decided_on": on,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "quantity_approved": quantity,
    }


def _add_children(
    session: Session, licence: Licence, new: NewLicence, on: date | None, author: str
) -> None:
    for part_id, quantity in new.items:
        if session.get(Part, part_id) is None:
            raise ValidationError(f"part {part_id} does not exist", field="items")
        if quantity <= 0:
            raise ValidationError(
                f"the quantity applied for must be above 0, not {quantity}", field="items"
            )
        session.add(LicenceItem(licence_id=licence.id, part_id=part_id, quantity=quantity))
    for spec in document_checklist():
        session.add(LicenceDocument(licence_id=licence.id, key=spec.key, label=spec.label))
    if on is not None:
        session.add(
            LicenceEvent(licence_id=licence.id, on=on, status=licence.status, author=author)
        )


def _audit(
    ws: Workspace,
    session: Session,
    operation: str,
    entity: tuple[str, int],
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> None:
    def jsonable(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
        if values is None:
            return None
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}

    table, key = entity
    ws.audit(
        session,
        operation=operation,
        entity=table,
        entity_id=key,
        before=jsonable(before),
        after=jsonable(after),
    )
