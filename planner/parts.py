"""What the app derives about a magnet part: grade, dimensions, mass, content, licence need."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from planner.families import Family, family_info
from planner.grades import Grade, GradeError, parse_grade
from planner.rules import ItemForm, LicenceEvaluation, PartFacts, RuleSet, evaluate
from planner.shapes import (
    DimensionError,
    Dimensions,
    PieceMass,
    Shape,
    parse_dimensions,
    piece_mass,
)

if TYPE_CHECKING:
    from datetime import date


class PartRecord(Protocol):
    """The stored part fields derivations read: a `schema.Part` or a plain record.

    The parts table and the first paint read parts without the ORM (`planner.quickread`).
    """

    @property
    def family(self) -> str: ...
    @property
    def grade(self) -> str | None: ...
    @property
    def shape(self) -> str | None: ...
    @property
    def dimensions(self) -> str | None: ...
    @property
    def stated_mass_g(self) -> float | None: ...
    @property
    def measured_dy_pct(self) -> float | None: ...
    @property
    def measured_tb_pct(self) -> float | None: ...
    @property
    def form(self) -> str: ...


class SupplierRecord(Protocol):
    """The supplier fields the parts table and the licence question read."""

    @property
    def name(self) -> str: ...
    @property
    def country(self) -> str: ...
    @property
    def chinese_owned(self) -> bool: ...
    @property
    def heavy_re_origin(self) -> str | None: ...


@dataclass(frozen=True)
class PartInsight:
    """Everything derived about one part on one date.

    Attributes:
        grade: Parsed grade, or None when absent or unreadable.
        grade_problem: Why the stored grade text could not be read, if it could not.
        dimensions: Parsed dimensions, or None.
        dimension_problem: Why the stored dimensions could not be read, if they could not.
        mass: Mass per piece and where it comes from.
        dy_tb_wt_pct: Dy+Tb content used for exposure (measured, else grade midpoint).
        sm_wt_pct: Sm content used for exposure.
        content_measured: True when Dy/Tb comes from the part's own measurement.
        licence: The licence evaluation.
    """

    grade: Grade | None
    grade_problem: str | None
    dimensions: Dimensions | None
    dimension_problem: str | None
    mass: PieceMass
    dy_tb_wt_pct: float
    sm_wt_pct: float
    content_measured: bool
    licence: LicenceEvaluation


def read_grade(part: PartRecord) -> tuple[Grade | None, str | None]:
    """Parse the part's grade text; return (grade, problem)."""
    if not part.grade:
        return None, None
    try:
        return parse_grade(part.grade, family=Family(part.family)), None
    except GradeError as exc:
        return None, exc.reason


def read_dimensions(part: PartRecord) -> tuple[Dimensions | None, str | None]:
    """Parse the part's dimension text; return (dimensions, problem)."""
    if not part.dimensions:
        return None, None
    shape = Shape(part.shape) if part.shape else None
    try:
        return parse_dimensions(part.dimensions, shape=shape), None
    except DimensionError as exc:
        return None, exc.reason


def _content(part: PartRecord, grade: Grade | None) -> tuple[float, float, bool]:
    family = family_info(Family(part.family))
    if part.measured_dy_pct is not None or part.measured_tb_pct is not None:
        dy_tb = (part.measured_dy_pct or 0.0) + (part.measured_tb_pct or 0.0)
        measured = True
    else:
        low, high = grade.dy_tb_wt_pct if grade is not None else family.dy_tb_wt_pct
        dy_tb, measured = (low + high) / 2, False
    sm = grade.sm_wt_pct if grade is not None and grade.sm_wt_pct is not None else None
    return dy_tb, sm if sm is not None else (family.samarium_wt_pct or 0.0), measured


def china_origin_content(supplier: SupplierRecord | None) -> bool | None:
    """Return whether a supplier's magnets carry Chinese-origin rare earths or technology.

    Read from the supplier's recorded heavy rare-earth origin and ownership (Announcement 61
    counts both): True for Chinese origin or a Chinese owner, False for a declared
    non-Chinese origin, None when unknown.
    """
    if supplier is None:
        return None
    origin = (supplier.heavy_re_origin or "").strip().upper()
    if supplier.chinese_owned or origin.startswith("CN"):
        return True
    if len(origin) == 2 and origin.isalpha():
        return False
    return None


def part_facts(
    part: PartRecord, supplier: SupplierRecord | None, grade: Grade | None
) -> PartFacts:
    """Return the facts the rule set needs about a part."""
    return PartFacts(
        family=Family(part.family),
        grade=grade,
        measured_dy_pct=part.measured_dy_pct,
        measured_tb_pct=part.measured_tb_pct,
        form=ItemForm(part.form),
        supplier_country=supplier.country if supplier is not None else None,
        china_origin_content=china_origin_content(supplier),
    )


def insight(
    part: PartRecord, supplier: SupplierRecord | None, on: date, rule_set: RuleSet
) -> PartInsight:
    """Derive grade, dimensions, mass, content and licence need of a part on a date."""
    grade, grade_problem = read_grade(part)
    dimensions, dimension_problem = read_dimensions(part)
    mass = piece_mass(
        stated_g=part.stated_mass_g, dimensions=dimensions, family=Family(part.family)
    )
    dy_tb, sm, measured = _content(part, grade)
    return PartInsight(
        grade=grade,
        grade_problem=grade_problem,
        dimensions=dimensions,
        dimension_problem=dimension_problem,
        mass=mass,
        dy_tb_wt_pct=dy_tb,
        sm_wt_pct=sm,
        content_measured=measured,
        licence=evaluate(part_facts(part, supplier, grade), on, rule_set),
    )
