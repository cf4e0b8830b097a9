"""Local rule overrides, and rule data that is wrong: each refusal names rule and field."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime
from importlib import resources
from typing import Any

import pytest

from planner.families import Family
from planner.rules import (
    ItemForm,
    LicenceNeed,
    PartFacts,
    RuleOverride,
    RuleSet,
    RuleSetError,
    evaluate,
    load_rule_set,
)
from tests.helpers.rule_facts import (
    ANN18_DYTB,
    ANN18_SMCO,
    ANN57,
    ANN61,
    FAQ5,
    MID_SUSPENSION,
    N42,
    N42SH,
    TODAY,
    part,
    text_of,
)


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rule_set()


@pytest.fixture
def raw() -> dict[str, Any]:
    text = resources.files("resources").joinpath("rules/ruleset.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


# ---------------------------------------------------------------- local overrides


def test_locally_extended_suspension_changes_the_answer_and_cites_the_note(
    rules: RuleSet,
) -> None:
    override = RuleOverride(
        ANN61,
        suspended_until=date(2027, 11, 10),
        note="MOFCOM extended the suspension by one year (checked 2026-11-20)",
        author="ana",
        created_at=datetime(2026, 11, 20, 9, 30),
    )
    local = rules.with_overrides([override])
    assert local.rule(ANN61).status_known_until == date(2027, 11, 10)
    result = evaluate(part(N42SH, "IN"), TODAY, local)
    assert result.need is LicenceNeed.NOT_REQUIRED
    reason = next(r for r in result.reasons if r.rule_id == ANN61)
    assert "a local override suspended it from 2026-11-11 until 2027-11-10" in reason.text
    assert "MOFCOM extended the suspension by one year" in reason.text
    assert "(by ana on 2026-11-20)" in reason.text
    assert evaluate(part(N42SH, "IN"), date(2027, 11, 11), local).need is (
        LicenceNeed.UNVERIFIED
    )
    assert evaluate(part(N42SH, "IN"), TODAY, rules).need is LicenceNeed.UNVERIFIED


def test_locally_confirmed_announcement_18_stays_required(rules: RuleSet) -> None:
    override = RuleOverride(ANN18_DYTB, status_known_until=date(2027, 3, 31), note="checked")
    local = rules.with_overrides([override])
    assert evaluate(part(N42SH), date(2027, 1, 15), local).need is LicenceNeed.REQUIRED


def test_disabled_rule_is_skipped_with_its_note(rules: RuleSet) -> None:
    local = rules.with_overrides([RuleOverride(ANN57, disabled=True, note="not our concern")])
    result = evaluate(part(N42), TODAY, local)
    assert result.need is LicenceNeed.NOT_REQUIRED
    assert "disabled locally: not our concern" in text_of(result)


def test_disabled_exemption_puts_assemblies_back_under_announcement_18(rules: RuleSet) -> None:
    local = rules.with_overrides([RuleOverride(FAQ5, disabled=True, note="customs disagreed")])
    result = evaluate(part(N42SH, form=ItemForm.ASSEMBLY), MID_SUSPENSION, local)
    assert result.need is LicenceNeed.REQUIRED
    assert "FAQ No. 5 (CN-MOFCOM-FAQ5-assemblies) disabled locally: customs disagreed" in (
        text_of(result)
    )


def test_part_no_rule_reaches_says_so(rules: RuleSet) -> None:
    result = evaluate(
        PartFacts(Family.SMFEN, None, supplier_country="IN"), date(2025, 4, 3), rules
    )
    assert result.need is LicenceNeed.NOT_REQUIRED
    assert result.summary.endswith(
        "No rule in the rule set applies to this part on 2025-04-03."
    )


def test_override_of_an_unknown_rule_is_refused(rules: RuleSet) -> None:
    with pytest.raises(RuleSetError, match="CN-MOFCOM-2026-1"):
        rules.with_overrides([RuleOverride("CN-MOFCOM-2026-1", disabled=True)])


def test_override_with_impossible_dates_is_refused(rules: RuleSet) -> None:
    with pytest.raises(RuleSetError, match="effective_to"):
        rules.with_overrides([RuleOverride(ANN18_DYTB, effective_to=date(2025, 1, 1))])


def test_override_survives_a_json_round_trip() -> None:
    override = RuleOverride(
        ANN61,
        status_known_until=date(2027, 11, 10),
        suspended_until=date(2027, 11, 10),
        note="extended",
        author="ana",
        created_at=datetime(2026, 11, 20, 9, 30),
    )
    stored = json.loads(json.dumps(override.to_json()))
    assert RuleOverride.from_json(stored) == override


def test_bad_stored_override_names_the_field() -> None:
    with pytest.raises(RuleSetError) as caught:
        RuleOverride.from_json({"rule_id": ANN61, "effective_to": "10/11/2026"})
    assert (caught.value.rule_id, caught.value.field) == (ANN61, "override.effective_to")


# ---------------------------------------------------------------- bad rule data


def _rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in data["rules"] if r["id"] == rule_id)
    return found


@pytest.mark.parametrize(
    ("rule_id", "path", "value", "field"),
    [
        (ANN18_SMCO, ("effective_from",), "2025-13-01", "effective_from"),
        (ANN18_SMCO, ("effective_to",), "2024-01-01", "effective_to"),
        (ANN18_DYTB, ("controls", "families"), ["neodymium"], "controls.families"),
        (ANN18_DYTB, ("controls", "forms"), ["powder"], "controls.forms"),
        (ANN18_DYTB, ("controls", "requires_elements"), ["Nd"], "controls.requires_elements"),
        (ANN18_DYTB, ("controls", "elements"), ["Xx"], "controls.elements"),
        (ANN18_DYTB, ("kind",), "ban", "kind"),
        (ANN18_DYTB, ("confidence",), "certain", "confidence"),
        (ANN18_DYTB, ("sources",), [], "sources"),
        (ANN18_DYTB, ("sources",), [{"title": "x", "url": "mofcom"}], "sources[0].url"),
        (ANN57, ("suspensions", 0, "until"), "2025-11-01", "suspensions[0].until"),
        (ANN57, ("suspensions", 0, "by"), "CN-MOFCOM-2025-18", "suspensions[0].by"),
        (FAQ5, ("controls", "exempts"), ["CN-NOPE"], "controls.exempts"),
        (ANN61, ("efective_to",), None, "efective_to"),
        (ANN61, ("title",), "", "title"),
    ],
)
def test_bad_rule_data_names_the_rule_and_field(
    raw: dict[str, Any], rule_id: str, path: tuple[str | int, ...], value: object, field: str
) -> None:
    target: Any = _rule(raw, rule_id)
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(RuleSetError) as caught:
        load_rule_set(json.dumps(raw))
    assert (caught.value.rule_id, caught.value.field) == (rule_id, field)
    assert rule_id in str(caught.value)
    assert field in str(caught.value)


def test_missing_field_is_named(raw: dict[str, Any]) -> None:
    del _rule(raw, ANN57)["effective_from"]
    with pytest.raises(
        RuleSetError, match=r"rule 'CN-MOFCOM-2025-57-Ho', field 'effective_from'"
    ):
        load_rule_set(json.dumps(raw))


def test_duplicate_rule_id_is_refused(raw: dict[str, Any]) -> None:
    raw["rules"].append(copy.deepcopy(_rule(raw, ANN57)))
    with pytest.raises(RuleSetError, match="more than one rule"):
        load_rule_set(json.dumps(raw))


def test_wrong_schema_and_broken_json_are_refused(raw: dict[str, Any]) -> None:
    raw["schema"] = 2
    with pytest.raises(RuleSetError, match="schema") as caught:
        load_rule_set(json.dumps(raw))
    assert caught.value.rule_id is None
    with pytest.raises(RuleSetError, match="not valid JSON"):
        load_rule_set("{")


def test_shipped_file_round_trips_through_the_loader(raw: dict[str, Any]) -> None:
    assert load_rule_set(json.dumps(raw)) == load_rule_set()
