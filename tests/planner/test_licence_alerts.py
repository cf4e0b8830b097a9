"""Licence alerts on their boundary days, and the one-line summary."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from planner.licence_alerts import (
    Alert,
    AlertKind,
    LicenceSnapshot,
    Severity,
    alerts,
    ship_date,
    summary_line,
)
from planner.licence_forecast import ReviewDays, resolve_review_days
from planner.rules import load_rule_set
from planner.sample import build_sample
from planner.schema import Licence, Order, Part, Supplier

if TYPE_CHECKING:
    from collections.abc import Iterator

    from planner.workspace import Workspace

RULES = load_rule_set()
# A day on which every rule's status is still vouched for (no unverified-rule alerts).
QUIET = date(2025, 6, 12)


def licence(**values: Any) -> Licence:
    fields: dict[str, Any] = {
        "id": 1,
        "reference": "LIC-1",
        "supplier_id": 1,
        "kind": "individual",
        "status": "under_review",
        "is_amendment": False,
        "submitted_on": date(2025, 4, 7),  # statutory decision expected 2025-06-12
        "resubmitted_on": None,
        "decided_on": None,
        "valid_from": None,
        "valid_until": None,
        "quantity_approved": None,
    }
    fields.update(values)
    return Licence(**fields)


def approved(**values: Any) -> Licence:
    base = {
        "status": "approved",
        "decided_on": date(2025, 6, 1),
        "valid_from": date(2025, 6, 1),
        "valid_until": date(2025, 12, 1),
        "quantity_approved": 1000.0,
    }
    return licence(**(base | values))


def supplier(transit_days: int | None = 35, country: str = "CN") -> Supplier:
    return Supplier(
        id=1,
        name="Baotou",
        country=country,
        transit_days=transit_days,
        chinese_owned=False,
        heavy_re_origin=None,
    )


def part(family: str = "sintered_ndfeb", grade: str = "N42SH") -> Part:
    return Part(
        id=1,
        part_number="MG-1",
        family=family,
        grade=grade,
        shape=None,
        dimensions=None,
        stated_mass_g=None,
        measured_dy_pct=None,
        measured_tb_pct=None,
        form="bare",
    )


def order(**values: Any) -> Order:
    fields: dict[str, Any] = {
        "id": 7,
        "reference": "PO-7",
        "part_id": 1,
        "supplier_id": 1,
        "quantity": 100.0,
        "status": "open",
        "licence_id": None,
        "expected_arrival": None,
    }
    fields.update(values)
    return Order(**fields)


def snapshot(
    licences: list[Licence],
    orders: list[Order] | None = None,
    *,
    seller: Supplier | None = None,
    item: Part | None = None,
) -> LicenceSnapshot:
    seller = seller or supplier()
    item = item or part()
    return LicenceSnapshot(tuple(licences), tuple(orders or ()), {1: seller}, {1: item})


def kinds(found: list[Alert]) -> list[AlertKind]:
    return [a.kind for a in found]


# -- decisions ---------------------------------------------------------------------------


def test_expected_day_is_not_overdue_but_the_next_working_day_is() -> None:
    data = snapshot([licence()])
    on_the_day = alerts(data, date(2025, 6, 12), rule_set=RULES)
    assert kinds(on_the_day) == [AlertKind.DECISION_SOON]
    assert "decision expected today" in on_the_day[0].text
    next_day = alerts(data, date(2025, 6, 13), rule_set=RULES)
    assert kinds(next_day) == [AlertKind.OVERDUE]
    assert next_day[0].licence_id == 1
    assert "overdue by 1 Chinese working day " in next_day[0].text
    assert "submitted 2025-04-07 + 45 Chinese working days (statutory)" in next_day[0].text


def test_decision_soon_exactly_n_days_before() -> None:
    data = snapshot([licence()])
    assert kinds(alerts(data, date(2025, 5, 29), rule_set=RULES)) == [AlertKind.DECISION_SOON]
    assert alerts(data, date(2025, 5, 28), rule_set=RULES) == []
    wider = alerts(data, date(2025, 5, 28), rule_set=RULES, decision_within_days=15)
    assert kinds(wider) == [AlertKind.DECISION_SOON]


def test_review_scenario_changes_what_is_overdue() -> None:
    data = snapshot([licence()])
    custom = resolve_review_days(ReviewDays.parse("30"), [], RULES)
    found = alerts(data, QUIET, rule_set=RULES, review=custom)
    assert kinds(found) == [AlertKind.OVERDUE]


def test_information_requested_asks_for_action_and_is_not_overdue() -> None:
    data = snapshot([licence(status="information_requested")])
    found = alerts(data, date(2025, 9, 1), rule_set=RULES)
    assert kinds(found) == [AlertKind.INFORMATION_REQUESTED]


# -- validity and quantity ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2025, 10, 31), []),
        (date(2025, 11, 1), [AlertKind.VALIDITY_ENDING]),  # exactly 30 days before
        (date(2025, 12, 1), [AlertKind.VALIDITY_ENDING]),  # last valid day
        (date(2025, 12, 2), [AlertKind.VALIDITY_ENDED]),
    ],
)
def test_validity_boundaries(on: date, expected: list[AlertKind]) -> None:
    found = alerts(snapshot([approved()]), on, rule_set=RULES)
    assert kinds(found) == expected


def test_validity_ending_text() -> None:
    found = alerts(snapshot([approved()]), date(2025, 11, 17), rule_set=RULES)
    assert found[0].text == "LIC-1: valid until 2025-12-01, expires in 14 days"


def test_individual_licence_without_an_end_gets_the_default_validity() -> None:
    item = approved(valid_until=None, decided_on=date(2025, 6, 1), valid_from=None)
    found = alerts(snapshot([item]), date(2025, 11, 15), rule_set=RULES)
    assert "valid until 2025-12-01" in found[0].text


@pytest.mark.parametrize(
    ("shipped", "expected", "severity"),
    [
        (900.0, [], None),  # exactly 10 % left is not under 10 %
        (901.0, [AlertKind.QUANTITY_LOW], Severity.WARNING),
        (1000.0, [AlertKind.QUANTITY_LOW], Severity.CRITICAL),
    ],
)
def test_quantity_left_threshold(
    shipped: float, expected: list[AlertKind], severity: Severity | None
) -> None:
    orders = [order(quantity=shipped, status="shipped", licence_id=1)]
    found = alerts(snapshot([approved()], orders), QUIET, rule_set=RULES)
    assert kinds(found) == expected
    if severity is not None:
        assert found[0].severity is severity


def test_quantity_threshold_is_a_setting() -> None:
    orders = [order(quantity=850.0, status="received", licence_id=1)]
    found = alerts(
        snapshot([approved()], orders), QUIET, rule_set=RULES, quantity_left_below_pct=20
    )
    assert kinds(found) == [AlertKind.QUANTITY_LOW]
    assert "150 of 1,000 pcs left (15.0%)" in found[0].text


# -- orders due to ship ------------------------------------------------------------------


def test_order_due_to_ship_within_30_days_without_a_licence() -> None:
    # Ships on arrival - 35 transit days = QUIET + 30.
    due = order(expected_arrival=QUIET + timedelta(days=65))
    found = alerts(snapshot([], [due]), QUIET, rule_set=RULES)
    assert kinds(found) == [AlertKind.ORDER_UNLICENSED]
    assert (found[0].order_id, found[0].severity) == (7, Severity.CRITICAL)
    assert "no licence linked" in found[0].text
    later = order(expected_arrival=QUIET + timedelta(days=66))
    assert alerts(snapshot([], [later]), QUIET, rule_set=RULES) == []


def test_ship_date_uses_the_suppliers_transit_or_35_days() -> None:
    arrival = date(2025, 9, 1)
    assert ship_date(order(expected_arrival=arrival), supplier(10)) == date(2025, 8, 22)
    assert ship_date(order(expected_arrival=arrival), supplier(None)) == date(2025, 7, 28)
    assert ship_date(order(), supplier()) is None


def test_order_with_an_approved_valid_licence_is_fine() -> None:
    due = order(expected_arrival=date(2025, 8, 1), licence_id=1)
    found = alerts(snapshot([approved()], [due]), QUIET, rule_set=RULES)
    assert found == []


def test_order_shipping_after_its_licence_ends_is_flagged() -> None:
    due = order(expected_arrival=date(2025, 8, 1), licence_id=1)
    short = approved(valid_until=date(2025, 6, 20))
    found = alerts(snapshot([short], [due]), QUIET, rule_set=RULES)
    unlicensed = [a for a in found if a.kind is AlertKind.ORDER_UNLICENSED]
    assert len(unlicensed) == 1
    assert "not valid that day (valid until 2025-06-20)" in unlicensed[0].text
    assert unlicensed[0].licence_id == 1


def test_order_waiting_for_a_pending_licence_is_a_warning() -> None:
    due = order(expected_arrival=date(2025, 8, 1), licence_id=1)
    found = alerts(snapshot([licence()], [due]), date(2025, 6, 1), rule_set=RULES)
    unlicensed = [a for a in found if a.kind is AlertKind.ORDER_UNLICENSED]
    assert unlicensed[0].severity is Severity.WARNING
    assert "is under review, decision expected 2025-06-12" in unlicensed[0].text


@pytest.mark.parametrize(
    ("seller", "item"),
    [
        (supplier(country="DE"), part()),
        (supplier(), part(family="ferrite", grade="Y30BH")),
    ],
)
def test_orders_not_needing_a_licence_are_not_flagged(seller: Supplier, item: Part) -> None:
    due = order(expected_arrival=date(2025, 7, 1))
    assert alerts(snapshot([], [due], seller=seller, item=item), QUIET, rule_set=RULES) == []


def test_shipped_orders_are_not_flagged() -> None:
    gone = order(expected_arrival=date(2025, 7, 1), status="shipped")
    assert alerts(snapshot([], [gone]), QUIET, rule_set=RULES) == []


# -- rules -------------------------------------------------------------------------------


def test_unverified_rule_alert_after_10_november_2026() -> None:
    assert alerts(snapshot([]), date(2026, 11, 10), rule_set=RULES) == []
    found = alerts(snapshot([]), date(2026, 11, 11), rule_set=RULES)
    assert {a.kind for a in found} == {AlertKind.RULE_UNVERIFIED}
    texts = {a.rule_id: a.text for a in found}
    assert texts["CN-MOFCOM-2025-61-extraterritorial"] == (
        "Announcement 61's suspension ended 2026-11-10 with no known outcome: verify"
    )
    assert "CN-MOFCOM-2025-18-NdFeB-DyTb" not in texts


# -- summary -----------------------------------------------------------------------------


def test_summary_line() -> None:
    found = [
        Alert(AlertKind.OVERDUE, Severity.WARNING, "", licence_id=1),
        Alert(AlertKind.OVERDUE, Severity.WARNING, "", licence_id=2),
        Alert(AlertKind.OVERDUE, Severity.WARNING, "", licence_id=3),
        Alert(AlertKind.VALIDITY_ENDING, Severity.WARNING, "", licence_id=4),
        Alert(AlertKind.QUANTITY_LOW, Severity.WARNING, "", licence_id=5),
        Alert(AlertKind.QUANTITY_LOW, Severity.CRITICAL, "", licence_id=6),
    ]
    assert summary_line(found, validity_within_days=14) == (
        "3 licences overdue, 1 expires within 14 days, 2 have less than 10% quantity left"
    )
    assert summary_line([]) == "no licence alerts"
    single = [Alert(AlertKind.RULE_UNVERIFIED, Severity.WARNING, "", rule_id="r")]
    assert summary_line(single) == "1 rule to verify"


def test_alerts_are_sorted_most_urgent_first() -> None:
    due = order(expected_arrival=QUIET + timedelta(days=40))
    found = alerts(snapshot([licence()], [due]), QUIET, rule_set=RULES)
    assert [a.severity for a in found] == [Severity.CRITICAL, Severity.INFO]


# -- the sample workspace ----------------------------------------------------------------

ANCHOR = date(2026, 12, 1)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    workspace = build_sample(tmp_path_factory.mktemp("a") / "s.magplan", anchor=ANCHOR)
    yield workspace
    workspace.close()


def test_sample_alerts(sample: Workspace) -> None:
    found = alerts(sample, ANCHOR, rule_set=RULES)
    references = {a.licence_id: a for a in found if a.kind is AlertKind.OVERDUE}
    overdue = [lic.reference for lic in sample.all(Licence) if lic.id in references]
    assert overdue == ["LIC-BT-2026-012"]
    assert "submitted 2026-08-28 + 45" in next(iter(references.values())).text
    assert AlertKind.INFORMATION_REQUESTED in kinds(found)
    assert AlertKind.RULE_UNVERIFIED in kinds(found)
    line = summary_line(found)
    assert line.startswith("1 licence overdue, ")
    assert "4 rules to verify" in line
    same = alerts(LicenceSnapshot.of(sample), ANCHOR, rule_set=RULES)
    assert same == found
