"""The rule set and licence evaluation, as a buyer would read the answers."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from typing import TYPE_CHECKING, Any

import pytest

from planner.families import Confidence, Family
from planner.rules import (
    ContentBasis,
    ItemForm,
    LicenceNeed,
    PartFacts,
    RuleSet,
    RuleState,
    dy_tb_bearing,
    evaluate,
    load_rule_set,
)
from tests.helpers.rule_facts import (
    ANN18_DYTB,
    ANN18_SMCO,
    ANN57,
    ANN61,
    ANN62,
    ASK,
    FAQ5,
    MID_SUSPENSION,
    N42,
    N42SH,
    N45H,
    TODAY,
    part,
    text_of,
)

if TYPE_CHECKING:
    from planner.grades import Grade


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rule_set()


@pytest.fixture
def raw() -> dict[str, Any]:
    text = resources.files("resources").joinpath("rules/ruleset.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


# ---------------------------------------------------------------- the shipped data


def test_shipped_rule_set_states_its_dates_and_review_times(rules: RuleSet) -> None:
    assert rules.version == "2026.11.30"
    assert rules.as_of == date(2026, 5, 31)
    assert rules.reviewed_on == date(2026, 11, 30)
    assert rules.statutory_review_working_days == 45
    assert rules.amendment_review_working_days == 20
    assert rules.licence_validity_months_max == 12
    assert rules.licence_validity_months_typical == 6
    assert rules.sources


def test_announcement_18_lists_seven_elements_and_three_magnet_lines(rules: RuleSet) -> None:
    assert set(rules.rule("CN-MOFCOM-2025-18").elements) == {
        "Sm", "Gd", "Tb", "Dy", "Lu", "Sc", "Y",
    }  # fmt: skip
    for rule_id in (ANN18_SMCO, ANN18_DYTB):
        rule = rules.rule(rule_id)
        assert rule.effective_from == date(2025, 4, 4)
        assert rule.suspensions == ()
    assert rules.rule(ANN18_DYTB).condition == "contains Dy or Tb"


@pytest.mark.parametrize("rule_id", [ANN57, ANN61, ANN62])
def test_october_measures_are_suspended_by_announcement_70(
    rules: RuleSet, rule_id: str
) -> None:
    rule = rules.rule(rule_id)
    (suspension,) = rule.suspensions
    assert (suspension.start, suspension.until) == (date(2025, 11, 7), date(2026, 11, 10))
    assert suspension.by == "CN-MOFCOM-2025-70"
    assert rule.status_known_until == date(2026, 11, 10)


def test_every_rule_cites_web_sources(rules: RuleSet) -> None:
    for rule in rules.rules:
        assert rule.sources, rule.id
        assert all(s.url.startswith("https://") and s.title for s in rule.sources), rule.id


def test_unknown_rule_id_names_the_known_ones(rules: RuleSet) -> None:
    with pytest.raises(KeyError, match=ANN18_DYTB):
        rules.rule("CN-MOFCOM-2025-99")


@pytest.mark.parametrize(
    ("rule_id", "on", "state"),
    [
        (ANN57, date(2025, 11, 6), RuleState.NOT_YET_EFFECTIVE),
        (ANN57, date(2025, 11, 7), RuleState.NOT_YET_EFFECTIVE),
        (ANN57, date(2025, 11, 8), RuleState.SUSPENDED),
        (ANN62, date(2025, 11, 6), RuleState.IN_FORCE),
        (ANN62, date(2025, 11, 7), RuleState.SUSPENDED),
        (ANN61, date(2026, 11, 10), RuleState.SUSPENDED),
        (ANN61, date(2026, 11, 11), RuleState.UNVERIFIED),
        (ANN18_DYTB, date(2025, 4, 3), RuleState.NOT_YET_EFFECTIVE),
        (ANN18_DYTB, TODAY, RuleState.IN_FORCE),
        (ANN18_DYTB, date(2027, 6, 1), RuleState.IN_FORCE),  # open-ended: no scheduled end
        ("CN-MOFCOM-2025-70", date(2026, 11, 10), RuleState.IN_FORCE),
    ],
)
def test_rule_states_on_dates(rules: RuleSet, rule_id: str, on: date, state: RuleState) -> None:
    assert rules.rule(rule_id).state_on(on) is state


# ---------------------------------------------------------------- Announcement 18 over time


def test_nothing_is_required_before_announcement_18(rules: RuleSet) -> None:
    for facts in (part(N42SH), PartFacts(Family.SM2CO17, None, supplier_country="CN")):
        result = evaluate(facts, date(2025, 4, 3), rules)
        assert result.need is LicenceNeed.NOT_REQUIRED
        assert "takes effect on 2025-04-04" in result.summary


def test_china_made_n42sh_needs_a_licence_from_2025_04_04(rules: RuleSet) -> None:
    result = evaluate(part(N42SH), date(2025, 4, 4), rules)
    rule = rules.rule(ANN18_DYTB)
    assert result.need is LicenceNeed.REQUIRED
    deciding = result.reasons[0]
    assert deciding.rule_id == ANN18_DYTB
    assert rule.summary in deciding.text
    assert deciding.sources == rule.sources
    assert "estimated from grade class SH" in deciding.text
    assert result.basis is ContentBasis.ESTIMATED
    assert set(rule.sources) <= set(result.sources)


@pytest.mark.parametrize(
    "on",
    [
        date(2025, 11, 6),
        date(2025, 11, 7),
        date(2025, 11, 8),
        date(2026, 11, 10),
        date(2026, 11, 11),
        TODAY,
    ],
)
def test_china_made_dy_tb_magnet_stays_required_through_the_suspension(
    rules: RuleSet, on: date
) -> None:
    result = evaluate(part(N42SH), on, rules)
    assert result.need is LicenceNeed.REQUIRED
    assert result.rule_ids[0] == ANN18_DYTB


def test_today_required_answer_names_the_as_of_date(rules: RuleSet) -> None:
    result = evaluate(part(N42SH), TODAY, rules)
    assert result.need is LicenceNeed.REQUIRED
    assert result.rule_set_as_of == date(2026, 5, 31)
    assert "Latest verified material is from 2026-05-31" in result.reasons[0].text
    assert "latest verified material 2026-05-31" in result.reasons[-1].text


def test_after_the_review_date_announcement_18_still_applies_and_says_how_fresh(
    rules: RuleSet,
) -> None:
    result = evaluate(part(N42SH), date(2027, 3, 1), rules)
    assert result.need is LicenceNeed.REQUIRED
    assert "Latest verified material is from 2026-05-31" in result.reasons[0].text
    assert "taken as still in force" in result.reasons[0].text


# ---------------------------------------------------------------- suppliers outside China


def test_indian_supplier_needs_no_licence_while_61_is_suspended(rules: RuleSet) -> None:
    result = evaluate(part(N42SH, "IN"), MID_SUSPENSION, rules)
    assert result.need is LicenceNeed.NOT_REQUIRED
    words = text_of(result)
    assert "Announcement 18 controls exports from China; this supplier is in IN" in words
    assert "Announcement 61 is suspended on 2026-01-30" in words
    assert "until 2026-11-10" in words


def test_indian_supplier_on_the_last_day_of_the_suspension(rules: RuleSet) -> None:
    assert evaluate(part(N42SH, "IN"), date(2026, 11, 10), rules).need is (
        LicenceNeed.NOT_REQUIRED
    )


@pytest.mark.parametrize("on", [date(2026, 11, 11), TODAY])
def test_indian_dy_tb_magnet_is_unverified_after_the_suspension(
    rules: RuleSet, on: date
) -> None:
    result = evaluate(part(N42SH, "IN"), on, rules)
    assert result.need is LicenceNeed.UNVERIFIED
    assert result.rule_ids[0] == ANN61
    assert (
        "Announcement 70 suspended Announcement 61 until 2026-11-10; its status after that "
        "date is not in the rule set — check MOFCOM and update the rule set"
    ) in result.summary


def test_declared_chinese_free_content_settles_announcement_61(rules: RuleSet) -> None:
    clean = evaluate(part(N42SH, "IN", china_origin_content=False), TODAY, rules)
    assert clean.need is LicenceNeed.NOT_REQUIRED
    assert "declares no Chinese-origin content" in text_of(clean)
    declared = evaluate(part(N42SH, "IN", china_origin_content=True), TODAY, rules)
    assert declared.need is LicenceNeed.UNVERIFIED


def test_indian_dy_tb_free_magnet_stays_not_required(rules: RuleSet) -> None:
    result = evaluate(part(N42, "IN"), TODAY, rules)
    assert result.need is LicenceNeed.NOT_REQUIRED
    assert "N42 grade: no Dy/Tb expected (estimated from grade class N)" in text_of(result)


def test_unknown_supplier_country_counts_as_china(rules: RuleSet) -> None:
    result = evaluate(part(N42SH, None), MID_SUSPENSION, rules)
    assert result.need is LicenceNeed.REQUIRED
    assert "Supplier country not recorded: treated as China." in text_of(result)
    assert evaluate(part(N42SH, " cn "), MID_SUSPENSION, rules).need is LicenceNeed.REQUIRED


# ---------------------------------------------------------------- Dy/Tb content


def test_dy_tb_free_grade_is_not_required_with_the_estimate_named(rules: RuleSet) -> None:
    result = evaluate(part(N42), MID_SUSPENSION, rules)
    assert result.need is LicenceNeed.NOT_REQUIRED
    assert result.summary.endswith(
        "N42 grade: no Dy/Tb expected (estimated from grade class N)"
    )


def test_measured_zero_dy_tb_overrides_an_sh_grade(rules: RuleSet) -> None:
    result = evaluate(
        part(N42SH, measured_dy_pct=0.0, measured_tb_pct=0.0), MID_SUSPENSION, rules
    )
    assert result.need is LicenceNeed.NOT_REQUIRED
    assert result.basis is ContentBasis.MEASURED
    assert "Measured Dy 0 %, Tb 0 %: no Dy/Tb (measured)" in result.summary


def test_measured_dy_overrides_an_n_grade(rules: RuleSet) -> None:
    result = evaluate(part(N42, measured_dy_pct=0.8), MID_SUSPENSION, rules)
    assert result.need is LicenceNeed.REQUIRED
    assert result.basis is ContentBasis.MEASURED
    assert "Measured Dy 0.8 %, Tb not measured: contains Dy/Tb (measured)" in result.summary


def test_dy_measured_alone_cannot_clear_an_sh_grade(rules: RuleSet) -> None:
    result = evaluate(part(N42SH, measured_dy_pct=0.0), MID_SUSPENSION, rules)
    assert result.need is LicenceNeed.UNVERIFIED
    assert "Tb cannot be ruled out" in result.summary
    assert ASK in result.summary


def test_trace_content_mentions_the_unofficial_0_1_pct_practice(rules: RuleSet) -> None:
    result = evaluate(part(N42, measured_dy_pct=0.05, measured_tb_pct=0.0), TODAY, rules)
    assert result.need is LicenceNeed.REQUIRED
    assert "0.1 % or less usually export without a licence" in result.reasons[0].text
    assert "not an official threshold" in result.reasons[0].text


def test_grade_that_may_contain_dy_tb_is_unverified_with_what_to_ask(rules: RuleSet) -> None:
    result = evaluate(part(N45H), MID_SUSPENSION, rules)
    assert result.need is LicenceNeed.UNVERIFIED
    assert result.summary == (
        "Licence need unverified on 2026-01-30: N45H grade: may contain Dy/Tb "
        f"(0–3 wt%, estimated from grade class H); {ASK}"
    )


def test_sintered_ndfeb_without_grade_is_unverified(rules: RuleSet) -> None:
    result = evaluate(part(None), MID_SUSPENSION, rules)
    assert result.need is LicenceNeed.UNVERIFIED
    assert result.basis is ContentBasis.UNKNOWN
    assert ASK in result.summary


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (part(N42), (False, ContentBasis.ESTIMATED)),
        (part(N42SH), (True, ContentBasis.ESTIMATED)),
        (part(N45H), (None, ContentBasis.ESTIMATED)),
        (part(None), (None, ContentBasis.UNKNOWN)),
        (PartFacts(Family.BONDED_NDFEB, None), (False, ContentBasis.FAMILY)),
        (part(N42, measured_tb_pct=0.3), (True, ContentBasis.MEASURED)),
        (part(N45H, measured_dy_pct=0.0, measured_tb_pct=0.0), (False, ContentBasis.MEASURED)),
    ],
)
def test_dy_tb_bearing(facts: PartFacts, expected: tuple[bool | None, ContentBasis]) -> None:
    bearing, basis, words = dy_tb_bearing(facts)
    assert (bearing, basis) == expected
    assert words


def test_dy_tb_threshold_is_configurable() -> None:
    facts = part(N42, measured_dy_pct=0.05, measured_tb_pct=0.0)
    assert dy_tb_bearing(facts)[0] is True
    assert dy_tb_bearing(facts, threshold_wt_pct=0.1)[0] is False


# ---------------------------------------------------------------- holmium (Announcement 57)


def test_dy_tb_free_china_magnet_stays_free_when_57_status_is_unknown(
    rules: RuleSet,
) -> None:
    assert evaluate(part(N42), date(2026, 11, 10), rules).need is LicenceNeed.NOT_REQUIRED
    result = evaluate(part(N42), date(2026, 11, 11), rules)
    assert result.need is LicenceNeed.NOT_REQUIRED
    ho = next(r for r in result.reasons if r.rule_id == ANN57)
    assert "Announcement 70 suspended Announcement 57 until 2026-11-10" in ho.text
    assert "would not apply here" in ho.text
    assert "normally carry no holmium (estimate" in ho.text


def test_holmium_bearing_china_magnet_is_unverified_after_57_status_runs_out(
    rules: RuleSet,
) -> None:
    result = evaluate(part(N42, measured_ho_pct=0.6), date(2026, 11, 11), rules)
    assert result.need is LicenceNeed.UNVERIFIED
    assert result.rule_ids[0] == ANN57
    assert "check MOFCOM and update the rule set" in result.summary


def test_measured_holmium_free_magnet_is_settled(rules: RuleSet) -> None:
    result = evaluate(part(N42, measured_ho_pct=0.0), TODAY, rules)
    assert result.need is LicenceNeed.NOT_REQUIRED


@pytest.mark.parametrize("on", [date(2025, 11, 6), date(2025, 11, 7), date(2025, 11, 8)])
def test_holmium_magnet_never_needed_a_licence_under_57(rules: RuleSet, on: date) -> None:
    result = evaluate(part(N42, measured_ho_pct=0.5), on, rules)
    assert result.need is LicenceNeed.NOT_REQUIRED
    assert "Announcement 70 suspended it from 2025-11-07 until 2026-11-10" in text_of(result)


# ---------------------------------------------------------------- families and forms


@pytest.mark.parametrize("family", [Family.FERRITE, Family.ALNICO])
@pytest.mark.parametrize("on", [date(2025, 4, 3), MID_SUSPENSION, date(2027, 6, 1)])
def test_ferrite_and_alnico_never_need_a_licence(
    rules: RuleSet, family: Family, on: date
) -> None:
    result = evaluate(PartFacts(family, None, supplier_country="CN"), on, rules)
    assert result.need is LicenceNeed.NOT_REQUIRED
    assert result.basis is ContentBasis.FAMILY
    assert "contain none of the controlled elements" in result.summary


@pytest.mark.parametrize("family", [Family.SMCO5, Family.SM2CO17])
def test_china_made_smco_needs_a_licence(rules: RuleSet, family: Family) -> None:
    result = evaluate(PartFacts(family, None, supplier_country="CN"), MID_SUSPENSION, rules)
    assert result.need is LicenceNeed.REQUIRED
    assert result.rule_ids[0] == ANN18_SMCO
    assert result.basis is ContentBasis.FAMILY


def test_smfen_is_required_by_low_confidence_inference(rules: RuleSet) -> None:
    result = evaluate(PartFacts(Family.SMFEN, None, supplier_country="CN"), TODAY, rules)
    assert result.need is LicenceNeed.REQUIRED
    assert result.rule_ids[0] == "CN-MOFCOM-2025-18-SmFeN"
    assert rules.rule("CN-MOFCOM-2025-18-SmFeN").confidence is Confidence.LOW


@pytest.mark.parametrize("on", [MID_SUSPENSION, TODAY])
@pytest.mark.parametrize("grade", [N42SH, N45H])
def test_china_made_assembly_is_generally_outside_announcement_18(
    rules: RuleSet, on: date, grade: Grade
) -> None:
    result = evaluate(part(grade, form=ItemForm.ASSEMBLY), on, rules)
    assert result.need is LicenceNeed.NOT_REQUIRED
    assert result.rule_ids[0] == FAQ5
    assert "generally" in result.summary
    assert "med confidence" in result.reasons[0].text


def test_smco_rotor_is_generally_outside_announcement_18(rules: RuleSet) -> None:
    facts = PartFacts(Family.SM2CO17, None, form=ItemForm.ASSEMBLY, supplier_country="CN")
    assert evaluate(facts, MID_SUSPENSION, rules).need is LicenceNeed.NOT_REQUIRED


def test_foreign_made_assembly_is_what_61_would_catch(rules: RuleSet) -> None:
    facts = part(N42SH, "VN", form=ItemForm.ASSEMBLY)
    assert evaluate(facts, MID_SUSPENSION, rules).need is LicenceNeed.NOT_REQUIRED
    result = evaluate(facts, TODAY, rules)
    assert result.need is LicenceNeed.UNVERIFIED
    assert result.rule_ids[0] == ANN61
