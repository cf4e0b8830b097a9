"""Tests for planner.shapes: dimension strings, volumes and mass per piece."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.families import Family
from planner.shapes import (
    DimensionError,
    Dimensions,
    MassOrigin,
    Shape,
    parse_dimensions,
    piece_mass,
)

BLOCK, DISC, RING, ARC = Shape.BLOCK, Shape.DISC, Shape.RING, Shape.ARC
INCH = 25.4

# text, shape hint, expected shape, expected mm, unit written in
PARSED = [
    ("12x5x3mm", None, BLOCK, (12, 5, 3), "mm"),
    ("12 x 5 x 3 mm", None, BLOCK, (12, 5, 3), "mm"),
    ("12×5×3", None, BLOCK, (12, 5, 3), "mm"),
    ("12*5*3", None, BLOCK, (12, 5, 3), "mm"),
    ("L12 W5 H3", None, BLOCK, (12, 5, 3), "mm"),
    ("W5 L12 T3", None, BLOCK, (12, 5, 3), "mm"),
    ("12 by 5 by 3", None, BLOCK, (12, 5, 3), "mm"),
    ("1.2 x 0.5 x 0.3 cm", None, BLOCK, (12, 5, 3), "cm"),
    ("12,5x5x3", None, BLOCK, (12.5, 5, 3), "mm"),
    ("1/2 x 1/8 x 1/16in", None, BLOCK, (12.7, 3.175, 1.5875), "in"),
    ('0.5" x 0.125" x 0.0625"', None, BLOCK, (12.7, 3.175, 1.5875), "in"),
    ("1 1/4 x 1/2 x 1/8 inch", None, BLOCK, (31.75, 12.7, 3.175), "in"),
    ("1-1/4 x 1/2 x 1/8 in", None, BLOCK, (31.75, 12.7, 3.175), "in"),
    ('1/2" dia x 1/8"', None, DISC, (12.7, 3.175), "in"),
    ("⌀8 x 2.5mm", None, DISC, (8, 2.5), "mm"),
    ("Ø8x2.5", None, DISC, (8, 2.5), "mm"),
    ("ø8 x 2,5 mm", None, DISC, (8, 2.5), "mm"),
    ("D10x2", None, DISC, (10, 2), "mm"),
    ("dia 10 x 2", None, DISC, (10, 2), "mm"),
    ("10 dia x 2", None, DISC, (10, 2), "mm"),
    ("d8 x h2.5", None, DISC, (8, 2.5), "mm"),
    ("10x2 disc", None, DISC, (10, 2), "mm"),
    ("10x2", DISC, DISC, (10, 2), "mm"),
    ("rod d6 l20", None, DISC, (6, 20), "mm"),
    ("⌀10/⌀5 x 3", None, RING, (10, 5, 3), "mm"),
    ("OD10 ID5 x 3", None, RING, (10, 5, 3), "mm"),
    ("10x5x3 ring", None, RING, (10, 5, 3), "mm"),
    ("10x5x3", RING, RING, (10, 5, 3), "mm"),
    ("R20 r15 45° x 30", None, ARC, (20, 15, 45, 30), "mm"),
    ("arc R20xR15x45x30", None, ARC, (20, 15, 45, 30), "mm"),
    ("arc 20x15x45x30", None, ARC, (20, 15, 45, 30), "mm"),
    ("R1 r0.5 90deg x 2 in", None, ARC, (25.4, 12.7, 90, 50.8), "in"),
]


@pytest.mark.parametrize(("text", "hint", "shape", "mm", "unit"), PARSED)
def test_dimension_syntaxes(
    text: str, hint: Shape | None, shape: Shape, mm: tuple[float, ...], unit: str
) -> None:
    dims = parse_dimensions(text, shape=hint)
    assert dims.shape is shape
    assert dims.mm == pytest.approx(mm)
    assert dims.unit == unit


@pytest.mark.parametrize(
    ("text", "hint", "mentions"),
    [
        ("10x2", None, ("two dimensions", "⌀")),
        ("0x5x3", None, ("greater than zero",)),
        ("12x-5x3", None, ("greater than zero",)),
        ("⌀0 x 2", None, ("greater than zero",)),
        ("⌀5/⌀10 x 3", None, ("inner diameter", "smaller")),
        ("5x10x3", RING, ("inner diameter",)),
        ("R15 r20 45° x 30", None, ("inner radius", "smaller")),
        ("R20 r15 0° x 30", None, ("angle",)),
        ("R20 r15 400° x 30", None, ("angle", "360")),
        ("3000x5x3", None, ("2000 mm",)),
        ("100 x 50 x 30 in", None, ("2000 mm",)),
        ("0.001x5x3", None, ("0.01 mm",)),
        ("", None, ("no sizes",)),
        ("mm", None, ("no sizes",)),
        ("12x5", BLOCK, ("block needs 3 sizes",)),
        ("12 x 5 x 3 x 4", None, ("block needs 3 sizes", "got 4")),
        ("R10xr5x3", None, ("arc needs 4 sizes", "angle")),
        ("12x5x3 mm in", None, ("mixed units",)),
        ("10x5x3 ring", DISC, ("conflicting shapes",)),
        ("⌀10 x 5 x 3", BLOCK, ("block has no diameter",)),
        ("d10 d5", DISC, ("diameter is given twice",)),
        ("° 12 x 5 x 3", None, ("angle", "does not follow a number")),
        ("12 apples", None, ("unknown word", "apples")),
        ("12x5x3 %", None, ("unexpected character",)),
        ("1/0 x 2 x 3", None, ("divides by zero",)),
    ],
)
def test_rejections_say_why(text: str, hint: Shape | None, mentions: tuple[str, ...]) -> None:
    with pytest.raises(DimensionError) as caught:
        parse_dimensions(text, shape=hint)
    assert caught.value.text == text
    for fact in mentions:
        assert fact in caught.value.reason


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("12x5x3mm", "block 12 × 5 × 3 mm"),
        ("Ø8x2.5", "disc ⌀8 × 2.5 mm"),
        ("OD10 ID5 x 3", "ring ⌀10/⌀5 × 3 mm"),
        ("arc R20xR15x45x30", "arc R20/R15 45° × 30 mm"),
        ("1/2 x 1/8 x 1/16in", "block 12.7 × 3.175 × 1.5875 mm"),
    ],
)
def test_describe_is_canonical_millimetres(text: str, canonical: str) -> None:
    assert parse_dimensions(text).describe() == canonical


# Volumes worked by hand:
#   block 12 × 5 × 3 = 180 mm³
#   disc ⌀8 × 2.5 = π/4 · 64 · 2.5 = 40π = 125.66 mm³
#   ring ⌀10/⌀5 × 3 = π/4 · (100 − 25) · 3 = 56.25π = 176.71 mm³
#   inch block 1/2 × 1/8 × 1/16 in = 0.00390625 in³ · 16.387064 cm³/in³ = 64.01 mm³
#   arc R20/R15 45° × 30 = (45/360) · π · (400 − 225) · 30 = 656.25π = 2061.67 mm³
@pytest.mark.parametrize(
    ("text", "volume"),
    [
        ("12x5x3mm", 180.0),
        ("⌀8 x 2.5mm", 40 * math.pi),
        ("⌀10/⌀5 x 3", 56.25 * math.pi),
        ("1/2 x 1/8 x 1/16in", 0.00390625 * 16387.064),
        ("R20 r15 45° x 30", 656.25 * math.pi),
    ],
)
def test_volume_formulas(text: str, volume: float) -> None:
    assert parse_dimensions(text).volume_mm3() == pytest.approx(volume, rel=1e-9)


def test_inch_block_is_64_cubic_millimetres() -> None:
    assert parse_dimensions("1/2 x 1/8 x 1/16in").volume_mm3() == pytest.approx(64.01, abs=0.01)


@pytest.mark.parametrize(
    ("text", "family", "grams"),
    [
        ("12x5x3mm", Family.SINTERED_NDFEB, 1.35),  # 180 mm³ · 7.5 g/cm³
        ("⌀8 x 2.5mm", Family.SINTERED_NDFEB, 0.9425),  # 125.66 mm³ · 7.5
        ("⌀10/⌀5 x 3", Family.SINTERED_NDFEB, 1.3254),  # 176.71 mm³ · 7.5
        ("1/2 x 1/8 x 1/16in", Family.SINTERED_NDFEB, 0.4801),  # 64.01 mm³ · 7.5
        ("R20 r15 45° x 30", Family.SM2CO17, 17.318),  # 2061.67 mm³ · 8.4
        ("⌀20 x 5", Family.FERRITE, 7.6969),  # 500π mm³ · 4.9
    ],
)
def test_mass_estimate_from_dimensions(text: str, family: Family, grams: float) -> None:
    mass = piece_mass(stated_g=None, dimensions=parse_dimensions(text), family=family)
    assert mass.origin is MassOrigin.ESTIMATED
    assert mass.grams == pytest.approx(grams, abs=5e-4)


def test_estimate_explains_density_and_volume() -> None:
    dims = parse_dimensions("12x5x3mm")
    mass = piece_mass(stated_g=None, dimensions=dims, family=Family.SINTERED_NDFEB)
    assert mass.explanation.startswith(
        "estimated from block 12 × 5 × 3 mm at 7.5 g/cm³ (sintered NdFeB typical)"
    )
    assert "180 mm³" in mass.explanation
    assert mass.explanation.endswith("1.35 g")


def test_explanation_rounds_but_grams_keep_full_precision() -> None:
    dims = parse_dimensions("⌀8 x 2.5mm")
    mass = piece_mass(stated_g=None, dimensions=dims, family=Family.SINTERED_NDFEB)
    assert mass.grams == pytest.approx(0.3 * math.pi, rel=1e-12)
    assert mass.explanation.endswith("0.942 g")


def test_stated_mass_wins_over_dimensions() -> None:
    dims = parse_dimensions("12x5x3mm")
    mass = piece_mass(stated_g=1.5, dimensions=dims, family=Family.SINTERED_NDFEB)
    assert (mass.grams, mass.origin) == (1.5, MassOrigin.STATED)
    assert mass.explanation == "stated by user: 1.5 g"


def test_stated_mass_needs_no_dimensions() -> None:
    mass = piece_mass(stated_g=1.35, dimensions=None, family=Family.FERRITE)
    assert (mass.grams, mass.origin, mass.explanation) == (
        1.35,
        MassOrigin.STATED,
        "stated by user: 1.35 g",
    )


@pytest.mark.parametrize("stated", [0.0, -2.0, math.nan])
def test_non_positive_stated_mass_is_ignored_and_said(stated: float) -> None:
    dims = parse_dimensions("12x5x3mm")
    mass = piece_mass(stated_g=stated, dimensions=dims, family=Family.SINTERED_NDFEB)
    assert mass.origin is MassOrigin.ESTIMATED
    assert mass.grams == pytest.approx(1.35)
    assert "ignored" in mass.explanation


def test_no_mass_and_no_dimensions_is_unknown() -> None:
    mass = piece_mass(stated_g=None, dimensions=None, family=Family.SINTERED_NDFEB)
    assert (mass.grams, mass.origin) == (None, MassOrigin.UNKNOWN)
    assert "unknown" in mass.explanation


_SIZES = st.integers(min_value=1, max_value=200_000).map(lambda n: n / 100)  # 0.01-2000 mm


@st.composite
def _dimensions(draw: st.DrawFn) -> Dimensions:
    shape = draw(st.sampled_from(Shape))
    if shape is Shape.BLOCK:
        return Dimensions(shape, (draw(_SIZES), draw(_SIZES), draw(_SIZES)))
    if shape is Shape.DISC:
        return Dimensions(shape, (draw(_SIZES), draw(_SIZES)))
    outer = draw(st.integers(min_value=2, max_value=200_000))
    inner = draw(st.integers(min_value=1, max_value=outer - 1))
    if shape is Shape.RING:
        return Dimensions(shape, (outer / 100, inner / 100, draw(_SIZES)))
    angle = draw(st.integers(min_value=1, max_value=36_000)) / 100
    return Dimensions(shape, (outer / 100, inner / 100, angle, draw(_SIZES)))


@given(_dimensions())
def test_describe_parses_back_to_the_same_dimensions(dims: Dimensions) -> None:
    again = parse_dimensions(dims.describe())
    assert again.shape is dims.shape
    assert again.mm == pytest.approx(dims.mm, rel=1e-9)
    assert again.volume_mm3() == pytest.approx(dims.volume_mm3(), rel=1e-9)


def _outcome(text: str, shape: Shape | None) -> str:
    """Return the canonical text, or the rejection reason; any other exception escapes."""
    try:
        return parse_dimensions(text, shape=shape).describe()
    except DimensionError as error:
        return error.reason


@given(st.text(), st.sampled_from([None, *Shape]))
def test_random_text_raises_only_dimension_error(text: str, shape: Shape | None) -> None:
    assert _outcome(text, shape)


@given(st.text(alphabet='0123456789x×*/ .,-⌀Ø"°dhlwrRinmc', max_size=20))
def test_size_like_noise_raises_only_dimension_error(text: str) -> None:
    assert _outcome(text, None)
