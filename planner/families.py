"""Magnet families and what is known about each (density, temperature, controlled elements)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources


class Family(StrEnum):
    """A permanent-magnet material family, as buyers and rules distinguish them."""

    SINTERED_NDFEB = "sintered_ndfeb"
    BONDED_NDFEB = "bonded_ndfeb"
    HOT_DEFORMED_NDFEB = "hot_deformed_ndfeb"
    CE_NDFEB = "ce_ndfeb"
    SMCO5 = "smco5"
    SM2CO17 = "sm2co17"
    SMFEN = "smfen"
    FERRITE = "ferrite"
    ALNICO = "alnico"


class Confidence(StrEnum):
    """How sure a fact is (research/domain.md confidence key)."""

    HIGH = "high"
    MED = "med"
    LOW = "low"


@dataclass(frozen=True)
class FamilyInfo:
    """Physical and regulatory facts about one family.

    Attributes:
        family: The family described.
        label: Name shown to buyers.
        density_g_cm3: Typical density used for mass estimates.
        max_temp_c: Nominal maximum working temperature of the family's usual grades.
        rare_earth: Whether the family contains rare earths at all.
        ndfeb: Whether it is an NdFeB variant (Dy/Tb content decides control).
        samarium_wt_pct: Typical Sm content, for Sm families.
        dy_tb_wt_pct: Typical Dy+Tb range where the grade does not say more.
        controlled_elements: Announcement-18 elements the family normally contains.
        sources: Where the figures come from.
        confidence: How sure the figures are.
    """

    family: Family
    label: str
    density_g_cm3: float
    max_temp_c: int
    rare_earth: bool
    ndfeb: bool
    samarium_wt_pct: float | None
    dy_tb_wt_pct: tuple[float, float]
    controlled_elements: tuple[str, ...]
    sources: tuple[str, ...]
    confidence: Confidence


@cache
def all_families() -> dict[Family, FamilyInfo]:
    """Return every family's facts, read once from resources/magnets/families.json."""
    raw = json.loads(resources.files("resources").joinpath("magnets/families.json").read_text())
    infos: dict[Family, FamilyInfo] = {}
    for row in raw["families"]:
        family = Family(row["id"])
        infos[family] = FamilyInfo(
            family=family,
            label=row["label"],
            density_g_cm3=float(row["density_g_cm3"]),
            max_temp_c=int(row["max_temp_c"]),
            rare_earth=bool(row["rare_earth"]),
            ndfeb=bool(row["ndfeb"]),
            samarium_wt_pct=row.get("samarium_wt_pct"),
            dy_tb_wt_pct=(float(row["dy_tb_wt_pct"][0]), float(row["dy_tb_wt_pct"][1])),
            controlled_elements=tuple(row["controlled_elements"]),
            sources=tuple(row["sources"]),
            confidence=Confidence(row["confidence"]),
        )
    missing = set(Family) - set(infos)
    if missing:
        raise RuntimeError(f"families.json lacks {sorted(missing)}")
    return infos


def family_info(family: Family) -> FamilyInfo:
    """Return the facts about one family."""
    return all_families()[family]


_ALIASES: dict[str, Family] = {
    "ndfeb": Family.SINTERED_NDFEB,
    "neo": Family.SINTERED_NDFEB,
    "neodymium": Family.SINTERED_NDFEB,
    "nd": Family.SINTERED_NDFEB,
    "sintered": Family.SINTERED_NDFEB,
    "sinteredndfeb": Family.SINTERED_NDFEB,
    "sinteredneodymium": Family.SINTERED_NDFEB,
    "bonded": Family.BONDED_NDFEB,
    "bondedndfeb": Family.BONDED_NDFEB,
    "bondedneo": Family.BONDED_NDFEB,
    "bondedneodymium": Family.BONDED_NDFEB,
    "hotdeformed": Family.HOT_DEFORMED_NDFEB,
    "hotdeformedndfeb": Family.HOT_DEFORMED_NDFEB,
    "hotpressed": Family.HOT_DEFORMED_NDFEB,
    "hotpressedndfeb": Family.HOT_DEFORMED_NDFEB,
    "mq3": Family.HOT_DEFORMED_NDFEB,
    "cendfeb": Family.CE_NDFEB,
    "cerium": Family.CE_NDFEB,
    "ceriummagnet": Family.CE_NDFEB,
    "celandfeb": Family.CE_NDFEB,
    "celasubstitutedndfeb": Family.CE_NDFEB,
    "smco": Family.SM2CO17,
    "samariumcobalt": Family.SM2CO17,
    "smco5": Family.SMCO5,
    "smco15": Family.SMCO5,
    "15": Family.SMCO5,
    "sm2co17": Family.SM2CO17,
    "smco217": Family.SM2CO17,
    "217": Family.SM2CO17,
    "smfen": Family.SMFEN,
    "samariumironnitride": Family.SMFEN,
    "ferrite": Family.FERRITE,
    "hardferrite": Family.FERRITE,
    "ceramic": Family.FERRITE,
    "strontiumferrite": Family.FERRITE,
    "bariumferrite": Family.FERRITE,
    "alnico": Family.ALNICO,
}


def parse_family(text: str) -> Family | None:
    """Return the family a buyer means by `text` ("NdFeB", "SmCo 2:17", "ceramic" ...).

    Plain "SmCo" means Sm2Co17, the more common grade today; returns None when unknown.
    """
    key = "".join(ch for ch in text.lower() if ch.isalnum())
    if not key:
        return None
    for family in Family:
        if key in {family.value.replace("_", ""), _squash(family_info(family).label)}:
            return family
    return _ALIASES.get(key)


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())
