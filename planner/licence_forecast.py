"""When licence decisions are expected, counted in Chinese working days, and what is left.

Pure functions over `Licence` and `Order` records. The review time comes from a scenario
(`ReviewDays`): statutory (45 working days, 20 for an amendment), the workspace's own
observed median or p90, or a custom number (DESIGN.md, "Expected decision"). Two points
the sources leave open are settings (research/domain.md §6):

* ``count_start_day``: is the submission day day 1? Default False, the clock starts the
  next working day (2025-04-07 + 45 → 2025-06-12; 2026-01-05 + 45 → 2026-03-13).
* ``restart_on_resubmission``: does a request for more information restart the clock
  from the resubmission? Default True. Until resubmission no date follows; given ``on``,
  a provisional one is offered as if resubmitted that day.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from planner.cn_calendar import add_working_days, is_estimated_year, working_days_between
from planner.licences import LicenceStatus, default_validity_end

if TYPE_CHECKING:
    from collections.abc import Iterable

    from planner.rules import RuleSet
    from planner.schema import Licence, Order

MIN_OBSERVED = 3
"""Fewest decided licences from which an observed median or p90 is used."""

SHIPPED_ORDER_STATUSES = frozenset({"shipped", "received"})
"""Order statuses whose quantity has been exported against the linked licence."""


class ReviewBasis(StrEnum):
    """Where a scenario's review time comes from."""

    STATUTORY = "statutory"
    MEDIAN = "median"
    P90 = "p90"
    CUSTOM = "custom"


@dataclass(frozen=True)
class ReviewDays:
    """A scenario's choice of licence review time.

    Attributes:
        basis: Statutory, observed median, observed p90, or custom.
        custom: The working days of a custom choice.
    """

    basis: ReviewBasis = ReviewBasis.STATUTORY
    custom: int | None = None

    @classmethod
    def parse(cls, text: str) -> ReviewDays:
        """Read "statutory", "median", "p90" or a whole number of working days."""
        word = text.strip().lower()
        if word.isdigit() and int(word) > 0:
            return cls(ReviewBasis.CUSTOM, int(word))
        if word in {b.value for b in ReviewBasis} - {ReviewBasis.CUSTOM.value}:
            return cls(ReviewBasis(word))
        raise ValueError(
            f"review days must be statutory, median, p90 or a whole number above 0, "
            f"not {text!r}"
        )

    def __str__(self) -> str:
        """Return the text `parse` reads back."""
        return str(self.custom) if self.basis is ReviewBasis.CUSTOM else self.basis.value


@dataclass(frozen=True)
class ReviewEstimate:
    """The review time used for one kind of application (normal or amendment).

    Attributes:
        days: Working days from the clock's start to the decision.
        label: How `days` was found, for basis texts, e.g. "observed median of 7".
        sample_size: Decided licences observed (0 for statutory and custom).
        note: Why the choice could not be followed (e.g. too few samples), else "".
    """

    days: int
    label: str
    sample_size: int = 0
    note: str = ""


@dataclass(frozen=True)
class ResolvedReview:
    """A `ReviewDays` choice resolved against a rule set and a workspace's history.

    Attributes:
        choice: What the scenario asked for.
        application: Review time of a normal application.
        amendment: Review time of an amendment.
        count_start_day: Whether the submission day is day 1 of the clock.
        restart_on_resubmission: Whether resubmission restarts the clock.
    """

    choice: ReviewDays
    application: ReviewEstimate
    amendment: ReviewEstimate
    count_start_day: bool = False
    restart_on_resubmission: bool = True

    def for_licence(self, licence: Licence) -> ReviewEstimate:
        """Return the estimate that applies to `licence`."""
        return self.amendment if licence.is_amendment else self.application

    def expect(self, licence: Licence, *, on: dt.date | None = None) -> Forecast:
        """Return `expected_decision` of `licence` with this review's clock settings."""
        return expected_decision(
            licence,
            self,
            on=on,
            count_start_day=self.count_start_day,
            restart_on_resubmission=self.restart_on_resubmission,
        )


@dataclass(frozen=True)
class Forecast:
    """When a licence decision is (or was) expected, and why.

    Attributes:
        date: Expected (or, once decided, actual) decision date; None when none follows.
        working_days: Review working days behind `date` (observed ones once decided).
        basis: The reasoning in words, e.g. "submitted 2026-09-22 + 45 Chinese working
            days (statutory)".
        estimated_calendar: True when a year in the span has no published make-up
            workdays yet, so the date may move when the State Council publishes them.
        clock_start: The day the clock started (submission or last resubmission).
        provisional: True when `date` assumes a (re)submission on the `on` day asked.
        decided: True when `date` is the recorded decision.
    """

    date: dt.date | None
    working_days: int | None
    basis: str
    estimated_calendar: bool = False
    clock_start: dt.date | None = None
    provisional: bool = False
    decided: bool = False


def review_durations(
    licences: Iterable[Licence],
    *,
    amendment: bool = False,
    count_start_day: bool = False,
    restart_on_resubmission: bool = True,
) -> list[int]:
    """Return the observed review working days of decided licences, in input order.

    A duration runs from the submission (or last resubmission) to the decision; licences
    without both dates, or with a decision before the start, are left out.
    """
    found = []
    for licence in licences:
        if bool(licence.is_amendment) != amendment:
            continue
        if not LicenceStatus(licence.status).is_decided or licence.decided_on is None:
            continue
        start = _clock_start(licence, restart_on_resubmission)[0]
        if start is None or licence.decided_on < start:
            continue
        found.append(_elapsed(start, licence.decided_on, count_start_day))
    return found


def median_days(durations: list[int]) -> int:
    """Return the median of `durations`, rounded up to whole working days."""
    return math.ceil(statistics.median(durations))


def p90_days(durations: list[int]) -> int:
    """Return the 90th percentile by nearest rank: the ⌈0.9·n⌉-th smallest duration."""
    ordered = sorted(durations)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def resolve_review_days(
    choice: ReviewDays,
    licences: Iterable[Licence],
    rule_set: RuleSet,
    *,
    count_start_day: bool = False,
    restart_on_resubmission: bool = True,
) -> ResolvedReview:
    """Resolve a scenario's review time for normal applications and amendments.

    Observed figures come from the workspace's own decided licences, normal applications
    and amendments separately; with fewer than `MIN_OBSERVED` samples the statutory time
    is used and the estimate's note says so. A custom number applies to both kinds.
    """
    licences = list(licences)
    clock = {
        "count_start_day": count_start_day,
        "restart_on_resubmission": restart_on_resubmission,
    }
    application = _estimate(
        choice,
        rule_set.statutory_review_working_days,
        "application",
        review_durations(licences, amendment=False, **clock),
    )
    amendment = _estimate(
        choice,
        rule_set.amendment_review_working_days,
        "amendment",
        review_durations(licences, amendment=True, **clock),
    )
    return ResolvedReview(
        choice, application, amendment, count_start_day, restart_on_resubmission
    )


def _estimate(
    choice: ReviewDays, statutory: int, kind: str, durations: list[int]
) -> ReviewEstimate:
    if choice.basis is ReviewBasis.CUSTOM and choice.custom is not None:
        return ReviewEstimate(choice.custom, "custom")
    label = "statutory" if kind == "application" else "statutory for an amendment"
    if choice.basis is ReviewBasis.STATUTORY:
        return ReviewEstimate(statutory, label)
    count = len(durations)
    if count < MIN_OBSERVED:
        seen = f"only {count} decided {kind}" + ("s" if count > 1 else "")
        if not count:
            seen = f"no decided {kind}"
        note = (
            f"{seen} observed, {MIN_OBSERVED} needed for the {choice.basis.value}: "
            f"statutory {statutory} used"
        )
        return ReviewEstimate(statutory, f"{label}; {note}", count, note)
    if choice.basis is ReviewBasis.MEDIAN:
        return ReviewEstimate(median_days(durations), f"observed median of {count}", count)
    return ReviewEstimate(p90_days(durations), f"observed p90 of {count}", count)


def statutory_review(rule_set: RuleSet) -> ResolvedReview:
    """Return the statutory review times of `rule_set` (45, 20 for amendments)."""
    return resolve_review_days(ReviewDays(), (), rule_set)


def expected_decision(
    licence: Licence,
    review_days: ResolvedReview | int,
    *,
    on: dt.date | None = None,
    count_start_day: bool = False,
    restart_on_resubmission: bool = True,
) -> Forecast:
    """Return when MOFCOM's decision on `licence` is expected, with the reasoning.

    `review_days` is a resolved scenario (amendments get their own time) or a number of
    working days for any licence. Decided licences give their decision date, pending
    ones clock start + N working days, drafts and information requests a provisional
    date from `on` (None without it), withdrawn ones None. The clock settings are
    described in the module docstring.
    """
    if isinstance(review_days, int):
        estimate = ReviewEstimate(review_days, "custom")
    else:
        estimate = review_days.for_licence(licence)
    status = LicenceStatus(licence.status)
    if status.is_decided:
        return _decided(licence, count_start_day, restart_on_resubmission)
    if status is LicenceStatus.WITHDRAWN:
        return Forecast(None, None, "withdrawn: no decision expected")
    if status in {LicenceStatus.DRAFT, LicenceStatus.DOCUMENTS_PENDING}:
        return _provisional("not submitted yet", "submitted", on, estimate, count_start_day)
    if status is LicenceStatus.INFORMATION_REQUESTED and restart_on_resubmission:
        why = "information requested; the clock restarts on resubmission"
        return _provisional(why, "resubmitted", on, estimate, count_start_day)
    start, verb = _clock_start(licence, restart_on_resubmission)
    if start is None:
        return Forecast(None, estimate.days, f"{status.label}, but no submission date recorded")
    end = add_working_days(start, estimate.days, count_start_day=count_start_day)
    basis = f"{verb} {start} + {estimate.days} Chinese working days ({estimate.label})"
    return Forecast(end, estimate.days, basis, _estimated_span(start, end), start)


def working_days_elapsed(
    licence: Licence,
    on: dt.date,
    *,
    count_start_day: bool = False,
    restart_on_resubmission: bool = True,
) -> int | None:
    """Return the working days on the review clock up to `on` (or to the decision).

    None when the licence was never submitted. The clock runs from the last
    resubmission (or the submission) to `on` inclusive, or to the decision once decided.
    """
    start = _clock_start(licence, restart_on_resubmission)[0]
    if start is None:
        return None
    end = on
    if LicenceStatus(licence.status).is_decided and licence.decided_on is not None:
        end = min(on, licence.decided_on)
    return _elapsed(start, end, count_start_day)


def overdue_days(
    licence: Licence,
    on: dt.date,
    review_days: ResolvedReview | int | None = None,
    *,
    count_start_day: bool = False,
    restart_on_resubmission: bool = True,
) -> int:
    """Return the working days past the expected decision without a decision, else 0.

    The day of the expected decision is not overdue; the next working day is day 1.
    `review_days` defaults to the shipped rule set's statutory times.
    """
    if review_days is None:
        from planner.rules import load_rule_set

        review_days = statutory_review(load_rule_set())
    if not LicenceStatus(licence.status).is_pending:
        return 0
    forecast = expected_decision(
        licence,
        review_days,
        on=on,
        count_start_day=count_start_day,
        restart_on_resubmission=restart_on_resubmission,
    )
    if forecast.date is None or forecast.provisional or forecast.date >= on:
        return 0
    return working_days_between(forecast.date + dt.timedelta(days=1), on)


def quantity_shipped(licence: Licence, orders: Iterable[Order]) -> float:
    """Return the quantity of orders linked to `licence` that have shipped or arrived."""
    return sum(
        order.quantity
        for order in orders
        if order.licence_id == licence.id and order.status in SHIPPED_ORDER_STATUSES
    )


def quantity_left(licence: Licence, orders: Iterable[Order]) -> float | None:
    """Return the approved quantity not yet used by shipped or received linked orders.

    A general licence's quantity is one grant shared by all its orders, so the same
    sum applies to both kinds. None when no quantity was approved (or none recorded);
    the result is negative when shipments exceeded the grant.
    """
    if licence.quantity_approved is None:
        return None
    return licence.quantity_approved - quantity_shipped(licence, orders)


def validity_end(licence: Licence, rule_set: RuleSet | None = None) -> dt.date | None:
    """Return the last day the licence is valid, when it was or may be approved.

    The recorded `valid_until` wins; an approved individual licence without one gets the
    default validity from its decision date; general licences state theirs, so they get
    None when none is recorded, and so do rejected or undecided ones.
    """
    if licence.valid_until is not None:
        return licence.valid_until
    status = LicenceStatus(licence.status)
    if status not in {LicenceStatus.APPROVED, LicenceStatus.EXPIRED, LicenceStatus.USED_UP}:
        return None
    if licence.kind != "individual" or licence.decided_on is None:
        return None
    if rule_set is None:
        from planner.rules import load_rule_set

        rule_set = load_rule_set()
    return default_validity_end(licence.valid_from or licence.decided_on, rule_set)


def _clock_start(licence: Licence, restart_on_resubmission: bool) -> tuple[dt.date | None, str]:
    """Return (the day the current review clock started, "submitted" or "resubmitted")."""
    if restart_on_resubmission and licence.resubmitted_on is not None:
        return licence.resubmitted_on, "resubmitted"
    return licence.submitted_on, "submitted"


def _elapsed(start: dt.date, end: dt.date, count_start_day: bool) -> int:
    first = start if count_start_day else start + dt.timedelta(days=1)
    return working_days_between(first, end)


def _estimated_span(start: dt.date, end: dt.date) -> bool:
    low, high = sorted((start.year, end.year))
    return any(is_estimated_year(year) for year in range(low, high + 1))


def _decided(licence: Licence, count_start_day: bool, restart: bool) -> Forecast:
    decided = licence.decided_on
    status = LicenceStatus(licence.status)
    if decided is None:
        return Forecast(
            None, None, f"{status.label}, but no decision date recorded", decided=True
        )
    start, _verb = _clock_start(licence, restart)
    if start is None or decided < start:
        return Forecast(decided, None, f"decided {decided}", decided=True)
    days = _elapsed(start, decided, count_start_day)
    basis = f"decided {decided}, {days} Chinese working days after {start}"
    return Forecast(decided, days, basis, clock_start=start, decided=True)


def _provisional(
    why: str, verb: str, on: dt.date | None, estimate: ReviewEstimate, count_start_day: bool
) -> Forecast:
    if on is None:
        basis = f"{why}: decision {estimate.days} Chinese working days after it is {verb}"
        return Forecast(None, estimate.days, basis)
    end = add_working_days(on, estimate.days, count_start_day=count_start_day)
    basis = f"{why}; if {verb} {on}: + {estimate.days} Chinese working days ({estimate.label})"
    return Forecast(end, estimate.days, basis, _estimated_span(on, end), on, provisional=True)
