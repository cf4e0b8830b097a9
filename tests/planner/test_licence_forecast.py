"""Expected licence decisions in Chinese working days, observed review times, depletion."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from planner.cn_calendar import add_working_days, is_estimated_year
from planner.licence_forecast import (
    MIN_OBSERVED,
    ReviewBasis,
    ReviewDays,
    expected_decision,
    median_days,
    overdue_days,
    p90_days,
    quantity_left,
    resolve_review_days,
    review_durations,
    statutory_review,
    validity_end,
    working_days_elapsed,
)
from planner.rules import load_rule_set
from planner.schema import Licence, Order

RULES = load_rule_set()
STATUTORY = statutory_review(RULES)


def licence(**values: Any) -> Licence:
    """Return a transient licence; unset fields are what a new record holds."""
    fields: dict[str, Any] = {
        "id": 1,
        "reference": "LIC-T-1",
        "supplier_id": 1,
        "kind": "individual",
        "status": "under_review",
        "is_amendment": False,
        "submitted_on": None,
        "resubmitted_on": None,
        "decided_on": None,
        "valid_from": None,
        "valid_until": None,
        "quantity_approved": None,
    }
    fields.update(values)
    return Licence(**fields)


def order(quantity: float, status: str, licence_id: int = 1) -> Order:
    return Order(
        part_id=1, supplier_id=1, quantity=quantity, status=status, licence_id=licence_id
    )


# -- the clock, against dates computed by hand from the State Council schedules -----------


def test_45_working_days_from_7_april_2025_end_on_12_june() -> None:
    forecast = expected_decision(licence(submitted_on=date(2025, 4, 7)), STATUTORY)
    assert forecast.date == date(2025, 6, 12)
    assert forecast.working_days == 45
    assert forecast.basis == "submitted 2025-04-07 + 45 Chinese working days (statutory)"
    assert forecast.clock_start == date(2025, 4, 7)
    assert not forecast.provisional
    assert not forecast.estimated_calendar


def test_45_working_days_across_spring_festival_2026() -> None:
    forecast = expected_decision(licence(submitted_on=date(2026, 1, 5)), STATUTORY)
    assert forecast.date == date(2026, 3, 13)


def test_make_up_saturday_counts_and_spring_festival_does_not() -> None:
    friday = licence(submitted_on=date(2026, 2, 13))
    # Saturday 14 Feb 2026 is a make-up workday; 15-23 Feb are the Spring Festival break.
    assert expected_decision(friday, 1).date == date(2026, 2, 14)
    assert expected_decision(friday, 2).date == date(2026, 2, 24)


def test_counting_the_submission_day_ends_one_working_day_earlier() -> None:
    forecast = expected_decision(
        licence(submitted_on=date(2025, 4, 7)), STATUTORY, count_start_day=True
    )
    assert forecast.date == date(2025, 6, 11)


def test_amendment_takes_20_working_days_across_labour_day() -> None:
    amendment = licence(submitted_on=date(2025, 4, 7), is_amendment=True)
    forecast = expected_decision(amendment, STATUTORY)
    # Sunday 27 Apr 2025 is a make-up workday; 1-5 May are off.
    assert forecast.date == date(2025, 5, 7)
    assert forecast.working_days == 20
    assert "statutory for an amendment" in forecast.basis


def test_resubmission_restarts_the_clock() -> None:
    item = licence(
        status="resubmitted", submitted_on=date(2025, 4, 7), resubmitted_on=date(2026, 1, 5)
    )
    forecast = expected_decision(item, STATUTORY)
    assert forecast.date == date(2026, 3, 13)
    assert forecast.basis.startswith("resubmitted 2026-01-05 + 45")
    kept = expected_decision(item, STATUTORY, restart_on_resubmission=False)
    assert kept.date == date(2025, 6, 12)


def test_information_requested_stops_the_clock_until_resubmission() -> None:
    item = licence(status="information_requested", submitted_on=date(2025, 4, 7))
    waiting = expected_decision(item, STATUTORY)
    assert waiting.date is None
    assert "restarts on resubmission" in waiting.basis
    today = date(2026, 1, 5)
    provisional = expected_decision(item, STATUTORY, on=today)
    assert (provisional.date, provisional.provisional) == (date(2026, 3, 13), True)
    assert "if resubmitted 2026-01-05" in provisional.basis
    assert overdue_days(item, date(2025, 7, 1), STATUTORY) == 0
    running = expected_decision(item, STATUTORY, restart_on_resubmission=False)
    assert running.date == date(2025, 6, 12)


def test_draft_gets_a_provisional_date_only_when_today_is_given() -> None:
    draft = licence(status="draft")
    assert expected_decision(draft, STATUTORY).date is None
    forecast = expected_decision(draft, STATUTORY, on=date(2025, 4, 7))
    assert forecast.date == date(2025, 6, 12)
    assert forecast.provisional
    assert forecast.basis.startswith("not submitted yet; if submitted 2025-04-07")


def test_withdrawn_has_no_decision() -> None:
    forecast = expected_decision(
        licence(status="withdrawn", submitted_on=date(2025, 4, 7)), STATUTORY
    )
    assert forecast.date is None
    assert "withdrawn" in forecast.basis


def test_decided_licence_reports_its_decision_and_the_observed_days() -> None:
    item = licence(
        status="approved", submitted_on=date(2025, 4, 7), decided_on=date(2025, 6, 12)
    )
    forecast = expected_decision(item, STATUTORY)
    assert (forecast.date, forecast.working_days, forecast.decided) == (
        date(2025, 6, 12),
        45,
        True,
    )


def test_pending_without_a_submission_date_has_no_date() -> None:
    assert expected_decision(licence(status="submitted"), STATUTORY).date is None


def test_span_into_a_year_without_published_make_up_days_is_flagged() -> None:
    late = expected_decision(licence(submitted_on=date(2026, 11, 23)), STATUTORY)
    assert late.date is not None
    assert late.date.year == 2027
    assert late.estimated_calendar == is_estimated_year(2027)
    early = expected_decision(licence(submitted_on=date(2025, 4, 7)), STATUTORY)
    assert early.estimated_calendar is False


# -- elapsed and overdue -----------------------------------------------------------------


def test_working_days_elapsed() -> None:
    item = licence(submitted_on=date(2025, 4, 7))
    assert working_days_elapsed(item, date(2025, 4, 7)) == 0
    assert working_days_elapsed(item, date(2025, 4, 8)) == 1
    assert working_days_elapsed(item, date(2025, 6, 12)) == 45
    assert working_days_elapsed(licence(status="draft"), date(2025, 6, 12)) is None
    decided = licence(
        status="rejected", submitted_on=date(2025, 4, 7), decided_on=date(2025, 5, 7)
    )
    assert working_days_elapsed(decided, date(2025, 12, 31)) == 20


@pytest.mark.parametrize(
    ("on", "late"),
    [
        (date(2025, 6, 11), 0),
        (date(2025, 6, 12), 0),  # the expected day itself is not overdue
        (date(2025, 6, 13), 1),  # the next working day (Friday) is
        (date(2025, 6, 14), 1),  # Saturday adds nothing
        (date(2025, 6, 16), 2),
    ],
)
def test_overdue_days_boundary(on: date, late: int) -> None:
    item = licence(submitted_on=date(2025, 4, 7))
    assert overdue_days(item, on, STATUTORY) == late
    assert overdue_days(item, on) == late  # defaults to the shipped statutory times


def test_decided_licence_is_never_overdue() -> None:
    item = licence(
        status="approved", submitted_on=date(2025, 4, 7), decided_on=date(2025, 9, 1)
    )
    assert overdue_days(item, date(2025, 8, 1), STATUTORY) == 0


# -- observed review times ---------------------------------------------------------------


def decided_after(
    days: list[int], *, amendment: bool = False, first_id: int = 1
) -> list[Licence]:
    start = date(2025, 4, 7)
    return [
        licence(
            id=first_id + i,
            status="approved" if i % 2 else "rejected",
            submitted_on=start,
            decided_on=add_working_days(start, d),
            is_amendment=amendment,
        )
        for i, d in enumerate(days)
    ]


def test_observed_duration_of_a_literal_case() -> None:
    item = licence(
        status="approved", submitted_on=date(2025, 4, 7), decided_on=date(2025, 6, 12)
    )
    assert review_durations([item]) == [45]
    resubmitted = licence(
        status="approved",
        submitted_on=date(2025, 1, 2),
        resubmitted_on=date(2025, 4, 7),
        decided_on=date(2025, 6, 12),
    )
    assert review_durations([resubmitted]) == [45]


def test_pending_withdrawn_and_amendments_are_not_observed_as_applications() -> None:
    others = [
        licence(id=90, status="under_review", submitted_on=date(2025, 4, 7)),
        licence(id=91, status="withdrawn", submitted_on=date(2025, 4, 7)),
        *decided_after([5], amendment=True, first_id=92),
    ]
    assert review_durations(others) == []
    assert review_durations(others, amendment=True) == [5]


def test_median_and_p90_hand_computed() -> None:
    many = [30, 40, 45, 50, 60, 70, 80, 90, 100, 120]
    assert median_days(many) == 65
    assert p90_days(many) == 100  # 9th of 10
    assert median_days([40, 45, 50, 51]) == 48  # 47.5 rounded up
    assert p90_days([41, 47, 52, 60, 75]) == 75  # rank ceil(4.5) = 5


def test_observed_median_and_p90_from_the_workspace_history() -> None:
    history = decided_after([30, 40, 45, 50, 60, 70, 80, 90, 100, 120])
    median = resolve_review_days(ReviewDays(ReviewBasis.MEDIAN), history, RULES)
    assert (median.application.days, median.application.sample_size) == (65, 10)
    assert median.application.label == "observed median of 10"
    assert median.application.note == ""
    p90 = resolve_review_days(ReviewDays.parse("p90"), history, RULES)
    assert p90.application.days == 100
    pending = licence(id=50, submitted_on=date(2025, 4, 7))
    forecast = expected_decision(pending, p90)
    assert forecast.date == add_working_days(date(2025, 4, 7), 100)
    assert forecast.basis.endswith("+ 100 Chinese working days (observed p90 of 10)")


def test_too_few_observations_fall_back_to_statutory_with_a_note() -> None:
    history = decided_after([60, 70])
    assert len(history) < MIN_OBSERVED
    resolved = resolve_review_days(ReviewDays(ReviewBasis.MEDIAN), history, RULES)
    assert resolved.application.days == 45
    assert resolved.application.sample_size == 2
    assert "only 2 decided applications observed, 3 needed" in resolved.application.note
    assert resolved.amendment.days == 20
    assert "no decided amendment" in resolved.amendment.note
    forecast = expected_decision(licence(submitted_on=date(2025, 4, 7)), resolved)
    assert forecast.date == date(2025, 6, 12)
    assert "only 2 decided applications" in forecast.basis


def test_amendments_are_observed_separately() -> None:
    history = decided_after([60, 70, 80]) + decided_after(
        [10, 12, 30], amendment=True, first_id=20
    )
    resolved = resolve_review_days(ReviewDays(ReviewBasis.MEDIAN), history, RULES)
    assert (resolved.application.days, resolved.amendment.days) == (70, 12)


def test_custom_review_days_apply_to_every_licence() -> None:
    resolved = resolve_review_days(ReviewDays.parse("60"), [], RULES)
    assert (resolved.application.days, resolved.amendment.days) == (60, 60)
    assert str(resolved.choice) == "60"


@pytest.mark.parametrize("text", ["", "0", "-5", "fast", "4.5"])
def test_unreadable_review_days_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="statutory, median, p90"):
        ReviewDays.parse(text)


def test_statutory_comes_from_the_rule_set() -> None:
    changed = replace(RULES, statutory_review_working_days=50, amendment_review_working_days=25)
    resolved = statutory_review(changed)
    assert (resolved.application.days, resolved.amendment.days) == (50, 25)


# -- depletion and validity --------------------------------------------------------------


def test_quantity_left_counts_shipped_and_received_linked_orders_only() -> None:
    item = licence(status="approved", quantity_approved=1000.0)
    orders = [
        order(300, "shipped"),
        order(200, "received"),
        order(400, "open"),
        order(100, "planned"),
        order(100, "cancelled"),
        order(50, "shipped", licence_id=2),
    ]
    assert quantity_left(item, orders) == 500
    assert quantity_left(licence(status="approved"), orders) is None


def test_general_licence_is_one_grant_for_all_its_orders() -> None:
    grant = licence(status="approved", kind="general", quantity_approved=10_000.0)
    orders = [
        Order(part_id=1, supplier_id=1, quantity=4000, status="received", licence_id=1),
        Order(part_id=2, supplier_id=1, quantity=5000, status="shipped", licence_id=1),
    ]
    assert quantity_left(grant, orders) == 1000


def test_validity_end() -> None:
    given = licence(
        status="approved", decided_on=date(2026, 3, 13), valid_until=date(2026, 5, 1)
    )
    assert validity_end(given) == date(2026, 5, 1)
    default = licence(status="approved", decided_on=date(2026, 3, 13))
    assert validity_end(default, RULES) == date(2026, 9, 13)  # + 6 typical months
    month_end = licence(status="approved", decided_on=date(2025, 8, 31))
    assert validity_end(month_end, RULES) == date(2026, 2, 28)
    capped = replace(RULES, licence_validity_months_typical=18)
    assert validity_end(default, capped) == date(2027, 3, 13)  # statutory 12 months
    assert (
        validity_end(licence(status="approved", kind="general", decided_on=date(2026, 1, 1)))
        is None
    )
    assert validity_end(licence(status="rejected", decided_on=date(2026, 1, 1))) is None
