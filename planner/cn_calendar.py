"""Count Chinese working days: weekends and public holidays off, make-up workdays on.

The calendar comes from the `holidays` package (country "CN", public holidays only, observed
days kept, English names). Its State Council schedule, including the make-up workdays
(调休上班) on Saturdays or Sundays, is published each November for the next year; for later
years the library estimates the holidays by rule and knows no make-up days, which
`is_estimated_year` reports (research/domain.md §6). Upgrade `holidays` every December.

Review clocks such as MOFCOM's 45 working days start, by default, on the first working day
after the submission date: day 1 is the next working day, so 45 working days from Monday
2025-04-07 end on 2025-06-12. Pass ``count_start_day=True`` where a clock counts the day of
receipt itself. The sources found do not say which MOFCOM uses (domain.md §6, LOW).
"""

from __future__ import annotations

import threading
from datetime import date
from functools import cache, lru_cache

import holidays

# The holidays object fills in years lazily on first lookup, mutating itself; planning runs
# in worker threads, so every lookup holds this lock.
_LOCK = threading.Lock()


@cache
def _calendar() -> holidays.HolidayBase:
    """Return the shared China calendar, created on first use."""
    # half_day holds days off for some groups only (Women's Day ...): never for working days.
    # observed=False would drop the bridge days that are real days off in China.
    return holidays.country_holidays(
        "CN", categories=(holidays.PUBLIC,), observed=True, language="en_US"
    )


def is_working_day(day: date) -> bool:
    """Return whether `day` is a working day in mainland China.

    A weekday that is not a public holiday or bridge day is a working day, and so is a
    Saturday or Sunday designated as a make-up workday.
    """
    with _LOCK:
        return _calendar().is_working_day(day)


def add_working_days(start: date, n: int, *, count_start_day: bool = False) -> date:
    """Return the date on which a clock of `n` Chinese working days from `start` ends.

    Args:
        start: The day the clock is started, e.g. the submission date of an application.
        n: Number of working days; negative counts backwards, 0 returns `start` unchanged.
        count_start_day: Whether `start` itself is day 1 when it is a working day. By
            default it is not: day 1 is the first working day after `start`.

    Returns:
        The `n`-th working day counted from `start`.
    """
    return _add_working_days(start, n, count_start_day)


@lru_cache(maxsize=65536)
def _add_working_days(start: date, n: int, count_start_day: bool) -> date:
    """Cached body of `add_working_days`; planning asks the same sums many times."""
    if n == 0:
        return start
    step = n
    if count_start_day and is_working_day(start):
        step = n - 1 if n > 0 else n + 1
        if step == 0:
            return start
    with _LOCK:
        return _calendar().get_nth_working_day(start, step)


def working_days_between(start: date, end: date) -> int:
    """Return how many working days lie in the closed interval [`start`, `end`].

    Both ends count when they are working days, and the result is 0 when `end` is before
    `start`. The working days elapsed on a review clock started on `start` (by the default
    rule of `add_working_days`) up to and including `end` are therefore
    ``working_days_between(start + timedelta(days=1), end)``.
    """
    if end < start:
        return 0
    with _LOCK:
        return _calendar().get_working_days_count(start, end)


@lru_cache(maxsize=256)
def is_estimated_year(year: int) -> bool:
    """Return whether the working-day schedule of `year` is only estimated.

    True when the calendar data has no make-up workdays in that year, which means the
    official State Council schedule was not yet published (or not yet in the installed
    `holidays` release): holidays are then placed by rule and bridge days are guesses.
    """
    with _LOCK:
        calendar = _calendar()
        # Looking a date up makes the calendar fill in that year, make-up days included.
        calendar.get(date(year, 1, 1))
        return not any(day.year == year for day in calendar.weekend_workdays)
