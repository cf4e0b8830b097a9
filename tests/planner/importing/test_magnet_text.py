"""Magnet lines in free text: loose magnets, devices that hold magnets, and neither."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.families import Family
from planner.importing.magnet_text import recognise
from planner.shapes import Shape

MAGNETS = [
    # text, family, grade, shape, dimensions in mm
    ("N52 12x5x3mm", Family.SINTERED_NDFEB, "N52", Shape.BLOCK, (12.0, 5.0, 3.0)),
    ("6x3mm Neodimium Magnet", Family.SINTERED_NDFEB, None, Shape.DISC, (6.0, 3.0)),
    ("⌀8 x 2.5mm Encoder Magnet", Family.SINTERED_NDFEB, None, Shape.DISC, (8.0, 2.5)),
    ("SmCo 2:17 ring 10x5x3", Family.SM2CO17, "Sm2Co17", Shape.RING, (10.0, 5.0, 3.0)),
    ('Neodymium magnet 1/4" x 1/8"', Family.SINTERED_NDFEB, None, Shape.DISC, (6.35, 3.175)),
    ("Magnet N35 D10x2", Family.SINTERED_NDFEB, "N35", Shape.DISC, (10.0, 2.0)),
    ("Ferrite ring magnet 20x10x5", Family.FERRITE, None, Shape.RING, (20.0, 10.0, 5.0)),
    ("Neodymium disc (8 mm x 3 mm)", Family.SINTERED_NDFEB, None, Shape.DISC, (8.0, 3.0)),
    ("Ringmagnet N42SH 10x5x3", Family.SINTERED_NDFEB, "N42SH", Shape.RING, (10.0, 5.0, 3.0)),
    ("Scheibenmagnet Ø10 x 2 mm", Family.SINTERED_NDFEB, None, Shape.DISC, (10.0, 2.0)),
    ("Rotor magnet arc R20 r15 45° x 30 N45UH", Family.SINTERED_NDFEB, "N45UH", Shape.ARC,
     (20.0, 15.0, 45.0, 30.0)),
]  # fmt: skip

NOT_MAGNETS = [
    # text, contains_magnets
    ("Enameled magnet wire", False),
    ("Magnet wire 0.5mm", False),
    ("Magnet Wire Narrow gauge epoxy insulated (1 m)", False),
    ("magnetic latch", True),
    ("Magnetic door catch", True),
    ("magnetic switch", True),
    ("reed switch", False),
    ("Hall sensor", False),
    ("NEMA 17 stepper motor", True),
    ("BLDC motor", True),
    ("rotary encoder", True),
    ("N20 6v/500RPM motors", True),
    ('Woofer Toyotone TT-660 6.5" 60W 8Ω', True),
    ("TMC2209 Stepper Motor Driver", False),
    ("Toroidal inductor (woofer LPF)", False),
    ("Ceramic capacitor 10x5x3", False),
    ("Knee bearings 22mm OD x 8mm ID x 7mm thickness", False),
    ("NEMA17_HOLE_PATTERNNEW", False),
    ("Magnetic Side Latch Base", False),
    ("Electromagnet 12V 25mm", False),
    ("M3x8 SHCS", False),
]


@pytest.mark.parametrize(("text", "family", "grade", "shape", "mm"), MAGNETS)
def test_magnet_lines_are_read(
    text: str, family: Family, grade: str | None, shape: Shape, mm: tuple[float, ...]
) -> None:
    guess = recognise(text)
    assert guess.is_magnet, guess.reasons
    assert not guess.contains_magnets
    assert (guess.family, guess.grade, guess.shape) == (family, grade, shape)
    assert guess.dimensions_mm == pytest.approx(mm)
    assert guess.mass_g is not None
    assert guess.mass_g > 0
    assert guess.mass_origin == "estimated"


@pytest.mark.parametrize(("text", "contains"), NOT_MAGNETS)
def test_things_that_are_not_loose_magnets(text: str, contains: bool) -> None:
    guess = recognise(text)
    assert not guess.is_magnet, guess.reasons
    assert guess.contains_magnets is contains
    assert (guess.family, guess.grade, guess.mass_g) == (None, None, None)


def test_no_family_named_assumes_sintered_ndfeb_and_says_so() -> None:
    guess = recognise("6x3 magnet")
    assert guess.family is Family.SINTERED_NDFEB
    assert guess.family_assumed
    assert guess.grade is None
    assert any("assumed" in reason for reason in guess.reasons)


def test_two_sizes_read_as_diameter_then_height() -> None:
    guess = recognise("3mmx6mm Magnets")
    assert (guess.shape, guess.dimensions_mm) == (Shape.DISC, (3.0, 6.0))
    assert any("diameter × height" in reason for reason in guess.reasons)


def test_stated_mass_wins_over_the_estimate() -> None:
    guess = recognise("N42 magnet 10x10x5", stated_mass_g=3.9)
    assert (guess.mass_g, guess.mass_origin) == (3.9, "stated")


def test_a_magnet_without_sizes_has_unknown_mass() -> None:
    guess = recognise("Neodymium magnet")
    assert guess.is_magnet
    assert (guess.dimensions_mm, guess.mass_g, guess.mass_origin) == (None, None, "unknown")


# ------------------------------------------------------------------ properties

_FAMILY_WORDS = st.sampled_from(["Neodymium", "NdFeB", "neodimium", "Neodym", "", "rare earth"])
_SHAPES = st.sampled_from([("disc", 2), ("ring", 3), ("block", 3), ("", 3)])
_SIZES = st.lists(
    st.integers(min_value=2, max_value=60).map(float), min_size=3, max_size=3, unique=True
).map(lambda xs: sorted(xs, reverse=True))
_NOUNS = st.sampled_from(["magnet", "Magnet", "MAGNETS", "magnets", "Magnete"])


@settings(max_examples=150, deadline=None)
@given(_FAMILY_WORDS, _SHAPES, _SIZES, _NOUNS, st.sampled_from(["x", " x ", "×", "*"]))
def test_generated_magnet_lines_keep_their_sizes(
    family: str, shape: tuple[str, int], sizes: list[float], noun: str, sep: str
) -> None:
    word, count = shape
    numbers = sizes[:count]
    dims = sep.join(f"{n:g}" for n in numbers) + "mm"
    guess = recognise(" ".join(p for p in (family, word, noun, dims) if p))
    assert guess.is_magnet, guess.reasons
    assert guess.family is Family.SINTERED_NDFEB
    assert guess.dimensions_mm == pytest.approx(tuple(numbers))
    assert guess.mass_g is not None
    assert guess.mass_g > 0


_DEVICE_LINES = st.sampled_from(
    ["magnet wire", "Enamelled magnet wire 0.3mm", "reed switch", "Hall sensor",
     "stepper motor", "magnetic catch", "rotary encoder", "motor driver", "M3x8 screw"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(_DEVICE_LINES, st.text(alphabet="abcdefghij 0123456789-", max_size=20))
def test_devices_and_wire_never_become_magnets(line: str, noise: str) -> None:
    assert not recognise(f"{line} {noise}").is_magnet


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_any_text_is_read_without_raising(text: str) -> None:
    guess = recognise(text)
    if guess.is_magnet:
        assert guess.family is not None
    else:
        assert guess.mass_g is None
