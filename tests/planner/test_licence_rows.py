"""Licence rows: the figures the Licences page and `magplan licences` share."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from planner.licence_forecast import ReviewBasis, ReviewDays
from planner.licence_rows import LicenceBook, review_text
from planner.licences import LicenceStatus
from planner.rules import load_rule_set
from planner.sample import build_sample

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from planner.licence_rows import LicenceRow
    from planner.workspace import Workspace

TODAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    path: Path = tmp_path_factory.mktemp("rows") / "sample.magplan"
    ws = build_sample(path, anchor=date(2026, 12, 1))
    yield ws
    ws.close()


def rows_by_reference(book: LicenceBook) -> dict[str, LicenceRow]:
    return {row.reference: row for row in book.rows()}


def test_every_licence_gets_a_row_with_the_cli_figures(workspace: Workspace) -> None:
    book = LicenceBook.of(workspace, TODAY, rule_set=load_rule_set())
    rows = rows_by_reference(book)
    assert len(rows) == 9
    late = rows["LIC-BT-2026-012"]
    assert late.status is LicenceStatus.UNDER_REVIEW
    assert late.forecast.date == date(2026, 11, 5)
    assert late.overdue_days == 17
    assert late.working_days_elapsed == 62
    assert late.supplier.startswith("Baotou")
    assert late.country == "CN"
    assert [(p.part_number, p.quantity) for p in late.parts] == [
        ("MG-1401", 250_000),
        ("MG-1402", 250_000),
    ]
    assert [o.reference for o in late.orders] == ["PO-26-4530", "PO-26-4531"]
    assert late.quantity_applied == 500_000
    assert (late.documents_done, late.documents_total) == (8, 8)
    assert any("overdue" in alert.text for alert in late.alerts)


def test_quantities_of_an_approved_licence(workspace: Workspace) -> None:
    rows = rows_by_reference(LicenceBook.of(workspace, TODAY, rule_set=load_rule_set()))
    approved = rows["LIC-NB-2026-031"]
    assert approved.quantity_shipped == 200_000
    assert approved.quantity_left == 400_000
    assert approved.validity_end == date(2027, 2, 27)
    assert rows["LIC-BT-2027-002"].working_days_elapsed is None
    assert rows["LIC-BT-2027-002"].forecast.provisional


@pytest.mark.parametrize(
    ("choice", "text"),
    [
        (ReviewDays(), "statutory: 45 working days (20 for amendments)"),
        (
            ReviewDays(ReviewBasis.MEDIAN),
            "median of 4 decided licences: 48 working days; amendments 20",
        ),
        (
            ReviewDays(ReviewBasis.P90),
            "p90 of 4 decided licences: 54 working days; amendments 20",
        ),
        (ReviewDays(ReviewBasis.CUSTOM, 30), "custom: 30 working days for every licence"),
    ],
)
def test_review_text_names_the_basis_and_sample(
    workspace: Workspace, choice: ReviewDays, text: str
) -> None:
    book = LicenceBook.of(workspace, TODAY, rule_set=load_rule_set(), choice=choice)
    assert review_text(book.review) == text


def test_too_few_decisions_fall_back_to_the_statutory_time(tmp_path: Path) -> None:
    ws = build_sample(tmp_path / "s.magplan", anchor=date(2026, 12, 1))
    try:
        from planner.schema import Licence

        decided = [lic for lic in ws.all(Licence) if LicenceStatus(lic.status).is_decided]
        for licence in decided[:2]:  # leave 2 decided applications
            ws.update(Licence, licence.id, {"is_amendment": True}, operation="test")
        choice = ReviewDays(ReviewBasis.MEDIAN)
        book = LicenceBook.of(ws, TODAY, rule_set=load_rule_set(), choice=choice)
        assert review_text(book.review).startswith(
            "only 2 decided applications observed, 3 needed for the median: statutory 45 used"
        )
    finally:
        ws.close()


def test_a_scenario_changes_expected_decisions(workspace: Workspace) -> None:
    rule_set = load_rule_set()
    statutory = rows_by_reference(LicenceBook.of(workspace, TODAY, rule_set=rule_set))
    custom = ReviewDays(ReviewBasis.CUSTOM, 70)
    longer = rows_by_reference(
        LicenceBook.of(workspace, TODAY, rule_set=rule_set, choice=custom)
    )
    reference = "LIC-BT-2026-012"
    later, earlier = longer[reference].forecast.date, statutory[reference].forecast.date
    assert later is not None
    assert earlier is not None
    assert later > earlier
    assert longer[reference].overdue_days == 0
