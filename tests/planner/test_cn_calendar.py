"""Chinese working days: make-up workdays count, holidays and weekends do not."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from planner.cn_calendar import (
    add_working_days,
    is_estimated_year,
    is_working_day,
    working_days_between,
)


@pytest.mark.parametrize(
    ("submitted", "decision_due"),
    [
        # research/domain.md §2.2 and §6, computed independently with holidays 0.109.
        (date(2025, 4, 7), date(2025, 6, 12)),
        # Spring Festival 2026 (15–23 Feb) lies in between; Sat 14 and 28 Feb are worked.
        (date(2026, 1, 5), date(2026, 3, 13)),
    ],
)
def test_45_working_days_match_the_researched_deadlines(
    submitted: date, decision_due: date
) -> None:
    assert add_working_days(submitted, 45) == decision_due


@pytest.mark.parametrize(
    ("day", "working", "why"),
    [
        (date(2026, 2, 14), True, "Saturday make-up workday before Spring Festival 2026"),
        (date(2026, 2, 28), True, "Saturday make-up workday after Spring Festival 2026"),
        (date(2025, 1, 26), True, "Sunday make-up workday before Spring Festival 2025"),
        (date(2026, 2, 17), False, "Spring Festival 2026"),
        (date(2026, 2, 20), False, "bridge day off, substituted from 2026-02-14"),
        (date(2025, 1, 29), False, "Spring Festival 2025"),
        (date(2025, 10, 1), False, "National Day"),
        (date(2026, 2, 7), False, "ordinary Saturday"),
        (date(2026, 2, 9), True, "ordinary Monday"),
    ],
)
def test_is_working_day_follows_the_state_council_schedule(
    day: date, working: bool, why: str
) -> None:
    assert is_working_day(day) is working, why


def test_the_clock_starts_the_next_working_day_by_default() -> None:
    # Friday 2026-02-13: day 1 is the make-up Saturday, day 2 skips the whole holiday.
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)


def test_count_start_day_makes_a_working_start_day_day_one() -> None:
    monday = date(2025, 4, 7)
    assert add_working_days(monday, 45, count_start_day=True) == date(2025, 6, 11)
    assert add_working_days(monday, 1, count_start_day=True) == monday


def test_count_start_day_changes_nothing_when_submitted_on_a_day_off() -> None:
    saturday = date(2025, 4, 5)
    assert add_working_days(saturday, 45, count_start_day=True) == add_working_days(
        saturday, 45
    )


def test_zero_and_negative_working_days() -> None:
    assert add_working_days(date(2026, 2, 17), 0) == date(2026, 2, 17)
    assert add_working_days(date(2026, 3, 1), -5) == date(2026, 2, 24)
    assert add_working_days(date(2026, 3, 2), -1, count_start_day=True) == date(2026, 3, 2)


def test_working_days_between_counts_both_ends() -> None:
    assert working_days_between(date(2025, 10, 1), date(2025, 10, 31)) == 18
    assert working_days_between(date(2026, 2, 14), date(2026, 2, 14)) == 1
    assert working_days_between(date(2026, 2, 17), date(2026, 2, 17)) == 0
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 3


def test_working_days_between_is_zero_when_end_precedes_start() -> None:
    assert working_days_between(date(2026, 3, 13), date(2026, 1, 5)) == 0


@pytest.mark.parametrize("submitted", [date(2025, 4, 7), date(2026, 1, 5), date(2026, 9, 18)])
def test_elapsed_working_days_undo_add_working_days(submitted: date) -> None:
    due = add_working_days(submitted, 45)
    assert working_days_between(submitted + timedelta(days=1), due) == 45


def test_years_without_an_official_schedule_are_estimated() -> None:
    assert is_estimated_year(2025) is False
    assert is_estimated_year(2026) is False
    assert is_estimated_year(2027) is True
