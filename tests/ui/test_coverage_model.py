"""The coverage grid, its chart and the line-stop table over a plan of the sample."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Protocol

import pytest

from PySide6.QtCore import Qt

from planner.engine import plan_workspace
from planner.plan_model import NEVER, PendingMode, Scenario, date_of

from ui.coverage_chart import EMPTY_TITLE, CoverageChart, stock_points
from ui.coverage_model import FIRM, PENDING, SHORT, CoverageModel, RunoutRole
from ui.line_stop_model import COLUMN_OF, LineStopModel
from ui.plan_format import FIRM_BACKGROUND, PENDING_BACKGROUND, SHORT_BACKGROUND, pieces_text
from ui.roles import EditTextRole, KeyRole, SortRole, StatusRole

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from PySide6.QtCore import QAbstractItemModel

    from planner.plan_result import Plan

    from ui.session import WorkspaceSession


class ModelChecker(Protocol):
    """The typed part of pytest-qt's `qtmodeltester` fixture."""

    def check(self, model: QAbstractItemModel) -> None:
        """Run QAbstractItemModelTester on `model` for the rest of the test."""


START = date(2026, 12, 1)


def sample_plan(session: WorkspaceSession, pending: PendingMode = PendingMode.COUNTED) -> Plan:
    """Plan the sample as the Plan page does by default (statutory review)."""
    scenario = Scenario(name="test", start=START, pending=pending)
    return plan_workspace(
        session.workspace, scenario, today=session.today, rule_set=session.rule_set
    )


@pytest.fixture
def plan(session: WorkspaceSession) -> Plan:
    return sample_plan(session)


@pytest.fixture
def model(plan: Plan) -> CoverageModel:
    result = CoverageModel()
    result.set_plan(plan)
    return result


def test_models_pass_the_model_tester(
    qtmodeltester: ModelChecker, model: CoverageModel, plan: Plan
) -> None:
    qtmodeltester.check(model)
    model.set_firm_only(True)
    qtmodeltester.check(model)
    stops = LineStopModel()
    stops.set_plan(plan)
    qtmodeltester.check(stops)
    empty = CoverageModel()
    qtmodeltester.check(empty)
    assert empty.rowCount() == 0
    assert empty.columnCount() == 0


def test_grid_has_a_row_per_part_and_a_column_per_period(model: CoverageModel) -> None:
    assert model.rowCount() == 25
    assert model.columnCount() == 2 + 12
    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert header == ["Part", "Runs out", "Dec 2026", "Jan 2027"]
    tip = model.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "1 Dec 2026 – 31 Dec 2026" in tip
    assert model.headerData(0, Qt.Orientation.Vertical) is None


def test_mg_1401_runs_out_earlier_counting_firm_supply_only(model: CoverageModel) -> None:
    row = model.row_of("MG-1401")
    with_pending = model.runout(row)
    pending_period = model.runout_period(row)
    model.set_firm_only(True)
    firm = model.runout(row)
    assert firm < with_pending < NEVER
    assert date_of(firm) == date(2027, 1, 21)
    assert model.index(row, 1).data() == "21 Jan 2027"
    assert model.index(row, 1).data(EditTextRole) == "2027-01-21"
    assert model.index(row, 1).data(SortRole) == firm
    firm_period = model.runout_period(row)
    assert firm_period is not None
    assert pending_period is not None
    assert firm_period < pending_period
    assert model.index(row, 2 + firm_period).data(RunoutRole) is True
    assert model.index(row, 2 + pending_period).data(RunoutRole) is False


def test_cells_are_coloured_by_how_they_are_covered(model: CoverageModel) -> None:
    row = model.row_of("MG-1401")
    classes = [model.cell_class(row, t) for t in range(12)]
    assert classes[0] == FIRM
    assert PENDING in classes
    assert classes[-1] == SHORT
    amber = classes.index(PENDING)
    cell = model.index(row, 2 + amber)
    assert cell.data(Qt.ItemDataRole.BackgroundRole) == PENDING_BACKGROUND
    assert cell.data(StatusRole) == PENDING
    assert model.index(row, 2).data(Qt.ItemDataRole.BackgroundRole) == FIRM_BACKGROUND
    model.set_firm_only(True)
    # What only pending licences cover is short when counting firm supply alone.
    assert cell.data(Qt.ItemDataRole.BackgroundRole) == SHORT_BACKGROUND
    assert PENDING not in [model.cell_class(row, t) for t in range(12)]


def test_cells_show_stock_with_numbers_in_the_tooltip(model: CoverageModel, plan: Plan) -> None:
    row = model.row_of("MG-1401")
    cell = model.index(row, 2)
    stock = float(plan.stock_with_pending[row, 0])
    assert cell.data() == pieces_text(stock)
    assert cell.data(EditTextRole) == str(round(stock))
    assert cell.data(SortRole) == stock
    assert cell.data(KeyRole) == int(plan.snapshot.parts.id[row])
    assert cell.data(Qt.ItemDataRole.TextAlignmentRole) is not None
    tip = cell.data(Qt.ItemDataRole.ToolTipRole)
    for words in ("MG-1401", "Demand", "Arrivals", "firm only", "with pending", "Safety stock"):
        assert words in tip
    model.set_firm_only(True)
    assert cell.data() == pieces_text(float(plan.stock_firm[row, 0]))


def test_pieces_text_is_compact_for_millions() -> None:
    assert pieces_text(12_400.4) == "12,400"
    assert pieces_text(-3_200) == "−3,200"
    assert pieces_text(-1_013_200) == "−1.01 M"


def test_stock_points_rise_at_period_starts_and_end_on_the_plan(plan: Plan) -> None:
    row = plan.snapshot.parts.number.index("MG-1401")
    bounds = [int(b) for b in plan.snapshot.bounds]
    arrivals = (plan.arrivals_firm[row] + plan.arrivals_pending[row]).tolist()
    stock = plan.stock_with_pending[row].tolist()
    points = stock_points(bounds, float(plan.snapshot.parts.on_hand[row]), arrivals, stock)
    assert points[0] == (bounds[0], float(plan.snapshot.parts.on_hand[row]))
    ends = [value for day, value in points if day + 1 in bounds[1:]]
    assert ends == pytest.approx(stock)
    # On hand plus arrivals minus demand gives each period's end: the engine's projection.
    demand = plan.demand[row].tolist()
    level = float(plan.snapshot.parts.on_hand[row])
    for period in range(len(stock)):
        level += arrivals[period] - demand[period]
        assert level == pytest.approx(stock[period])


def test_chart_shows_both_views_safety_today_and_runouts(qtbot: QtBot, plan: Plan) -> None:
    chart = CoverageChart()
    qtbot.addWidget(chart)
    assert chart.chart().title() == EMPTY_TITLE
    assert chart.chart().series() == []
    row = plan.snapshot.parts.number.index("MG-1401")
    chart.show_part(plan, row, date(2026, 11, 30))
    names = chart.series_names()
    assert "Firm supply" in names
    assert "Firm + pending" in names
    assert any(name.startswith("Safety") for name in names)
    assert any(name.startswith("Today") for name in names)
    assert [m.name() for m in chart.runout_markers] == ["Runs out (firm)", "Runs out (pending)"]
    assert "21 Jan 2027" in chart.chart().title()
    assert "29 Mar 2027" in chart.chart().title()
    chart.resize(700, 320)
    chart.show()
    qtbot.waitExposed(chart)
    one = plan.snapshot.parts.number.index("MG-1602")
    chart.show_part(plan, one, date(2026, 11, 30))
    assert [m.name() for m in chart.runout_markers] == ["Runs out"]


def test_line_stops_name_the_product_date_and_part(plan: Plan) -> None:
    stops = LineStopModel()
    stops.set_plan(plan)
    rows = {stops.index(r, 0).data(): r for r in range(stops.rowCount())}
    row = rows["Chassis sensor kit"]
    assert stops.index(row, COLUMN_OF["with_pending"]).data() == "27 Dec 2026"
    assert stops.index(row, COLUMN_OF["with_pending_part"]).data() == "MG-1602"
    traction = rows["TRX-150 traction rotor"]
    assert stops.index(traction, COLUMN_OF["firm"]).data() == "8 Jan 2027"
    assert stops.index(traction, COLUMN_OF["firm_part"]).data() == "MG-1402"
    assert stops.index(traction, COLUMN_OF["with_pending"]).data(EditTextRole) == "2027-01-30"
    assembly = rows["TRX-150 lamination stack"]
    assert stops.index(assembly, 0).data(Qt.ItemDataRole.FontRole).italic()
    tip_role = Qt.ItemDataRole.ToolTipRole
    tip = stops.headerData(COLUMN_OF["firm"], Qt.Orientation.Horizontal, tip_role)
    assert "firm supply only" in tip
