"""Recognise a loose magnet in free text (a BOM description) and read what the text says.

"N52 12x5x3mm", "6x3mm Neodimium Magnet", "⌀8 x 2.5mm Encoder Magnet", "SmCo 2:17 ring
10x5x3", "Magnet N35 D10x2" are magnets; "Enameled magnet wire", "magnetic latch", "reed
switch", "NEMA 17 stepper motor" are not. Motors, speakers and encoders are flagged as
containing magnets, for information only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from planner.families import Family, family_info
from planner.grades import Grade, GradeError, parse_grade
from planner.shapes import DimensionError, Dimensions, Shape, parse_dimensions, piece_mass


@dataclass(frozen=True)
class MagnetGuess:
    """What a line of text says about a magnet.

    Attributes:
        is_magnet: The line is a loose (or pot) permanent magnet to buy.
        contains_magnets: The line is a device holding magnets (motor, speaker, encoder,
            magnetic catch); information only, never imported as a magnet part.
        family: Magnet family named or implied (None when not a magnet).
        grade: Grade named in the text (N52, Sm2Co17 ...), else None.
        shape: Shape read from the text, if any.
        dimensions_mm: Sizes in mm in the order of planner.shapes.Dimensions.mm.
        mass_g: Estimated (or stated) mass per piece in grams.
        mass_origin: "stated", "estimated" or "unknown".
        reasons: Why, in words a buyer can check.
        dimensions: Canonical dimension text ("disc ⌀6 × 3 mm"), if any.
        family_assumed: True when no family was named and sintered NdFeB is assumed.
    """

    is_magnet: bool
    contains_magnets: bool
    family: Family | None
    grade: str | None
    shape: Shape | None
    dimensions_mm: tuple[float, ...] | None
    mass_g: float | None
    mass_origin: str
    reasons: list[str] = field(default_factory=list)
    dimensions: str | None = None
    family_assumed: bool = False


_NOUN = re.compile(r"^([a-z]*?)(magnets?|magnete|magneten|iman|imanes|aimants?)$")
_NOT_A_NOUN_PREFIX = ("electro", "elektro")
_PREFIX_SHAPES = {
    "ring": Shape.RING, "scheiben": Shape.DISC, "scheibe": Shape.DISC, "rund": Shape.DISC,
    "stab": Shape.DISC, "quader": Shape.BLOCK, "block": Shape.BLOCK, "wurfel": Shape.BLOCK,
    "disc": Shape.DISC, "disk": Shape.DISC, "bar": Shape.BLOCK, "rod": Shape.DISC,
}  # fmt: skip
_SHAPE_WORDS = {
    "disc": Shape.DISC, "disk": Shape.DISC, "discs": Shape.DISC, "disks": Shape.DISC,
    "round": Shape.DISC, "cylinder": Shape.DISC, "cylindrical": Shape.DISC, "rod": Shape.DISC,
    "scheibe": Shape.DISC, "ring": Shape.RING, "rings": Shape.RING, "tube": Shape.RING,
    "block": Shape.BLOCK, "blocks": Shape.BLOCK, "cube": Shape.BLOCK, "cuboid": Shape.BLOCK,
    "bar": Shape.BLOCK, "rectangular": Shape.BLOCK, "quader": Shape.BLOCK,
    "square": Shape.BLOCK, "arc": Shape.ARC, "segment": Shape.ARC,
}  # fmt: skip
_FAMILY_WORDS = {
    "neodymium": Family.SINTERED_NDFEB, "neodimium": Family.SINTERED_NDFEB,
    "neodym": Family.SINTERED_NDFEB, "neodymmagnet": Family.SINTERED_NDFEB,
    "neodimio": Family.SINTERED_NDFEB, "neodyme": Family.SINTERED_NDFEB,
    "ndfeb": Family.SINTERED_NDFEB, "smco": Family.SM2CO17, "samarium": Family.SM2CO17,
    "smco5": Family.SMCO5, "sm2co17": Family.SM2CO17, "alnico": Family.ALNICO,
}  # fmt: skip
# Weak family words count only next to the word "magnet" ("ceramic capacitor" is not one).
_WEAK_FAMILY_WORDS = {
    "neo": Family.SINTERED_NDFEB, "ferrite": Family.FERRITE, "ferrit": Family.FERRITE,
    "ceramic": Family.FERRITE, "keramik": Family.FERRITE, "ferritmagnet": Family.FERRITE,
    "rubber": Family.FERRITE, "flexible": Family.FERRITE, "magnetfolie": Family.FERRITE,
}  # fmt: skip
_WIRE_WORDS = frozenset({"wire", "wires", "draht", "lackdraht", "awg", "swg", "enameled"})
_WIRE_WORDS |= {"enamelled", "winding", "litz"}


# Words that, right after "magnet", make it the modifier of another thing.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_HEAD_AFTER_NOUN = _words(
    "wire wires holder holders mount mounts base bases catch latch switch switches sensor "
    "sensors stirrer stirrers clip clips tool pickup cover cap caps lock locks board "
    "kit kits clamp"
)
_DEVICES = _words(
    "motor motors stepper steppers servo servos bldc brushless pancake nema woofer woofers "
    "tweeter tweeters subwoofer loudspeaker loudspeakers speaker speakers headphone "
    "headphones encoder encoders generator alternator dynamo magnetic magnetisch"
)
_NOT_THE_DEVICE = _words(
    "driver drivers controller controllers mount mounts bracket brackets board boards "
    "cable cables coupler couplers shaft shafts holder clip clips hole pattern plate "
    "plates pulley pulleys base cover housing spacer spacers wire wires terminal "
    "terminals connector connectors inductor inductors resistor resistors capacitor "
    "capacitors potentiometer fuse diode transistor"
)

_NUM = r"\d+(?:[.,]\d+)?(?:\s*/\s*\d+)?"
_UNIT = r"(?:\s*(?:mm|cm|inch(?:es)?|in\b|\"|''))?"
_MARK = r"(?:[⌀ø∅]\s*|(?<![a-z0-9])(?:od|id|dia|d|r)\s*)?"
_ROLE = r"(?:\s*(?:od|id|dia|thick|long|l|w|h|t|°)(?![a-z]))?"
_ITEM = rf"(?<![a-wyz0-9.,]){_MARK}{_NUM}{_UNIT}{_ROLE}"
# Sizes are joined by x (or by a space before a marked size: "R20 r15 45° x 30").
_SEP = r"\s*(?:x|×|\*|by)\s*|\s+(?=(?:[⌀ø∅]|(?:od|id|dia|d|r)\s*\d|\d+(?:[.,]\d+)?\s*°))"
_DIMS = re.compile(rf"{_ITEM}(?:(?:{_SEP}){_ITEM}){{1,3}}")
_GRADE_RE = re.compile(
    r"(?<![a-z0-9])(?:"
    r"(?:ce-?)?n\s?\d{2}(?:[a-z]{1,2})?|hd\s?n?\d{2}[a-z]{0,2}"
    r"|smco\s?(?:1\s?:\s?5|2\s?:\s?17|5|17)?|sm2co17|sm1co5|1\s?:\s?5|2\s?:\s?17"
    r"|yxg?-?\d{2}[a-z]{0,2}|lngt?\d{2}[a-z]?|alnico\s?\d{1,2}|bn[pi]-?\d{1,2}"
    r"|y\d{1,2}[a-z]{0,2}|c\s?\d{1,2}"
    r")(?![a-z0-9:])"
)
_STRONG_GRADE_FAMILIES = frozenset(Family) - {Family.FERRITE}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return folded.translate(str.maketrans("×✕*″“”_", 'xxx""" ')).replace("''", '"')


def _grade(folded: str, family: Family | None, has_noun: bool) -> Grade | None:
    for match in _GRADE_RE.finditer(folded):
        try:
            grade = parse_grade(match.group())
        except GradeError:
            continue
        if grade.energy_mgoe is None and grade.family not in {Family.SM2CO17, Family.SMCO5}:
            continue  # a bare family name ("NdFeB") is no grade
        if grade.family in _STRONG_GRADE_FAMILIES or has_noun or family is Family.FERRITE:
            return grade
    return None


def grade_in_text(text: str) -> Grade | None:
    """Return the first real magnet grade named in a text (N42SH, Sm2Co17 ...), or None."""
    return _grade(_fold(text), None, has_noun=True)


def _family(words: list[str], compact: str, has_noun: bool) -> tuple[Family | None, str]:
    for word in words:
        if word in _FAMILY_WORDS:
            return _FAMILY_WORDS[word], word
        if has_noun and word in _WEAK_FAMILY_WORDS:
            return _WEAK_FAMILY_WORDS[word], word
    if "ndfeb" in compact:
        return Family.SINTERED_NDFEB, "NdFeB"
    if "rareearth" in compact or "seltenerd" in compact:
        return Family.SINTERED_NDFEB, "rare earth"
    return None, ""


def _dimensions(folded: str, shape: Shape | None) -> tuple[Dimensions | None, str]:
    for match in _DIMS.finditer(folded):
        text = match.group().strip()
        for hint, note in ((shape, ""), (None, "")):
            try:
                return parse_dimensions(text, shape=hint), note
            except DimensionError:
                continue
        try:
            dims = parse_dimensions(text, shape=Shape.DISC)
        except DimensionError:
            continue
        return dims, f"two sizes {text!r} read as diameter × height (disc)"
    return None, ""


def _nouns(words: list[str]) -> list[tuple[int, str]]:
    found = []
    for index, word in enumerate(words):
        match = _NOUN.match(word)
        if match and not match.group(1).startswith(_NOT_A_NOUN_PREFIX):
            found.append((index, match.group(1)))
    return found


def _device(words: list[str]) -> str | None:
    if set(words) & _NOT_THE_DEVICE:
        return None
    for word in words:
        if word in _DEVICES or word.startswith("nema"):
            return word
    return None


def _not_loose(words: list[str], nouns: list[tuple[int, str]]) -> str | None:
    """Return why a line that says "magnet" is not a loose magnet, or None."""
    wire = set(words) & _WIRE_WORDS
    if wire:
        return f"magnet wire ('{sorted(wire)[0]}')"
    for index, _ in nouns:
        after = set(words[index + 1 : index + 3]) & _HEAD_AFTER_NOUN
        if after:
            return f"a magnet {sorted(after)[0]}, not a magnet"
    return None


@lru_cache(maxsize=32_768)
def recognise(text: str, *, stated_mass_g: float | None = None) -> MagnetGuess:
    """Read a line of free text as a magnet, a device holding magnets, or neither.

    Remembered: a long BOM names the same magnets many times, and the import preview asks
    again for the rows it shows. The guess is shared; callers never change it.
    """
    folded = _fold(text)
    words = re.findall(r"[a-z]+[0-9]*|[0-9]+", folded)
    compact = re.sub(r"[^a-z0-9]", "", folded)
    nouns = _nouns(words)
    reasons: list[str] = []
    family, family_word = _family(words, compact, bool(nouns))
    grade = _grade(folded, family, bool(nouns))
    shape = next((_SHAPE_WORDS[w] for w in words if w in _SHAPE_WORDS), None)
    shape = shape or next((_PREFIX_SHAPES[p] for _, p in nouns if p in _PREFIX_SHAPES), None)
    dims, dims_note = _dimensions(folded, shape)
    refused = _not_loose(words, nouns)
    device = _device(words)
    contains = device is not None or (refused is not None and "wire" not in refused)
    if nouns:
        reasons.append("says 'magnet'")
    elif family_word and (shape or dims):
        reasons.append(f"names a magnet material ({family_word}) with a shape or size")
    elif grade is not None and dims is not None:
        reasons.append(f"names a magnet grade ({grade.text}) with a size")
    else:
        return _not_magnet(reasons, device, contains)
    if refused is not None or (device is not None and not nouns):
        reasons.append(f"not a loose magnet: {refused or device}")
        return _not_magnet(reasons, device, contains)
    found = _Found(family, family_word, grade, shape, dims, dims_note)
    return _magnet(reasons, found, stated_mass_g)


def _not_magnet(reasons: list[str], device: str | None, contains: bool) -> MagnetGuess:
    if not reasons:
        reasons.append("no magnet named")
    if contains:
        reasons.append(f"contains magnets ({device or 'magnetic device'}); not imported")
    return MagnetGuess(False, contains, None, None, None, None, None, "unknown", reasons)


@dataclass(frozen=True)
class _Found:
    family: Family | None
    family_word: str
    grade: Grade | None
    shape: Shape | None
    dims: Dimensions | None
    dims_note: str


def _magnet(reasons: list[str], found: _Found, stated_mass_g: float | None) -> MagnetGuess:
    assumed = False
    family, grade, shape, dims = found.family, found.grade, found.shape, found.dims
    if grade is not None:
        family, label = grade.family, family_info(grade.family).label
        said = label if label.startswith(grade.text) else f"{grade.text} ({label})"
        reasons.append(f"grade {said}")
    elif family is not None:
        label = family_info(family).label
        reasons.append(f"family {label} (from {found.family_word!r}); no grade")
    else:
        family, assumed = Family.SINTERED_NDFEB, True
        reasons.append("no family named: assumed sintered NdFeB, the usual loose magnet")
    if dims is not None:
        shape = dims.shape
        reasons.append(found.dims_note or f"dimensions {dims.describe()}")
    else:
        reasons.append("no dimensions found")
    mass = piece_mass(stated_g=stated_mass_g, dimensions=dims, family=family)
    reasons.append(mass.explanation)
    return MagnetGuess(
        is_magnet=True,
        contains_magnets=False,
        family=family,
        grade=grade.text if grade is not None else None,
        shape=shape,
        dimensions_mm=dims.mm if dims is not None else None,
        mass_g=mass.grams,
        mass_origin=mass.origin.value,
        reasons=reasons,
        dimensions=dims.describe() if dims is not None else None,
        family_assumed=assumed,
    )
