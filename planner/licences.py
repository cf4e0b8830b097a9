"""Licence applications: workflow statuses and the document checklist."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources


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
