"""The part detail panel: identity, material, licence sources, where used, live updates."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from planner.schema import Part, Supplier

from ui.commands import DeleteRecordsCommand, SetFieldsCommand
from ui.part_detail import PartDetail

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from PySide6.QtGui import QUndoStack

    from ui.session import WorkspaceSession


@pytest.fixture
def detail(qtbot: QtBot, session: WorkspaceSession) -> PartDetail:
    """Return a detail panel over the sample workspace."""
    widget = PartDetail(session)
    qtbot.addWidget(widget)
    return widget


def part_id(session: WorkspaceSession, number: str) -> int:
    """Return the id of a part number."""
    return next(p.id for p in session.workspace.all(Part) if p.part_number == number)


def text(detail: PartDetail) -> str:
    """Return what the panel shows, as plain text."""
    return detail.browser.toPlainText()


def test_without_a_part_it_says_what_to_do(qtbot: QtBot) -> None:
    widget = PartDetail()
    qtbot.addWidget(widget)
    assert "Select a part" in text(widget)
    assert widget.part_id is None


def test_shows_identity_material_shape_supplier_and_terms(
    session: WorkspaceSession, detail: PartDetail
) -> None:
    detail.show_part(part_id(session, "MG-1001"))
    shown = text(detail)
    for expected in (
        "MG-1001",
        "EPS rotor arc segment",
        "Licence required",
        "Sintered NdFeB (typical 7.5 g/cm³",
        "N38UH: Sintered NdFeB, class UH, 38 MGOe, up to 180 °C",
        "5–7 wt% (low confidence)",
        "arc R25/R21 40° × 30 mm",
        "estimated from arc R25/R21",
        "Ni-Cu-Ni",
        "Ningbo Eastfield Magnetics (fictional) (CN, Chinese-owned",
        "0.92 USD",
        "42 days",
        "5,000 pcs",
    ):
        assert expected in shown


def test_where_used_lists_every_path_with_pieces_per_top_unit(
    session: WorkspaceSession, detail: PartDetail
) -> None:
    detail.show_part(part_id(session, "MG-1001"))
    shown = text(detail)
    assert "EPS-M200 steering motor → EPS-M200 rotor → MG-1001" in shown
    assert "10 × 1.02 = 10.2 pieces per unit of EPS-M200 steering motor" in shown
    detail.show_part(part_id(session, "MG-1403"))
    assert "Not in any product's bill of materials" in text(detail)


def test_licence_reasons_link_their_sources_and_links_open_in_the_browser(
    session: WorkspaceSession, detail: PartDetail, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", opened.append)
    detail.show_part(part_id(session, "MG-1001"))
    html = detail.browser.toHtml()
    assert "CN-MOFCOM-2025-18-NdFeB-DyTb" in text(detail)
    assert 'href="https://osencmagnet.com/export-controls-on-rare-earth-elements/"' in html
    assert "estimated from the grade" in text(detail)
    assert "Rule set as of 2026-05-31" in text(detail)
    detail.browser.anchorClicked.emit(QUrl("https://nbaem.com"))
    detail.browser.anchorClicked.emit(QUrl("file:///etc/passwd"))
    assert opened == [QUrl("https://nbaem.com")]


def test_measured_content_is_shown_as_measured(
    session: WorkspaceSession, detail: PartDetail
) -> None:
    detail.show_part(part_id(session, "MG-1402"))
    shown = text(detail)
    assert "measured: Dy 2.1 wt%, Tb 0.4 wt% (test report)" in shown
    assert "Dy/Tb decision: measured" in shown
    assert "TRX-150 traction rotor → TRX-150 lamination stack → MG-1402" in shown


def test_user_text_is_escaped(session: WorkspaceSession, detail: PartDetail) -> None:
    key = part_id(session, "MG-1001")
    values = {"description": "<b>bold</b> & <script>x</script>"}
    session.workspace.update(Part, key, values, operation="test")
    detail.show_part(key)
    assert "<b>bold</b> & <script>x</script>" in text(detail)


def test_follows_edits_deletes_and_undo(
    session: WorkspaceSession, detail: PartDetail, undo_stack: QUndoStack
) -> None:
    key = part_id(session, "MG-1001")
    detail.show_part(key)
    undo_stack.push(SetFieldsCommand(session, Part, key, {"coating": "Zn"}, "coat"))
    assert "Zn" in text(detail)
    ningbo = next(s for s in session.workspace.all(Supplier) if s.name.startswith("Ningbo"))
    undo_stack.push(SetFieldsCommand(session, Supplier, ningbo.id, {"country": "VN"}, "move"))
    assert "(VN, Chinese-owned" in text(detail)
    undo_stack.push(DeleteRecordsCommand(session, Part, [key], "delete"))
    assert "no longer exists" in text(detail)
    undo_stack.undo()
    assert "EPS-M200 rotor → MG-1001" in text(detail)


def test_set_session_none_clears_the_panel(
    session: WorkspaceSession, detail: PartDetail
) -> None:
    detail.show_part(part_id(session, "MG-1001"))
    detail.set_session(None)
    assert detail.part_id is None
    assert "Select a part" in text(detail)
