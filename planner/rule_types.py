"""The rule set's shared vocabulary: needs, forms, states, sources, part facts, answers."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date

    from planner.families import Family
    from planner.grades import Grade


class LicenceNeed(StrEnum):
    """Whether a part needs a Chinese export licence on a date."""

    REQUIRED = "required"
    NOT_REQUIRED = "not_required"
    UNVERIFIED = "unverified"


class ItemForm(StrEnum):
    """How a magnet is bought: loose (bare or coated), or built into an assembly."""

    BARE = "bare"
    ASSEMBLY = "assembly"


class ContentBasis(StrEnum):
    """What a decision about controlled-element content rests on."""

    MEASURED = "measured"
    ESTIMATED = "estimated"
    FAMILY = "family"
    UNKNOWN = "unknown"


ContentCheck = tuple[bool | None, ContentBasis, str]
"""(contains the elements: True, False or None for unknown; basis; a sentence for buyers)."""


class RuleKind(StrEnum):
    """What a rule does: control items, exempt items from controls, or suspend rules."""

    CONTROL = "control"
    EXEMPTION = "exemption"
    SUSPENSION = "suspension"


class RuleState(StrEnum):
    """The legal state of a rule on a date, as far as the rule set knows it."""

    NOT_YET_EFFECTIVE = "not_yet_effective"
    IN_FORCE = "in_force"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    UNVERIFIED = "unverified"


class ShippedFrom(StrEnum):
    """Which exports a rule governs: those from China, or those from elsewhere."""

    CHINA = "china"
    OUTSIDE_CHINA = "outside_china"


@dataclass(frozen=True)
class Source:
    """A document a rule or fact rests on.

    Attributes:
        title: What the document is, in words.
        url: Where it was found.
    """

    title: str
    url: str


@dataclass(frozen=True)
class PartFacts:
    """What the rule set needs to know about a part.

    Attributes:
        family: Magnet family.
        grade: Parsed grade, if known.
        measured_dy_pct: Dy content in wt% from a test report, if any.
        measured_tb_pct: Tb content in wt% from a test report, if any.
        form: Bare magnet or assembly.
        supplier_country: ISO 3166 alpha-2 code of the supplier ("CN" for China); None
            when not recorded, which is treated as China.
        measured_ho_pct: Ho content in wt% from a test report, if any (Announcement 57).
        china_origin_content: The supplier's declaration whether the part holds
            Chinese-origin controlled rare-earth material worth 0.1 % or more of its value,
            or was made with Chinese rare-earth technology (Announcement 61); None when
            not declared.
    """

    family: Family
    grade: Grade | None
    measured_dy_pct: float | None = None
    measured_tb_pct: float | None = None
    form: ItemForm = ItemForm.BARE
    supplier_country: str | None = None
    measured_ho_pct: float | None = None
    china_origin_content: bool | None = None

    @property
    def country(self) -> str | None:
        """Return the supplier country code in upper case, or None when not recorded."""
        code = (self.supplier_country or "").strip().upper()
        return code or None

    @property
    def ships_from_china(self) -> bool:
        """Return whether the part ships from China (an unrecorded country counts)."""
        return self.country in (None, "CN")


@dataclass(frozen=True)
class Reason:
    """One reason behind a licence evaluation.

    Attributes:
        rule_id: Rule the reason rests on, or None for general remarks.
        text: The reason in plain language.
        sources: Documents to cite.
        effect: What this reason alone would mean for the part, or None for remarks.
    """

    rule_id: str | None
    text: str
    sources: tuple[Source, ...] = ()
    effect: LicenceNeed | None = None


@dataclass(frozen=True)
class LicenceEvaluation:
    """Whether a part needs a licence on a date, and why.

    Attributes:
        need: The answer.
        summary: One line for tables and tooltips.
        reasons: Why, deciding reasons first, ending with the rule set's as-of remark.
        basis: What the part's Dy/Tb decision rests on (FAMILY for non-NdFeB families).
        on: The date evaluated.
        rule_set_as_of: Date of the latest verified material in the rule set.
    """

    need: LicenceNeed
    summary: str
    reasons: tuple[Reason, ...]
    basis: ContentBasis
    on: date
    rule_set_as_of: date

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """Return the ids of the rules cited, in order, without repeats."""
        return tuple(dict.fromkeys(r.rule_id for r in self.reasons if r.rule_id is not None))

    @property
    def sources(self) -> tuple[Source, ...]:
        """Return every source cited, in order, without repeats."""
        return tuple(dict.fromkeys(s for r in self.reasons for s in r.sources))
