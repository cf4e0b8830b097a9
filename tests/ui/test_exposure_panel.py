"""ExposurePanel: hand-checked figures, estimates marked, updates without recomputing all."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import pytest

import planner.exposure_summary as summary
from planner.parts import PartInsight, insight
from planner.schema import BomLine, Part, Product, Supplier

from ui.commands import SetFieldsCommand
from ui.exposure_panel import ExposurePanel
from ui.roles import DISPLAY, FONT, SortRole

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from PySide6.QtCore import QAbstractItemModel
    from PySide6.QtGui import QUndoStack

    from ui.session import WorkspaceSession


class ModelChecker(Protocol):
    """The typed part of pytest-qt's `qtmodeltester` fixture."""

    def check(self, model: QAbstractItemModel) -> None:
        """Run QAbstractItemModelTester on `model` for the rest of the test."""


MOTOR = "EPS-M200 steering motor"
PIECES, KG, DYTB, SM, CONTROLLED, UNVERIFIED = range(1, 7)


@pytest.fixture
def panel(session: WorkspaceSession, qtbot: QtBot) -> ExposurePanel:
    widget = ExposurePanel()
    qtbot.addWidget(widget)
    widget.set_session(session)
    return widget


def ids(session: WorkspaceSession) -> dict[str, int]:
    ws = session.workspace
    return {p.part_number: p.id for p in ws.all(Part)} | {p.name: p.id for p in ws.all(Product)}


def info(session: WorkspaceSession, part_number: str) -> PartInsight:
    ws = session.workspace
    part = next(p for p in ws.all(Part) if p.part_number == part_number)
    supplier = ws.get(Supplier, part.supplier_id)
    return insight(part, supplier, session.today, session.rule_set)


def value(panel: ExposurePanel, row: int, column: int, role: int = SortRole) -> Any:
    return panel.model.index(row, column).data(role)


def first_month(session: WorkspaceSession) -> dict[str, tuple[float, float, PartInsight]]:
    """Pieces, kg and insight of the motor's parts in Dec 2026 (18,000 motors)."""
    pieces = {
        "MG-1001": 18_000 * 1 * 10 * 1.02,  # through the rotor: 1 rotor × 10 magnets, 2 % scrap
        "MG-1002": 18_000 * 1 * 1.005,
        "MG-1003": 18_000 * 1 * 1.005,
    }
    assert pieces["MG-1001"] == pytest.approx(183_600)
    result = {}
    for number, count in pieces.items():
        part = info(session, number)
        assert part.mass.grams is not None
        result[number] = (count, count * part.mass.grams / 1000, part)
    return result


def test_steering_motor_first_month_by_hand(
    session: WorkspaceSession, panel: ExposurePanel, qtmodeltester: ModelChecker
) -> None:
    qtmodeltester.check(panel.model)
    panel.set_product(ids(session)[MOTOR])
    parts = first_month(session)
    kg = sum(k for _, k, _ in parts.values())
    dy_tb = sum(k * p.dy_tb_wt_pct / 100 for _, k, p in parts.values())
    sm = sum(k * p.sm_wt_pct / 100 for _, k, p in parts.values())
    controlled = sum(k for _, k, p in parts.values() if p.licence.need.value == "required")
    assert value(panel, 0, 0, DISPLAY) == "Dec 2026"
    assert value(panel, 0, PIECES) == pytest.approx(sum(n for n, _, _ in parts.values()))
    assert value(panel, 0, PIECES, DISPLAY) == "219,780"
    assert value(panel, 0, KG) == pytest.approx(kg)
    assert value(panel, 0, KG, DISPLAY) == f"{kg:,.1f}"
    assert value(panel, 0, DYTB) == pytest.approx(dy_tb)
    assert not parts["MG-1001"][2].content_measured
    assert value(panel, 0, DYTB, DISPLAY) == f"≈ {dy_tb:,.1f}"  # estimated: marked
    assert value(panel, 0, DYTB, FONT).italic()
    assert value(panel, 0, SM) == pytest.approx(sm)
    assert value(panel, 0, CONTROLLED) == pytest.approx(controlled / kg)
    assert value(panel, 0, UNVERIFIED) == pytest.approx(0)
    assert panel.model.rowCount() == 13  # twelve months and the total
    assert value(panel, 12, 0, DISPLAY) == "Total"
    assert value(panel, 12, 0, FONT).bold()
    assert panel.scope.text() == f"Exposure of {MOTOR}, through its sub-assemblies"
    assert panel.headline.text().startswith("Dec 2026 – Nov 2027: ")
    assert "licence-controlled, ≈ " in panel.headline.text()
    assert "Rules as of 31 May 2026" in panel.footer.text()
    assert "≈" in panel.legend.text()


def test_editing_the_stated_mass_updates_only_that_part(
    session: WorkspaceSession,
    panel: ExposurePanel,
    undo_stack: QUndoStack,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    panel.set_product(ids(session)[MOTOR])
    parts = first_month(session)
    others = parts["MG-1002"][1] + parts["MG-1003"][1]
    computed: list[str] = []

    def counting(part: Part, *args: Any) -> PartInsight:
        computed.append(part.part_number)
        return insight(part, *args)

    monkeypatch.setattr(summary, "insight", counting)
    key = ids(session)["MG-1001"]
    command = SetFieldsCommand(session, Part, key, {"stated_mass_g": 20.0}, "Set mass")
    with qtbot.waitSignal(panel.model.dataChanged):
        undo_stack.push(command)
    assert computed == ["MG-1001"]
    assert value(panel, 0, KG) == pytest.approx(183_600 * 20.0 / 1000 + others)
    assert value(panel, 0, KG, DISPLAY) == f"{183_600 * 0.020 + others:,.1f}"
    undo_stack.undo()
    assert value(panel, 0, KG) == pytest.approx(parts["MG-1001"][1] + others)


def test_bom_edit_reexplodes_demand_but_reuses_insights(
    session: WorkspaceSession,
    panel: ExposurePanel,
    undo_stack: QUndoStack,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = ids(session)
    panel.set_product(key[MOTOR])
    before = value(panel, 0, PIECES)
    computed: list[Part] = []

    def refuse(part: Part, *args: Any) -> None:
        computed.append(part)

    monkeypatch.setattr(summary, "insight", refuse)
    rotor_line = next(
        x for x in session.workspace.all(BomLine) if x.child_product_id == key["EPS-M200 rotor"]
    )
    undo_stack.push(
        SetFieldsCommand(session, BomLine, rotor_line.id, {"pieces_per_unit": 2.0}, "t")
    )
    assert computed == []
    assert value(panel, 0, PIECES) == pytest.approx(before + 183_600)


def test_whole_workspace_and_back(session: WorkspaceSession, panel: ExposurePanel) -> None:
    panel.set_product(ids(session)[MOTOR])
    motor = value(panel, 0, KG)
    panel.set_product(None)
    assert panel.scope.text() == "Exposure of all products"
    assert value(panel, 0, KG) > motor
    assert 0 < value(panel, 0, CONTROLLED) < 1
    assert value(panel, 0, UNVERIFIED) > 0  # the sample has parts with an open licence need


def test_without_a_workspace(qtbot: QtBot) -> None:
    widget = ExposurePanel()
    qtbot.addWidget(widget)
    assert widget.headline.text() == "No workspace open"
    assert widget.model.rowCount() == 0
