"""The first paint's sqlite3 reads: the same answers as the ORM, the same refusals."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from planner.exposure import bom_edges
from planner.quickread import PART_COLUMNS, QuickReader
from planner.rules import RuleOverride, load_rule_set
from planner.sample import build_sample
from planner.schema import Part, Product, RuleOverrideRow, Supplier
from planner.storage import WorkspaceError, WorkspaceErrorKind
from planner.workspace import Workspace, record_dict
from planner.workspace_rules import workspace_rule_set

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

ANN_61 = "CN-MOFCOM-2025-61-extraterritorial"


@pytest.fixture
def sample(tmp_path: Path) -> Iterator[tuple[Path, Workspace]]:
    """Return the sample file with an active and an inactive local rule override."""
    path = tmp_path / "sample.magplan"
    workspace = build_sample(path, anchor=date(2026, 12, 1))
    extend = RuleOverride(rule_id=ANN_61, suspended_until=date(2027, 5, 10), note="extended")
    disable = RuleOverride(rule_id=ANN_61, disabled=True, note="withdrawn")
    workspace.insert_many(
        [
            RuleOverrideRow(rule_id=ANN_61, data=extend.to_json(), active=True),
            RuleOverrideRow(rule_id=ANN_61, data=disable.to_json(), active=False),
        ],
        operation="add rule overrides",
    )
    yield path, workspace
    workspace.close()


@pytest.fixture
def reader(sample: tuple[Path, Workspace]) -> Iterator[QuickReader]:
    found = QuickReader.open(sample[0])
    assert found is not None
    yield found
    found.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_part_row_holds_every_part_column() -> None:
    assert tuple(column.key for column in Part.__table__.columns) == PART_COLUMNS


def test_reads_match_the_orm(sample: tuple[Path, Workspace], reader: QuickReader) -> None:
    _, workspace = sample
    assert reader.name == workspace.name == "Sample - Nordwerk Antriebe (fictional)"
    with workspace.engine.connect() as connection:
        query = select(*(getattr(Part, c) for c in PART_COLUMNS)).order_by(Part.id)
        expected = list(connection.execute(query).cursor.fetchall())
    assert reader.part_values(PART_COLUMNS) == expected
    assert len(expected) == 25
    for part in workspace.all(Part):
        row = reader.part(part.id)
        assert row is not None
        assert asdict(row) == record_dict(part)
    suppliers = reader.suppliers()
    for supplier in workspace.all(Supplier):
        seen = suppliers[supplier.id]
        assert seen == reader.supplier(supplier.id)
        assert (seen.name, seen.country, seen.heavy_re_origin) == (
            supplier.name,
            supplier.country,
            supplier.heavy_re_origin,
        )
        assert seen.chinese_owned is supplier.chinese_owned
    assert reader.product_names() == {p.id: p.name for p in workspace.all(Product)}
    assert reader.bom_edges() == bom_edges(workspace)
    assert reader.part(10_000) is None
    assert reader.supplier(10_000) is None


def test_rule_set_applies_only_active_overrides_like_the_workspace(
    sample: tuple[Path, Workspace], reader: QuickReader
) -> None:
    rule_set = reader.rule_set()
    assert rule_set == workspace_rule_set(sample[1])
    assert [o.note for o in rule_set.overrides] == ["extended"]
    assert rule_set != load_rule_set()


def test_unknown_columns_are_refused(reader: QuickReader) -> None:
    with pytest.raises(ValueError, match="no part column"):
        reader.part_values(["id", "1; DROP TABLE parts"])


def test_reads_after_close_reopen_and_the_file_is_untouched(
    sample: tuple[Path, Workspace], reader: QuickReader
) -> None:
    path, workspace = sample
    workspace.close()
    before = _digest(path)
    assert len(reader.part_values(["id"])) == 25
    reader.close()
    assert len(reader.part_values(["id"])) == 25
    reader.close()
    assert _digest(path) == before


def test_opens_the_orm_workspace_of_the_same_file(reader: QuickReader) -> None:
    workspace = reader.open_workspace(user="tester")
    try:
        assert workspace.location == reader.location
        assert workspace.count(Part) == 25
    finally:
        workspace.close()


def test_files_needing_the_orm_or_servers_get_no_reader(tmp_path: Path) -> None:
    old = tmp_path / "old.magplan"
    Workspace.create(old).close()
    _execute(old, "DELETE FROM alembic_version")
    assert QuickReader.open(old) is None  # Workspace.open refuses it: no schema
    assert QuickReader.open("postgresql://planner@db/team") is None


def make_foreign(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04 a zip, not a workspace")


def make_damaged(path: Path) -> None:
    workspace = Workspace.create(path)
    parts = [
        Part(part_number=f"MG-{i}", family="sintered_ndfeb", description="x" * 400)
        for i in range(200)
    ]
    workspace.insert_many(parts, operation="fill")
    workspace.close()
    data = bytearray(path.read_bytes())
    data[4096 * 2 : 4096 * 6] = b"\xde\xad\xbe\xef" * 4096
    path.write_bytes(bytes(data))


def make_newer(path: Path) -> None:
    Workspace.create(path).close()
    _execute(path, "UPDATE alembic_version SET version_num = '9999_from_the_future'")


def _execute(path: Path, sql: str) -> None:
    connection = sqlite3.connect(path)
    try:
        with connection:
            connection.execute(sql)
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (make_foreign, WorkspaceErrorKind.NOT_A_WORKSPACE),
        (make_damaged, WorkspaceErrorKind.DAMAGED),
        (make_newer, WorkspaceErrorKind.NEWER),
    ],
)
def test_bad_files_are_refused_untouched_as_workspace_open_does(
    tmp_path: Path, make: Callable[[Path], None], kind: WorkspaceErrorKind
) -> None:
    path = tmp_path / "bad.magplan"
    make(path)
    before = _digest(path)
    with pytest.raises(WorkspaceError) as quick:
        QuickReader.open(path)
    with pytest.raises(WorkspaceError) as orm:
        Workspace.open(path)
    assert quick.value.kind is orm.value.kind is kind
    assert quick.value.message == orm.value.message
    assert _digest(path) == before


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError) as info:
        QuickReader.open(tmp_path / "nope.magplan")
    assert info.value.kind is WorkspaceErrorKind.MISSING
