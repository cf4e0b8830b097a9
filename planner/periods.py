"""Planning periods: monthly and weekly buckets."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum


class Bucket(StrEnum):
    """Size of a planning period."""

    MONTH = "month"
    WEEK = "week"


def month_start(day: date) -> date:
    """Return the first day of the month containing `day`."""
    return day.replace(day=1)


def week_start(day: date) -> date:
    """Return the Monday of the ISO week containing `day`."""
    return day - timedelta(days=day.weekday())


def add_months(day: date, months: int) -> date:
    """Return the first day of the month `months` after the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_start(day: date, bucket: Bucket) -> date:
    """Return the start of the period of `bucket` size that contains `day`."""
    return month_start(day) if bucket is Bucket.MONTH else week_start(day)


def periods(start: date, count: int, bucket: Bucket) -> list[date]:
    """Return `count` consecutive period starts from the period containing `start`."""
    first = period_start(start, bucket)
    if bucket is Bucket.MONTH:
        return [add_months(first, i) for i in range(count)]
    return [first + timedelta(weeks=i) for i in range(count)]


def period_label(start: date, bucket: Bucket) -> str:
    """Return a short label such as "Dec 2026" or "2026-W49"."""
    if bucket is Bucket.MONTH:
        return start.strftime("%b %Y")
    year, week, _ = start.isocalendar()
    return f"{year}-W{week:02d}"
