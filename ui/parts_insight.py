"""Facts derived about part rows, memoised by what decides them, and their wording for buyers.

Evaluating the rule set costs 0.1-1 ms per part, so the parts table never evaluates every
row up front: it asks this cache per row on first display, and the cache remembers each
answer by the facts that decide it (a few hundred combinations for 100,000 parts).
No Qt here: the same texts serve the table, the detail panel and printing.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from planner.families import Family, family_info
from planner.parts import part_facts, read_dimensions, read_grade
from planner.rules import ContentBasis, LicenceEvaluation, LicenceNeed, evaluate
from planner.shapes import Dimensions, MassOrigin, PieceMass, piece_mass

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import date

    from planner.grades import Grade
    from planner.parts import SupplierRecord
    from planner.rules import RuleSet

NEED_TEXT = {
    LicenceNeed.REQUIRED: "required",
    LicenceNeed.NOT_REQUIRED: "not required",
    LicenceNeed.UNVERIFIED: "unverified",
}
NEED_ICON = {
    LicenceNeed.REQUIRED: "required",
    LicenceNeed.NOT_REQUIRED: "not-required",
    LicenceNeed.UNVERIFIED: "unverified",
}
# Sort order of the licence column: what needs attention first.
NEED_RANK = {LicenceNeed.REQUIRED: 0, LicenceNeed.UNVERIFIED: 1, LicenceNeed.NOT_REQUIRED: 2}
BASIS_TEXT = {
    ContentBasis.MEASURED: "Dy/Tb decision: measured (the part's own test report).",
    ContentBasis.ESTIMATED: "Dy/Tb decision: estimated from the grade (no test report).",
    ContentBasis.FAMILY: "Decided by the magnet family (no part-specific content data).",
    ContentBasis.UNKNOWN: "Dy/Tb content unknown: ask the supplier for a test report.",
}

GradeKey = tuple[str, str | None]
ShapeKey = tuple[str, str | None, str | None, float | None]
LicenceKey = tuple[str, str | None, float | None, float | None, str, int | None]


@dataclass(frozen=True, slots=True)
class _Fields:
    """The part fields one derivation reads (a `planner.parts.PartRecord`).

    Plain, not a `schema.Part`: the parts table paints before the ORM is loaded.
    """

    family: str
    grade: str | None = None
    shape: str | None = None
    dimensions: str | None = None
    stated_mass_g: float | None = None
    measured_dy_pct: float | None = None
    measured_tb_pct: float | None = None
    form: str = ""


@dataclass(frozen=True, slots=True)
class Derived:
    """What a row's grade and dimension texts mean.

    Attributes:
        grade: The parsed grade, or None.
        grade_problem: Why the stored grade cannot be read, if it cannot.
        dimensions: The parsed dimensions, or None.
        dimension_problem: Why the stored dimensions cannot be read, if they cannot.
        mass: Mass per piece and where it comes from.
    """

    grade: Grade | None
    grade_problem: str | None
    dimensions: Dimensions | None
    dimension_problem: str | None
    mass: PieceMass

    @property
    def mass_estimated(self) -> bool:
        """Return whether the mass is an estimate from the dimensions."""
        return self.mass.origin is MassOrigin.ESTIMATED


@dataclass(frozen=True, slots=True)
class LicenceView:
    """A licence evaluation with its table tooltip, built once per deciding combination.

    Attributes:
        evaluation: The rule set's answer.
        tooltip: Rich-text tooltip: summary, reasons with rule ids and sources, basis, as-of.
    """

    evaluation: LicenceEvaluation
    tooltip: str

    @property
    def need(self) -> LicenceNeed:
        """Return the answer."""
        return self.evaluation.need


class InsightCache:
    """Memoised grade, dimension, mass and licence facts for part rows.

    Attributes:
        rule_set: The rule set evaluated.
        on: The evaluation date.
    """

    def __init__(
        self, rule_set: RuleSet, on: date, suppliers: Mapping[int, SupplierRecord]
    ) -> None:
        self.rule_set = rule_set
        self.on = on
        self._suppliers = dict(suppliers)
        self._grades: dict[GradeKey, tuple[Grade | None, str | None]] = {}
        self._shapes: dict[ShapeKey, tuple[Dimensions | None, str | None, PieceMass]] = {}
        self._licences: dict[LicenceKey, LicenceView] = {}

    def reset_licences(
        self, rule_set: RuleSet, on: date, suppliers: Mapping[int, SupplierRecord]
    ) -> None:
        """Forget licence answers (rules, date or suppliers changed)."""
        self.rule_set, self.on, self._suppliers = rule_set, on, dict(suppliers)
        self._licences.clear()

    def derived(
        self,
        family: str,
        grade: str | None,
        shape: str | None,
        dimensions: str | None,
        stated_mass_g: float | None,
    ) -> Derived:
        """Return what a row's grade, dimensions and stated mass mean."""
        parsed, grade_problem = self._grade(family, grade)
        key = (family, shape, dimensions, stated_mass_g)
        found = self._shapes.get(key)
        if found is None:
            dims, problem = read_dimensions(_Fields(family, shape=shape, dimensions=dimensions))
            mass = piece_mass(stated_g=stated_mass_g, dimensions=dims, family=Family(family))
            found = self._shapes[key] = (dims, problem, mass)
        return Derived(parsed, grade_problem, found[0], found[1], found[2])

    def licence(self, key: LicenceKey) -> LicenceView:
        """Return the licence answer for (family, grade, Dy, Tb, form, supplier id)."""
        found = self._licences.get(key)
        if found is None:
            family, grade, dy, tb, form, supplier_id = key
            part = _Fields(family, grade, measured_dy_pct=dy, measured_tb_pct=tb, form=form)
            supplier = self._suppliers.get(supplier_id) if supplier_id is not None else None
            parsed, _ = self._grade(family, grade)
            facts = part_facts(part, supplier, parsed)
            evaluation = evaluate(facts, self.on, self.rule_set)
            found = self._licences[key] = LicenceView(evaluation, licence_tooltip(evaluation))
        return found

    def _grade(self, family: str, grade: str | None) -> tuple[Grade | None, str | None]:
        key = (family, grade)
        found = self._grades.get(key)
        if found is None:
            found = self._grades[key] = read_grade(_Fields(family, grade))
        return found


def licence_tooltip(evaluation: LicenceEvaluation) -> str:
    """Return rich text: the summary, each reason with rule id and sources, basis, as-of."""
    items = []
    for reason in evaluation.reasons:
        rule = f"<b>{escape(reason.rule_id)}</b>: " if reason.rule_id else ""
        sources = "".join(
            f"<br>&nbsp;&nbsp;Source: {escape(s.title)} &lt;{escape(s.url)}&gt;"
            for s in reason.sources
        )
        items.append(f"<li>{rule}{escape(reason.text)}{sources}</li>")
    return (
        f"<p><b>{escape(evaluation.summary)}</b></p><ul>{''.join(items)}</ul>"
        f"<p>{escape(BASIS_TEXT[evaluation.basis])}<br>"
        f"Rule set as of {evaluation.rule_set_as_of}; evaluated for {evaluation.on}.</p>"
    )


def grade_summary(grade: Grade) -> str:
    """Return one line about a grade: family, class, temperature, Dy+Tb and Sm content."""
    parts = [f"{grade.text}: {family_info(grade.family).label}"]
    if grade.coercivity_class:
        parts.append(f"class {grade.coercivity_class}")
    if grade.energy_mgoe is not None:
        parts.append(f"{grade.energy_mgoe:g} MGOe")
    if grade.max_temp_c is not None:
        parts.append(f"up to {grade.max_temp_c} °C")
    low, high = grade.dy_tb_wt_pct
    if high > 0:
        parts.append(f"Dy+Tb ≈ {low:g}–{high:g} wt% ({grade.confidence.value} confidence)")
    else:
        parts.append("no Dy/Tb expected")
    if grade.sm_wt_pct:
        parts.append(f"Sm ≈ {grade.sm_wt_pct:g} wt%")
    if grade.coating:
        parts.append(f"coating {grade.coating}")
    return ", ".join(parts)
