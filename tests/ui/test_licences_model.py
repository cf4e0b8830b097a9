"""The licences model and proxy: figures per column, scenarios, filters, live refresh."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Protocol

import pytest

from PySide6.QtGui import QColor

from planner.licence_forecast import ReviewBasis, ReviewDays
from planner.licences import LicenceStatus, NewLicence
from planner.schema import Licence, Part, Supplier

from ui.licence_columns import COLUMN_OF
from ui.licence_commands import AddLicenceCommand, MoveLicenceCommand, push_refusable
from ui.licences_model import OPEN, LicencesModel, LicencesProxy
from ui.resources import STATUS_COLORS
from ui.roles import FOREGROUND, TOOLTIP, EditTextRole, KeyRole, SortRole, StatusRole

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from PySide6.QtCore import QAbstractItemModel
    from PySide6.QtGui import QUndoStack

    from ui.session import WorkspaceSession


class ModelChecker(Protocol):
    """The typed part of pytest-qt's `qtmodeltester` fixture."""

    def check(self, model: QAbstractItemModel) -> None:
        """Run QAbstractItemModelTester on `model` for the rest of the test."""


@pytest.fixture
def model(session: WorkspaceSession) -> LicencesModel:
    return LicencesModel(session)


def cell(model: LicencesModel, reference: str, key: str, role: int = 0) -> object:
    row = next(r for r in range(model.rowCount()) if model.row_data(r).reference == reference)
    return model.index(row, COLUMN_OF[key]).data(role)


def licence_id(session: WorkspaceSession, reference: str) -> int:
    return next(lic.id for lic in session.workspace.all(Licence) if lic.reference == reference)


def test_models_pass_the_model_tester(
    model: LicencesModel, qtmodeltester: ModelChecker
) -> None:
    qtmodeltester.check(model)
    proxy = LicencesProxy()
    proxy.setSourceModel(model)
    proxy.set_status(OPEN)
    qtmodeltester.check(proxy)


def test_every_licence_with_its_figures(model: LicencesModel) -> None:
    assert model.rowCount() == 9
    reference = "LIC-BT-2026-012"
    assert cell(model, reference, "supplier") == "Baotou Northern Magnet Co. (fictional) (CN)"
    assert cell(model, reference, "parts") == "MG-1401 250,000; MG-1402 250,000"
    assert cell(model, reference, "orders") == "PO-26-4530, PO-26-4531"
    assert cell(model, reference, "kind") == "individual"
    assert cell(model, reference, "status") == "under review"
    assert cell(model, reference, "submitted") == "2026-08-28"
    assert cell(model, reference, "expected") == "2026-11-05"
    assert cell(model, reference, "elapsed") == "62"
    assert cell(model, reference, "documents") == "8/8"
    assert cell(model, "LIC-NB-2026-031", "approved") == "600,000"
    assert cell(model, "LIC-NB-2026-031", "approved", EditTextRole) == "600000"
    assert cell(model, "LIC-NB-2026-031", "shipped") == "200,000"
    assert cell(model, "LIC-NB-2026-031", "left") == "400,000"
    assert cell(model, "LIC-NB-2026-031", "validity_end") == "2027-02-27"
    assert cell(model, reference, "status", StatusRole) == "under_review"
    assert isinstance(cell(model, reference, "reference", KeyRole), int)


def test_the_overdue_licence_shows_its_overdue_days_in_red(model: LicencesModel) -> None:
    reference = "LIC-BT-2026-012"
    assert cell(model, reference, "overdue") == "17"
    assert cell(model, reference, "overdue", FOREGROUND) == QColor(STATUS_COLORS["error"])
    assert cell(model, reference, "status", FOREGROUND) == QColor(STATUS_COLORS["error"])
    assert cell(model, reference, "overdue", SortRole) == 17
    assert cell(model, "LIC-NB-2026-058", "overdue") == ""
    assert "overdue by 17" in str(cell(model, reference, "reference", TOOLTIP))


def test_expected_decision_explains_its_basis(model: LicencesModel) -> None:
    tip = str(cell(model, "LIC-BT-2026-012", "expected", TOOLTIP))
    assert tip == "submitted 2026-08-28 + 45 Chinese working days (statutory)"
    # 2027 has no published holiday calendar yet: the date is marked as estimated.
    assert cell(model, "LIC-NB-2026-071", "expected") == "2027-01-26~"
    assert "State Council" in str(cell(model, "LIC-NB-2026-071", "expected", TOOLTIP))
    assert cell(model, "LIC-BT-2027-002", "expected") == "2027-02-02*~"
    assert "Provisional" in str(cell(model, "LIC-BT-2027-002", "expected", TOOLTIP))


def test_switching_the_scenario_recomputes_expected_decisions(
    model: LicencesModel, qtbot: QtBot
) -> None:
    with qtbot.waitSignal(model.dataChanged):
        model.set_review(ReviewDays(ReviewBasis.CUSTOM, 70))
    assert cell(model, "LIC-BT-2026-012", "expected") == "2026-12-10"
    assert cell(model, "LIC-BT-2026-012", "overdue") == ""
    model.set_review(ReviewDays(ReviewBasis.MEDIAN))
    assert model.book.review.application.days == 48
    assert cell(model, "LIC-BT-2026-012", "expected") == "2026-11-10"
    assert cell(model, "LIC-BT-2026-012", "overdue") == "14"


@pytest.mark.parametrize(
    ("what", "value", "shown"),
    [
        ("status", OPEN, 4),
        ("status", LicenceStatus.APPROVED.value, 2),
        ("supplier", 1, 4),
        ("part", "MG-1401", 2),
        ("search", "po-26-4650", 1),
        ("search", "chased", 1),
    ],
)
def test_proxy_filters(
    model: LicencesModel, session: WorkspaceSession, what: str, value: object, shown: int
) -> None:
    proxy = LicencesProxy()
    proxy.setSourceModel(model)
    if what == "status":
        proxy.set_status(str(value))
    elif what == "supplier":
        proxy.set_supplier(int(str(value)))
    elif what == "part":
        part = next(p for p in session.workspace.all(Part) if p.part_number == value)
        proxy.set_part(part.id)
    else:
        proxy.set_search(str(value))
    assert proxy.rowCount() == shown


def test_follows_moves_and_new_licences(
    model: LicencesModel, session: WorkspaceSession, undo_stack: QUndoStack, qtbot: QtBot
) -> None:
    lic = licence_id(session, "LIC-NB-2026-071")
    move = MoveLicenceCommand(session, lic, LicenceStatus.UNDER_REVIEW, date(2026, 11, 30))
    with qtbot.waitSignal(model.dataChanged):
        assert push_refusable(undo_stack, move) == ""
    assert cell(model, "LIC-NB-2026-071", "status") == "under review"
    supplier = next(s for s in session.workspace.all(Supplier) if s.country == "CN")
    part = session.workspace.all(Part)[0]
    new = NewLicence("LIC-NEW-1", supplier.id, items=((part.id, 1000.0),))
    with qtbot.waitSignal(model.rowsInserted):
        push_refusable(undo_stack, AddLicenceCommand(session, new))
    assert model.rowCount() == 10
    assert model.row_data(9).reference == "LIC-NEW-1"
    assert cell(model, "LIC-NEW-1", "documents") == "0/8"
    with qtbot.waitSignal(model.rowsRemoved):
        undo_stack.undo()
    assert model.rowCount() == 9
    undo_stack.redo()
    assert model.row_of(licence_id(session, "LIC-NEW-1")) == 9
