"""Read and validate the rule set's JSON data (resources/rules/ruleset.json)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, TypeVar

from planner.families import Confidence, Family
from planner.rule_eval import CONTENT_CONDITIONS
from planner.rule_types import ItemForm, RuleKind, ShippedFrom, Source
from planner.rules import (
    PracticeClaim,
    Rule,
    RuleSet,
    RuleSetError,
    Suspension,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

SCHEMA = 1
RULE_SET_RESOURCE = "rules/ruleset.json"
# Scandium, yttrium and the fifteen lanthanides.
_RARE_EARTHS = frozenset(
    ["Sc", "Y", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm",
     "Yb", "Lu"]
)  # fmt: skip
_E = TypeVar("_E", bound=StrEnum)


def read_rule_set(text: str | None = None) -> RuleSet:
    """Return the rule set parsed from JSON `text`, by default the shipped ruleset.json.

    Raises:
        RuleSetError: The data is not valid, naming the rule id and field.
    """
    if text is None:
        return _shipped_rule_set()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RuleSetError(None, "(file)", f"not valid JSON: {exc}") from exc
    return _parse_rule_set(data)


@cache
def _shipped_rule_set() -> RuleSet:
    """Return the shipped rule set, read once."""
    path = resources.files("resources").joinpath(RULE_SET_RESOURCE)
    return read_rule_set(path.read_text(encoding="utf-8"))


_TOP_KEYS = (
    "schema", "version", "as_of", "reviewed_on", "note", "statutory_review_working_days",
    "amendment_review_working_days", "review_time_sources",
    "individual_licence_validity_months", "rules",
)  # fmt: skip
_RULE_KEYS = (
    "id", "short_title", "title", "summary", "kind", "controls", "issued_on", "effective_from",
    "effective_to", "suspensions", "status_known_until", "sources", "confidence", "notes",
)  # fmt: skip
_CONTROL_KEYS = (
    "elements", "families", "forms", "shipped_from", "requires_elements",
    "condition_families", "condition", "threshold_wt_pct", "practice_claim",
    "origin_condition", "exempts",
)  # fmt: skip


def _parse_rule_set(data: object) -> RuleSet:
    """Return a validated rule set from parsed JSON."""
    top = FieldReader(data, None)
    top.only(_TOP_KEYS)
    if top.raw("schema") != SCHEMA:
        raise top.error("schema", f"must be {SCHEMA}, got {top.raw('schema')!r}")
    validity = top.child("individual_licence_validity_months")
    validity.only(("statutory_max", "typical", "note", "sources"))
    raw_rules = top.raw("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise top.error("rules", "must be a non-empty list")
    rules = tuple(_parse_rule(raw, index) for index, raw in enumerate(raw_rules))
    _check_references(rules)
    return RuleSet(
        version=top.text("version"),
        as_of=top.day("as_of"),
        reviewed_on=top.day("reviewed_on"),
        statutory_review_working_days=top.integer("statutory_review_working_days"),
        amendment_review_working_days=top.integer("amendment_review_working_days"),
        rules=rules,
        licence_validity_months_max=validity.integer("statutory_max"),
        licence_validity_months_typical=validity.integer("typical"),
        sources=tuple(
            _parse_source(s)
            for s in [*top.children("review_time_sources"), *validity.children("sources")]
        ),
        note=top.text("note", default=""),
    )


def _parse_rule(raw: object, index: int) -> Rule:
    """Return one validated rule from parsed JSON."""
    rule_id = FieldReader(raw, None, f"rules[{index}]").text("id")
    fields = FieldReader(raw, rule_id)
    fields.only(_RULE_KEYS)
    controls = fields.child("controls")
    controls.only(_CONTROL_KEYS)
    claim = controls.opt_child("practice_claim")
    rule = Rule(
        id=rule_id,
        title=fields.text("title"),
        summary=fields.text("summary"),
        kind=fields.choice("kind", RuleKind),
        elements=_elements(controls, "elements"),
        families=controls.choices("families", Family),
        forms=controls.choices("forms", ItemForm),
        condition=controls.opt_text("condition"),
        effective_from=fields.day("effective_from"),
        effective_to=fields.opt_day("effective_to"),
        suspensions=tuple(_parse_suspension(s) for s in fields.children("suspensions")),
        status_known_until=fields.opt_day("status_known_until"),
        issued_on=fields.opt_day("issued_on"),
        sources=tuple(_parse_source(s) for s in fields.children("sources")),
        confidence=fields.choice("confidence", Confidence),
        notes=fields.text("notes", default=""),
        short_title=fields.text("short_title", default=""),
        requires_elements=_elements(controls, "requires_elements"),
        condition_families=controls.choices("condition_families", Family),
        threshold_wt_pct=controls.number("threshold_wt_pct", default=0.0),
        practice_claim=_parse_claim(claim) if claim is not None else None,
        shipped_from=controls.choice("shipped_from", ShippedFrom),
        origin_condition=controls.opt_text("origin_condition"),
        exempts=controls.texts("exempts"),
    )
    _check_rule(rule)
    return rule


def _parse_suspension(fields: FieldReader) -> Suspension:
    fields.only(("from", "until", "by", "source"))
    source = fields.opt_child("source")
    return Suspension(
        start=fields.day("from"),
        until=fields.opt_day("until"),
        by=fields.text("by"),
        source=_parse_source(source) if source is not None else None,
    )


def _parse_source(fields: FieldReader) -> Source:
    fields.only(("title", "url"))
    url = fields.text("url")
    if not url.startswith(("https://", "http://")):
        raise fields.error("url", f"must start with https:// or http://, got {url!r}")
    return Source(title=fields.text("title"), url=url)


def _parse_claim(fields: FieldReader) -> PracticeClaim:
    fields.only(("wt_pct", "text", "source", "confidence"))
    return PracticeClaim(
        wt_pct=fields.number("wt_pct"),
        text=fields.text("text"),
        source=_parse_source(fields.child("source")),
        confidence=fields.choice("confidence", Confidence),
    )


def _elements(fields: FieldReader, key: str) -> tuple[str, ...]:
    elements = fields.texts(key)
    for element in elements:
        if element not in _RARE_EARTHS:
            raise fields.error(key, f"{element!r} is not a rare-earth element symbol")
    return elements


def _check_rule(rule: Rule) -> None:
    """Raise RuleSetError for a rule whose fields contradict each other."""
    if not rule.sources:
        raise RuleSetError(rule.id, "sources", "at least one source is needed")
    if rule.requires_elements and frozenset(rule.requires_elements) not in CONTENT_CONDITIONS:
        supported = " or ".join(
            "+".join(sorted(c)) for c in sorted(CONTENT_CONDITIONS, key=len)
        )
        raise RuleSetError(
            rule.id, "controls.requires_elements", f"unsupported; supported: {supported}"
        )
    if not set(rule.condition_families) <= set(rule.families):
        raise RuleSetError(rule.id, "controls.condition_families", "must be among families")
    if rule.threshold_wt_pct < 0:
        raise RuleSetError(rule.id, "controls.threshold_wt_pct", "must not be negative")
    if (rule.kind is RuleKind.EXEMPTION) != bool(rule.exempts):
        raise RuleSetError(
            rule.id, "controls.exempts", "needed by exemptions, and only by them"
        )
    check_dates(rule)


def check_dates(rule: Rule) -> None:
    """Raise RuleSetError when a rule's dates are out of order."""
    if rule.effective_to is not None and rule.effective_to < rule.effective_from:
        raise RuleSetError(rule.id, "effective_to", "is before effective_from")
    for index, suspension in enumerate(rule.suspensions):
        if suspension.until is not None and suspension.until < suspension.start:
            raise RuleSetError(rule.id, f"suspensions[{index}].until", "is before its start")


def _check_references(rules: tuple[Rule, ...]) -> None:
    """Raise RuleSetError for duplicate ids and references to unknown rules."""
    kinds: dict[str, RuleKind] = {}
    for rule in rules:
        if rule.id in kinds:
            raise RuleSetError(rule.id, "id", "used by more than one rule")
        kinds[rule.id] = rule.kind
    for rule in rules:
        for target in rule.exempts:
            if target not in kinds:
                raise RuleSetError(rule.id, "controls.exempts", f"unknown rule {target!r}")
        for index, suspension in enumerate(rule.suspensions):
            if kinds.get(suspension.by) is not RuleKind.SUSPENSION:
                raise RuleSetError(
                    rule.id,
                    f"suspensions[{index}].by",
                    f"{suspension.by!r} is no suspension rule",
                )


class FieldReader:
    """Typed access to one JSON object, raising RuleSetError naming rule and field."""

    def __init__(self, data: object, rule_id: str | None, path: str = "") -> None:
        if not isinstance(data, Mapping):
            raise RuleSetError(rule_id, path or "(top level)", "must be an object")
        self._data: Mapping[object, object] = data
        self._rule_id = rule_id
        self._path = path

    def error(self, key: str, problem: str) -> RuleSetError:
        """Return an error about field `key` of this object."""
        return RuleSetError(
            self._rule_id, f"{self._path}.{key}" if self._path else key, problem
        )

    def only(self, allowed: Mapping[str, object] | Sequence[str]) -> None:
        """Raise for keys outside `allowed`, which catches misspelt field names."""
        unknown = sorted(str(key) for key in self._data if key not in allowed)
        if unknown:
            raise self.error(unknown[0], f"unknown field; expected one of {sorted(allowed)}")

    def raw(self, key: str, *, required: bool = True) -> object:
        """Return the raw value of `key` (None when absent and not required)."""
        if key not in self._data and required:
            raise self.error(key, "missing")
        return self._data.get(key)

    def text(self, key: str, *, default: str | None = None) -> str:
        """Return a non-empty text, or `default` when absent."""
        value = self.raw(key, required=default is None)
        if value is None and default is not None:
            return default
        if not isinstance(value, str) or (default is None and not value.strip()):
            raise self.error(key, f"must be a non-empty text, got {value!r}")
        return value

    def opt_text(self, key: str) -> str | None:
        """Return a text, or None when absent or null."""
        value = self.raw(key, required=False)
        return None if value is None else self.text(key)

    def day(self, key: str) -> date:
        """Return an ISO date (YYYY-MM-DD)."""
        value = self.raw(key)
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self.error(key, f"must be a date YYYY-MM-DD, got {value!r}")

    def opt_day(self, key: str) -> date | None:
        """Return an ISO date, or None when absent or null."""
        return None if self.raw(key, required=False) is None else self.day(key)

    def integer(self, key: str) -> int:
        """Return a positive whole number."""
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise self.error(key, f"must be a positive whole number, got {value!r}")
        return value

    def number(self, key: str, *, default: float | None = None) -> float:
        """Return a number, or `default` when absent."""
        value = self.raw(key, required=default is None)
        if value is None and default is not None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(key, f"must be a number, got {value!r}")
        return float(value)

    def texts(self, key: str) -> tuple[str, ...]:
        """Return a list of texts ([] when absent)."""
        value = self.raw(key, required=False) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, f"must be a list of texts, got {value!r}")
        return tuple(str(v) for v in value)

    def choice(self, key: str, kind: type[_E]) -> _E:
        """Return the member of enum `kind` named by the value of `key`."""
        value = self.raw(key)
        try:
            return kind(str(value))
        except ValueError:
            allowed = ", ".join(member.value for member in kind)
            raise self.error(key, f"{value!r} is not one of {allowed}") from None

    def choices(self, key: str, kind: type[_E]) -> tuple[_E, ...]:
        """Return members of enum `kind` named by a list of texts ([] when absent)."""
        values = self.texts(key)
        allowed = {member.value: member for member in kind}
        for value in values:
            if value not in allowed:
                raise self.error(key, f"{value!r} is not one of {', '.join(allowed)}")
        return tuple(allowed[value] for value in values)

    def child(self, key: str) -> FieldReader:
        """Return the object under `key`."""
        return FieldReader(self.raw(key), self._rule_id, self._sub(key))

    def opt_child(self, key: str) -> FieldReader | None:
        """Return the object under `key`, or None when absent or null."""
        return None if self.raw(key, required=False) is None else self.child(key)

    def children(self, key: str) -> list[FieldReader]:
        """Return the objects in the list under `key` ([] when absent)."""
        value = self.raw(key, required=False) or []
        if not isinstance(value, list):
            raise self.error(key, "must be a list")
        return [
            FieldReader(item, self._rule_id, f"{self._sub(key)}[{i}]")
            for i, item in enumerate(value)
        ]

    def _sub(self, key: str) -> str:
        return f"{self._path}.{key}" if self._path else key
