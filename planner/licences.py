"""Licence applications: workflow statuses, allowed transitions and the document checklist."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from planner.periods import add_months
from planner.workspace import ValidationError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from planner.rules import RuleSet


class LicenceStatus(StrEnum):
    """Where an export-licence application stands."""

    DRAFT = "draft"
    DOCUMENTS_PENDING = "documents_pending"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    INFORMATION_REQUESTED = "information_requested"
    RESUBMITTED = "resubmitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    USED_UP = "used_up"

    @property
    def label(self) -> str:
        """Human wording, e.g. "under review"."""
        return self.value.replace("_", " ")

    @property
    def is_pending(self) -> bool:
        """True while MOFCOM has the application and no decision exists."""
        return self in PENDING_STATUSES

    @property
    def is_decided(self) -> bool:
        """True once MOFCOM has decided (approved or rejected), whatever happened later."""
        return self in {self.APPROVED, self.REJECTED, self.EXPIRED, self.USED_UP}


PENDING_STATUSES = frozenset(
    {
        LicenceStatus.SUBMITTED,
        LicenceStatus.UNDER_REVIEW,
        LicenceStatus.INFORMATION_REQUESTED,
        LicenceStatus.RESUBMITTED,
    }
)


@dataclass(frozen=True)
class DocumentSpec:
    """One document of the standard checklist, with its source."""

    key: str
    label: str
    confidence: str
    sources: tuple[str, ...]


@cache
def document_checklist() -> tuple[DocumentSpec, ...]:
    """Return the standard document checklist from resources/licensing/documents.json."""
    path = resources.files("resources").joinpath("licensing/documents.json")
    raw = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        DocumentSpec(d["key"], d["label"], d["confidence"], tuple(d["sources"]))
        for d in raw["documents"]
    )


class TransitionError(ValidationError):
    """A status change the workflow does not allow, naming both states and the way on.

    Attributes:
        current: The status the licence is in.
        target: The status asked for.
        allowed: The statuses the licence may move to from `current`.
    """

    def __init__(
        self, current: LicenceStatus, target: LicenceStatus, *, reference: str = ""
    ) -> None:
        self.current = current
        self.target = target
        self.allowed = next_statuses(current)
        what = f"licence {reference}" if reference else "a licence"
        if self.allowed:
            way_on = "allowed next: " + ", ".join(s.label for s in self.allowed)
        else:
            way_on = f"{current.label} is final"
        super().__init__(
            f"cannot move {what} from {current.label} to {target.label}: {way_on}",
            field="status",
        )


_S = LicenceStatus
_DECISIONS = (_S.APPROVED, _S.REJECTED)
# The MOFCOM workflow (research/domain.md §2, anchors.md §6 item 2). A decision may be
# recorded straight from "submitted" (exporters often learn nothing in between), MOFCOM may
# ask for more information at acceptance as well as during review, and an open
# application can always be withdrawn.
TRANSITIONS: dict[LicenceStatus, tuple[LicenceStatus, ...]] = {
    _S.DRAFT: (_S.DOCUMENTS_PENDING, _S.SUBMITTED, _S.WITHDRAWN),
    _S.DOCUMENTS_PENDING: (_S.SUBMITTED, _S.WITHDRAWN),
    _S.SUBMITTED: (_S.UNDER_REVIEW, _S.INFORMATION_REQUESTED, *_DECISIONS, _S.WITHDRAWN),
    _S.UNDER_REVIEW: (_S.INFORMATION_REQUESTED, *_DECISIONS, _S.WITHDRAWN),
    _S.INFORMATION_REQUESTED: (_S.RESUBMITTED, _S.REJECTED, _S.WITHDRAWN),
    _S.RESUBMITTED: (_S.UNDER_REVIEW, _S.INFORMATION_REQUESTED, *_DECISIONS, _S.WITHDRAWN),
    _S.APPROVED: (_S.EXPIRED, _S.USED_UP),
    _S.REJECTED: (),
    _S.WITHDRAWN: (),
    _S.EXPIRED: (),
    _S.USED_UP: (),
}


def next_statuses(status: LicenceStatus) -> tuple[LicenceStatus, ...]:
    """Return the statuses a licence in `status` may move to, in workflow order."""
    return TRANSITIONS[status]


def check_transition(
    current: LicenceStatus, target: LicenceStatus, *, reference: str = ""
) -> None:
    """Raise TransitionError unless the workflow allows `current` -> `target`."""
    if target not in TRANSITIONS[current]:
        raise TransitionError(current, target, reference=reference)


@dataclass(frozen=True)
class Grant:
    """What an approval grants, when it differs from the defaults of `licence_ops.move_licence`.

    Attributes:
        valid_from: First valid day (default: the decision date).
        valid_until: Last valid day (default for individual licences: decision + the
            rule set's typical months, capped at the statutory maximum; none for general).
        quantity_approved: Approved pieces (default: as recorded, else as applied for).
    """

    valid_from: date | None = None
    valid_until: date | None = None
    quantity_approved: float | None = None


@dataclass(frozen=True)
class NewLicence:
    """A licence to add; by default a draft individual application with no dates.

    Attributes:
        reference: The exporter's or MOFCOM's reference, unique in the workspace.
        supplier_id: The exporter applying.
        kind: "individual" or "general".
        is_amendment: Whether it amends an earlier licence (20 working days' review).
        status: The status it is recorded in (to enter an existing licence).
        dates: Any of the date fields, by name.
        quantity_approved: Approved pieces, once approved.
        items: (part id, pieces applied for) pairs.
        notes: Free text.
    """

    reference: str
    supplier_id: int
    kind: str = "individual"
    is_amendment: bool = False
    status: LicenceStatus = LicenceStatus.DRAFT
    dates: Mapping[str, date | None] = field(default_factory=dict)
    quantity_approved: float | None = None
    items: tuple[tuple[int, float], ...] = ()
    notes: str = ""


DATE_FIELDS = ("submitted_on", "resubmitted_on", "decided_on", "valid_from", "valid_until")
"""A licence's date fields, in workflow order."""
EDITABLE_FIELDS = frozenset(
    {"reference", "kind", "is_amendment", "quantity_approved", "notes", *DATE_FIELDS}
)
"""Fields a user edits directly; the status changes only through workflow moves."""
KINDS = ("individual", "general")
# (earlier, later) pairs that must be in order when both are known.
_DATE_ORDER = (
    ("submitted_on", "resubmitted_on"),
    ("submitted_on", "decided_on"),
    ("resubmitted_on", "decided_on"),
    ("valid_from", "valid_until"),
)


def field_words(name: str) -> str:
    """Return a field name in words, e.g. "resubmitted_on" -> "resubmitted"."""
    return name.removesuffix("_on").replace("_", " ")


def check_licence_values(values: Mapping[str, Any]) -> None:
    """Raise ValidationError, naming the field, unless a licence's values are coherent.

    Checks a reference is given, the kind, a quantity of 0 or more, that dates are dates,
    and that submission <= resubmission <= decision and valid_from <= valid_until.
    """
    if not str(values.get("reference") or "").strip():
        raise ValidationError("a licence needs a reference", field="reference")
    if values.get("kind") not in KINDS:
        raise ValidationError(
            f"kind must be individual or general, not {values.get('kind')!r}", field="kind"
        )
    quantity = values.get("quantity_approved")
    if quantity is not None and (
        isinstance(quantity, bool) or not isinstance(quantity, int | float) or quantity < 0
    ):
        raise ValidationError(
            f"approved quantity must be a number of 0 or more, not {quantity!r}",
            field="quantity_approved",
        )
    for name in DATE_FIELDS:
        value = values.get(name)
        # A datetime is a date too, but comparing one with a date raises.
        if value is not None and (isinstance(value, datetime) or not isinstance(value, date)):
            raise ValidationError(f"{name} must be a date, not {value!r}", field=name)
    for earlier, later in _DATE_ORDER:
        first, second = values.get(earlier), values.get(later)
        if first is not None and second is not None and second < first:
            raise ValidationError(
                f"{field_words(later)} ({second}) cannot be before "
                f"{field_words(earlier)} ({first})",
                field=later,
            )


def check_status_dates(status: LicenceStatus, values: Mapping[str, Any]) -> None:
    """Raise ValidationError unless the dates a status implies are recorded."""
    if (status.is_pending or status.is_decided) and values.get("submitted_on") is None:
        raise ValidationError(
            f"a {status.label} licence needs a submission date", field="status"
        )
    if status.is_decided and values.get("decided_on") is None:
        raise ValidationError(f"a {status.label} licence needs a decision date", field="status")


def check_move_date(reference: str, recorded: Mapping[str, date | None], on: date) -> None:
    """Raise ValidationError when a move on `on` precedes a recorded workflow date."""
    for name in ("decided_on", "resubmitted_on", "submitted_on"):
        known = recorded.get(name)
        if known is not None and on < known:
            raise ValidationError(
                f"licence {reference}: {on} is before its {field_words(name)} on {known}",
                field="on",
            )


def default_validity_end(decided_on: date, rule_set: RuleSet) -> date:
    """Return the usual last day of an individual licence decided on `decided_on`.

    Decision date + the typical validity months seen in practice, capped at the
    statutory maximum (research/domain.md §2.4: ~6 months issued, up to 1 year by law).
    """
    months = min(rule_set.licence_validity_months_typical, rule_set.licence_validity_months_max)
    return add_calendar_months(decided_on, months)


def add_calendar_months(day: date, months: int) -> date:
    """Return the same day `months` later, clipped to the month's end (31 Aug + 6 → 28 Feb)."""
    first = add_months(day, months)
    following = add_months(first, 1)
    return first.replace(day=min(day.day, (following - first).days))
