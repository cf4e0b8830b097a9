"""One row per licence application: what the Licences page and `magplan licences` show.

Pure: a `LicenceBook` reads a workspace once (licences, orders, parts, documents, the
review-time scenario and the alerts) and turns each licence into a `LicenceRow` of plain
values, so the desktop table, its timeline and the command line agree on every figure.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from planner.licence_alerts import LicenceSnapshot, alerts
from planner.licence_forecast import (
    ReviewBasis,
    ReviewDays,
    overdue_days,
    quantity_left,
    quantity_shipped,
    resolve_review_days,
    validity_end,
    working_days_elapsed,
)
from planner.licences import LicenceStatus
from planner.schema import LicenceDocument, LicenceItem

if TYPE_CHECKING:
    import datetime as dt

    from planner.licence_alerts import Alert
    from planner.licence_forecast import Forecast, ResolvedReview
    from planner.rules import RuleSet
    from planner.schema import Licence
    from planner.workspace import Workspace


@dataclass(frozen=True)
class CoveredPart:
    """A part a licence applies for.

    Attributes:
        part_id: The part.
        part_number: Its number ("" when the part is gone).
        quantity: Pieces applied for.
    """

    part_id: int
    part_number: str
    quantity: float


@dataclass(frozen=True)
class LinkedOrder:
    """An order linked to a licence.

    Attributes:
        order_id: The order.
        reference: Its reference (or "#id" when it has none).
        quantity: Pieces ordered.
        status: Its status ("open", "shipped" ...).
    """

    order_id: int
    reference: str
    quantity: float
    status: str


@dataclass(frozen=True)
class LicenceRow:
    """Everything shown about one licence on a date under a review-time scenario.

    Attributes:
        licence: The licence record (detached).
        status: Its workflow status.
        supplier: The exporter's name ("" when unknown).
        country: The exporter's country code.
        parts: Parts and quantities applied for.
        orders: Orders linked to the licence.
        forecast: The expected (or actual) decision and how it was computed.
        working_days_elapsed: Working days on the review clock (None: never submitted).
        overdue_days: Working days past the expected decision without one.
        validity_end: Last valid day, when approved (or defaulted).
        quantity_applied: Pieces applied for, over all parts.
        quantity_shipped: Pieces of linked orders shipped or received.
        quantity_left: Approved pieces not yet shipped (None without an approval).
        documents_done: Checklist documents ticked.
        documents_total: Checklist documents.
        alerts: Alerts about this licence.
    """

    licence: Licence
    status: LicenceStatus
    supplier: str
    country: str
    parts: tuple[CoveredPart, ...]
    orders: tuple[LinkedOrder, ...]
    forecast: Forecast
    working_days_elapsed: int | None
    overdue_days: int
    validity_end: dt.date | None
    quantity_applied: float
    quantity_shipped: float
    quantity_left: float | None
    documents_done: int
    documents_total: int
    alerts: tuple[Alert, ...]

    @property
    def id(self) -> int:
        """Return the licence id."""
        return self.licence.id

    @property
    def reference(self) -> str:
        """Return the licence reference."""
        return self.licence.reference


@dataclass(frozen=True)
class LicenceBook:
    """The records and settings every licence row needs, read at once.

    Attributes:
        on: Today.
        review: The resolved review-time scenario.
        rule_set: Rules in force (with the workspace's overrides).
        snapshot: Licences, orders, suppliers and parts.
        items: Licence items by licence id.
        documents: (done, total) checklist counts by licence id.
        alerts: Every licence alert on `on`, most urgent first.
    """

    on: dt.date
    review: ResolvedReview
    rule_set: RuleSet
    snapshot: LicenceSnapshot
    items: dict[int, tuple[LicenceItem, ...]]
    documents: dict[int, tuple[int, int]]
    alerts: tuple[Alert, ...]

    @classmethod
    def of(
        cls,
        workspace: Workspace,
        on: dt.date,
        *,
        rule_set: RuleSet,
        choice: ReviewDays | None = None,
    ) -> LicenceBook:
        """Read a workspace and resolve the review time `choice` (default statutory)."""
        snapshot = LicenceSnapshot.of(workspace)
        review = resolve_review_days(choice or ReviewDays(), snapshot.licences, rule_set)
        items: defaultdict[int, list[LicenceItem]] = defaultdict(list)
        for item in workspace.all(LicenceItem, LicenceItem.id):
            items[item.licence_id].append(item)
        total: Counter[int] = Counter()
        done: Counter[int] = Counter()
        for document in workspace.all(LicenceDocument):
            total[document.licence_id] += 1
            done[document.licence_id] += bool(document.done)
        found = alerts(snapshot, on, rule_set=rule_set, review=review)
        return cls(
            on,
            review,
            rule_set,
            snapshot,
            {key: tuple(value) for key, value in items.items()},
            {key: (done[key], total[key]) for key in total},
            tuple(found),
        )

    def rows(self) -> list[LicenceRow]:
        """Return a row per licence, in reference order."""
        return [self.row(licence) for licence in self.snapshot.licences]

    def row(self, licence: Licence) -> LicenceRow:
        """Return the row of one licence."""
        review, on = self.review, self.on
        clock = {
            "count_start_day": review.count_start_day,
            "restart_on_resubmission": review.restart_on_resubmission,
        }
        supplier = self.snapshot.suppliers.get(licence.supplier_id)
        parts = tuple(
            CoveredPart(item.part_id, self._part_number(item.part_id), item.quantity)
            for item in self.items.get(licence.id, ())
        )
        orders = tuple(
            LinkedOrder(o.id, o.reference or f"#{o.id}", o.quantity, o.status)
            for o in self.snapshot.orders
            if o.licence_id == licence.id
        )
        done, total = self.documents.get(licence.id, (0, 0))
        return LicenceRow(
            licence=licence,
            status=LicenceStatus(licence.status),
            supplier=supplier.name if supplier is not None else "",
            country=supplier.country if supplier is not None else "",
            parts=parts,
            orders=orders,
            forecast=review.expect(licence, on=on),
            working_days_elapsed=working_days_elapsed(licence, on, **clock),
            overdue_days=overdue_days(licence, on, review, **clock),
            validity_end=validity_end(licence, self.rule_set),
            quantity_applied=sum(part.quantity for part in parts),
            quantity_shipped=quantity_shipped(licence, self.snapshot.orders),
            quantity_left=quantity_left(licence, self.snapshot.orders),
            documents_done=done,
            documents_total=total,
            alerts=tuple(a for a in self.alerts if a.licence_id == licence.id),
        )

    def _part_number(self, part_id: int) -> str:
        part = self.snapshot.parts.get(part_id)
        return part.part_number if part is not None else ""


def review_text(review: ResolvedReview) -> str:
    """Say which review time a scenario uses and what it rests on, in one line.

    E.g. "median of 4 decided licences: 48 working days", "statutory: 45 working days
    (20 for amendments)", or, with too few decisions, why the statutory time is used.
    """
    choice, estimate = review.choice, review.application
    amendments = f"; amendments {review.amendment.days}"
    if choice.basis is ReviewBasis.CUSTOM:
        return f"custom: {estimate.days} working days for every licence"
    if choice.basis is ReviewBasis.STATUTORY:
        amended = review.amendment.days
        return f"statutory: {estimate.days} working days ({amended} for amendments)"
    if estimate.note:
        return f"{estimate.note}{amendments}"
    noun = "licence" if estimate.sample_size == 1 else "licences"
    return (
        f"{choice.basis.value} of {estimate.sample_size} decided {noun}: "
        f"{estimate.days} working days{amendments}"
    )
