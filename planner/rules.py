"""The regulatory rule set: dated, sourced export-control rules read from data.

The rules live in resources/rules/ruleset.json, never in code (DESIGN.md, "rule set"). This
module loads and validates them and applies local overrides; it re-exports the evaluation
API of `planner.rule_eval`, so callers import everything from here.

Dates are inclusive: `effective_to` and a suspension's `until` are the last day of that
state, and `status_known_until` is the last day whose status the rule set vouches for.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar

from planner.rule_eval import LOCAL_OVERRIDE, dy_tb_bearing, evaluate, ho_bearing
from planner.rule_types import (
    ContentBasis,
    ContentCheck,
    ItemForm,
    LicenceEvaluation,
    LicenceNeed,
    PartFacts,
    Reason,
    RuleKind,
    RuleState,
    ShippedFrom,
    Source,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from planner.families import Confidence, Family

__all__ = [
    "ContentBasis",
    "ContentCheck",
    "ItemForm",
    "LicenceEvaluation",
    "LicenceNeed",
    "PartFacts",
    "PracticeClaim",
    "Reason",
    "Rule",
    "RuleKind",
    "RuleOverride",
    "RuleSet",
    "RuleSetError",
    "RuleState",
    "ShippedFrom",
    "Source",
    "Suspension",
    "dy_tb_bearing",
    "evaluate",
    "ho_bearing",
    "load_rule_set",
]

SCHEMA = 1
RULE_SET_RESOURCE = "rules/ruleset.json"
# Scandium, yttrium and the fifteen lanthanides.
_RARE_EARTHS = frozenset(
    ["Sc", "Y", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm",
     "Yb", "Lu"]
)  # fmt: skip
_E = TypeVar("_E", bound=StrEnum)


class RuleSetError(ValueError):
    """Rule data that cannot be used, naming the rule and the field at fault.

    Attributes:
        rule_id: The rule whose data is wrong, or None for the rule set's top level.
        field: The offending field, as a path such as "suspensions[0].until".
        problem: What is wrong, in words.
    """

    def __init__(self, rule_id: str | None, field: str, problem: str) -> None:
        where = f"rule {rule_id!r}" if rule_id else "rule set"
        super().__init__(f"{where}, field {field!r}: {problem}")
        self.rule_id = rule_id
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class Suspension:
    """A period in which a rule is paused.

    Attributes:
        start: First day of the suspension.
        until: Last day of the suspension, or None for "until further notice".
        by: Id of the rule (announcement) that suspends it, or "local override".
        source: Where the suspension is documented.
    """

    start: date
    until: date | None
    by: str
    source: Source | None = None

    def covers(self, on: date) -> bool:
        """Return whether the rule is suspended on `on` by this suspension."""
        return self.start <= on and (self.until is None or on <= self.until)


@dataclass(frozen=True)
class PracticeClaim:
    """An unofficial practice reported about a rule, shown to buyers but never applied.

    Attributes:
        wt_pct: The content below which the practice is claimed to apply.
        text: The claim and its caveat, in words.
        source: Who claims it.
        confidence: How sure the claim is.
    """

    wt_pct: float
    text: str
    source: Source
    confidence: Confidence


@dataclass(frozen=True)
class Rule:
    """One dated, sourced rule.

    Attributes:
        id: Stable id such as "CN-MOFCOM-2025-18-NdFeB-DyTb".
        title: Full title of the measure.
        summary: What it means, in one plain-language line.
        kind: Control, exemption from controls, or suspension of other rules.
        elements: Controlled elements the rule is about.
        families: Magnet families it covers (empty: it covers no magnet part).
        forms: Item forms it covers (bare magnets, assemblies).
        condition: The content condition in words, e.g. "contains Dy or Tb".
        effective_from: First day in force.
        effective_to: Last day in force, or None when open-ended.
        suspensions: Periods in which it is paused.
        status_known_until: Last day whose status the rule set vouches for; later dates
            evaluate as unverified. None means no limit.
        issued_on: Publication date.
        sources: Documents it rests on.
        confidence: How sure the rule's content is.
        notes: Caveats for the rules page.
        short_title: Name used in sentences, e.g. "Announcement 18".
        requires_elements: Elements the part must contain to be covered (e.g. Dy, Tb).
        condition_families: Families to which `requires_elements` applies (empty: all).
        threshold_wt_pct: Measured content above this counts as containing the elements.
        practice_claim: Unofficial practice to mention with low measured contents.
        shipped_from: Whether the rule governs exports from China or from elsewhere.
        origin_condition: For extraterritorial rules, the Chinese-origin test in words.
        exempts: For exemptions, the ids of the rules they take items out of.
        override: The local override applied to this rule, if any.
    """

    id: str
    title: str
    summary: str
    kind: RuleKind
    elements: tuple[str, ...]
    families: tuple[Family, ...]
    forms: tuple[ItemForm, ...]
    condition: str | None
    effective_from: date
    effective_to: date | None
    suspensions: tuple[Suspension, ...]
    status_known_until: date | None
    issued_on: date | None
    sources: tuple[Source, ...]
    confidence: Confidence
    notes: str
    short_title: str = ""
    requires_elements: tuple[str, ...] = ()
    condition_families: tuple[Family, ...] = ()
    threshold_wt_pct: float = 0.0
    practice_claim: PracticeClaim | None = None
    shipped_from: ShippedFrom = ShippedFrom.CHINA
    origin_condition: str | None = None
    exempts: tuple[str, ...] = ()
    override: RuleOverride | None = None

    @property
    def label(self) -> str:
        """Return the name used in sentences: the short title, else the id."""
        return self.short_title or self.id

    @property
    def disabled(self) -> bool:
        """Return whether a local override switched the rule off."""
        return self.override is not None and self.override.disabled

    @property
    def last_suspension(self) -> Suspension | None:
        """Return the suspension that starts last, if any."""
        return max(self.suspensions, key=lambda s: s.start, default=None)

    def suspension_on(self, on: date) -> Suspension | None:
        """Return the suspension covering `on`, if any."""
        return next((s for s in self.suspensions if s.covers(on)), None)

    def state_on(self, on: date) -> RuleState:
        """Return the rule's state on `on`; past `status_known_until` it is UNVERIFIED."""
        if self.status_known_until is not None and on > self.status_known_until:
            return RuleState.UNVERIFIED
        if on < self.effective_from:
            return RuleState.NOT_YET_EFFECTIVE
        if self.effective_to is not None and on > self.effective_to:
            return RuleState.EXPIRED
        if self.suspension_on(on) is not None:
            return RuleState.SUSPENDED
        return RuleState.IN_FORCE


@dataclass(frozen=True)
class RuleOverride:
    """A local change to one rule, made by a user who checked a newer source.

    A None date leaves the rule's own date as it is. `suspended_until` extends the rule's
    last recorded suspension to that day (or, with `suspended_from`, adds a new one) and
    raises `status_known_until` to it unless that is given too.

    Attributes:
        rule_id: The rule changed.
        effective_from: New first day in force.
        effective_to: New last day in force.
        status_known_until: New last day whose status is vouched for.
        disabled: Whether the rule is switched off.
        note: Why, with the source checked; shown in every reason about the rule.
        author: Who made the change.
        created_at: When.
        suspended_from: First day of an added local suspension.
        suspended_until: Last day of the extended or added local suspension.
    """

    rule_id: str
    effective_from: date | None = None
    effective_to: date | None = None
    status_known_until: date | None = None
    disabled: bool = False
    note: str = ""
    author: str = ""
    created_at: datetime | None = None
    suspended_from: date | None = None
    suspended_until: date | None = None

    def to_json(self) -> dict[str, object]:
        """Return the override as a JSON-ready dict (dates as ISO text)."""
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> RuleOverride:
        """Return an override read from `to_json` output; raise RuleSetError if invalid."""
        from planner.rule_data import FieldReader

        fields = FieldReader(data, None, "override")
        rule_id = fields.text("rule_id")
        fields = FieldReader(data, rule_id, "override")
        fields.only(cls.__dataclass_fields__)
        created = fields.opt_text("created_at")
        try:
            created_at = datetime.fromisoformat(created) if created else None
        except ValueError:
            raise fields.error("created_at", f"not an ISO date-time: {created!r}") from None
        disabled = fields.raw("disabled", required=False)
        if not isinstance(disabled, bool | None):
            raise fields.error("disabled", "must be true or false")
        return cls(
            rule_id=rule_id,
            effective_from=fields.opt_day("effective_from"),
            effective_to=fields.opt_day("effective_to"),
            status_known_until=fields.opt_day("status_known_until"),
            disabled=bool(disabled),
            note=fields.text("note", default=""),
            author=fields.text("author", default=""),
            created_at=created_at,
            suspended_from=fields.opt_day("suspended_from"),
            suspended_until=fields.opt_day("suspended_until"),
        )

    def apply_to(self, rule: Rule) -> Rule:
        """Return `rule` with this override applied; raise RuleSetError if it cannot be."""
        from planner.rule_data import check_dates

        suspensions = rule.suspensions
        known = self.status_known_until or rule.status_known_until
        if self.suspended_until is not None:
            start = self.suspended_from
            last = rule.last_suspension
            if start is None:
                if last is None or last.until is None:
                    raise RuleSetError(
                        rule.id, "suspended_from", "needed: no dated suspension to extend"
                    )
                start = date.fromordinal(last.until.toordinal() + 1)
            suspensions = (
                *suspensions,
                Suspension(start, self.suspended_until, LOCAL_OVERRIDE),
            )
            if self.status_known_until is None and known is not None:
                known = max(known, self.suspended_until)
        changed = replace(
            rule,
            effective_from=self.effective_from or rule.effective_from,
            effective_to=self.effective_to or rule.effective_to,
            status_known_until=known,
            suspensions=suspensions,
            override=self,
        )
        check_dates(changed)
        return changed


@dataclass(frozen=True)
class RuleSet:
    """A versioned, dated set of rules, with the licensing process's statutory figures.

    Attributes:
        version: Version of the rule data, e.g. "2026.11.30".
        as_of: Date of the latest verified material behind the rules.
        reviewed_on: When the rule data was last reviewed.
        statutory_review_working_days: MOFCOM's decision time for an application.
        amendment_review_working_days: MOFCOM's decision time for an amendment.
        rules: The rules, in data order.
        licence_validity_months_max: Statutory maximum validity of an individual licence.
        licence_validity_months_typical: Validity seen in practice.
        sources: Sources of the review times and validity figures.
        note: Remarks on the data as a whole.
        overrides: Local overrides applied, in the order given.
    """

    version: str
    as_of: date
    reviewed_on: date
    statutory_review_working_days: int
    amendment_review_working_days: int
    rules: tuple[Rule, ...]
    licence_validity_months_max: int = 12
    licence_validity_months_typical: int = 6
    sources: tuple[Source, ...] = ()
    note: str = ""
    overrides: tuple[RuleOverride, ...] = ()

    def rule(self, rule_id: str) -> Rule:
        """Return the rule with id `rule_id`; raise KeyError naming the known ids."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        known = ", ".join(rule.id for rule in self.rules)
        raise KeyError(f"no rule {rule_id!r} in rule set {self.version}; known: {known}")

    def with_overrides(self, overrides: Sequence[RuleOverride]) -> RuleSet:
        """Return a copy with local overrides applied on top of these rules.

        Raises:
            RuleSetError: An override names an unknown rule or gives impossible dates.
        """
        by_id: dict[str, list[RuleOverride]] = {}
        known = {rule.id for rule in self.rules}
        for override in overrides:
            if override.rule_id not in known:
                raise RuleSetError(
                    override.rule_id,
                    "rule_id",
                    f"override for an unknown rule; known: {', '.join(sorted(known))}",
                )
            by_id.setdefault(override.rule_id, []).append(override)
        rules = []
        for rule in self.rules:
            for override in by_id.get(rule.id, ()):
                rule = override.apply_to(rule)  # noqa: PLW2901 - overrides stack in order
            rules.append(rule)
        return replace(self, rules=tuple(rules), overrides=(*self.overrides, *overrides))


def load_rule_set(text: str | None = None) -> RuleSet:
    """Return the rule set parsed from JSON `text`, by default the shipped ruleset.json.

    Raises:
        RuleSetError: The data is not valid, naming the rule id and field.
    """
    from planner.rule_data import read_rule_set

    return read_rule_set(text)
