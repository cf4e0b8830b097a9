"""Parse magnet grade strings as buyers and vendors write them (N42SH, 2:17, Y30BH ...)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from planner.families import Confidence, Family, family_info

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

_KJ_PER_MGOE = 7.958  # 1 MGOe ≈ 7.96 kJ/m³ (research/domain.md §4.2)
_NDFEB_NAMED = (Family.SINTERED_NDFEB, Family.CE_NDFEB, Family.HOT_DEFORMED_NDFEB)


@dataclass(frozen=True)
class Grade:
    """A parsed magnet grade.

    Attributes:
        text: Canonical grade text, e.g. "N42SH", "YXG-28", "Y30BH", "LNG37", "BNP-8".
        family: Magnet family the grade belongs to.
        energy_mgoe: Nominal (BH)max in MGOe where the grade states it.
        coercivity_class: NdFeB HcJ class ("N", "M", "H", "SH", "UH", "EH", "AH"),
            or the vendor's suffix for other families, or None.
        max_temp_c: Nominal maximum working temperature.
        dy_tb_wt_pct: Estimated Dy+Tb content range in wt% (0, 0 when free of them).
        sm_wt_pct: Estimated Sm content in wt% for Sm families.
        coating: Coating named in the text ("Ni-Cu-Ni", "Zn", "epoxy" ...), if any.
        confidence: How sure the content estimate is.
        notes: Plain-language remarks (e.g. "AH class also sold as TH/VH").
    """

    text: str
    family: Family
    energy_mgoe: float | None
    coercivity_class: str | None
    max_temp_c: int | None
    dy_tb_wt_pct: tuple[float, float]
    sm_wt_pct: float | None
    coating: str | None
    confidence: Confidence
    notes: tuple[str, ...] = ()


class GradeError(ValueError):
    """A grade text that cannot be a real magnet grade.

    Attributes:
        text: The text as given.
        reason: Why it was rejected, in words a buyer understands.
    """

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"{text!r}: {reason}")
        self.text = text
        self.reason = reason


@dataclass(frozen=True)
class CoercivityClass:
    """One sintered NdFeB HcJ class, as listed in resources/magnets/grades.json.

    Attributes:
        id: Class name ("N", "M", "H", "SH", "UH", "EH", "AH").
        suffix: What follows the energy in a grade name ("" for N).
        aliases: Other suffixes vendors use for the class ("TH", "VH" for AH).
        min_hcj_koe: Typical minimum intrinsic coercivity.
        max_temp_c: Nominal maximum working temperature.
        typical_energy: The usual (min, max) energy in MGOe.
        energy_range: The (min, max) energy accepted; beyond it a grade is rejected.
        dy_tb_wt_pct: Dy+Tb range with conventional bulk alloying.
        dy_tb_gbd_wt_pct: Dy+Tb range with grain-boundary diffusion.
        confidence: How sure the Dy+Tb figures are.
        sources: Where the figures come from.
        notes: Remarks copied into every grade of the class.
    """

    id: str
    suffix: str
    aliases: tuple[str, ...]
    min_hcj_koe: float
    max_temp_c: int
    typical_energy: tuple[int, int]
    energy_range: tuple[int, int]
    dy_tb_wt_pct: tuple[float, float]
    dy_tb_gbd_wt_pct: tuple[float, float]
    confidence: Confidence
    sources: tuple[str, ...]
    notes: tuple[str, ...]

    def grade_name(self, energy: int) -> str:
        """Return the sintered grade name for `energy` in this class, e.g. "N42SH"."""
        return f"N{energy}{self.suffix}"


@cache
def grade_tables() -> Mapping[str, Any]:
    """Return the raw grade tables, read once from resources/magnets/grades.json."""
    path = resources.files("resources").joinpath("magnets/grades.json")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@cache
def ndfeb_classes() -> tuple[CoercivityClass, ...]:
    """Return the sintered NdFeB coercivity classes, weakest first."""
    return tuple(_coercivity(row) for row in grade_tables()["sintered_ndfeb"]["classes"])


def _coercivity(row: Mapping[str, Any]) -> CoercivityClass:
    fields: dict[str, Any] = {
        key: tuple(v) if isinstance(v, list) else v for key, v in row.items()
    }
    return CoercivityClass(**fields | {"confidence": Confidence(row["confidence"])})


@dataclass(frozen=True)
class _Ctx:
    text: str
    family: Family | None
    gbd: bool


_GBD_RE = re.compile(r"\b(?:(?:DY|TB)\W?)?(?:GBD|GRAIN\W?BOUNDARY\W?DIFFUS\w*|DIFFUSED)\b")
_E = r"(?P<e>\d{1,6})"  # six digits at most: int() of a huge digit run is slow or refused


def parse_grade(text: str, *, family: Family | None = None) -> Grade:
    """Return `read_grade(text, family=family)`, remembered (see `_remembered_grade`).

    Raises:
        GradeError: The text names no real grade, or contradicts `family` or itself.
    """
    found = _remembered_grade(text, family)
    if isinstance(found, tuple):
        raise GradeError(*found)
    return found


@lru_cache(maxsize=8192)
def _remembered_grade(text: str, family: Family | None) -> Grade | tuple[str, str]:
    """Parse once per (text, family): a long BOM names the same few grades thousands of
    times, and parsing one costs ~50 µs (`make bench`, import of 100,000 lines).

    A refusal is kept as (text, reason); a fresh GradeError is raised each time.
    """
    try:
        return read_grade(text, family=family)
    except GradeError as exc:
        return exc.text, exc.reason


def read_grade(text: str, *, family: Family | None = None) -> Grade:
    """Parse a grade string; `family` disambiguates bare numbers like "42SH".

    Case, spaces and punctuation do not matter. Accepted: sintered NdFeB (N42SH, 42sh,
    N33TH, N42SH GBD), Ce-NdFeB (Ce-N35), hot-deformed (HD N40, MQ3), SmCo (SmCo5, 1:5,
    Sm2Co17, 2:17, YX-20, YXG-28H, R30), ferrite (Y30BH, Y10T, C8, Ceramic 8), AlNiCo
    (LNG37, LNGT36J, Alnico 5), bonded NdFeB (BNP-8, BNI-6) and bare family names
    (NdFeB, ferrite ...). A coating (Ni-Cu-Ni, Zn, epoxy ...) may appear anywhere.

    Raises:
        GradeError: The text names no real grade, or contradicts `family` or itself.
    """
    upper = re.sub(r"[‐-―−]", "-", text.upper())
    coating, upper = _take_coatings(upper)
    words = _word_re().findall(upper)
    key = _compact(_GBD_RE.sub(" ", _word_re().sub(" ", upper))) or _compact(upper)
    if not key:
        raise GradeError(text, f"only a coating ({coating}), no grade" if coating else "empty")
    grade = _dispatch(_Ctx(text, family, gbd=bool(_GBD_RE.search(upper))), key)
    _check_family(text, grade, family, words)
    return replace(grade, coating=coating)


@cache
def _coating_re() -> re.Pattern[str]:
    rows = enumerate(grade_tables()["coatings"])
    return re.compile("|".join(f"(?P<c{i}>{pattern})" for i, (pattern, _) in rows))


def _take_coatings(upper: str) -> tuple[str | None, str]:
    found = [
        grade_tables()["coatings"][int(m.lastgroup[1:])][1]
        for m in _coating_re().finditer(upper)
        if m.lastgroup
    ]
    return (" + ".join(dict.fromkeys(found)) or None), _coating_re().sub(" ", upper)


def _compact(upper: str) -> str:
    return re.sub(r"[^A-Z0-9:]", "", upper)


@cache
def _family_words() -> dict[str, tuple[Family, ...]]:
    words = grade_tables()["family_words"].items()
    return {word: tuple(Family(f) for f in families) for word, families in words}


@cache
def _word_re() -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(_family_words()) + r")\b")


def _dispatch(ctx: _Ctx, key: str) -> Grade:
    grade = _named_grades().get(key) or _from_rules(ctx, key)
    if ctx.gbd and grade.family is not Family.SINTERED_NDFEB:
        raise GradeError(ctx.text, "GBD applies to sintered NdFeB grades only")
    return grade


def _from_rules(ctx: _Ctx, key: str) -> Grade:
    for pattern, build in _rules():
        match = pattern.fullmatch(key)
        if match:
            return build(ctx, match)
    raise GradeError(
        ctx.text, "not a magnet grade name I know (e.g. N42SH, YXG-28, Y30BH, LNG37)"
    )


def _check_family(text: str, grade: Grade, family: Family | None, words: list[str]) -> None:
    if family is not None and grade.family is not family:
        raise GradeError(
            text,
            f"{grade.text} is {_label(grade.family)}, but the family given is {_label(family)}",
        )
    for word in words:
        allowed = _family_words()[word]
        if allowed and grade.family not in allowed:
            raise GradeError(
                text,
                f"the text says {word.lower()}, but {grade.text} is {_label(grade.family)}",
            )


def _label(family: Family) -> str:
    return family_info(family).label


def _family_grade(
    family: Family,
    text: str,
    *,
    energy: float | None = None,
    suffix: str | None = None,
    temp: int | None = None,
    notes: tuple[str, ...] = (),
    confidence: Confidence | None = None,
) -> Grade:
    info = family_info(family)
    temp, confidence = temp or info.max_temp_c, confidence or info.confidence
    dy_tb, sm = info.dy_tb_wt_pct, info.samarium_wt_pct
    mgoe = None if energy is None else float(energy)
    return Grade(text, family, mgoe, suffix, temp, dy_tb, sm, None, confidence, notes)


def _check_range(text: str, value: int, bounds: list[int], name: Callable[[int], str]) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise GradeError(
            text, f"{name(value)} does not exist: the series runs {name(low)} to {name(high)}"
        )


# ------------------------------------------------------------------ NdFeB


def _coercivity_class(text: str, suffix: str) -> CoercivityClass:
    for cls in ndfeb_classes():
        if suffix == cls.suffix or suffix in cls.aliases:
            return cls
    raise GradeError(
        text,
        f"unknown NdFeB coercivity class {suffix!r}: "
        "the classes are N (no suffix), M, H, SH, UH, EH and AH (also TH/VH)",
    )


def _ndfeb(ctx: _Ctx, match: re.Match[str]) -> Grade:
    energy, suffix = int(match["e"]), match["s"]
    named = next((f for f in _NDFEB_NAMED if f is ctx.family), None)
    if not match["n"] and not suffix and named is None:
        raise GradeError(
            ctx.text,
            f"a bare number is not a grade: write the full name (N{energy} for sintered NdFeB)",
        )
    return _named_ndfeb(ctx, named or Family.SINTERED_NDFEB, energy, suffix)


def _ndfeb_of(family: Family) -> Callable[[_Ctx, re.Match[str]], Grade]:
    def build(ctx: _Ctx, match: re.Match[str]) -> Grade:
        return _named_ndfeb(ctx, family, int(match["e"]), match["s"])

    return build


def _named_ndfeb(ctx: _Ctx, family: Family, energy: int, suffix: str) -> Grade:
    cls = _coercivity_class(ctx.text, suffix)
    if family is Family.HOT_DEFORMED_NDFEB:
        return _hot_deformed(ctx.text, energy, cls, classed=bool(suffix))
    _check_sintered_energy(ctx.text, energy, cls)
    if family is Family.CE_NDFEB:
        return _cerium(energy, cls)
    return _sintered(energy, cls, gbd=ctx.gbd)


def _check_sintered_energy(text: str, energy: int, cls: CoercivityClass) -> None:
    table = grade_tables()["sintered_ndfeb"]
    top, bottom = table["energy_max"], table["energy_min"]
    if energy > top:
        raise GradeError(
            text, f"no sintered NdFeB grade above N{top} exists: {table['energy_max_reason']}"
        )
    if energy < bottom:
        raise GradeError(
            text, f"no sintered NdFeB grade below N{bottom}; weaker NdFeB is bonded (BNP-xx)"
        )
    low, high = cls.energy_range
    if energy > high:
        raise GradeError(text, f"{cls.id} class is made only up to {cls.grade_name(high)}")
    if energy < low:
        raise GradeError(text, f"{cls.id} class starts at {cls.grade_name(low)}")


def _sintered(energy: int, cls: CoercivityClass, *, gbd: bool) -> Grade:
    name, notes = (
        cls.grade_name(energy) + (" GBD" if gbd else ""),
        _sintered_notes(energy, cls, gbd=gbd),
    )
    grade = _family_grade(
        Family.SINTERED_NDFEB,
        name,
        energy=energy,
        suffix=cls.id,
        temp=cls.max_temp_c,
        notes=notes,
        confidence=cls.confidence,
    )
    return replace(grade, dy_tb_wt_pct=cls.dy_tb_gbd_wt_pct if gbd else cls.dy_tb_wt_pct)


def _sintered_notes(energy: int, cls: CoercivityClass, *, gbd: bool) -> tuple[str, ...]:
    table = grade_tables()["sintered_ndfeb"]
    notes = list(cls.notes)
    low, high = cls.typical_energy
    if not low <= energy <= high:
        usual = f"{cls.grade_name(low)}–{cls.grade_name(high)}"
        notes.append(
            f"{cls.grade_name(energy)} is outside the usual {usual}; confirm the maker"
        )
    if energy not in table["common_energies"]:
        notes.append(f"N{energy} is not a common grade step; confirm with the vendor")
    if cls.id == "N" and energy >= table["low_temp_energy"]:
        notes.append(table["low_temp_note"])
    if gbd:
        notes.append(table["gbd_note"])
    return tuple(notes)


def _cerium(energy: int, cls: CoercivityClass) -> Grade:
    notes = tuple(grade_tables()["ce_ndfeb"]["notes"])
    heavy = cls.dy_tb_wt_pct[1] > 1.0
    if heavy:
        notes += (f"a {cls.id} class usually needs Dy/Tb; check the datasheet",)
    name, temp = f"Ce-{cls.grade_name(energy)}", cls.max_temp_c
    grade = _family_grade(
        Family.CE_NDFEB, name, energy=energy, suffix=cls.id, temp=temp, notes=notes
    )
    return replace(grade, confidence=Confidence.LOW) if heavy else grade


def _hot_deformed(text: str, energy: int, cls: CoercivityClass, *, classed: bool) -> Grade:
    table = grade_tables()["hot_deformed_ndfeb"]
    _check_range(text, energy, table["energy_range"], lambda e: f"HD {cls.grade_name(e)}")
    name, notes = f"HD {cls.grade_name(energy)}", tuple(table["notes"])
    grade = _family_grade(Family.HOT_DEFORMED_NDFEB, name, energy=energy, notes=notes)
    return (
        replace(grade, coercivity_class=cls.id, max_temp_c=cls.max_temp_c) if classed else grade
    )


def _generic_ndfeb(ctx: _Ctx, _match: re.Match[str]) -> Grade:
    family = next(
        (f for f in _family_words()["NDFEB"] if f is ctx.family), Family.SINTERED_NDFEB
    )
    low, high = family_info(family).dy_tb_wt_pct
    note = f"no grade given: Dy/Tb may be {low:g}–{high:g} wt% depending on the class"
    return _family_grade(family, "NdFeB", notes=(note,), confidence=Confidence.LOW)


# ------------------------------------------------------------------ other families


@cache
def _named_grades() -> dict[str, Grade]:
    grades: dict[str, Grade] = {}
    for row in grade_tables()["named"]:
        notes, energy = tuple(row.get("notes", ())), row.get("energy_mgoe")
        grade = _family_grade(Family(row["family"]), row["text"], energy=energy, notes=notes)
        grades.update(dict.fromkeys(row["keys"], grade))
    return grades


def _smco_unsaid(ctx: _Ctx, _match: re.Match[str]) -> Grade:
    if ctx.family is Family.SMCO5 or ctx.family is Family.SM2CO17:
        return _named_grades()["SMCO5" if ctx.family is Family.SMCO5 else "SM2CO17"]
    raise GradeError(
        ctx.text, "SmCo does not say which kind: write SmCo5 (1:5) or Sm2Co17 (2:17)"
    )


@cache
def _series_rows() -> dict[str, Mapping[str, Any]]:
    return {prefix: row for row in grade_tables()["series"] for prefix in row["prefixes"]}


def _series(ctx: _Ctx, match: re.Match[str]) -> Grade:
    row, number, suffix = _series_rows()[match["p"]], int(match["e"]), match["s"]
    if suffix not in row["suffixes"]:
        known = ", ".join(x.get("text", s) or "(none)" for s, x in row["suffixes"].items())
        raise GradeError(ctx.text, f"unknown {match['p']} suffix {suffix!r}; known: {known}")
    extra = row["suffixes"][suffix]
    head, tail = row["text_prefix"] or match["p"], extra.get("text", suffix)
    _check_range(ctx.text, number, row["energy_range"], lambda e: f"{head}{e}{tail}")
    energy = number if row["unit"] == "MGOe" else round(number / _KJ_PER_MGOE, 2)
    return _family_grade(
        Family(row["family"]),
        f"{head}{number}{tail}",
        energy=energy,
        suffix=tail or None,
        temp=extra.get("max_temp_c", row.get("max_temp_c")),
        notes=(*row["notes"], *extra.get("notes", ())),
        confidence=Confidence(row["confidence"]) if row["confidence"] else None,
    )


@cache
def _rules() -> tuple[tuple[re.Pattern[str], Callable[[_Ctx, re.Match[str]], Grade]], ...]:
    prefixes = "|".join(sorted(_series_rows(), key=len, reverse=True))
    table: tuple[tuple[str, Callable[[_Ctx, re.Match[str]], Grade]], ...] = (
        (rf"CEN?{_E}(?P<s>[A-Z]*)", _ndfeb_of(Family.CE_NDFEB)),
        (rf"N{_E}(?P<s>[A-Z]*?)CE", _ndfeb_of(Family.CE_NDFEB)),
        (rf"HDN?{_E}(?P<s>[A-Z]*)", _ndfeb_of(Family.HOT_DEFORMED_NDFEB)),
        (rf"(?P<n>N)?{_E}(?P<s>[A-Z]*)", _ndfeb),
        (r"(?:SINTERED)?(?:NDFEB|NEODYMIUM|NEO)", _generic_ndfeb),
        (r"SMCO|SAMARIUMCOBALT", _smco_unsaid),
        (rf"(?P<p>{prefixes}){_E}(?P<s>[A-Z0-9]*)", _series),
    )
    return tuple((re.compile(pattern), build) for pattern, build in table)
