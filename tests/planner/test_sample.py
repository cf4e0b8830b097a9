"""The sample workspace: a realistic, complete data set that exercises every screen."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import TYPE_CHECKING

import pytest

from planner.exposure import exposure
from planner.families import Family
from planner.licences import LicenceStatus
from planner.rules import LicenceNeed, load_rule_set
from planner.sample import build_sample
from planner.schema import (
    AuditEntry,
    BomLine,
    BuildPlanEntry,
    Licence,
    LicenceDocument,
    Order,
    Part,
    Product,
    Stock,
    Supplier,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from planner.workspace import Workspace

ANCHOR = date(2026, 12, 1)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    workspace = build_sample(tmp_path_factory.mktemp("s") / "s.magplan", anchor=ANCHOR)
    yield workspace
    workspace.close()


def test_shape_of_the_data(sample: Workspace) -> None:
    products = sample.all(Product)
    assert Counter(p.kind for p in products) == {"product": 7, "assembly": 2}
    assert sample.count(Part) == 25
    assert {Family(p.family) for p in sample.all(Part)} == set(Family)
    assert sample.count(Stock) == 25
    assert sample.count(Order) >= 20


def test_every_supplier_country_of_interest_is_present(sample: Workspace) -> None:
    countries = {s.country for s in sample.all(Supplier)}
    assert {"CN", "IN", "VN", "MX", "JP", "DE"} <= countries
    assert all("fictional" in s.name for s in sample.all(Supplier))


def test_bom_is_multi_level(sample: Workspace) -> None:
    lines = sample.all(BomLine)
    assemblies = {p.id for p in sample.all(Product) if p.kind == "assembly"}
    assert any(line.child_product_id in assemblies for line in lines)
    assert any(line.parent_id in assemblies and line.child_part_id for line in lines)


def test_build_plan_covers_twelve_months_from_the_anchor(sample: Workspace) -> None:
    periods = sorted({e.period for e in sample.all(BuildPlanEntry)})
    assert len(periods) == 12
    assert (periods[0], periods[-1]) == (date(2026, 12, 1), date(2027, 11, 1))
    assert sample.meta("plan_start") == "2026-12-01"


def test_licences_in_every_state(sample: Workspace) -> None:
    statuses = {LicenceStatus(lic.status) for lic in sample.all(Licence)}
    assert {
        LicenceStatus.DRAFT,
        LicenceStatus.SUBMITTED,
        LicenceStatus.UNDER_REVIEW,
        LicenceStatus.INFORMATION_REQUESTED,
        LicenceStatus.APPROVED,
        LicenceStatus.REJECTED,
        LicenceStatus.EXPIRED,
    } <= statuses
    # An application under review for 95 days is far past 45 Chinese working days: overdue.
    overdue = [
        lic
        for lic in sample.all(Licence)
        if lic.status == "under_review" and lic.submitted_on is not None
        if (ANCHOR - lic.submitted_on).days > 90
    ]
    assert overdue
    assert sample.count(LicenceDocument) == 8 * sample.count(Licence)


def test_all_stored_grades_and_dimensions_parse(sample: Workspace) -> None:
    for item in exposure(sample, date(2026, 11, 30), load_rule_set()):
        assert item.insight.grade_problem is None, item.part.part_number
        assert item.insight.dimension_problem is None, item.part.part_number
        assert item.insight.mass.grams is not None, item.part.part_number


def test_licence_needs_are_mixed_and_plausible(sample: Workspace) -> None:
    needs = {
        item.part.part_number: item.insight.licence.need
        for item in exposure(sample, date(2026, 11, 30), load_rule_set())
    }
    assert needs["MG-1001"] is LicenceNeed.REQUIRED  # N38UH from China
    assert needs["MG-1002"] is LicenceNeed.REQUIRED  # Sm2Co17 from China
    assert needs["MG-1101"] is LicenceNeed.NOT_REQUIRED  # ferrite
    assert needs["MG-1603"] is LicenceNeed.NOT_REQUIRED  # moulded sensor assembly (FAQ 5)
    assert needs["MG-1602"] is LicenceNeed.NOT_REQUIRED  # Sm2Co17 from India, Indian REs
    assert needs["MG-1704"] is LicenceNeed.UNVERIFIED  # Dy/Tb grade from Vietnam: No. 61


def test_creation_is_audited_once(sample: Workspace) -> None:
    entries = sample.all(AuditEntry)
    assert [e.operation for e in entries if e.entity == "workspace"] == [
        "create sample workspace"
    ]


def test_default_anchor_is_this_month(tmp_path: Path) -> None:
    workspace = build_sample(tmp_path / "now.magplan")
    try:
        assert workspace.meta("plan_start") == date.today().replace(day=1).isoformat()
    finally:
        workspace.close()
