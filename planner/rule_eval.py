"""Decide whether a part needs a Chinese export licence on a date, and say why.

This module also defines the small vocabulary the rule set shares (item forms, rule kinds
and states, sources). Import from `planner.rules`, which re-exports all of it.

Evaluation never assumes: a rule whose status on the date is not recorded, or a condition
that the part's data cannot settle (Dy/Tb or Ho content, Chinese-origin content), makes the
answer UNVERIFIED with a message saying what to check, unless another rule already settles
that a licence is required.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from planner.families import Confidence, family_info
from planner.rule_types import (
    ContentBasis,
    ContentCheck,
    LicenceEvaluation,
    LicenceNeed,
    PartFacts,
    Reason,
    RuleKind,
    RuleState,
    ShippedFrom,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from planner.rules import PracticeClaim, Rule, RuleSet, Suspension

ASK_DY_TB = "ask the supplier for a test report of Dy and Tb content"
LOCAL_OVERRIDE = "local override"
CHECK_MOFCOM = "check MOFCOM and update the rule set"


def dy_tb_bearing(
    facts: PartFacts,
    *,
    threshold_wt_pct: float = 0.0,
    practice_claim: PracticeClaim | None = None,
) -> ContentCheck:
    """Return whether the part contains Dy or Tb, what that rests on, and why in words.

    Measured content decides when the part has it (Dy+Tb above `threshold_wt_pct`
    counts), then the grade's estimate (no Dy/Tb when its range tops out at 0, Dy/Tb when
    it starts above 0, unknown in between), then the family's range. When only one of Dy
    and Tb was measured and shows none, the estimate must rule the other out.

    Args:
        facts: The part.
        threshold_wt_pct: Measured Dy+Tb above this counts as containing them.
        practice_claim: An unofficial practice to mention for low measured contents.

    Returns:
        (True, False or None for unknown; the basis; a sentence for the buyer).
    """
    dy, tb = facts.measured_dy_pct, facts.measured_tb_pct
    if dy is None and tb is None:
        bearing, basis, text = _estimated_dy_tb(facts)
        return bearing, basis, text if bearing is not None else f"{text}; {ASK_DY_TB}"
    total = (dy or 0.0) + (tb or 0.0)
    measured = f"Measured Dy {_pct(dy)}, Tb {_pct(tb)}"
    if total > threshold_wt_pct:
        text = f"{measured}: contains Dy/Tb (measured)"
        if practice_claim is not None and total <= practice_claim.wt_pct:
            text = f"{text}. {practice_claim.text}"
        return True, ContentBasis.MEASURED, text
    if dy is not None and tb is not None:
        return False, ContentBasis.MEASURED, f"{measured}: no Dy/Tb (measured)"
    missing = "Dy" if dy is None else "Tb"
    bearing, basis, estimate = _estimated_dy_tb(facts)
    if bearing is False:
        return False, basis, f"{measured}; {estimate}"
    return None, basis, f"{measured}; {missing} cannot be ruled out ({estimate}); {ASK_DY_TB}"


def ho_bearing(facts: PartFacts, *, threshold_wt_pct: float = 0.0) -> ContentCheck:
    """Return whether the part contains holmium, what that rests on, and why in words."""
    ho = facts.measured_ho_pct
    if ho is not None:
        if ho > threshold_wt_pct:
            return True, ContentBasis.MEASURED, f"Measured Ho {ho:g} %: contains holmium"
        return False, ContentBasis.MEASURED, f"Measured Ho {ho:g} %: no holmium (measured)"
    info = family_info(facts.family)
    if not info.rare_earth:
        return False, ContentBasis.FAMILY, f"{info.label} magnets contain no rare earths"
    notes = " ".join(facts.grade.notes).lower() if facts.grade is not None else ""
    if "holmium" in notes or " ho " in f" {notes} ":
        return (
            None,
            ContentBasis.ESTIMATED,
            ("the grade may contain holmium (Ho); ask the supplier for a test report"),
        )
    # Ho additions to NdFeB and SmCo exist but are rare (research/domain.md §4.1, LOW).
    return (
        False,
        ContentBasis.ESTIMATED,
        (f"{info.label} grades normally carry no holmium (estimate; a test report settles it)"),
    )


def evaluate(facts: PartFacts, on: date, rule_set: RuleSet) -> LicenceEvaluation:
    """Return whether `facts` needs a Chinese export licence on `on` under `rule_set`.

    Each control rule covering the part's family is checked in turn: the exporter's country
    (an unrecorded country counts as China), the rule's state on the date, the item form and
    any exemption in force for it, then the content and origin conditions. A rule in force
    whose conditions all hold makes the answer REQUIRED; a rule that could affect the part
    but whose state is past its `status_known_until`, or whose conditions the part's data
    cannot settle, makes it UNVERIFIED; otherwise the answer is NOT_REQUIRED. REQUIRED wins
    over UNVERIFIED. Every answer lists its reasons and ends with the rule set's as-of date.
    """
    findings: list[_Finding] = []
    covered = False
    for rule in rule_set.rules:
        if facts.family not in rule.families or rule.kind is RuleKind.SUSPENSION:
            continue
        covered = covered or rule.kind is RuleKind.CONTROL
        if rule.disabled:
            effect = LicenceNeed.NOT_REQUIRED if rule.kind is RuleKind.CONTROL else None
            text = f"{rule.label} ({rule.id}) disabled locally: {_override_text(rule)}"
            findings.append(_Finding(effect, text, Reason(rule.id, text, (), effect)))
        elif rule.kind is RuleKind.CONTROL:
            finding = _assess(rule, facts, on, rule_set)
            if finding is not None:
                findings.append(finding)
    findings.sort(key=lambda f: _RANK[f.effect])
    need = next((f.effect for f in findings if f.effect is not None), LicenceNeed.NOT_REQUIRED)
    reasons = [f.reason for f in findings]
    info = family_info(facts.family)
    if not covered:
        free = (
            "" if info.controlled_elements else "; they contain none of the controlled elements"
        )
        reasons.append(
            Reason(None, f"No rule in the rule set covers {info.label} magnets{free}.")
        )
    elif not findings:
        reasons.append(Reason(None, f"No rule in the rule set applies to this part on {on}."))
    if covered and facts.country is None:
        reasons.append(Reason(None, "Supplier country not recorded: treated as China."))
    reasons.append(
        Reason(
            None,
            f"Rule set {rule_set.version}: latest verified material {rule_set.as_of}, "
            f"reviewed {rule_set.reviewed_on}.",
        )
    )
    headline = findings[0].headline if findings else reasons[0].text
    return LicenceEvaluation(
        need=need,
        summary=f"{_NEED_WORDS[need]} on {on}: {headline}",
        reasons=tuple(dict.fromkeys(reasons)),
        basis=dy_tb_bearing(facts)[1] if info.ndfeb else ContentBasis.FAMILY,
        on=on,
        rule_set_as_of=rule_set.as_of,
    )


_NEED_WORDS = {
    LicenceNeed.REQUIRED: "Export licence required",
    LicenceNeed.NOT_REQUIRED: "No export licence required",
    LicenceNeed.UNVERIFIED: "Licence need unverified",
}
_RANK = {
    LicenceNeed.REQUIRED: 0,
    LicenceNeed.UNVERIFIED: 1,
    LicenceNeed.NOT_REQUIRED: 2,
    None: 3,
}
_CONTENT_TESTS: dict[frozenset[str], Callable[[PartFacts, Rule], ContentCheck]] = {
    frozenset({"Dy", "Tb"}): lambda facts, rule: dy_tb_bearing(
        facts, threshold_wt_pct=rule.threshold_wt_pct, practice_claim=rule.practice_claim
    ),
    frozenset({"Ho"}): lambda facts, rule: ho_bearing(
        facts, threshold_wt_pct=rule.threshold_wt_pct
    ),
}
CONTENT_CONDITIONS = frozenset(_CONTENT_TESTS)


@dataclass(frozen=True)
class _Finding:
    """What one rule means for the part: effect, a headline for the summary, the reason."""

    effect: LicenceNeed | None
    headline: str
    reason: Reason


@dataclass(frozen=True)
class _Condition:
    """One condition of a rule checked against the part; `cite` when another rule decides."""

    verdict: bool | None
    text: str
    content: bool = False
    cite: Rule | None = None
    headline: str | None = None


def _assess(rule: Rule, facts: PartFacts, on: date, rule_set: RuleSet) -> _Finding | None:
    """Return what a control rule means for the part on the date, or None if irrelevant."""
    state = rule.state_on(on)
    if (rule.shipped_from is ShippedFrom.CHINA) != facts.ships_from_china:
        if rule.shipped_from is ShippedFrom.CHINA and state in _MATTERS:
            text = (
                f"{rule.label} controls exports from China; this supplier is in "
                f"{facts.country}, so it does not apply to the supplier's own exports"
            )
            return _finding(rule, LicenceNeed.NOT_REQUIRED, text, text)
        return None
    state_text = _state_text(rule, state, on, rule_set)
    if state not in _MATTERS:
        text = f"{state_text} {rule.summary}"
        return _finding(rule, LicenceNeed.NOT_REQUIRED, state_text, text)
    conditions = _conditions(rule, facts, on, rule_set)
    ruled_out = next((c for c in conditions if c.verdict is False), None)
    if ruled_out is not None:
        cited = ruled_out.cite or rule
        prefix = ""
        if state is RuleState.UNVERIFIED and cited is rule:
            prefix = f"{_sentence(state_text)} Whatever its status, it would not apply here: "
        reason = Reason(
            cited.id,
            prefix + _sentence(ruled_out.text) + _override_note(cited),
            cited.sources,
            LicenceNeed.NOT_REQUIRED,
        )
        return _Finding(LicenceNeed.NOT_REQUIRED, ruled_out.headline or ruled_out.text, reason)
    met = " ".join(_sentence(c.text) for c in conditions if c.verdict)
    unknown = [c.text for c in conditions if c.verdict is None]
    if state is RuleState.UNVERIFIED:
        tail = (
            f"Still open for this part: {'; '.join(unknown)}."
            if unknown
            else "If it still applies, a licence is required."
        )
        return _finding(rule, LicenceNeed.UNVERIFIED, state_text, f"{state_text} {met} {tail}")
    if unknown:
        detail = " ".join(_sentence(text) for text in unknown)
        text = f"{rule.summary} {state_text} {met} {detail}"
        return _finding(rule, LicenceNeed.UNVERIFIED, unknown[0], text)
    content = next(c.text for c in conditions if c.content)
    text = f"{rule.summary} {state_text} {met}{_as_of_note(rule, on, rule_set)}"
    return _finding(rule, LicenceNeed.REQUIRED, f"{rule.label} applies — {content}", text)


_MATTERS = (RuleState.IN_FORCE, RuleState.UNVERIFIED)


def _finding(rule: Rule, effect: LicenceNeed, headline: str, text: str) -> _Finding:
    """Return a finding citing `rule`, with any local change to it noted."""
    text = _sentence(" ".join(text.split()))
    reason = Reason(rule.id, text + _override_note(rule), rule.sources, effect)
    return _Finding(effect, headline, reason)


def _conditions(rule: Rule, facts: PartFacts, on: date, rule_set: RuleSet) -> list[_Condition]:
    """Return the rule's conditions checked against the part: form, content, origin."""
    conditions = []
    form = _form_condition(rule, facts, on, rule_set)
    if form is not None:
        conditions.append(form)
    test = _CONTENT_TESTS.get(frozenset(rule.requires_elements))
    if test is None or facts.family not in (rule.condition_families or rule.families):
        label = family_info(facts.family).label
        conditions.append(
            _Condition(True, f"{label} magnets are within its scope", content=True)
        )
    else:
        verdict, _, text = test(facts, rule)
        conditions.append(_Condition(verdict, text, content=True))
    if rule.origin_condition is not None:
        declared = facts.china_origin_content
        if declared is None:
            text = f"ask the supplier whether the part {rule.origin_condition}"
        else:
            text = (
                f"the supplier declares that the part {rule.origin_condition}"
                if declared
                else f"the supplier declares no Chinese-origin content or technology under "
                f"{rule.label}'s test"
            )
        conditions.append(_Condition(declared, text))
    return conditions


def _form_condition(
    rule: Rule, facts: PartFacts, on: date, rule_set: RuleSet
) -> _Condition | None:
    """Return whether the part's form takes it out of `rule`, or None if it does not."""
    form = facts.form.value
    if facts.form not in rule.forms:
        return _Condition(False, f"{rule.label} does not cover {form} items")
    for exemption in rule_set.rules:
        if (
            exemption.kind is not RuleKind.EXEMPTION
            or exemption.disabled
            or rule.id not in exemption.exempts
            or facts.form not in exemption.forms
        ):
            continue
        state = exemption.state_on(on)
        if state is RuleState.IN_FORCE:
            text = (
                f"{exemption.label}: {exemption.summary} This part is an {form}, so "
                f"{rule.label} generally does not apply to it "
                f"({exemption.confidence.value} confidence)"
            )
            headline = f"{form} generally outside {rule.label} ({exemption.label})"
            return _Condition(False, text, cite=exemption, headline=headline)
        if state is RuleState.UNVERIFIED:
            return _Condition(None, _state_text(exemption, state, on, rule_set), cite=exemption)
    return None


def _estimated_dy_tb(facts: PartFacts) -> ContentCheck:
    """Return the Dy/Tb decision from the grade's estimate, else from the family's range."""
    if facts.grade is not None:
        grade = facts.grade
        low, high = grade.dy_tb_wt_pct
        subject = f"{grade.text} grade"
        source = (
            f"grade class {grade.coercivity_class}" if grade.coercivity_class else "the grade"
        )
        if grade.confidence is Confidence.LOW:
            source = f"{source}, low confidence"
        decided = undecided = ContentBasis.ESTIMATED
    else:
        info = family_info(facts.family)
        low, high = info.dy_tb_wt_pct
        subject, source = f"{info.label} (no grade given)", "the magnet family"
        decided, undecided = ContentBasis.FAMILY, ContentBasis.UNKNOWN
    if high <= 0:
        return False, decided, f"{subject}: no Dy/Tb expected (estimated from {source})"
    if low > 0:
        return (
            True,
            decided,
            f"{subject}: Dy/Tb expected, about {low:g}–{high:g} wt% (estimated from {source})",
        )
    return (
        None,
        undecided,
        f"{subject}: may contain Dy/Tb (0–{high:g} wt%, estimated from {source})",
    )


def _state_text(rule: Rule, state: RuleState, on: date, rule_set: RuleSet) -> str:
    """Return a sentence saying what state `rule` is in on the date."""
    if state is RuleState.UNVERIFIED:
        last = rule.last_suspension
        if last is not None and last.until == rule.status_known_until:
            return (
                f"{_by(last, rule_set)} suspended {rule.label} until {last.until}; its status "
                f"after that date is not in the rule set — {CHECK_MOFCOM}."
            )
        return (
            f"{rule.label} ({rule.id}) is recorded only up to {rule.status_known_until} "
            f"(latest verified material {rule_set.as_of}); its status on {on} is not in the "
            f"rule set — {CHECK_MOFCOM}."
        )
    if state is RuleState.NOT_YET_EFFECTIVE:
        text = f"{rule.label} is not in force on {on}: it takes effect on {rule.effective_from}"
        pending = rule.suspension_on(rule.effective_from)
        if pending is not None:
            text += f", but {_by(pending, rule_set)} suspended it {_span(pending)}"
        return f"{text}."
    if state is RuleState.EXPIRED:
        return f"{rule.label} ended on {rule.effective_to}."
    suspension = rule.suspension_on(on)
    if state is RuleState.SUSPENDED and suspension is not None:
        return (
            f"{rule.label} is suspended on {on}: {_by(suspension, rule_set)} suspended it "
            f"{_span(suspension)}."
        )
    return f"{rule.label} is in force on {on} (since {rule.effective_from})."


def _span(suspension: Suspension) -> str:
    """Return "from X until Y" for a suspension."""
    until = suspension.until if suspension.until is not None else "further notice"
    return f"from {suspension.start} until {until}"


def _by(suspension: Suspension, rule_set: RuleSet) -> str:
    """Return who suspended a rule, by the suspending rule's short title."""
    if suspension.by == LOCAL_OVERRIDE:
        return "a local override"
    try:
        return rule_set.rule(suspension.by).label
    except KeyError:
        return suspension.by


def _as_of_note(rule: Rule, on: date, rule_set: RuleSet) -> str:
    """Return a remark when the date lies past the latest verified material."""
    known = rule.status_known_until
    if on <= rule_set.as_of or (known is not None and known <= rule_set.as_of):
        return ""
    if known is None:
        return (
            f" Latest verified material is from {rule_set.as_of}; no change was reported "
            f"by the rule set's review on {rule_set.reviewed_on} and the rule has no "
            "scheduled end, so it is taken as still in force."
        )
    return (
        f" Latest verified material is from {rule_set.as_of}; the rule set "
        f"(reviewed {rule_set.reviewed_on}) carries this status to {known}."
    )


def _override_text(rule: Rule) -> str:
    """Return who changed a rule locally, when, and the note they left."""
    override = rule.override
    if override is None:
        return ""
    stamp = []
    if override.author:
        stamp.append(f"by {override.author}")
    if override.created_at is not None:
        stamp.append(f"on {override.created_at:%Y-%m-%d}")
    suffix = f" ({' '.join(stamp)})" if stamp else ""
    return f"{override.note or 'no note given'}{suffix}"


def _override_note(rule: Rule) -> str:
    """Return " Changed locally: ..." for a locally overridden rule, else ""."""
    if rule.override is None:
        return ""
    return _sentence(f" Changed locally: {_override_text(rule)}")


def _sentence(text: str) -> str:
    """Return `text` ending with a full stop."""
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _pct(value: float | None) -> str:
    """Return a wt% figure for a sentence, or "not measured"."""
    return "not measured" if value is None else f"{value:g} %"
