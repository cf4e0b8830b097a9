"""Magnet shapes, dimension strings and mass per piece."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from planner.families import Family, family_info


class Shape(StrEnum):
    """Geometric form of a magnet piece."""

    BLOCK = "block"
    DISC = "disc"
    RING = "ring"
    ARC = "arc"


# Slots of Dimensions.mm per shape, and what each slot is called in messages.
_SLOTS: dict[Shape, tuple[str, ...]] = {
    Shape.BLOCK: ("l", "w", "h"),
    Shape.DISC: ("dia", "h"),
    Shape.RING: ("dia", "id", "h"),
    Shape.ARC: ("r", "ri", "angle", "l"),
}
_SLOT_NAMES = {
    "l": "length", "w": "width", "h": "height", "dia": "diameter", "id": "inner diameter",
    "r": "outer radius", "ri": "inner radius", "angle": "angle",
}  # fmt: skip
_DESCRIBE = {
    Shape.BLOCK: "block {0} × {1} × {2} mm",
    Shape.DISC: "disc ⌀{0} × {1} mm",
    Shape.RING: "ring ⌀{0}/⌀{1} × {2} mm",
    Shape.ARC: "arc R{0}/R{1} {2}° × {3} mm",
}
_MM_PER_UNIT = {"mm": 1.0, "cm": 10.0, "in": 25.4}
_MIN_MM, _MAX_MM = 0.01, 2000.0


@dataclass(frozen=True)
class Dimensions:
    """Dimensions of one piece, always held in millimetres.

    Attributes:
        shape: The shape.
        mm: block (L, W, H); disc (D, H); ring (OD, ID, H); arc (R_outer, R_inner,
            angle_deg, length) -- the angle stays in degrees.
        unit: Unit the text was written in ("mm", "cm" or "in").
    """

    shape: Shape
    mm: tuple[float, ...]
    unit: str = "mm"

    def volume_mm3(self) -> float:
        """Return the volume in cubic millimetres."""
        m = self.mm
        match self.shape:
            case Shape.BLOCK:
                return m[0] * m[1] * m[2]
            case Shape.DISC:
                return math.pi / 4 * m[0] ** 2 * m[1]
            case Shape.RING:
                return math.pi / 4 * (m[0] ** 2 - m[1] ** 2) * m[2]
            case Shape.ARC:
                return m[2] / 360 * math.pi * (m[0] ** 2 - m[1] ** 2) * m[3]

    def describe(self) -> str:
        """Return a canonical text such as "block 12 × 5 × 3 mm" or "ring ⌀10/⌀5 × 3 mm"."""
        return _DESCRIBE[self.shape].format(*(_plain(v) for v in self.mm))


class DimensionError(ValueError):
    """Dimension text that cannot be read; `reason` says why."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"{text!r}: {reason}")
        self.text = text
        self.reason = reason


class MassOrigin(StrEnum):
    """Where a mass per piece comes from."""

    STATED = "stated"
    ESTIMATED = "estimated"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class PieceMass:
    """Mass of one piece and how it was obtained.

    Attributes:
        grams: Mass in grams, unrounded; None when unknown.
        origin: Whether the user stated it, it was estimated, or it is unknown.
        explanation: One sentence a buyer can read, with rounded figures.
    """

    grams: float | None
    origin: MassOrigin
    explanation: str


# Words a dimension text may hold: (kind, value). Kinds: sep, unit, mark (a size's
# role), angle, shape. Glued words ("xr15", "mmx") are split on this vocabulary.
_WORDS: dict[str, tuple[str, str]] = {
    "x": ("sep", ""), "by": ("sep", ""),
    "mm": ("unit", "mm"), "cm": ("unit", "cm"),
    "in": ("unit", "in"), "inch": ("unit", "in"), "inches": ("unit", "in"),
    "d": ("mark", "dia"), "dia": ("mark", "dia"), "diam": ("mark", "dia"),
    "diameter": ("mark", "dia"), "od": ("mark", "dia"), "id": ("mark", "id"),
    "l": ("mark", "l"), "length": ("mark", "l"), "long": ("mark", "l"),
    "w": ("mark", "w"), "width": ("mark", "w"), "wide": ("mark", "w"),
    "h": ("mark", "h"), "height": ("mark", "h"), "t": ("mark", "h"), "thk": ("mark", "h"),
    "thick": ("mark", "h"), "thickness": ("mark", "h"),
    "r": ("mark", "r"), "radius": ("mark", "r"),
    "deg": ("angle", ""), "degree": ("angle", ""), "degrees": ("angle", ""),
    "block": ("shape", "block"), "cube": ("shape", "block"), "cuboid": ("shape", "block"),
    "bar": ("shape", "block"), "rect": ("shape", "block"), "rectangular": ("shape", "block"),
    "plate": ("shape", "block"), "disc": ("shape", "disc"), "disk": ("shape", "disc"),
    "cylinder": ("shape", "disc"), "rod": ("shape", "disc"), "round": ("shape", "disc"),
    "ring": ("shape", "ring"), "tube": ("shape", "ring"),
    "arc": ("shape", "arc"), "segment": ("shape", "arc"),
}  # fmt: skip
_SYMBOLS = {"⌀": ("mark", "dia"), '"': ("unit", "in"), "°": ("angle", "")}
_TOKEN_RE = re.compile(
    r"(?P<num>-?(?:[0-9]+[ -][0-9]+/[0-9]+|[0-9]+/[0-9]+|[0-9]*\.[0-9]+|[0-9]+))"
    r"|(?P<word>[a-z]+)|(?P<sym>[⌀\"°])|(?P<sep>[ \t/,;:()+=.-]+)|(?P<bad>.)"
)
# Per shape, roles that mean another slot (a rod's length is a disc's height).
_ROLE_ALIASES: dict[Shape, dict[str, str]] = {
    Shape.BLOCK: {},
    Shape.DISC: {"l": "h"},
    Shape.RING: {"l": "h"},
    Shape.ARC: {"h": "l"},
}


@dataclass
class _Reading:
    values: list[float] = field(default_factory=list)
    roles: list[str | None] = field(default_factory=list)
    units: set[str] = field(default_factory=set)
    shapes: set[Shape] = field(default_factory=set)


def parse_dimensions(text: str, *, shape: Shape | None = None) -> Dimensions:
    """Return `read_dimensions(text, shape=shape)`, remembered (see `_remembered`).

    Raises:
        DimensionError: The text cannot be read or describes an impossible piece.
    """
    found = _remembered(text, shape)
    if isinstance(found, tuple):
        raise DimensionError(*found)
    return found


@lru_cache(maxsize=8192)
def _remembered(text: str, shape: Shape | None) -> Dimensions | tuple[str, str]:
    """Parse once per (text, shape): a long BOM repeats a few thousand sizes, and reading
    one costs ~60 µs (`make bench`, import of 100,000 lines).

    A refusal is kept as (text, reason); a fresh DimensionError is raised each time.
    """
    try:
        return read_dimensions(text, shape=shape)
    except DimensionError as exc:
        return exc.text, exc.reason


def read_dimensions(text: str, *, shape: Shape | None = None) -> Dimensions:
    """Parse "12x5x3mm", "1/2 x 1/8 x 1/16in", "⌀8 x 2.5mm", "D10x2", "10x5x3 ring" ...

    Sizes are separated by x, ×, *, "by" or spaces; a number may be a decimal (with a
    point or a comma), a fraction (1/16) or a mixed number (1 1/4, 1-1/4). Units are
    mm (default), cm or in (in, inch, "). Markers name a size: ⌀/Ø/D/dia/OD (diameter,
    before or after the number), ID, L/W/H (T = thickness), R (radius), ° or deg (angle).

    - block: three sizes L × W × H ("12x5x3mm", "L12 W5 H3").
    - disc: a diameter and a height ("⌀8 x 2.5mm", "D10x2", "10 dia x 2", "d8 x h2.5").
    - ring: OD, ID, height ("⌀10/⌀5 x 3", "OD10 ID5 x 3", "10x5x3 ring").
    - arc segment: outer radius, inner radius, angle in degrees, length, in that order
      unless marked ("R20 r15 45° x 30", "arc R20xR15x45x30", "arc 20x15x45x30").

    The words block/disc/rod/ring/tube/arc/segment, or `shape`, settle the shape;
    otherwise R or ° means arc, ID or two diameters a ring, one diameter a disc, and
    three plain sizes a block. Two plain sizes are refused as ambiguous.

    Raises:
        DimensionError: The text cannot be read or describes an impossible piece.
    """
    reading = _read(text)
    chosen = _choose_shape(text, reading, shape)
    sizes = _assign(text, chosen, reading)
    if len(reading.units) > 1:
        raise DimensionError(text, f"mixed units ({', '.join(sorted(reading.units))})")
    unit = next(iter(reading.units), "mm")
    scale = _MM_PER_UNIT[unit]
    mm = tuple(
        v if s == "angle" else v * scale for s, v in zip(_SLOTS[chosen], sizes, strict=True)
    )
    dims = Dimensions(chosen, mm, unit)
    _validate(text, dims)
    return dims


def _normalise(text: str) -> str:
    text = text.lower().translate(str.maketrans("øØ∅φΦ″“”×✕*", '⌀⌀⌀⌀⌀"""xxx'))
    return re.sub(r"([0-9]),([0-9])", r"\1.\2", text.replace("''", '"'))


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    for match in _TOKEN_RE.finditer(_normalise(text)):
        kind, value = match.lastgroup or "bad", match.group()
        if kind == "bad":
            raise DimensionError(text, f"unexpected character {value!r}")
        if kind == "word":
            tokens += [_WORDS[word] for word in _split_word(text, value)]
        elif kind == "sym":
            tokens.append(_SYMBOLS[value])
        elif kind == "num":
            tokens.append((kind, value))
    return tokens


def _split_word(text: str, word: str) -> list[str]:
    parts: list[str] = []
    while word:
        head = next((word[:n] for n in range(len(word), 0, -1) if word[:n] in _WORDS), None)
        if head is None:
            raise DimensionError(text, f"unknown word {word!r}")
        parts.append(head)
        word = word[len(head) :]
    return parts


def _number(text: str, token: str) -> float:
    sign, token = (-1.0, token[1:]) if token.startswith("-") else (1.0, token)
    whole, _, frac = token.rpartition(" ") if " " in token else token.rpartition("-")
    if "/" not in frac:
        return sign * float(token)
    top, bottom = frac.split("/")
    if float(bottom) == 0:
        raise DimensionError(text, f"fraction {frac} divides by zero")
    return sign * (float(whole or 0) + float(top) / float(bottom))


def _read(text: str) -> _Reading:
    reading, pending = _Reading(), None
    tokens = _tokens(text)
    for i, (kind, value) in enumerate(tokens):
        if kind == "num":
            reading.values.append(_number(text, value))
            reading.roles.append(pending)
            pending = None
        elif kind == "mark" and i + 1 < len(tokens) and tokens[i + 1][0] == "num":
            pending = value
        elif kind in {"mark", "angle"}:
            _mark_last(text, reading, value or "angle")
        elif kind == "unit":
            reading.units.add(value)
        elif kind == "shape":
            reading.shapes.add(Shape(value))
    if not reading.values:
        raise DimensionError(text, "no sizes given")
    return reading


def _mark_last(text: str, reading: _Reading, role: str) -> None:
    if not reading.roles or (reading.roles[-1] is not None and role != "angle"):
        raise DimensionError(text, f"'{_SLOT_NAMES[role]}' does not follow a number")
    reading.roles[-1] = role


def _choose_shape(text: str, reading: _Reading, shape: Shape | None) -> Shape:
    stated = reading.shapes | ({shape} if shape else set())
    if len(stated) > 1:
        raise DimensionError(text, f"conflicting shapes: {' and '.join(sorted(stated))}")
    if stated:
        return stated.pop()
    roles = set(reading.roles)
    if roles & {"r", "angle"}:
        return Shape.ARC
    if "id" in roles or reading.roles.count("dia") > 1:
        return Shape.RING
    if "dia" in roles:
        return Shape.DISC
    if len(reading.values) == 2:
        raise DimensionError(
            text, "two dimensions: say ⌀ for a disc (⌀10 x 2), or give three for a block"
        )
    return Shape.BLOCK


def _resolve_roles(text: str, shape: Shape, roles: list[str | None]) -> list[str | None]:
    resolved: list[str | None] = []
    for role in roles:
        slot = _ROLE_ALIASES[shape].get(role, role) if role else None
        if slot == "dia" and shape is Shape.RING and "dia" in resolved:
            slot = "id"
        if slot == "r" and shape is Shape.ARC and "r" in resolved:
            slot = "ri"
        if slot is not None and slot not in _SLOTS[shape]:
            raise DimensionError(text, f"{_article(shape)} {shape} has no {_SLOT_NAMES[slot]}")
        if slot is not None and slot in resolved:
            raise DimensionError(text, f"the {_SLOT_NAMES[slot]} is given twice")
        resolved.append(slot)
    return resolved


def _assign(text: str, shape: Shape, reading: _Reading) -> list[float]:
    slots = _SLOTS[shape]
    if len(reading.values) != len(slots):
        names = ", ".join(_SLOT_NAMES[s] for s in slots)
        count = len(reading.values)
        raise DimensionError(
            text, f"{_article(shape)} {shape} needs {len(slots)} sizes ({names}), got {count}"
        )
    roles = _resolve_roles(text, shape, reading.roles)
    marked = {role: v for role, v in zip(roles, reading.values, strict=True) if role}
    loose = iter(v for role, v in zip(roles, reading.values, strict=True) if not role)
    return [marked[s] if s in marked else next(loose) for s in slots]


def _validate(text: str, dims: Dimensions) -> None:
    lengths = [v for s, v in zip(_SLOTS[dims.shape], dims.mm, strict=True) if s != "angle"]
    if not all(math.isfinite(v) for v in dims.mm):
        raise DimensionError(text, "a size is not a finite number")
    if min(lengths) <= 0:
        raise DimensionError(text, "sizes must be greater than zero")
    if max(lengths) > _MAX_MM:
        raise DimensionError(text, f"a size over {_MAX_MM:g} mm (2 m) is not a magnet piece")
    if min(lengths) < _MIN_MM:
        raise DimensionError(text, f"a size under {_MIN_MM:g} mm is not a magnet piece")
    if dims.shape is Shape.RING and dims.mm[1] >= dims.mm[0]:
        raise DimensionError(text, "the inner diameter must be smaller than the outer")
    if dims.shape is Shape.ARC and dims.mm[1] >= dims.mm[0]:
        raise DimensionError(text, "the inner radius must be smaller than the outer")
    if dims.shape is Shape.ARC and not 0 < dims.mm[2] <= 360:
        raise DimensionError(text, "the angle must be more than 0° and at most 360°")


def _article(shape: Shape) -> str:
    return "an" if shape is Shape.ARC else "a"


def _plain(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _rounded(value: float, digits: int) -> str:
    """Return `value` to about `digits` significant figures, never in e-notation."""
    if value <= 0:
        return _plain(value)
    decimals = max(0, digits - 1 - math.floor(math.log10(value)))
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if decimals else text


def piece_mass(
    *, stated_g: float | None, dimensions: Dimensions | None, family: Family
) -> PieceMass:
    """Return the stated mass when given (it always wins), else an estimate from shape.

    A stated mass that is not a positive number is ignored, and the explanation says so.
    """
    if stated_g is not None and math.isfinite(stated_g) and stated_g > 0:
        return PieceMass(
            stated_g, MassOrigin.STATED, f"stated by user: {_rounded(stated_g, 3)} g"
        )
    ignored = "" if stated_g is None else f"stated mass {stated_g:g} g ignored (not positive); "
    if dimensions is None:
        reason = f"{ignored}no stated mass and no dimensions: mass unknown"
        return PieceMass(None, MassOrigin.UNKNOWN, reason)
    info = family_info(family)
    volume = dimensions.volume_mm3()
    grams = volume / 1000 * info.density_g_cm3
    label = info.label
    if label.split()[0].istitle():
        label = label[0].lower() + label[1:]
    explanation = (
        f"{ignored}estimated from {dimensions.describe()} at {info.density_g_cm3:g} g/cm³ "
        f"({label} typical): {_rounded(volume, 4)} mm³ → {_rounded(grams, 3)} g"
    )
    return PieceMass(grams, MassOrigin.ESTIMATED, explanation)
