"""Tests for planner.grades: real grade strings in, the facts a buyer relies on out."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.families import Confidence, Family
from planner.grades import CoercivityClass, GradeError, ndfeb_classes, parse_grade

SIN = Family.SINTERED_NDFEB
CE = Family.CE_NDFEB
HD = Family.HOT_DEFORMED_NDFEB
SM5 = Family.SMCO5
SM17 = Family.SM2CO17
FER = Family.FERRITE
ALN = Family.ALNICO
BON = Family.BONDED_NDFEB
FREE = (0.0, 0.0)

# text, family, canonical text, class, max temp °C, Dy+Tb wt% range, coating.
# Temperatures and Dy+Tb ranges are research/domain.md §4.2-4.3 (NdFeB) and §4.1 (others).
VALID = [
    ("N42SH", SIN, "N42SH", "SH", 150, (3.0, 5.0), None),
    ("42sh", SIN, "N42SH", "SH", 150, (3.0, 5.0), None),
    ("n 42 sh", SIN, "N42SH", "SH", 150, (3.0, 5.0), None),
    ("N-42SH", SIN, "N42SH", "SH", 150, (3.0, 5.0), None),
    ("N52", SIN, "N52", "N", 80, FREE, None),
    ("N38EH", SIN, "N38EH", "EH", 200, (6.0, 8.0), None),
    ("N33AH", SIN, "N33AH", "AH", 220, (8.0, 10.0), None),
    ("N33TH", SIN, "N33AH", "AH", 220, (8.0, 10.0), None),
    ("N33VH", SIN, "N33AH", "AH", 220, (8.0, 10.0), None),
    ("48H", SIN, "N48H", "H", 120, (3.0, 5.0), None),
    ("  N45M  ", SIN, "N45M", "M", 100, (0.0, 1.0), None),
    ("N50M", SIN, "N50M", "M", 100, (0.0, 1.0), None),
    ("N30H", SIN, "N30H", "H", 120, (3.0, 5.0), None),
    ("N35UH", SIN, "N35UH", "UH", 180, (5.0, 7.0), None),
    ("N28EH", SIN, "N28EH", "EH", 200, (6.0, 8.0), None),
    ("N45SH", SIN, "N45SH", "SH", 150, (3.0, 5.0), None),
    ("N27", SIN, "N27", "N", 80, FREE, None),
    ("N55", SIN, "N55", "N", 80, FREE, None),
    ("N56", SIN, "N56", "N", 80, FREE, None),
    ("N35 Ni-Cu-Ni", SIN, "N35", "N", 80, FREE, "Ni-Cu-Ni"),
    ("N42SH NiCuNi", SIN, "N42SH", "SH", 150, (3.0, 5.0), "Ni-Cu-Ni"),
    ("N40UH Zn", SIN, "N40UH", "UH", 180, (5.0, 7.0), "Zn"),
    ("N35 epoxy", SIN, "N35", "N", 80, FREE, "epoxy"),
    ("N52 (Ni)", SIN, "N52", "N", 80, FREE, "Ni"),
    ("N42SH/NiCuNi+Epoxy", SIN, "N42SH", "SH", 150, (3.0, 5.0), "Ni-Cu-Ni + epoxy"),
    ("N38SH gold", SIN, "N38SH", "SH", 150, (3.0, 5.0), "Au"),
    ("N35 nickel plated", SIN, "N35", "N", 80, FREE, "Ni"),
    ("N35 Zn coated", SIN, "N35", "N", 80, FREE, "Zn"),
    ("N38 black epoxy", SIN, "N38", "N", 80, FREE, "epoxy"),
    ("N40UH GBD", SIN, "N40UH GBD", "UH", 180, (2.0, 3.5), None),
    ("N42SH Tb-GBD", SIN, "N42SH GBD", "SH", 150, (1.0, 2.5), None),
    ("NdFeB N42", SIN, "N42", "N", 80, FREE, None),
    ("grade N48SH", SIN, "N48SH", "SH", 150, (3.0, 5.0), None),
    ("Sintered NdFeB N45", SIN, "N45", "N", 80, FREE, None),
    ("N42 – Ni‑Cu‑Ni", SIN, "N42", "N", 80, FREE, "Ni-Cu-Ni"),
    ("Ce-N35", CE, "Ce-N35", "N", 80, FREE, None),
    ("N38Ce", CE, "Ce-N38", "N", 80, FREE, None),
    ("HD N40", HD, "HD N40", None, 150, FREE, None),
    ("HD-N38SH", HD, "HD N38SH", "SH", 150, FREE, None),
    ("hd n42uh", HD, "HD N42UH", "UH", 180, FREE, None),
    ("MQ3", HD, "MQ3", None, 150, FREE, None),
    ("SmCo5", SM5, "SmCo5", None, 250, FREE, None),
    ("SmCo 1:5", SM5, "SmCo5", None, 250, FREE, None),
    ("Sm2Co17", SM17, "Sm2Co17", None, 350, FREE, None),
    ("2:17", SM17, "Sm2Co17", None, 350, FREE, None),
    ("SmCo 2:17", SM17, "Sm2Co17", None, 350, FREE, None),
    ("YXG-28", SM17, "YXG-28", None, 300, FREE, None),
    ("YXG-26H", SM17, "YXG-26H", "H", 350, FREE, None),
    ("yxg 30h", SM17, "YXG-30H", "H", 350, FREE, None),
    ("YXG-24M", SM17, "YXG-24M", "M", 300, FREE, None),
    ("YXG-20", SM17, "YXG-20", None, 300, FREE, None),
    ("SmCo YXG-32", SM17, "YXG-32", None, 300, FREE, None),
    ("YX-20", SM5, "YX-20", None, 250, FREE, None),
    ("YX20", SM5, "YX-20", None, 250, FREE, None),
    ("YX-18", SM5, "YX-18", None, 250, FREE, None),
    ("R30", SM17, "R30", None, 300, FREE, None),
    ("R26", SM17, "R26", None, 300, FREE, None),
    ("Recoma 28", SM17, "R28", None, 300, FREE, None),
    ("Y30BH", FER, "Y30BH", "BH", 250, FREE, None),
    ("Y35", FER, "Y35", None, 250, FREE, None),
    ("Y10T", FER, "Y10T", "T", 250, FREE, None),
    ("Y30H-1", FER, "Y30H-1", "H-1", 250, FREE, None),
    ("y33h2", FER, "Y33H-2", "H-2", 250, FREE, None),
    ("Ferrite Y30", FER, "Y30", None, 250, FREE, None),
    ("C8", FER, "C8", None, 250, FREE, None),
    ("C5", FER, "C5", None, 250, FREE, None),
    ("Ceramic 8", FER, "C8", None, 250, FREE, None),
    ("ceramic 5", FER, "C5", None, 250, FREE, None),
    ("Hard ferrite", FER, "Ferrite", None, 250, FREE, None),
    ("LNG37", ALN, "LNG37", None, 500, FREE, None),
    ("LNGT36J", ALN, "LNGT36J", "J", 500, FREE, None),
    ("Alnico 5", ALN, "Alnico 5", None, 500, FREE, None),
    ("AlNiCo 8", ALN, "Alnico 8", None, 500, FREE, None),
    ("Alnico 5-7", ALN, "Alnico 5-7", None, 500, FREE, None),
    ("ALNICO2", ALN, "Alnico 2", None, 500, FREE, None),
    ("BNP-8", BON, "BNP-8", None, 120, FREE, None),
    ("BNP 10L", BON, "BNP-10L", "L", 120, FREE, None),
    ("BNP-12", BON, "BNP-12", None, 120, FREE, None),
    ("bnp-8h", BON, "BNP-8H", "H", 150, FREE, None),
    ("BNI-6", BON, "BNI-6", None, 120, FREE, None),
    ("BNP-6 epoxy", BON, "BNP-6", None, 120, FREE, "epoxy"),
]


@pytest.mark.parametrize(
    ("text", "family", "canonical", "cls", "max_temp", "dy_tb", "coating"), VALID
)
def test_real_world_grades(
    text: str,
    family: Family,
    canonical: str,
    cls: str | None,
    max_temp: int,
    dy_tb: tuple[float, float],
    coating: str | None,
) -> None:
    grade = parse_grade(text)
    assert (grade.family, grade.text, grade.coercivity_class) == (family, canonical, cls)
    assert grade.max_temp_c == max_temp
    assert grade.dy_tb_wt_pct == dy_tb
    assert grade.coating == coating


def test_table_is_large_enough() -> None:
    assert len(VALID) >= 60


@pytest.mark.parametrize(
    ("text", "energy"),
    [("N42SH", 42.0), ("YXG-28", 28.0), ("BNP-10L", 10.0), ("Alnico 5", 5.5), ("C8", 3.5)],
)
def test_energy_is_the_stated_mgoe(text: str, energy: float) -> None:
    assert parse_grade(text).energy_mgoe == energy


def test_chinese_ferrite_and_alnico_numbers_are_kj_per_m3() -> None:
    # Y30 means (BH)max ≈ 30 kJ/m³ = 30 / 7.958 MGOe; LNG37 likewise 37 kJ/m³.
    assert parse_grade("Y30BH").energy_mgoe == pytest.approx(3.77, abs=0.01)
    assert parse_grade("LNG37").energy_mgoe == pytest.approx(4.65, abs=0.01)


@pytest.mark.parametrize(("text", "sm"), [("SmCo5", 36.0), ("YX-20", 36.0), ("2:17", 25.0)])
def test_samarium_content(text: str, sm: float) -> None:
    assert parse_grade(text).sm_wt_pct == sm


def test_rare_earth_free_families_carry_no_samarium() -> None:
    assert parse_grade("N42SH").sm_wt_pct is None
    assert parse_grade("Y30BH").sm_wt_pct is None


def test_sm2co17_warns_about_gd_tb_additions() -> None:
    assert any("Gd" in note and "Tb" in note for note in parse_grade("YXG-28").notes)
    assert not any("Gd" in note for note in parse_grade("SmCo5").notes)


def test_confidence_follows_the_class_evidence() -> None:
    # domain.md §4.3: N, H and EH figures are sourced (MED); SH, UH and AH interpolated (LOW).
    assert parse_grade("N42").confidence is Confidence.MED
    assert parse_grade("N42H").confidence is Confidence.MED
    assert parse_grade("N38EH").confidence is Confidence.MED
    assert parse_grade("N42SH").confidence is Confidence.LOW
    assert parse_grade("N33AH").confidence is Confidence.LOW
    assert parse_grade("R30").confidence is Confidence.LOW


def test_aliases_and_unusual_grades_say_so() -> None:
    assert "AH class is also sold as TH or VH" in parse_grade("N33TH").notes
    assert any("outside the usual" in n for n in parse_grade("N48SH").notes)
    assert any("70 °C" in n for n in parse_grade("N52").notes)


def test_gbd_halves_the_dy_tb_estimate_but_not_to_zero() -> None:
    bulk, gbd = parse_grade("N38EH"), parse_grade("N38EH GBD")
    assert gbd.dy_tb_wt_pct[1] < bulk.dy_tb_wt_pct[1]
    assert gbd.dy_tb_wt_pct[0] > 0


def test_bare_family_name_gives_the_family_range() -> None:
    grade = parse_grade("NdFeB")
    assert grade.coercivity_class is None
    assert grade.dy_tb_wt_pct == (0.0, 10.0)
    assert grade.confidence is Confidence.LOW


@pytest.mark.parametrize(
    ("text", "family", "canonical"),
    [
        ("42", SIN, "N42"),
        ("42SH", SIN, "N42SH"),
        ("N42", CE, "Ce-N42"),
        ("N40SH", HD, "HD N40SH"),
        ("SmCo", SM5, "SmCo5"),
        ("SmCo", SM17, "Sm2Co17"),
        ("YXG-28", SM17, "YXG-28"),
    ],
)
def test_family_keyword_disambiguates(text: str, family: Family, canonical: str) -> None:
    grade = parse_grade(text, family=family)
    assert (grade.family, grade.text) == (family, canonical)


@pytest.mark.parametrize(
    ("text", "family", "mentions"),
    [
        ("SmCo5", FER, ("SmCo5", "ferrite")),
        ("Y30", SIN, ("Y30", "Sintered NdFeB")),
        ("2:17", SM5, ("Sm2Co17", "SmCo5")),
        ("HD N40", SIN, ("HD N40", "Sintered NdFeB")),
        ("30", FER, ("bare number",)),
    ],
)
def test_family_conflict_is_explained(text: str, family: Family, mentions: tuple[str]) -> None:
    with pytest.raises(GradeError) as caught:
        parse_grade(text, family=family)
    for fact in mentions:
        assert fact in caught.value.reason


@pytest.mark.parametrize(
    ("text", "mentions"),
    [
        ("N60SH", ("N56",)),
        ("N54SH", ("SH class", "N48SH")),
        ("N54H", ("H class", "N50H")),
        ("N45EH", ("EH class", "N42EH")),
        ("N25SH", ("N27", "bonded")),
        ("N28SH", ("SH class starts", "N30SH")),
        ("N20", ("N27",)),
        ("XYZ", ("not a magnet grade",)),
        ("", ("empty",)),
        ("   ", ("empty",)),
        ("N42QQ", ("QQ", "coercivity class")),
        ("42", ("bare number", "N42")),
        ("SmCo", ("SmCo5", "Sm2Co17")),
        ("YXG-40", ("YXG-34",)),
        ("YX-30", ("YX-24",)),
        ("BNP-20", ("BNP-14",)),
        ("Y30X", ("Y", "suffix", "BH")),
        ("Ferrite N42", ("ferrite", "N42")),
        ("Ni-Cu-Ni", ("only a coating",)),
        ("Y30 GBD", ("GBD", "sintered")),
    ],
)
def test_impossible_grades_are_rejected_with_a_reason(text: str, mentions: tuple[str]) -> None:
    with pytest.raises(GradeError) as caught:
        parse_grade(text)
    assert caught.value.text == text
    for fact in mentions:
        assert fact in caught.value.reason


VALID_PAIRS = [
    (energy, cls)
    for cls in ndfeb_classes()
    for energy in range(cls.energy_range[0], cls.energy_range[1] + 1)
]


def test_class_data_matches_domain_research() -> None:
    by_id = {cls.id: cls for cls in ndfeb_classes()}
    assert [cls.id for cls in ndfeb_classes()] == ["N", "M", "H", "SH", "UH", "EH", "AH"]
    assert {k: c.max_temp_c for k, c in by_id.items()} == {
        "N": 80, "M": 100, "H": 120, "SH": 150, "UH": 180, "EH": 200, "AH": 220,
    }  # fmt: skip
    assert by_id["AH"].aliases == ("TH", "VH")
    assert max(cls.energy_range[1] for cls in ndfeb_classes()) == 56


@given(st.sampled_from(VALID_PAIRS), st.sampled_from(["{e}{s}", "n{e}{s}", " N {e} {s} "]))
def test_every_valid_pair_round_trips(pair: tuple[int, CoercivityClass], spelling: str) -> None:
    energy, cls = pair
    for suffix in (cls.suffix, *cls.aliases):
        if not suffix and not spelling.lower().startswith(("n", " n")):
            continue  # a bare number without a class is refused on purpose
        grade = parse_grade(spelling.format(e=energy, s=suffix.lower()))
        assert grade.text == f"N{energy}{cls.suffix}"
        assert (grade.energy_mgoe, grade.coercivity_class) == (energy, cls.id)
        assert parse_grade(grade.text) == grade


@given(st.sampled_from(ndfeb_classes()))
def test_one_above_each_class_limit_is_rejected(cls: CoercivityClass) -> None:
    top = cls.energy_range[1]
    with pytest.raises(GradeError) as caught:
        parse_grade(f"N{top + 1}{cls.suffix}")
    assert f"N{top}{cls.suffix}" in caught.value.reason or "N56" in caught.value.reason


@given(st.sampled_from([row[0] for row in VALID]))
def test_canonical_text_is_idempotent(text: str) -> None:
    grade = parse_grade(text)
    again = parse_grade(grade.text)
    assert (again.text, again.family, again.coercivity_class) == (
        grade.text,
        grade.family,
        grade.coercivity_class,
    )


def _outcome(text: str, family: Family | None = None) -> str:
    """Return the canonical text, or the rejection reason; any other exception escapes."""
    try:
        return parse_grade(text, family=family).text
    except GradeError as error:
        return error.reason


@given(st.text(), st.sampled_from([None, *Family]))
def test_random_text_raises_only_grade_error(text: str, family: Family | None) -> None:
    assert _outcome(text, family)


@given(st.text(alphabet="NSHMUEATVYXGCRLBPDIO0123456789:- /", max_size=12))
def test_grade_like_noise_raises_only_grade_error(text: str) -> None:
    assert _outcome(text)
