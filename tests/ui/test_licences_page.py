"""The Licences page: alerts, scenario, workflow moves, documents, fields, orders, adding."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton

from planner.licence_forecast import ReviewBasis, ReviewDays
from planner.licences import LicenceStatus, NewLicence
from planner.schema import Licence, LicenceDocument, LicenceEvent, Order, Part

from ui import licence_dialogs
from ui.licence_columns import COLUMN_OF
from ui.licence_dialogs import AddLicenceDialog, MoveDialog, MoveRequest
from ui.licences_page import LicencesPage
from ui.settings import Settings

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QWidget

    from ui.session import WorkspaceSession

TODAY = date(2026, 11, 30)


@pytest.fixture
def page(
    qtbot: QtBot, undo_stack: QUndoStack, settings: Settings, session: WorkspaceSession
) -> LicencesPage:
    result = LicencesPage(undo_stack=undo_stack, settings=settings)
    qtbot.addWidget(result)
    result.set_session(session)
    result.resize(1140, 800)
    return result


def licence(session: WorkspaceSession, reference: str) -> Licence:
    return next(lic for lic in session.workspace.all(Licence) if lic.reference == reference)


def events(session: WorkspaceSession, licence_id: int) -> list[tuple[date, str, str]]:
    return [
        (e.on, e.status, e.note)
        for e in session.workspace.all(LicenceEvent, LicenceEvent.id)
        if e.licence_id == licence_id
    ]


def non_blank(widget: QWidget) -> bool:
    image = widget.grab().toImage()
    colours = {
        image.pixel(x, y)
        for x in range(0, image.width(), 13)
        for y in range(0, image.height(), 13)
    }
    return len(colours) > 5


def test_renders_alerts_table_timeline_and_counts(page: LicencesPage, qtbot: QtBot) -> None:
    page.show()
    qtbot.waitExposed(page)
    assert non_blank(page)
    assert page.proxy.rowCount() == 9
    assert page.alerts_strip.listing.count() == 11
    assert "1 licence overdue" in page.alerts_strip.header.text()
    assert page.review.label.text() == "statutory: 45 working days (20 for amendments)"
    assert page.status_counts() == "9 licences · 4 open · 1 overdue"
    assert len({bar.licence_id for bar in page.timeline.bars()}) == 9
    assert page.default_edit_target() is page.view


def test_scenario_switch_changes_expected_decisions_and_says_the_sample(
    page: LicencesPage,
) -> None:
    model = page.model
    assert model is not None
    row = model.row_of(licence(page.session, "LIC-BT-2026-012").id)  # type: ignore[arg-type]
    expected = model.index(row, COLUMN_OF["expected"])
    assert expected.data() == "2026-11-05"
    page.set_review(ReviewDays(ReviewBasis.MEDIAN))
    assert (
        page.review.label.text()
        == "median of 4 decided licences: 48 working days; amendments 20"
    )
    assert expected.data() == "2026-11-10"
    page.review.basis.setCurrentIndex(page.review.basis.findData("custom"))
    page.review.custom_days.setValue(70)
    assert page.review.custom_days.isEnabled()
    assert expected.data() == "2026-12-10"
    assert page.status_counts() == "9 licences · 4 open · 0 overdue"
    assert "0 overdue" in page.status_counts()


def test_the_review_scenario_is_remembered(
    page: LicencesPage, qtbot: QtBot, undo_stack: QUndoStack, session: WorkspaceSession
) -> None:
    page.set_review(ReviewDays(ReviewBasis.P90))
    page.save_state()
    again = LicencesPage(undo_stack=undo_stack, settings=Settings())
    qtbot.addWidget(again)
    again.set_session(session)
    again.restore_state()
    assert again.review.choice() == ReviewDays(ReviewBasis.P90)
    assert again.review.label.text().startswith("p90 of 4 decided licences")


def test_filters_narrow_table_and_timeline(page: LicencesPage) -> None:
    page.status_filter.setCurrentIndex(page.status_filter.findData("open"))
    assert page.proxy.rowCount() == 4
    assert len({bar.licence_id for bar in page.timeline.bars()}) == 4
    page.supplier_filter.setCurrentIndex(
        page.supplier_filter.findText("Ningbo", Qt.MatchFlag.MatchStartsWith)
    )
    assert page.proxy.rowCount() == 2
    page.part_filter.setCurrentIndex(page.part_filter.findText("MG-1704"))
    assert page.proxy.rowCount() == 1
    page.search.setText("nothing like this")
    assert page.proxy.rowCount() == 0
    page.select_licence(licence(page.session, "LIC-BT-2026-012").id)  # type: ignore[arg-type]
    assert page.proxy.rowCount() == 9  # filters cleared to show it
    assert page.detail.licence_id == licence(page.session, "LIC-BT-2026-012").id  # type: ignore[arg-type]


def test_move_asks_date_and_note_and_undo_redo_restore_everything(
    page: LicencesPage,
    session: WorkspaceSession,
    undo_stack: QUndoStack,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = licence(session, "LIC-NB-2026-071")
    page.select_licence(target.id)
    before = events(session, target.id)
    moves = page.detail.moves
    buttons = [moves.itemAt(i).widget() for i in range(moves.count())]  # type: ignore[union-attr]
    labels = [b.text() for b in buttons if isinstance(b, QPushButton)]
    assert labels == [
        "under review",
        "information requested",
        "approved",
        "rejected",
        "withdrawn",
    ]
    asked: list[tuple[str, LicenceStatus]] = []

    def answer(
        _parent: object, reference: str, status: LicenceStatus, today: date, _applied: object
    ) -> MoveRequest:
        asked.append((reference, status))
        assert today == TODAY
        return MoveRequest(date(2026, 11, 27), "accepted by MOFCOM")

    monkeypatch.setattr(licence_dialogs, "ask_move", answer)
    page.detail.request_move(LicenceStatus.UNDER_REVIEW)
    assert asked == [("LIC-NB-2026-071", LicenceStatus.UNDER_REVIEW)]
    assert licence(session, "LIC-NB-2026-071").status == "under_review"
    after = events(session, target.id)
    assert after == [*before, (date(2026, 11, 27), "under_review", "accepted by MOFCOM")]
    assert "History 2" in page.detail.tabs.tabText(2)
    request = MoveRequest(date(2026, 11, 30), "approved in full")
    assert page.detail.move_to(LicenceStatus.APPROVED, request) == ""
    approved = licence(session, "LIC-NB-2026-071")
    assert (approved.status, approved.decided_on) == ("approved", date(2026, 11, 30))
    assert approved.valid_until == date(2027, 5, 30)
    assert approved.quantity_approved == 120_000
    undo_stack.undo()
    undo_stack.undo()
    restored = licence(session, "LIC-NB-2026-071")
    assert restored.status == "submitted"
    assert (restored.decided_on, restored.valid_until, restored.quantity_approved) == (
        None,
        None,
        None,
    )
    assert events(session, target.id) == before
    assert page.detail.moves.count() == 5
    undo_stack.redo()
    undo_stack.redo()
    assert licence(session, "LIC-NB-2026-071").status == "approved"
    assert [e[1] for e in events(session, target.id)][-2:] == ["under_review", "approved"]


def test_a_refused_move_changes_nothing_and_says_why(
    page: LicencesPage, session: WorkspaceSession, undo_stack: QUndoStack
) -> None:
    target = licence(session, "LIC-BT-2026-012")
    page.select_licence(target.id)
    reason = page.detail.move_to(LicenceStatus.REJECTED, MoveRequest(date(2026, 8, 1), ""))
    assert "before its submitted on 2026-08-28" in reason
    assert undo_stack.count() == 0
    assert page.message.text().startswith("⚠")


def test_move_dialog_reads_an_approval() -> None:
    dialog = MoveDialog("LIC-1", LicenceStatus.APPROVED, TODAY, applied=5000)
    dialog.valid_until.setText("2027-03-31")
    request = dialog.request()
    assert request.on == TODAY
    assert request.grant is not None
    assert (request.grant.quantity_approved, request.grant.valid_until) == (
        5000,
        date(2027, 3, 31),
    )
    dialog.valid_until.setText("soon")
    dialog.accept()
    assert "not a date" in dialog.error.text()


def test_ticking_a_document_is_dated_and_undoable(
    page: LicencesPage, session: WorkspaceSession, undo_stack: QUndoStack
) -> None:
    draft = licence(session, "LIC-BT-2027-002")
    page.select_licence(draft.id)
    assert page.detail.tabs.tabText(1) == "Documents 2/8"
    items = page.detail.documents
    item = next(
        items.item(i)
        for i in range(items.count())
        if items.item(i).checkState() == Qt.CheckState.Unchecked
    )
    key = item.data(Qt.ItemDataRole.UserRole + 41)
    item.setCheckState(Qt.CheckState.Checked)

    def stored() -> LicenceDocument:
        return next(
            d
            for d in session.workspace.all(LicenceDocument)
            if d.licence_id == draft.id and d.key == key
        )

    assert (stored().done, stored().done_on) == (True, TODAY)
    assert page.detail.tabs.tabText(1) == "Documents 3/8"
    assert f"done {TODAY}" in item.text()
    undo_stack.undo()
    assert (stored().done, stored().done_on) == (False, None)
    assert page.detail.tabs.tabText(1) == "Documents 2/8"
    assert item.checkState() == Qt.CheckState.Unchecked


def test_field_edits_are_validated_and_undoable(
    page: LicencesPage, session: WorkspaceSession, undo_stack: QUndoStack
) -> None:
    target = licence(session, "LIC-NB-2026-031")
    page.select_licence(target.id)
    field = page.detail.fields["valid_until"]
    field.setText("2027-01-31")
    field.editingFinished.emit()
    assert licence(session, "LIC-NB-2026-031").valid_until == date(2027, 1, 31)
    field.setText("2026-01-01")
    field.editingFinished.emit()
    assert "valid until (2026-01-01) cannot be before valid from" in page.message.text()
    assert field.text() == "2027-01-31"
    quantity = page.detail.fields["quantity_approved"]
    quantity.setText("lots")
    quantity.editingFinished.emit()
    assert "not a number" in page.message.text()
    quantity.setText("550,000")
    quantity.editingFinished.emit()
    assert licence(session, "LIC-NB-2026-031").quantity_approved == 550_000
    page.detail.notes.setPlainText("Called the exporter")
    assert page.detail.save_notes_button.isEnabled()
    page.detail.save_notes_button.click()
    assert licence(session, "LIC-NB-2026-031").notes == "Called the exporter"
    for _ in range(3):
        undo_stack.undo()
    back = licence(session, "LIC-NB-2026-031")
    assert (back.valid_until, back.quantity_approved) == (date(2027, 2, 27), 600_000)


def test_linking_an_order_of_another_supplier_is_refused_with_its_reason(
    page: LicencesPage, session: WorkspaceSession, undo_stack: QUndoStack
) -> None:
    target = licence(session, "LIC-NB-2026-071")
    page.select_licence(target.id)
    orders = page.detail.orders
    offered = [orders.choice.itemText(i) for i in range(orders.choice.count())]
    assert offered
    assert all("PO-26-4530" not in text for text in offered)
    reason = orders.link("PO-26-4530")
    assert "only the exporter's own licence covers its shipment" in reason
    assert "Baotou" in page.message.text()
    assert undo_stack.count() == 0
    mine = next(text for text in offered if text.startswith("PO-26-4740"))
    orders.choice.setCurrentText(mine)
    orders.link_button.click()
    linked = next(o for o in session.workspace.all(Order) if o.reference == "PO-26-4740")
    assert linked.licence_id == target.id
    assert page.detail.tabs.tabText(3) == "Orders 1"
    undo_stack.undo()
    unlinked = next(o for o in session.workspace.all(Order) if o.reference == "PO-26-4740")
    assert unlinked.licence_id is None


def test_add_licence_selects_it_and_undo_removes_it(
    page: LicencesPage, session: WorkspaceSession, undo_stack: QUndoStack
) -> None:
    part = next(p for p in session.workspace.all(Part) if p.part_number == "MG-1704")
    new = NewLicence("LIC-NB-2026-090", part.supplier_id or 1, items=((part.id, 50_000.0),))
    assert page.add_licence(new) == ""
    assert page.proxy.rowCount() == 10
    assert page.detail.title.text().find("LIC-NB-2026-090") >= 0
    assert "already has the reference" in page.add_licence(new)
    undo_stack.undo()
    assert page.proxy.rowCount() == 9
    assert all(lic.reference != "LIC-NB-2026-090" for lic in session.workspace.all(Licence))


def test_add_licence_dialog_checks_what_is_entered(session: WorkspaceSession) -> None:
    workspace = session.workspace
    dialog = AddLicenceDialog([], [], TODAY)
    dialog.accept()
    assert dialog.error.text() == "give the licence a reference"
    from planner.schema import Supplier

    dialog = AddLicenceDialog(workspace.all(Supplier), workspace.all(Part), TODAY)
    dialog.reference.setText("LIC-X")
    part, quantity = dialog.part_rows[0]
    part.setCurrentText("MG-9999")
    quantity.setText("10")
    with pytest.raises(ValueError, match="no part 'MG-9999'"):
        dialog.new_licence()
    part.setCurrentText("MG-1704")
    quantity.setText("12,000")
    dialog.submitted.setChecked(True)
    new = dialog.new_licence()
    assert new.status is LicenceStatus.SUBMITTED
    assert new.dates == {"submitted_on": TODAY}
    assert new.items[0][1] == 12_000


def test_copy_rows_as_tab_separated_text(page: LicencesPage) -> None:
    page.select_licence(licence(page.session, "LIC-NB-2026-031").id)  # type: ignore[arg-type]
    page.view.copy()
    text = QGuiApplication.clipboard().text()
    header, line = text.splitlines()[:2]
    assert header.startswith("Licence\tExporter\tStatus")
    assert line.startswith("LIC-NB-2026-031\t")
    assert "\t600000\t" in line


def test_alert_click_selects_its_licence(page: LicencesPage) -> None:
    strip = page.alerts_strip
    strip.listing.itemClicked.emit(strip.listing.item(0))
    assert page.detail.licence_id == licence(page.session, "LIC-BT-2026-012").id  # type: ignore[arg-type]
    assert page.timeline.bars()


def test_empty_workspace(
    qtbot: QtBot, undo_stack: QUndoStack, settings: Settings, empty_session: WorkspaceSession
) -> None:
    page = LicencesPage(undo_stack=undo_stack, settings=settings)
    qtbot.addWidget(page)
    page.set_session(empty_session)
    assert page.proxy.rowCount() == 0
    assert page.status_counts() == "0 licences · 0 open · 0 overdue"
    page.set_session(None)
    assert not page.isEnabled()
