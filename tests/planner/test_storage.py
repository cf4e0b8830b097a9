"""Workspace storage: round trips, pragmas, migrations, audit, and refusal of bad files."""

from __future__ import annotations

import hashlib
import sqlite3
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import inspect as sa_inspect

from planner.schema import AuditEntry, Base, BomLine, Part, Product, Supplier
from planner.storage import SCHEMA_REVISION, WorkspaceError, WorkspaceErrorKind, head_revision
from planner.workspace import ChangeKind, ValidationError, Workspace

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = Workspace.create(tmp_path / "plan.magplan", name="Test", user="tester")
    yield workspace
    workspace.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _part(number: str = "MG-1", **values: object) -> Part:
    fields: dict[str, object] = {"part_number": number, "family": "sintered_ndfeb"}
    fields.update(values)
    return Part(**fields)


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    path = tmp_path / "a.magplan"
    workspace = Workspace.create(path, name="Round trip", user="alice")
    supplier, _ = workspace.insert(Supplier(name="S", country="IN"), operation="add supplier")
    part, change = workspace.insert(
        _part(
            grade="N42SH",
            dimensions="12x5x3mm",
            stated_mass_g=1.4,
            measured_dy_pct=2.5,
            supplier_id=supplier.id,
            unit_price=0.5,
            currency="EUR",
        ),
        operation="add part",
    )
    workspace.close()
    reopened = Workspace.open(path)
    [loaded] = reopened.all(Part)
    assert (loaded.grade, loaded.dimensions, loaded.stated_mass_g) == ("N42SH", "12x5x3mm", 1.4)
    assert (loaded.measured_dy_pct, loaded.supplier_id, loaded.currency) == (
        2.5,
        supplier.id,
        "EUR",
    )
    assert reopened.name == "Round trip"
    assert change.kind is ChangeKind.INSERT
    assert change.ids == (part.id,)
    reopened.close()


def test_sqlite_is_durable_and_enforces_foreign_keys(ws: Workspace) -> None:
    with ws.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    with pytest.raises(ValidationError, match="FOREIGN KEY"):
        ws.insert(_part(supplier_id=999), operation="add part")
    assert ws.count(Part) == 0


def test_migration_from_empty_creates_the_whole_glossary(ws: Workspace) -> None:
    tables = set(sa_inspect(ws.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    for needed in (
        "products",
        "parts",
        "bom_lines",
        "build_plan",
        "stock",
        "suppliers",
        "orders",
        "licences",
        "licence_events",
        "licence_documents",
        "rule_overrides",
        "audit_log",
        "scenarios",
    ):
        assert needed in tables
    with ws.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == (
            head_revision()
        )


def test_update_writes_an_audit_row_with_before_and_after(ws: Workspace) -> None:
    part, _ = ws.insert(_part(grade="N42"), operation="add part")
    change = ws.update(Part, part.id, {"grade": "N42SH"}, operation="edit grade")
    assert change.fields == ("grade",)
    entries = ws.all(AuditEntry, AuditEntry.id)
    assert [e.operation for e in entries] == ["add part", "edit grade"]
    assert entries[-1].before == {"grade": "N42"}
    assert entries[-1].after == {"grade": "N42SH"}
    assert entries[-1].who == "tester"


def test_failed_operation_changes_nothing(ws: Workspace) -> None:
    product, _ = ws.insert(Product(name="Motor"), operation="add product")
    audit_before = ws.count(AuditEntry)
    bad = [
        BomLine(
            parent_id=product.id, child_part_id=None, child_product_id=None, pieces_per_unit=1.0
        ),
    ]
    with pytest.raises(ValidationError):
        ws.insert_many([_part("MG-9"), *bad], operation="paste rows")
    assert ws.count(Part) == 0
    assert ws.count(AuditEntry) == audit_before


def test_bom_line_rejects_negative_pieces(ws: Workspace) -> None:
    product, _ = ws.insert(Product(name="Motor"), operation="add product")
    part, _ = ws.insert(_part(), operation="add part")
    with pytest.raises(ValidationError, match="pieces_positive"):
        ws.insert(
            BomLine(parent_id=product.id, child_part_id=part.id, pieces_per_unit=-2),
            operation="add line",
        )


def test_create_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "keep.magplan"
    path.write_text("precious")
    with pytest.raises(WorkspaceError) as info:
        Workspace.create(path)
    assert info.value.kind is WorkspaceErrorKind.EXISTS
    assert path.read_text() == "precious"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError) as info:
        Workspace.open(tmp_path / "nope.magplan")
    assert info.value.kind is WorkspaceErrorKind.MISSING


@pytest.mark.parametrize(
    "content", [b"", b"PK\x03\x04 a zip, not a workspace", b"part,qty\nMG-1,3\n"]
)
def test_foreign_file_is_refused_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "foreign.magplan"
    path.write_bytes(content)
    with pytest.raises(WorkspaceError) as info:
        Workspace.open(path)
    assert info.value.kind is WorkspaceErrorKind.NOT_A_WORKSPACE
    assert "not a Magnet Planner workspace" in str(info.value)
    assert path.read_bytes() == content


def test_other_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(WorkspaceError) as info:
        Workspace.open(path)
    assert info.value.kind is WorkspaceErrorKind.NOT_A_WORKSPACE
    assert _digest(path) == before
    assert not (tmp_path / "other.db-wal").exists()


def test_damaged_workspace_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "broken.magplan"
    workspace = Workspace.create(path)
    workspace.insert_many(
        [_part(f"MG-{i}", description="x" * 400) for i in range(200)], operation="fill"
    )
    workspace.close()
    data = bytearray(path.read_bytes())
    page = 4096
    data[page * 2 : page * 6] = b"\xde\xad\xbe\xef" * page
    path.write_bytes(bytes(data))
    before = _digest(path)
    with pytest.raises(WorkspaceError) as info:
        Workspace.open(path)
    assert info.value.kind is WorkspaceErrorKind.DAMAGED
    assert "damaged" in info.value.message
    assert _digest(path) == before


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.magplan"
    Workspace.create(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(WorkspaceError) as info:
        Workspace.open(path)
    assert info.value.kind is WorkspaceErrorKind.NEWER
    assert "newer Magnet Planner" in info.value.message
    assert _digest(path) == before


def test_fast_path_revision_is_the_alembic_head() -> None:
    assert head_revision() == SCHEMA_REVISION
