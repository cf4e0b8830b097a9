"""Rule ids, grades and part facts shared by the rule-set tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from planner.families import Confidence, Family
from planner.grades import Grade
from planner.rules import (
    LicenceEvaluation,
    PartFacts,
)

ANN18_DYTB = "CN-MOFCOM-2025-18-NdFeB-DyTb"
ANN18_SMCO = "CN-MOFCOM-2025-18-SmCo"
ANN57 = "CN-MOFCOM-2025-57-Ho"
ANN61 = "CN-MOFCOM-2025-61-extraterritorial"
ANN62 = "CN-MOFCOM-2025-62-technology"
FAQ5 = "CN-MOFCOM-FAQ5-assemblies"
ASK = "ask the supplier for a test report of Dy and Tb content"
TODAY = date(2026, 11, 30)
MID_SUSPENSION = date(2026, 1, 30)


def ndfeb(text: str, coercivity: str, low: float, high: float) -> Grade:
    """Return a sintered NdFeB grade with the given Dy+Tb estimate."""
    return Grade(
        text=text,
        family=Family.SINTERED_NDFEB,
        energy_mgoe=float(text[1:3]),
        coercivity_class=coercivity,
        max_temp_c=80,
        dy_tb_wt_pct=(low, high),
        sm_wt_pct=None,
        coating=None,
        confidence=Confidence.MED,
    )


N42 = ndfeb("N42", "N", 0.0, 0.0)
N42SH = ndfeb("N42SH", "SH", 2.0, 5.0)
N45H = ndfeb("N45H", "H", 0.0, 3.0)


def part(grade: Grade | None = N42SH, country: str | None = "CN", **kwargs: Any) -> PartFacts:
    """Return facts about a sintered NdFeB part."""
    return PartFacts(Family.SINTERED_NDFEB, grade, supplier_country=country, **kwargs)


def text_of(evaluation: LicenceEvaluation) -> str:
    """Return everything the buyer reads: summary and reasons."""
    return "\n".join([evaluation.summary, *(r.text for r in evaluation.reasons)])
