"""The purchase plan model and proxy, and the planned orders accepting a purchase makes."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Protocol

import pytest

from PySide6.QtCore import Qt

from planner.engine import plan_workspace
from planner.plan_model import Scenario
from planner.plan_result import RecommendationStatus

from ui.plan_commands import planned_order
from ui.recommendations_model import (
    ACCEPTED,
    COLUMN_OF,
    STATUS_COLOURS,
    RecommendationsModel,
    RecommendationsProxy,
)
from ui.roles import EditTextRole, SortRole, StatusRole

if TYPE_CHECKING:
    from PySide6.QtCore import QAbstractItemModel

    from planner.plan_result import Plan

    from ui.session import WorkspaceSession


class ModelChecker(Protocol):
    """The typed part of pytest-qt's `qtmodeltester` fixture."""

    def check(self, model: QAbstractItemModel) -> None:
        """Run QAbstractItemModelTester on `model` for the rest of the test."""


TODAY = date(2026, 11, 30)


@pytest.fixture
def plan(session: WorkspaceSession) -> Plan:
    """Plan the sample as the Plan page does by default (statutory review)."""
    scenario = Scenario(name="test", start=date(2026, 12, 1))
    return plan_workspace(
        session.workspace, scenario, today=session.today, rule_set=session.rule_set
    )


@pytest.fixture
def model(plan: Plan) -> RecommendationsModel:
    from planner.plan_text import recommendation_reason

    result = RecommendationsModel()
    reasons = tuple(recommendation_reason(plan, r) for r in range(len(plan.recommendations)))
    result.set_plan(plan, reasons)
    return result


def first_row(model: RecommendationsModel, status: RecommendationStatus, part: str = "") -> int:
    assert model.plan is not None
    return next(
        r
        for r in range(model.rowCount())
        if model.plan.recommendations.status[r] == status
        and (not part or model.part_number(r) == part)
    )


def cell(model: RecommendationsModel, row: int, key: str, role: int = 0) -> object:
    return model.index(row, COLUMN_OF[key]).data(role)


def test_model_and_proxy_pass_the_model_tester(
    qtmodeltester: ModelChecker, model: RecommendationsModel
) -> None:
    qtmodeltester.check(model)
    proxy = RecommendationsProxy()
    proxy.setSourceModel(model)
    proxy.set_statuses(frozenset({"late"}))
    qtmodeltester.check(proxy)
    empty = RecommendationsModel()
    qtmodeltester.check(empty)
    assert empty.rowCount() == 0


def test_columns_show_what_to_buy_from_whom_by_when(model: RecommendationsModel) -> None:
    assert model.rowCount() == 231
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(11)]
    assert headers == [
        "Part", "Quantity", "Source", "Order by", "Arrival", "Need date", "Licence",
        "Status", "Shortfall", "Cost", "Reason",
    ]  # fmt: skip
    row = first_row(model, RecommendationStatus.LATE, "MG-1401")
    assert cell(model, row, "part") == "MG-1401"
    assert cell(model, row, "quantity") == "10,000"
    assert cell(model, row, "quantity", EditTextRole) == "10000"
    assert str(cell(model, row, "source")).startswith("Baotou Northern Magnet")
    assert cell(model, row, "order_by") == "30 Jul 2026"
    assert cell(model, row, "order_by", EditTextRole) == "2026-07-30"
    assert cell(model, row, "arrival") == "27 Apr 2027"
    assert cell(model, row, "need") == "31 Dec 2026"
    assert cell(model, row, "licence") == "Yes"
    assert cell(model, row, "status") == "late"
    assert cell(model, row, "shortfall") == "10,000"
    assert str(cell(model, row, "cost")).endswith("USD")
    assert "LATE" in str(cell(model, row, "reason"))
    assert cell(model, row, "need", SortRole) < cell(model, row, "arrival", SortRole)  # type: ignore[operator]


def test_status_is_coloured(model: RecommendationsModel) -> None:
    foreground = Qt.ItemDataRole.ForegroundRole
    late = first_row(model, RecommendationStatus.LATE)
    ok = first_row(model, RecommendationStatus.OK)
    assert cell(model, late, "status", foreground) == STATUS_COLOURS["late"]
    assert cell(model, ok, "status", foreground) == STATUS_COLOURS["ok"]
    assert cell(model, ok, "status", StatusRole) == "ok"
    assert cell(model, ok, "shortfall") == "—"
    assert cell(model, ok, "part", foreground) is None


def test_proxy_filters_by_status_part_and_search(model: RecommendationsModel) -> None:
    proxy = RecommendationsProxy()
    proxy.setSourceModel(model)
    assert proxy.rowCount() == 231
    proxy.set_statuses(frozenset({"late", "infeasible"}))
    late = proxy.rowCount()
    assert 0 < late < 231
    proxy.set_statuses(frozenset())
    proxy.set_part("MG-1401")
    assert {proxy.index(r, 0).data() for r in range(proxy.rowCount())} == {"MG-1401"}
    proxy.set_part("")
    proxy.set_search("hanau")
    assert proxy.rowCount() > 0
    assert all("Hanau" in proxy.index(r, 2).data() for r in range(proxy.rowCount()))


def test_accepted_rows_say_so_and_cannot_be_accepted_again(
    model: RecommendationsModel,
) -> None:
    row = first_row(model, RecommendationStatus.OK)
    assert model.can_accept(row)
    model.set_accepted(frozenset({row}))
    assert cell(model, row, "status") == ACCEPTED
    assert "recalculate" in str(cell(model, row, "status", Qt.ItemDataRole.ToolTipRole))
    assert not model.can_accept(row)
    model.set_accepted(frozenset())
    assert model.can_accept(row)


def test_planned_order_orders_on_time_purchases_by_their_order_by_date(
    plan: Plan, session: WorkspaceSession
) -> None:
    from planner.schema import Part, Supplier

    recs = plan.recommendations
    row = next(r for r in range(len(recs)) if recs.status[r] == RecommendationStatus.OK)
    order = planned_order(plan, row, TODAY)
    part = session.workspace.get(Part, order.part_id)
    supplier = session.workspace.get(Supplier, order.supplier_id)
    assert part is not None
    assert supplier is not None
    assert part.part_number == plan.snapshot.parts.number[int(recs.part[row])]
    assert supplier.name == plan.snapshot.suppliers.name[int(recs.supplier[row])]
    assert order.status == "planned"
    assert order.quantity == float(recs.qty[row])
    assert order.order_date == date.fromordinal(int(recs.order_by[row]))
    assert order.expected_arrival == date.fromordinal(int(recs.arrival[row]))
    late = next(r for r in range(len(recs)) if recs.status[r] == RecommendationStatus.LATE)
    assert planned_order(plan, late, TODAY).order_date == TODAY
