"""Licence operations: workflow moves and their undo, documents, order links, field edits."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from planner.licence_ops import (
    add_licence,
    link_order,
    move_licence,
    set_document,
    set_licence_fields,
    undo_move,
    undo_set_document,
)
from planner.licences import (
    Grant,
    LicenceStatus,
    NewLicence,
    TransitionError,
    document_checklist,
    next_statuses,
)
from planner.operations import delete_with_dependents, restore
from planner.schema import (
    AuditEntry,
    Licence,
    LicenceDocument,
    LicenceEvent,
    LicenceItem,
    Order,
    Part,
    Supplier,
)
from planner.workspace import ChangeKind, ValidationError, Workspace

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

S = LicenceStatus
OPEN = [
    S.DRAFT,
    S.DOCUMENTS_PENDING,
    S.SUBMITTED,
    S.UNDER_REVIEW,
    S.INFORMATION_REQUESTED,
    S.RESUBMITTED,
]
# The moves that bring a fresh draft to each status.
PATH = {
    S.DRAFT: [],
    S.DOCUMENTS_PENDING: [S.DOCUMENTS_PENDING],
    S.SUBMITTED: [S.SUBMITTED],
    S.UNDER_REVIEW: [S.SUBMITTED, S.UNDER_REVIEW],
    S.INFORMATION_REQUESTED: [S.SUBMITTED, S.UNDER_REVIEW, S.INFORMATION_REQUESTED],
    S.RESUBMITTED: [S.SUBMITTED, S.UNDER_REVIEW, S.INFORMATION_REQUESTED, S.RESUBMITTED],
    S.APPROVED: [S.SUBMITTED, S.APPROVED],
    S.REJECTED: [S.SUBMITTED, S.REJECTED],
}


class Ids:
    """Keys of the small workspace's records."""

    ningbo = baotou = part = order = 0


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = Workspace.create(tmp_path / "w.magplan", user="tester")
    yield workspace
    workspace.close()


@pytest.fixture
def ids(ws: Workspace) -> Ids:
    found = Ids()
    found.ningbo = ws.insert(Supplier(name="Ningbo", country="CN"), operation="t")[0].id
    found.baotou = ws.insert(Supplier(name="Baotou", country="CN"), operation="t")[0].id
    part = Part(
        part_number="MG-1", family="sintered_ndfeb", grade="N42SH", supplier_id=found.ningbo
    )
    found.part = ws.insert(part, operation="t")[0].id
    order = Order(reference="PO-1", part_id=found.part, supplier_id=found.ningbo, quantity=500)
    found.order = ws.insert(order, operation="t")[0].id
    return found


def new_licence(
    ws: Workspace, ids: Ids, reference: str = "LIC-1", kind: str = "individual"
) -> int:
    new = NewLicence(reference, ids.ningbo, kind=kind, items=((ids.part, 700.0),))
    return add_licence(ws, new, on=date(2025, 3, 1), author="me")[0]


def walk(ws: Workspace, licence_id: int, status: LicenceStatus) -> None:
    on = date(2025, 4, 7)
    for step in PATH[status]:
        move_licence(ws, licence_id, step, on, author="me")


def get(ws: Workspace, licence_id: int) -> Licence:
    found = ws.get(Licence, licence_id)
    assert found is not None
    return found


def events(ws: Workspace, licence_id: int) -> list[str]:
    return [
        e.status for e in ws.all(LicenceEvent, LicenceEvent.id) if e.licence_id == licence_id
    ]


# -- add ---------------------------------------------------------------------------------


def test_add_licence_creates_items_checklist_and_first_event(ws: Workspace, ids: Ids) -> None:
    licence_id, change = add_licence(
        ws, NewLicence(" LIC-1 ", ids.ningbo, items=((ids.part, 700.0),)), on=date(2025, 3, 1)
    )
    assert change.kind is ChangeKind.INSERT
    licence = get(ws, licence_id)
    assert (licence.reference, licence.status, licence.kind) == ("LIC-1", "draft", "individual")
    assert [(i.part_id, i.quantity) for i in ws.all(LicenceItem)] == [(ids.part, 700.0)]
    keys = [d.key for d in ws.all(LicenceDocument) if d.licence_id == licence_id]
    assert keys == [spec.key for spec in document_checklist()]
    assert events(ws, licence_id) == ["draft"]
    assert any(a.operation == "add licence" for a in ws.all(AuditEntry))


def test_add_licence_can_be_undone_with_delete_and_restored(ws: Workspace, ids: Ids) -> None:
    licence_id = new_licence(ws, ids)
    removed, _ = delete_with_dependents(ws, Licence, [licence_id], operation="undo add")
    assert ws.count(Licence) == 0
    assert ws.count(LicenceDocument) == 0
    restore(ws, removed, operation="redo add")
    assert get(ws, licence_id).reference == "LIC-1"


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (NewLicence("", 1), "needs a reference"),
        (NewLicence("X", 1, kind="global"), "kind must be individual or general"),
        (NewLicence("X", 1, quantity_approved=-1), "0 or more"),
        (NewLicence("X", 1, status=S.UNDER_REVIEW), "needs a submission date"),
        (
            NewLicence("X", 1, status=S.APPROVED, dates={"submitted_on": date(2025, 1, 1)}),
            "needs a decision date",
        ),
        (
            NewLicence(
                "X",
                1,
                status=S.REJECTED,
                dates={"submitted_on": date(2025, 2, 1), "decided_on": date(2025, 1, 1)},
            ),
            "decided .2025-01-01. cannot be before submitted .2025-02-01.",
        ),
        (NewLicence("X", 99), "supplier 99 does not exist"),
        (NewLicence("X", 1, items=((99, 5.0),)), "part 99 does not exist"),
        (NewLicence("X", 1, dates={"sent_on": date(2025, 1, 1)}), "unknown date field"),
    ],
)
def test_add_licence_refuses_bad_values(
    ws: Workspace, ids: Ids, new: NewLicence, message: str
) -> None:
    assert ids.ningbo == 1
    with pytest.raises(ValidationError, match=message):
        add_licence(ws, new)
    assert ws.count(Licence) == 0


def test_add_licence_refuses_a_used_reference(ws: Workspace, ids: Ids) -> None:
    new_licence(ws, ids)
    with pytest.raises(ValidationError, match="already has the reference 'LIC-1'"):
        new_licence(ws, ids)


# -- workflow moves ----------------------------------------------------------------------


def test_full_workflow_sets_the_dates_each_status_implies(ws: Workspace, ids: Ids) -> None:
    licence_id = new_licence(ws, ids)
    move_licence(ws, licence_id, S.DOCUMENTS_PENDING, date(2025, 3, 10))
    move_licence(ws, licence_id, "submitted", date(2025, 4, 7))
    assert get(ws, licence_id).submitted_on == date(2025, 4, 7)
    move_licence(ws, licence_id, S.UNDER_REVIEW, date(2025, 4, 20))
    move_licence(ws, licence_id, S.INFORMATION_REQUESTED, date(2025, 5, 20))
    move_licence(ws, licence_id, S.RESUBMITTED, date(2026, 1, 5), note="photos sent")
    assert get(ws, licence_id).resubmitted_on == date(2026, 1, 5)
    _undo, change = move_licence(ws, licence_id, S.APPROVED, date(2026, 3, 13), author="me")
    licence = get(ws, licence_id)
    assert licence.status == "approved"
    assert licence.decided_on == licence.valid_from == date(2026, 3, 13)
    assert licence.valid_until == date(2026, 9, 13)  # + 6 typical months
    assert licence.quantity_approved == 700  # as applied for
    assert set(change.fields) >= {"status", "decided_on", "valid_until"}
    assert events(ws, licence_id) == [
        "draft",
        "documents_pending",
        "submitted",
        "under_review",
        "information_requested",
        "resubmitted",
        "approved",
    ]
    move_licence(ws, licence_id, S.USED_UP, date(2026, 6, 1))
    assert get(ws, licence_id).status == "used_up"


def test_decision_straight_from_submitted(ws: Workspace, ids: Ids) -> None:
    licence_id = new_licence(ws, ids)
    move_licence(ws, licence_id, S.SUBMITTED, date(2025, 4, 7))
    move_licence(ws, licence_id, S.REJECTED, date(2025, 6, 12))
    licence = get(ws, licence_id)
    assert (licence.status, licence.decided_on, licence.valid_until) == (
        "rejected",
        date(2025, 6, 12),
        None,
    )


def test_approval_with_a_grant_and_general_licences(ws: Workspace, ids: Ids) -> None:
    general = new_licence(ws, ids, "GEN-1", kind="general")
    walk(ws, general, S.SUBMITTED)
    move_licence(ws, general, S.APPROVED, date(2025, 6, 1))
    assert get(ws, general).valid_until is None  # general licences: as given
    other = new_licence(ws, ids, "LIC-2")
    walk(ws, other, S.SUBMITTED)
    grant = Grant(date(2025, 7, 1), date(2026, 6, 30), 500.0)
    move_licence(ws, other, S.APPROVED, date(2025, 6, 1), grant=grant)
    licence = get(ws, other)
    assert (licence.valid_from, licence.valid_until, licence.quantity_approved) == (
        date(2025, 7, 1),
        date(2026, 6, 30),
        500.0,
    )


@pytest.mark.parametrize("status", OPEN)
def test_withdraw_from_every_open_state(ws: Workspace, ids: Ids, status: LicenceStatus) -> None:
    licence_id = new_licence(ws, ids)
    walk(ws, licence_id, status)
    move_licence(ws, licence_id, S.WITHDRAWN, date(2025, 8, 1))
    assert get(ws, licence_id).status == "withdrawn"


@pytest.mark.parametrize(
    ("status", "target", "message"),
    [
        (
            S.DRAFT,
            S.APPROVED,
            "cannot move licence LIC-1 from draft to approved: allowed next: "
            "documents pending, submitted, withdrawn",
        ),
        (S.UNDER_REVIEW, S.RESUBMITTED, "from under review to resubmitted: allowed next: "),
        (S.APPROVED, S.UNDER_REVIEW, "allowed next: expired, used up"),
        (S.REJECTED, S.APPROVED, "from rejected to approved: rejected is final"),
        (S.APPROVED, S.WITHDRAWN, "from approved to withdrawn"),
    ],
)
def test_refused_transitions_name_both_states_and_the_way_on(
    ws: Workspace, ids: Ids, status: LicenceStatus, target: LicenceStatus, message: str
) -> None:
    licence_id = new_licence(ws, ids)
    walk(ws, licence_id, status)
    before = len(events(ws, licence_id))
    with pytest.raises(TransitionError, match=message) as caught:
        move_licence(ws, licence_id, target, date(2025, 9, 1))
    assert caught.value.allowed == next_statuses(status)
    assert get(ws, licence_id).status == status.value
    assert len(events(ws, licence_id)) == before


def test_move_before_a_recorded_date_is_refused(ws: Workspace, ids: Ids) -> None:
    licence_id = new_licence(ws, ids)
    walk(ws, licence_id, S.SUBMITTED)
    with pytest.raises(
        ValidationError, match="2025-04-01 is before its submitted on 2025-04-07"
    ):
        move_licence(ws, licence_id, S.APPROVED, date(2025, 4, 1))


def test_grant_only_with_an_approval(ws: Workspace, ids: Ids) -> None:
    licence_id = new_licence(ws, ids)
    with pytest.raises(ValidationError, match="with an approval only"):
        move_licence(ws, licence_id, S.SUBMITTED, date(2025, 4, 7), grant=Grant())


def test_undo_move_restores_fields_exactly_and_removes_the_event(
    ws: Workspace, ids: Ids
) -> None:
    licence_id = new_licence(ws, ids)
    walk(ws, licence_id, S.SUBMITTED)
    set_licence_fields(ws, licence_id, {"quantity_approved": 650.0})
    before = get(ws, licence_id)
    events_before = events(ws, licence_id)
    undo, _ = move_licence(ws, licence_id, S.APPROVED, date(2025, 6, 12), author="me")
    assert undo.previous["status"] == "submitted"
    assert ws.get(LicenceEvent, undo.event_id) is not None
    change = undo_move(ws, undo)
    after = get(ws, licence_id)
    for name in ("status", "submitted_on", "decided_on", "valid_from", "valid_until"):
        assert getattr(after, name) == getattr(before, name)
    assert after.quantity_approved == 650.0
    assert ws.get(LicenceEvent, undo.event_id) is None
    assert events(ws, licence_id) == events_before
    assert change.ids == (licence_id,)
    operations = [a.operation for a in ws.all(AuditEntry, AuditEntry.id)]
    assert operations[-2:] == ["undo licence move", "undo licence move"]
    with pytest.raises(ValidationError, match="no longer exists"):
        undo_move(ws, undo)


def test_undo_of_a_resubmission_restores_the_old_clock(ws: Workspace, ids: Ids) -> None:
    licence_id = new_licence(ws, ids)
    walk(ws, licence_id, S.INFORMATION_REQUESTED)
    undo, _ = move_licence(ws, licence_id, S.RESUBMITTED, date(2025, 9, 1))
    undo_move(ws, undo)
    licence = get(ws, licence_id)
    assert (licence.status, licence.resubmitted_on) == ("information_requested", None)


def test_each_move_writes_audit_rows(ws: Workspace, ids: Ids) -> None:
    licence_id = new_licence(ws, ids)
    move_licence(ws, licence_id, S.SUBMITTED, date(2025, 4, 7), author="me")
    rows = [a for a in ws.all(AuditEntry) if a.operation == "move licence"]
    assert {a.entity for a in rows} == {"licences", "licence_events"}
    licence_row = next(a for a in rows if a.entity == "licences")
    assert licence_row.before is not None
    assert licence_row.after is not None
    assert (licence_row.before["status"], licence_row.after["status"]) == ("draft", "submitted")
    assert licence_row.after["submitted_on"] == "2025-04-07"
    assert licence_row.who == "tester"


# -- documents ---------------------------------------------------------------------------


def test_tick_untick_and_undo_a_document(ws: Workspace, ids: Ids) -> None:
    licence_id = new_licence(ws, ids)
    undo, change = set_document(ws, licence_id, "contract", True, date(2025, 3, 5))
    assert change.kind is ChangeKind.UPDATE
    row = ws.get(LicenceDocument, undo.document_id)
    assert row is not None
    assert (row.done, row.done_on) == (True, date(2025, 3, 5))
    assert undo.previous == (False, None)
    undo_set_document(ws, undo)
    row = ws.get(LicenceDocument, undo.document_id)
    assert row is not None
    assert (row.done, row.done_on) == (False, None)
    set_document(ws, licence_id, "contract", True, date(2025, 3, 5))
    set_document(ws, licence_id, "contract", False, date(2025, 3, 6))
    row = ws.get(LicenceDocument, undo.document_id)
    assert row is not None
    assert (row.done, row.done_on) == (False, None)


def test_missing_standard_document_is_added_and_undo_removes_it(
    ws: Workspace, ids: Ids
) -> None:
    licence_id = new_licence(ws, ids)
    ws.delete_where(
        LicenceDocument,
        LicenceDocument.licence_id == licence_id,
        LicenceDocument.key == "customer_list",
        operation="t",
    )
    undo, change = set_document(ws, licence_id, "customer_list", True, date(2025, 3, 5))
    assert (undo.previous, change.kind) == (None, ChangeKind.INSERT)
    undo_set_document(ws, undo)
    assert ws.get(LicenceDocument, undo.document_id) is None


def test_unknown_document_is_refused_with_the_known_keys(ws: Workspace, ids: Ids) -> None:
    licence_id = new_licence(ws, ids)
    with pytest.raises(ValidationError, match="no document 'passport'; known: contract, "):
        set_document(ws, licence_id, "passport", True, date(2025, 3, 5))


# -- order links -------------------------------------------------------------------------


def test_link_and_unlink_an_order(ws: Workspace, ids: Ids) -> None:
    licence_id = new_licence(ws, ids)
    previous, change = link_order(ws, ids.order, licence_id)
    assert previous is None
    assert change.fields == ("licence_id",)
    order = ws.get(Order, ids.order)
    assert order is not None
    assert order.licence_id == licence_id
    assert link_order(ws, ids.order, None)[0] == licence_id


def test_licence_of_another_supplier_is_refused_with_a_reason(ws: Workspace, ids: Ids) -> None:
    theirs = add_licence(ws, NewLicence("LIC-BT", ids.baotou))[0]
    with pytest.raises(
        ValidationError, match="LIC-BT was applied for by Baotou, but order PO-1 is from Ningbo"
    ):
        link_order(ws, ids.order, theirs)
    order = ws.get(Order, ids.order)
    assert order is not None
    assert order.licence_id is None


# -- field edits -------------------------------------------------------------------------


def test_set_fields_returns_the_old_values_for_undo(ws: Workspace, ids: Ids) -> None:
    licence_id = new_licence(ws, ids)
    values = {"submitted_on": date(2025, 4, 7), "notes": "chased", "is_amendment": True}
    previous, change = set_licence_fields(ws, licence_id, values)
    assert previous == {"submitted_on": None, "notes": "", "is_amendment": False}
    assert set(change.fields) == set(values)
    set_licence_fields(ws, licence_id, previous)
    licence = get(ws, licence_id)
    assert (licence.submitted_on, licence.notes, licence.is_amendment) == (None, "", False)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"submitted_on": date(2025, 5, 1), "decided_on": date(2025, 4, 1)},
            "decided .2025-04-01. cannot be before submitted",
        ),
        (
            {"submitted_on": date(2025, 5, 1), "resubmitted_on": date(2025, 4, 1)},
            "resubmitted .2025-04-01. cannot be before submitted",
        ),
        (
            {"valid_from": date(2025, 5, 1), "valid_until": date(2025, 4, 30)},
            "valid until .2025-04-30. cannot be before valid from",
        ),
        ({"quantity_approved": -1.0}, "0 or more"),
        ({"quantity_approved": "many"}, "0 or more"),
        ({"submitted_on": "2025-04-07"}, "submitted_on must be a date"),
        ({"kind": "blanket"}, "individual or general"),
        ({"reference": "  "}, "needs a reference"),
        ({"status": "approved"}, "change the status with a workflow move"),
        ({"colour": "red"}, "cannot edit licence field"),
    ],
)
def test_set_fields_validation(
    ws: Workspace, ids: Ids, values: dict[str, object], message: str
) -> None:
    licence_id = new_licence(ws, ids)
    with pytest.raises(ValidationError, match=message):
        set_licence_fields(ws, licence_id, values)
    assert get(ws, licence_id).submitted_on is None


def test_set_fields_refuses_a_reference_in_use(ws: Workspace, ids: Ids) -> None:
    new_licence(ws, ids, "LIC-1")
    other = new_licence(ws, ids, "LIC-2")
    with pytest.raises(ValidationError, match="already has the reference"):
        set_licence_fields(ws, other, {"reference": "LIC-1"})
    set_licence_fields(ws, other, {"reference": "LIC-2"})  # its own reference is fine


def test_operations_on_a_missing_licence(ws: Workspace, ids: Ids) -> None:
    with pytest.raises(ValidationError, match="licence 42 no longer exists"):
        move_licence(ws, 42, S.SUBMITTED, date(2025, 1, 1))
    with pytest.raises(ValidationError, match="order 42 no longer exists"):
        link_order(ws, 42, None)
    with ws.transaction() as session:
        assert session.scalars(select(LicenceEvent)).first() is None
